import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { killOwnedProcesses, OWNER_VAR, removeDir, stopGroup } from './processes';
import { loadPlaywright, type Toolchain } from './toolchain';
import QUIET_WORKBENCH from '../../../scripts/quiet-workbench.json';

/**
 * User settings for every run: the quiet workbench `npm start` uses too (no welcome page, chat, tips,
 * telemetry, update or gallery traffic), and no Git or autosave.
 */
const SETTINGS: Record<string, unknown> = { ...QUIET_WORKBENCH, 'git.enabled': false, 'files.autoSave': 'off' };

export interface SessionOptions {
  toolchain: Toolchain;
  /** Lets the workbench URL's `payload` load a development extension and run extension tests. */
  smokeTestDriver?: boolean;
  /** Packaged extensions to install into the fresh extensions folder before the server starts. */
  vsixes?: string[];
  /** Settings of the run, written to the machine's settings (see startServer). */
  settings?: Record<string, unknown>;
}

/**
 * One code-server on 127.0.0.1 plus, on demand, one headless chromium, in a fresh run folder (profile,
 * extensions, XDG and temp dirs). `dispose()` stops both by process group, kills anything still carrying the
 * run's OWNER_VAR, and deletes the folder; it is safe to call more than once and from any failure path.
 */
export class VsCodeSession {
  readonly runDir: string;
  readonly env: Record<string, string>;
  port = 0;
  private server: ChildProcess | undefined;
  private context: BrowserContext | undefined;
  private disposed: Promise<void> | undefined;

  private constructor(private readonly options: SessionOptions) {
    // Short paths: unix sockets under TMPDIR are limited to 108 characters.
    const parent = process.env.IBGU_VSCODE_RUN_ROOT ?? tmpdir();
    this.runDir = mkdtempSync(path.join(parent, 'vsc-'));
    for (const dir of ['ud/User', 'ext', 'xdg/config', 'xdg/data', 'xdg/cache', 'tmp', 'chromium']) {
      mkdirSync(path.join(this.runDir, dir), { recursive: true });
    }
    this.env = childEnv({
      PATH: `${options.toolchain.nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
      XDG_CONFIG_HOME: path.join(this.runDir, 'xdg/config'),
      XDG_DATA_HOME: path.join(this.runDir, 'xdg/data'),
      XDG_CACHE_HOME: path.join(this.runDir, 'xdg/cache'),
      TMPDIR: path.join(this.runDir, 'tmp'),
      // No extension gallery (as in npm start): no lookups that fail offline and fill the run's output.
      EXTENSIONS_GALLERY: '{}',
      [OWNER_VAR]: this.runDir,
    });
  }

  static async start(options: SessionOptions): Promise<VsCodeSession> {
    const session = new VsCodeSession(options);
    try {
      await session.startServer();
      return session;
    } catch (error) {
      await session.dispose();
      throw error;
    }
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get logFile(): string {
    return path.join(this.runDir, 'code-server.log');
  }

  private get userDataDir(): string {
    return path.join(this.runDir, 'ud');
  }

  private get extensionsDir(): string {
    return path.join(this.runDir, 'ext');
  }

  private async startServer(): Promise<void> {
    const { toolchain } = this.options;
    writeFileSync(path.join(this.userDataDir, 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2));
    // A run's own settings go to the machine's settings (code-server's "Remote" settings): the workbench is a
    // remote window, and a remote window drops machine-scoped settings (ibgu.hub.kubeconfig) from user
    // settings as soon as it knows their scope: before the extension host starts, or not, a race that left the
    // IBGU view without its hub one run in six.
    mkdirSync(path.join(this.userDataDir, 'Machine'), { recursive: true });
    writeFileSync(path.join(this.userDataDir, 'Machine', 'settings.json'), JSON.stringify(this.options.settings ?? {}, null, 2));
    for (const vsix of this.options.vsixes ?? []) this.installExtension(vsix);

    this.port = await freePort();
    const args = [
      '--bind-addr', `127.0.0.1:${this.port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', this.userDataDir,
      '--extensions-dir', this.extensionsDir,
    ];
    // Without this the built workbench ignores extensionDevelopmentPath / extensionTestsPath in the URL payload.
    if (this.options.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
    const log = openSync(this.logFile, 'a');
    try {
      this.server = spawn(toolchain.codeServer, args, { cwd: this.runDir, env: this.env, detached: true, stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
    const server = this.server;
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.once('error', () => undefined);
    for (const deadline = Date.now() + 60_000; ; ) {
      if (server.exitCode !== null || server.signalCode !== null) throw new Error(`code-server exited during start-up:\n${this.logTail()}`);
      if (await healthy(`${this.baseUrl}/healthz`)) return;
      if (Date.now() > deadline) throw new Error(`code-server did not listen on ${this.baseUrl} within 60 s:\n${this.logTail()}`);
      await Promise.race([sleep(100), exited]);
    }
  }

  private installExtension(vsix: string): void {
    const result = spawnSync(
      this.options.toolchain.codeServer,
      ['--user-data-dir', this.userDataDir, '--extensions-dir', this.extensionsDir, '--install-extension', vsix, '--force'],
      { cwd: this.runDir, env: this.env, encoding: 'utf8', timeout: 120_000 },
    );
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    if (result.status !== 0 || !/successfully installed/i.test(output)) {
      throw new Error(`code-server --install-extension ${vsix} failed (status ${result.status ?? result.signal}):\n${output}`);
    }
  }

  /** Launches the system chromium headless, through playwright-core, with its profile inside the run folder. */
  async openPage(): Promise<Page> {
    const { chromium } = loadPlaywright(this.options.toolchain);
    this.context = await chromium.launchPersistentContext(path.join(this.runDir, 'chromium'), {
      executablePath: this.options.toolchain.chromium,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 900 },
      env: this.env,
      // Our own signal handlers clean up; Playwright's would race them.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: 60_000,
    });
    return this.context.pages()[0] ?? (await this.context.newPage());
  }

  /** The workbench URL for a folder, with the test-driver payload (development extensions, tests) if any. */
  workbenchUrl(folder: string, payload: [string, string][] = []): string {
    const query = new URLSearchParams({ folder });
    if (payload.length > 0) query.set('payload', JSON.stringify(payload));
    return `${this.baseUrl}/?${query.toString()}`;
  }

  /** A path on this machine as the workbench's remote (code-server) side sees it. */
  remoteUri(absolutePath: string): string {
    return `vscode-remote://127.0.0.1:${this.port}${absolutePath}`;
  }

  logTail(lines = 40): string {
    if (!existsSync(this.logFile)) return '(no code-server log)';
    return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
  }

  /** The last lines of an extension's log channels (what its Output view shows) in this run, for failure notes. */
  extensionLogTail(extensionId: string, lines = 40): string {
    const logs = path.join(this.userDataDir, 'logs');
    const files = existsSync(logs)
      ? readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter((f) => f.split(path.sep).includes(extensionId) && f.endsWith('.log')).sort()
      : [];
    if (!files.length) return `(no log of ${extensionId})`;
    return files.map((f) => `${f}:\n${readFileSync(path.join(logs, f), 'utf8').split('\n').slice(-lines).join('\n')}`).join('\n');
  }

  dispose(): Promise<void> {
    this.disposed ??= this.doDispose();
    return this.disposed;
  }

  private async doDispose(): Promise<void> {
    if (this.context) {
      const context = this.context;
      this.context = undefined;
      await Promise.race([context.close().catch(() => undefined), sleep(5000)]);
    }
    await stopGroup(this.server?.pid);
    this.server = undefined;
    const stragglers = await killOwnedProcesses(this.runDir);
    if (stragglers > 0) process.stderr.write(`[vscode-session] killed ${stragglers} leftover process(es) of ${this.runDir}\n`);
    removeDir(this.runDir);
  }
}

/**
 * The environment for code-server and chromium: ours minus what would confuse them (a VS Code terminal's
 * IPC hooks make code-server act as a CLI of that instance; node:test's context; inspector flags).
 */
function childEnv(overrides: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name.startsWith('VSCODE_') || name === 'ELECTRON_RUN_AS_NODE' || name === 'NODE_TEST_CONTEXT' || name === 'NODE_OPTIONS') continue;
    env[name] = value;
  }
  return { ...env, ...overrides };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}
