// Credentials in a GitLab CI configuration: literal values in `variables:` (global or job), credentials in script
// lines, and provider-shaped tokens anywhere else in the file (comments, job names...).
import type { Span } from '../../text/span';
import type { GitlabJob, GitlabPipeline, GitlabVariable } from '../../model/gitlab/pipeline';
import type { ScalarValue } from '../../model/common';
import {
  dropContained,
  judgeNamedValue,
  scanDocumentProviders,
  scanEmbeddedCredentials,
  scanScript,
  type SecretHit,
} from './scan';

export interface GitlabSecretCandidate {
  hit: SecretHit;
  /** The variable holding it, or the script line. */
  variable?: GitlabVariable;
  script?: ScalarValue;
  /** Undefined for global `variables:`. */
  job?: GitlabJob;
  where: string;
  nameBase: string;
}

export interface GitlabSecrets {
  candidates: GitlabSecretCandidate[];
  elsewhere: SecretHit[];
}

const within = (inner: Span, outer: Span) => inner.start >= outer.start && inner.end <= outer.end;
const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

export function collectGitlabSecrets(p: GitlabPipeline): GitlabSecrets {
  const text = p.text;
  const providerHits = scanDocumentProviders(text);
  const candidates: GitlabSecretCandidate[] = [];
  const covered: Span[] = [];
  const variable = (v: GitlabVariable, job: GitlabJob | undefined) => {
    const scalar = v.value;
    if (!scalar) return;
    covered.push(scalar.span);
    // `description:` of a variable is documentation, not a value.
    const inside = providerHits.filter((h) => within(h.span, scalar.span));
    const embedded = scanEmbeddedCredentials(text, scalar.span.start, scalar.span.end).filter(
      (e) => !inside.some((h) => overlaps(h.span, e.span)),
    );
    // `$NAME` / `${NAME}` are GitLab variable references, not literals.
    const hits = [...inside, ...embedded].filter((h) => !h.value.includes('$'));
    if (
      hits.length === 0 &&
      !scalar.text.includes('$') &&
      !/^[|>]/.test(text.slice(scalar.span.start, scalar.span.end))
    ) {
      const judged = judgeNamedValue(v.name, scalar.text);
      if (judged) hits.push({ ...judged, span: innerSpan(text, scalar) });
    }
    const where = job ? `variable ${v.name} of job '${job.name}'` : `global variable ${v.name}`;
    for (const hit of hits) {
      const partial = hit.kind === 'url-credential' || hit.kind === 'connection-string';
      candidates.push({
        hit,
        variable: v,
        job,
        where,
        nameBase: partial ? `${v.name.replace(/[-_.]?(url|uri|dsn)$/i, '') || 'DATABASE'}_PASSWORD` : v.name,
      });
    }
  };
  for (const v of p.variables) variable(v, undefined);
  for (const job of p.jobs) for (const v of job.variables) variable(v, job);
  const scriptLine = (line: ScalarValue, job: GitlabJob | undefined) => {
    covered.push(line.span);
    const hits = dropContained([
      ...providerHits.filter((h) => within(h.span, line.span)),
      ...scanEmbeddedCredentials(text, line.span.start, line.span.end),
      ...scanScript(text, line.span.start, line.span.end),
    ]).filter((h) => !h.value.includes('$'));
    for (const hit of hits)
      candidates.push({
        hit,
        script: line,
        job,
        where: job ? `a script of job '${job.name}'` : 'a global script',
        nameBase: hit.nameHint ?? 'API_TOKEN',
      });
  };
  for (const s of p.globalScripts) scriptLine(s.line, undefined);
  for (const job of p.jobs) for (const s of job.scripts) scriptLine(s.line, job);
  const elsewhere = providerHits.filter((h) => !covered.some((c) => within(h.span, c)));
  return { candidates, elsewhere };
}

/** The value without its quotes. */
function innerSpan(text: string, scalar: ScalarValue): Span {
  const raw = text.slice(scalar.span.start, scalar.span.end);
  const at = raw.indexOf(scalar.text.trim());
  if (at < 0) return scalar.span;
  return { start: scalar.span.start + at, end: scalar.span.start + at + scalar.text.trim().length };
}
