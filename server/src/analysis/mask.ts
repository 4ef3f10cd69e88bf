// A secret value is never written in full anywhere: at most a recognisable prefix and the last 4 characters.
export function maskSecret(value: string): string {
  const v = value.trim();
  if (v.length <= 8) return '*'.repeat(Math.max(4, v.length));
  const prefixMatch = /^([A-Za-z]{2,8}[_-]|[A-Za-z]{3,4}(?=[0-9A-Z]))/.exec(v);
  const prefix = prefixMatch && prefixMatch[0].length <= Math.floor(v.length / 3) ? prefixMatch[0] : '';
  return `${prefix}${'*'.repeat(Math.min(12, Math.max(4, v.length - prefix.length - 4)))}${v.slice(-4)}`;
}
