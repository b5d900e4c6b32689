/** The kubeconfig a client needs for the sandbox: our CA, the server URL and a token user. */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, lstatSync, mkdtempSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';

export const CONTEXT_NAME = 'ibgu-sandbox';

/**
 * The name of the kubeconfig cluster extension in which the sandbox hub says how fast its clock runs (a
 * NamedExtension, as minikube records its cluster info; kubectl keeps extensions it does not know as they
 * are). Its `timeScale` is the wall seconds per simulated minute: the dashboard draws its time axis in TALM
 * minutes with it.
 */
export const SANDBOX_EXTENSION = 'sandbox.ibgu.io';

/**
 * `names`: the context, cluster and user names (a spoke's admin kubeconfig uses its own). `timeScale`: the
 * hub's, recorded in its cluster's SANDBOX_EXTENSION.
 */
export function kubeconfigText(server: string, caPem: string, token: string, names = { context: CONTEXT_NAME, cluster: CONTEXT_NAME, user: 'sandbox-admin' }, timeScale?: number): string {
  return templateFor(caPem, timeScale)({ SERVER: server, TOKEN: token, CONTEXT: names.context, CLUSTER: names.cluster, USER: names.user });
}

type Fields = Record<'SERVER' | 'TOKEN' | 'CONTEXT' | 'CLUSTER' | 'USER', string>;
const PLACEHOLDER = /__IBGU_KC_(SERVER|TOKEN|CONTEXT|CLUSTER|USER)__/g;
let lastTemplate: { caPem: string; timeScale: number | undefined; fill: (fields: Fields) => string } | undefined;

/**
 * The kubeconfig as YAML text with placeholders, rendered once per CA: seeding 3,500 spokes' admin
 * kubeconfigs was a third of the hub's start time when each went through yaml.stringify. Each placeholder
 * is a plain scalar, replaced by the value as a JSON string, which is also a valid double-quoted YAML
 * scalar (JSON escapes are a subset of YAML's), so any value reads back exactly. Base64 has no `_`.
 */
function templateFor(caPem: string, timeScale: number | undefined): (fields: Fields) => string {
  if (lastTemplate?.caPem === caPem && lastTemplate.timeScale === timeScale) return lastTemplate.fill;
  const p = (f: keyof Fields) => `__IBGU_KC_${f}__`;
  const text = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{
      name: p('CLUSTER'),
      cluster: {
        server: p('SERVER'),
        'certificate-authority-data': Buffer.from(caPem).toString('base64'),
        ...(timeScale !== undefined ? { extensions: [{ name: SANDBOX_EXTENSION, extension: { timeScale } }] } : {}),
      },
    }],
    users: [{ name: p('USER'), user: { token: p('TOKEN') } }],
    contexts: [{ name: p('CONTEXT'), context: { cluster: p('CLUSTER'), user: p('USER'), namespace: 'default' } }],
    'current-context': p('CONTEXT'),
    preferences: {},
  });
  const fill = (fields: Fields) => text.replace(PLACEHOLDER, (_m, f: keyof Fields) => JSON.stringify(fields[f]));
  lastTemplate = { caPem, timeScale, fill };
  return fill;
}

/**
 * Writes the kubeconfig readable by the owner only (it holds a bearer token). Returns the path used.
 *
 * The text goes into a new file beside the target, created with O_EXCL and mode 0600 (so it is never a file
 * someone else prepared, and never readable by others), which is then renamed over the target. Writing in
 * place would keep an existing file's mode (a 0644 kubeconfig stayed world-readable with the token in it)
 * and would write through a symlink or into an inode another hard link shares; rename replaces the
 * directory entry itself. A symlink target is refused up front rather than replaced: replacing it would
 * silently cut the user's link, following it would put the token wherever it points.
 */
export function writeKubeconfig(path: string | undefined, text: string): string {
  const target = path ?? join(mkdtempSync(join(tmpdir(), 'ibgu-sandbox-')), 'kubeconfig');
  const dir = dirname(target);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const existing = lstatIfAny(target);
  if (existing?.isSymbolicLink()) {
    throw new Error(`the kubeconfig path ${target} is a symbolic link: the sandbox writes its token only to a file of its own, never through a link; give the path of the file the link points to, or another path`);
  }
  if (existing && !existing.isFile()) throw new Error(`the kubeconfig path ${target} exists and is not a regular file`);
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    try {
      // The umask can only take bits away from 0600, but the mode is stated, not left to it.
      fchmodSync(fd, 0o600);
      writeFileSync(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return target;
}

function lstatIfAny(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
