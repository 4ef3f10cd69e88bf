// Code lenses: whatever the core's codeLenses() computes for the file (permission lenses come from there).
import type { CodeLens } from 'vscode-languageserver/node';
import { spanToRange } from './convert';
import type { Snapshot } from './documents';

export function lenses(snapshot: Snapshot): CodeLens[] {
  return snapshot.analysis.lenses.map((l) => ({
    range: spanToRange(snapshot.lines, l.span),
    command: { title: l.title, command: l.command?.command ?? '', arguments: l.command?.args },
  }));
}
