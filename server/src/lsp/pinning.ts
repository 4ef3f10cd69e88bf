// Online supply-chain features of the language server, in trusted workspaces with `flowguard.online` on:
// - "Pin to commit SHA" / "Pin image to digest" code actions, resolved lazily in codeAction/resolve (typing never
//   waits on the network);
// - hover on `uses:` with the resolved commit, its tags, advisories and archived state;
// - flowguard/pinWorkspace: every action and image of the workspace pinned, with progress, cancellation and a summary.
import type { CodeAction, CodeActionParams, TextEdit as LspTextEdit } from 'vscode-languageserver/node';
import { CodeActionKind } from 'vscode-languageserver/node';
import { analyze, type AnalysisResult } from '../engine/analyze';
import type { Finding } from '../engine/types';
import { checkFix, fixAll } from '../fixes/apply';
import { factsFromRecords, type RemoteReferences } from '../analysis/supply-chain/facts';
import { parseImageRef } from '../analysis/supply-chain/images';
import { remoteReferences, remoteUses } from '../analysis/supply-chain/references';
import { commentVersion, isFullSha, trailingComment } from '../analysis/supply-chain/uses-text';
import { mostSpecificTag } from '../analysis/supply-chain/versions';
import { archivedAction, bundledAdvisoriesFor } from '../knowledge/supply-chain';
import { DiskCache, defaultCacheDir } from '../online/cache';
import { GitHubClient } from '../online/github';
import { checkApiUrl } from '../online/http';
import { RegistryClient } from '../online/oci';
import { resolveReferences } from '../online/resolve';
import { githubApiUrl } from '../online/token';
import type { LineIndex } from '../text/lines';
import { minimalEdit } from './codeActions';
import { rangeToSpan, spanToRange } from './convert';
import type { Snapshot, Target } from './scheduler';

const PIN_RULES = ['unpinned-uses', 'unpinned-images'];

export interface PinActionData {
  flowguardPin: true;
  uri: string;
  version: number;
  ruleId: string;
  start: number;
  end: number;
}

/** One GitHub and registry client per API URL and token, so the memo and rate-limit state are shared. */
export class OnlineResolver {
  private clients?: { key: string; github: GitHubClient; registry: RegistryClient };
  token?: string;

  constructor(private readonly env: Record<string, string | undefined> = process.env) {}

  clientsFor(settingUrl: string | undefined): { github: GitHubClient; registry: RegistryClient } | undefined {
    const apiUrl = githubApiUrl(undefined, this.env, settingUrl);
    try {
      checkApiUrl(apiUrl, 'flowguard.githubApiUrl');
    } catch {
      return undefined;
    }
    const token = this.token ?? (this.env.GH_TOKEN?.trim() || this.env.GITHUB_TOKEN?.trim() || undefined);
    const key = `${apiUrl}\0${token ?? ''}`;
    if (this.clients?.key !== key) {
      const cache = new DiskCache(defaultCacheDir(this.env));
      const github = new GitHubClient({ baseUrl: apiUrl, token, cache, timeoutMs: 8000, maxRateLimitWaitMs: 5000 });
      this.clients = { key, github, registry: new RegistryClient({ cache, problems: github.problems }) };
    }
    return this.clients;
  }
}

/** Placeholder actions for pins the offline analysis could not compute; their edit comes in codeAction/resolve. */
export function pinActions(params: CodeActionParams, snapshot: Snapshot): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((k) => CodeActionKind.QuickFix.startsWith(k))) return [];
  const requested = rangeToSpan(snapshot.lines, params.range);
  return snapshot.analysis.result.findings
    .filter((f) => PIN_RULES.includes(f.ruleId) && f.fixes.length === 0)
    .filter((f) => f.span.start <= requested.end && requested.start <= f.span.end)
    .map((f) => ({
      title: f.ruleId === 'unpinned-uses' ? 'Pin to commit SHA' : 'Pin image to digest',
      kind: CodeActionKind.QuickFix,
      isPreferred: true,
      data: {
        flowguardPin: true,
        uri: params.textDocument.uri,
        version: snapshot.version,
        ruleId: f.ruleId,
        start: f.span.start,
        end: f.span.end,
      } satisfies PinActionData,
    }));
}

export function isPinAction(action: CodeAction): action is CodeAction & { data: PinActionData } {
  return (action.data as PinActionData | undefined)?.flowguardPin === true;
}

/** Resolves the pin: asks the API for this one reference, re-analyses with the answer and takes the rule's own fix. */
export async function resolvePinAction(
  action: CodeAction & { data: PinActionData },
  snapshot: Snapshot,
  target: Target,
  clients: { github: GitHubClient; registry: RegistryClient },
): Promise<CodeAction> {
  const { data } = action;
  if (snapshot.version !== data.version) return { ...action, title: `${action.title} (the file changed: try again)` };
  const finding = snapshot.analysis.result.findings.find(
    (f) => f.ruleId === data.ruleId && f.span.start === data.start && f.span.end === data.end,
  );
  if (!finding) return action;
  const refs = referencesOf(finding);
  const records = await resolveReferences([refs], clients);
  const input = {
    path: target.relPath,
    text: snapshot.text,
    config: target.config,
    kind: target.kind,
    facts: factsFromRecords(records),
  };
  const again = analyze(input);
  const pinned = again.findings.find((f) => f.ruleId === data.ruleId && f.span.start === data.start);
  const fixed = pinned?.fixes[0];
  if (!pinned || !fixed) {
    const why = clients.github.problems.messages.at(-1) ?? 'the reference could not be resolved';
    return { ...action, title: `${action.title}: ${why}`, disabled: { reason: why } };
  }
  // Checked like every other fix the server sends (fixes/apply.ts).
  const defect = checkFix(snapshot.text, again, pinned, fixed.edits, (text) => analyze({ ...input, text }));
  if (defect) return { ...action, title: `${action.title}: ${defect}`, disabled: { reason: defect } };
  return { ...action, title: fixed.title, edit: { changes: { [data.uri]: toLsp(snapshot.lines, fixed.edits) } } };
}

function referencesOf(finding: Finding): RemoteReferences {
  const p = finding.properties ?? {};
  if (finding.ruleId === 'unpinned-images') {
    const ref = parseImageRef(String(p.image ?? ''));
    return { actions: [], images: ref ? [`${ref.name}:${ref.tag ?? 'latest'}`] : [] };
  }
  return typeof p.repo === 'string' && typeof p.ref === 'string'
    ? { actions: [{ repo: p.repo, ref: p.ref, pinned: false }], images: [] }
    : { actions: [], images: [] };
}

/** Markdown about the `uses:` under the cursor: archived state and bundled advisories always, resolved facts online. */
export async function usesHover(
  result: AnalysisResult,
  text: string,
  offset: number,
  clients: { github: GitHubClient } | undefined,
): Promise<string | undefined> {
  const uses = remoteUses(result.model).find((u) => u.span.start <= offset && offset <= u.span.end);
  if (!uses?.repo || !uses.ref || uses.raw.includes('${{')) return undefined;
  const lines: string[] = [`**${uses.repo}**`];
  if (clients) {
    const sha = isFullSha(uses.ref) ? uses.ref.toLowerCase() : await clients.github.commitOf(uses.repo, uses.ref);
    if (sha === null) lines.push(`\`${uses.ref}\` does not exist in ${uses.repo}.`);
    else if (sha) {
      const tags = (await clients.github.tagsAt(uses.repo, sha)) ?? [];
      const named = commentVersion(trailingComment(text, uses)?.text);
      lines.push(
        `Commit \`${sha}\`` +
          (tags.length
            ? ` — tags: ${tags.map((t) => `\`${t}\``).join(', ')} (most specific: \`${mostSpecificTag(tags)}\`)`
            : ' — no tag'),
      );
      if (named && !tags.includes(named))
        lines.push(`The comment names \`${named}\`, which does not point at this commit.`);
    } else lines.push(clients.github.problems.messages.at(-1) ?? 'Not resolved.');
  }
  const archived = archivedAction(uses.repo);
  if (archived)
    lines.push(`Archived repository${archived.replacement ? `; replacement: ${archived.replacement}` : ''}.`);
  const advisories = (clients && (await clients.github.advisories(uses.repo))) ?? bundledAdvisoriesFor(uses.repo);
  for (const a of advisories.slice(0, 5)) {
    const ranges = a.vulnerabilities.map((v) => v.vulnerableVersionRange).join('; ');
    lines.push(`[${a.ghsaId}](${a.url}) (${a.severity}${ranges ? `, affects ${ranges}` : ''}): ${a.summary}`);
  }
  return lines.length > 1 ? lines.join('\n\n') : undefined;
}

export interface PinFile {
  uri: string;
  relPath: string;
  text: string;
  lines: LineIndex;
  target: Target;
}

export interface PinWorkspaceSummary {
  changes: Record<string, LspTextEdit[]>;
  pinned: number;
  files: number;
  unresolved: string[];
  problems: string[];
}

/** Resolves every reference of the files, then applies the pin fixes (and only those) to each. */
export async function pinFiles(
  files: PinFile[],
  clients: { github: GitHubClient; registry: RegistryClient },
  progress: (message: string, percent: number) => void,
  cancelled: () => boolean,
): Promise<PinWorkspaceSummary> {
  progress(`Reading ${files.length} files`, 0);
  const analyzed = files.map((f) => ({
    f,
    result: analyze({ path: f.relPath, text: f.text, config: f.target.config, kind: f.target.kind, rules: [] }),
  }));
  const refs = analyzed.map(({ f, result }) => remoteReferences(result.model, f.text));
  progress(`Resolving ${refs.reduce((n, r) => n + r.actions.length + r.images.length, 0)} references`, 10);
  const records = await resolveReferences(refs, { ...clients, isCancelled: cancelled });
  const facts = factsFromRecords(records);
  const summary: PinWorkspaceSummary = { changes: {}, pinned: 0, files: 0, unresolved: [], problems: [] };
  files.forEach((f, i) => {
    if (cancelled()) return;
    progress(`Pinning ${f.relPath}`, 60 + Math.floor((40 * i) / Math.max(1, files.length)));
    const input = { path: f.relPath, text: f.text, config: f.target.config, kind: f.target.kind, facts };
    const fixed = fixAll(input.text, (text) => analyze({ ...input, text }), { ruleIds: PIN_RULES });
    for (const left of fixed.remaining.filter((x) => PIN_RULES.includes(x.ruleId)))
      summary.unresolved.push(
        `${f.relPath}: ${String(left.properties?.action ?? left.properties?.image)}@${String(left.properties?.ref ?? '')}`.replace(
          /@$/,
          '',
        ),
      );
    if (fixed.text === f.text) return;
    summary.changes[f.uri] = toLsp(f.lines, [minimalEdit(f.text, fixed.text)]);
    summary.pinned += fixed.applied.length;
    summary.files++;
  });
  summary.problems = clients.github.problems.messages;
  return summary;
}

function toLsp(
  lines: LineIndex,
  edits: ReadonlyArray<{ span: { start: number; end: number }; newText: string }>,
): LspTextEdit[] {
  return edits.map((e) => ({ range: spanToRange(lines, e.span), newText: e.newText }));
}
