import type { Connection } from 'vscode-languageserver/node';
import { FILE_NOT_LINTED, lintFileSteps, schemaRule, YAML_SYNTAX, type Finding, type ParsedFile } from '../core/index';
import { BINARY_FILE, isBinary } from '../core/text/binary';
import { STATUS_NOTIFICATION, type ServerSettings, type StatusParams } from '../shared/lsp-protocol';
import { Publisher } from './publisher';
import { lintOptions } from './settings';
import type { Store } from './store';
import type { HubState } from './hub';

export interface Recorded {
  version: number | undefined;
  findings: Finding[];
}

/** What a validation read. While none of it changes, validating again would find the same. */
interface Inputs {
  version: number;
  generation: number;
  settings: ServerSettings;
  /** What the connected hub answered (HubState.generation). */
  hub: number;
}

/** Validation of one open document: the run pending, the one in progress, and what the last ones cost. */
interface Runs {
  timer?: NodeJS.Timeout;
  running: boolean;
  /** The document needs another run once the one in progress ends (a timer fired meanwhile, or it was stale). */
  again: boolean;
  endedAt: number;
  /** The time the last complete run spent validating (its pauses left out). */
  busyMs: number;
  /** The inputs of the findings recorded last. */
  inputs?: Inputs;
}

/** How long a validation runs before it lets the server answer other messages, and sees whether it is stale. */
const SLICE_MS = 10;
/** The longest a document's next run waits because the last one was slow (see `schedule`). */
const MAX_GAP_MS = 1000;

/**
 * Debounced, per-document validation. Findings are recorded with the version they belong to, so that code
 * actions are answered from them without linting again.
 */
export class Validator {
  private readonly runs = new Map<string, Runs>();
  private readonly recorded = new Map<string, Recorded>();
  private readonly publisher: Publisher;
  private last: Pick<StatusParams, 'lastValidationMs' | 'lastUri'> = {};

  constructor(
    private readonly connection: Connection,
    private readonly store: Store,
    private readonly settings: () => ServerSettings,
    private readonly yamlExtensionActive: () => boolean,
    private readonly hub: HubState,
  ) {
    this.publisher = new Publisher((params) => connection.sendDiagnostics(params), (uri) => store.version(uri));
  }

  findings(uri: string): Recorded | undefined {
    return this.recorded.get(uri);
  }

  /** Who waits for the validation of a document's current version (see `current`). */
  private readonly waiting = new Map<string, (() => void)[]>();

  /**
   * The findings of the document's current version: at once when they are recorded; after an edit, once the
   * validation already scheduled for it has run (a quick-fix asked for right after typing joins that run, it
   * does not start one of its own). Undefined when the document is gone or has changed again meanwhile.
   */
  async current(uri: string): Promise<Recorded | undefined> {
    const version = this.store.version(uri);
    if (version === undefined) return undefined;
    const recorded = this.recorded.get(uri);
    if (recorded && recorded.version === version) return recorded;
    const ran = new Promise<void>((resolve) => (this.waiting.get(uri) ?? this.waiting.set(uri, []).get(uri)!).push(resolve));
    this.schedule(uri);
    await ran;
    const now = this.recorded.get(uri);
    return now && now.version === this.store.version(uri) ? now : undefined;
  }

  private wake(uri: string): void {
    const waiting = this.waiting.get(uri);
    this.waiting.delete(uri);
    for (const resolve of waiting ?? []) resolve();
  }

  private runsOf(uri: string): Runs {
    let runs = this.runs.get(uri);
    if (!runs) this.runs.set(uri, (runs = { running: false, again: false, endedAt: -Infinity, busyMs: 0 }));
    return runs;
  }

  /**
   * Validates soon. A change after a quiet moment is validated at once (diagnostics follow a single
   * keystroke without delay). Otherwise the run waits until `windowMs` after the last one ended, or as long
   * as that one took if it took longer (up to MAX_GAP_MS): changes meanwhile are gathered into one run, and a
   * document that is slow to validate leaves the server time for everything else. A burst of 500 edits to
   * a 20,000-document file is validated a few times, not 500. A pending run is never duplicated.
   */
  schedule(uri: string, windowMs = 100): void {
    const runs = this.runsOf(uri);
    if (runs.timer) return;
    const gap = Math.max(windowMs, Math.min(runs.busyMs, MAX_GAP_MS));
    const delay = Math.max(0, runs.endedAt + gap - performance.now());
    runs.timer = setTimeout(() => {
      runs.timer = undefined;
      this.start(uri, runs);
    }, delay);
  }

  /** Other files changed: every open document may have new cross-file findings. */
  scheduleOpen(delayMs = 400): void {
    for (const uri of this.store.openDocuments()) this.schedule(uri, delayMs);
  }

  cancel(uri: string): void {
    clearTimeout(this.runs.get(uri)?.timer);
    this.runs.delete(uri);
    this.wake(uri);
  }

  /** One run at a time per document: a run asked for while one is in progress follows it. */
  private start(uri: string, runs: Runs): void {
    if (runs.running) {
      runs.again = true;
      return;
    }
    runs.running = true;
    this.run(uri, runs)
      .catch((error: unknown) => {
        this.connection.console.error(`Validating ${uri} failed: ${error instanceof Error ? error.stack : String(error)}`);
        // A quick-fix waiting for this run gets no fixes rather than no answer.
        this.wake(uri);
      })
      .finally(() => {
        runs.running = false;
        runs.endedAt = performance.now();
        if (runs.again && this.runs.get(uri) === runs) {
          runs.again = false;
          this.schedule(uri);
        }
      });
  }

  /**
   * Validates the document's latest version. On a large file it pauses every SLICE_MS so that the server
   * keeps answering, and gives up when the document, the workspace or the settings changed meanwhile: a
   * result for version N is never published once N+1 exists, and the run for N+1 reuses what this one
   * cached per document.
   */
  private async run(uri: string, runs: Runs): Promise<void> {
    let slice = performance.now();
    this.store.settle();
    const doc = this.store.document(uri);
    if (!doc) return;
    const inputs: Inputs = { version: doc.version, generation: this.store.generation, settings: this.settings(), hub: this.hub.generation };
    const previous = runs.inputs;
    if (previous && previous.version === inputs.version && previous.generation === inputs.generation && previous.settings === inputs.settings && previous.hub === inputs.hub) return;
    const stale = () => this.store.version(uri) !== inputs.version || this.store.generation !== inputs.generation || this.settings() !== inputs.settings || this.hub.generation !== inputs.hub;
    const steps = this.check(doc.file, inputs.settings);
    let busyMs = 0;
    for (;;) {
      const step = steps.next();
      if (step.done) {
        busyMs += performance.now() - slice;
        runs.busyMs = busyMs;
        runs.inputs = inputs;
        this.settled(uri, doc.version, step.value, busyMs);
        return;
      }
      if (performance.now() - slice < SLICE_MS) continue;
      busyMs += performance.now() - slice;
      await new Promise((resolve) => setImmediate(resolve));
      if (stale()) {
        // The change that made it stale has scheduled the next run; `again` makes sure of it.
        runs.again = true;
        return;
      }
      slice = performance.now();
    }
  }

  /** Lints one file now, whether open or not ("Validate Workspace"), and publishes its diagnostics. Returns the findings. */
  publish(file: ParsedFile, version?: number): Finding[] {
    const started = performance.now();
    const steps = this.check(file, this.settings());
    let step = steps.next();
    while (!step.done) step = steps.next();
    this.settled(file.path, version, step.value, performance.now() - started);
    return step.value;
  }

  /** Records the findings of a version (for code actions) and publishes them. */
  private settled(uri: string, version: number | undefined, findings: Finding[], ms: number): void {
    if (version !== undefined) {
      this.recorded.set(uri, { version, findings });
      if (version === this.store.version(uri)) this.wake(uri);
    }
    this.publisher.publish(uri, version, findings);
    this.last = { lastValidationMs: Math.round(ms * 10) / 10, lastUri: uri };
    this.status('ready');
  }

  /** The findings of a file, in steps (see lintFileSteps); one finding instead when it is not validated at all. */
  private *check(file: ParsedFile, settings: ServerSettings): Generator<void, Finding[], void> {
    const skipped = notValidated(file.text, settings);
    if (skipped) return skipped;
    const findings = yield* lintFileSteps(file, this.store.workspace, { ...lintOptions(settings), ...this.hub.lintOptions() }, undefined, this.store.lintCache);
    return findings.filter((f) => this.shown(f)).map((f) => this.hub.decorate(f));
  }

  clear(uri: string): void {
    this.cancel(uri);
    this.recorded.delete(uri);
    this.publisher.publish(uri, undefined, []);
  }

  status(state: StatusParams['state']): void {
    const params: StatusParams = { state, workspaceFiles: this.store.workspaceFileCount, ...this.last };
    void this.connection.sendNotification(STATUS_NOTIFICATION, params);
  }

  /** With Red Hat's YAML extension active, it reports YAML syntax and our JSON schemas itself (top-level only). */
  private shown(finding: Finding): boolean {
    if (!this.yamlExtensionActive() || finding.embedded) return true;
    return finding.rule !== YAML_SYNTAX && finding.rule !== schemaRule.id;
  }
}

/**
 * A file that is too large or binary is not linted: one finding says so (information unless `ibgu.rules`
 * gives ibgu/file another severity; none when it is `off`). Undefined when the file is linted.
 */
function notValidated(text: string, settings: ServerSettings): Finding[] | undefined {
  const at = { line: 0, character: 0 };
  const override = settings.rules[FILE_NOT_LINTED];
  const severity = (['error', 'warning', 'info', 'hint'].includes(override ?? '') ? override : 'info') as Finding['severity'];
  const finding = (message: string): Finding[] => (override === 'off' ? [] : [{ rule: FILE_NOT_LINTED, severity, message, range: { start: at, end: at }, fixes: [] }]);
  if (text.length > settings.maxFileSizeKb * 1024) return finding(`This file is larger than ${settings.maxFileSizeKb} KiB (ibgu.maxFileSizeKb) and is not validated.`);
  if (isBinary(text)) return finding(`This is a ${BINARY_FILE}; it is not validated.`);
  return undefined;
}
