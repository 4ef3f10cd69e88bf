// Which secrets a local reusable workflow can read when called with `secrets: inherit`: the ones it declares, the
// ones it names, and, through its own `secrets: inherit` calls, those of every workflow it calls in turn. Anything
// that cannot be followed (a remote callee, an unreadable file, a secret looked up by a computed name) is listed, so
// the explicit-list fix is never marked safe on a guess.
import { buildWorkflow } from '../model/workflow';
import { parseYamlShared } from '../yaml/parse';

export interface InheritedSecrets {
  /** Secret names the chain reads (never GITHUB_TOKEN, which is always passed). */
  names: string[];
  /** Why the list may be incomplete. */
  unknown: string[];
  /** Called jobs that run in an environment: its secrets are read there, and passing a same-named repository secret may shadow them. */
  environments: string[];
}

const MAX_DEPTH = 4;

/** undefined when the callee itself cannot be read as a reusable workflow. */
export function secretsReadThroughInherit(
  readFile: (repoRelativePath: string) => string | undefined,
  path: string,
): InheritedSecrets | undefined {
  const out: InheritedSecrets = { names: [], unknown: [], environments: [] };
  return visit(readFile, normalize(path), new Set(), 0, out) ? out : undefined;
}

function visit(
  readFile: (p: string) => string | undefined,
  path: string,
  visiting: Set<string>,
  depth: number,
  out: InheritedSecrets,
): boolean {
  const text = readFile(path);
  if (text === undefined) return false;
  const parsed = parseYamlShared(text);
  const wf = parsed.problems.length ? undefined : buildWorkflow(parsed, path);
  if (!wf?.triggers.some((t) => t.event === 'workflow_call')) return false;
  const add = (n: string) => {
    if (n.toUpperCase() !== 'GITHUB_TOKEN' && !out.names.includes(n)) out.names.push(n);
  };
  wf.declaredSecrets.forEach(add);
  // With inherit the callee may also read secrets it never declared.
  for (const m of text.matchAll(/\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)/g)) add(m[1]);
  if (/\bsecrets\s*\[|\btojson\s*\(\s*secrets\s*\)/i.test(text))
    out.unknown.push(`${path} reads secrets by a computed name`);
  for (const job of wf.jobs) {
    if (job.environment) out.environments.push(`${path} job ${job.id}`);
    if (!job.uses || job.secretsInherit?.text !== 'inherit') continue;
    const callee = job.uses.kind === 'local-reusable-workflow' ? normalize(job.uses.path!) : undefined;
    if (!callee)
      out.unknown.push(`${path} job ${job.id} passes every secret on to ${job.uses.raw}, which cannot be read`);
    else if (visiting.has(callee) || callee === path) continue;
    else if (depth >= MAX_DEPTH) out.unknown.push(`${callee} is nested too deeply to follow`);
    else if (!visit(readFile, callee, new Set([...visiting, path]), depth + 1, out))
      out.unknown.push(`${path} job ${job.id} passes every secret on to ${job.uses.raw}, which cannot be read`);
  }
  return true;
}

function normalize(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');
}
