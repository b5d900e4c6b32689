/** The kubeconfig a client needs for the sandbox: our CA, the server URL and a token user. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';

export const CONTEXT_NAME = 'ibgu-sandbox';

/** `names`: the context, cluster and user names (a spoke's admin kubeconfig uses its own). */
export function kubeconfigText(server: string, caPem: string, token: string, names = { context: CONTEXT_NAME, cluster: CONTEXT_NAME, user: 'sandbox-admin' }): string {
  return templateFor(caPem)({ SERVER: server, TOKEN: token, CONTEXT: names.context, CLUSTER: names.cluster, USER: names.user });
}

type Fields = Record<'SERVER' | 'TOKEN' | 'CONTEXT' | 'CLUSTER' | 'USER', string>;
const PLACEHOLDER = /__IBGU_KC_(SERVER|TOKEN|CONTEXT|CLUSTER|USER)__/g;
let lastTemplate: { caPem: string; fill: (fields: Fields) => string } | undefined;

/**
 * The kubeconfig as YAML text with placeholders, rendered once per CA: seeding 3,500 spokes' admin
 * kubeconfigs was a third of the hub's start time when each went through yaml.stringify. Each placeholder
 * is a plain scalar, replaced by the value as a JSON string, which is also a valid double-quoted YAML
 * scalar (JSON escapes are a subset of YAML's), so any value reads back exactly. Base64 has no `_`.
 */
function templateFor(caPem: string): (fields: Fields) => string {
  if (lastTemplate?.caPem === caPem) return lastTemplate.fill;
  const p = (f: keyof Fields) => `__IBGU_KC_${f}__`;
  const text = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: p('CLUSTER'), cluster: { server: p('SERVER'), 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: p('USER'), user: { token: p('TOKEN') } }],
    contexts: [{ name: p('CONTEXT'), context: { cluster: p('CLUSTER'), user: p('USER'), namespace: 'default' } }],
    'current-context': p('CONTEXT'),
    preferences: {},
  });
  const fill = (fields: Fields) => text.replace(PLACEHOLDER, (_m, f: keyof Fields) => JSON.stringify(fields[f]));
  lastTemplate = { caPem, fill };
  return fill;
}

/** Writes the kubeconfig readable by the owner only (it holds a bearer token). Returns the path used. */
export function writeKubeconfig(path: string | undefined, text: string): string {
  const target = path ?? join(mkdtempSync(join(tmpdir(), 'ibgu-sandbox-')), 'kubeconfig');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text, { mode: 0o600 });
  return target;
}
