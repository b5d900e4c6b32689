import { getMap } from '../yaml/ast';
import { generatedBy } from '../yaml/kustomize';
import { configMapRefs } from '../lca/configmaps';
import { defineRule } from './helpers';
import type { RawFix, Report } from './types';
import type { Resource } from '../yaml/parse';

/**
 * kustomize renames a generated ConfigMap `<name>-<hash of its data>` unless `disableNameSuffixHash` is set, and
 * rewrites references to it only at the fields of its nameReference configuration
 * (kubernetes-sigs/kustomize api/internal/konfig/builtinpluginconsts/namereference.go: Pod/PodTemplate/workload
 * volumes, env and envFrom, Node configSource, Role/ClusterRole resourceNames, an Ingress annotation). An IBGU's
 * or IBU's `oadpContent`/`extraManifests` is not among them, so the reference keeps the bare name.
 */
export const generatedNameHashRule = defineRule({
  id: 'ibgu/generated-name-hash',
  severity: 'warning',
  title: 'A ConfigMap an IBGU/IBU references is generated with a name hash suffix',
  evidence: 'kustomize `api/internal/konfig/builtinpluginconsts/namereference.go`: no IBGU or IBU field is rewritten to the hashed name; the reference then names nothing',
  docs: 'kustomize names a `configMapGenerator` ConfigMap `<name>-<hash>` unless `disableNameSuffixHash: true` is set in the generator\'s `options` or in `generatorOptions`. It rewrites references to the new name only in the fields its nameReference configuration lists (Pod volumes, env, envFrom and the like); an IBGU\'s or IBU\'s `oadpContent` and `extraManifests` are not among them, so the reference names a ConfigMap that does not exist. The quick fix adds `options: {disableNameSuffixHash: true}` to the generator (it changes the generated name, so it is not applied by `--fix`).',
  appliesTo: ['ConfigMap'],
  scope: 'workspace',
  check(resource, ctx) {
    const generated = generatedBy(resource);
    if (!generated || generated.keepsName || !resource.name) return [];
    // A reference to the bare name, or to a hashed name copied from one build (`<name>-` and kustomize's 10-character
    // hash, e.g. LCA's 2023 docs: `oadp-cm-8g2mm56c2f`), which a change to any of the generator's files makes stale.
    const hashed = new RegExp(`^${resource.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[a-z0-9]{10}$`);
    const refs = (owner: Resource) => (['oadpContent', 'extraManifests'] as const).flatMap((field) => configMapRefs(owner, field)).filter((ref) => ref.namespace === resource.namespace || resource.namespace === undefined);
    const referrers = [...ctx.workspace.ofType('IBGU'), ...ctx.workspace.ofType('IBU')].filter((owner) => refs(owner).some((ref) => ref.name === resource.name));
    const copied = [...ctx.workspace.ofType('IBGU'), ...ctx.workspace.ofType('IBU')].flatMap((owner) => refs(owner).filter((ref) => ref.name !== undefined && hashed.test(ref.name)).map((ref) => ({ owner, name: ref.name! })));
    if (referrers.length === 0 && copied.length === 0) return [];
    const nameNode = getMap(resource.root, 'metadata')?.get('name', true) as { range?: [number, number, number] } | undefined;
    const [start, end] = nameNode?.range ?? [generated.entry.start, generated.entry.start + 1];
    const who = referrers.map((r) => `${r.kind} ${r.name ?? ''}`.trim()).join(', ');
    const fix: RawFix = { title: 'Add options: {disableNameSuffixHash: true} to this generator', preferred: true, edits: [{ start: generated.insertAt, end: generated.insertAt, newText: `${generated.atEndOfText ? '\n' : ''}${generated.indent}options:\n${generated.indent}  disableNameSuffixHash: true\n` }] };
    const report: Report = {
      start,
      end,
      message: referrers.length
        ? `kustomize generates this ConfigMap as ${resource.name}-<hash> (no disableNameSuffixHash), and does not rewrite ${who}'s reference to ${resource.name}: LCA will not find it. Add options: {disableNameSuffixHash: true} to the generator or generatorOptions.`
        : `kustomize generates this ConfigMap as ${resource.name}-<hash> (no disableNameSuffixHash); ${copied.map((c) => `${c.owner.kind} ${c.owner.name ?? ''}`.trim() + ` references ${c.name}`).join(', ')}, a hash from one build that changes whenever a file of this generator changes, and the reference then names nothing. Add options: {disableNameSuffixHash: true} and reference ${resource.name}.`,
      fixes: getMap(resource.root, 'metadata') && !hasOptions(resource) ? [fix] : undefined,
    };
    return [report];
  },
});

/** The generator entry has an `options:` key already: adding a second one would be a duplicate key. */
function hasOptions(resource: Parameters<typeof generatedBy>[0]): boolean {
  const g = generatedBy(resource)!;
  return /(^|\n)[ -]*options\s*:/.test(resource.yaml.text.slice(g.entry.start, g.entry.end));
}
