/**
 * FieldSet's operations against a model: a set of paths as a plain Set of strings. The operations share the
 * nodes of their inputs (sets are never changed once built), so each property also checks that the inputs
 * still hold exactly the paths they held before.
 *
 *   IBGU_FUZZ_RUNS=20000   runs per property (default 300)
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FieldSet, type FieldPath } from '../../src/sandbox/field-set';

const RUNS = Math.max(1, Number(process.env.IBGU_FUZZ_RUNS ?? 300));
const SEED = process.env.IBGU_FUZZ_SEED === undefined ? undefined : Number(process.env.IBGU_FUZZ_SEED);
const params = { numRuns: RUNS, includeErrorInReport: true, ...(SEED !== undefined ? { seed: SEED } : {}) };

const element = fc.constantFrom('f:a', 'f:b', 'f:spec', 'k:{"type":"Ready"}', 'v:"x"', 'i:0', 'i:10');
const path = fc.array(element, { minLength: 1, maxLength: 4 });
const paths = fc.array(path, { maxLength: 12 });

const key = (p: FieldPath) => JSON.stringify(p);
const model = (ps: FieldPath[]) => new Set(ps.map(key));
const members = (s: FieldSet) => new Set(s.paths().map(key));
const build = (ps: FieldPath[]) => FieldSet.of(...ps);
const sorted = (s: Set<string>) => [...s].sort();

describe('FieldSet against a model of path sets', () => {
  test('union, intersection, difference, recursive difference, subset and intersects; the inputs unchanged', () => {
    fc.assert(fc.property(paths, paths, (pa, pb) => {
      const a = build(pa);
      const b = build(pb);
      const ma = model(pa);
      const mb = model(pb);
      const prefixIn = (k: string, m: Set<string>) => {
        const p = JSON.parse(k) as string[];
        return p.some((_, i) => m.has(key(p.slice(0, i + 1))));
      };
      assert.deepEqual(sorted(members(a.union(b))), sorted(new Set([...ma, ...mb])));
      assert.deepEqual(sorted(members(a.intersection(b))), sorted(new Set([...ma].filter((k) => mb.has(k)))));
      assert.deepEqual(sorted(members(a.difference(b))), sorted(new Set([...ma].filter((k) => !mb.has(k)))));
      assert.deepEqual(sorted(members(a.recursiveDifference(b))), sorted(new Set([...ma].filter((k) => !prefixIn(k, mb)))));
      assert.equal(a.subsetOf(b), [...ma].every((k) => mb.has(k)));
      assert.equal(a.intersects(b), [...ma].some((k) => mb.has(k)));
      assert.equal(a.empty, ma.size === 0);
      assert.equal(a.union(b).difference(b).union(a.intersection(b)).subsetOf(a), true);
      // Nothing above changed its inputs, though the results share their nodes.
      assert.deepEqual(sorted(members(a)), sorted(ma));
      assert.deepEqual(sorted(members(b)), sorted(mb));
      // FieldsV1 reads back as the same set.
      assert.deepEqual(sorted(members(FieldSet.fromFieldsV1(a.union(b).toFieldsV1()))), sorted(new Set([...ma, ...mb])));
    }), params);
  });
});
