/**
 * readKubeconfig and kubeconfigFor against kubectl's rules, on kubeconfig files written to a temp folder:
 * the KUBECONFIG list (first file to name an entry wins), missing files, current-context, pinning,
 * relative paths resolved against the defining file, and hostile files reported without their contents.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { kubeconfigFor, readKubeconfig } from '../../src/hub/kubeconfig';

const root = mkdtempSync(path.join(tmpdir(), 'ibgu-kubeconfig-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
/** A fresh folder under the test's temp root. */
function folder(): string {
  const dir = path.join(root, `case-${++counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

interface Doc {
  clusters?: { name: string; cluster: Record<string, unknown> }[];
  users?: { name: string; user: Record<string, unknown> }[];
  contexts?: { name: string; context: Record<string, unknown> }[];
  'current-context'?: string;
}

function write(file: string, doc: Doc | string | Buffer): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof doc === 'string' || Buffer.isBuffer(doc) ? doc : stringify({ apiVersion: 'v1', kind: 'Config', ...doc }));
  return file;
}

/** One context, its cluster and its user, all named after `name`. */
function single(name: string, server: string, extra: { namespace?: string; token?: string; current?: boolean } = {}): Doc {
  return {
    clusters: [{ name, cluster: { server } }],
    users: [{ name, user: { token: extra.token ?? `token-of-${name}` } }],
    contexts: [{ name, context: { cluster: name, user: name, ...(extra.namespace ? { namespace: extra.namespace } : {}) } }],
    ...(extra.current ? { 'current-context': name } : {}),
  };
}

const envWith = (...files: string[]) => ({ KUBECONFIG: files.join(path.delimiter) });

describe('the KUBECONFIG list', () => {
  test('merges every file; for an entry named in two files the first file wins', () => {
    const dir = folder();
    const a = write(path.join(dir, 'a'), {
      clusters: [{ name: 'shared', cluster: { server: 'https://from-a:6443' } }],
      users: [{ name: 'u', user: { token: 't-a' } }],
      contexts: [{ name: 'hub', context: { cluster: 'shared', user: 'u', namespace: 'ns-a' } }],
    });
    const b = write(path.join(dir, 'b'), {
      clusters: [{ name: 'shared', cluster: { server: 'https://from-b:6443' } }, { name: 'other', cluster: { server: 'https://other:6443' } }],
      users: [{ name: 'u', user: { token: 't-b' } }],
      contexts: [
        { name: 'hub', context: { cluster: 'other', user: 'u', namespace: 'ns-b' } },
        { name: 'second', context: { cluster: 'shared', user: 'u' } },
      ],
      'current-context': 'second',
    });
    const view = readKubeconfig({ env: envWith(a, b) });
    assert.deepEqual(view.files, [a, b]);
    assert.deepEqual(view.problems, []);
    assert.deepEqual(view.contexts.map((c) => c.name).sort(), ['hub', 'second']);
    const hub = view.contexts.find((c) => c.name === 'hub')!;
    // The context comes from a (with a's cluster name and namespace); its cluster `shared` too.
    assert.deepEqual(hub, { name: 'hub', cluster: 'shared', user: 'u', server: 'https://from-a:6443', namespace: 'ns-a', file: a });
    const second = view.contexts.find((c) => c.name === 'second')!;
    assert.equal(second.server, 'https://from-a:6443', 'the cluster named in both files is a’s even for a context defined in b');
    assert.equal(second.file, b);
    assert.equal(second.namespace, undefined);
    assert.equal(view.current, 'second', 'only b sets current-context');
    // The user `u` is a's: its token is what a client would send.
    assert.equal(kubeconfigFor(view, 'second').getCurrentUser()?.token, 't-a');
  });

  test('current-context: the first file that sets it wins', () => {
    const dir = folder();
    const a = write(path.join(dir, 'a'), single('one', 'https://one:6443', { current: true }));
    const b = write(path.join(dir, 'b'), single('two', 'https://two:6443', { current: true }));
    assert.equal(readKubeconfig({ env: envWith(a, b) }).current, 'one');
    assert.equal(readKubeconfig({ env: envWith(b, a) }).current, 'two');
  });

  test('missing files and empty entries are skipped silently; duplicates are read once', () => {
    const dir = folder();
    const a = write(path.join(dir, 'a'), single('one', 'https://one:6443'));
    const missing = path.join(dir, 'does-not-exist');
    const view = readKubeconfig({ env: { KUBECONFIG: ['', missing, a, '', a].join(path.delimiter) } });
    assert.deepEqual(view.problems, []);
    assert.deepEqual(view.files, [missing, a]);
    assert.deepEqual(view.contexts.map((c) => c.name), ['one']);
    assert.equal(view.current, undefined);
  });

  test('without KUBECONFIG, ~/.kube/config of the given home', () => {
    const home = folder();
    const file = write(path.join(home, '.kube', 'config'), single('home-hub', 'https://home:6443', { current: true, namespace: 'work' }));
    for (const env of [{}, { KUBECONFIG: '' }]) {
      const view = readKubeconfig({ env, home });
      assert.deepEqual(view.files, [file]);
      assert.equal(view.current, 'home-hub');
      assert.equal(view.contexts[0]?.namespace, 'work');
    }
    const empty = readKubeconfig({ env: {}, home: folder() });
    assert.deepEqual([empty.contexts, empty.problems, empty.current], [[], [], undefined]);
  });
});

describe('pinning', () => {
  test('a pinned file replaces KUBECONFIG and ~/.kube/config', () => {
    const home = folder();
    write(path.join(home, '.kube', 'config'), single('home-hub', 'https://home:6443', { current: true }));
    const listed = write(path.join(home, 'listed'), single('listed', 'https://listed:6443', { current: true }));
    const pinned = write(path.join(home, 'pinned'), single('pinned', 'https://pinned:6443'));
    const view = readKubeconfig({ env: envWith(listed), home, pinnedFile: pinned });
    assert.deepEqual(view.files, [pinned]);
    assert.deepEqual(view.contexts.map((c) => c.name), ['pinned']);
    assert.equal(view.current, undefined);
  });

  test('a pinned context becomes current when it exists; an unknown one changes nothing', () => {
    const dir = folder();
    const a = write(path.join(dir, 'a'), single('one', 'https://one:6443', { current: true }));
    const b = write(path.join(dir, 'b'), single('two', 'https://two:6443'));
    assert.equal(readKubeconfig({ env: envWith(a, b), pinnedContext: 'two' }).current, 'two');
    assert.equal(readKubeconfig({ env: envWith(a, b), pinnedContext: 'nope' }).current, 'one');
  });
});

describe('kubeconfigFor', () => {
  test('holds just the context, its cluster and user; relative paths resolve against the defining file', () => {
    const dir = folder();
    const tokenDir = path.join(dir, 'users');
    write(path.join(tokenDir, 'secrets', 'token'), 'token-from-file');
    const clusters = write(path.join(dir, 'clusters', 'config'), {
      clusters: [
        { name: 'c', cluster: { server: 'https://c:6443', 'certificate-authority': 'pki/ca.crt' } },
        { name: 'unused', cluster: { server: 'https://unused:6443' } },
      ],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'file-user', namespace: 'team' } }, { name: 'other', context: { cluster: 'unused', user: 'cert-user' } }],
      'current-context': 'other',
    });
    const users = write(path.join(tokenDir, 'config'), {
      users: [
        { name: 'file-user', user: { 'token-file': 'secrets/token' } },
        { name: 'cert-user', user: { 'client-certificate': '../certs/client.crt', 'client-key': '/abs/client.key', exec: { command: './bin/login', apiVersion: 'client.authentication.k8s.io/v1' } } },
      ],
    });
    const view = readKubeconfig({ env: envWith(clusters, users) });
    const kc = kubeconfigFor(view, 'ctx');
    assert.deepEqual(kc.getContexts().map((c) => c.name), ['ctx']);
    assert.deepEqual(kc.getClusters().map((c) => c.name), ['c']);
    assert.deepEqual(kc.getUsers().map((u) => u.name), ['file-user']);
    assert.equal(kc.getCurrentContext(), 'ctx');
    assert.equal(kc.getContextObject('ctx')?.namespace, 'team');
    assert.equal(kc.getCurrentCluster()?.server, 'https://c:6443');
    assert.equal(kc.getCurrentCluster()?.caFile, path.join(dir, 'clusters', 'pki', 'ca.crt'));
    // The token file is relative to the users' file, not to the clusters' file or the working directory.
    assert.equal(kc.getCurrentUser()?.token, 'token-from-file');

    const other = kubeconfigFor(view, 'other');
    const user = other.getCurrentUser()!;
    assert.equal(user.certFile, path.join(dir, 'certs', 'client.crt'));
    assert.equal(user.keyFile, '/abs/client.key', 'absolute paths are kept');
    assert.equal((user.exec as { command: string }).command, path.join(tokenDir, 'bin', 'login'), 'an exec command given as a path is resolved');
  });

  test('an exec command looked up on PATH is left alone', () => {
    const dir = folder();
    const file = write(path.join(dir, 'config'), {
      clusters: [{ name: 'c', cluster: { server: 'https://c:6443' } }],
      users: [{ name: 'u', user: { exec: { command: 'oc', args: ['whoami'], apiVersion: 'client.authentication.k8s.io/v1' } } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    });
    assert.equal((kubeconfigFor(readKubeconfig({ pinnedFile: file }), 'x').getCurrentUser()!.exec as { command: string }).command, 'oc');
  });

  test('an unknown context or a context without a cluster is an error', () => {
    const dir = folder();
    const file = write(path.join(dir, 'config'), { contexts: [{ name: 'orphan', context: { cluster: 'gone', user: 'u' } }] });
    const view = readKubeconfig({ pinnedFile: file });
    assert.equal(view.contexts[0]?.server, '');
    assert.throws(() => kubeconfigFor(view, 'orphan'), /cluster "gone"/);
    assert.throws(() => kubeconfigFor(view, 'missing'), /no context named "missing"/);
  });
});

describe('hostile files', () => {
  const SECRET = 'sha256~Zm9vYmFyYmF6cXV4c2VjcmV0dG9rZW4';

  /** Each file holds SECRET; none may leak into a problem message. */
  function hostile(dir: string): Record<string, string> {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]', `token: ${SECRET}`].join('\n');
    const huge = `users:\n- name: u\n  user:\n    token: ${SECRET}\n` + `# ${'x'.repeat(1000)}\n`.repeat(5300);
    const binary = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff, 0xfe]), Buffer.from(`token: ${SECRET}\n`)]);
    return {
      malformed: write(path.join(dir, 'malformed'), `users:\n- name: u\n  user: {token: ${SECRET}\n  - broken: [\n`),
      binary: write(path.join(dir, 'binary'), binary),
      nul: write(path.join(dir, 'nul'), `users: []\ntoken: ${SECRET}\u0000\n`),
      huge: write(path.join(dir, 'huge'), huge),
      bomb: write(path.join(dir, 'bomb'), bomb),
      list: write(path.join(dir, 'list'), `- ${SECRET}\n`),
    };
  }

  test('each gives a problem naming the file and what is wrong, never its contents; the other files still count', () => {
    const dir = folder();
    const bad = hostile(dir);
    const good = write(path.join(dir, 'good'), single('good', 'https://good:6443', { current: true, token: SECRET }));
    const view = readKubeconfig({ env: envWith(bad.malformed!, bad.binary!, good, bad.nul!, bad.huge!, bad.bomb!, bad.list!) });
    assert.deepEqual(view.contexts.map((c) => c.name), ['good']);
    assert.equal(view.current, 'good');
    assert.equal(kubeconfigFor(view, 'good').getCurrentUser()?.token, SECRET);
    const byFile = new Map(view.problems.map((p) => [p.file, p.message]));
    assert.deepEqual([...byFile.keys()].sort(), Object.values(bad).sort());
    const expected: Record<string, RegExp> = {
      malformed: /is not valid YAML at line \d+/,
      binary: /not a text file/,
      nul: /not a text file/,
      huge: /larger than the 5 MB/,
      bomb: /too many YAML aliases/,
      list: /not a kubeconfig/,
    };
    for (const [name, file] of Object.entries(bad)) {
      const message = byFile.get(file)!;
      assert.match(message, expected[name]!, `${name}: ${message}`);
      assert.ok(message.includes(file), `${name}: the message names the file`);
      assert.ok(!message.includes(SECRET.slice(0, 12)), `${name}: the message must not quote the file: ${message}`);
      assert.ok(!/token|broken|\*a|ELF/.test(message.replace(file, '')), `${name}: no text of the file in: ${message}`);
    }
  });

  test('a folder where a file should be is a problem, not a crash', () => {
    const dir = folder();
    const view = readKubeconfig({ env: envWith(dir) });
    assert.equal(view.problems.length, 1);
    assert.match(view.problems[0]!.message, /not a regular file/);
  });
});

describe("the sandbox hub's time scale", () => {
  const withExtensions = (extensions: unknown) => {
    const dir = folder();
    const doc = single('hub', 'https://127.0.0.1:6443', { current: true });
    doc.clusters![0]!.cluster.extensions = extensions;
    return readKubeconfig({ pinnedFile: write(path.join(dir, 'config'), doc) }).contexts[0]!;
  };

  test('is read from the cluster extension the sandbox writes', () => {
    assert.equal(withExtensions([{ name: 'cluster_info', extension: { provider: 'minikube.sigs.k8s.io' } }, { name: 'sandbox.ibgu.io', extension: { timeScale: 0.25 } }]).timeScale, 0.25);
    assert.equal(withExtensions(undefined).timeScale, undefined);
  });

  test('anything but a number in (0, 3600] is ignored', () => {
    for (const bad of ['0.25', 0, -1, 3601, Number.NaN, null, { x: 1 }]) assert.equal(withExtensions([{ name: 'sandbox.ibgu.io', extension: { timeScale: bad } }]).timeScale, undefined, String(bad));
    for (const bad of ['text', { name: 'sandbox.ibgu.io' }, [{ name: 'sandbox.ibgu.io', extension: 'x' }]]) assert.equal(withExtensions(bad).timeScale, undefined, JSON.stringify(bad));
  });
});
