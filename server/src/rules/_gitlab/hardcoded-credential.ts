// hardcoded-credential on GitLab CI: literal credentials in `variables:` and scripts, with fixes to the configured store.
import type { AnalysisContext } from '../../engine/context';
import type { GitlabPipeline } from '../../model/gitlab/pipeline';
import { maskSecret } from '../../analysis/mask';
import { collectGitlabSecrets } from '../../analysis/secrets/gitlab';
import { uniqueSecretName } from '../../analysis/secrets/names';
import { gitlabMoveFixes, gitlabStoreStyle } from '../../fixes/gitlab-secret';

export function gitlabHardcodedCredentials(p: GitlabPipeline, ctx: AnalysisContext): void {
  const { candidates, elsewhere } = ctx.cached('secrets:gitlab', () => collectGitlabSecrets(p));
  const taken = new Set<string>();
  for (const v of [...p.variables, ...p.jobs.flatMap((j) => j.variables)]) taken.add(v.name.toUpperCase());
  const style = gitlabStoreStyle(ctx.config.secretStore);
  const byValue = new Map<string, string>();
  for (const c of candidates) {
    const masked = maskSecret(c.hit.value);
    const what = c.hit.kind === 'generic' ? 'A credential-like value' : capitalise(c.hit.label);
    const whole = !!c.variable?.value && c.variable.value.text.trim() === c.hit.value.trim();
    // A whole value keeps its variable's name (the CI/CD variable of that name replaces it); parts get a new one.
    let name = whole ? c.variable!.name : byValue.get(c.hit.value);
    if (!name) {
      name = uniqueSecretName(c.nameBase, taken);
      taken.add(name);
      byValue.set(c.hit.value, name);
    }
    const where = style === 'variable' ? 'a masked, protected CI/CD variable' : 'the secret store';
    ctx.report({
      message: c.hit.throwaway
        ? `${what} in ${c.where} (${masked}) looks like a throw-away test password: fine for a local test service, never for a reachable system.`
        : `${what} is written in ${c.where} (${masked}). Anyone who can read the repository has it: move it to ${where} and rotate it.`,
      span: c.hit.span,
      severity: c.hit.severity,
      confidence: c.hit.confidence,
      fixes: c.hit.throwaway
        ? []
        : gitlabMoveFixes({
            text: ctx.text,
            path: ctx.path,
            store: ctx.config.secretStore,
            name,
            variable: c.variable,
            variablesPair: c.variable ? (c.job ? c.job.variablesPair : p.variablesPair) : undefined,
            script: c.script,
            job: c.job,
            valueSpan: c.hit.span,
            whole,
            masked,
          }),
      properties: {
        masked,
        provider: c.hit.providerId,
        kind: c.hit.kind,
        key: c.variable?.name,
        secretName: name,
        throwaway: c.hit.throwaway ?? false,
      },
    });
  }
  for (const hit of elsewhere) {
    const masked = maskSecret(hit.value);
    ctx.report({
      message: `${capitalise(hit.label)} is written in the file (${masked}). Remove it and rotate it: anyone who can read the repository has it.`,
      span: hit.span,
      severity: hit.severity,
      confidence: hit.confidence,
      properties: { masked, provider: hit.providerId, kind: hit.kind, secretName: hit.nameHint },
    });
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
