/**
 * The packaged extension, read from the .vsix itself: what the manifest and the shipped scenarios need is
 * inside, source maps, sources and dependencies are not, and it stays small.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseScenario } from '../../src/sandbox/scenario';
import { repoRoot } from '../helpers/fixtures';
import { packageExtension, zipEntries } from '../helpers/vsix';

/** The size the package must stay under (the plan editor's monaco is most of it). */
const MAX_VSIX_BYTES = 3 * 1024 * 1024;

function filesUnder(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(root, path.posix.join(dir, e.name)) : [path.posix.join(dir, e.name)]));
}

test('the .vsix holds what the manifest and the shipped scenarios use, no source map, source or dependency, under 3 MB', { timeout: 180_000 }, () => {
  const root = repoRoot();
  if (!existsSync(path.join(root, 'dist', 'extension.js'))) {
    const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
    assert.equal(built.status, 0, `node scripts/build.mjs failed:\n${built.stdout}${built.stderr}`);
  }
  const scratch = mkdtempSync(path.join(tmpdir(), 'ibgu-vsix-'));
  try {
    const vsix = packageExtension(root, scratch);
    const entries = zipEntries(vsix);
    const names = new Set(entries.filter((e) => e.name.startsWith('extension/')).map((e) => e.name.slice('extension/'.length)));

    const maps = [...names].filter((n) => n.endsWith('.map'));
    assert.deepEqual(maps, [], 'source maps in the package');
    const foreign = [...names].filter((n) => /^(src|test|bench|scripts|node_modules|dist-test|dist-vscode|\.sandbox)\//.test(n) || n.endsWith('.ts'));
    assert.deepEqual(foreign, [], 'sources, tests or dependencies in the package');

    // Every bundle the build makes, and every file of the webview pages but their maps.
    const shipped = [
      ...readdirSync(path.join(root, 'dist')).filter((n) => n.endsWith('.js') || n === 'rules.md').map((n) => `dist/${n}`),
      ...filesUnder(root, 'dist/webview').filter((n) => !n.endsWith('.map')),
    ];
    // What package.json points at.
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    const contributes = manifest.contributes;
    const referenced = [
      manifest.main.replace(/^\.\//, ''),
      ...contributes.grammars.map((g: { path: string }) => g.path.replace(/^\.\//, '')),
      ...contributes.viewsContainers.activitybar.map((c: { icon: string }) => c.icon),
      ...Object.values(contributes.views).flat().map((v: any) => v.icon).filter(Boolean),
      ...contributes.walkthroughs.flatMap((w: any) => w.steps.map((s: any) => s.media.markdown ?? s.media.image).filter(Boolean)),
      // vsce ships README.md as readme.md and LICENSE as LICENSE.txt.
      'README.md', 'LICENSE.txt', 'package.json',
    ];
    // The scenarios Start Sandbox Hub offers, and the manifests they put on the hub.
    const scenarios = readdirSync(path.join(root, 'examples', 'sandbox')).filter((n) => n.endsWith('.yaml')).map((n) => `examples/sandbox/${n}`);
    const hubManifests = scenarios.flatMap((s) => (parseScenario(readFileSync(path.join(root, s), 'utf8')).hubManifests ?? []).map((m) => path.posix.normalize(path.posix.join(path.posix.dirname(s), m))));
    assert.ok(hubManifests.length > 0, 'the shipped scenarios put something on the hub');
    const lower = new Map([...names].map((n) => [n.toLowerCase(), n]));
    const missing = [...shipped, ...referenced, ...scenarios, ...hubManifests].filter((n) => !names.has(n) && !lower.has(n.toLowerCase()));
    assert.deepEqual(missing, [], 'files the extension uses are missing from the package');

    const size = statSync(vsix).size;
    assert.ok(size < MAX_VSIX_BYTES, `the .vsix is ${(size / 1024 / 1024).toFixed(2)} MB`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
