// "Move to secret store": replaces a literal credential with a reference to the configured store.
// GitHub secrets: `${{ secrets.NAME }}` in place (or, in a run: script, through the step's env: and "$NAME").
// Vault, 1Password, AWS, GCP, Azure: a fetch step is inserted before the step that uses the value (or an existing
// fetch step earlier in the job is extended), and the value is read from that step's output or env.
// Every edit is minimal; the value itself never appears in a fix.
import { pinnedUses } from '../knowledge/supply-chain';
import type { SecretStoreConfig, SecretStoreKind } from '../engine/config';
import type { Fix } from '../engine/types';
import type { Span, TextEdit } from '../text/span';
import type { SecretSite } from '../analysis/secrets/collect';
import type { ActionMetadata } from '../model/action';
import type { Job, Step, Workflow } from '../model/workflow';
import { mapGetPair } from '../yaml/parse';
import { decodedPrefix, encodeForQuoted, quoteStyleOf } from '../yaml/quoted';
import type { ScalarValue } from '../model/common';
import {
  appendToMapping,
  columnOf,
  indentUnit,
  insertBeforePair,
  isFlow,
  lineStartOf,
  newlineOf,
  pairLinesSpan,
} from './edits';
import { addStepEnv } from './env';
import { moveWorkflowEnvToSteps } from './workflow-env';
import { callersOf, declareCallSecret, isReusableWorkflow } from './workflow-call-secrets';
import type { RepoReader } from '../analysis/file';

export const STORE_SECRET_COMMAND = 'flowguard.storeSecret';

export interface MoveRequest {
  text: string;
  path: string;
  store: SecretStoreConfig;
  /** Secret name (unique in the file). */
  name: string;
  site: SecretSite;
  /** The first step of the job that will read from the store: a new fetch step goes before it, so one fetch step serves the job. */
  firstUse?: Step;
  /** Every occurrence of the value inside the site's scalar (the same credential, replaced together). */
  spans: Span[];
  /** For the Store Secret follow-up: the span of the value before the fix. */
  valueSpan: Span;
  masked: string;
  /** The file's model: a reusable workflow must declare the secret, a service container may share the literal. */
  model?: Workflow | ActionMetadata;
  /** Reads (and, when the adapter can, lists) repository files: names the callers of a reusable workflow. */
  readFile?: RepoReader;
}

/** The preferred fix for the configured store; GitHub secrets when the store cannot serve the site. */
export function moveToSecretStoreFixes(req: MoveRequest): Fix[] {
  const { site } = req;
  // A test database's password shared with the job's steps: moving one copy to a secret breaks the other.
  if (sharedWithServiceContainer(req)) return [];
  if (site.kind === 'action-default') return [removeActionDefault(req, site)];
  if (site.kind === 'action-value') {
    const fix = actionInputFix(req, site);
    return fix ? [fix] : [];
  }
  const provider = req.store.provider ?? 'github';
  if (provider !== 'github' && (site.kind === 'script' || site.kind === 'step-value') && site.job) {
    const fetched = fetchFromStore(req, provider, site.step, site.job);
    if (fetched) {
      const edits = site.kind === 'script' ? scriptEdits(req, site.step, fetched.expr) : valueEdits(req, fetched.expr);
      if (edits) {
        return [
          {
            title: `Move to ${STORE_TITLES[provider]}: ${fetched.where}${fetched.inserted && provider !== '1password' ? ' (the job needs permissions: id-token: write)' : ''}`,
            safety: 'unsafe',
            isPreferred: true,
            edits: [...edits, ...fetched.edits],
            secretsToCreate: [req.name],
            followUp: followUp(req, provider),
          },
        ];
      }
    }
  }
  const ref = `\${{ secrets.${req.name} }}`;
  const note =
    provider !== 'github' && (site.kind === 'job-level' || site.kind === 'workflow-env')
      ? ` (${STORE_TITLES[provider]} cannot be read before the job's steps run)`
      : '';
  const call = callDeclaration(req);
  if (!call) return [];
  if (site.kind === 'workflow-env') {
    const literals = new Set(req.spans.map((s) => req.text.slice(s.start, s.end)));
    let value = site.scalar.text;
    for (const literal of literals) value = value.split(literal.trim()).join(ref);
    const fix = moveWorkflowEnvToSteps(
      req.text,
      site.wf,
      site.entry,
      value,
      `Move to secret store: \${{ secrets.${req.name} }}, declared on the steps that use ${site.entry.name}${note}${call.note}`,
    );
    return fix
      ? [
          {
            ...fix,
            edits: [...fix.edits, ...call.edits],
            secretsToCreate: [req.name],
            followUp: followUp(req, 'github'),
          },
        ]
      : [];
  }
  const edits = site.kind === 'script' ? scriptEdits(req, site.step, ref) : valueEdits(req, ref);
  if (!edits) return [];
  return [
    {
      title: `Move to secret store: \${{ secrets.${req.name} }}${note}${call.note}`,
      safety: 'unsafe',
      isPreferred: true,
      edits: [...edits, ...call.edits],
      secretsToCreate: [req.name],
      followUp: followUp(req, 'github'),
    },
  ];
}

/**
 * In a reusable workflow `secrets.NAME` is empty unless the caller passes it: the fix declares it under
 * on.workflow_call.secrets and names the callers that must pass it. undefined when `on:` cannot be extended.
 */
function callDeclaration(req: MoveRequest): { edits: TextEdit[]; note: string } | undefined {
  const wf = req.model?.kind === 'workflow' ? req.model : undefined;
  if (!wf || !isReusableWorkflow(wf)) return { edits: [], note: '' };
  const edits = declareCallSecret(req.text, wf, req.name);
  if (!edits) return undefined;
  const callers = callersOf(req.readFile, req.path);
  const who = callers?.length ? `${callers.join(', ')} must pass it` : 'every calling workflow must pass it';
  return {
    edits,
    note: `; declared under on.workflow_call.secrets: ${who} (secrets: ${req.name}: \${{ secrets.${req.name} }}, or secrets: inherit)`,
  };
}

/**
 * The literal sits in the env (or options) of a service container of the job and somewhere else too: the password of
 * a throwaway test database the steps connect with. Moving either copy to a secret while the other stays breaks the job.
 */
function sharedWithServiceContainer(req: MoveRequest): boolean {
  const wf = req.model?.kind === 'workflow' ? req.model : undefined;
  const literal = req.text.slice(req.valueSpan.start, req.valueSpan.end);
  if (!wf || literal.trim().length < 3) return false;
  const job = wf.jobs.find((j) => j.span.start <= req.valueSpan.start && req.valueSpan.start < j.span.end);
  for (const j of job ? [job] : wf.jobs) {
    const serviceSpans = j.services.flatMap((svc) =>
      [...(svc.env?.entries ?? []).map((e) => e.value?.span), svc.options?.span].filter((x): x is Span => !!x),
    );
    const inService = serviceSpans.filter((sp) => req.text.slice(sp.start, sp.end).includes(literal)).length;
    if (inService === 0) continue;
    const region = job ? req.text.slice(j.span.start, j.span.end) : req.text;
    if (region.split(literal).length - 1 > inService) return true;
  }
  return false;
}

export const STORE_TITLES: Record<SecretStoreKind, string> = {
  github: 'GitHub Actions secrets',
  vault: 'HashiCorp Vault',
  '1password': '1Password',
  aws: 'AWS Secrets Manager',
  gcp: 'GCP Secret Manager',
  azure: 'Azure Key Vault',
};

function followUp(req: MoveRequest, store: SecretStoreKind): Fix['followUp'] {
  return {
    command: STORE_SECRET_COMMAND,
    args: [
      {
        name: req.name,
        store,
        path: req.path,
        valueSpan: req.valueSpan,
        masked: req.masked,
        scope: req.store.githubScope ?? 'repository',
        environment: req.store.environment,
      },
    ],
  };
}

/** Replaces the literal inside a YAML value; a value that is nothing but the literal is replaced whole (quotes included). */
function valueEdits(req: MoveRequest, ref: string): TextEdit[] | undefined {
  const { scalar } = req.site;
  const source = req.text.slice(scalar.span.start, scalar.span.end);
  const literalIsWholeValue =
    req.spans.length === 1 &&
    (scalar.text.trim() === req.text.slice(req.spans[0].start, req.spans[0].end).trim() ||
      // A block scalar (`key: |` + an indented private key) holding nothing else.
      (/^[|>]/.test(source) &&
        (
          req.text.slice(scalar.span.start, req.spans[0].start).replace(/^[|>][^\n]*/, '') +
          req.text.slice(req.spans[0].end, scalar.span.end)
        ).trim() === ''));
  if (literalIsWholeValue) {
    const keepNewline = /\n$/.test(source) ? newlineOf(req.text) : '';
    return [{ span: scalar.span, newText: ref + keepNewline }];
  }
  // A literal inside a block scalar of several lines or inside a longer value: replace just the literal.
  return req.spans.map((span) => ({ span, newText: ref }));
}

/** The value moves to the step's env: and the script reads "$NAME" (never an expression inlined into the script). */
function scriptEdits(req: MoveRequest, step: Step, envValue: string): TextEdit[] | undefined {
  const shell = (step.shell ?? 'bash').toLowerCase();
  const edits: TextEdit[] = [];
  for (const span of req.spans) {
    const newText = scriptReference(req.text, req.site.scalar, span.start, req.name, shell, isFlow(step.node));
    if (newText === undefined) return undefined;
    edits.push({ span, newText });
  }
  const existing = step.env?.entries.find((e) => e.name === req.name);
  if (!existing) {
    const envEdit = addStepEnv(req.text, step, [{ name: req.name, value: envValue }]);
    if (!envEdit) return undefined;
    edits.push(envEdit);
  }
  return edits;
}

/**
 * The reference written at `offset` of a `run:` scalar. Its shell quoting follows the script the shell runs: in a
 * quoted YAML scalar that is the decoded value (`run: "curl -H 'token SECRET'"` holds single shell quotes the source
 * shows only through YAML's), and the reference is then written in the scalar's own quoting. Undefined when it cannot
 * be written there (a plain scalar inside a flow mapping cannot hold `${...}`, nor start with a quote).
 */
function scriptReference(
  text: string,
  scalar: ScalarValue,
  offset: number,
  name: string,
  shell: string,
  inFlow: boolean,
): string | undefined {
  const style = quoteStyleOf(scalar.node);
  if (!style) {
    const reference = shellReference(text, offset, name, shell);
    const plain = !/^[|>]/.test(text.slice(scalar.span.start, scalar.span.end));
    if (plain && (inFlow || (offset === scalar.span.start && /^['"]/.test(reference)))) return undefined;
    return reference;
  }
  const script = decodedPrefix(text.slice(scalar.span.start, offset), style);
  return script === undefined ? undefined : encodeForQuoted(shellReference(script, script.length, name, shell), style);
}

/** How the script refers to an environment variable at `offset`, keeping its quoting intact. */
export function shellReference(text: string, offset: number, name: string, shell: string): string {
  if (shell.startsWith('pwsh') || shell.startsWith('powershell')) return `$env:${name}`;
  if (shell === 'cmd') return `%${name}%`;
  const quote = shellQuoteAt(text, offset);
  return quote === '"' ? `\${${name}}` : quote === "'" ? `'"\${${name}}"'` : `"\${${name}}"`;
}

/** The POSIX-shell quote open at `offset`, looking at its line only (which is what a one-token replacement needs). */
function shellQuoteAt(text: string, offset: number): string {
  let quote = '';
  for (let i = lineStartOf(text, offset); i < offset; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = '';
    } else if (c === '\\') i++;
    else if (c === '"') quote = quote === '"' ? '' : '"';
    else if (c === "'" && quote === '') quote = "'";
  }
  return quote;
}

/** Action metadata cannot read secrets: the default goes away and callers pass the secret as the input. */
function removeActionDefault(req: MoveRequest, site: Extract<SecretSite, { kind: 'action-default' }>): Fix {
  const lines = pairLinesSpan(req.text, site.defaultPair);
  const edits: TextEdit[] = lines ? [{ span: lines, newText: '' }] : [{ span: site.scalar.span, newText: "''" }];
  return {
    title: `Remove the credential default; callers pass \${{ secrets.${req.name} }}`,
    safety: 'unsafe',
    isPreferred: true,
    edits,
    secretsToCreate: [req.name],
    followUp: followUp(req, 'github'),
  };
}

/** In a composite action the value becomes a required input, which the calling workflow fills from its secrets. */
function actionInputFix(req: MoveRequest, site: Extract<SecretSite, { kind: 'action-value' }>): Fix | undefined {
  const input = req.name.toLowerCase().replace(/_/g, '-');
  if (site.action.inputs.some((i) => i.name === input)) return undefined;
  const ref = `\${{ inputs.${input} }}`;
  const edits = site.inRun && site.step ? scriptEdits(req, site.step, ref) : valueEdits(req, ref);
  const inputEdit = addActionInput(req.text, site.action, input, req.name);
  if (!edits || !inputEdit) return undefined;
  return {
    title: `Move to an input: ${input} (callers pass \${{ secrets.${req.name} }})`,
    safety: 'unsafe',
    isPreferred: true,
    edits: [...edits, inputEdit],
    secretsToCreate: [req.name],
    followUp: followUp(req, 'github'),
  };
}

function addActionInput(text: string, action: ActionMetadata, input: string, secretName: string): TextEdit | undefined {
  const unit = ' '.repeat(indentUnit(text));
  const entry = [
    `${input}:`,
    `${unit}description: 'Credential; pass \${{ secrets.${secretName} }}'`,
    `${unit}required: true`,
  ];
  const inputsPair = mapGetPair(action.root, 'inputs');
  if (inputsPair?.value) return appendToMapping(text, inputsPair.value, entry);
  const runsPair = mapGetPair(action.root, 'runs');
  return runsPair ? insertBeforePair(text, runsPair, ['inputs:', ...entry.map((l) => unit + l)]) : undefined;
}

// ---- External stores: a fetch step before the first use in the job ----

interface Fetched {
  /** The expression that yields the value after the fetch step. */
  expr: string;
  edits: TextEdit[];
  /** Where the value lives in the store, for the title. */
  where: string;
  /** A new fetch step was inserted (rather than an existing one extended). */
  inserted: boolean;
}

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}

interface StoreSpec {
  stepId: string;
  uses: string;
  /** The with: key (or 'env' / 'run') the per-secret lines live in. */
  listKey: string;
  listIn: 'with' | 'env' | 'run';
  line(name: string, where: string, isFirst: boolean): string;
  where(name: string, store: SecretStoreConfig): string;
  expr(name: string): string;
  /** Lines of the new fetch step(s) (relative indentation), given the first secret line. */
  newSteps(first: string, store: SecretStoreConfig, unit: string, needsLogin: boolean): string[];
  /** An earlier step that authenticates (so no login step is added). */
  loginUses?: string;
  /** Separator vault-action needs between lines. */
  separator?: string;
}

const kebab = (name: string) => name.toLowerCase().replace(/_/g, '-');

const SPECS: Record<Exclude<SecretStoreKind, 'github'>, StoreSpec> = {
  vault: {
    stepId: 'vault',
    uses: pinnedUses('hashicorp/vault-action'),
    listKey: 'secrets',
    listIn: 'with',
    separator: ' ;',
    where: (name, s) => fill(s.pathTemplate ?? 'secret/data/ci/{name} value', { name: kebab(name), NAME: name }),
    line: (name, where) => `${where.includes(' ') ? where : `${where} value`} | ${name}`,
    expr: (name) => `\${{ steps.vault.outputs.${name} }}`,
    newSteps: (first, s, u) => [
      '- name: Read secrets from Vault',
      `${u}id: vault`,
      `${u}uses: ${pinnedUses('hashicorp/vault-action')}`,
      `${u}with:`,
      `${u}${u}url: ${s.vaultUrl ?? '${{ vars.VAULT_ADDR }}'}`,
      `${u}${u}method: ${s.vaultMethod ?? 'jwt'}`,
      `${u}${u}role: ${s.vaultRole ?? '${{ vars.VAULT_ROLE }}'}`,
      `${u}${u}secrets: |`,
      `${u}${u}${u}${first}`,
    ],
  },
  '1password': {
    stepId: 'op',
    uses: pinnedUses('1password/load-secrets-action'),
    listKey: 'env',
    listIn: 'env',
    where: (name, s) =>
      fill(s.pathTemplate ?? 'op://{vault}/{name}/credential', {
        vault: s.onePasswordVault ?? 'CI',
        name: kebab(name),
        NAME: name,
      }),
    line: (name, where) => `${name}: ${where}`,
    expr: (name) => `\${{ steps.op.outputs.${name} }}`,
    newSteps: (first, _s, u) => [
      '- name: Load secrets from 1Password',
      `${u}id: op`,
      `${u}uses: ${pinnedUses('1password/load-secrets-action')}`,
      `${u}with:`,
      `${u}${u}export-env: false`,
      `${u}env:`,
      `${u}${u}OP_SERVICE_ACCOUNT_TOKEN: \${{ secrets.OP_SERVICE_ACCOUNT_TOKEN }}`,
      `${u}${u}${first}`,
    ],
  },
  aws: {
    stepId: 'aws-secrets',
    uses: pinnedUses('aws-actions/aws-secretsmanager-get-secrets'),
    listKey: 'secret-ids',
    listIn: 'with',
    loginUses: 'aws-actions/configure-aws-credentials',
    where: (name, s) => fill(s.pathTemplate ?? 'ci/{name}', { name: kebab(name), NAME: name }),
    line: (name, where) => `${name},${where}`,
    expr: (name) => `\${{ env.${name} }}`,
    newSteps: (first, s, u, login) => [
      ...(login
        ? [
            '- name: Configure AWS credentials',
            `${u}uses: ${pinnedUses('aws-actions/configure-aws-credentials')}`,
            `${u}with:`,
            `${u}${u}role-to-assume: ${s.awsRoleToAssume ?? '${{ vars.AWS_ROLE_ARN }}'}`,
            `${u}${u}aws-region: ${s.awsRegion ?? '${{ vars.AWS_REGION }}'}`,
          ]
        : []),
      '- name: Read secrets from AWS Secrets Manager',
      `${u}id: aws-secrets`,
      `${u}uses: ${pinnedUses('aws-actions/aws-secretsmanager-get-secrets')}`,
      `${u}with:`,
      `${u}${u}secret-ids: |`,
      `${u}${u}${u}${first}`,
    ],
  },
  gcp: {
    stepId: 'gcp-secrets',
    uses: pinnedUses('google-github-actions/get-secretmanager-secrets'),
    listKey: 'secrets',
    listIn: 'with',
    loginUses: 'google-github-actions/auth',
    where: (name, s) =>
      fill(s.pathTemplate ?? '{project}/{name}', {
        project: s.gcpProject ?? '${{ vars.GCP_PROJECT }}',
        name: kebab(name),
        NAME: name,
      }),
    line: (name, where) => `${name}:${where}`,
    expr: (name) => `\${{ steps.gcp-secrets.outputs.${name} }}`,
    newSteps: (first, s, u, login) => [
      ...(login
        ? [
            '- name: Authenticate to Google Cloud',
            `${u}uses: ${pinnedUses('google-github-actions/auth')}`,
            `${u}with:`,
            `${u}${u}workload_identity_provider: ${s.gcpWorkloadIdentityProvider ?? '${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}'}`,
            `${u}${u}service_account: ${s.gcpServiceAccount ?? '${{ vars.GCP_SERVICE_ACCOUNT }}'}`,
          ]
        : []),
      '- name: Read secrets from Secret Manager',
      `${u}id: gcp-secrets`,
      `${u}uses: ${pinnedUses('google-github-actions/get-secretmanager-secrets')}`,
      `${u}with:`,
      `${u}${u}secrets: |`,
      `${u}${u}${u}${first}`,
    ],
  },
  azure: {
    stepId: 'azure-kv',
    uses: '',
    listKey: 'run',
    listIn: 'run',
    loginUses: 'azure/login',
    where: (name, s) =>
      fill(s.pathTemplate ?? '{vault}/{name}', {
        vault: s.azureKeyVault ?? '$KEY_VAULT',
        name: kebab(name),
        NAME: name,
      }),
    line: (name, where) => {
      const [vault, secret] = where.split('/');
      const vaultArg = vault.startsWith('$') ? `"${vault}"` : `'${vault}'`;
      return `v="$(az keyvault secret show --vault-name ${vaultArg} --name '${secret}' --query value -o tsv)"; echo "::add-mask::$v"; echo "${name}=$v" >> "$GITHUB_OUTPUT"`;
    },
    expr: (name) => `\${{ steps.azure-kv.outputs.${name} }}`,
    newSteps: (first, s, u, login) => [
      ...(login
        ? [
            '- name: Azure login',
            `${u}uses: ${pinnedUses('azure/login')}`,
            `${u}with:`,
            `${u}${u}client-id: ${s.azureClientId ?? '${{ vars.AZURE_CLIENT_ID }}'}`,
            `${u}${u}tenant-id: ${s.azureTenantId ?? '${{ vars.AZURE_TENANT_ID }}'}`,
            `${u}${u}subscription-id: ${s.azureSubscriptionId ?? '${{ vars.AZURE_SUBSCRIPTION_ID }}'}`,
          ]
        : []),
      '- name: Read secrets from Azure Key Vault',
      `${u}id: azure-kv`,
      `${u}shell: bash`,
      ...(s.azureKeyVault ? [] : [`${u}env:`, `${u}${u}KEY_VAULT: \${{ vars.AZURE_KEY_VAULT }}`]),
      `${u}run: |`,
      `${u}${u}${first}`,
    ],
  },
};

function fetchFromStore(
  req: MoveRequest,
  provider: Exclude<SecretStoreKind, 'github'>,
  step: Step,
  job: Job,
): Fetched | undefined {
  const spec = SPECS[provider];
  const where = spec.where(req.name, req.store);
  const line = spec.line(req.name, where, false);
  const earlier = job.steps.filter((s) => s.index < step.index);
  const existing = earlier.find((s) => s.id?.text === spec.stepId);
  if (existing) {
    const edit = extendFetchStep(req.text, existing, spec, line);
    return edit ? { expr: spec.expr(req.name), edits: [edit], where, inserted: false } : undefined;
  }
  const before = req.firstUse && req.firstUse.index < step.index ? req.firstUse : step;
  const needsLogin =
    !!spec.loginUses && !job.steps.some((s) => s.index < before.index && s.uses?.slug === spec.loginUses);
  const unit = ' '.repeat(indentUnit(req.text));
  const edit = insertStepsBefore(req.text, before, spec.newSteps(line, req.store, unit, needsLogin), unit);
  return edit ? { expr: spec.expr(req.name), edits: [edit], where, inserted: true } : undefined;
}

/** Inserts whole steps just before `step`. Lines start with `- ` or with one `unit` per nesting level under the step. */
function insertStepsBefore(text: string, step: Step, lines: string[], unit: string): TextEdit | undefined {
  const lineStart = lineStartOf(text, step.span.start);
  const dash = text.lastIndexOf('-', step.span.start);
  if (dash < lineStart || text.slice(lineStart, dash).trim() !== '') return undefined;
  const nl = newlineOf(text);
  const dashPad = ' '.repeat(dash - lineStart);
  const keyPad = ' '.repeat(columnOf(text, step.span.start));
  const out = lines.map((l) =>
    l.startsWith('- ')
      ? dashPad + '- ' + ' '.repeat(keyPad.length - dashPad.length - 2) + l.slice(2)
      : keyPad + l.slice(unit.length),
  );
  return { span: { start: lineStart, end: lineStart }, newText: out.map((l) => l + nl).join('') };
}

/** Adds one line to the fetch step's list (a block scalar under with:/run:, or its env: mapping). */
function extendFetchStep(text: string, step: Step, spec: StoreSpec, line: string): TextEdit | undefined {
  if (spec.listIn === 'env') return step.env?.map ? appendToMapping(text, step.env.map, [line]) : undefined;
  const scalar = spec.listIn === 'run' ? step.run : step.with?.entries.find((e) => e.name === spec.listKey)?.value;
  if (!scalar) return undefined;
  const source = text.slice(scalar.span.start, scalar.span.end);
  if (!/^[|>]/.test(source)) return undefined;
  const body = source.replace(/\s+$/, '');
  const lastLineStart = lineStartOf(text, scalar.span.start + body.length);
  const indent = columnOf(
    text,
    lastLineStart + (text.slice(lastLineStart).length - text.slice(lastLineStart).trimStart().length),
  );
  const at = scalar.span.start + body.length;
  const sep = spec.separator && !body.endsWith(spec.separator.trim()) ? spec.separator : '';
  return { span: { start: at, end: at }, newText: `${sep}${newlineOf(text)}${' '.repeat(indent)}${line}` };
}
