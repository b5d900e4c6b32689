import { isMap, isScalar, type Node, type Scalar } from 'yaml';
import { getMap, getSeq, items, pairOf } from '../yaml/ast';
import { editDistance } from '../text/similar';
import { at, defineRule, sameQuoting } from './helpers';
import { replaceNode } from '../yaml/edit';
import type { RawFix, Report } from './types';

/**
 * The domains whose keys LCA, TALM and Velero read, with the names they know under each (upstream-facts §3.3,
 * §4.6, §4.7; LCA `controllers/utils/constants.go`, `internal/common/consts.go`, `internal/extramanifest`,
 * `internal/backuprestore`; TALM `controllers/utils/constants.go`; velero `pkg/apis/velero/v1/labels_annotations.go`).
 * Every one of them is matched by exact string: a key in a misspelt domain is silently never read.
 */
const DOMAINS: Record<string, readonly string[]> = {
  'lca.openshift.io': ['manual-cleanup-done', 'trigger-reconcile', 'apply-wave', 'apply-type', 'apply-label', 'backup', 'target-ocp-version', 'target-ocp-version-manifest-count', 'updated-reclaim-policy'],
  'auto-rollback-on-failure.lca.openshift.io': ['post-reboot-config', 'upgrade-completion', 'init-monitor', 'ip-config-run'],
  'image-cleanup.lca.openshift.io': ['on-prep', 'disk-usage-threshold-percent'],
  'extra-manifest.lca.openshift.io': ['validation-warning'],
  'lcm.openshift.io': ['prep', 'upgrade', 'rollback', 'abort', 'abortonfailure', 'finalizeupgrade', 'finalizerollback'].flatMap((a) => [`ibgu-${a}-completed`, `ibgu-${a}-failed`]),
  'velero.io': ['storage-location', 'exclude-from-backup', 'backup-name', 'restore-name', 'schedule-name'],
};

const firstLabel = (domain: string) => domain.split('.')[0];

/**
 * The domain a key's domain most likely meant, if it is 1–2 edits from one of DOMAINS and equal to none. Real
 * neighbours exist (`ocs.openshift.io` is two edits from `lca.openshift.io`), so a near domain counts only if
 * its first label is the intended one (`lca.openshit.io`: the rest is misspelt) or the name after the `/` is one
 * the intended domain knows (`lcaa.openshift.io/apply-wave`).
 */
export function intendedDomain(key: string): string | undefined {
  const slash = key.indexOf('/');
  if (slash <= 0) return undefined;
  // A workspace repeats the same few dozen keys thousands of times: each is looked at once.
  if (seen.has(key)) return seen.get(key);
  if (seen.size >= SEEN_LIMIT) seen.clear();
  const domain = nearestDomain(key, slash);
  // A copy of the key: the parser's is a slice of the document's text, which the memo must not keep alive.
  seen.set((' ' + key).slice(1), domain);
  return domain;
}

/** intendedDomain's answers by key (a bounded memo: the answer depends on the key alone). */
const seen = new Map<string, string | undefined>();
const SEEN_LIMIT = 4096;

function nearestDomain(key: string, slash: number): string | undefined {
  const domain = key.slice(0, slash).toLowerCase();
  const name = key.slice(slash + 1);
  if (Object.hasOwn(DOMAINS, domain)) return undefined;
  const near = Object.keys(DOMAINS)
    .map((d) => ({ d, distance: editDistance(domain, d, 2) }))
    .filter(({ d, distance }) => distance >= 1 && distance <= 2 && (firstLabel(d) === firstLabel(domain) || DOMAINS[d].includes(name)))
    .sort((a, b) => a.distance - b.distance);
  if (near.length === 0 || (near.length > 1 && near[1].distance === near[0].distance)) return undefined;
  return near[0].d;
}

/** The string keys of a mapping. */
function keysOf(map: ReturnType<typeof getMap>): Scalar[] {
  const keys: Scalar[] = [];
  if (!map) return keys;
  for (const { key } of map.items) if (isScalar(key) && typeof key.value === 'string') keys.push(key);
  return keys;
}

export const annotationDomainRule = defineRule({
  id: 'ibgu/annotation-domain',
  severity: 'warning',
  title: 'An annotation or label key in a misspelt lca.openshift.io, lcm.openshift.io or velero.io domain',
  evidence: 'LCA and TALM read their annotation and label keys by exact string (LCA `controllers/utils/constants.go`, `internal/common/consts.go`); a misspelt domain is ignored',
  docs: 'LCA, TALM and Velero read their annotations and labels by exact key, so a key like `lca.openshit.io/manual-cleanup-done` (a typo in LCA\'s own docs) is silently ignored: the cleanup is never acknowledged, an `apply-wave` never orders anything, a `Disabled` auto-rollback stays enabled. Reported for keys 1–2 edits from `lca.openshift.io` (and its `auto-rollback-on-failure.`, `image-cleanup.`, `extra-manifest.` subdomains), `lcm.openshift.io` or `velero.io`, in metadata.annotations and metadata.labels of the kinds IBGU Tools knows and of objects inside ConfigMaps, and in an IBGU\'s clusterLabelSelectors. The quick fix corrects the domain; `--fix` does not apply it: the corrected key takes effect (LCA acts on it), which is a change of behaviour to make on purpose.',
  appliesTo: ['IBGU', 'IBU', 'Backup', 'Restore', 'ConfigMap', 'ManagedCluster', 'Other'],
  scope: 'document',
  check(resource) {
    // Other objects are ours to read only inside ConfigMaps (extra manifests and OADP content).
    if (resource.type === 'Other' && !resource.yaml.embedding) return [];
    const anchors = resource.yaml.anchors;
    const metadata = getMap(resource.root, 'metadata', anchors);
    const reports: Report[] = [];
    const check = (node: Scalar, what: string, selector = false) => {
      const key = node.value as string;
      const domain = intendedDomain(key);
      if (!domain) return;
      const fixed = `${domain}${key.slice(key.indexOf('/'))}`;
      const fix: RawFix = { title: `Change to ${fixed}`, edits: [replaceNode(node as Node, sameQuoting(node as { type?: string }, fixed))], preferred: true, autofix: false };
      const effect = selector ? 'no controller sets it on clusters, so the selector does not select what it says' : 'nothing reads it, so it has no effect';
      reports.push(at(node, `${what} "${key}" is not in ${domain}: ${effect}. Did you mean "${fixed}"?`, [fix]));
    };
    for (const key of keysOf(getMap(metadata, 'annotations', anchors))) check(key, 'The annotation');
    for (const key of keysOf(getMap(metadata, 'labels', anchors))) check(key, 'The label');
    if (resource.type === 'IBGU') {
      const spec = getMap(resource.root, 'spec', anchors);
      for (const selector of items(getSeq(spec, 'clusterLabelSelectors', anchors), anchors)) {
        if (!isMap(selector)) continue;
        for (const key of keysOf(getMap(selector, 'matchLabels', anchors))) check(key, 'The selector label', true);
        for (const expression of items(getSeq(selector, 'matchExpressions', anchors), anchors)) {
          const value = isMap(expression) ? pairOf(expression, 'key')?.value : undefined;
          if (isScalar(value) && typeof value.value === 'string') check(value, 'The selector label', true);
        }
      }
    }
    return reports;
  },
});

