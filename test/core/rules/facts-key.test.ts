/**
 * workspaceFactsKey (src/core/rules/facts.ts) computes the facts of a workspace state only to compare it with
 * the last state: a state with no resource of the last one gets a new key straight away, and its facts are
 * computed when a later state that shares resources with it needs them. These tests hold both paths to what
 * the key promises: the same key while the facts are the same, another one when a fact changes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIncremental, Workspace } from '../../../src/core/index';
import { workspaceFactsKey } from '../../../src/core/rules/facts';

const text = (name: string, comment = '') => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: openshift-adp
data:
  backup.yaml: |
    apiVersion: velero.io/v1
    kind: Backup
    metadata:
      name: app
      namespace: openshift-adp
    spec:
      includedNamespaces: [app]
---
apiVersion: lcm.openshift.io/v1
kind: ImageBasedGroupUpgrade
metadata:
  name: upgrade${comment}
  namespace: default
spec:
  oadpContent:
  - name: ${name}
    namespace: openshift-adp
`;

describe('workspace facts key', () => {
  test('a file whose resources are all new gets a new key, even with the same facts as before', () => {
    const ws = new Workspace();
    ws.set(parseIncremental('file:///a.yaml', text('oadp')));
    const first = workspaceFactsKey(ws, {});
    // The same text parsed afresh: equal facts, but every resource object is new, so nothing cached could be reused.
    ws.set(parseIncremental('file:///a.yaml', text('oadp')));
    assert.notEqual(workspaceFactsKey(ws, {}), first);
  });

  test('after a first key computed without facts, an edit that keeps the facts keeps the key, and one that changes a fact does not', () => {
    const ws = new Workspace();
    const opened = parseIncremental('file:///a.yaml', text('oadp'));
    ws.set(opened);
    const first = workspaceFactsKey(ws, {});
    assert.equal(workspaceFactsKey(ws, {}), first, 'the key of an unchanged workspace is stable');

    // A comment in the IBGU: its document is parsed again, the ConfigMap's is reused; no fact changes.
    const commented = parseIncremental('file:///a.yaml', text('oadp', ' # edited'), opened);
    assert.ok(commented.reparsed > 0 && commented.reparsed < commented.documents.length, 'the edit reparses one document only');
    ws.set(commented);
    assert.equal(workspaceFactsKey(ws, {}), first);

    // The ConfigMap renamed (its document reparsed, the IBGU's reused): the ConfigMap's identity is a fact.
    const renamed = parseIncremental('file:///a.yaml', text('oadp-2', ' # edited').replace('  - name: oadp-2', '  - name: oadp'), commented);
    assert.ok(renamed.reparsed > 0 && renamed.reparsed < renamed.documents.length, 'the edit reparses one document only');
    ws.set(renamed);
    assert.notEqual(workspaceFactsKey(ws, {}), first);
  });
});
