import type { Finding, LintOptions, TextEdit } from '../rules/types';
import { LineIndex } from '../yaml/lines';
import { parseFile } from '../yaml/parse';
import { lintFile } from './lint';
import type { Workspace } from '../yaml/workspace';

/** Applies edits to a text; an edit that overlaps one already taken is skipped. Returns the new text and the count applied. */
export function applyEdits(text: string, edits: TextEdit[]): { text: string; applied: number } {
  const lines = new LineIndex(text);
  const byOffset = edits
    .map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let cursor = 0;
  let applied = 0;
  for (const e of byOffset) {
    if (e.start < cursor) continue;
    out += text.slice(cursor, e.start) + e.newText;
    cursor = e.end;
    applied++;
  }
  return { text: out + text.slice(cursor), applied };
}

/**
 * The edits of the preferred automatic fix of each finding, whole fixes only: a fix is taken with all its
 * edits or not at all, and none that overlaps (or inserts at the same place as) one already taken.
 */
export function autofixEdits(text: string, findings: Finding[]): { edits: TextEdit[]; fixes: number } {
  const taken: { start: number; end: number }[] = [];
  const edits: TextEdit[] = [];
  const lines = new LineIndex(text);
  let fixes = 0;
  for (const finding of findings) {
    const fix = finding.fixes.find((f) => f.autofix && f.preferred) ?? finding.fixes.find((f) => f.autofix);
    if (!fix) continue;
    const spans = fix.edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end) }));
    const clash = spans.some((s) => taken.some((t) => (s.start < t.end && t.start < s.end) || (s.start === s.end && s.start === t.start) || (t.start === t.end && t.start === s.start)));
    if (clash) continue;
    taken.push(...spans);
    edits.push(...fix.edits);
    fixes++;
  }
  return { edits, fixes };
}

/** Applies the preferred automatic fix of each finding (see `autofixEdits`). */
export function applyFixes(text: string, findings: Finding[]): { text: string; applied: number } {
  const { edits, fixes } = autofixEdits(text, findings);
  return { text: applyEdits(text, edits).text, applied: fixes };
}

/**
 * Fixes a file of the workspace until no automatic fix is left (a fix can reveal another), at most
 * `rounds` times. The workspace is updated with each new version.
 */
export function fixFile(path: string, workspace: Workspace, options: LintOptions = {}, rounds = 5): { text: string; applied: number } {
  let file = workspace.get(path);
  if (!file) throw new Error(`not in the workspace: ${path}`);
  let total = 0;
  for (let i = 0; i < rounds; i++) {
    const { text, applied } = applyFixes(file.text, lintFile(file, workspace, options));
    if (applied === 0 || text === file.text) break;
    total += applied;
    file = parseFile(path, text);
    workspace.set(file);
  }
  return { text: file.text, applied: total };
}
