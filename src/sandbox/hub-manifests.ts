/**
 * What a scenario puts on the hub before anything runs (`hubManifests`): the objects the IBGUs to try will
 * reference, as a GitOps repository would have put them there (the OADP ConfigMap above all, without which
 * every cluster fails Prep). Files are read relative to the scenario file; each may hold several documents
 * or a `kind: List`. Objects go through the hub's own admission, as a `kubectl create` would; a namespace an
 * object names is created when the hub does not have it (as Argo CD's CreateNamespace does).
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseScenario, ScenarioError, type Scenario } from './scenario';
import type { KubeObject, Store } from './store';
import { decodeObject } from './structural/admission';

const MAX_BYTES = 5 * 1024 * 1024;
const manager = { fieldManager: 'ibgu-sandbox-scenario', fromClient: true };

/** A scenario file and the objects its `hubManifests` put on the hub (`count` overrides its cluster count). */
export function readScenarioFile(file: string, count?: number): { scenario: Scenario; hubObjects: KubeObject[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScenarioError((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error));
  }
  const scenario = parseScenario(text, count);
  return { scenario, hubObjects: readHubManifests(file, scenario.hubManifests ?? []) };
}

/** The objects of the scenario's `hubManifests`, in order; ScenarioError naming the file and document otherwise. */
export function readHubManifests(scenarioFile: string, files: readonly string[]): KubeObject[] {
  const objects: KubeObject[] = [];
  files.forEach((file, i) => {
    const where = `hubManifests[${i}] (${file})`;
    const full = path.resolve(path.dirname(scenarioFile), file);
    let text: string;
    try {
      if (statSync(full).size > MAX_BYTES) throw new ScenarioError(`${where}: larger than ${MAX_BYTES / 1024 / 1024} MiB`);
      text = readFileSync(full, 'utf8');
    } catch (error) {
      if (error instanceof ScenarioError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new ScenarioError(`${where}: ${code === 'ENOENT' ? `no such file (${full})` : code === 'EISDIR' ? 'a directory, not a file' : error instanceof Error ? error.message : String(error)}`);
    }
    parseAllDocuments(text, { prettyErrors: false }).forEach((doc, d) => {
      if (!('errors' in doc)) throw new ScenarioError(`${where}: not a YAML stream`);
      if (doc.errors.length) throw new ScenarioError(`${where}, document ${d + 1}: not valid YAML: ${doc.errors[0]!.message}`);
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (error) {
        throw new ScenarioError(`${where}, document ${d + 1}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (value === null || value === undefined) return;
      const items = isObject(value) && value.kind === 'List' && Array.isArray(value.items) ? value.items : [value];
      for (const item of items) {
        if (!isObject(item) || typeof item.apiVersion !== 'string' || typeof item.kind !== 'string' || !isObject(item.metadata) || typeof item.metadata.name !== 'string') {
          throw new ScenarioError(`${where}, document ${d + 1}: not a Kubernetes object (apiVersion, kind and metadata.name are required)`);
        }
        objects.push(item as unknown as KubeObject);
      }
    });
  });
  return objects;
}

/** Creates the objects on the hub, and the namespaces they name that it lacks. ScenarioError on the first refusal. */
export function applyHubObjects(store: Store, objects: readonly KubeObject[]): void {
  const namespaceType = store.types.kind('Namespace');
  for (const object of objects) {
    const { apiVersion, kind } = object as KubeObject & { apiVersion: string; kind: string };
    const name = `${kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
    const type = store.types.byApiVersionKind(apiVersion, kind);
    if (!type) throw new ScenarioError(`hubManifests: the sandbox hub serves no ${kind} in ${apiVersion} (${name})`);
    const namespace = type.namespaced ? (object.metadata.namespace ?? 'default') : undefined;
    // A namespace is there already when the hub has it or an object before named it: nothing to do.
    if (type === namespaceType && store.get(namespaceType, undefined, object.metadata.name)) continue;
    try {
      if (namespace && !store.get(namespaceType, undefined, namespace)) store.create(namespaceType, undefined, { metadata: { name: namespace } }, manager);
      // Decoded as `kubectl create` sends it: fieldValidation=Strict.
      const decoded = structuredClone(object);
      decodeObject(type, decoded, { verb: 'create', directive: 'Strict' });
      store.create(type, namespace, decoded, manager);
    } catch (error) {
      throw new ScenarioError(`hubManifests: the hub refused ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
