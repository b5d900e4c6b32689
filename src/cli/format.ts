import * as path from 'node:path';
import type { CheckRecord, Finding, Severity } from '../core/index';

export interface FileResult {
  path: string;
  findings: Finding[];
}

export interface Summary {
  files: number;
  errors: number;
  warnings: number;
  infos: number;
  hints: number;
  fixed?: number;
}

export function summarize(results: FileResult[], fixed?: number): Summary {
  const count = (s: Severity) => results.reduce((n, r) => n + r.findings.filter((f) => f.severity === s).length, 0);
  return { files: results.length, errors: count('error'), warnings: count('warning'), infos: count('info'), hints: count('hint'), ...(fixed !== undefined ? { fixed } : {}) };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Compiler-style lines: `file:line:col severity rule message` (1-based), then a summary. */
export function formatText(results: FileResult[], summary: Summary, color: boolean): string {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const colors: Record<Severity, string> = { error: '31', warning: '33', info: '36', hint: '2' };
  const lines: string[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      const where = `${r.path}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
      const fix = f.fixes.some((x) => x.autofix) ? ' [fixable]' : '';
      lines.push(`${where} ${paint(colors[f.severity], f.severity)} ${f.rule} ${f.message}${fix}`);
    }
  }
  const parts = [plural(summary.errors, 'error'), plural(summary.warnings, 'warning')];
  if (summary.infos) parts.push(plural(summary.infos, 'info'));
  if (summary.hints) parts.push(plural(summary.hints, 'hint'));
  const fixed = summary.fixed !== undefined ? `, ${plural(summary.fixed, 'problem')} fixed` : '';
  lines.push(`${parts.join(', ')} in ${plural(summary.files, 'file')}${fixed}`);
  return lines.join('\n') + '\n';
}

/** The stable JSON format (version 1, documented in README.md). Positions are 0-based, as in LSP. */
export function formatJson(results: FileResult[], summary: Summary): string {
  return JSON.stringify({
    version: 1,
    files: results.map((r) => ({
      path: r.path,
      diagnostics: r.findings.map((f) => ({
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        range: f.range,
        fixes: f.fixes.map((x) => ({ title: x.title, preferred: x.preferred, automatic: x.autofix, edits: x.edits })),
      })),
    })),
    summary,
  }, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/**
 * SARIF 2.1.0 for code-scanning UIs; lines and columns 1-based, columns in UTF-16 code units. `rules` is the
 * whole registry (rules and built-in checks), so that every result's ruleId has a descriptor.
 */
export function formatSarif(results: FileResult[], rules: readonly CheckRecord[], version: string, cwd: string): string {
  const extraIds = [...new Set(results.flatMap((r) => r.findings.map((f) => f.rule)))].filter((id) => !rules.some((r) => r.id === id));
  const descriptors = [
    ...rules.map((r) => ({ id: r.id, shortDescription: { text: r.title }, fullDescription: { text: r.docs }, help: { text: r.docs, markdown: r.docs }, defaultConfiguration: { level: SARIF_LEVEL[r.severity] } })),
    ...extraIds.map((id) => ({ id, shortDescription: { text: id }, defaultConfiguration: { level: 'error' } })),
  ];
  const index = new Map(descriptors.map((d, i) => [d.id, i]));
  const uri = (p: string) => (p === '<stdin>' ? 'stdin' : path.relative(cwd, path.resolve(cwd, p)).split(path.sep).join('/'));
  const region = (range: Finding['range']) => ({ startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 });
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'ibgu', semanticVersion: version, rules: descriptors } },
      columnKind: 'utf16CodeUnits',
      originalUriBaseIds: { '%SRCROOT%': { uri: `file://${cwd.split(path.sep).join('/')}/` } },
      results: results.flatMap((r) => r.findings.map((f) => ({
        ruleId: f.rule,
        ruleIndex: index.get(f.rule),
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: uri(r.path), uriBaseId: '%SRCROOT%' }, region: region(f.range) } }],
        ...(f.fixes.length ? {
          fixes: f.fixes.map((x) => ({
            description: { text: x.title },
            artifactChanges: [{ artifactLocation: { uri: uri(r.path), uriBaseId: '%SRCROOT%' }, replacements: x.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })) }],
          })),
        } : {}),
      }))),
    }],
  }, null, 2) + '\n';
}
