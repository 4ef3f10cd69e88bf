// Version tags of actions (`v4`, `v4.2`, `v4.2.2`, `4.2.2`) and GitHub's advisory ranges (`>= 4.0.0, < 4.1.3`).
// A partial tag floats (v4 is the newest 4.x.y): it is "in range" only when every version it can name is.

export type Version = number[];

/** `v4.2.2` -> [4, 2, 2]; `v4` -> [4]; anything else (branches, `latest`, `4.2.2-beta`) -> undefined. */
export function parseVersion(tag: string): Version | undefined {
  const m = /^v?(\d{1,6})(?:\.(\d{1,6}))?(?:\.(\d{1,6}))?$/i.exec(tag.trim());
  if (!m) return undefined;
  return [m[1], m[2], m[3]].filter((p) => p !== undefined).map(Number);
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The versions a tag can name, as [lowest, next-after-highest): v4 -> [4.0.0, 5.0.0). */
function series(v: Version): { low: Version; high: Version; exact: boolean } {
  if (v.length >= 3) return { low: v, high: [v[0], v[1], v[2] + 1], exact: true };
  if (v.length === 2) return { low: [v[0], v[1], 0], high: [v[0], v[1] + 1, 0], exact: false };
  return { low: [v[0], 0, 0], high: [v[0] + 1, 0, 0], exact: false };
}

/** Whether every version `tag` may name falls in `range` (GitHub's comma-separated constraints). */
export function inRange(version: Version, range: string): boolean {
  const { low, high, exact } = series(version);
  const constraints = range
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  if (constraints.length === 0) return false;
  return constraints.every((c) => {
    const m = /^(<=|>=|<|>|=)?\s*v?([\d.]+)$/.exec(c);
    const bound = m ? parseVersion(m[2]) : undefined;
    if (!m || !bound) return false;
    switch (m[1] ?? '=') {
      case '<':
        return compare(high, bound) <= 0;
      case '<=':
        return exact ? compare(low, bound) <= 0 : compare(high, bound) <= 0;
      case '>':
        return compare(low, bound) > 0;
      case '>=':
        return compare(low, bound) >= 0;
      default:
        return exact && compare(low, bound) === 0;
    }
  });
}

/** The most specific version tag of a list (`v4.2.2` over `v4.2` over `v4`); non-version tags come last. */
export function mostSpecificTag(tags: readonly string[]): string | undefined {
  const scored = tags.map((t) => ({ t, v: parseVersion(t) }));
  scored.sort((a, b) => {
    if (!a.v || !b.v) return (a.v ? -1 : 0) + (b.v ? 1 : 0) || a.t.localeCompare(b.t);
    return b.v.length - a.v.length || compare(b.v, a.v);
  });
  return scored[0]?.t;
}
