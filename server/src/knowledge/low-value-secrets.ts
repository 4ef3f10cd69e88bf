// Secrets that only upload results to a reporting service (coverage, benchmarks, test runs) or post to one chat
// channel (incoming webhooks), and GITHUB_TOKEN write scopes that only report CI results or write conversation.
// Data lives in ./low-value-secrets.json (schema: schemas/low-value-secrets.schema.json, checked by a test).
import data from './low-value-secrets.json';

/** The JSON file as loaded, for the schema test. */
export const LOW_VALUE_SECRETS_KB: unknown = data;

const UPLOAD_ONLY: ReadonlySet<string> = new Set(data.uploadOnly.map((s) => s.name));
const NOTIFY_ONLY: readonly RegExp[] = data.notifyOnly.map((s) => new RegExp(s.pattern));

/**
 * A secret that reports or notifies only: a moved action or image that steals it can post fake reports or chat
 * messages, and reach nothing else.
 */
export function isReportOnlySecret(name: string): boolean {
  const upper = name.toUpperCase();
  return UPLOAD_ONLY.has(upper) || NOTIFY_ONLY.some((pattern) => pattern.test(upper));
}

const LOW_VALUE_SCOPES: ReadonlySet<string> = new Set(data.lowValueScopes.map((s) => s.scope));

/** A write scope that only reports CI results: a moved action already decides its own job's result. */
export function isLowValueWriteScope(scope: string): boolean {
  return LOW_VALUE_SCOPES.has(scope);
}
