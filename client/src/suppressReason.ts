// The one question every suppression asks: why is this finding acceptable here? Offered reasons are the usual ones for
// the rule's checklist category; anything typed is used as written. The reason goes into the comment for reviewers.
import * as vscode from 'vscode';
import type { Category } from '../../server/src/protocol';

const COMMON_REASONS: Partial<Record<Category, string[]>> = {
  'least-privilege': ['the job needs this scope (reviewed)', 'permissions are set by the calling workflow'],
  secrets: ['test credential with no access to anything', 'public value, not a secret'],
  'untrusted-input': [
    'the value is set by maintainers only',
    'the expression is passed through an environment variable downstream',
  ],
  'supply-chain': ['action maintained by our own organisation', 'pinned and updated by Dependabot/Renovate elsewhere'],
  transport: ['internal mirror without TLS', 'checksum verified after download'],
};

const GENERIC_REASONS = ['accepted risk, reviewed by the security team', 'false positive'];

/** Asks for a reason (common ones offered, free text accepted). Undefined when the user cancels. */
export async function askSuppressionReason(ruleId: string, category?: Category): Promise<string | undefined> {
  const offered = [...((category && COMMON_REASONS[category]) ?? []), ...GENERIC_REASONS];
  const pick = vscode.window.createQuickPick();
  pick.title = `Suppress ${ruleId}: why is this finding acceptable here?`;
  pick.placeholder = 'Pick a reason or type your own; it is kept in the comment for reviewers';
  pick.ignoreFocusOut = true;
  const offeredItems = offered.map((label) => ({ label }));
  pick.items = offeredItems;
  // Whatever is typed becomes the first choice, so Enter takes it as written.
  pick.onDidChangeValue((value) => {
    const typed = value.trim();
    pick.items =
      typed.length >= 3 && !offered.includes(typed)
        ? [{ label: typed, description: 'your reason' }, ...offeredItems]
        : offeredItems;
  });
  try {
    return await new Promise<string | undefined>((resolve) => {
      pick.onDidAccept(() =>
        resolve((pick.selectedItems[0] ?? pick.activeItems[0])?.label ?? (pick.value.trim() || undefined)),
      );
      pick.onDidHide(() => resolve(undefined));
      pick.show();
    });
  } finally {
    pick.dispose();
  }
}
