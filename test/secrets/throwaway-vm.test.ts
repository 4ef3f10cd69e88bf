// A literal used only as the admin password of an Azure VM the workflow creates and deletes is low (the VM is open
// while it exists, nothing else trusts the password); any other use, or a VM the file never deletes, keeps it a
// credential at its usual severity. Variants of the two fixtures low-throwaway-vm.yml / vulnerable-vm-kept.yml.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';

function severities(env: string, script: string): string[] {
  const text = `on: push
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    env:
      ${env}
    steps:
      - run: |
${script
  .split('\n')
  .map((l) => `          ${l}`)
  .join('\n')}
`;
  const result = analyze({ path: '.github/workflows/vm.yml', text });
  assert.deepEqual(result.ruleErrors, []);
  return result.findings.filter((f) => f.ruleId === 'hardcoded-credential').map((f) => f.severity);
}

const ENV = 'VM_PASSWORD: Zq7vK2mWx9Lp';
const DELETE_GROUP = 'az group delete --name "ci-$GITHUB_RUN_ID" --yes';

test('created with $NAME, ${NAME} or --admin-password=, and the resource group deleted: low', () => {
  for (const use of ['$VM_PASSWORD', '"${VM_PASSWORD}"', '${{ env.VM_PASSWORD }}']) {
    const create = `az vm create -n ci-vm -g "ci-\${GITHUB_RUN_ID}" --image Ubuntu2204 --admin-password ${use}`;
    assert.deepEqual(severities(ENV, `${create}\n./test.sh\n${DELETE_GROUP}`), ['low'], use);
  }
  const create = 'az vm create --name ci-vm --resource-group ci-rg --admin-password="$VM_PASSWORD"';
  assert.deepEqual(severities(ENV, `${create}\naz vm delete --name ci-vm --resource-group ci-rg --yes`), ['low']);
});

test('a VM that is never deleted, or only another group or VM is deleted: medium', () => {
  const create = 'az vm create -n ci-vm -g ci-rg --admin-password "$VM_PASSWORD"';
  assert.deepEqual(severities(ENV, create), ['medium']);
  assert.deepEqual(severities(ENV, `${create}\naz group delete -g other-rg --yes`), ['medium']);
  assert.deepEqual(severities(ENV, `${create}\naz vm delete -n other-vm -g ci-rg --yes`), ['medium']);
});

test('the password also used elsewhere, or not as --admin-password: medium', () => {
  const create = 'az vm create -n ci-vm -g ci-rg --admin-password "$VM_PASSWORD"';
  const deleted = `${create}\naz group delete -g ci-rg --yes`;
  assert.deepEqual(severities(ENV, `${deleted}\necho "$VM_PASSWORD" | docker login -u ci --password-stdin`), [
    'medium',
  ]);
  assert.deepEqual(severities(ENV, `${deleted}\nsshpass -p Zq7vK2mWx9Lp ssh ci@host`), ['medium']);
  assert.deepEqual(
    severities(ENV, `az vm create -n ci-vm -g ci-rg --custom-data "$VM_PASSWORD"\naz group delete -g ci-rg --yes`),
    ['medium'],
  );
  // Declared but never used: nothing shows it is only a VM password.
  assert.deepEqual(severities(ENV, 'az group delete -g ci-rg --yes'), ['medium']);
});
