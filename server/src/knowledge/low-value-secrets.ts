// Secrets that only upload results to one project of a reporting service (coverage, benchmarks, test runs), and
// GITHUB_TOKEN write scopes that only report CI results (checks, statuses).
// Data lives in ./low-value-secrets.json (schema: schemas/low-value-secrets.schema.json, checked by a test).
import data from './low-value-secrets.json';

/** The JSON file as loaded, for the schema test. */
export const LOW_VALUE_SECRETS_KB: unknown = data;

const UPLOAD_ONLY: ReadonlySet<string> = new Set(data.uploadOnly.map((s) => s.name));

/** An upload-only secret: a moved action or image that steals it can only post fake reports. */
export function isUploadOnlySecret(name: string): boolean {
  return UPLOAD_ONLY.has(name.toUpperCase());
}

const LOW_VALUE_SCOPES: ReadonlySet<string> = new Set(data.lowValueScopes.map((s) => s.scope));

/** A write scope that only reports CI results: a moved action already decides its own job's result. */
export function isLowValueWriteScope(scope: string): boolean {
  return LOW_VALUE_SCOPES.has(scope);
}
