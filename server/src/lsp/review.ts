// flowguard/review: per-file facts for the Security Review (and its SARIF export), computed in the server.
import { reviewFacts } from '../analysis/review';
import { analyze } from '../engine/analyze';
import { readDocument, repoFileReader, repoRootOf } from '../io/repo-files';
import type { FlowguardConfig } from '../engine/config';
import type { FileReport } from '../report/model';
import { redactorFor } from '../report/redact';
import { renderSarif } from '../report/sarif';
import type { ReviewParams, ReviewResult } from '../protocol';
import { version } from '../../../package.json';
import { dirname } from 'node:path';
import { pathToUri, uriToPath } from './paths';

export interface ReviewHost {
  /** The editor's text of an open document. */
  openText(uri: string): string | undefined;
  /** The effective config for the file's root; undefined when the file is outside any root. */
  configFor(uri: string): Promise<FlowguardConfig | undefined>;
}

export async function handleReview(
  params: ReviewParams,
  host: ReviewHost,
  isCancelled: () => boolean,
): Promise<ReviewResult> {
  const result: ReviewResult = { files: [] };
  const reports: FileReport[] = [];
  for (const uri of params.uris) {
    // Yield between files so a review of many workflows does not hold up other requests.
    await new Promise((resolve) => setImmediate(resolve));
    if (isCancelled()) throw new Error('review cancelled');
    const path = uriToPath(uri);
    const text = host.openText(uri) ?? (path ? readDocument(path) : undefined);
    if (text === undefined || !path) {
      result.files.push({ uri });
      continue;
    }
    const readFile = repoFileReader(repoRootOf(path, dirname(path)), (p) => host.openText(pathToUri(p)));
    const analysis = analyze({ path, text, config: await host.configFor(uri), readFile });
    // Facts quote the file (names, `uses:`, URLs): secrets in them are masked before they reach the webview or an export.
    const facts = analysis.model ? redactorFor(text, analysis).scrubValue(reviewFacts(analysis.model)) : undefined;
    result.files.push({ uri, facts });
    if (!analysis.kind) continue;
    const relative = params.srcRoot && uri.startsWith(params.srcRoot) ? uri.slice(params.srcRoot.length) : undefined;
    reports.push({
      path: relative ? decodeURIComponent(relative) : path,
      uri: relative ?? uri,
      text,
      result: analysis,
    });
  }
  if (params.sarif) result.sarif = renderSarif({ toolVersion: version, files: reports, srcRoot: params.srcRoot });
  return result;
}
