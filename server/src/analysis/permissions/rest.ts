// REST API calls -> GITHUB_TOKEN scope: from a method and a path (gh api, curl, github.request), or from an
// Octokit namespace and method name (actions/github-script's github.rest.<namespace>.<method>).
import type { ScopeLevel, TokenScope } from './scopes';
import {
  NO_SCOPE_OCTOKIT_NAMESPACES,
  NOT_GRANTABLE_RESOURCES,
  OCTOKIT_NAMESPACE_SCOPES,
  REST_RESOURCE_SCOPES,
} from '../../knowledge/github-token';

export type RestScope = { scope: TokenScope; level: ScopeLevel } | { unknown: string } | { none: true };

function isResource(segment: string | undefined): boolean {
  return !!segment && (REST_RESOURCE_SCOPES.has(segment) || NOT_GRANTABLE_RESOURCES.has(segment));
}

export function levelForMethod(method: string): ScopeLevel {
  return /^(GET|HEAD)$/i.test(method) ? 'read' : 'write';
}

/** `path` as written in a script: may hold variables (`$GITHUB_REPOSITORY`, `{owner}`, `:repo`) and a host. */
export function scopeForRestCall(method: string, rawPath: string): RestScope {
  let path = rawPath.trim().replace(/^["']|["']$/g, '');
  // ${{ github.repository }} (and the event's repository.full_name) stand for owner/repo; other expressions are opaque.
  path = path.replace(/\$\{\{[^}]*\}\}/g, (x) =>
    /(?:github\.repository|repository\.full_name)\s*\}\}$/.test(x)
      ? '$GITHUB_REPOSITORY'
      : /github\.api_url/.test(x)
        ? ''
        : '_',
  );
  path = path
    .replace(/^https?:\/\/[^/]+/, '')
    .replace(/^\$\{?GITHUB_API_URL\}?/, '')
    .replace(/[?#].*$/, '');
  const segments = path.split('/').filter(Boolean);
  if (segments.length === 0) return { unknown: 'a REST call whose path could not be read' };
  if (segments[0] === 'graphql') return { unknown: 'a GraphQL query (scopes depend on the query)' };
  const level = levelForMethod(method);
  if (segments[0] === 'user' || segments[0] === 'orgs' || segments[0] === 'users') {
    if (segments.includes('packages')) return { scope: 'packages', level };
    return level === 'read'
      ? { none: true }
      : { unknown: `${method} /${segments[0]}/... is not a repository API the GITHUB_TOKEN can write` };
  }
  if (['search', 'rate_limit', 'meta', 'emojis', 'licenses', 'gitignore', 'octocat', 'zen'].includes(segments[0]))
    return { none: true };
  if (segments[0] !== 'repos') return { unknown: `a call to /${segments[0]}` };
  // repos/{owner}/{repo} may be written as one variable: repos/$GITHUB_REPOSITORY/..., repos/$REPO/issues/...
  // (read as owner and repository, `issues/comments` would become the commit comments API).
  const oneVariable =
    /^\$\{?GITHUB_REPOSITORY\}?$/.test(segments[1] ?? '') ||
    (/^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|_)$/.test(segments[1] ?? '') && isResource(segments[2]));
  const rest = oneVariable ? segments.slice(2) : segments.slice(3);
  const resource = rest[0];
  if (!resource)
    return level === 'read' ? { none: true } : { unknown: `${method} on the repository itself needs administration` };
  if (resource === 'commits' && (rest[2] === 'statuses' || rest[2] === 'status')) return { scope: 'statuses', level };
  if (resource === 'commits' && (rest[2] === 'check-runs' || rest[2] === 'check-suites'))
    return { scope: 'checks', level };
  if (resource === 'commits' && rest[2] === 'pulls') return { scope: 'pull-requests', level };
  if (resource === 'actions' && (rest[1] === 'secrets' || rest[1] === 'variables'))
    return { unknown: `actions ${rest[1]} cannot be managed with the GITHUB_TOKEN` };
  if (resource === 'dispatches') return { scope: 'contents', level: 'write' };
  if (NOT_GRANTABLE_RESOURCES.has(resource))
    return level === 'read' && resource !== 'secrets'
      ? { none: true }
      : { unknown: `${resource} need a permission the GITHUB_TOKEN cannot get` };
  const scope = REST_RESOURCE_SCOPES.get(resource);
  return scope ? { scope, level } : { unknown: `the /${resource} API is not mapped to a scope` };
}

export function levelForOctokitMethod(method: string): ScopeLevel {
  return /^(get|list|check|compare|download|search|export)/.test(method) ? 'read' : 'write';
}

/** github.rest.<namespace>.<method>(...) -> scope. */
export function scopeForOctokit(namespace: string, method: string): RestScope {
  const level = levelForOctokitMethod(method);
  if (NO_SCOPE_OCTOKIT_NAMESPACES.has(namespace)) return { none: true };
  if (namespace === 'reactions') {
    if (/PullRequestReviewComment/.test(method)) return { scope: 'pull-requests', level };
    if (/CommitComment|Release/.test(method)) return { scope: 'contents', level };
    if (/Discussion/.test(method)) return { scope: 'discussions', level };
    return { scope: 'issues', level };
  }
  if (namespace === 'repos') {
    if (/CollaboratorPermissionLevel|checkCollaborator|^get$|^listLanguages|^listContributors/.test(method))
      return { none: true };
    if (/CommitStatus|CombinedStatus/.test(method)) return { scope: 'statuses', level };
    if (/Deployment/.test(method)) return { scope: 'deployments', level };
    if (/Pages/.test(method)) return { scope: 'pages', level };
    if (
      /Webhook|Invitation|Collaborator|Protection|Autolink|Ruleset|Topics|^update$|^delete$|DeployKey|Secret/.test(
        method,
      )
    ) {
      return level === 'read'
        ? { none: true }
        : { unknown: `repos.${method} needs administration, which the GITHUB_TOKEN cannot get` };
    }
    if (method === 'createDispatchEvent') return { scope: 'contents', level: 'write' };
    return { scope: 'contents', level };
  }
  if (namespace === 'actions' && /Secret|Variable/.test(method))
    return { unknown: `actions.${method} cannot be done with the GITHUB_TOKEN` };
  if (namespace === 'orgs' || namespace === 'teams')
    return level === 'read' ? { none: true } : { unknown: `${namespace}.${method} needs organization permissions` };
  const scope = OCTOKIT_NAMESPACE_SCOPES.get(namespace);
  return scope ? { scope, level } : { unknown: `github.rest.${namespace} is not mapped to a scope` };
}
