import { promises as fs, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
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

/**
 * The walk and the reads below are synchronous: a lint has nothing else to do meanwhile, and with one
 * thread-pool round trip per call (open, stat, read, close for each file) the asynchronous reads of a
 * 14,866-file tree spent most of their time waiting (bench/lint-fleet.bench.ts).
 */
function walk(dir: string, out: string[], seen: Set<string>): void {
  const real = realpathSync.native(dir);
  if (seen.has(real)) return;
  seen.add(real);
  const entries = readdirSync(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      let stat;
      try {
        stat = statSync(full);
      } catch {
        stat = undefined;
      }
      isDir = !!stat?.isDirectory();
      isFile = !!stat?.isFile();
    }
    if (isDir && !SKIP_DIRS.has(entry.name)) walk(full, out, seen);
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
      try {
        walk(base, all, new Set());
      } catch {
        // as before: a glob whose base cannot be read matches nothing
      }
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
      try {
        walk(arg, names, seen);
      } catch (e) {
        ioErrors.push(`${arg}: ${(e as Error).message}`);
      }
    } else {
      names.push(arg);
    }
  }
  const unique = [...new Set(names)];
  for (const name of unique) {
    try {
      files.push({ path: name, ...decodeText(readFileSync(name), maxBytes) });
    } catch (e) {
      ioErrors.push(`${name}: ${(e as Error).message}`);
    }
  }
  return { files, ioErrors };
}
