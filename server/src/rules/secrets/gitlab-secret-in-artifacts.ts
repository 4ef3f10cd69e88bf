import { defineRule } from '../../engine/rule';
import type { AnalysisContext } from '../../engine/context';
import { compileGlob, GlobError } from '../../engine/glob';
import {
  effective,
  ownOrMerged,
  type GitlabArtifacts,
  type GitlabJob,
  type GitlabPipeline,
} from '../../model/gitlab/pipeline';
import { expandedVariables, secretFileWrites, type SecretFileWrite } from '../../analysis/gitlab';
import { isSecretLikeName } from '../../analysis/secrets/names';
import { scriptOffsets, type OffsetMap } from '../_gitlab/scripts';

/** Tokens GitLab revokes when the job ends: in an artifact they are worth little once it can be downloaded. */
const JOB_SCOPED = new Set([
  'CI_JOB_TOKEN',
  'CI_REGISTRY_PASSWORD',
  'CI_DEPENDENCY_PROXY_PASSWORD',
  'CI_JOB_JWT',
  'CI_JOB_JWT_V1',
  'CI_JOB_JWT_V2',
]);

const WHO: Record<GitlabArtifacts['access'], string> = {
  all: 'anyone who can see the pipeline can download it (for a public project: anyone)',
  developer: 'project members with the Developer role or higher can download it',
  maintainer: 'project maintainers can download it',
  none: 'nobody can download it',
};

export default defineRule({
  meta: {
    id: 'gitlab-secret-in-artifacts',
    title: 'Secret written to a file uploaded as an artifact',
    description:
      'A job writes a secret (or its whole environment) to a file that its `artifacts:` upload, where whoever can read the artifacts can download it.',
    severity: 'high',
    confidence: 'medium',
    category: 'secrets',
    aliases: ['secrets-in-artifacts'],
    appliesTo: ['gitlab'],
    fixable: false,
    docs: {
      risk: 'GitLab masks CI/CD variables in the job log only. A file is uploaded as it is: `printenv > env.txt` holds every variable of the job, masked and protected ones included, and `echo "$TOKEN" > creds.txt` holds the token. Job artifacts are downloadable by everyone who can see the pipeline unless `artifacts:access` restricts them; in a public project with public pipelines that is anyone, merge-request pipelines included, and `expose_as:` links the file from the merge request. A `reports: dotenv:` file is downloadable too.',
      severity:
        'High when the artifacts are readable by everyone who can see the pipeline (the default) and a named secret is written; medium for a dump of the whole environment in a job whose scripts or variables use a secret (it holds every CI/CD variable the job receives); low for a dump in a job where the file shows no secret, only job-scoped tokens GitLab revokes (whatever the CI/CD settings of the project hold is in it too, but the file cannot show it: the `printenv` of LLNL/lbann into an artifact was judged debatable blind, seed 2612). Low when `artifacts:access: developer`/`maintainer` (or `public: false`) limits downloads to people who can usually reach those variables anyway, and for job-scoped tokens (`CI_JOB_TOKEN`, `CI_REGISTRY_PASSWORD`), which GitLab revokes when the job ends; `id_tokens` JWTs count as secrets, as they stay valid until they expire. Not reported with `access: none`, or when the file is outside the project directory (GitLab uploads nothing from there). Paths are compared as written: a `cd` before the write is not followed.',
      remediation:
        'Do not write secrets into the project directory: pipe them to the program that needs them, or write them under `/tmp` or `$HOME` and delete them at the end of the job. Keep the artifact paths to the files you need (not `.` or `untracked: true`), list sensitive files under `artifacts:exclude:`, and set `artifacts:access: developer` (or `none`) for artifacts that are only passed between jobs. Rotate any secret an artifact already exposed: expiring the artifact does not recall copies.',
      vulnerableExample:
        'test:\n  script:\n    - printenv > ci_environment.log\n    - ./run-tests.sh\n  artifacts:\n    when: always\n    paths:\n      - ci_environment.log\n      - junit.xml\n',
      safeExample:
        'test:\n  script:\n    - printenv | grep -E "^(CI_JOB_ID|CI_COMMIT_SHA)=" > ci_environment.log\n    - ./run-tests.sh\n  artifacts:\n    when: always\n    paths:\n      - ci_environment.log\n      - junit.xml\n',
      references: [
        'https://docs.gitlab.com/ci/yaml/#artifactsaccess',
        'https://docs.gitlab.com/ci/jobs/job_artifacts/',
      ],
    },
  },
  gitlabJob(job, p, ctx) {
    const e = effective(job, p);
    const artifacts = e.artifacts;
    if (!artifacts || artifacts.access === 'none') return;
    const covered = coverage(artifacts);
    if (!covered) return;
    // Templates are checked too (a template that both writes and uploads is reported where it is written); a job
    // whose write and artifacts both come from templates in another file is reported in that file, not here.
    const artifactsHere = [job, ...p.jobs].some((j) => ownOrMerged(j.node, 'artifacts') === artifacts.node);
    const local = localScripts(p, ctx);
    const isSecret = (name: string) => {
      // ID tokens are bearer JWTs that stay valid until they expire, after the job: as secret as any.
      if (JOB_SCOPED.has(name) || e.idTokens.includes(name)) return true;
      // `secrets:` are files by default: the variable holds a path, not the secret.
      if (e.secrets.includes(name)) return false;
      // A value written in the file is not a stored secret (hardcoded-credential judges literal credentials).
      const value = e.variables.get(name);
      if (value !== undefined && !value.includes('$')) return false;
      return isSecretLikeName(name);
    };
    for (const script of e.scripts) {
      for (const write of secretFileWrites(script, isSecret)) {
        const file = projectPath(write.target);
        if (!file || !covered(file)) continue;
        const maps = local.get(script);
        if (!maps && (job.hidden || !artifactsHere)) continue;
        // A dump holds whatever the project's settings give the job: the file only shows the secrets it uses.
        const visible =
          write.what === 'environment'
            ? secretsInReach(e.scripts, e.variables, isSecret).filter((n) => !JOB_SCOPED.has(n))
            : [];
        report(
          ctx,
          job,
          artifacts,
          write,
          maps?.map((at) => at(write.index)),
          visible,
        );
      }
    }
  },
});

/** Script strings written in this file, with the offset maps of the places they are written. */
function localScripts(p: GitlabPipeline, ctx: AnalysisContext): Map<string, OffsetMap[]> {
  return ctx.cached('gitlab-secret-in-artifacts:scripts', () => {
    const out = new Map<string, OffsetMap[]>();
    for (const s of [...p.globalScripts, ...p.jobs.flatMap((j) => j.scripts)]) {
      const maps = out.get(s.line.text) ?? [];
      maps.push(scriptOffsets(ctx, s));
      out.set(s.line.text, maps);
    }
    return out;
  });
}

function report(
  ctx: AnalysisContext,
  job: GitlabJob,
  artifacts: GitlabArtifacts,
  write: SecretFileWrite,
  starts: number[] | undefined,
  visible: string[],
): void {
  const done = ctx.cached('gitlab-secret-in-artifacts:reported', () => new Set<number>());
  const jobScoped = write.what !== 'environment' && write.what.every((n) => JOB_SCOPED.has(n));
  const dump = write.what === 'environment';
  const severity =
    artifacts.access !== 'all' || jobScoped || (dump && !visible.length) ? 'low' : dump ? 'medium' : undefined;
  const written =
    write.what !== 'environment'
      ? `writes ${write.what.join(', ')} to`
      : visible.length
        ? `writes every CI/CD variable of the job (masked ones included, such as ${visible.slice(0, 3).join(', ')}) to`
        : 'writes every CI/CD variable of the job (masked ones included) to';
  const unseen =
    dump && !visible.length
      ? " (Low: this file shows no secret the job receives, only GitLab's job-scoped tokens; any secret variable the project's CI/CD settings give it is in the file too.)"
      : '';
  const exposed = artifacts.exposeAs ? `, and the merge request links it ("${artifacts.exposeAs}")` : '';
  const revoked = jobScoped ? ' (GitLab revokes these tokens when the job ends)' : '';
  const message = `${job.hidden ? 'This template' : `Job '${job.name}'`} ${written} ${write.target}, which its artifacts upload: ${WHO[artifacts.access]}${exposed}${revoked}. Keep secrets out of the project directory or out of the artifact paths.${unseen}`;
  for (const start of starts ?? [job.keySpan.start]) {
    if (done.has(start)) continue;
    done.add(start);
    ctx.report({
      message,
      span: starts ? { start, end: start + write.length } : job.keySpan,
      severity,
    });
  }
}

/** Secret-like variables the job's scripts or variable values expand: secrets the file shows this job receives. */
function secretsInReach(
  scripts: string[],
  variables: Map<string, string | undefined>,
  isSecret: (name: string) => boolean,
): string[] {
  const values = [...variables.values()].filter((v): v is string => !!v);
  return [...new Set([...scripts, ...values].flatMap(expandedVariables))].filter(isSecret);
}

/** The path relative to the project directory ('' for the directory itself), or undefined when it is outside it. */
function projectPath(target: string): string | undefined {
  const path = target.replace(/^\$\{?CI_PROJECT_DIR\}?(\/|$)/, '');
  if (path === target && /^(\/|~|\$\{?(HOME|TMPDIR)\b)/.test(path)) return undefined;
  return path.replace(/^(\.\/)+/, '').replace(/^\.$/, '');
}

/** Whether a project-relative path is uploaded by these artifacts (`paths:`, `untracked:`, dotenv, minus `exclude:`). */
function coverage(artifacts: GitlabArtifacts): ((file: string) => boolean) | undefined {
  const matcher = (patterns: string[]) => {
    const tests = patterns.flatMap((raw) => {
      const pattern = projectPath(raw)?.replace(/\/+$/, '');
      if (pattern === undefined) return [];
      if (pattern === '') return [() => true];
      try {
        const exact = compileGlob(pattern);
        const below = compileGlob(`${pattern}/**`);
        return [(file: string) => exact(file) || below(file)];
      } catch (error) {
        if (error instanceof GlobError) return [];
        throw error;
      }
    });
    return (file: string) => tests.some((t) => t(file));
  };
  if (!artifacts.paths.length && !artifacts.dotenv.length && !artifacts.untracked) return undefined;
  const included = matcher([...artifacts.paths, ...artifacts.dotenv]);
  const excluded = matcher(artifacts.exclude);
  return (file) => (artifacts.untracked || included(file)) && !excluded(file);
}
