/**
 * The private temporary kubeconfig files a program run for the user (oc adm must-gather) reads a cluster's
 * credentials from: each run gets a directory of its own, readable by this user only, and none may outlive
 * VS Code. A run's directory goes when its task ends; every directory still held goes when the extension is
 * deactivated; and one left by an extension host that died without deactivating (killed, crashed, power
 * lost) is swept at the next start. A directory's name records the process that made it, so a sweep never
 * takes one from a live VS Code window: it takes those whose process is gone, and any older than a day
 * (a process id can be reused; no must-gather runs that long).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { lstat, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const KUBECONFIG_DIR_PREFIX = 'ibgu-must-gather-';
/** A directory this old is stale whoever made it. */
export const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/** One run's kubeconfig file, and the removal of its directory (safe to call twice). */
export interface KubeconfigFile {
  file: string;
  dir: string;
  remove(): void;
}

/** The kubeconfig files of this extension host's runs still going, all removed on dispose. */
export class KubeconfigFiles {
  private readonly live = new Set<string>();

  constructor(private readonly root: string = tmpdir()) {}

  /** Writes `text` to `kubeconfig` in a fresh directory (mode 0700) as a file only this user can read (0600). */
  create(text: string): KubeconfigFile {
    const dir = mkdtempSync(path.join(this.root, `${KUBECONFIG_DIR_PREFIX}${process.pid}-`));
    this.live.add(dir);
    const file = path.join(dir, 'kubeconfig');
    try {
      // 'wx': a fresh file, never one already there.
      writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      this.removeDir(dir);
      throw error;
    }
    return { file, dir, remove: () => this.removeDir(dir) };
  }

  /** The directories of runs still going. */
  get held(): readonly string[] {
    return [...this.live];
  }

  private removeDir(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
    this.live.delete(dir);
  }

  dispose(): void {
    for (const dir of [...this.live]) {
      try {
        this.removeDir(dir);
      } catch {
        // Going on with the others; a directory left here is swept at the next start.
      }
    }
  }
}

/** Whether a process with this id exists (EPERM: it does, as another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface SweepOptions {
  root?: string;
  now?: number;
  alive?: (pid: number) => boolean;
  /** The owner whose directories may be removed; default this process's user (none on Windows: every one). */
  uid?: number;
}

/**
 * Removes the kubeconfig directories other extension hosts of this user left behind: those whose process is
 * gone, and those older than STALE_AFTER_MS. Never a younger one of this process, another user's, a symlink or
 * a file.
 * Returns the directories removed; failures (another window sweeping too) are skipped.
 */
export async function sweepStaleKubeconfigDirs(options: SweepOptions = {}): Promise<string[]> {
  const root = options.root ?? tmpdir();
  const now = options.now ?? Date.now();
  const alive = options.alive ?? processAlive;
  const uid = options.uid ?? process.getuid?.();
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(KUBECONFIG_DIR_PREFIX)) continue;
    const dir = path.join(root, name);
    try {
      const stat = await lstat(dir);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
      // Named `<prefix><pid>-<random>`; older versions wrote `<prefix><random>`, with no process to ask.
      const pid = /^(\d+)-/.exec(name.slice(KUBECONFIG_DIR_PREFIX.length))?.[1];
      const stale = now - stat.mtimeMs > STALE_AFTER_MS;
      const orphaned = pid !== undefined && Number(pid) !== process.pid && !alive(Number(pid));
      if (!stale && !orphaned) continue;
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return removed;
}
