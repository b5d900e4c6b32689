/**
 * writeKubeconfig puts the sandbox's bearer token only in a file nobody else can read: whatever was at the
 * path before (a 0644 file, a hard link shared with another file, a symlink), no temp file left behind.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeKubeconfig } from '../../src/sandbox/kubeconfig';

const root = mkdtempSync(path.join(tmpdir(), 'ibgu-sandbox-kubeconfig-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
function folder(): string {
  const dir = path.join(root, `case-${++counter}`);
  mkdirSync(dir);
  return dir;
}

const TEXT = 'users:\n- name: sandbox-admin\n  user:\n    token: sbx-secret\n';
const mode = (file: string) => statSync(file).mode & 0o777;

describe('writeKubeconfig', { skip: process.platform === 'win32' ? 'POSIX modes and links' : false }, () => {
  test('a new file is 0600', () => {
    const file = path.join(folder(), 'sub', 'kubeconfig');
    assert.equal(writeKubeconfig(file, TEXT), file);
    assert.equal(readFileSync(file, 'utf8'), TEXT);
    assert.equal(mode(file), 0o600);
  });

  test('an existing world-readable file ends up 0600 with the new text, and no temp file is left', () => {
    const dir = folder();
    const file = path.join(dir, 'kubeconfig');
    writeFileSync(file, 'old', { mode: 0o644 });
    assert.equal(mode(file), 0o644);
    writeKubeconfig(file, TEXT);
    assert.equal(readFileSync(file, 'utf8'), TEXT);
    assert.equal(mode(file), 0o600);
    assert.deepEqual(readdirSync(dir), ['kubeconfig']);
  });

  test('a file hard-linked elsewhere is replaced, not written into: the other name keeps its text', () => {
    const dir = folder();
    const other = path.join(dir, 'shared');
    const file = path.join(dir, 'kubeconfig');
    writeFileSync(other, 'someone else\'s', { mode: 0o644 });
    linkSync(other, file);
    writeKubeconfig(file, TEXT);
    assert.equal(readFileSync(other, 'utf8'), 'someone else\'s');
    assert.equal(readFileSync(file, 'utf8'), TEXT);
    assert.equal(mode(file), 0o600);
  });

  test('a symlink is refused with a clear message; neither the link nor what it points to changes', () => {
    const dir = folder();
    const pointee = path.join(dir, 'elsewhere');
    const file = path.join(dir, 'kubeconfig');
    writeFileSync(pointee, 'untouched', { mode: 0o644 });
    symlinkSync(pointee, file);
    assert.throws(() => writeKubeconfig(file, TEXT), /kubeconfig path .*kubeconfig is a symbolic link/);
    assert.equal(readFileSync(pointee, 'utf8'), 'untouched');
    assert.equal(mode(pointee), 0o644);
    assert.ok(lstatSync(file).isSymbolicLink());
    assert.equal(readlinkSync(file), pointee);
    assert.deepEqual(readdirSync(dir).sort(), ['elsewhere', 'kubeconfig']);
  });

  test('a dangling symlink is refused too (it would create the file where it points)', () => {
    const dir = folder();
    const file = path.join(dir, 'kubeconfig');
    symlinkSync(path.join(dir, 'not-yet'), file);
    assert.throws(() => writeKubeconfig(file, TEXT), /symbolic link/);
    assert.deepEqual(readdirSync(dir), ['kubeconfig']);
  });

  test('a directory at the path is refused', () => {
    const file = path.join(folder(), 'kubeconfig');
    mkdirSync(file);
    assert.throws(() => writeKubeconfig(file, TEXT), /exists and is not a regular file/);
  });

  test('no path: a fresh private temp directory', () => {
    const file = writeKubeconfig(undefined, TEXT);
    try {
      assert.equal(mode(file), 0o600);
      assert.equal(mode(path.dirname(file)), 0o700);
    } finally {
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
