// A literal used only as the admin password of a cloud VM the same workflow creates and deletes again.
// The password is public, so the VM is open to whoever reaches it while it exists; but no other system trusts it
// and the machine is gone after the run. Only Azure CLI creates are recognised (`az vm create`, `az vmss create`
// with `--admin-password`); a PowerShell `New-AzVM -Credential` takes a PSCredential built elsewhere and is not
// followed.
import type { Span } from '../../text/span';

export interface ThrowawayVm {
  /** `az vm create -n winTestVM`: the command that takes the password. */
  created: string;
  /** `az group delete -g ...`: the command that removes it again. */
  deletedBy: string;
}

interface AzCommand {
  verb: string;
  options: Map<string, string>;
  /** Offset of the command in the text and of the end of its logical line. */
  start: number;
  end: number;
}

const CREATE = /\baz\s+(vm|vmss)\s+create\b/g;
const DELETE = /\baz\s+(group|vm|vmss)\s+delete\b/g;
/** Characters that end one shell command on a logical line. */
const SEPARATOR = /;|&&|\|\||\|/;

/**
 * When every use of `value` in the file (the literal itself outside `valueSpan`, and `envName` read as
 * `${{ env.NAME }}`, `$NAME`, `${NAME}` or `$env:NAME`) is the `--admin-password` of an Azure VM created in the file,
 * and every such VM is deleted in the file (`az group delete` of its resource group, or `az vm delete` /
 * `az vmss delete` of its name), describes the VM; otherwise undefined.
 * `valueSpan` is the literal's own place: a use itself unless it is the value of the env entry `envName`.
 */
export function throwawayVmPassword(
  text: string,
  value: string,
  valueSpan: Span,
  envName: string | undefined,
): ThrowawayVm | undefined {
  if (value.length === 0) return undefined;
  const { creates, deletes } = azCommands(text);
  if (creates.length === 0) return undefined;
  const uses: Span[] = [];
  for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1))
    if (!envName || at !== valueSpan.start) uses.push({ start: at, end: at + value.length });
  if (envName) {
    const name = envName.replace(/[^\w]/g, '');
    if (name !== envName) return undefined;
    const references = new RegExp(
      `(?<!\\w)env\\.${name}(?!\\w)|\\$\\{${name}\\}|\\$${name}(?!\\w)|\\$env:${name}(?!\\w)`,
      'gi',
    );
    for (const m of text.matchAll(references)) {
      // Only PowerShell's `$env:NAME` ignores case; `process.env.NAME` counts as a use (of another kind).
      if (!m[0].toLowerCase().startsWith('$env:') && !m[0].includes(name)) continue;
      uses.push({ start: m.index, end: m.index + m[0].length });
    }
  }
  if (uses.length === 0) return undefined;
  let found: ThrowawayVm | undefined;
  for (const use of uses) {
    const create = creates.find((c) => c.start < use.start && use.end <= c.end);
    if (!create || !isAdminPassword(text.slice(create.start, use.start))) return undefined;
    const group = create.options.get('g');
    const name = create.options.get('n');
    const deleted = deletes.find((d) =>
      d.verb === 'group'
        ? group !== undefined && (d.options.get('g') ?? d.options.get('n')) === group
        : d.verb === create.verb &&
          name !== undefined &&
          d.options.get('n') === name &&
          (group === undefined || d.options.get('g') === group),
    );
    if (!deleted) return undefined;
    found ??= {
      created: `az ${create.verb} create${name ? ` -n ${name}` : ''}`,
      deletedBy: `az ${deleted.verb} delete`,
    };
  }
  return found;
}

/** The file's VM creates and deletes, read once per text (a file may hold many password-like candidates). */
let lastRead: { text: string; creates: AzCommand[]; deletes: AzCommand[] } | undefined;
function azCommands(text: string): { creates: AzCommand[]; deletes: AzCommand[] } {
  if (lastRead?.text !== text) lastRead = { text, creates: commands(text, CREATE), deletes: commands(text, DELETE) };
  return lastRead;
}

/** The password argument directly follows `--admin-password` in the same command. */
function isAdminPassword(before: string): boolean {
  return (
    /--admin-password(?:\s+|=)["']?(?:\$\{\{\s*)?$/.test(before) &&
    !SEPARATOR.test(before.replace(/\$\{\{[^}]*\}\}/g, ''))
  );
}

/** Each `az <verb> create|delete` with its options, read to the end of its logical line or the next command. */
function commands(text: string, pattern: RegExp): AzCommand[] {
  const out: AzCommand[] = [];
  for (const m of text.matchAll(pattern)) {
    const start = m.index;
    const end = logicalLineEnd(text, start);
    const line = text.slice(start + m[0].length, end).replace(/\$\{\{[^}]*\}\}/g, (e) => e.replace(/\s+/g, ''));
    const command = line.split(SEPARATOR)[0];
    out.push({ verb: m[1], options: options(command), start, end });
  }
  return out;
}

/** The end of the line at `at`, following `\` (shell) and `` ` `` (PowerShell) continuations. */
function logicalLineEnd(text: string, at: number): number {
  let end = text.indexOf('\n', at);
  while (end >= 0 && /[\\`]\s*$/.test(text.slice(text.lastIndexOf('\n', end - 1) + 1, end)))
    end = text.indexOf('\n', end + 1);
  return end < 0 ? text.length : end;
}

/** `-g`/`--resource-group` and `-n`/`--name` values, unquoted and with `${NAME}` read as `$NAME`. */
function options(command: string): Map<string, string> {
  const tokens = command
    .replace(/[\\`]\s*\n/g, ' ')
    .split(/\s+/)
    .flatMap((t) => (/^--[\w-]+=/.test(t) ? [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)] : [t]));
  const out = new Map<string, string>();
  const aliases: Record<string, string> = { '-g': 'g', '--resource-group': 'g', '-n': 'n', '--name': 'n' };
  for (let i = 0; i + 1 < tokens.length; i++) {
    const key = aliases[tokens[i]];
    if (key && !out.has(key)) out.set(key, normalize(tokens[i + 1]));
  }
  return out;
}

function normalize(token: string): string {
  return token
    .replace(/\)+$/, '')
    .replace(/^(["'])(.*)\1$/, '$2')
    .replace(/\$\{(\w+)\}/g, '$$$1');
}
