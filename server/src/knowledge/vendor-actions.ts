// Owners whose actions are published by the vendor of the service or tool they drive (GitHub, Docker, AWS, PyPA...).
// Data lives in ./vendor-actions.json (schema: schemas/vendor-actions.schema.json, checked by a test).
import data from './vendor-actions.json';

/** The JSON file as loaded, for the schema test. */
export const VENDOR_ACTIONS_KB: unknown = data;

const VENDORS: ReadonlyMap<string, string> = new Map(data.owners.map((o) => [o.owner, o.why]));

/** Why an action owner is the vendor of the service its actions drive; undefined for anyone else. */
export function vendorOwner(owner: string): string | undefined {
  return VENDORS.get(owner.toLowerCase());
}
