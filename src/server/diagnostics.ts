import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver/node';
import { ruleAnchor, type Finding, type RuleTag, type Severity } from '../core/index';

/** How each tag of a rule record (see RuleTag) is shown. */
const TAG: Record<RuleTag, DiagnosticTag> = {
  unnecessary: DiagnosticTag.Unnecessary,
};

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

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
    ...(finding.tags?.length ? { tags: finding.tags.map((tag) => TAG[tag]) } : {}),
    data: { index },
  };
}
