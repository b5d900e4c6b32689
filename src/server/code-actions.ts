import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit } from 'vscode-languageserver/node';
import { autofixEdits, type Finding } from '../core/index';
import type { Recorded } from './validation';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.ibgu`;

/** Whether the client asked only for kinds other than these. */
function wants(params: CodeActionParams, kind: string): boolean {
  const only = params.context.only;
  return !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

function findingOf(recorded: Recorded, diagnostic: Diagnostic): Finding | undefined {
  const index = (diagnostic.data as { index?: unknown } | undefined)?.index;
  const finding = typeof index === 'number' ? recorded.findings[index] : undefined;
  return finding && finding.rule === diagnostic.code ? finding : undefined;
}

/**
 * Code actions from the findings recorded at validation: the fixes of each diagnostic, "fix all" of a rule
 * in the file, suppression comments, and source.fixAll.ibgu.
 */
export function codeActions(params: CodeActionParams, recorded: Recorded | undefined, text: string): CodeAction[] {
  if (!recorded) return [];
  const uri = params.textDocument.uri;
  const change = (edits: TextEdit[]) => ({ changes: { [uri]: edits } });
  const actions: CodeAction[] = [];
  if (wants(params, CodeActionKind.QuickFix)) {
    const seenRules = new Set<string>();
    for (const diagnostic of params.context.diagnostics) {
      if (diagnostic.source !== 'ibgu') continue;
      const finding = findingOf(recorded, diagnostic);
      if (!finding) continue;
      for (const fix of finding.fixes) {
        actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.preferred, edit: change(fix.edits) });
      }
      if (seenRules.has(finding.rule)) continue;
      seenRules.add(finding.rule);
      const sameRule = recorded.findings.filter((f) => f.rule === finding.rule);
      const all = autofixEdits(text, sameRule);
      if (all.fixes > 1) actions.push({ title: `Fix all ${finding.rule} problems in this file (${all.fixes})`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: change(all.edits) });
      actions.push(suppressLine(uri, text, finding, diagnostic));
      const file = suppressFile(uri, text, finding, diagnostic);
      if (file) actions.push(file);
    }
  }
  // Source actions only when asked for by kind (on save, or from the Source Action menu).
  if (params.context.only && wants(params, FIX_ALL_KIND)) {
    const all = autofixEdits(text, recorded.findings);
    if (all.fixes) actions.push({ title: `Fix all automatically fixable IBGU problems (${all.fixes})`, kind: FIX_ALL_KIND, edit: change(all.edits) });
  }
  return actions;
}

function lineText(text: string, line: number): string {
  return text.split(/\r?\n/)[line] ?? '';
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function suppressLine(uri: string, text: string, finding: Finding, diagnostic: Diagnostic): CodeAction {
  const line = finding.range.start.line;
  const indent = /^\s*/.exec(lineText(text, line))![0];
  const at = { line, character: 0 };
  return {
    title: `Disable ${finding.rule} for this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [uri]: [{ range: { start: at, end: at }, newText: `${indent}# ibgu-disable-next-line ${finding.rule}${eolOf(text)}` }] } },
  };
}

function suppressFile(uri: string, text: string, finding: Finding, diagnostic: Diagnostic): CodeAction | undefined {
  const first = lineText(text, 0);
  const existing = /^(#\s*ibgu-disable-file\b)(.*)$/.exec(first);
  // A directive without rule ids already disables everything.
  if (existing && !existing[2].trim()) return undefined;
  const edit: TextEdit = existing
    ? { range: { start: { line: 0, character: first.length }, end: { line: 0, character: first.length } }, newText: `${existing[2].trim() ? ',' : ''} ${finding.rule}` }
    : { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `# ibgu-disable-file ${finding.rule}${eolOf(text)}` };
  return { title: `Disable ${finding.rule} for this file`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: { changes: { [uri]: [edit] } } };
}
