// Scope arithmetic shared by the permissions analysis, the rules and the fix.
import type { Span } from '../../text/span';
import { TOKEN_SCOPES, type ScopeLevel, type TokenScope } from '../../knowledge/actions-kb';

export type { ScopeLevel, TokenScope };
export { TOKEN_SCOPES };

/** How a need was inferred, for explanations and tests. */
export type NeedSource = 'action' | 'gh' | 'git' | 'rest' | 'github-script' | 'oidc' | 'registry' | 'reusable-workflow';

/** One scope one step needs, and why. */
export interface ScopeNeedFound {
  scope: TokenScope;
  level: ScopeLevel;
  reason: string;
  source: NeedSource;
  /** The step (or job, for reusable workflows) that needs it. */
  stepLabel: string;
  span: Span;
  /** Used only when the action's configuration file asks for it: it excuses a grant, never requires one. */
  configured?: boolean;
}

/** A step that holds (or may hold) the token but whose needs cannot be inferred. */
export interface UnknownStep {
  stepLabel: string;
  span: Span;
  reason: string;
}

export type ScopeMap = Partial<Record<TokenScope, ScopeLevel>>;

export function levelRank(level: string | undefined): number {
  return level === 'write' ? 2 : level === 'read' ? 1 : 0;
}

export function maxLevel(a: ScopeLevel | undefined, b: ScopeLevel): ScopeLevel {
  return levelRank(a) >= levelRank(b) ? a! : b;
}

export function mergeNeeds(needs: readonly ScopeNeedFound[]): ScopeMap {
  const out: ScopeMap = {};
  for (const n of needs) out[n.scope] = maxLevel(out[n.scope], n.level);
  return out;
}

/** Scopes in a stable, documented order. */
export function sortedScopes(map: ScopeMap): TokenScope[] {
  return TOKEN_SCOPES.filter((s) => map[s]);
}

/** `contents: read, pull-requests: write` (or `none`). */
export function formatScopes(map: ScopeMap): string {
  const parts = sortedScopes(map).map((s) => `${s}: ${map[s]}`);
  return parts.length ? parts.join(', ') : 'none';
}
