import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, jsonPatch, mergePatch, PatchError, strategicMergePatch, type Json } from '../../src/sandbox/patch';

test('merge patch follows the RFC 7386 examples', () => {
  // Appendix A of RFC 7386, a representative subset.
  const cases: [Json, Json, Json][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, expected] of cases) assert.deepEqual(mergePatch(target, patch), expected, JSON.stringify(patch));
});

test('JSON patch: add, remove, replace, move, copy, test and ~1 escapes', () => {
  const doc: Json = { metadata: { annotations: { a: '1' } }, spec: { plan: [{ actions: ['Prep'] }] } };
  const out = jsonPatch(doc, [
    { op: 'test', path: '/spec/plan/0/actions/0', value: 'Prep' },
    { op: 'add', path: '/spec/plan/-', value: { actions: ['Upgrade'] } },
    { op: 'add', path: '/metadata/annotations/lca.openshift.io~1target', value: 'x' },
    { op: 'replace', path: '/metadata/annotations/a', value: '2' },
    { op: 'copy', from: '/metadata/annotations/a', path: '/metadata/annotations/b' },
    { op: 'move', from: '/metadata/annotations/b', path: '/metadata/annotations/c' },
    { op: 'remove', path: '/metadata/annotations/a' },
  ]);
  assert.deepEqual(out, { metadata: { annotations: { 'lca.openshift.io/target': 'x', c: '2' } }, spec: { plan: [{ actions: ['Prep'] }, { actions: ['Upgrade'] }] } });
  assert.deepEqual(doc, { metadata: { annotations: { a: '1' } }, spec: { plan: [{ actions: ['Prep'] }] } }, 'input untouched');
});

test('JSON patch: a failed test or a missing path is a 422 PatchError, a malformed patch a 400', () => {
  const doc: Json = { spec: { plan: [] } };
  assert.throws(() => jsonPatch(doc, [{ op: 'test', path: '/spec/plan', value: [1] }]), (e: unknown) => e instanceof PatchError && e.code === 422);
  assert.throws(() => jsonPatch(doc, [{ op: 'remove', path: '/spec/nope' }]), (e: unknown) => e instanceof PatchError && e.code === 422);
  assert.throws(() => jsonPatch(doc, [{ op: 'replace', path: '/spec/nope', value: 1 }]), (e: unknown) => e instanceof PatchError && e.code === 422);
  assert.throws(() => jsonPatch(doc, { op: 'add' }), (e: unknown) => e instanceof PatchError && e.code === 400);
  assert.throws(() => jsonPatch(doc, [{ op: 'frobnicate', path: '/spec' }]), (e: unknown) => e instanceof PatchError && e.code === 400);
  assert.throws(() => jsonPatch(doc, [{ op: 'add', path: '/spec/plan/5', value: 1 }]), PatchError);
});

test('strategic merge patch on map-only built-ins behaves like merge patch and honours $patch', () => {
  assert.deepEqual(strategicMergePatch({ data: { a: '1', b: '2' } }, { data: { a: null, c: '3' } }), { data: { b: '2', c: '3' } });
  assert.deepEqual(strategicMergePatch({ data: { a: '1' } }, { data: { $patch: 'replace', z: '9' } }), { data: { z: '9' } });
});

test('apply merges the intent into the live object without removing other fields', () => {
  assert.deepEqual(applyPatch({ metadata: { labels: { a: '1' } }, spec: { x: 1, list: [1, 2] } }, { metadata: { labels: { b: '2' } }, spec: { list: [3] } }), {
    metadata: { labels: { a: '1', b: '2' } },
    spec: { x: 1, list: [3] },
  });
});

test('keys are data: a __proto__ key in a patch is kept as a key, an inherited name is not a path', () => {
  // A ConfigMap key may be "__proto__"; plain assignment would set the copy's prototype and lose the key.
  const patch = JSON.parse('{"data":{"__proto__":"x","b":"2"}}') as Json;
  for (const merge of [mergePatch, strategicMergePatch, applyPatch]) {
    const out = merge({ data: { a: '1' } }, patch) as any;
    assert.deepEqual(Object.keys(out.data), ['a', '__proto__', 'b'], merge.name);
    assert.equal(Object.getPrototypeOf(out.data), Object.prototype, merge.name);
    assert.equal(JSON.parse(JSON.stringify(out)).data.__proto__, 'x', merge.name);
  }
  const added = jsonPatch({ data: {} }, [{ op: 'add', path: '/data/__proto__', value: 'x' }]) as any;
  assert.deepEqual(Object.keys(added.data), ['__proto__']);
  assert.throws(() => jsonPatch({ data: {} }, [{ op: 'test', path: '/data/constructor', value: 1 }]), /doc is missing path/);
});
