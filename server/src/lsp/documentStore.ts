// The document store: the text of every open document, kept in step with the editor's open/change/close
// notifications (incremental changes applied in order). Knows nothing of the protocol connection.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type {
  DidChangeTextDocumentParams,
  DidCloseTextDocumentParams,
  DidOpenTextDocumentParams,
} from 'vscode-languageserver/node';
import { pathToUri } from './paths';

export class DocumentStore {
  private readonly docs = new Map<string, TextDocument>();

  open({ textDocument: d }: DidOpenTextDocumentParams): TextDocument {
    const doc = TextDocument.create(d.uri, d.languageId, d.version, d.text);
    this.docs.set(d.uri, doc);
    return doc;
  }

  /** Applies the changes; undefined for a document that is not open. */
  change({ textDocument, contentChanges }: DidChangeTextDocumentParams): TextDocument | undefined {
    const doc = this.docs.get(textDocument.uri);
    if (!doc) return undefined;
    const updated = TextDocument.update(doc, contentChanges, textDocument.version ?? doc.version + 1);
    this.docs.set(textDocument.uri, updated);
    return updated;
  }

  close({ textDocument }: DidCloseTextDocumentParams): TextDocument | undefined {
    const doc = this.docs.get(textDocument.uri);
    this.docs.delete(textDocument.uri);
    return doc;
  }

  get(uri: string): TextDocument | undefined {
    return this.docs.get(uri);
  }

  all(): TextDocument[] {
    return [...this.docs.values()];
  }

  /** The editor's text of an open file, by absolute path (what repository readers and config loading ask first). */
  textOf(path: string): string | undefined {
    return this.docs.get(pathToUri(path))?.getText();
  }
}
