import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** The exit status by which the project's setup scripts say "cannot be set up on this machine". */
export const UNAVAILABLE_EXIT = 3;

/**
 * Runs one of the project's idempotent setup scripts (scripts/*.sh: instant when its cache is filled) and
 * returns what it printed. Its progress goes to our stderr. Status 3 throws `unavailable` with the script's
 * reason (and what to do about it), so that callers can skip (or fail under CI=true); any other failure throws an Error.
 */
export function runSetupScript(root: string, script: string, timeoutMs: number, unavailable: new (reason: string) => Error, args: string[] = []): string {
  const result = spawnSync('bash', [path.join(root, 'scripts', script), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
  const stderr = result.stderr ?? '';
  if (stderr) process.stderr.write(stderr);
  if (result.status === UNAVAILABLE_EXIT) throw new unavailable(/cannot set up[\s\S]*/.exec(stderr)?.[0].trim() ?? stderr.trim());
  if (result.status !== 0) {
    throw new Error(`scripts/${script} failed (status ${result.status ?? result.signal}): ${stderr.trim().split('\n').slice(-5).join('\n')}`);
  }
  return result.stdout;
}
