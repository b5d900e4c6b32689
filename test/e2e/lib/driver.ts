/**
 * What the browser-level drivers in test/e2e share: the .vsix packaging (test/helpers/vsix.ts), the failed-check error, step logging,
 * waits on locators, and `runDriver`, the main() of a driver with its exit status (0 passed, 1 a check failed,
 * 2 the run itself broke, 3 no toolchain on this machine), its failure screenshot and its clean-up.
 * Side-effect free: drivers import it; it is not a driver itself.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Locator, Page, PageScreenshotOptions } from 'playwright-core';
import { removeDir } from '../../vscode/runner/processes';
export { packageExtension } from '../../helpers/vsix';
import { projectRoot, setUpToolchain, ToolchainUnavailable, UNAVAILABLE_EXIT, type Toolchain } from '../../vscode/runner/toolchain';

/** A check that did not hold: reported by its message (not a stack), exit status 1. */
export class CheckFailed extends Error {}

/** A function that logs one line of a driver's progress, under its tag; the .test.ts wrapper echoes those lines. */
export type StepLog = (message: string) => void;

/** A step logger writing `<tag> message` lines to stdout. */
export function stepLogger(tag: string): StepLog {
  return (message) => void process.stdout.write(`${tag} ${message}\n`);
}

/** The `[e2e]` step logger most drivers use. */
export const step: StepLog = stepLogger('[e2e]');

/** Throws CheckFailed with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

/** Waits for the first match of `locator` to be visible; CheckFailed naming `what` if it is not within `timeout` ms. */
export async function expectVisible(locator: Locator, what: string, timeout = 30_000): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch {
    throw new CheckFailed(`not seen within ${timeout / 1000} s: ${what}`);
  }
}

/** Waits for the first match of `locator` to leave the page; CheckFailed naming `what` if it is still there after `timeout` ms. */
export async function expectGone(locator: Locator, what: string, timeout = 30_000): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'detached', timeout });
  } catch {
    throw new CheckFailed(`still there after ${timeout / 1000} s: ${what}`);
  }
}

/** How one driver runs: where its screenshots go, how it logs, what it says when stopped by a signal. */
export interface DriverOptions {
  /** The screenshot's file name under .test-artifacts, unless `--screenshot FILE` is given. */
  screenshot: string;
  /** The failure screenshot's file name, beside the screenshot. */
  failureScreenshot: string;
  /** How the failure screenshot is taken (e.g. the full page); the viewport by default. */
  failureScreenshotOptions?: Omit<PageScreenshotOptions, 'path'>;
  /** The driver's step logger; `step` ([e2e]) by default. */
  log?: StepLog;
  /** Logged as `SIGTERM: <stopping>` when a signal stops the run; nothing is logged without it. */
  stopping?: string;
}

/** What the body of a driver gets, and tells back for a failure report. */
export interface DriverRun {
  root: string;
  toolchain: Toolchain;
  /** Where the screenshot goes (absolute). */
  screenshot: string;
  /** Registers an undo for the end of the run (also on SIGINT/SIGTERM); run last-registered first. */
  cleanUp(undo: () => unknown): void;
  /** A fresh directory under IBGU_VSCODE_RUN_ROOT (or the temp dir), removed at the end of the run. */
  tempDir(prefix: string): string;
  /** The page to photograph when the run fails; set by the body once it has one. */
  page?: Page;
  /** Extra lines to log when the run fails (e.g. the code-server log's tail); set by the body. */
  failureNotes?: () => string | undefined;
}

/**
 * The main() of a driver: sets up the toolchain, runs `body`, logs how long it took, and exits the process with
 * the run's status; on a failure logs it, photographs `run.page` and logs `run.failureNotes`. Whatever the
 * outcome, and on SIGINT/SIGTERM, what the body registered is cleaned up before the process exits.
 */
export function runDriver(options: DriverOptions, body: (run: DriverRun) => Promise<void>): void {
  void driverMain(options, body).then((code) => process.exit(code));
}

async function driverMain(options: DriverOptions, body: (run: DriverRun) => Promise<void>): Promise<number> {
  const log = options.log ?? step;
  // Whoever reads our output may be gone (killed first); cleaning up matters more than reporting.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const root = projectRoot();
  const i = process.argv.indexOf('--screenshot');
  const screenshot = path.resolve(i !== -1 && process.argv[i + 1] ? process.argv[i + 1] : path.join(root, '.test-artifacts', options.screenshot));
  const undos: (() => unknown)[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanUpAll = () =>
    (cleaning ??= (async () => {
      for (const undo of undos.reverse()) await Promise.resolve().then(undo).catch(() => undefined);
    })());
  const stop = (signal: NodeJS.Signals) => {
    if (options.stopping) log(`${signal}: ${options.stopping}`);
    void cleanUpAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const run: Omit<DriverRun, 'toolchain'> = {
    root,
    screenshot,
    cleanUp: (undo) => void undos.push(undo),
    tempDir: (prefix) => {
      const dir = mkdtempSync(path.join(process.env.IBGU_VSCODE_RUN_ROOT ?? tmpdir(), prefix));
      undos.push(() => removeDir(dir));
      return dir;
    },
  };
  try {
    const toolchain = setUpToolchain(root);
    const started = Date.now();
    await body(Object.assign(run, { toolchain }));
    log(`passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    if (error instanceof ToolchainUnavailable) {
      log(error.message);
      return UNAVAILABLE_EXIT;
    }
    log(`FAILED: ${error instanceof CheckFailed ? error.message : (error as Error).stack}`);
    if (run.page) {
      const failure = path.join(path.dirname(screenshot), options.failureScreenshot);
      const page = run.page;
      await Promise.resolve()
        .then(() => mkdirSync(path.dirname(failure), { recursive: true }))
        .then(() => page.screenshot({ ...options.failureScreenshotOptions, path: failure }))
        .then(() => log(`screenshot of the failure: ${failure}`), () => undefined);
    }
    const notes = run.failureNotes?.();
    if (notes) log(notes);
    return error instanceof CheckFailed ? 1 : 2;
  } finally {
    await cleanUpAll();
  }
}
