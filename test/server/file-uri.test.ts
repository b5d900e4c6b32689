import { test } from 'node:test';
import assert from 'node:assert/strict';
import { URI } from 'vscode-uri';
import { fileUri } from '../../src/server/file-uri';
import { rng } from '../../bench/gitops-tree';

/** Paths with every printable ASCII character, spaces, percent signs, non-ASCII letters and astral characters. */
function paths(count: number, seed: number): string[] {
  const random = rng(seed);
  const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
  const alphabet = [...ascii, '/', '/', '\\', 'é', 'ß', '日本', 'Ω', '😀', '\u00a0', '\u2028', '%20', '%'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = 1 + Math.floor(random() * 24);
    let p = '';
    for (let j = 0; j < length; j++) p += alphabet[Math.floor(random() * alphabet.length)];
    out.push(p, `/${p}`, `//${p}`, `/C:/${p}`, `c:/${p}`, `Z:\\${p}`, `\\\\Host@SSL:8080\\${p}`, `//Us:er@HOST:1/${p}`);
  }
  return out;
}

/**
 * vscode-uri's spelling of a path, or undefined for the paths it refuses (no host and a path that begins with `//`,
 * e.g. `///x`: never what the store's folder walk produces, whose paths are joined and absolute).
 */
function theirs(p: string): string | undefined {
  try {
    return URI.file(p).toString();
  } catch (error) {
    assert.match(String(error), /cannot begin with two slash/);
    return undefined;
  }
}

/** Compares on every path vscode-uri takes; most of them must be taken. */
function compare(list: string[], ours: (p: string) => string, reference: (p: string) => string | undefined): void {
  let compared = 0;
  for (const p of list) {
    const expected = reference(p);
    if (expected === undefined) continue;
    compared++;
    assert.equal(ours(p), expected, JSON.stringify(p));
  }
  assert.ok(compared > list.length * 0.9, `${compared} of ${list.length} compared`);
}

const special = ['/', '', '//', '//host', '//host/', '/home/me/cm@site.yaml', '/a b/c#d?e.yaml', "/x/!'()*[]:;=+,$&.yaml", '/C:', 'C:', '/c:/x', '/ä/日本/😀.yaml'];

test('fileUri spells a path as vscode-uri does (the URIs VS Code sends)', { skip: process.platform === 'win32' && 'vscode-uri reads this platform as Windows' }, () => {
  compare([...special, ...paths(2_000, 1)], (p) => fileUri(p, false), theirs);
});

test('fileUri on Windows: backslashes are separators, drive letters lower-cased, UNC hosts are the authority', { skip: process.platform === 'win32' && 'compared through the POSIX reading of vscode-uri' }, () => {
  // vscode-uri on Windows turns backslashes into slashes first; the rest is the same on every platform.
  compare([...special, ...paths(2_000, 2)], (p) => fileUri(p, true), (p) => theirs(p.replace(/\\/g, '/')));
  assert.equal(fileUri('C:\\Users\\me\\ztp\\ibgu.yaml', true), 'file:///c%3A/Users/me/ztp/ibgu.yaml');
  assert.equal(fileUri('\\\\Server\\share\\a b.yaml', true), 'file://server/share/a%20b.yaml');
});
