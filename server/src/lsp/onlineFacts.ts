// Online facts for the editor's diagnostics (trusted workspaces with `flowguard.online` on): `ref-version-mismatch`,
// `impostor-commit` and GitHub's current advisories need what the API says about the SHA pins a file holds. The
// server publishes the offline diagnostics first; this asks for what is not known yet in the background, and the server
// re-analyzes the document's current version once answers arrive. Every analysis starts with all that is known, so
// typing never waits and online findings do not flicker away between versions.
import type { FactRecords, RemoteReferences } from '../analysis/supply-chain/facts';
import type { AnalysisResult } from '../engine/analyze';
import { remoteReferences } from '../analysis/supply-chain/references';
import type { GitHubClient } from '../online/github';
import { resolveReferences } from '../online/resolve';

export class OnlineFacts {
  /** Everything resolved so far, for every document (the disk cache keeps it across sessions). */
  readonly records: Required<FactRecords> = { commits: {}, tags: {}, advisories: {}, reachable: {}, images: {} };
  /** SHA pins already asked about (or being asked about): never twice in a session. */
  private readonly asked = new Set<string>();

  /** The SHA pins of a file not asked about yet; undefined when there is nothing to ask. */
  unasked(model: AnalysisResult['model'], text: string): RemoteReferences | undefined {
    const actions = remoteReferences(model, text).actions.filter(
      (a) => a.pinned && !this.asked.has(`${a.repo.toLowerCase()}@${a.ref.toLowerCase()}#${a.comment ?? ''}`),
    );
    return actions.length ? { actions, images: [] } : undefined;
  }

  /** Asks the API (tags, the comment's tag, reachability, advisories) and merges the answers; true when any came. */
  async resolve(refs: RemoteReferences, github: GitHubClient): Promise<boolean> {
    for (const a of refs.actions) this.asked.add(`${a.repo.toLowerCase()}@${a.ref.toLowerCase()}#${a.comment ?? ''}`);
    const found = await resolveReferences([refs], { github, impostors: true });
    let any = false;
    for (const kind of ['commits', 'tags', 'advisories', 'reachable', 'images'] as const) {
      const answers = Object.entries(found[kind] ?? {});
      if (answers.length) any = true;
      Object.assign(this.records[kind], Object.fromEntries(answers));
    }
    return any;
  }
}
