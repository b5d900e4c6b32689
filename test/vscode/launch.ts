/**
 * Runs the mocha suite (dist-vscode/suite) inside VS Code the standard way, through @vscode/test-electron's
 * runTests, with code-server standing in for the VS Code executable (runner/code-server-test-shim), so nothing
 * is downloaded. The suite gets a scratch copy of test/vscode/workspace: its edits never touch the fixtures.
 * Exit status: 0 passed, otherwise the runner's (1 failed, 2 broken run, 3 no toolchain).
 */
import { runTests, TestRunFailedError } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { removeDir } from './runner/processes';
import { projectRoot } from './runner/toolchain';

async function main(): Promise<number> {
  // A stop signal reaches the whole process group: the runner then cleans up and exits, runTests settles,
  // and the scratch workspace is removed below. Dying here first would leave it behind.
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.on(signal, () => process.stderr.write(`[launch] ${signal}: waiting for the runner to stop\n`));
  const root = projectRoot();
  const shim = path.join(root, 'test', 'vscode', 'runner', 'code-server-test-shim');
  try {
    accessSync(shim, constants.X_OK);
  } catch {
    chmodSync(shim, 0o755); // a checkout or copy that lost the executable bit; test-electron execs the file
  }
  const main = await session(root, shim, 'main');
  // Red Hat's YAML extension cannot be installed offline: a stand-in with its contributor API takes its place,
  // installed from a .vsix (a second development extension would not be loaded by code-server).
  const scratch = mkdtempSync(path.join(process.env.IBGU_VSCODE_RUN_ROOT ?? tmpdir(), 'yaml-standin-'));
  try {
    const vsix = path.join(scratch, 'yaml-standin.vsix');
    const vsce = spawnSync(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix], {
      cwd: path.join(root, 'test', 'vscode', 'yaml-standin'),
      encoding: 'utf8',
    });
    if (vsce.status !== 0) throw new Error(`vsce package of the YAML stand-in failed:\n${vsce.stdout}${vsce.stderr}`);
    const withYaml = await session(root, shim, 'yaml-extension', { IBGU_VSCODE_VSIXES: vsix });
    return main || withYaml;
  } finally {
    removeDir(scratch);
  }
}

async function session(root: string, shim: string, suites: string, env: Record<string, string> = {}): Promise<number> {
  const workspace = mkdtempSync(path.join(process.env.IBGU_VSCODE_RUN_ROOT ?? tmpdir(), 'ws-'));
  cpSync(path.join(root, 'test', 'vscode', 'workspace'), workspace, { recursive: true });
  try {
    return await runTests({
      vscodeExecutablePath: shim,
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'dist-vscode', 'suite', 'index.js'),
      extensionTestsEnv: { IBGU_SUITES: suites, ...env },
      launchArgs: [workspace],
    });
  } catch (error) {
    if (error instanceof TestRunFailedError) return error.code ?? 1;
    throw error;
  } finally {
    removeDir(workspace);
  }
}

void main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(2);
  },
);
