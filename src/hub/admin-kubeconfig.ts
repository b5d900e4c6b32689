/**
 * A managed cluster's admin kubeconfig, read from a Secret on the hub, reduced to what ZTP writes there and
 * nothing else. Whoever can write that Secret must not get to run a command (`exec`, `auth-provider`), read
 * a file (`tokenFile`, `client-certificate`, `certificate-authority`, ...), turn off the server check or
 * route the connection through a proxy on the machine of every operator who uses it. So the text is parsed
 * here (bounded, no aliases), every field is either accepted, ignored as inert, or refused by name, and the
 * client-node KubeConfig and the kubeconfig written for `oc` are built from the accepted fields alone.
 *
 * What ZTP stores: assisted-service's ClusterDeploymentsReconciler.updateKubeConfigSecret (and
 * ensureKubeConfigNoIngressSecret) puts the installer's admin kubeconfig as the `kubeconfig` key of
 * `<cluster>-admin-kubeconfig` (openshift/assisted-service, internal/controller/controllers/
 * clusterdeployments_controller.go), only ever rewriting certificate-authority-data in it
 * (mergeIngressCaIntoKubeconfig, internal/bminventory/inventory.go). The installer writes one cluster with
 * `server` and `certificate-authority-data`, one user with `client-certificate-data` and `client-key-data`,
 * one context naming both, and `current-context` (openshift/installer, pkg/asset/kubeconfig/kubeconfig.go).
 * An inline `token` is accepted too: some tools store a service-account token instead of a certificate.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { HubError } from './errors';

/** What is kept of an admin kubeconfig: the API server, the CA to check it with, and one inline credential. */
export interface AdminKubeconfig {
  server: string;
  /** Base64 PEM, as in the Secret; absent: the system's CAs. */
  caData?: string;
  credential: { token: string } | { certData: string; keyData: string };
}

/** One refused or wrong field: where (e.g. `users[0].user.exec`) and why, never its value. */
export interface KubeconfigProblem {
  path: string;
  why: string;
}

/** A kubeconfig from a cluster that is not used: every problem found, each naming its field. */
export class AdminKubeconfigRefused extends HubError {
  constructor(readonly problems: KubeconfigProblem[], what: string) {
    super('invalid', `${what} was not used: ${problems.map((p) => `${p.path} ${p.why}`).join('; ')}. ${ONLY}`);
  }
}

const ONLY =
  'A ZTP admin kubeconfig holds only the API server, its certificate-authority-data and a client certificate and key (or a token) written inline. ' +
  'If you trust this cluster, map a context of your own kubeconfig to it instead (ibgu.spoke.contexts).';

/** Kubernetes keeps Secrets under 1 MiB; a real admin kubeconfig is a few KB. Larger text is not parsed. */
export const MAX_ADMIN_KUBECONFIG_BYTES = 1024 * 1024;
const MAX_TOKEN_CHARS = 16 * 1024;
const MAX_SERVER_CHARS = 2048;

/** Why each field that reaches outside the connection to the server is refused. */
const REFUSED: Record<'cluster' | 'user', Record<string, string>> = {
  cluster: {
    'certificate-authority': 'would read a CA file on this computer',
    'insecure-skip-tls-verify': 'would turn off the check of the server certificate',
    'proxy-url': 'would send the connection through a proxy chosen by the Secret',
    // ZTP never writes it; with it the certificate is checked against a name other than the server's.
    'tls-server-name': 'would check the server certificate against another name than the server URL (ZTP never writes it)',
  },
  user: {
    exec: 'would run a command on this computer',
    'auth-provider': 'would run a credential plugin on this computer (one reads files its config names)',
    tokenFile: 'would read a file on this computer and send it as the token',
    'token-file': 'would read a file on this computer and send it as the token',
    'client-certificate': 'would read a certificate file on this computer',
    'client-key': 'would read a key file on this computer',
    username: 'is basic authentication, which OpenShift API servers do not accept and ZTP never writes',
    password: 'is basic authentication, which OpenShift API servers do not accept and ZTP never writes',
    as: 'would impersonate another user',
    'as-uid': 'would impersonate another user',
    'as-groups': 'would impersonate groups',
    'as-user-extra': 'would impersonate another user',
  },
};

/** Why `key` of a cluster or user is refused, when it is one of the known dangerous fields (own keys only: the Secret may say `constructor`). */
function refusal(part: 'cluster' | 'user', key: string): string | undefined {
  return Object.hasOwn(REFUSED[part], key) ? REFUSED[part][key] : undefined;
}

/** Fields read from each part; `ignored` ones are inert metadata (kubectl writes `preferences: {}`). */
const FIELDS = {
  top: { used: ['clusters', 'users', 'contexts', 'current-context', 'apiVersion', 'kind'], ignored: ['preferences', 'extensions'] },
  cluster: { used: ['server', 'certificate-authority-data', 'insecure-skip-tls-verify'], ignored: ['extensions'] },
  user: { used: ['token', 'client-certificate-data', 'client-key-data'], ignored: ['extensions'] },
  context: { used: ['cluster', 'user'], ignored: ['namespace', 'extensions'] },
} as const;

type Part = keyof typeof FIELDS;
type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The admin kubeconfig in `text` reduced to its server, CA and credential, or AdminKubeconfigRefused naming
 * every field that is refused or wrong. `what` starts the message (e.g. "The admin kubeconfig of sno-0001").
 */
export function reduceAdminKubeconfig(text: string, what: string): AdminKubeconfig {
  const doc = parseBounded(text, what);
  const problems: KubeconfigProblem[] = [];
  const refuse = (path: string, why: string) => problems.push({ path, why });
  if (!isDict(doc)) throw new AdminKubeconfigRefused([{ path: 'the text', why: 'is not a kubeconfig (its top level is not a mapping)' }], what);
  checkFields(doc, 'top', '', refuse);
  if (doc.apiVersion !== undefined && doc.apiVersion !== 'v1') refuse('apiVersion', 'is not v1');
  if (doc.kind !== undefined && doc.kind !== 'Config') refuse('kind', 'is not Config');

  const clusters = entries(doc, 'clusters', 'cluster', refuse);
  const users = entries(doc, 'users', 'user', refuse);
  const contexts = entries(doc, 'contexts', 'context', refuse);
  const checked = {
    clusters: new Map([...clusters].map(([name, e]) => [name, checkCluster(e.body, e.path, refuse)])),
    users: new Map([...users].map(([name, e]) => [name, checkUser(e.body, e.path, refuse)])),
  };
  for (const e of contexts.values()) checkFields(e.body, 'context', e.path, refuse);

  const currentName = doc['current-context'];
  let result: AdminKubeconfig | undefined;
  if (typeof currentName !== 'string' || !currentName) refuse('current-context', 'is missing');
  else if (!contexts.has(currentName)) refuse('current-context', 'names no context of the kubeconfig');
  else {
    const ctx = contexts.get(currentName)!;
    const clusterName = ctx.body.cluster;
    const userName = ctx.body.user;
    const cluster = typeof clusterName === 'string' ? checked.clusters.get(clusterName) : undefined;
    const user = typeof userName === 'string' ? checked.users.get(userName) : undefined;
    if (!clusters.has(String(clusterName))) refuse(`${ctx.path}.cluster`, 'names no cluster of the kubeconfig');
    if (!users.has(String(userName))) refuse(`${ctx.path}.user`, 'names no user of the kubeconfig');
    if (cluster && user) result = { ...cluster, credential: user };
  }
  if (problems.length || !result) throw new AdminKubeconfigRefused(problems.length ? problems : [{ path: 'current-context', why: 'leads to no usable cluster and user' }], what);
  return result;
}

/** YAML parsed with bounds: size, no aliases (no writer of this Secret uses them), no merge keys, no quoting of the text. */
function parseBounded(text: string, what: string): unknown {
  const refused = (why: string) => new AdminKubeconfigRefused([{ path: 'the text', why }], what);
  if (Buffer.byteLength(text, 'utf8') > MAX_ADMIN_KUBECONFIG_BYTES) throw refused(`is larger than the ${MAX_ADMIN_KUBECONFIG_BYTES / 1024} KB a Secret can hold`);
  try {
    return parse(text, { maxAliasCount: 0, merge: false, uniqueKeys: true, prettyErrors: false, logLevel: 'error' });
  } catch (error) {
    if (error instanceof ReferenceError) throw refused('uses YAML aliases, which a kubeconfig written by ZTP never has (not expanded)');
    // yaml's messages quote the offending line, which may hold a credential: only the line number and code.
    const e = error as { code?: unknown; pos?: [number, number] };
    const line = typeof e.pos?.[0] === 'number' ? ` at line ${text.slice(0, e.pos[0]).split('\n').length}` : '';
    const code = typeof e.code === 'string' ? ` (${e.code})` : '';
    throw refused(`is not valid YAML${line}${code}`);
  }
}

/** Refuses every field of `body` that is neither used nor ignored in `part`, with the reason when one is known. */
function checkFields(body: Dict, part: Part, path: string, refuse: (path: string, why: string) => void): void {
  const { used, ignored } = FIELDS[part];
  for (const key of Object.keys(body)) {
    if ((used as readonly string[]).includes(key) || (ignored as readonly string[]).includes(key)) continue;
    const known = part === 'cluster' || part === 'user' ? refusal(part, key) : undefined;
    refuse(path ? `${path}.${fieldName(key)}` : fieldName(key), known ?? 'is not a field of a ZTP admin kubeconfig');
  }
}

/** A key from the Secret as it may appear in a message: field-like names as they are, anything else not quoted. */
function fieldName(key: string): string {
  return /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(key) ? key : '(a field with an unusual name)';
}

/** The named entries of a list (`clusters`, ...), each with its path for messages; duplicates and malformed items refused. */
function entries(doc: Dict, list: 'clusters' | 'users' | 'contexts', field: 'cluster' | 'user' | 'context', refuse: (path: string, why: string) => void): Map<string, { body: Dict; path: string }> {
  const found = new Map<string, { body: Dict; path: string }>();
  const items = doc[list];
  if (items === undefined || items === null) return found;
  if (!Array.isArray(items)) {
    refuse(list, 'is not a list');
    return found;
  }
  items.forEach((item, i) => {
    const at = `${list}[${i}]`;
    if (!isDict(item) || typeof item.name !== 'string' || !item.name) return refuse(at, 'has no name');
    for (const key of Object.keys(item)) if (key !== 'name' && key !== field) refuse(`${at}.${fieldName(key)}`, 'is not a field of a ZTP admin kubeconfig');
    if (!isDict(item[field])) return refuse(`${at}.${field}`, 'is missing or not a mapping');
    if (found.has(item.name)) return refuse(at, `has the same name as an earlier entry of ${list}`);
    found.set(item.name, { body: item[field] as Dict, path: `${at}.${field}` });
  });
  return found;
}

const BASE64 = /^[A-Za-z0-9+/\r\n]+={0,2}\s*$/;

/** The PEM text of a base64 field when it decodes to the block `label` says; undefined otherwise. */
function pem(value: unknown, label: RegExp): string | undefined {
  if (typeof value !== 'string' || !BASE64.test(value)) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return label.test(decoded) ? decoded : undefined;
}

function checkCluster(body: Dict, path: string, refuse: (path: string, why: string) => void): Omit<AdminKubeconfig, 'credential'> | undefined {
  checkFields(body, 'cluster', path, refuse);
  // `false` is the default and changes nothing; only `true` is refused.
  if (body['insecure-skip-tls-verify'] !== undefined && body['insecure-skip-tls-verify'] !== false) refuse(`${path}.insecure-skip-tls-verify`, REFUSED.cluster['insecure-skip-tls-verify']!);
  const server = serverUrl(body.server);
  if (typeof server !== 'string') refuse(`${path}.server`, server.why);
  const caData = body['certificate-authority-data'];
  if (caData !== undefined && !pem(caData, /-----BEGIN CERTIFICATE-----/)) refuse(`${path}.certificate-authority-data`, 'is not base64 of PEM certificates');
  if (typeof server !== 'string') return undefined;
  return { server, ...(typeof caData === 'string' ? { caData: caData.replace(/\s+/g, '') } : {}) };
}

/** The server URL when it is one this client may connect to: https, no credentials, query or fragment in it. */
function serverUrl(value: unknown): string | { why: string } {
  if (typeof value !== 'string' || !value) return { why: 'is missing' };
  if (value.length > MAX_SERVER_CHARS) return { why: `is longer than ${MAX_SERVER_CHARS} characters` };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { why: 'is not a URL' };
  }
  if (url.protocol !== 'https:') return { why: 'is not an https:// URL' };
  if (url.username || url.password) return { why: 'has credentials in the URL' };
  if (url.search || url.hash) return { why: 'has a query or fragment' };
  return value.replace(/\/+$/, '');
}

function checkUser(body: Dict, path: string, refuse: (path: string, why: string) => void): AdminKubeconfig['credential'] | undefined {
  checkFields(body, 'user', path, refuse);
  const { token } = body;
  const cert = body['client-certificate-data'];
  const key = body['client-key-data'];
  if (token !== undefined && (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token) || token.length > MAX_TOKEN_CHARS)) refuse(`${path}.token`, 'is not a bearer token (one line of visible ASCII characters)');
  if (cert !== undefined && !pem(cert, /-----BEGIN CERTIFICATE-----/)) refuse(`${path}.client-certificate-data`, 'is not base64 of a PEM certificate');
  if (key !== undefined && !pem(key, /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/)) refuse(`${path}.client-key-data`, 'is not base64 of a PEM private key');
  if ((cert === undefined) !== (key === undefined)) refuse(path, 'has only one of client-certificate-data and client-key-data');
  else if (token !== undefined && cert !== undefined) refuse(path, 'has both a token and a client certificate; ZTP writes one credential');
  // A refused credential (exec, tokenFile, ...) was named already: "no credential" would only repeat it.
  else if (token === undefined && cert === undefined && !Object.keys(body).some((k) => refusal('user', k))) refuse(path, 'has no credential (a token, or client-certificate-data and client-key-data)');
  if (typeof token === 'string' && cert === undefined) return { token };
  if (typeof cert === 'string' && typeof key === 'string' && token === undefined) return { certData: cert.replace(/\s+/g, ''), keyData: key.replace(/\s+/g, '') };
  return undefined;
}

const NAMES = { cluster: 'cluster', user: 'admin', context: 'admin' };

/** A client-node KubeConfig of the reduced fields only (built, not parsed: nothing else reaches client-node). */
export function adminKubeConfig(admin: AdminKubeconfig): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: NAMES.cluster, server: admin.server, skipTLSVerify: false, ...(admin.caData ? { caData: admin.caData } : {}) }],
    users: [{ name: NAMES.user, ...('token' in admin.credential ? { token: admin.credential.token } : { certData: admin.credential.certData, keyData: admin.credential.keyData }) }],
    contexts: [{ name: NAMES.context, cluster: NAMES.cluster, user: NAMES.user }],
    currentContext: NAMES.context,
  });
  return kc;
}

/** The reduced kubeconfig as text (JSON, which kubectl and oc read as YAML), for a program run on the user's behalf. */
export function adminKubeconfigText(admin: AdminKubeconfig): string {
  const user = 'token' in admin.credential ? { token: admin.credential.token } : { 'client-certificate-data': admin.credential.certData, 'client-key-data': admin.credential.keyData };
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: NAMES.cluster, cluster: { server: admin.server, ...(admin.caData ? { 'certificate-authority-data': admin.caData } : {}) } }],
    users: [{ name: NAMES.user, user }],
    contexts: [{ name: NAMES.context, context: { cluster: NAMES.cluster, user: NAMES.user } }],
    'current-context': NAMES.context,
  });
}
