import { isMap, type Node } from 'yaml';
import { getMap, getSeq, getString, items, pairOf } from '../yaml/ast';
import { configMapRefs, ibuSpecOf } from '../oadp';
import { planOf } from './ibgu-plan';
import { at, atKey, defineRule, describe } from './helpers';
import type { Report } from './types';

/** The version-like part of an image tag (`4.17.0-rc.1` in `…/seed:4.17.0-rc.1`), if any. */
export function tagVersion(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon <= slash) return undefined;
  return /\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?/.exec(image.slice(colon + 1))?.[0];
}

function splitVersion(v: string): { core: string; pre?: string } {
  const dash = v.indexOf('-');
  return dash === -1 ? { core: v } : { core: v.slice(0, dash), pre: v.slice(dash + 1) };
}

export const seedVersionRule = defineRule({
  id: 'ibgu/seed-version-mismatch',
  severity: 'warning',
  title: 'The seed image tag and seedImageRef.version disagree',
  docs: 'LCA trusts `seedImageRef.version` as the target version, and the seed image decides what is actually installed. When the tag of the image names another version, one of them is a typo, and the cluster ends up on a version the plan did not intend.',
  appliesTo: ['IBGU', 'IBU'],
  check(resource) {
    const seed = getMap(ibuSpecOf(resource), 'seedImageRef', resource.yaml.anchors);
    const image = getString(seed, 'image', resource.yaml.anchors);
    const version = getString(seed, 'version', resource.yaml.anchors);
    if (!image || !version) return [];
    const tag = tagVersion(image);
    if (!tag) return [];
    const a = splitVersion(tag);
    const b = splitVersion(version);
    if (a.core === b.core && (a.pre === undefined || b.pre === undefined || a.pre === b.pre)) return [];
    return [atKey(seed, 'version', seed, `seedImageRef.version is ${version} but the image tag says ${tag}: one of them is wrong.`, [
      { title: `Set version to ${tag}`, edits: [{ start: (pairOf(seed, 'version')!.value as Node).range![0], end: (pairOf(seed, 'version')!.value as Node).range![1], newText: JSON.stringify(tag) }], preferred: true },
    ])];
  },
});

export const seedRequiredRule = defineRule({
  id: 'ibgu/seed-image-required',
  severity: 'error',
  title: 'Prep or Upgrade without seedImageRef.image and version',
  docs: 'The CRD leaves `seedImageRef` optional, but LCA cannot prepare or upgrade without the seed image and its version: Prep fails at once. A resuming IBGU (for example `[[Upgrade]]`) must carry the same seedImageRef as the one that ran Prep, because LCA refuses to change it while an upgrade is in progress.',
  appliesTo: ['IBGU', 'IBU'],
  check(resource) {
    const needs = resource.type === 'IBGU'
      ? (planOf(resource)?.steps ?? []).some((s) => s.actions.some((a) => a.value === 'Prep' || a.value === 'Upgrade'))
      : ['Prep', 'Upgrade'].includes(getString(ibuSpecOf(resource), 'stage') ?? '');
    if (!needs) return [];
    const spec = ibuSpecOf(resource);
    const seed = getMap(spec, 'seedImageRef', resource.yaml.anchors);
    const missing = ['image', 'version'].filter((k) => !getString(seed, k, resource.yaml.anchors));
    if (missing.length === 0) return [];
    const where = seed ? pairOf(spec, 'seedImageRef')!.key : (pairOf(resource.type === 'IBGU' ? getMap(resource.root, 'spec') : resource.root, resource.type === 'IBGU' ? 'ibuSpec' : 'spec')?.key ?? resource.root);
    return [at(where, `seedImageRef.${missing.join(' and seedImageRef.')} ${missing.length > 1 ? 'are' : 'is'} missing: LCA cannot ${resource.type === 'IBGU' ? 'run Prep or Upgrade' : 'prepare or upgrade'} without the seed image and its version.`)];
  },
});

const ROLES = { oadpContent: 'OADP', extraManifests: 'extra-manifests' } as const;

export const configMapRefRule = defineRule({
  id: 'ibgu/configmap-ref',
  severity: 'warning',
  title: 'Duplicate or incomplete oadpContent / extraManifests reference',
  docs: 'Each reference needs a non-empty `name` and `namespace`. A ConfigMap listed twice is read twice: LCA de-duplicates OADP ConfigMaps but applies a duplicated extra-manifests ConfigMap twice.',
  appliesTo: ['IBGU', 'IBU'],
  check(resource) {
    const reports: Report[] = [];
    const spec = ibuSpecOf(resource);
    for (const field of ['oadpContent', 'extraManifests'] as const) {
      const seen = new Map<string, number>();
      items(getSeq(spec, field, resource.yaml.anchors), resource.yaml.anchors).forEach((item, i) => {
        if (!isMap(item)) return;
        for (const key of ['name', 'namespace']) {
          const pair = pairOf(item, key);
          if (pair && getString(item, key) === '') reports.push(at(pair.key, `${field}[${i}].${key} is empty: LCA cannot find the ${ROLES[field]} ConfigMap.`));
        }
        const ref = `${getString(item, 'namespace') ?? ''}/${getString(item, 'name') ?? ''}`;
        const first = seen.get(ref);
        if (first !== undefined) reports.push(at(item, `${field}[${i}] repeats ${field}[${first}] (${ref}).`));
        else seen.set(ref, i);
      });
    }
    return reports;
  },
});

export const configMapMissingRule = defineRule({
  id: 'ibgu/configmap-missing',
  severity: 'warning',
  title: 'A referenced ConfigMap is not among the files given',
  docs: 'When the files include ConfigMaps, every `oadpContent` and `extraManifests` reference should resolve to one of them. A missing OADP ConfigMap is skipped by TALM with only a log line, and Prep then fails on the cluster with "OADP configmap not found".',
  appliesTo: ['IBGU', 'IBU'],
  check(resource, ctx) {
    if (ctx.workspace.ofType('ConfigMap').length === 0) return [];
    const reports: Report[] = [];
    const spec = ibuSpecOf(resource);
    for (const field of ['oadpContent', 'extraManifests'] as const) {
      const seq = getSeq(spec, field, resource.yaml.anchors);
      configMapRefs(resource, field).forEach((ref, i) => {
        if (!ref.name || !ref.namespace || ctx.workspace.find('ConfigMap', ref.namespace, ref.name)) return;
        const consequence = field === 'oadpContent'
          ? 'TALM skips a missing OADP ConfigMap with only a log line, and Prep fails on the cluster with "OADP configmap not found".'
          : 'It must exist on every cluster before Prep, or Prep fails with "the extraManifests configMap is not found".';
        reports.push(at(seq?.items[i], `ConfigMap ${ref.namespace}/${ref.name} (${field}) is not in the files given. ${consequence}`));
      });
    }
    return reports;
  },
});

export const extraManifestsOnSpokesRule = defineRule({
  id: 'ibgu/extra-manifests-on-spokes',
  severity: 'info',
  title: 'TALM does not copy extraManifests ConfigMaps to the clusters',
  docs: 'TALM copies the `oadpContent` ConfigMaps and the seed pull secret to each cluster, but not the `extraManifests` ConfigMaps: those must already exist on every cluster (for example through a ZTP policy) before Prep.',
  appliesTo: ['IBGU'],
  check(resource) {
    const spec = ibuSpecOf(resource);
    const pair = pairOf(spec, 'extraManifests');
    if (!pair || configMapRefs(resource, 'extraManifests').length === 0) return [];
    return [at(pair.key, `${describe(resource)}: TALM does not copy extraManifests ConfigMaps to the clusters; make sure they exist on every cluster (e.g. from a ZTP policy) before Prep.`)];
  },
});
