import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Store } from '../../src/server/store';
import { withTempDir } from '../helpers/run';

const DOCS = ['apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n'];

test('closing a file of the workspace folder keeps the resource objects of its unchanged documents (the lint cache keys)', async () => {
  await withTempDir(async (dir) => {
    const file = path.join(dir, 'ns.yaml');
    writeFileSync(file, DOCS.join('---\n'));
    const store = new Store();
    const folder = pathToFileURL(dir).href;
    assert.equal(await store.index([folder], Infinity, () => false), 1);
    const uri = [...store.workspace.allFiles()][0].path;
    // Opened with the first document edited in the editor, then closed unsaved: the disk text comes back.
    store.update(uri, 1, DOCS.join('---\n').replace('name: a', 'name: c'));
    const opened = store.document(uri)!.file.resources;
    await store.close(uri, Infinity);
    const closed = store.workspace.get(uri)!.resources;
    assert.deepEqual(closed.map((r) => r.name), ['a', 'b']);
    assert.notEqual(closed[0], opened[0], 'the edited document was parsed again');
    assert.equal(closed[1], opened[1], 'the unchanged document was parsed again: the lint cache misses it on the next open');
  });
});
