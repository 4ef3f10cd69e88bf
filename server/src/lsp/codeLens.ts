// Code lenses: whatever the core's codeLenses() computes for the file, with its action as a typed client command.
import type { CodeLens } from 'vscode-languageserver/node';
import { NARROW_PERMISSIONS_COMMAND, type NarrowPermissionsArgs } from '../protocol';
import { spanToRange } from './convert';
import type { Snapshot } from './scheduler';

export async function lenses(uri: string, snapshot: Snapshot): Promise<CodeLens[]> {
  return (await snapshot.editor()).lenses.map((l) => {
    const args: NarrowPermissionsArgs = { uri };
    return {
      range: spanToRange(snapshot.lines, l.span),
      command:
        l.action === 'narrow-permissions'
          ? { title: l.title, command: NARROW_PERMISSIONS_COMMAND, arguments: [args] }
          : { title: l.title, command: '' },
    };
  });
}
