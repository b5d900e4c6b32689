/**
 * The temporary kubeconfig files of must-gather runs: private, one directory per run, removed with the run
 * or with the extension, and swept at start when an extension host died holding them, without ever taking
 * a live window's, another user's, or anything that is not such a directory.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { KUBECONFIG_DIR_PREFIX, KubeconfigFiles, processAlive, STALE_AFTER_MS, sweepStaleKubeconfigDirs } from '../../src/extension/kubeconfig-files';

const scratch = mkdtempSync(path.join(tmpdir(), 'ibgu-kubeconfig-files-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
const freshRoot = () => {
  const root = path.join(scratch, `root-${++n}`);
  mkdirSync(root);
  return root;
};

describe('KubeconfigFiles', () => {
  test('each run gets its own directory (0700) and file (0600); remove() takes the directory', () => {
    const files = new KubeconfigFiles(freshRoot());
    const a = files.create('{"a":1}');
    const b = files.create('{"b":2}');
    assert.notEqual(a.dir, b.dir);
    assert.ok(path.basename(a.dir).startsWith(`${KUBECONFIG_DIR_PREFIX}${process.pid}-`), a.dir);
    assert.equal(readFileSync(a.file, 'utf8'), '{"a":1}');
    assert.equal(statSync(a.file).mode & 0o777, 0o600);
    assert.equal(statSync(a.dir).mode & 0o777, 0o700);
    assert.deepEqual([...files.held].sort(), [a.dir, b.dir].sort());
    a.remove();
    a.remove();
    assert.equal(existsSync(a.dir), false);
    assert.equal(readFileSync(b.file, 'utf8'), '{"b":2}', 'removing one run took another run\'s file');
    assert.deepEqual(files.held, [b.dir]);
  });

  test('dispose (the extension deactivated) removes every directory still held', () => {
    const files = new KubeconfigFiles(freshRoot());
    const runs = [files.create('x'), files.create('y')];
    files.dispose();
    for (const r of runs) assert.equal(existsSync(r.dir), false);
    assert.deepEqual(files.held, []);
  });
});

describe('sweepStaleKubeconfigDirs', () => {
  const DEAD = 999_999_991;
  const LIVE = 999_999_992;
  const alive = (pid: number) => pid === LIVE;
  const now = Date.now();
  const dayAndMore = (STALE_AFTER_MS + 60_000) / 1000;

  function dir(root: string, name: string, ageSeconds = 0): string {
    const d = path.join(root, name);
    mkdirSync(d);
    writeFileSync(path.join(d, 'kubeconfig'), 'secret', { mode: 0o600 });
    const t = now / 1000 - ageSeconds;
    utimesSync(d, t, t);
    return d;
  }

  test('takes the directories of processes that are gone and those older than a day; keeps the rest', async () => {
    const root = freshRoot();
    const orphan = dir(root, `${KUBECONFIG_DIR_PREFIX}${DEAD}-aaaaaa`);
    const live = dir(root, `${KUBECONFIG_DIR_PREFIX}${LIVE}-bbbbbb`);
    const liveButOld = dir(root, `${KUBECONFIG_DIR_PREFIX}${LIVE}-cccccc`, dayAndMore);
    const mine = dir(root, `${KUBECONFIG_DIR_PREFIX}${process.pid}-dddddd`);
    const legacy = dir(root, `${KUBECONFIG_DIR_PREFIX}eeeeee`);
    const legacyOld = dir(root, `${KUBECONFIG_DIR_PREFIX}ffffff`, dayAndMore);
    const unrelated = dir(root, 'ibgu-sandbox-gggggg', dayAndMore);
    const removed = await sweepStaleKubeconfigDirs({ root, now, alive });
    assert.deepEqual(removed.sort(), [orphan, liveButOld, legacyOld].sort());
    for (const d of removed) assert.equal(existsSync(d), false);
    for (const d of [live, mine, legacy, unrelated]) assert.ok(existsSync(path.join(d, 'kubeconfig')), `${d} was taken`);
  });

  test('never follows a symlink, removes a file, or takes another user\'s directory', async () => {
    const root = freshRoot();
    const target = dir(root, 'target', dayAndMore);
    symlinkSync(target, path.join(root, `${KUBECONFIG_DIR_PREFIX}${DEAD}-link`));
    writeFileSync(path.join(root, `${KUBECONFIG_DIR_PREFIX}${DEAD}-file`), 'x');
    const other = dir(root, `${KUBECONFIG_DIR_PREFIX}${DEAD}-other`, dayAndMore);
    const uid = statSync(other).uid + 1;
    assert.deepEqual(await sweepStaleKubeconfigDirs({ root, now, alive, uid }), []);
    assert.ok(existsSync(path.join(target, 'kubeconfig')));
    assert.ok(existsSync(path.join(root, `${KUBECONFIG_DIR_PREFIX}${DEAD}-file`)));
    assert.ok(existsSync(other));
    // The same directory is taken when it is this user's.
    assert.deepEqual(await sweepStaleKubeconfigDirs({ root, now, alive }), [other]);
    assert.ok(existsSync(path.join(target, 'kubeconfig')), 'the symlink was followed');
  });

  test('a root that cannot be read sweeps nothing', async () => {
    assert.deepEqual(await sweepStaleKubeconfigDirs({ root: path.join(scratch, 'missing') }), []);
  });
});

describe('processAlive', () => {
  test('this process is alive; a child that has exited is not', async () => {
    assert.equal(processAlive(process.pid), true);
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    const pid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    assert.equal(processAlive(pid), false);
  });
});
