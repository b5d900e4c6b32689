/**
 * The examples apply cleanly to a hub as strict as kube-apiserver: every object of examples/ that the sandbox
 * serves is created (dry run) with fieldValidation=Strict, kubectl's default, and comes back 201 with no
 * warning; the Velero Backups and Restores (on their own, and inside the OADP ConfigMap) go to a spoke, where
 * LCA would create them. The scenarios' hubManifests are applied by the scenario loader, Strict as well.
 * examples/mistakes/ is left out: it is wrong on purpose (see examples/README.md).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { rawCall } from '../helpers/raw-https';
import { repoRoot } from '../helpers/fixtures';

const examples = path.join(repoRoot(), 'examples');
const SPOKE = 'sno-0001';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'mistakes' ? [] : yamlFiles(full);
    return /\.ya?ml$/.test(name) ? [full] : [];
  });
}

type Obj = Record<string, any>;

function objectsOf(file: string): Obj[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).flatMap((d) => {
    const v = d.toJS() as Obj | null;
    if (!v || typeof v !== 'object') return [];
    return v.kind === 'List' ? (v.items as Obj[]) : [v];
  });
}

/** Where a kind is served, and its URL collection; undefined for kinds the sandbox does not serve. */
function collection(o: Obj): { where: 'hub' | 'spoke'; url: string } | undefined {
  const ns = o.metadata?.namespace;
  switch (`${o.apiVersion}/${o.kind}`) {
    case 'v1/Namespace': return { where: 'hub', url: '/api/v1/namespaces' };
    case 'v1/ConfigMap': return { where: 'hub', url: `/api/v1/namespaces/${ns}/configmaps` };
    case 'lcm.openshift.io/v1alpha1/ImageBasedGroupUpgrade': return { where: 'hub', url: `/apis/lcm.openshift.io/v1alpha1/namespaces/${ns}/imagebasedgroupupgrades` };
    case 'cluster.open-cluster-management.io/v1/ManagedCluster': return { where: 'hub', url: '/apis/cluster.open-cluster-management.io/v1/managedclusters' };
    case 'velero.io/v1/Backup': return { where: 'spoke', url: `/apis/velero.io/v1/namespaces/${ns}/backups` };
    case 'velero.io/v1/Restore': return { where: 'spoke', url: `/apis/velero.io/v1/namespaces/${ns}/restores` };
    default: return undefined;
  }
}

describe('examples under strict field validation', () => {
  let hub: Sandbox;

  before(async () => {
    hub = await startSandbox({ clusters: 1, controllers: false });
  });
  after(() => hub?.stop());

  /** A spoke's API is under its own path on the same server, with its own token. */
  const prefix = (where: 'hub' | 'spoke') => (where === 'hub' ? '' : new URL(hub.spokeAccess(SPOKE).url).pathname.replace(/\/$/, ''));
  const token = (where: 'hub' | 'spoke') => (where === 'hub' ? hub.token : hub.spokeAccess(SPOKE).token);

  async function ensureNamespace(where: 'hub' | 'spoke', name: string): Promise<void> {
    const r = await rawCall(hub, 'POST', `${prefix(where)}/api/v1/namespaces`, { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, token: token(where) });
    assert.ok(r.status === 201 || r.status === 409, JSON.stringify(r.body));
  }

  async function strictCreate(where: 'hub' | 'spoke', url: string, o: Obj, what: string): Promise<void> {
    if (o.metadata?.namespace) await ensureNamespace(where, o.metadata.namespace);
    const r = await rawCall(hub, 'POST', `${prefix(where)}${url}?fieldValidation=Strict&dryRun=All`, { body: o, token: token(where) });
    assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
    assert.equal(r.headers.warning, undefined, `${what}: ${String(r.headers.warning)}`);
  }

  test('every served object of examples/ is accepted as written', async () => {
    let checked = 0;
    const all = yamlFiles(examples).flatMap((file) => objectsOf(file).map((o) => ({ file, o })));
    for (const { file, o } of all) {
      {
        const where = collection(o);
        if (!where) continue;
        const what = `${path.relative(examples, file)} ${o.kind} ${o.metadata?.name}`;
        // Objects read back from a hub carry what the server sets; a client creates them without it.
        const { resourceVersion: _rv, uid: _uid, ...metadata } = o.metadata ?? {};
        // The sandbox starts with the examples' namespace: a Namespace is checked under another name.
        if (o.kind === 'Namespace') metadata.name = `${metadata.name}-check`;
        await strictCreate(where.where, where.url, { ...o, metadata }, what);
        checked++;
        // The OADP ConfigMap's documents are what LCA creates on each cluster.
        if (o.kind === 'ConfigMap') {
          for (const [key, text] of Object.entries((o.data ?? {}) as Record<string, string>)) {
            for (const inner of parseAllDocuments(text).map((d) => d.toJS() as Obj)) {
              const at = inner && collection(inner);
              if (at?.where === 'spoke') {
                await strictCreate('spoke', at.url, inner, `${what} data.${key}`);
                checked++;
              }
            }
          }
        }
      }
    }
    assert.ok(checked >= 25, `only ${checked} objects checked`);
  });

  test('the example scenarios load, their hubManifests accepted by the Strict scenario loader', async () => {
    const { readScenarioFile } = await import('../../src/sandbox');
    for (const name of readdirSync(path.join(examples, 'sandbox'))) {
      const file = path.join(examples, 'sandbox', name);
      const { hubObjects } = readScenarioFile(file);
      // startSandbox applies them and throws the ScenarioError of the first refusal.
      const sandbox = await startSandbox({ clusters: 1, controllers: false, hubObjects });
      await sandbox.stop();
    }
  });
});
