// Secrets that only upload results to one project of a reporting service (coverage, benchmarks, test runs).
// Data lives in ./low-value-secrets.json (schema: schemas/low-value-secrets.schema.json, checked by a test).
import data from './low-value-secrets.json';

/** The JSON file as loaded, for the schema test. */
export const LOW_VALUE_SECRETS_KB: unknown = data;

const UPLOAD_ONLY: ReadonlySet<string> = new Set(data.uploadOnly.map((s) => s.name));

/** An upload-only secret: a moved action or image that steals it can only post fake reports. */
export function isUploadOnlySecret(name: string): boolean {
  return UPLOAD_ONLY.has(name.toUpperCase());
}
