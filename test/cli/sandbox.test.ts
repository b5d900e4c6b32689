/**
 * `ibgu sandbox` as a user runs it: flags, the kubeconfig it writes, the one-line summary, a hub that
 * answers, a spoke reachable through the kubeconfig the hub stores for it, and a clean stop on SIGTERM.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/fixtures';
import { runCli, withTempDir } from '../helpers/run';

function get(url: string, ca: string, token: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    https.get(url, { ca, headers: { Authorization: `Bearer ${token}` }, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    }).on('error', reject);
  });
}

describe('ibgu sandbox', { timeout: 60_000 }, () => {
  test('starts from a scenario, prints the kubeconfig path and a summary, serves hub and spokes, stops on SIGTERM', async () => {
    await withTempDir(async (dir) => {
      const kubeconfig = path.join(dir, 'nested', 'kubeconfig');
      const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'cli.js'), 'sandbox', '--scenario', path.join(repoRoot(), 'examples', 'sandbox', 'failures.yaml'), '--time-scale=0.5', '--kubeconfig', kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      try {
        const deadline = Date.now() + 30_000;
        while (!out.includes('Ctrl+C') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        const [first, summary] = out.split('\n');
        assert.equal(first, kubeconfig);
        assert.match(summary!, /^ibgu sandbox: hub at https:\/\/127\.0\.0\.1:\d+ with 12 managed clusters \(3 with faults\), 1 object from the scenario's hubManifests, 0\.5 s per TALM\/LCA minute; export KUBECONFIG=/);
        assert.equal(statSync(kubeconfig).mode & 0o777, 0o600, 'the kubeconfig holds a token: owner only');
        const kc = parse(readFileSync(kubeconfig, 'utf8'));
        const ca = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
        const server: string = kc.clusters[0].cluster.server;
        const mcs = await get(`${server}/apis/cluster.open-cluster-management.io/v1/managedclusters`, ca, kc.users[0].user.token);
        assert.equal(mcs.body.items.length, 12);
        assert.equal(mcs.body.items.find((m: any) => m.metadata.name === 'sno-0005').metadata.labels['upgrade-wave'], '2');
        // What the example IBGUs reference is there from the start: the scenario's hubManifests.
        const oadp = await get(`${server}/api/v1/namespaces/openshift-adp/configmaps/oadp-cm`, ca, kc.users[0].user.token);
        assert.equal(oadp.status, 200);
        const rendered = parse(readFileSync(path.join(repoRoot(), 'examples', 'oadp', 'rendered', 'oadp-cm.yaml'), 'utf8'));
        assert.deepEqual(oadp.body.data, rendered.data);
        // The spoke, through the admin kubeconfig ZTP would have stored.
        const secret = await get(`${server}/api/v1/namespaces/sno-0007/secrets/sno-0007-admin-kubeconfig`, ca, kc.users[0].user.token);
        const spokeKc = parse(Buffer.from(secret.body.data.kubeconfig, 'base64').toString());
        const ibu = await get(`${spokeKc.clusters[0].cluster.server}/apis/lca.openshift.io/v1/imagebasedupgrades/upgrade`, ca, spokeKc.users[0].user.token);
        assert.equal(ibu.status, 200);
        assert.equal(ibu.body.spec.stage, 'Idle');
      } finally {
        child.kill('SIGTERM');
      }
      assert.equal(await exited, 0);
      assert.match(err, /ibgu sandbox: stopped \(SIGTERM\)/);
      assert.doesNotMatch(out + err, /sbx-[0-9a-f]{16}/, 'tokens are never printed');
    });
  });

  test('--fleet acm seeds what an ACM hub keeps per cluster; an unknown fleet is a usage error', async () => {
    const wrong = await runCli(['sandbox', '--fleet', 'aws']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /^ibgu: --fleet must be "acm" \(.*\), or left out; not "aws"\nRun "ibgu sandbox --help" for usage\.\n$/);
    await withTempDir(async (dir) => {
      const kubeconfig = path.join(dir, 'kubeconfig');
      const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'cli.js'), 'sandbox', '--fleet', 'acm', '--clusters', '2', '--kubeconfig', kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      try {
        const deadline = Date.now() + 30_000;
        while (!out.includes('Ctrl+C') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.match(out.split('\n')[1]!, /with 2 managed clusters \(an ACM fleet: add-ons, policies, ZTP CGUs\), 1 s per TALM\/LCA minute/);
        const kc = parse(readFileSync(kubeconfig, 'utf8'));
        const ca = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
        const addons = await get(`${kc.clusters[0].cluster.server}/apis/addon.open-cluster-management.io/v1alpha1/namespaces/sno-0002/managedclusteraddons`, ca, kc.users[0].user.token);
        assert.equal(addons.body.items.length, 8);
      } finally {
        child.kill('SIGTERM');
      }
      assert.equal(await exited, 0);
    });
  });

  test('a wrong scenario or time scale is a usage error (exit 2) that says what is wrong', async () => {
    await withTempDir(async (dir) => {
      const bad = path.join(dir, 'bad.yaml');
      writeFileSync(bad, 'clusters: 3\nfaults: [{clusters: sno-0009, fault: Prep}]\n');
      const r1 = await runCli(['sandbox', '--scenario', bad]);
      assert.equal(r1.code, 2);
      assert.match(r1.stderr, /cannot use the scenario .*bad\.yaml: faults\[0\]\.clusters: "sno-0009" matches none of the 3 clusters/);
      const r2 = await runCli(['sandbox', '--scenario', path.join(dir, 'missing.yaml')]);
      assert.equal(r2.code, 2);
      assert.match(r2.stderr, /missing\.yaml: no such file/);
      const r3 = await runCli(['sandbox', '--time-scale', '0']);
      assert.equal(r3.code, 2);
      assert.match(r3.stderr, /--time-scale must be a number of seconds above 0/);
      // hubManifests: a missing file, a kind the hub does not serve, an object its admission refuses.
      const manifests = (name: string, manifest: string) => {
        writeFileSync(path.join(dir, `${name}.yaml`), manifest);
        writeFileSync(path.join(dir, `${name}-scenario.yaml`), `clusters: 2\nhubManifests: [${name}.yaml]\n`);
        return path.join(dir, `${name}-scenario.yaml`);
      };
      writeFileSync(path.join(dir, 'gone-scenario.yaml'), 'hubManifests: [../nowhere/oadp.yaml]\n');
      const r4 = await runCli(['sandbox', '--scenario', path.join(dir, 'gone-scenario.yaml')]);
      assert.equal(r4.code, 2);
      assert.match(r4.stderr, /hubManifests\[0\] \(\.\.\/nowhere\/oadp\.yaml\): no such file/);
      const r5 = await runCli(['sandbox', '--scenario', manifests('widget', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n')]);
      assert.equal(r5.code, 2);
      assert.match(r5.stderr, /the sandbox hub serves no Widget in example\.com\/v1 \(Widget w\)/);
      const badPlan = 'apiVersion: lcm.openshift.io/v1alpha1\nkind: ImageBasedGroupUpgrade\nmetadata: {name: bad, namespace: ztp-upgrades}\nspec:\n  clusterLabelSelectors: [{matchLabels: {a: b}}]\n  ibuSpec: {seedImageRef: {image: "r/s:4.18.9", version: 4.18.9}}\n  plan: [{actions: [Upgrade, Prep], rolloutStrategy: {maxConcurrency: 1}}]\n';
      const r6 = await runCli(['sandbox', '--scenario', manifests('bad', badPlan)]);
      assert.equal(r6.code, 2);
      assert.match(r6.stderr, /the hub refused ImageBasedGroupUpgrade ztp-upgrades\/bad: .*invalid combinations of actions in the plan/);
      // A kubeconfig path that is a symbolic link is refused (the token goes only into a file of its own): a message, no stack.
      const target = path.join(dir, 'elsewhere.kubeconfig');
      writeFileSync(target, '');
      symlinkSync(target, path.join(dir, 'link.kubeconfig'));
      const r7 = await runCli(['sandbox', '--kubeconfig', path.join(dir, 'link.kubeconfig')]);
      assert.equal(r7.code, 2);
      assert.match(r7.stderr, /^ibgu: the sandbox did not start: the kubeconfig path .*link\.kubeconfig is a symbolic link/);
      assert.doesNotMatch(r7.stderr, /\n\s+at /, 'a stack trace');
      assert.equal(readFileSync(target, 'utf8'), '', 'the token went through the link');
      const help = await runCli(['sandbox', '--help']);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /--scenario FILE/);
      assert.match(help.stdout, /--time-scale S/);
    });
  });
});
