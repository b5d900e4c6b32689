import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { BINARY_FILE, isBinary } from '../core/text/binary';

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
const YAML_FILE = /\.ya?ml$/i;
const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

export interface InputFile {
  path: string;
  text?: string;
  /** Why the file could not be linted: reported as a finding on the file. */
  problem?: string;
}

export interface Collected {
  files: InputFile[];
  /** Arguments that name nothing, or that cannot be read at all: usage and I/O errors (exit 2). */
  ioErrors: string[];
}

/** Turns a glob (`*`, `?`, `**`) into a regular expression over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const hasGlob = (s: string) => /[*?]/.test(s);

async function walk(dir: string, out: string[], seen: Set<string>): Promise<void> {
  const real = await fs.realpath(dir);
  if (seen.has(real)) return;
  seen.add(real);
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const stat = await fs.stat(full).catch(() => undefined);
      isDir = !!stat?.isDirectory();
      isFile = !!stat?.isFile();
    }
    if (isDir && !SKIP_DIRS.has(entry.name)) await walk(full, out, seen);
    else if (isFile && YAML_FILE.test(entry.name)) out.push(full);
  }
}

/** Decodes a file as UTF-8 text, or says why it is not a text file. */
export function decodeText(bytes: Uint8Array, maxBytes: number): { text?: string; problem?: string } {
  if (bytes.length > maxBytes) return { problem: `file is ${bytes.length.toLocaleString('en-US')} bytes, over the ${maxBytes.toLocaleString('en-US')}-byte limit (--max-bytes); not linted` };
  if (isBinary(bytes)) return { problem: `${BINARY_FILE}; not linted` };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { problem: 'not valid UTF-8 text; not linted' };
  }
}

/** Expands files, directories and globs into the YAML files to lint, in a stable order. */
export async function collect(args: string[], maxBytes: number, readStdin: () => Promise<Uint8Array>): Promise<Collected> {
  const names: string[] = [];
  const ioErrors: string[] = [];
  const files: InputFile[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    if (arg === '-') {
      files.push({ path: '<stdin>', ...decodeText(await readStdin(), maxBytes) });
      continue;
    }
    if (hasGlob(arg)) {
      const firstGlob = arg.search(/[*?]/);
      const base = arg.slice(0, arg.lastIndexOf('/', firstGlob) + 1) || '.';
      const all: string[] = [];
      await walk(base, all, new Set()).catch(() => undefined);
      const re = globToRegExp(path.posix.normalize(arg));
      const matched = all.filter((f) => re.test(path.posix.normalize(f.split(path.sep).join('/'))));
      if (matched.length === 0) ioErrors.push(`${arg}: no file matches`);
      names.push(...matched);
      continue;
    }
    const stat = await fs.stat(arg).catch((e: NodeJS.ErrnoException) => e);
    if (stat instanceof Error) {
      ioErrors.push(`${arg}: ${stat.code === 'ENOENT' ? 'no such file or directory' : stat.message}`);
    } else if (stat.isDirectory()) {
      await walk(arg, names, seen).catch((e: Error) => ioErrors.push(`${arg}: ${e.message}`));
    } else {
      names.push(arg);
    }
  }
  const unique = [...new Set(names)];
  for (const name of unique) {
    try {
      files.push({ path: name, ...decodeText(await fs.readFile(name), maxBytes) });
    } catch (e) {
      ioErrors.push(`${name}: ${(e as Error).message}`);
    }
  }
  return { files, ioErrors };
}
