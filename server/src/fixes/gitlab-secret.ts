// "Move to secret store" for GitLab CI. A literal in `variables:` is removed so that a masked, protected CI/CD variable
// of the same name supplies it (project variables take precedence over .gitlab-ci.yml anyway), or replaced by a job
// `secrets:` entry read from Vault or a cloud secret manager with an `id_tokens` token. A credential inside a value or a
// script line becomes a `${NAME}` reference to a CI/CD variable. The value itself never appears in a fix.
import type { SecretStoreConfig } from '../engine/config';
import type { Fix } from '../engine/types';
import type { Span, TextEdit } from '../text/span';
import type { GitlabJob, GitlabVariable } from '../model/gitlab/pipeline';
import type { ScalarValue } from '../model/common';
import { isMap, isScalar, mapPairs, type Node, type Pair } from '../yaml/parse';
import { appendToMapping, pairLinesSpan } from './edits';

export const STORE_GITLAB_VARIABLE_COMMAND = 'flowguard.storeGitlabVariable';

export type GitlabStoreStyle = NonNullable<NonNullable<SecretStoreConfig['gitlab']>['style']>;

/** The configured style; otherwise follows `provider` (vault → Vault, aws/gcp/azure → their managers, else CI/CD variables). */
export function gitlabStoreStyle(store: SecretStoreConfig): GitlabStoreStyle {
  if (store.gitlab?.style) return store.gitlab.style;
  switch (store.provider) {
    case 'vault':
      return 'vault';
    case 'gcp':
      return 'gcp_secret_manager';
    case 'azure':
      return 'azure_key_vault';
    case 'aws':
      return 'aws_secrets_manager';
    default:
      return 'variable';
  }
}

const STYLE_TITLES: Record<GitlabStoreStyle, string> = {
  variable: 'a masked, protected CI/CD variable',
  vault: 'HashiCorp Vault (secrets: vault + id_tokens)',
  gcp_secret_manager: 'GCP Secret Manager (secrets: gcp_secret_manager + id_tokens)',
  azure_key_vault: 'Azure Key Vault (secrets: azure_key_vault + id_tokens)',
  aws_secrets_manager: 'AWS Secrets Manager (secrets: aws_secrets_manager + id_tokens)',
};

const TOKEN_NAMES: Record<Exclude<GitlabStoreStyle, 'variable'>, string> = {
  vault: 'VAULT_ID_TOKEN',
  gcp_secret_manager: 'GCP_ID_TOKEN',
  azure_key_vault: 'AZURE_ID_TOKEN',
  aws_secrets_manager: 'AWS_ID_TOKEN',
};

export interface GitlabMoveRequest {
  text: string;
  path: string;
  store: SecretStoreConfig;
  /** The CI/CD variable or secret name. */
  name: string;
  variable?: GitlabVariable;
  /** The mapping pair holding the variables (`variables:` of the job or the file), to drop it when it empties. */
  variablesPair?: Pair<Node, Node | null>;
  script?: ScalarValue;
  job?: GitlabJob;
  /** The credential's span; `whole` when it is the variable's entire value. */
  valueSpan: Span;
  whole: boolean;
  masked: string;
}

export function gitlabMoveFixes(req: GitlabMoveRequest): Fix[] {
  const style = gitlabStoreStyle(req.store);
  const followUp = {
    command: STORE_GITLAB_VARIABLE_COMMAND,
    args: [
      {
        name: req.name,
        path: req.path,
        valueSpan: req.valueSpan,
        masked: req.masked,
        project: req.store.gitlab?.project,
        gitlabUrl: req.store.gitlab?.url,
      },
    ],
  };
  if (req.variable && req.whole) {
    const removal = removeVariable(req);
    if (!removal) return [];
    if (style !== 'variable' && req.job && !req.job.hidden) {
      const secrets = secretEdits(req, req.job, style);
      if (secrets)
        return [
          {
            title: `Move to ${STYLE_TITLES[style]}: ${req.name}`,
            safety: 'unsafe',
            isPreferred: true,
            edits: [removal, ...secrets],
            secretsToCreate: [req.name],
          },
        ];
    }
    return [
      {
        title: `Use ${STYLE_TITLES.variable} ${req.name} (remove the literal; Flowguard: Store Secret can create it)`,
        safety: 'unsafe',
        isPreferred: true,
        edits: [removal],
        secretsToCreate: [req.name],
        followUp,
      },
    ];
  }
  // Part of a value (a URL's password) or a script: reference the CI/CD variable in place.
  if (req.variable?.expand === false) return [];
  if (req.script && insideShellSingleQuotes(req.text, req.valueSpan.start)) return [];
  return [
    {
      title: `Reference ${STYLE_TITLES.variable} \${${req.name}} (Flowguard: Store Secret can create it)`,
      safety: 'unsafe',
      isPreferred: true,
      edits: [{ span: req.valueSpan, newText: `\${${req.name}}` }],
      secretsToCreate: [req.name],
      followUp,
    },
  ];
}

/** Deletes the variable's lines; the whole `variables:` key when it was the only entry. */
function removeVariable(req: GitlabMoveRequest): TextEdit | undefined {
  const v = req.variable!;
  const entries = mapPairs(req.variablesPair?.value);
  const pair = entries.length === 1 && req.variablesPair ? req.variablesPair : v.pair;
  const span = pairLinesSpan(req.text, pair);
  return span ? { span, newText: '' } : undefined;
}

function secretEdits(
  req: GitlabMoveRequest,
  job: GitlabJob,
  style: Exclude<GitlabStoreStyle, 'variable'>,
): TextEdit[] | undefined {
  const cfg = req.store.gitlab ?? {};
  const token = TOKEN_NAMES[style];
  const lower = req.name.toLowerCase();
  const source: string[] =
    style === 'vault'
      ? [
          `vault: ${(req.store.pathTemplate ?? 'ci/{name}').replace('{name}', lower)}/value@${cfg.vaultEngine ?? 'secret'}`,
        ]
      : style === 'gcp_secret_manager'
        ? ['gcp_secret_manager:', `  name: ${lower.replace(/_/g, '-')}`, '  version: latest']
        : style === 'azure_key_vault'
          ? ['azure_key_vault:', `  name: ${lower.replace(/_/g, '-')}`]
          : ['aws_secrets_manager:', `  secret_id: ${lower.replace(/_/g, '-')}`];
  const secretEntry = [`${req.name}:`, ...source.map((l) => `  ${l}`), '  file: false', `  token: $${token}`];
  const aud = cfg.idTokenAudience ?? req.store.vaultUrl ?? 'https://gitlab.com';
  const edits: TextEdit[] = [];
  const secretsNode = job.secretsPair?.value;
  const idTokens = job.idTokensPair?.value;
  const needsToken = !mapPairs(idTokens).some((p) => isScalar(p.key) && String(p.key.value) === token);
  if (secretsNode && isMap(secretsNode)) {
    const add = appendToMapping(req.text, secretsNode, secretEntry);
    if (!add) return undefined;
    edits.push(add);
  }
  if (needsToken && idTokens && isMap(idTokens)) {
    const add = appendToMapping(req.text, idTokens, [`${token}:`, `  aud: ${aud}`]);
    if (!add) return undefined;
    edits.push(add);
  }
  const newKeys = [
    ...(secretsNode ? [] : ['secrets:', ...secretEntry.map((l) => `  ${l}`)]),
    ...(needsToken && !idTokens ? ['id_tokens:', `  ${token}:`, `    aud: ${aud}`] : []),
  ];
  if (newKeys.length) {
    const add = appendToMapping(req.text, job.node, newKeys);
    if (!add) return undefined;
    edits.push(add);
  }
  // Two edits at one offset (the variable's removal and an append after the job's last key) would be ambiguous.
  return edits;
}

/** Whether the offset sits inside '…' on its shell line. */
function insideShellSingleQuotes(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  let inSingle = false;
  let inDouble = false;
  for (let i = 0; i < before.length; i++) {
    const c = before[i];
    if (c === '\\' && !inSingle) i++;
    else if (c === "'" && !inDouble) inSingle = !inSingle;
    else if (c === '"' && !inSingle) inDouble = !inDouble;
  }
  return inSingle;
}
