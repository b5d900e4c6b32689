import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Every process we start (code-server, chromium and whatever they spawn) carries this variable with its run
 * folder as the value. Processes that left their group (or whose parent died) are found by it in /proc and
 * killed by pid, so a run never leaves anything behind.
 */
export const OWNER_VAR = 'IBGU_VSCODE_OWNER';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isZombie(pid: number): boolean {
  try {
    // "pid (comm) S …": the state follows the last parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone
  }
}

/** SIGTERM to a process group we created (spawned with detached: true), then SIGKILL after the grace period. */
export async function stopGroup(pgid: number | undefined, graceMs = 5000): Promise<void> {
  if (!pgid) return;
  signalGroup(pgid, 'SIGTERM');
  for (const deadline = Date.now() + graceMs; Date.now() < deadline; await sleep(100)) {
    if (!alive(pgid) || isZombie(pgid)) break;
  }
  signalGroup(pgid, 'SIGKILL');
}

/** Pids of live processes whose environment has OWNER_VAR set to `owner` or to a path inside it. */
export function ownedProcesses(owner: string): number[] {
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found; // no procfs: nothing we can do
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue; // gone, or not ours to read
    }
    for (const assignment of environ.split('\0')) {
      if (!assignment.startsWith(`${OWNER_VAR}=`)) continue;
      const value = assignment.slice(OWNER_VAR.length + 1);
      if ((value === owner || value.startsWith(`${owner}/`)) && !isZombie(pid)) found.push(pid);
      break;
    }
  }
  return found;
}

/** SIGKILLs every process owned by `owner` (see OWNER_VAR); returns how many there were. */
export async function killOwnedProcesses(owner: string): Promise<number> {
  let killed = 0;
  for (let round = 0; round < 5; round++) {
    const pids = ownedProcesses(owner);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        killed++;
      } catch {
        // already gone
      }
    }
    await sleep(200);
  }
  return killed;
}

export function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  } catch (error) {
    process.stderr.write(`could not remove ${dir}: ${(error as Error).message}\n`);
  }
}
