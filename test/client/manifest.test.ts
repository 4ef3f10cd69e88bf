// package.json's contributions agree with the code: every command a menu, view, welcome or walkthrough names is
// declared and registered by the client, every referenced file exists, and the untrusted-workspace stance is declared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKLIST_EXPLORER_VIEW_ID, CHECKLIST_VIEW_ID } from '../../client/src/checklistModel';
import { ROOT } from '../helpers';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const contributes = pkg.contributes;
/** Command ids registered in client/src, by literal or by a string constant (e.g. STORE_SECRET_COMMAND). */
function registeredCommands(): Set<string> {
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? sources(join(dir, e.name))
        : e.name.endsWith('.ts')
          ? [readFileSync(join(dir, e.name), 'utf8')]
          : [],
    );
  const client = sources(join(ROOT, 'client', 'src')).join('\n');
  const constants = new Map(
    [...[client, ...sources(join(ROOT, 'server', 'src'))].join('\n').matchAll(/export const (\w+) = '([\w.]+)'/g)].map(
      (m) => [m[1], m[2]],
    ),
  );
  const ids = new Set<string>();
  for (const m of client.matchAll(/register(?:Command)?\(\s*(?:'([\w.]+)'|(\w+))/g)) {
    const id = m[1] ?? constants.get(m[2]);
    if (id) ids.add(id);
  }
  return ids;
}
const registered = registeredCommands();
const declared = new Set<string>(contributes.commands.map((c: { command: string }) => c.command));

test('every declared command is registered by the client, in the Flowguard category', () => {
  for (const c of contributes.commands) {
    assert.equal(c.category, 'Flowguard', c.command);
    assert.ok(registered.has(c.command), `${c.command} is registered`);
  }
  for (const required of [
    'flowguard.runSecurityReview',
    'flowguard.fixAllSafe',
    'flowguard.narrowPermissions',
    'flowguard.moveSecretToStore',
    'flowguard.showRuleDocs',
    'flowguard.openConfiguration',
    'flowguard.rescanWorkspace',
  ]) {
    assert.ok(declared.has(required), required);
  }
});

test('menus, welcome content and walkthrough steps only name declared commands', () => {
  const menuCommands = Object.values(contributes.menus).flatMap((items) =>
    (items as Array<{ command: string }>).map((i) => i.command),
  );
  const linked = [
    ...contributes.viewsWelcome.map((w: { contents: string }) => w.contents),
    ...contributes.walkthroughs.flatMap((w: { steps: Array<{ description: string }> }) =>
      w.steps.map((s) => s.description),
    ),
  ].flatMap((text: string) => [...text.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]));
  for (const command of [...menuCommands, ...linked]) {
    assert.ok(declared.has(command) || command.startsWith('workbench.'), `${command} is declared`);
  }
  assert.ok(linked.includes('flowguard.createSecureWorkflow'), 'the welcome content offers a secure workflow');
});

test('the views the client creates are contributed, in their own container and in the Explorer', () => {
  assert.deepEqual(
    contributes.viewsContainers.activitybar.map((c: { id: string }) => c.id),
    ['flowguard'],
  );
  assert.deepEqual(
    contributes.views.flowguard.map((v: { id: string }) => v.id),
    [CHECKLIST_VIEW_ID],
  );
  assert.deepEqual(
    contributes.views.explorer.map((v: { id: string }) => v.id),
    [CHECKLIST_EXPLORER_VIEW_ID],
  );
});

test('every file the manifest references exists and ships in the package', () => {
  const vscodeignore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8');
  const files = [
    contributes.viewsContainers.activitybar[0].icon,
    ...contributes.snippets.map((s: { path: string }) => s.path),
    ...contributes.walkthroughs.flatMap((w: { steps: Array<{ media: { markdown: string } }> }) =>
      w.steps.map((s) => s.media.markdown),
    ),
  ];
  for (const file of files) {
    assert.ok(existsSync(join(ROOT, file)), file);
    const top = file.replace(/^\.\//, '').split('/')[0];
    assert.ok(vscodeignore.includes(`!${top}/**`), `${top}/ is kept in the .vsix`);
  }
});

test('untrusted workspaces get limited support and the secret store needs trust', () => {
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  const move = contributes.commands.find((c: { command: string }) => c.command === 'flowguard.moveSecretToStore');
  assert.equal(move.enablement, 'isWorkspaceTrusted');
});
