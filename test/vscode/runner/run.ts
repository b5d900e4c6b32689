/**
 * Runs VS Code extension tests in code-server, driven by a headless chromium: a stand-in for the VS Code
 * executable that @vscode/test-electron launches (see code-server-test-shim beside this file).
 *
 *   node dist-vscode/runner/run.js [folder] --extensionDevelopmentPath=DIR --extensionTestsPath=FILE
 *                                  [--timeout=SECONDS] [--logs-dir=DIR]
 *
 * Options take `--name=value` or `--name value`; the first positional argument is the folder to open.
 * The other flags test-electron passes (--no-sandbox, --disable-updates, --user-data-dir, …) are accepted and
 * ignored: profile and extension folders are always fresh per run and deleted afterwards.
 * Exit status: the tests' (0 passed, 1 failed), 2 the run itself broke or timed out, 3 no toolchain here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { VsCodeSession } from './session';
import { setUpToolchain, ToolchainUnavailable, UNAVAILABLE_EXIT } from './toolchain';

interface RunOptions {
  extensionDevelopmentPaths: string[];
  extensionTestsPath: string;
  folder: string | undefined;
  timeoutSeconds: number;
  logsDir: string | undefined;
}

const VALUE_OPTIONS = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'folder', 'timeout', 'logs-dir', 'user-data-dir', 'extensions-dir']);

export function parseArguments(argv: string[]): RunOptions {
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (!VALUE_OPTIONS.has(name)) continue; // a flag meant for desktop VS Code
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new Error(`--${name} needs a value`);
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  const one = (name: string) => values.get(name)?.at(-1);
  const extensionTestsPath = one('extensionTestsPath');
  const extensionDevelopmentPaths = values.get('extensionDevelopmentPath') ?? [];
  if (!extensionTestsPath || extensionDevelopmentPaths.length === 0) throw new Error('--extensionDevelopmentPath and --extensionTestsPath are required');
  const folder = one('folder') ?? positional[0];
  return {
    extensionDevelopmentPaths: extensionDevelopmentPaths.map((p) => path.resolve(p)),
    extensionTestsPath: path.resolve(extensionTestsPath),
    folder: folder === undefined ? undefined : path.resolve(folder),
    timeoutSeconds: Number(one('timeout') ?? process.env.IBGU_VSCODE_TIMEOUT ?? 300),
    logsDir: one('logs-dir') ?? process.env.IBGU_VSCODE_LOGS_DIR,
  };
}

function note(message: string): void {
  process.stderr.write(`[vscode-runner] ${message}\n`);
}

/** Text of one codeAutomationLog call: a string, or console.log's arguments (mocha passes printf-style formats). */
function logText(message: unknown): string {
  if (Array.isArray(message)) return format(...message);
  return typeof message === 'string' ? message : JSON.stringify(message);
}

interface WorkbenchLog {
  relativePath: string;
  contents: string;
}

async function runTests(options: RunOptions, session: VsCodeSession): Promise<number> {
  const page = await session.openPage();
  const started = Date.now();
  let settle: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (settle = resolve));

  // The contract the workbench's test driver calls, as @vscode/test-web uses it.
  await page.exposeFunction('codeAutomationLog', (_level: string, message: unknown) => {
    process.stdout.write(`${logText(message)}\n`);
  });
  await page.exposeFunction('codeAutomationExit', (code: number, logs?: WorkbenchLog[]) => {
    if (options.logsDir && Array.isArray(logs)) {
      for (const log of logs) {
        const file = path.join(options.logsDir, log.relativePath);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, log.contents);
      }
    }
    settle(Number(code));
  });
  page.on('pageerror', (error) => note(`page error: ${error.message}`));

  const payload: [string, string][] = [
    ...options.extensionDevelopmentPaths.map((p): [string, string] => ['extensionDevelopmentPath', session.remoteUri(p)]),
    ['extensionTestsPath', session.remoteUri(options.extensionTestsPath)],
  ];
  const url = session.workbenchUrl(options.folder ?? session.runDir, payload);
  note(`workbench ${url}`);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<number>((resolve) => {
    timer = setTimeout(() => {
      note(`no result after ${options.timeoutSeconds} s; code-server log:\n${session.logTail()}`);
      resolve(2);
    }, options.timeoutSeconds * 1000);
  });
  const code = await Promise.race([finished, timedOut]);
  clearTimeout(timer);
  note(`tests finished with exit code ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return code;
}

async function main(): Promise<number> {
  // Whoever reads our output may be gone (killed first); cleaning up matters more than reporting.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  let options: RunOptions;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    note((error as Error).message);
    return 2;
  }
  let session: VsCodeSession | undefined;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    note(`${signal}: stopping code-server and chromium`);
    void (session?.dispose() ?? Promise.resolve()).finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15)));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);

  try {
    const toolchain = setUpToolchain();
    // Extensions to install from .vsix before start (e.g. a stand-in for a third-party extension), by path.
    const vsixes = (process.env.IBGU_VSCODE_VSIXES ?? '').split(path.delimiter).filter(Boolean);
    session = await VsCodeSession.start({ toolchain, smokeTestDriver: true, vsixes });
    note(`code-server listening on ${session.baseUrl} (run folder ${session.runDir})`);
    return await runTests(options, session);
  } catch (error) {
    if (error instanceof ToolchainUnavailable) {
      note(error.message);
      return UNAVAILABLE_EXIT;
    }
    note(`run failed: ${(error as Error).stack ?? error}`);
    if (session) note(`code-server log:\n${session.logTail()}`);
    return 2;
  } finally {
    await session?.dispose();
  }
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
