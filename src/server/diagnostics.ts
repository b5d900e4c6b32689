import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver/node';
import type { Finding, Severity } from '../core/index';
import { ruleAnchor } from '../core/rules/docs';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Fields the API server drops: shown faded, like unused code. */
const UNNECESSARY = new Set(['ibgu/unknown-field', 'ibgu/ibu-stage-ignored']);

/** The rules reference shipped next to the server bundle (written by the build). */
const RULES_DOC = pathToFileURL(path.join(__dirname, 'rules.md')).href;

export function ruleDocsUrl(rule: string): string {
  return `${RULES_DOC}#${ruleAnchor(rule)}`;
}

export function toDiagnostic(finding: Finding, index: number): Diagnostic {
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    source: 'ibgu',
    code: finding.rule,
    codeDescription: { href: ruleDocsUrl(finding.rule) },
    message: finding.message,
    ...(UNNECESSARY.has(finding.rule) ? { tags: [DiagnosticTag.Unnecessary] } : {}),
    data: { index },
  };
}
