// Positions in the core: UTF-16 offsets into the document text. A leaf module: it imports nothing.

/** Half-open [start, end) range of UTF-16 offsets in the document text. */
export interface Span {
  start: number;
  end: number;
}

/** Replace the text at `span` with `newText`. */
export interface TextEdit {
  span: Span;
  newText: string;
}
