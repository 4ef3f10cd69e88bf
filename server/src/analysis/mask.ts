// A secret value is never written in full anywhere: at most a recognizable prefix and the last 4 characters.
// Short values show nothing at all (4 characters of a 10-character password is too much of it).

/** Prefixes that name a credential's type without revealing any of its random part. */
const KNOWN_PREFIX =
  /^(github_pat_|gh[pousr]_|glpat-|gl[a-z]{2,6}-|npm_|pypi-|dckr_pat_|dckr_oat_|xox[a-z]-|xapp-|sk_live_|rk_live_|sk_test_|rk_test_|sk-ant-(api|admin)\d\d-|sk-proj-|sk-|hf_|hv[sbr]\.|dp\.[a-z]{2,5}\.|pul-|do[opr]_v1_|dapi|glsa_|glc_|sntry[su]_|lin_api_|ntn_|secret_|ATATT|AKIA|ASIA|AIza|GOCSPX-|SG\.|shp[a-z]{2}_|pat-[a-z]{2}\d-|figd_|PMAK-|NRAK-|sbp_|pscale_[a-z]{2,5}_|rubygems_|oy2|sq[apu]_|bkua_|CFPAT-|HRKU-|eyJ)/;

export function maskSecret(value: string): string {
  const v = value.trim();
  const pem = /^-----BEGIN ([A-Z ]+)-----/.exec(v);
  if (pem) return `-----BEGIN ${pem[1]}-----********`;
  if (v.length < 12) return '********';
  const known = KNOWN_PREFIX.exec(v)?.[0];
  const generic = /^[A-Za-z]{2,8}[_-]/.exec(v)?.[0];
  const prefix = known ?? (generic && generic.length <= Math.floor(v.length / 4) ? generic : '');
  const stars = '*'.repeat(Math.min(12, Math.max(4, v.length - prefix.length - 4)));
  const tail = v.length - prefix.length >= 16 ? v.slice(-4) : '';
  return `${prefix}${stars}${tail}`;
}
