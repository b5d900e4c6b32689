import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, DiagnosticTag, type Connection, type Diagnostic } from 'vscode-languageserver/node';
import { lintFile, type Finding, type ParsedFile, type Severity } from '../core/index';
import { ruleAnchor } from '../core/rules/docs';
import { STATUS_NOTIFICATION, type ServerSettings, type StatusParams } from '../core/protocol';
import { lintOptions } from './settings';
import type { Store } from './store';

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

export interface Recorded {
  version: number | undefined;
  findings: Finding[];
}

/**
 * Debounced, per-document validation. Findings are recorded with the version they belong to, so that code
 * actions are answered from them without linting again.
 */
export class Validator {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly recorded = new Map<string, Recorded>();
  private last: Pick<StatusParams, 'lastValidationMs' | 'lastUri'> = {};

  constructor(
    private readonly connection: Connection,
    private readonly store: Store,
    private readonly settings: () => ServerSettings,
    private readonly yamlExtensionActive: () => boolean,
  ) {}

  findings(uri: string): Recorded | undefined {
    return this.recorded.get(uri);
  }

  /** Who waits for the next validation of a document (see `current`). */
  private readonly waiting = new Map<string, (() => void)[]>();

  /**
   * The findings of the document's current version: at once when they are recorded; after an edit, once the
   * validation already scheduled for it has run (a quick-fix asked for right after typing joins that run, it
   * does not start one of its own). Undefined when the document is gone or has changed again meanwhile.
   */
  async current(uri: string): Promise<Recorded | undefined> {
    const doc = this.store.document(uri);
    if (!doc) return undefined;
    const recorded = this.recorded.get(uri);
    if (recorded && recorded.version === doc.version) return recorded;
    const ran = new Promise<void>((resolve) => (this.waiting.get(uri) ?? this.waiting.set(uri, []).get(uri)!).push(resolve));
    this.schedule(uri);
    await ran;
    const now = this.recorded.get(uri);
    return now && now.version === this.store.document(uri)?.version ? now : undefined;
  }

  private wake(uri: string): void {
    const waiting = this.waiting.get(uri);
    this.waiting.delete(uri);
    for (const resolve of waiting ?? []) resolve();
  }

  private readonly lastRun = new Map<string, number>();

  /**
   * Validates soon. A change after a quiet moment is validated at once (diagnostics follow a single
   * keystroke without delay); during fast typing, changes within `windowMs` of the last run are gathered
   * into one run at the end of the window. A pending run is never duplicated.
   */
  schedule(uri: string, windowMs = 100): void {
    if (this.timers.has(uri)) return;
    const since = performance.now() - (this.lastRun.get(uri) ?? -Infinity);
    const delay = since >= windowMs ? 0 : windowMs - since;
    this.timers.set(uri, setTimeout(() => {
      this.timers.delete(uri);
      this.lastRun.set(uri, performance.now());
      this.validateOpen(uri);
    }, delay));
  }

  /** Other files changed: every open document may have new cross-file findings. */
  scheduleOpen(delayMs = 400): void {
    for (const uri of this.store.openDocuments()) this.schedule(uri, delayMs);
  }

  cancel(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.lastRun.delete(uri);
    this.wake(uri);
  }

  validateOpen(uri: string): void {
    try {
      const doc = this.store.document(uri);
      if (doc) this.publish(doc.file, doc.version);
    } finally {
      this.wake(uri);
    }
  }

  /** Lints one file and publishes its diagnostics. Returns the findings published. */
  publish(file: ParsedFile, version?: number): Finding[] {
    const started = performance.now();
    const settings = this.settings();
    let findings: Finding[];
    if (file.text.length > settings.maxFileSizeKb * 1024) {
      const at = { line: 0, character: 0 };
      findings = [{ rule: 'ibgu/file', severity: 'info', message: `This file is larger than ${settings.maxFileSizeKb} KiB (ibgu.maxFileSizeKb) and is not validated.`, range: { start: at, end: at }, fixes: [] }];
    } else {
      findings = lintFile(file, this.store.workspace, lintOptions(settings), undefined, this.store.lintCache).filter((f) => this.shown(f));
    }
    this.recorded.set(file.path, { version, findings });
    this.wake(file.path);
    void this.connection.sendDiagnostics({ uri: file.path, version, diagnostics: findings.map(toDiagnostic) });
    this.last = { lastValidationMs: Math.round((performance.now() - started) * 10) / 10, lastUri: file.path };
    this.status('ready');
    return findings;
  }

  clear(uri: string): void {
    this.cancel(uri);
    this.recorded.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  status(state: StatusParams['state']): void {
    const params: StatusParams = { state, workspaceFiles: this.store.workspaceFileCount, ...this.last };
    void this.connection.sendNotification(STATUS_NOTIFICATION, params);
  }

  /** With Red Hat's YAML extension active, it reports YAML syntax and our JSON schemas itself (top-level only). */
  private shown(finding: Finding): boolean {
    if (!this.yamlExtensionActive() || finding.embedded) return true;
    return finding.rule !== 'ibgu/yaml-syntax' && finding.rule !== 'ibgu/schema';
  }
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
