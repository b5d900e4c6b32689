import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  CodeActionKind,
  DiagnosticSeverity,
  type CodeAction,
  type Diagnostic,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lintFile, parseFile, Workspace, type Finding, type Severity } from '../core/index';

/**
 * The language server: LSP wiring over the core. Runs over stdio (`node dist/server.js --stdio`) for any
 * editor, or over IPC from the VS Code extension.
 */
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const workspace = new Workspace();
/** Findings recorded at validation, so code actions are a lookup and never a re-lint. */
const recorded = new Map<string, { version: number; findings: Finding[] }>();

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, 'source.fixAll.ibgu'] },
  },
  serverInfo: { name: 'ibgu-language-server' },
}));

function toDiagnostic(finding: Finding, index: number): Diagnostic {
  return { range: finding.range, severity: SEVERITY[finding.severity], source: 'ibgu', code: finding.rule, message: finding.message, data: { index } };
}

function validate(document: TextDocument): void {
  const file = parseFile(document.uri, document.getText());
  workspace.set(file);
  const findings = lintFile(file, workspace);
  recorded.set(document.uri, { version: document.version, findings });
  void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: findings.map(toDiagnostic) });
}

documents.onDidChangeContent((event) => validate(event.document));
documents.onDidClose((event) => {
  workspace.delete(event.document.uri);
  recorded.delete(event.document.uri);
  void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
});

connection.onCodeAction((params) => {
  const entry = recorded.get(params.textDocument.uri);
  if (!entry) return [];
  const actions: CodeAction[] = [];
  for (const diagnostic of params.context.diagnostics) {
    if (diagnostic.source !== 'ibgu') continue;
    const index = (diagnostic.data as { index?: number } | undefined)?.index;
    const finding = index === undefined ? undefined : entry.findings[index];
    if (!finding || finding.rule !== diagnostic.code) continue;
    for (const fix of finding.fixes) {
      actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.preferred, edit: { changes: { [params.textDocument.uri]: fix.edits } } });
    }
  }
  return actions;
});

documents.listen(connection);
connection.listen();
