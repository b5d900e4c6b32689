/**
 * The pinned kubectl binaries of scripts/kubectl.sh, and ways to run them against a kubeconfig: one command
 * with a timeout, or `kubectl get -w` read line by line until a predicate holds.
 * Children get an argument array (no shell), a private HOME and only the kubeconfig they are given.
 */
import { spawn } from 'node:child_process';
import { test, type TestContext } from 'node:test';
import { repoRoot } from './fixtures';
import { runSetupScript } from './setup-script';

export interface Kubectl {
  /** Upstream version, e.g. "1.32.3". */
  version: string;
  path: string;
}

/** kubectl cannot be set up on this machine (scripts/kubectl.sh ended with status 3). */
export class KubectlUnavailable extends Error {}

const inCi = () => process.env.CI === 'true';

/** Runs the idempotent setup script (instant when the binaries are cached) and returns one entry per pinned version. */
export function setUpKubectl(root = repoRoot()): Kubectl[] {
  const stdout = runSetupScript(root, 'kubectl.sh', 5 * 60_000, KubectlUnavailable);
  const binaries = stdout
    .split('\n')
    .map((line) => line.trim().split(' '))
    .filter((fields) => fields.length === 2 && /^\d+\.\d+\.\d+$/.test(fields[0]))
    .map(([version, bin]) => ({ version, path: bin }));
  if (binaries.length === 0) throw new Error(`scripts/kubectl.sh printed no kubectl: ${JSON.stringify(stdout)}`);
  return binaries;
}

/**
 * The kubectl binaries, or, when they cannot exist here, the reason to skip with (a throw under CI=true,
 * where the kubectl suite is required). Called while the test file loads, before tests are declared.
 */
export function kubectlOrSkipReason(): { binaries: Kubectl[] } | { skip: string } {
  try {
    return { binaries: setUpKubectl() };
  } catch (error) {
    if (!(error instanceof KubectlUnavailable)) throw error;
    if (inCi()) throw new Error(`CI=true requires the kubectl tests, but ${error.message}`);
    return { skip: `skipped, no kubectl here: ${error.message} (with CI=true this fails instead)` };
  }
}

/** Same as kubectlOrSkipReason, for use inside a test: marks it skipped and returns undefined. */
export function kubectlOrSkip(t: TestContext): Kubectl[] | undefined {
  const found = kubectlOrSkipReason();
  if ('skip' in found) {
    t.skip(found.skip);
    return undefined;
  }
  return found.binaries;
}

export interface KubectlEnv {
  kubeconfig: string;
  /** HOME of the child (kubectl writes ~/.kube/cache there unless --cache-dir is given). */
  home: string;
  /** Discovery and HTTP cache folder, passed as --cache-dir. */
  cacheDir?: string;
}

export interface KubectlResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function childEnv(env: KubectlEnv): NodeJS.ProcessEnv {
  // Nothing of the caller's kube setup leaks in: no KUBECONFIG, KUBECTL_* feature gates or proxies.
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: env.home, KUBECONFIG: env.kubeconfig, LANG: 'C', NO_COLOR: '1' };
}

function fullArgs(env: KubectlEnv, args: string[]): string[] {
  return [`--kubeconfig=${env.kubeconfig}`, ...(env.cacheDir ? [`--cache-dir=${env.cacheDir}`] : []), ...args];
}

function kill(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Runs kubectl once; past `timeoutMs` it is killed (SIGTERM, then SIGKILL) and `timedOut` is set. */
export function runKubectl(
  kubectl: Kubectl,
  env: KubectlEnv,
  args: string[],
  options: { stdin?: string; timeoutMs?: number } = {},
): Promise<KubectlResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl.path, fullArgs(env, args), { env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let hardKill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      kill(child.pid, 'SIGTERM');
      hardKill = setTimeout(() => kill(child.pid, 'SIGKILL'), 2000);
    }, timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => {
      clearTimeout(timer);
      clearTimeout(hardKill);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(hardKill);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

export interface WatchResult {
  /** Complete stdout lines seen until the predicate held or the time ran out. */
  lines: string[];
  stderr: string;
  /** The predicate held (false: timed out, or kubectl ended first). */
  matched: boolean;
  /** kubectl's exit code when it ended on its own before being stopped. */
  exitedEarly: number | null | undefined;
}

export interface KubectlWatch {
  /** Resolves once at least `count` lines have been printed (e.g. the initial listing), or when kubectl ends. */
  linesReady(count: number, timeoutMs?: number): Promise<string[]>;
  /** Resolves when the predicate holds over all lines so far, or at the timeout; then kills kubectl by pid. */
  until(predicate: (lines: string[]) => boolean, timeoutMs?: number): Promise<WatchResult>;
  pid: number | undefined;
}

/** Starts a long-running kubectl (`get -w …`): lines are collected until `until()` decides, then the process is killed. */
export function watchKubectl(kubectl: Kubectl, env: KubectlEnv, args: string[]): KubectlWatch {
  const child = spawn(kubectl.path, fullArgs(env, args), { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  let exit: number | null | undefined;
  let closed = false;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((fn) => fn());
  child.stdout.on('data', (d: Buffer) => {
    partial += d.toString('utf8');
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    notify();
  });
  child.stderr.on('data', (d) => (stderr += d));
  child.on('error', (error) => {
    stderr += `spawn error: ${error.message}`;
    closed = true;
    notify();
  });
  child.on('close', (code) => {
    if (partial) lines.push(partial);
    partial = '';
    exit = code;
    closed = true;
    notify();
  });

  const waitFor = (done: () => boolean, timeoutMs: number) =>
    new Promise<boolean>((resolve) => {
      if (done()) return resolve(true);
      const check = () => {
        if (!done()) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        resolve(done());
      }, timeoutMs);
      listeners.add(check);
    });

  const stop = async () => {
    if (closed) return;
    kill(child.pid, 'SIGTERM');
    if (!(await waitFor(() => closed, 3000))) {
      kill(child.pid, 'SIGKILL');
      await waitFor(() => closed, 3000);
    }
  };

  return {
    pid: child.pid,
    async linesReady(count, timeoutMs = 15_000) {
      await waitFor(() => closed || lines.length >= count, timeoutMs);
      return [...lines];
    },
    async until(predicate, timeoutMs = 15_000) {
      const matched = await waitFor(() => predicate(lines) || closed, timeoutMs).then(() => predicate(lines));
      const endedOnItsOwn = closed;
      await stop();
      return { lines: [...lines], stderr, matched, exitedEarly: endedOnItsOwn ? exit : undefined };
    },
  };
}

/**
 * Declares `suite` once per pinned kubectl binary, or one skipped test named `name` with the reason when
 * kubectl cannot exist here (a failure under CI=true, through kubectlOrSkipReason).
 */
export function forEachKubectl(name: string, suite: (kubectl: Kubectl) => void): void {
  const found = kubectlOrSkipReason();
  if ('skip' in found) {
    const reason = found.skip;
    test(name, (t) => {
      t.skip(reason);
    });
  } else {
    for (const kubectl of found.binaries) suite(kubectl);
  }
}
