import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** The repository root, found from the compiled test's location (dist-test/…) or the source's. */
export function repoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'test', 'fixtures'))) return dir;
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error(`project root not found above ${__dirname} or ${process.cwd()}`);
}

export const fixturesDir = () => path.join(repoRoot(), 'test', 'fixtures');

export function listDirs(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => statSync(path.join(dir, n)).isDirectory()).sort() : [];
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}
