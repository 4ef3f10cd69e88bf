// `gh secret set` as an alternative to the REST API: uses the GitHub CLI's own login. The value goes to gh's stdin,
// never to its command line (which other local users could read from the process list).
import { spawn } from 'node:child_process';
import { maskSecret } from '../analysis/mask';
import {
  checkEnvironment,
  checkOrganisation,
  checkRepo,
  checkSecretName,
  isOrganisationTarget,
  SecretStoreError,
  type SecretTarget,
} from './github-api';

export async function ghAvailable(gh = 'gh'): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(gh, ['--version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

/** The `gh secret set` arguments for a target: the value is never among them (gh reads it from stdin). */
export function ghSecretSetArgs(target: SecretTarget, name: string): string[] {
  checkSecretName(name);
  if (isOrganisationTarget(target)) {
    checkOrganisation(target.org);
    return ['secret', 'set', name, '--org', target.org, '--visibility', 'private'];
  }
  checkRepo(target.repo);
  if (target.environment !== undefined) checkEnvironment(target.environment);
  return ['secret', 'set', name, '--repo', target.repo, ...(target.environment ? ['--env', target.environment] : [])];
}

export async function ghSecretSet(target: SecretTarget, name: string, value: string, gh = 'gh'): Promise<void> {
  const args = ghSecretSetArgs(target, name);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(gh, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => reject(new SecretStoreError(`cannot run ${gh}: ${err.message}`)));
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new SecretStoreError(`gh secret set failed (${code}): ${firstLineMasked(stderr, value)}`)),
    );
    child.stdin.end(value);
  });
}

/** gh may echo its input: every copy of the value is masked, not only the first. */
function firstLineMasked(stderr: string, value: string): string {
  return stderr.split(value).join(maskSecret(value)).split('\n')[0];
}
