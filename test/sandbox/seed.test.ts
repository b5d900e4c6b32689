/**
 * Spokes seeded from a template: the same objects, managedFields and resourceVersions as a spoke built
 * through the API, with the spoke's own name, uids, volume ids and time.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Store, type KubeObject } from '../../src/sandbox';
import { SPOKE } from '../../src/sandbox/registry';
import { seedSpoke, SpokeSeeder } from '../../src/sandbox/seed';
import { defaultScenario } from '../../src/sandbox/scenario';

const spokeStore = () => new Store(SPOKE, { history: 'once-read' });

/** Every object of a spoke in resourceVersion order, with what differs between two seedings replaced. */
function contents(store: Store): KubeObject[] {
  const out: KubeObject[] = [];
  for (const t of store.types.types) for (const o of store.peekList(t)) out.push(JSON.parse(JSON.stringify(o)));
  out.sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
  const ids = new Map<string, string>();
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const time = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (time.test(v)) return '<time>';
      if (uuid.test(v)) {
        if (!ids.has(v)) ids.set(v, `<id ${ids.size}>`);
        return ids.get(v);
      }
      return v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return out.map((o) => walk(o) as KubeObject);
}

describe('spokes seeded from a template', () => {
  test('a copy holds what seeding through the API builds, names, managedFields and resourceVersions alike', () => {
    const plan = defaultScenario(3).clusters[0];
    const direct = spokeStore();
    seedSpoke('sno-0002', direct, plan);
    const seeder = new SpokeSeeder();
    const first = spokeStore();
    const second = spokeStore();
    seeder.seed('sno-0001', first, plan);
    seeder.seed('sno-0002', second, plan);
    const expected = contents(direct);
    assert.ok(expected.length >= 15);
    assert.ok(expected.filter((o) => o.metadata.managedFields?.length).length >= 10, 'the seeded objects have their managedFields');
    assert.deepEqual(contents(second), expected);
    assert.equal(second.currentRv(), direct.currentRv());
    assert.ok(JSON.stringify(contents(first)).includes('pvc-sno-0001-postgres-data'));
    const raw = JSON.stringify([...first.types.types].flatMap((t) => first.peekList(t)));
    for (const placeholder of ['spoke-template', '00000000-0000-4000-8000-', '2000-01-01']) assert.ok(!raw.includes(placeholder), `no placeholder ${placeholder} is left`);
  });

  test('each copy has its own uids and volume ids, the PV pointing at its own LogicalVolume', () => {
    const seeder = new SpokeSeeder();
    const stores = ['sno-0001', 'sno-0002'].map((name) => {
      const s = spokeStore();
      seeder.seed(name, s, defaultScenario(2).clusters[0]);
      return s;
    });
    const pv = (s: Store, name: string) => s.peek(s.types.kind('PersistentVolume'), undefined, `pvc-${name}-postgres-data`)!;
    const lv = (s: Store, name: string) => s.peek(s.types.kind('LogicalVolume'), undefined, `pvc-${name}-postgres-data`)!;
    const [a, b] = stores as [Store, Store];
    assert.equal(pv(a, 'sno-0001').spec.csi.volumeHandle, lv(a, 'sno-0001').status.volumeID);
    assert.equal(pv(b, 'sno-0002').spec.csi.volumeHandle, lv(b, 'sno-0002').status.volumeID);
    assert.notEqual(lv(a, 'sno-0001').status.volumeID, lv(b, 'sno-0002').status.volumeID);
    assert.notEqual(pv(a, 'sno-0001').metadata.uid, pv(b, 'sno-0002').metadata.uid);
  });

  test('an unavailable BackupStorageLocation has a template of its own', () => {
    const seeder = new SpokeSeeder();
    const healthy = spokeStore();
    const down = spokeStore();
    seeder.seed('sno-0001', healthy, defaultScenario(1).clusters[0]);
    seeder.seed('sno-0002', down, { ...defaultScenario(2).clusters[1]!, faults: [{ kind: 'BackupStorageLocationUnavailable' }] } as never);
    const bsl = (s: Store) => s.peek(s.types.kind('BackupStorageLocation'), 'openshift-adp', 'default')!;
    assert.equal(bsl(healthy).status.phase, 'Available');
    assert.equal(bsl(down).status.phase, 'Unavailable');
  });
});
