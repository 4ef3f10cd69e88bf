// Hover: what the core's hoverInfo says about the position (findings explained, with docs links).
import type { Hover, HoverParams } from 'vscode-languageserver/node';
import { hoverInfo } from '../editor/hover';
import { spanToRange } from './convert';
import type { Snapshot } from './scheduler';

export async function hover(params: HoverParams, snapshot: Snapshot): Promise<Hover | null> {
  const info = hoverInfo(
    snapshot.analysis.result,
    snapshot.lines.offsetAt(params.position),
    (await snapshot.editor()).permissions,
  );
  if (!info) return null;
  return { contents: { kind: 'markdown', value: info.markdown }, range: spanToRange(snapshot.lines, info.span) };
}
