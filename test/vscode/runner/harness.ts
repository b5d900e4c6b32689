/**
 * What the node:test wrappers (test/vscode/host.test.ts, test/e2e/browser.test.ts) share: the toolchain or a
 * clear skip, one VS Code at a time across test processes, the harness build, and running a harness script as
 * a child whose every process and temp folder is gone when it returns.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContext } from 'node:test';
import { killOwnedProcesses, removeDir } from './processes';
import { setUpToolchain, ToolchainUnavailable, type Toolchain } from './toolchain';

const inCi = () => process.env.CI === 'true';

/** The toolchain, or undefined after marking the test skipped with the reason; in CI (CI=true) a failure instead. */
export function toolchainOrSkip(t: TestContext, root: string): Toolchain | undefined {
  try {
    return setUpToolchain(root);
  } catch (error) {
    if (!(error instanceof ToolchainUnavailable)) throw error;
    if (inCi()) throw new Error(`CI=true requires the real-VS-Code tests, but ${error.message}`);
    t.skip(`skipped, no real VS Code here: ${error.message} (with CI=true this fails instead)`);
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` while holding a machine-wide lock, so test files running in parallel never start two VS Codes
 * (each takes about 1 GB) or rebuild dist-vscode under each other. A lock left by a dead process is taken over.
 */
export async function withVsCodeLock<T>(fn: () => Promise<T>, timeoutMs = 20 * 60_000): Promise<T> {
  const lock = path.join(tmpdir(), 'ibgu-tools-vscode.lock');
  const ownerFile = path.join(lock, 'pid');
  for (const deadline = Date.now() + timeoutMs; ; await sleep(500)) {
    try {
      mkdirSync(lock);
      writeFileSync(ownerFile, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = NaN;
      try {
        owner = Number(readFileSync(ownerFile, 'utf8'));
      } catch {
        // the owner is between mkdir and writing its pid, or just released
      }
      if (Number.isInteger(owner) && owner > 0 && !processAlive(owner)) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for ${lock} (held by pid ${owner})`);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds the extension bundles if missing (npm test builds them first) and, always, the harness in dist-vscode. */
export function buildHarness(root: string): void {
  const build = (...args: string[]) => {
    const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), ...args], { cwd: root, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`node scripts/build.mjs ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  };
  if (!existsSync(path.join(root, 'dist', 'extension.js')) || !existsSync(path.join(root, 'dist', 'server.js'))) build();
  build('--vscode');
}

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  timedOut: boolean;
  /** Processes of the run still alive after it ended, which were then killed (should be 0). */
  leftovers: number;
}

/**
 * Runs `node script args` in its own process group with IBGU_VSCODE_RUN_ROOT set to a fresh folder, under
 * which the runner puts everything it creates. On timeout or abort: SIGTERM to the group (the runner cleans
 * up), SIGKILL after a grace period. Afterwards anything still carrying the run's marker is killed and the
 * folder deleted, so nothing outlives the call whatever happened.
 */
export async function runHarnessChild(
  script: string,
  args: string[],
  options: { cwd: string; timeoutMs: number; signal?: AbortSignal; echo?: boolean },
): Promise<ChildRun> {
  const runRoot = mkdtempSync(path.join(tmpdir(), 'ibgu-vsc-'));
  const env: NodeJS.ProcessEnv = { ...process.env, IBGU_VSCODE_RUN_ROOT: runRoot };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, [script, ...args], { cwd: options.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (options.echo) process.stderr.write(chunk);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  let timedOut = false;
  let escalation: NodeJS.Timeout | undefined;
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    escalation = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 20_000);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    output += `\n[harness] no result after ${options.timeoutMs / 1000} s: stopping the run\n`;
    stop();
  }, options.timeoutMs);
  options.signal?.addEventListener('abort', stop, { once: true });

  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.once('error', (error) => {
      output += `\n[harness] could not start ${script}: ${error.message}\n`;
      resolve([null, null]);
    });
    child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });
  clearTimeout(timer);
  clearTimeout(escalation);
  options.signal?.removeEventListener('abort', stop);
  const leftovers = await killOwnedProcesses(runRoot);
  removeDir(runRoot);
  return { code, signal, output, timedOut, leftovers };
}

/** The last lines of a run's output, for an assertion message. */
export function tail(output: string, lines = 150): string {
  return output.trimEnd().split('\n').slice(-lines).join('\n');
}
