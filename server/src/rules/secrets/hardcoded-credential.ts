import { defineRule } from '../../engine/rule';
import type { AnalysisContext } from '../../engine/context';
import type { ActionMetadata } from '../../model/action';
import type { Step, Workflow } from '../../model/workflow';
import { maskSecret } from '../../analysis/mask';
import { collectSecrets, type SecretCandidate } from '../../analysis/secrets/collect';
import { uniqueSecretName } from '../../analysis/secrets/names';
import { throwawayVmPassword } from '../../analysis/secrets/throwaway-vm';
import { moveToSecretStoreFixes, STORE_TITLES } from '../../fixes/secret-store';
import { gitlabHardcodedCredentials } from '../_gitlab/hardcoded-credential';

export default defineRule({
  meta: {
    id: 'hardcoded-credential',
    title: 'Credential written in the workflow',
    description:
      'A literal password, token, key or credential-bearing URL in env:, with:, run: scripts, container or service credentials, reusable-workflow secrets or action input defaults.',
    severity: 'high',
    confidence: 'high',
    category: 'secrets',
    aliases: ['hardcoded-container-credentials', 'hardcoded-credentials', 'credentials', 'secrets-in-code'],
    appliesTo: ['workflow', 'action', 'gitlab'],
    fixable: true,
    fixSafety:
      'Always unsafe: the workflow only works once the secret exists with the old value (the fix offers to store it), and the credential must be rotated anyway. In a reusable workflow the secret is also declared under `on.workflow_call.secrets` and the callers that must pass it are named (when the adapter can list the workflows folder); `on: [..., workflow_call]` lists get no fix. A literal shared with a service container of the same job (a test database password) is never moved: the service would keep the literal while the steps read a secret.',
    docs: {
      risk: 'Anything in a workflow file is readable by everyone who can read the repository, forever, in git history and in every fork and clone. A credential written there is leaked the moment it is pushed; GitHub cannot mask it in logs either, since it is not a registered secret.',
      remediation:
        'Store the value in a secret store and reference it: `${{ secrets.NAME }}` for GitHub Actions secrets, or a fetch step for Vault, 1Password, AWS Secrets Manager, GCP Secret Manager or Azure Key Vault (configure `secretStore` in .flowguard.yml). In a run: script, pass the secret through env: and use "$NAME". Then rotate the credential: the committed value stays in history. The quick-fix "Move to secret store" does the replacement and offers to store the value with the Flowguard: Store Secret command.',
      severity:
        'A literal shared with a service container of the same job (the password of a throwaway test database) is info and has no fix: moving it to a secret while the service keeps the literal would break the tests and protect nothing. A password (not a provider-shaped token) whose every use in the file is the `--admin-password` of an Azure VM or scale set the workflow itself creates (`az vm create`, `az vmss create`), read directly or through its env name (`${{ env.NAME }}`, `$NAME`, `${NAME}`, `$env:NAME`), is low when the file also deletes each such VM (`az group delete` of the same resource group, or `az vm delete`/`az vmss delete` of the same name): no other system trusts it, but it is public, so the VM is open to anyone who can reach it while it exists. Better: generate one per run (`openssl rand -base64 24`) and hide it with `::add-mask::`; moving it to a secret store is still a valid fix and is offered. A VM the file never deletes, or any other use of the value (another command, `process.env.NAME`), keeps the usual severity. PowerShell `New-AzVM -Credential` is not followed (the credential object is built elsewhere).',
      vulnerableExample:
        'jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          curl -H "Authorization: Bearer a7c4e9f1b2d8306e5f4a1c9b7d2e8f36" https://api.example.com/deploy\n',
      safeExample:
        'jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          API_TOKEN: ${{ secrets.API_TOKEN }}\n        run: |\n          curl -H "Authorization: Bearer ${API_TOKEN}" https://api.example.com/deploy\n',
      references: [
        'https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions',
        'https://docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns',
        'https://docs.zizmor.sh/audits/#hardcoded-container-credentials',
      ],
    },
  },

  workflow(wf, ctx) {
    report(wf, ctx);
  },
  action(action, ctx) {
    report(action, ctx);
  },
  pipeline: gitlabHardcodedCredentials,
});

function report(model: Workflow | ActionMetadata, ctx: AnalysisContext): void {
  const { candidates, elsewhere } = ctx.cached('secrets:collect', () => collectSecrets(model, ctx.text));
  const names = assignNames(candidates, ctx.text);
  const store = ctx.config.secretStore;
  const storeTitle = STORE_TITLES[store.provider ?? 'github'];
  // All occurrences of one credential inside one script are replaced by the same fix.
  const byScalarAndValue = new Map<string, SecretCandidate[]>();
  for (const c of candidates) {
    const key = `${c.site.scalar.span.start}:${c.hit.value}`;
    byScalarAndValue.set(key, [...(byScalarAndValue.get(key) ?? []), c]);
  }
  // One fetch step per job serves every secret of the job: it goes before the job's first step that has one.
  const firstUse = new Map<unknown, Step>();
  for (const c of candidates) {
    if ((c.site.kind !== 'script' && c.site.kind !== 'step-value') || !c.site.job) continue;
    const seen = firstUse.get(c.site.job);
    if (!seen || c.site.step.index < seen.index) firstUse.set(c.site.job, c.site.step);
  }
  const sharedWithService = serviceLiterals(model);
  for (const group of byScalarAndValue.values()) {
    const c = group[0];
    const name = names.get(c)!;
    const masked = maskSecret(c.hit.value);
    // The password of a throwaway database the job starts for its tests: moving it to a secret while the service
    // keeps the literal would break the tests, and it protects nothing.
    const service = sharedWithService(c.hit.span, c.hit.value);
    if (service) {
      ctx.report({
        message: `${c.hit.kind === 'generic' ? 'A credential-like value' : capitalize(c.hit.label)} in ${c.where} (${masked}) is the password of a throwaway test service of this job (${service}): not a credential to move to secrets.`,
        span: c.hit.span,
        severity: 'info',
        confidence: c.hit.confidence,
        properties: { masked, provider: c.hit.providerId, kind: c.hit.kind, key: c.key, testService: service },
      });
      continue;
    }
    const what = c.hit.kind === 'generic' ? `A credential-like value` : capitalize(c.hit.label);
    // A password (not a provider's token) whose only use is the admin password of a VM the workflow creates and
    // deletes: public, so the VM is open while it runs, but nothing else trusts it. Moving it to a secret still helps.
    const vm = c.hit.kind === 'generic' || c.hit.kind === 'script' ? throwawayVm(c, ctx.text) : undefined;
    const message = vm
      ? `${what} in ${c.where} (${masked}) is only the admin password of a VM this workflow creates and deletes (${vm.created}, removed by ${vm.deletedBy}). It is public, so the VM is open to anyone who reaches it while it exists: generate one per run (e.g. with openssl rand) and hide it with ::add-mask::, or move it to ${storeTitle}.`
      : c.hit.throwaway
        ? c.inService
          ? `${what} in ${c.where} (${masked}) looks like a throw-away test credential for a service container: harmless only while the service is reachable from this job alone and the value is used nowhere else.`
          : `${what} in ${c.where} (${masked}) looks like a throw-away test password: fine for a local test setup, never for a reachable system.`
        : `${what} is written in ${c.where} (${masked}). Anyone who can read the repository has it: move it to ${storeTitle} and rotate it.`;
    ctx.report({
      message,
      span: c.hit.span,
      severity: vm ? 'low' : c.hit.severity,
      confidence: c.hit.confidence,
      fixes:
        c.hit.throwaway && !vm
          ? []
          : moveToSecretStoreFixes({
              text: ctx.text,
              path: ctx.path,
              store,
              name,
              site: c.site,
              firstUse: 'job' in c.site && c.site.job ? firstUse.get(c.site.job) : undefined,
              spans: group.map((g) => g.hit.span),
              valueSpan: c.hit.span,
              masked,
              model,
              readFile: ctx.readFile,
            }),
      properties: {
        masked,
        provider: c.hit.providerId,
        kind: c.hit.kind,
        key: c.key,
        secretName: name,
        throwaway: c.hit.throwaway ?? false,
        ...(vm ? { throwawayVm: vm.created } : {}),
      },
    });
  }
  for (const hit of elsewhere) {
    const masked = maskSecret(hit.value);
    const inComment = /(^|\s)#/.test(
      ctx.text.slice(ctx.text.lastIndexOf('\n', hit.span.start - 1) + 1, hit.span.start),
    );
    ctx.report({
      message: `${capitalize(hit.label)} is written ${inComment ? 'in a comment' : 'in the file'} (${masked}). Remove it and rotate it: anyone who can read the repository has it.`,
      span: hit.span,
      severity: hit.severity,
      confidence: hit.confidence,
      properties: { masked, provider: hit.providerId, kind: hit.kind, secretName: hit.nameHint },
    });
  }
}

/**
 * Finds the service container of the job around a span whose env, options or credentials hold the same literal:
 * `sharedWithService(span, value)` names that service, or undefined.
 */
function serviceLiterals(
  model: Workflow | ActionMetadata,
): (span: { start: number }, value: string) => string | undefined {
  const jobs = model.kind === 'workflow' ? model.jobs : [];
  return (span, value) => {
    const job = jobs.find((j) => j.span.start <= span.start && span.start < j.span.end);
    // Credentials for an emulator the tests reach on localhost (DynamoDB Local, MinIO) sit beside its endpoint.
    const step = job?.steps.find((st) => st.span.start <= span.start && span.start < st.span.end);
    const local = step?.env?.entries.find((e) => /^(https?:\/\/)?(localhost|127\.0\.0\.1)\b/.test(e.value?.text ?? ''));
    if (local && !step?.env?.entries.some((e) => /^https?:\/\/(?!localhost|127\.)/.test(e.value?.text ?? '')))
      return `${local.name} (localhost)`;
    for (const service of job?.services ?? []) {
      const blocks = [service.env, service.credentials].flatMap((b) => b?.entries ?? []);
      const literals = blocks.map((e) => e.value?.text ?? '').concat(service.options?.text ?? '');
      if (literals.some((l) => l === value || (l.length > value.length && l.includes(value)))) return service.id;
    }
    return undefined;
  };
}

/** The VM a literal is only the admin password of; an env entry's literal is used through its variable name. */
function throwawayVm(c: SecretCandidate, text: string): ReturnType<typeof throwawayVmPassword> {
  const envName =
    c.key !== undefined && (c.site.kind === 'workflow-env' || /\benv of /.test(c.where)) ? c.key : undefined;
  return throwawayVmPassword(text, c.hit.value, c.hit.span, envName);
}

/** One name per distinct credential, unique in the file and not already used by an existing `secrets.X` reference. */
function assignNames(candidates: SecretCandidate[], text: string): Map<SecretCandidate, string> {
  const taken = new Set<string>();
  for (const m of text.matchAll(/secrets\.([A-Za-z_][A-Za-z0-9_]*)/g)) taken.add(m[1].toUpperCase());
  const byValue = new Map<string, string>();
  const out = new Map<SecretCandidate, string>();
  for (const c of candidates) {
    let name = byValue.get(c.hit.value);
    // A script's secret becomes a step env var: it must not collide with one the step already sets.
    const stepEnv =
      c.site.kind === 'script' || (c.site.kind === 'action-value' && c.site.inRun)
        ? (c.site.step?.env?.entries ?? []).map((e) => e.name)
        : [];
    if (name && stepEnv.includes(name)) name = undefined;
    if (!name) {
      name = uniqueSecretName(c.nameBase, new Set([...taken, ...stepEnv]));
      taken.add(name);
      byValue.set(c.hit.value, name);
    }
    out.set(c, name);
  }
  return out;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
