import { perResource } from '../yaml/memo';
import { configMapRefs, evidenceOf } from '../lca/configmaps';
import { mayGenerate } from '../yaml/kustomize';
import { backupCoversVolumes } from './support/lvms';
import { getMap, getString } from '../yaml/ast';
import { refused } from '../yaml/parse';
import { generatedBy } from '../yaml/kustomize';
import type { LintOptions } from './types';
import { isRetired, type RetiredFile, type Workspace } from '../yaml/workspace';
import type { ParsedFile, ResourceType } from '../yaml/parse';

/**
 * What a resource tells the cross-document rules about itself: identity, ConfigMap references, OADP
 * membership, LVM Storage evidence, a Restore's Backup, whether a Backup takes volumes. Rules that take the
 * workspace into account read other resources only through these facts, so while no fact of any resource
 * changes, their results for an unchanged resource stay valid.
 */
const factsOf = perResource((r): string => {
  const host = r.yaml.embedding ? `${r.yaml.embedding.configMap.namespace ?? ''}/${r.yaml.embedding.configMap.name ?? ''}#${r.yaml.embedding.key}` : '';
  const parts: unknown[] = [r.type, r.apiVersion, r.kind, r.name ?? '', r.namespace ?? '', host, evidenceOf(r)?.why ?? ''];
  if (r.type === 'IBGU' || r.type === 'IBU') parts.push(configMapRefs(r, 'oadpContent'), configMapRefs(r, 'extraManifests'));
  if (r.type === 'ConfigMap') parts.push(r.embedded.map((d) => `${d.embedding?.key}:${refused(d) ? 'refused' : d.problems.filter((p) => p.severity === 'error').length}`));
  if (r.type === 'Backup') parts.push(backupCoversVolumes(r));
  // A generated ConfigMap: whether kustomize keeps its name, and the files it could not take.
  const generated = r.type === 'ConfigMap' ? generatedBy(r) : undefined;
  if (generated) parts.push(generated.keepsName, generated.problems.map((p) => p.message));
  if (r.type === 'ConfigMap') parts.push(directoryOf(r));
  if (r.type === 'Restore') {
    // As the rules read it (restore-lvms.ts, restore-backup-name.ts): a `spec` that is not a mapping has no backupName.
    parts.push(getString(getMap(r.root, 'spec', r.yaml.anchors), 'backupName', r.yaml.anchors) ?? '');
  }
  return JSON.stringify(parts);
});

/** The folder of a resource's file (extra-manifests-on-spokes.ts: a ConfigMap beside the IBGU). */
export function directoryOf(r: { path: string }): string {
  return r.path.replace(/[^/\\]*$/, '');
}

const ids = new WeakMap<object, number>();
let nextId = 1;
const idOf = (o: object) => ids.get(o) ?? (ids.set(o, nextId++), ids.get(o)!);

/**
 * Per workspace, the state its key was last computed for: its files, and their facts once computed. The
 * facts are computed only to compare two states that share resources; a state whose resources are all new
 * (a file just opened) gets a new generation without them, as no cached result could be reused anyway.
 */
interface FactsState {
  id: number;
  generation: number;
  /** The files of the state while its facts are not computed (dropped once they are). */
  files?: readonly (ParsedFile | RetiredFile)[];
  facts?: string;
}
const states = new WeakMap<Workspace, FactsState>();
/** The id of the last state each resource was part of. */
const stateOf = new WeakMap<object, number>();

const factsOfFiles = (files: readonly (ParsedFile | RetiredFile)[]) => files.flatMap((f) => (isRetired(f) ? f.retired.map((r) => r.facts) : f.resources.map(factsOf))).join('\n');

function factsOfState(state: FactsState): string {
  if (state.facts === undefined) {
    state.facts = factsOfFiles(state.files ?? []);
    state.files = undefined;
  }
  return state.facts;
}

/** A short key that changes whenever a fact of any resource, or an option those rules read, changes. */
export function workspaceFactsKey(ws: Workspace, options: LintOptions): string {
  const generation = ws.derive('factsGeneration', () => {
    const files = ws.entries();
    const last = states.get(ws);
    const current: FactsState = { id: nextId++, generation: 0, files };
    // Whether a resource of this state was in the last one (a file held as facts only counts as one).
    let shared = false;
    for (const f of files) {
      if (isRetired(f)) {
        shared = true;
        continue;
      }
      for (const r of f.resources) {
        if (last && stateOf.get(r) === last.id) shared = true;
        stateOf.set(r, current.id);
      }
    }
    // One comparison per workspace change, not one per resource and rule.
    current.generation = last && shared && factsOfState(last) === factsOfState(current) ? last.generation : nextId++;
    states.set(ws, current);
    return current.generation;
  });
  return `${options.lvms ?? 'auto'}|${options.previous ? idOf(options.previous) : 0}|${options.hub ? idOf(options.hub) : 0}|${generation}`;
}

/**
 * The types cross-document rules look up in other documents (the workspace's `ofType`, `find`, `named`
 * and the OADP sets read only these); of every other resource they read its LVM Storage evidence alone.
 */
export const READ_ACROSS: ReadonlySet<ResourceType> = new Set<ResourceType>(['IBGU', 'IBU', 'ConfigMap', 'Backup', 'Restore']);

/**
 * Whether no cross-document rule reads this file beyond its facts, and no rule checking it reads other
 * documents: no resource of a type in READ_ACROSS, not a kustomization with generators, not taken by a configMapGenerator
 * (`taken`, kustomize.ts `generatorInputs`). Its findings are then the same in any workspace, and the
 * workspace may hold it as facts only (`retire`). test/core/lint/retire.test.ts holds the rules to that.
 */
export function standsAlone(file: ParsedFile, taken: (path: string) => boolean): boolean {
  if (mayGenerate(file) || taken(file.path)) return false;
  return file.resources.every((r) => !READ_ACROSS.has(r.type) && !r.yaml.embedding);
}

/**
 * The same string, made one piece. V8's JSON.stringify returns a longer string as a chain of the pieces it
 * was built in (cons strings: 90,000 of them, 2.8 MB, for the 48,913 retired resources of the fleet tree in
 * bench/lint-fleet.bench.ts); reading a character joins them in place, and the garbage collector lets the
 * pieces go. Heap held after building that workspace: 72.5 -> 69.2 MB.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** The facts of a file, for a workspace that lets its tree go. */
export function retire(file: ParsedFile): RetiredFile {
  return {
    path: file.path,
    retired: file.resources.map((r) => {
      const lvms = evidenceOf(r);
      return { type: r.type, facts: flat(factsOf(r)), ...(lvms ? { lvms: { strong: lvms.strong, why: lvms.why } } : {}) };
    }),
  };
}
