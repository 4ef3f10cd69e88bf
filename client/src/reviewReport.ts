// The security review as data, HTML (for the webview) and Markdown (for export). Pure: no vscode import.
// Every value that comes from a workflow (names, messages, paths, action refs) goes through escapeHtml / escapeMarkdown.
import { escapeMarkdown, SEVERITIES, type ReviewFacts, type Severity } from '../../server/src/protocol';
import { describeCounts, type CategoryNode, type ChecklistFinding, type RuleSummary } from './checklistModel';

export interface ReviewFile {
  uri: string;
  /** Workspace-relative path for display. */
  label: string;
  facts?: ReviewFacts;
}

export interface ReviewDocument {
  title: string;
  scope: string;
  generatedAt: string;
  checklist: CategoryNode[];
  findings: ChecklistFinding[];
  rules: RuleSummary[];
  files: ReviewFile[];
  /** Said plainly when permissions needed per job are not computed (granted only). */
  notes: string[];
}

/** The webview lists this many findings per severity (a large workspace has thousands); exports list all. */
const MAX_ROWS_PER_SEVERITY = 500;

const STATE_LABEL: Record<CategoryNode['state'], string> = {
  pass: 'Pass',
  warn: 'Warn',
  fail: 'Fail',
  unchecked: 'No checks yet',
};

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function labelFor(doc: ReviewDocument, uri: string): string {
  return doc.files.find((f) => f.uri === uri)?.label ?? uri;
}

function findingsBySeverity(findings: readonly ChecklistFinding[]): Array<[Severity, ChecklistFinding[]]> {
  return SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s)] as [Severity, ChecklistFinding[]]).filter(
    ([, list]) => list.length > 0,
  );
}

function evidenceHtml(doc: ReviewDocument, category: CategoryNode): string {
  const rows = category.rules
    .map((node) => {
      const state =
        node.findings.length === 0
          ? 'pass'
          : node.findings.some((f) => f.severity === 'high' || f.severity === 'medium')
            ? 'fail'
            : 'warn';
      const evidence = node.findings.length
        ? `<ul>${node.findings
            .slice(0, 20)
            .map((f) => `<li>${locationLink(doc, f)} ${escapeHtml(f.message)}</li>`)
            .join('')}${node.findings.length > 20 ? `<li>… ${node.findings.length - 20} more</li>` : ''}</ul>`
        : '<span class="muted">No finding.</span>';
      return `<tr><td><span class="state state-${state}">${state}</span></td><td><a href="#" data-rule="${escapeHtml(node.rule.id)}">${escapeHtml(node.rule.title)}</a><div class="muted">${escapeHtml(node.rule.description)}</div></td><td>${evidence}</td></tr>`;
    })
    .join('');
  return rows
    ? `<table><thead><tr><th>State</th><th>Check</th><th>Evidence</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p class="muted">No rule covers this category yet.</p>';
}

function locationLink(doc: ReviewDocument, f: ChecklistFinding): string {
  const where = `${labelFor(doc, f.uri)}:${f.range.start.line + 1}`;
  return `<a href="#" class="loc" data-uri="${escapeHtml(f.uri)}" data-line="${f.range.start.line}" data-character="${f.range.start.character}">${escapeHtml(where)}</a>`;
}

function factsHtml(doc: ReviewDocument, file: ReviewFile): string {
  const facts = file.facts;
  const open = (line: number | undefined, text: string) =>
    line === undefined
      ? escapeHtml(text)
      : `<a href="#" class="loc" data-uri="${escapeHtml(file.uri)}" data-line="${line}" data-character="0">${escapeHtml(text)}</a>`;
  if (!facts)
    return `<section class="file"><h3>${escapeHtml(file.label)}</h3><p class="muted">Not a workflow or action, or it could not be parsed.</p></section>`;
  const list = (items: string[], empty: string) =>
    items.length
      ? `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`
      : `<p class="muted">${escapeHtml(empty)}</p>`;
  const triggers = list(
    facts.triggers.map(
      (t) =>
        `${open(t.line, t.event)}${t.privileged ? ' <span class="state state-fail">privileged</span>' : ''} — ${escapeHtml(t.whoCanFire)}`,
    ),
    facts.kind === 'action' ? 'Actions run when a workflow uses them.' : 'No trigger found.',
  );
  const declared = facts.permissions.map(
    (p) => `<code>${escapeHtml(p.scope)}</code> declares ${open(p.line, p.granted)}`,
  );
  const perJob = (facts.jobPermissions ?? []).map(
    (j) =>
      `job ${open(j.line, j.job)}: granted <code>${escapeHtml(j.granted)}</code>, needs <code>${escapeHtml(j.needed)}</code>${
        j.unexplainedSteps ? ` <span class="muted">(${j.unexplainedSteps} step(s) not understood)</span>` : ''
      }`,
  );
  const permissions = list(
    [...declared, ...perJob],
    facts.kind === 'gitlab'
      ? 'GitLab: CI_JOB_TOKEN permissions are set in the project settings, not in the file.'
      : "Actions get the caller's token.",
  );
  const secrets = list(
    [
      ...facts.secrets.map((s) => `<code>${escapeHtml(s)}</code>`),
      ...(facts.secretsInherited
        ? ['<strong>secrets: inherit</strong> passes every secret to a reusable workflow']
        : []),
    ],
    'No secret referenced.',
  );
  const actions = list(
    facts.actions.map(
      (a) =>
        `${facts.kind === 'gitlab' ? `<span class="muted">${escapeHtml(a.kind)}</span> ` : ''}${open(a.line, a.uses)} <span class="state state-${a.pinned ? 'pass' : a.firstParty ? 'warn' : 'fail'}">${a.pinned ? 'pinned' : 'not pinned'}</span>${a.firstParty ? '' : ' <span class="muted">third-party</span>'}`,
    ),
    facts.kind === 'gitlab' ? 'No include or image.' : 'No action used.',
  );
  const jobs = list(
    facts.jobs.map(
      (j) =>
        `${open(j.line, j.id)}: environment ${j.environment ? `<code>${escapeHtml(j.environment)}</code>` : '<span class="muted">none</span>'}, timeout ${
          j.timeoutMinutes
            ? `${escapeHtml(j.timeoutMinutes)} min`
            : `<span class="muted">default (${facts.kind === 'gitlab' ? 'project setting' : '360 min'})</span>`
        }, concurrency ${j.concurrency || facts.workflowConcurrency ? 'set' : '<span class="muted">none</span>'}${
          facts.kind === 'gitlab' ? `, gate ${j.gate ? escapeHtml(j.gate) : '<span class="muted">none</span>'}` : ''
        }`,
    ),
    facts.kind === 'action' ? 'Composite action: limits come from the calling job.' : 'No job.',
  );
  return `<section class="file"><h3>${open(0, file.label)}${facts.name ? ` <span class="muted">${escapeHtml(facts.name)}</span>` : ''}</h3>
<div class="grid"><div><h4>Triggers and who can fire them</h4>${triggers}</div><div><h4>Permissions granted vs needed</h4>${permissions}</div>
<div><h4>Secrets referenced</h4>${secrets}</div><div><h4>Actions and pin status</h4>${actions}</div>
<div><h4>Environments, timeouts, concurrency</h4>${jobs}</div></div></section>`;
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 1.5em 2em; }
a { color: var(--vscode-textLink-foreground); }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; }
th, td { text-align: left; vertical-align: top; padding: .3em .6em; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); }
code { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background); padding: 0 .2em; }
.muted { color: var(--vscode-descriptionForeground); }
.state { display: inline-block; padding: 0 .5em; border-radius: 3px; font-size: .85em; border: 1px solid currentColor; }
.state-pass { color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
.state-warn { color: var(--vscode-editorWarning-foreground); }
.state-fail { color: var(--vscode-editorError-foreground); }
.state-unchecked { color: var(--vscode-descriptionForeground); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(18em, 1fr)); gap: 0 1.5em; }
.toolbar button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: .35em .9em; margin-right: .5em; cursor: pointer; }
.toolbar button:hover { background: var(--vscode-button-hoverBackground); }
details > summary { cursor: pointer; font-weight: 600; margin: .4em 0; }
section.file { border-top: 1px solid var(--vscode-panel-border, transparent); margin-top: 1em; }
`;

const SCRIPT = `
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('[data-uri],[data-rule],[data-export]') : null;
  if (!target) return;
  event.preventDefault();
  if (target.dataset.export) vscode.postMessage({ type: 'export', format: target.dataset.export });
  else if (target.dataset.rule) vscode.postMessage({ type: 'ruleDocs', ruleId: target.dataset.rule });
  else vscode.postMessage({ type: 'open', uri: target.dataset.uri, line: Number(target.dataset.line), character: Number(target.dataset.character) });
});
`;

/** The webview page: a strict CSP (no remote loads; style and script only with the nonce). */
export function renderReviewHtml(doc: ReviewDocument, nonce: string, cspSource: string): string {
  const csp = `default-src 'none'; img-src ${cspSource} data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; font-src ${cspSource};`;
  const summaryRows = doc.checklist
    .map(
      (c) =>
        `<tr><td><span class="state state-${c.state}">${STATE_LABEL[c.state]}</span></td><td><a href="#cat-${c.category}">${escapeHtml(c.title)}</a></td><td>${c.rules.length}</td><td>${escapeHtml(describeCounts(c.counts))}</td></tr>`,
    )
    .join('');
  const categories = doc.checklist
    .map(
      (c) =>
        `<details id="cat-${c.category}" ${c.total > 0 ? 'open' : ''}><summary>${escapeHtml(c.title)} — <span class="state state-${c.state}">${STATE_LABEL[c.state]}</span></summary>${evidenceHtml(doc, c)}</details>`,
    )
    .join('');
  const ruleTitle = new Map(doc.rules.map((r) => [r.id, r.title]));
  const severities = findingsBySeverity(doc.findings)
    .map(
      ([severity, list]) =>
        `<h3>${escapeHtml(severity)} (${list.length})</h3><table><tbody>${list
          .slice(0, MAX_ROWS_PER_SEVERITY)
          .map(
            (f) =>
              `<tr><td>${locationLink(doc, f)}</td><td><a href="#" data-rule="${escapeHtml(f.ruleId)}">${escapeHtml(ruleTitle.get(f.ruleId) ?? f.ruleId)}</a></td><td>${escapeHtml(f.message)}</td></tr>`,
          )
          .join(
            '',
          )}</tbody></table>${list.length > MAX_ROWS_PER_SEVERITY ? `<p class="muted">… ${list.length - MAX_ROWS_PER_SEVERITY} more: export the review for the full list.</p>` : ''}`,
    )
    .join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">${STYLE}</style>
<title>${escapeHtml(doc.title)}</title></head>
<body>
<h1 id="review-title">${escapeHtml(doc.title)}</h1>
<p class="muted">${escapeHtml(doc.scope)} — ${doc.files.length} file(s), ${doc.findings.length} finding(s) — ${escapeHtml(doc.generatedAt)}</p>
<div class="toolbar"><button data-export="markdown">Export Markdown</button><button data-export="sarif">Export SARIF</button></div>
${doc.notes.map((n) => `<p class="muted">${escapeHtml(n)}</p>`).join('')}
<h2>Checklist</h2>
<table id="checklist-summary"><thead><tr><th>State</th><th>Category</th><th>Checks</th><th>Findings</th></tr></thead><tbody>${summaryRows}</tbody></table>
<h2>Evidence per category</h2>${categories}
<h2>Findings by severity</h2>${severities || '<p class="muted">No finding.</p>'}
<h2>Workflows and actions</h2>${doc.files.map((f) => factsHtml(doc, f)).join('') || '<p class="muted">No workflow found.</p>'}
<script nonce="${nonce}">${SCRIPT}</script>
</body></html>`;
}

export function renderReviewMarkdown(doc: ReviewDocument): string {
  const out: string[] = [
    `# ${escapeMarkdown(doc.title)}`,
    '',
    `${escapeMarkdown(doc.scope)}: ${doc.files.length} file(s), ${doc.findings.length} finding(s). Generated ${escapeMarkdown(doc.generatedAt)}.`,
    '',
  ];
  for (const note of doc.notes) out.push(`> ${escapeMarkdown(note)}`, '');
  out.push('## Checklist', '', '| State | Category | Checks | Findings |', '| --- | --- | --- | --- |');
  for (const c of doc.checklist)
    out.push(
      `| ${STATE_LABEL[c.state]} | ${escapeMarkdown(c.title)} | ${c.rules.length} | ${escapeMarkdown(describeCounts(c.counts))} |`,
    );
  out.push('', '## Evidence per category', '');
  for (const c of doc.checklist) {
    out.push(`### ${escapeMarkdown(c.title)}: ${STATE_LABEL[c.state]}`, '');
    if (c.rules.length === 0) out.push('No rule covers this category yet.', '');
    for (const node of c.rules) {
      out.push(
        `- **${escapeMarkdown(node.rule.title)}** (\`${node.rule.id}\`): ${node.findings.length ? `${node.findings.length} finding(s)` : 'pass'}`,
      );
      for (const f of node.findings)
        out.push(`  - ${escapeMarkdown(labelFor(doc, f.uri))}:${f.range.start.line + 1} ${escapeMarkdown(f.message)}`);
    }
    out.push('');
  }
  out.push('## Findings by severity', '');
  const ruleTitle = new Map(doc.rules.map((r) => [r.id, r.title]));
  for (const [severity, list] of findingsBySeverity(doc.findings)) {
    out.push(`### ${severity} (${list.length})`, '', '| Location | Check | Message |', '| --- | --- | --- |');
    for (const f of list)
      out.push(
        `| ${escapeMarkdown(labelFor(doc, f.uri))}:${f.range.start.line + 1} | ${escapeMarkdown(ruleTitle.get(f.ruleId) ?? f.ruleId)} | ${escapeMarkdown(f.message)} |`,
      );
    out.push('');
  }
  out.push('## Workflows and actions', '');
  for (const file of doc.files) {
    out.push(`### ${escapeMarkdown(file.label)}`, '');
    const facts = file.facts;
    if (!facts) {
      out.push('Not a workflow or action, or it could not be parsed.', '');
      continue;
    }
    if (facts.triggers.length) {
      out.push('Triggers:');
      for (const t of facts.triggers)
        out.push(`- ${escapeMarkdown(t.event)}${t.privileged ? ' (privileged)' : ''}: ${escapeMarkdown(t.whoCanFire)}`);
    }
    if (facts.permissions.length || facts.jobPermissions?.length) {
      out.push('', 'Permissions granted vs needed:');
      for (const p of facts.permissions)
        out.push(`- ${escapeMarkdown(p.scope)} declares: ${escapeMarkdown(p.granted)}`);
      for (const j of facts.jobPermissions ?? [])
        out.push(
          `- job ${escapeMarkdown(j.job)}: granted ${escapeMarkdown(j.granted)}; needs ${escapeMarkdown(j.needed)}${j.unexplainedSteps ? ` (${j.unexplainedSteps} step(s) not understood)` : ''}`,
        );
    }
    out.push(
      '',
      `Secrets referenced: ${facts.secrets.length ? facts.secrets.map(escapeMarkdown).join(', ') : 'none'}${facts.secretsInherited ? ' (and `secrets: inherit`)' : ''}`,
    );
    if (facts.actions.length) {
      out.push('', 'Actions:');
      for (const a of facts.actions)
        out.push(
          `- ${escapeMarkdown(a.uses)}: ${a.pinned ? 'pinned' : 'not pinned'}${a.firstParty ? '' : ', third-party'}`,
        );
    }
    if (facts.jobs.length) {
      out.push('', 'Jobs:');
      for (const j of facts.jobs)
        out.push(
          `- ${escapeMarkdown(j.id)}: environment ${j.environment ? escapeMarkdown(j.environment) : 'none'}, timeout ${j.timeoutMinutes ? escapeMarkdown(j.timeoutMinutes) + ' min' : 'default (360 min)'}, concurrency ${j.concurrency || facts.workflowConcurrency ? 'set' : 'none'}`,
        );
    }
    out.push('');
  }
  return out.join('\n');
}
