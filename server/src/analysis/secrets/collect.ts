// Every credential in a workflow or action file, with where it sits (for messages, secret names and fixes).
// Provider shapes are scanned once over the whole text; each place a value can live is then examined in turn, and
// provider matches outside all of them (comments, names, matrix values...) are returned as `elsewhere`.
import type { Span } from '../../text/span';
import type { ActionMetadata } from '../../model/action';
import type { Block, KeyValue, ScalarValue } from '../../model/common';
import type { Job, Step, Workflow } from '../../model/workflow';
import { stepLabel } from '../../model/workflow';
import { mapGetPair, type Node, type Pair } from '../../yaml/parse';
import { actionShortName, isDescriptiveName } from './names';
import {
  dropContained,
  judgeNamedValue,
  scanDocumentCredentials,
  scanDocumentProviders,
  scanEmbeddedCredentials,
  scanScript,
  type SecretHit,
} from './scan';

/** Where the literal sits: decides how a fix can move it to a secret store. */
export type SecretSite =
  /** A value the workflow evaluates expressions in before steps run (workflow/job env, container, services, reusable `with`/`secrets`). */
  | { kind: 'job-level'; scalar: ScalarValue }
  /** A workflow-level env: value: visible to every step, so the secret goes to the steps that use it. */
  | { kind: 'workflow-env'; scalar: ScalarValue; wf: Workflow; entry: KeyValue }
  /** A step's env: or with: value. */
  | { kind: 'step-value'; scalar: ScalarValue; step: Step; job?: Job }
  /** Inside a step's run: script. */
  | { kind: 'script'; scalar: ScalarValue; step: Step; job?: Job }
  /** Inside a composite action (where the secrets context does not exist). */
  | { kind: 'action-value'; scalar: ScalarValue; action: ActionMetadata; step?: Step; inRun: boolean }
  /** An action input's `default:`. */
  | { kind: 'action-default'; scalar: ScalarValue; action: ActionMetadata; defaultPair: Pair<Node, Node | null> };

export interface SecretCandidate {
  hit: SecretHit;
  site: SecretSite;
  /** Human description of the place: "env API_TOKEN of step 'Deploy'". */
  where: string;
  /** Base for the secret's name. */
  nameBase: string;
  /** The key the value sits under, when there is one. */
  key?: string;
  /** A service container's env: throw-away test credentials are expected there. */
  inService?: boolean;
}

export interface CollectedSecrets {
  candidates: SecretCandidate[];
  /** Provider-shaped credentials outside any value Flowguard can rewrite (comments, names, matrices...). */
  elsewhere: SecretHit[];
}

export function collectSecrets(model: Workflow | ActionMetadata, text: string): CollectedSecrets {
  const providerHits = scanDocumentProviders(text);
  const candidates: SecretCandidate[] = [];
  const covered: Span[] = [];
  const ctx: Ctx = { text, providerHits, candidates, covered };

  if (model.kind === 'workflow') {
    for (const entry of model.env?.entries ?? []) {
      if (entry.value)
        valueEntry(
          ctx,
          entry,
          { kind: 'workflow-env', scalar: entry.value, wf: model, entry },
          `workflow env: ${entry.name}`,
          entry.name,
        );
    }
    for (const job of model.jobs) collectJob(ctx, job);
  } else {
    for (const input of model.inputs) {
      const defaultPair = mapGetPair(input.node, 'default');
      if (!input.default || !defaultPair) continue;
      const kv: KeyValue = {
        name: input.name,
        keySpan: input.keySpan,
        value: input.default,
        pair: defaultPair as Pair<Node, Node | null>,
        span: input.default.span,
      };
      valueEntry(
        ctx,
        kv,
        {
          kind: 'action-default',
          scalar: input.default,
          action: model,
          defaultPair: defaultPair as Pair<Node, Node | null>,
        },
        `default of input ${input.name}`,
        input.name,
      );
    }
    valueBlock(ctx, model.env, (scalar) => ({ kind: 'action-value', scalar, action: model, inRun: false }), 'runs.env');
    for (const step of model.steps) {
      const label = describeStep(step);
      valueBlock(
        ctx,
        step.env,
        (scalar) => ({ kind: 'action-value', scalar, action: model, step, inRun: false }),
        `env of ${label}`,
      );
      valueBlock(
        ctx,
        step.with,
        (scalar) => ({ kind: 'action-value', scalar, action: model, step, inRun: false }),
        `with of ${label}`,
        withPrefix(step),
      );
      if (step.run)
        script(
          ctx,
          step.run,
          { kind: 'action-value', scalar: step.run, action: model, step, inRun: true },
          `run script of ${label}`,
          new Set(),
        );
    }
  }
  // `user:password@` URLs outside the values examined above: `uses: docker://user:pass@registry/...`, an
  // environment's `url:`, a job name.
  const urlHits = scanDocumentCredentials(text).filter((h) => h.kind === 'url-credential');
  const uncovered = (h: SecretHit) => !covered.some((c) => c.start <= h.span.start && h.span.end <= c.end);
  const elsewhere = dropContained([...providerHits.filter(uncovered), ...urlHits.filter(uncovered)]).sort(
    (a, b) => a.span.start - b.span.start,
  );
  return { candidates, elsewhere };
}

interface Ctx {
  text: string;
  providerHits: SecretHit[];
  candidates: SecretCandidate[];
  covered: Span[];
}

function collectJob(ctx: Ctx, job: Job): void {
  const jobLevel = (scalar: ScalarValue): SecretSite => ({ kind: 'job-level', scalar });
  const serviceHosts = new Set(job.services.map((s) => s.id.toLowerCase()));
  valueBlock(ctx, job.env, jobLevel, `env of job ${job.id}`, undefined, serviceHosts);
  if (job.container) {
    const registry = registryName(job.container.image?.text);
    valueBlock(ctx, job.container.credentials, jobLevel, `container credentials of job ${job.id}`, registry);
    valueBlock(ctx, job.container.env, jobLevel, `container env of job ${job.id}`, undefined, serviceHosts);
  }
  for (const service of job.services) {
    valueBlock(
      ctx,
      service.credentials,
      jobLevel,
      `credentials of service ${service.id}`,
      registryName(service.image?.text),
    );
    valueBlock(ctx, service.env, jobLevel, `env of service container ${service.id}`, service.id, serviceHosts, true);
  }
  const callee = job.uses
    ? actionShortName(job.uses.owner, job.uses.path?.replace(/^.*\//, '').replace(/\.ya?ml$/, '') ?? job.uses.name)
    : job.id;
  valueBlock(ctx, job.with, jobLevel, `with of reusable-workflow call ${job.id}`, callee);
  valueBlock(ctx, job.secrets, jobLevel, `secrets passed by job ${job.id}`);
  for (const step of job.steps) {
    const label = `${describeStep(step)} of job ${job.id}`;
    const stepValue = (scalar: ScalarValue): SecretSite => ({ kind: 'step-value', scalar, step, job });
    valueBlock(ctx, step.env, stepValue, `env of ${label}`, undefined, serviceHosts);
    valueBlock(ctx, step.with, stepValue, `input of ${label}`, withPrefix(step), serviceHosts);
    if (step.run)
      script(ctx, step.run, { kind: 'script', scalar: step.run, step, job }, `run script of ${label}`, serviceHosts);
  }
}

function describeStep(step: Step): string {
  return step.name || step.uses ? `step '${stepLabel(step)}'` : `step ${step.index + 1}`;
}

/** Generic input names (`password`, `token`) get the action's name in front: docker/login-action -> DOCKER_LOGIN_PASSWORD. */
function withPrefix(step: Step): string | undefined {
  if (!step.uses) return undefined;
  if (step.uses.kind === 'docker') return step.uses.image?.split(/[/:@]/)[0];
  if (step.uses.kind === 'local') return step.uses.path?.replace(/^\.\//, '').split('/').pop();
  return actionShortName(step.uses.owner, step.uses.name);
}

function registryName(image: string | undefined): string {
  const first = image?.split('/')[0] ?? '';
  if (!image || !/[.:]/.test(first) || !image.includes('/')) return 'REGISTRY';
  const host = first.replace(/:\d+$/, '').split('.');
  return host[0] === 'registry' || host.length < 2 ? `${host[host.length - 2] ?? host[0]}_REGISTRY` : host[0];
}

function valueBlock(
  ctx: Ctx,
  block: Block | undefined,
  site: (scalar: ScalarValue) => SecretSite,
  where: string,
  prefix?: string,
  localHosts: ReadonlySet<string> = new Set(),
  inService = false,
): void {
  for (const kv of block?.entries ?? []) {
    if (!kv.value) continue;
    const generic = !isDescriptiveName(kv.name) && prefix ? `${prefix}_${kv.name}` : kv.name;
    valueEntry(ctx, kv, site(kv.value), `${where}: ${kv.name}`, generic, localHosts, inService);
  }
}

function valueEntry(
  ctx: Ctx,
  kv: KeyValue,
  site: SecretSite,
  where: string,
  nameBase: string,
  localHosts: ReadonlySet<string> = new Set(),
  inService = false,
): void {
  const scalar = kv.value!;
  ctx.covered.push(scalar.span);
  const inside = ctx.providerHits.filter((h) => within(h.span, scalar.span));
  const embedded = scanEmbeddedCredentials(ctx.text, scalar.span.start, scalar.span.end, localHosts).filter(
    (e) => !inside.some((h) => overlaps(h.span, e.span)),
  );
  const hits = [...inside, ...embedded];
  if (hits.length === 0 && !/^[|>]/.test(ctx.text.slice(scalar.span.start, scalar.span.end))) {
    const judged = judgeNamedValue(kv.name, scalar.text);
    if (judged) hits.push({ ...judged, span: innerSpan(ctx.text, scalar) });
  }
  for (const hit of hits) {
    const partial = hit.kind === 'url-credential' || hit.kind === 'connection-string';
    const base = partial
      ? `${kv.name.replace(/[-_.]?(url|uri|dsn|connection[-_]?string|conn[-_]?str|string)$/i, '') || 'DATABASE'}_PASSWORD`
      : hit.kind === 'provider' && !isDescriptiveName(kv.name)
        ? (hit.nameHint ?? nameBase)
        : nameBase;
    ctx.candidates.push({
      hit:
        inService && (hit.kind === 'generic' || hit.throwaway)
          ? { ...hit, throwaway: true, severity: 'low', confidence: 'low' }
          : hit,
      site,
      where,
      nameBase: base,
      key: kv.name,
      inService,
    });
  }
}

function script(ctx: Ctx, run: ScalarValue, site: SecretSite, where: string, localHosts: ReadonlySet<string>): void {
  ctx.covered.push(run.span);
  const hits = dropContained([
    ...ctx.providerHits.filter((h) => within(h.span, run.span)),
    ...scanEmbeddedCredentials(ctx.text, run.span.start, run.span.end, localHosts),
    ...scanScript(ctx.text, run.span.start, run.span.end),
  ]);
  for (const hit of hits) ctx.candidates.push({ hit, site, where, nameBase: hit.nameHint ?? 'API_TOKEN' });
}

/** The span of a scalar's content (without quotes) for single-line scalars. */
function innerSpan(text: string, scalar: ScalarValue): Span {
  const source = text.slice(scalar.span.start, scalar.span.end);
  const q = source[0];
  if ((q === '"' || q === "'") && source.endsWith(q) && source.length >= 2)
    return { start: scalar.span.start + 1, end: scalar.span.end - 1 };
  return scalar.span;
}

function within(inner: Span, outer: Span): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}
