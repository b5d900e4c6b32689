import { isMap, isScalar, type Node, type YAMLSeq } from 'yaml';
import { deref, getMap, getSeq, getString, nodeEnd, nodeStart, pairOf } from '../yaml/ast';
import type { Resource } from '../yaml/parse';
import { configMapRefs, ibuSpecOf } from '../lca/configmaps';
import { planOf } from './ibgu-plan';
import { at, atKey, defineRule, describe, sameQuoting } from './helpers';
import type { RawFix, Report } from './types';

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
  scope: 'document',
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
    const versionNode = pairOf(seed, 'version')!.value as Node & { type?: string };
    // A tag version always has two dots, so it stays a string when written plain.
    const newText = isScalar(versionNode) && versionNode.type !== 'PLAIN' ? sameQuoting(versionNode, tag) : tag;
    return [atKey(seed, 'version', seed, `seedImageRef.version is ${version} but the image tag says ${tag}: one of them is wrong.`, [
      { title: `Set version to ${tag}`, edits: [{ start: versionNode.range![0], end: versionNode.range![1], newText }], preferred: true },
    ])];
  },
});

export const seedRequiredRule = defineRule({
  id: 'ibgu/seed-image-required',
  severity: 'error',
  title: 'Prep or Upgrade without seedImageRef.image and version',
  docs: 'The CRD leaves `seedImageRef` optional, but LCA cannot prepare or upgrade without the seed image and its version: Prep fails at once. A resuming IBGU (for example `[[Upgrade]]`) must carry the same seedImageRef as the one that ran Prep, because LCA refuses to change it while an upgrade is in progress.',
  appliesTo: ['IBGU', 'IBU'],
  scope: 'document',
  check(resource) {
    const needs = resource.type === 'IBGU'
      ? (planOf(resource)?.steps ?? []).some((s) => s.actions.some((a) => a.value === 'Prep' || a.value === 'Upgrade'))
      : ['Prep', 'Upgrade'].includes(getString(ibuSpecOf(resource), 'stage') ?? '');
    if (!needs) return [];
    const spec = ibuSpecOf(resource);
    const seed = getMap(spec, 'seedImageRef', resource.yaml.anchors);
    const missing = ['image', 'version'].filter((k) => !getString(seed, k, resource.yaml.anchors));
    if (missing.length === 0) return [];
    const specMap = getMap(resource.root, 'spec', resource.yaml.anchors);
    const where = seed
      ? pairOf(spec, 'seedImageRef')!.key
      : (resource.type === 'IBGU' ? pairOf(specMap, 'ibuSpec')?.key : undefined) ?? pairOf(resource.root, 'spec')?.key ?? pairOf(resource.root, 'kind')?.key;
    return [at(where, `seedImageRef.${missing.join(' and seedImageRef.')} ${missing.length > 1 ? 'are' : 'is'} missing: LCA cannot ${resource.type === 'IBGU' ? 'run Prep or Upgrade' : 'prepare or upgrade'} without the seed image and its version.`)];
  },
});

const ROLES = { oadpContent: 'OADP', extraManifests: 'extra-manifests' } as const;

/** A report on a list item, up to its last character (a block item's range runs into the next line). */
function atItem(resource: Resource, item: unknown, message: string, fixes?: RawFix[]): Report {
  const start = nodeStart(item);
  let end = nodeEnd(item);
  while (end > start + 1 && /\s/.test(resource.yaml.text[end - 1])) end--;
  return { start, end: Math.max(end, start + 1), message, fixes };
}

/** Deletes a whole `- item` of a block list, its lines included; undefined for flow lists. */
function removeItem(resource: Resource, seq: YAMLSeq<unknown>, item: unknown): RawFix | undefined {
  if (seq.flow) return undefined;
  const text = resource.yaml.text;
  const dash = text.lastIndexOf('-', nodeStart(item));
  const lineStart = text.lastIndexOf('\n', dash - 1) + 1;
  if (text.slice(lineStart, dash).trim() !== '') return undefined;
  let end = nodeEnd(item);
  while (end > dash && /\s/.test(text[end - 1])) end--;
  const newline = text.indexOf('\n', end);
  return { title: 'Remove the repeated reference', edits: [{ start: lineStart, end: newline === -1 ? text.length : newline + 1, newText: '' }], preferred: true, autofix: true };
}

export const configMapRefRule = defineRule({
  id: 'ibgu/configmap-ref',
  severity: 'warning',
  title: 'Duplicate or incomplete oadpContent / extraManifests reference',
  docs: 'Each reference needs a non-empty `name` and `namespace`, or LCA cannot find the ConfigMap and Prep fails. A ConfigMap listed twice is a copy-paste slip: remove the repeat.',
  appliesTo: ['IBGU', 'IBU'],
  scope: 'document',
  check(resource) {
    const reports: Report[] = [];
    const anchors = resource.yaml.anchors;
    const spec = ibuSpecOf(resource);
    for (const field of ['oadpContent', 'extraManifests'] as const) {
      const seen = new Map<string, number>();
      const seq = getSeq(spec, field, anchors);
      // Raw items: an alias is reported and removed where it is written, not at its anchor.
      (seq?.items ?? []).forEach((raw, i) => {
        const item = deref(raw, anchors);
        if (!isMap(item)) return;
        for (const key of ['name', 'namespace']) {
          const pair = pairOf(item, key);
          if (pair && getString(item, key, anchors) === '') reports.push(at(pair.key, `${field}[${i}].${key} is empty: LCA cannot find the ${ROLES[field]} ConfigMap, and Prep fails.`));
        }
        const ref = `${getString(item, 'namespace', anchors) ?? ''}/${getString(item, 'name', anchors) ?? ''}`;
        const first = seen.get(ref);
        if (first === undefined) {
          seen.set(ref, i);
          return;
        }
        const fix = removeItem(resource, seq!, raw);
        reports.push(atItem(resource, raw, `${field}[${i}] repeats ${field}[${first}] (${ref}): remove the repeat.`, fix ? [fix] : undefined));
      });
    }
    return reports;
  },
});

export const configMapMissingRule = defineRule({
  id: 'ibgu/configmap-missing',
  severity: 'warning',
  title: 'A referenced ConfigMap is not among the files given',
  docs: 'When the files include ConfigMaps, the ConfigMaps an IBGU\'s `oadpContent` (which TALM copies from the hub) or an IBU\'s `oadpContent` and `extraManifests` refer to should be among them. A missing OADP ConfigMap is skipped by TALM with only a log line, and Prep then fails on the cluster with "OADP configmap not found". An IBGU\'s `extraManifests` ConfigMaps live on the clusters, not the hub, so they are not looked for (see ibgu/extra-manifests-on-spokes).',
  appliesTo: ['IBGU', 'IBU'],
  scope: 'workspace',
  check(resource, ctx) {
    if (ctx.workspace.ofType('ConfigMap').length === 0) return [];
    const reports: Report[] = [];
    const spec = ibuSpecOf(resource);
    const fields = resource.type === 'IBGU' ? (['oadpContent'] as const) : (['oadpContent', 'extraManifests'] as const);
    for (const field of fields) {
      const seq = getSeq(spec, field, resource.yaml.anchors);
      configMapRefs(resource, field).forEach((ref, i) => {
        if (!ref.name || !ref.namespace || ctx.workspace.find('ConfigMap', ref.namespace, ref.name)) return;
        // A ConfigMap written without a namespace gets one when it is applied (oc -n, kustomize): it may be this one.
        if (ctx.workspace.find('ConfigMap', undefined, ref.name)) return;
        const elsewhere = ctx.workspace.named('ConfigMap', ref.name).filter((c) => c.namespace).map((c) => c.namespace!);
        const hint = elsewhere.length ? ` A ConfigMap of that name is in namespace ${[...new Set(elsewhere)].join(', ')}.` : '';
        const consequence = field === 'extraManifests'
          ? 'Prep fails with "the extraManifests configMap is not found".'
          : resource.type === 'IBGU'
            ? 'TALM skips a missing OADP ConfigMap with only a log line, and Prep fails on the cluster with "OADP configmap not found".'
            : 'Prep fails with "OADP configmap not found".';
        reports.push(atItem(resource, seq?.items[i], `ConfigMap ${ref.namespace}/${ref.name} (${field}) is not in the files given.${hint} ${consequence}`));
      });
    }
    return reports;
  },
});

export const extraManifestsOnSpokesRule = defineRule({
  id: 'ibgu/extra-manifests-on-spokes',
  severity: 'info',
  title: 'TALM does not copy extraManifests ConfigMaps to the clusters',
  docs: 'TALM copies the `oadpContent` ConfigMaps and the seed pull secret to each cluster, but not the `extraManifests` ConfigMaps: those must already exist on every cluster (for example through a ZTP policy) before Prep, or before Upgrade for a plan that resumes at Upgrade. Plans without Prep or Upgrade do not read them.',
  appliesTo: ['IBGU'],
  scope: 'document',
  check(resource) {
    const spec = ibuSpecOf(resource);
    const pair = pairOf(spec, 'extraManifests');
    if (!pair || configMapRefs(resource, 'extraManifests').length === 0) return [];
    // LCA reads them at Prep (validation) and at Upgrade (applied after the pivot); other actions never do.
    const actions = (planOf(resource)?.steps ?? []).flatMap((s) => s.actions.map((a) => a.value));
    const first = actions.find((a) => a === 'Prep' || a === 'Upgrade');
    if (!first) return [];
    return [at(pair.key, `${describe(resource)}: TALM does not copy extraManifests ConfigMaps to the clusters; make sure they exist on every cluster (e.g. from a ZTP policy) before ${first}.`)];
  },
});
