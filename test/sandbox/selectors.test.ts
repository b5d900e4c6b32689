import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, SelectorError } from '../../src/sandbox/selectors';

const labels = { env: 'prod', tier: 'db', 'lcm.openshift.io/ibgu-prep-completed': '', size: '3' };
const match = (sel: string) => matchesLabels(parseLabelSelector(sel), labels);

test('label selector: equality, inequality and the double-equals spelling', () => {
  assert.equal(match('env=prod'), true);
  assert.equal(match('env==prod'), true);
  assert.equal(match('env!=prod'), false);
  assert.equal(match('missing!=x'), true, '!= matches objects without the key');
  assert.equal(match('lcm.openshift.io/ibgu-prep-completed='), true, 'empty value');
});

test('label selector: set-based in / notin, existence and !key', () => {
  assert.equal(match('env in (prod, staging)'), true);
  assert.equal(match('env notin (prod)'), false);
  assert.equal(match('missing notin (a)'), true);
  assert.equal(match('tier'), true);
  assert.equal(match('!tier'), false);
  assert.equal(match('!missing'), true);
  assert.equal(match('size>2,size<4'), true);
});

test('label selector: requirements are ANDed and commas inside parentheses do not split', () => {
  assert.equal(match('env in (prod,dev),tier=db,!missing'), true);
  assert.equal(match('env in (prod,dev),tier=web'), false);
  assert.deepEqual(parseLabelSelector(''), []);
});

test('label selector: malformed input is a SelectorError', () => {
  for (const bad of ['env=,', 'env in prod', '=x', 'a b', 'env=bad value', 'k>x']) {
    assert.throws(() => parseLabelSelector(bad), SelectorError, bad);
  }
});

test('field selector: =, == and != on dotted paths', () => {
  const obj = { metadata: { name: 'a', namespace: 'n' }, involvedObject: { kind: 'Pod' } };
  assert.equal(matchesFields(parseFieldSelector('metadata.name=a'), obj), true);
  assert.equal(matchesFields(parseFieldSelector('metadata.name==a,metadata.namespace!=x'), obj), true);
  assert.equal(matchesFields(parseFieldSelector('involvedObject.kind=Node'), obj), false);
  assert.throws(() => parseFieldSelector('metadata.name'), SelectorError);
});
