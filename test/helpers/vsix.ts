/**
 * The .vsix as users get it: `vsce package` of the work tree (what the browser checks install and `npm run
 * package` makes), and the list of files inside it, read from the zip's central directory.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** `vsce package` of the work tree into `outDir`: the bundles carry their dependencies, so node_modules stay out. */
export function packageExtension(root: string, outDir: string): string {
  const vsix = path.join(outDir, 'ibgu-tools.vsix');
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const result = spawnSync(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
  );
  if (result.status !== 0) throw new Error(`vsce package failed (status ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  return vsix;
}

export interface ZipEntry {
  name: string;
  size: number;
  compressedSize: number;
}

/** The entries of a zip file, from its central directory (no extraction). */
export function zipEntries(file: string): ZipEntry[] {
  const zip = readFileSync(file);
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error(`${file} is not a zip file (no end of central directory)`);
  const count = zip.readUInt16LE(end + 10);
  const entries: ZipEntry[] = [];
  for (let at = zip.readUInt32LE(end + 16), i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: central directory entry ${i} is damaged`);
    const nameLength = zip.readUInt16LE(at + 28);
    entries.push({ compressedSize: zip.readUInt32LE(at + 20), size: zip.readUInt32LE(at + 24), name: zip.toString('utf8', at + 46, at + 46 + nameLength) });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}
