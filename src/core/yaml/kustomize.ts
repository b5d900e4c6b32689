import { isMap, isScalar, Pair, Scalar, YAMLMap } from 'yaml';
import { getMap, getSeq, getString, asScalar, asMap, type AnchorTable } from './ast';
import { identityMap } from './offset-map';
import { resourcesOf, type ParsedFile, type Resource, type YamlDocument } from './parse';

/**
 * kustomize's `configMapGenerator`, as ZTP builds the OADP ConfigMap from Backup/Restore files
 * (openshift-kni/cnf-features-deploy ztp/gitops-subscriptions/argocd/example/image-based-upgrades/kustomization.yaml:
 * `configMapGenerator: [{files: [source-crs/ibu/PlatformBackupRestore.yaml], name: oadp-cm, namespace: ztp-common}]`,
 * `generatorOptions: {disableNameSuffixHash: true}`).
 *
 * Understood: a `kustomization.yaml` (kind Kustomization or none, apiVersion kustomize.config.k8s.io/*) with
 * `configMapGenerator[].{name, namespace, files (path or key=path), literals (key=value), options.disableNameSuffixHash}`,
 * `generatorOptions.disableNameSuffixHash` and the kustomization's `namespace:` (which kustomize applies to
 * generated objects too). The generated ConfigMap is a resource of the kustomization file (at its generator
 * entry); the files it takes become its `data` values: their documents are embedded in it, in their own file,
 * so positions stay those of the real file. Not understood (ignored): resources, bases/overlays, components,
 * patches, `behavior: merge|replace`, `envs`, name prefixes/suffixes, secretGenerator.
 *
 * Files are looked up among the files given only (nothing is read here); a path that is absolute or leaves
 * the kustomization's directory is refused, as kustomize's default load restrictor does.
 */

/** What a generated ConfigMap knows of its generator. */
export interface GeneratedBy {
  /** The kustomization file. */
  readonly path: string;
  /** The generator entry, by offsets in the kustomization's text. */
  readonly entry: { start: number; end: number };
  /** Where a new key of the entry goes (the start of the line after its last value) and its indentation. */
  readonly insertAt: number;
  /** The entry ends the text without a line break: a new key needs one first. */
  readonly atEndOfText: boolean;
  readonly indent: string;
  /** Whether kustomize keeps the name as written (`disableNameSuffixHash`, per generator or in generatorOptions). */
  readonly keepsName: boolean;
  /** Problems with the files the generator takes: missing, outside the directory, too large. */
  readonly problems: readonly { start: number; end: number; message: string }[];
}

/** Kubernetes refuses a ConfigMap over 1 MiB (k8s.io/api core/v1 ConfigMap: "cannot exceed 1 MiB"). */
export const MAX_GENERATED_BYTES = 1024 * 1024;

const KUSTOMIZATION_FILE = /(^|[/\\])(kustomization\.ya?ml|Kustomization)$/;

/** Whether kustomize would read the file at this path as a kustomization. */
export const isKustomizationPath = (path: string): boolean => KUSTOMIZATION_FILE.test(path);

/** Whether `applyKustomize` may change this file: a kustomization that mentions configMapGenerator at all. */
export function mayGenerate(file: ParsedFile): boolean {
  return KUSTOMIZATION_FILE.test(file.path) && file.text.includes('configMapGenerator') && !!kustomizationRoot(file);
}

/**
 * Which paths the configMapGenerators of these kustomizations take (found or not, within size or not):
 * the files `applyKustomize` may embed, so their trees must stay.
 */
export function generatorInputs(kustomizations: Iterable<ParsedFile>): (path: string) => boolean {
  const keys = new Set<string>();
  for (const k of kustomizations) {
    const found = KUSTOMIZATION_FILE.test(k.path) ? kustomizationRoot(k) : undefined;
    if (!found) continue;
    const anchors = found.doc.anchors;
    for (const item of getSeq(found.root, 'configMapGenerator', anchors)?.items ?? []) {
      for (const file of getSeq(asMap(item, anchors), 'files', anchors)?.items ?? []) {
        const s = asScalar(file, anchors);
        if (!s || typeof s.value !== 'string') continue;
        const eq = s.value.indexOf('=');
        const resolved = resolve(k.path, eq > 0 ? s.value.slice(eq + 1) : s.value);
        if (typeof resolved === 'string') keys.add(resolved);
      }
    }
  }
  return (path) => keys.has(lookupKey(path));
}

/** The files as kustomize would build them: each kustomization gains its generated ConfigMaps, the files they take are embedded. */
export function applyKustomize(files: ParsedFile[]): ParsedFile[] {
  const kustomizations = files.filter((f) => KUSTOMIZATION_FILE.test(f.path) && kustomizationRoot(f));
  if (kustomizations.length === 0) return files;
  const byKey = new Map<string, ParsedFile>();
  for (const f of files) byKey.set(lookupKey(f.path), f);
  const replaced = new Map<ParsedFile, ParsedFile>();
  const taken = new Set<ParsedFile>();
  for (const k of kustomizations) {
    const { root, doc } = kustomizationRoot(k)!;
    const generated: Resource[] = [];
    const anchors = doc.anchors;
    const kNamespace = getString(root, 'namespace', anchors);
    const globalKeep = truthy(getMap(root, 'generatorOptions', anchors), anchors);
    for (const item of getSeq(root, 'configMapGenerator', anchors)?.items ?? []) {
      const entry = asMap(item, anchors);
      if (!entry) continue;
      const cm = generate(k, doc, entry, kNamespace, globalKeep, byKey, taken, replaced);
      if (cm) generated.push(cm);
    }
    if (generated.length) replaced.set(k, { ...k, resources: [...(replaced.get(k) ?? k).resources, ...generated] });
  }
  return files.map((f) => replaced.get(f) ?? f);
}

function kustomizationRoot(file: ParsedFile): { root: YAMLMap<unknown, unknown>; doc: YamlDocument } | undefined {
  const doc = file.documents[0];
  const root = doc?.doc.contents;
  if (!isMap(root) || doc.aliasBomb || doc.tooDeep || doc.failure) return undefined;
  const apiVersion = getString(root, 'apiVersion', doc.anchors);
  const kind = getString(root, 'kind', doc.anchors);
  if (apiVersion !== undefined && !apiVersion.startsWith('kustomize.config.k8s.io/')) return undefined;
  if (kind !== undefined && kind !== 'Kustomization') return undefined;
  return { root, doc };
}

const truthy = (options: YAMLMap<unknown, unknown> | undefined, anchors: AnchorTable) => asScalar(options?.get('disableNameSuffixHash', true), anchors)?.value === true;

function generate(
  k: ParsedFile,
  doc: YamlDocument,
  entry: YAMLMap<unknown, unknown>,
  kNamespace: string | undefined,
  globalKeep: boolean,
  byKey: Map<string, ParsedFile>,
  taken: Set<ParsedFile>,
  replaced: Map<ParsedFile, ParsedFile>,
): Resource | undefined {
  const anchors = doc.anchors;
  const nameNode = asScalar(entry.get('name', true), anchors);
  const name = getString(entry, 'name', anchors);
  if (!nameNode || !name) return undefined;
  const nsNode = (kNamespace !== undefined ? asScalar((doc.doc.contents as YAMLMap).get('namespace', true), anchors) : undefined) ?? asScalar(entry.get('namespace', true), anchors);
  const namespace = kNamespace ?? getString(entry, 'namespace', anchors);
  const [start, end] = entry.range ?? [0, 0];
  const text = k.text;
  const keyStart = (isScalar((entry.items[0] as Pair | undefined)?.key) ? ((entry.items[0] as Pair).key as Scalar).range?.[0] : undefined) ?? start;
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  // New keys go after the entry's last value, at the column of its first key.
  const lastValue = (entry.items[entry.items.length - 1] as Pair | undefined)?.value as { range?: [number, number, number] } | undefined;
  let insertAt = lastValue?.range?.[1] ?? end;
  if (text[insertAt - 1] !== '\n') {
    const newline = text.indexOf('\n', insertAt);
    insertAt = newline === -1 ? text.length : newline + 1;
  }
  const problems: { start: number; end: number; message: string }[] = [];

  const root = new YAMLMap<unknown, unknown>();
  const at = (value: unknown, node: { range?: [number, number, number] | null } | undefined) => {
    const s = new Scalar(value);
    s.range = node?.range ? [...node.range] as [number, number, number] : [start, end, end];
    return s;
  };
  root.range = [start, end, end];
  root.items.push(new Pair(at('apiVersion', nameNode), at('v1', nameNode)), new Pair(at('kind', nameNode), at('ConfigMap', nameNode)));
  const metadata = new YAMLMap<unknown, unknown>();
  metadata.range = [start, end, end];
  metadata.items.push(new Pair(at('name', nameNode), nameNode));
  if (namespace !== undefined && nsNode) metadata.items.push(new Pair(at('namespace', nsNode), nsNode));
  root.items.push(new Pair(at('metadata', nameNode), metadata));
  const data = new YAMLMap<unknown, unknown>();
  data.range = [start, end, end];
  for (const lit of getSeq(entry, 'literals', anchors)?.items ?? []) {
    const s = asScalar(lit, anchors);
    if (!s || typeof s.value !== 'string') continue;
    const eq = s.value.indexOf('=');
    if (eq <= 0) continue;
    data.items.push(new Pair(at(s.value.slice(0, eq), s), at(s.value.slice(eq + 1), s)));
  }
  root.items.push(new Pair(at('data', nameNode), data));

  const yaml: YamlDocument = {
    doc: { contents: root as never, range: [start, end, end], errors: [], warnings: [] },
    text,
    map: identityMap,
    index: doc.index,
    anchors: new Map(),
    problems: [],
    start,
    end,
  };
  const embedded: YamlDocument[] = [];
  const configMap: Resource & { generated: GeneratedBy } = {
    yaml,
    root,
    apiVersion: 'v1',
    kind: 'ConfigMap',
    group: '',
    version: 'v1',
    type: 'ConfigMap',
    name,
    namespace,
    path: k.path,
    embedded,
    generated: {
      path: k.path,
      entry: { start, end },
      insertAt,
      atEndOfText: text[insertAt - 1] !== '\n',
      indent: text.slice(lineStart, keyStart).replace(/-/, ' '),
      keepsName: globalKeep || truthy(getMap(entry, 'options', anchors), anchors),
      problems,
    },
  };

  let bytes = 0;
  for (const item of getSeq(entry, 'files', anchors)?.items ?? []) {
    const s = asScalar(item, anchors);
    if (!s || typeof s.value !== 'string') continue;
    const [is, ie] = s.range ?? [start, start + 1];
    const eq = s.value.indexOf('=');
    const key = eq > 0 ? s.value.slice(0, eq) : undefined;
    const rel = eq > 0 ? s.value.slice(eq + 1) : s.value;
    const resolved = resolve(k.path, rel);
    if (typeof resolved !== 'string') {
      problems.push({ start: is, end: ie, message: `${resolved.refused} kustomize refuses it too (files must be under the kustomization's directory); it was not read.` });
      continue;
    }
    const target = byKey.get(lookupKey(resolved));
    if (!target) {
      problems.push({ start: is, end: ie, message: `File ${rel} is not among the files given (missing, unreadable, too large or not YAML text), so ConfigMap ${name} was checked without it. kustomize fails the build when a generator's file is missing.` });
      continue;
    }
    if (target === k) continue;
    bytes += target.text.length;
    if (bytes > MAX_GENERATED_BYTES) {
      problems.push({ start: is, end: ie, message: `With ${rel}, ConfigMap ${name} holds more than ${MAX_GENERATED_BYTES.toLocaleString('en-US')} bytes: the API server refuses a ConfigMap over 1 MiB. It was checked without this file.` });
      continue;
    }
    if (taken.has(target)) continue;
    taken.add(target);
    const dataKey = key ?? rel.slice(rel.lastIndexOf('/') + 1);
    data.items.push(new Pair(at(dataKey, s), at('', s)));
    // The file's documents become the ConfigMap value's: same text, same positions, now embedded.
    const documents = target.documents.map((d) => ({ ...d, embedding: { configMap, key: dataKey } }));
    embedded.push(...documents);
    const current = replaced.get(target) ?? target;
    replaced.set(target, { ...current, documents, resources: documents.flatMap((d) => resourcesOf(d, target.path)) });
  }
  return configMap;
}

/** A path to look files up by: URIs decoded, so `%40` and `@` meet. */
function lookupKey(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** The path of a generator's file, relative to the kustomization's directory, or why it is refused. */
export function resolve(kustomizationPath: string, rel: string): string | { refused: string } {
  if (/^([a-zA-Z]:)?[/\\]/.test(rel) || /^[a-z][a-z0-9+.-]*:\/\//i.test(rel)) return { refused: `${rel} is an absolute path or a URL.` };
  const parts: string[] = [];
  for (const part of rel.split(/[/\\]/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return { refused: `${rel} leaves the kustomization's directory.` };
      parts.pop();
    } else parts.push(part);
  }
  if (parts.length === 0) return { refused: `${rel} names no file.` };
  const slash = Math.max(kustomizationPath.lastIndexOf('/'), kustomizationPath.lastIndexOf('\\'));
  const dir = kustomizationPath.slice(0, slash + 1);
  return lookupKey(dir) + parts.join('/');
}

/** The generator of a ConfigMap, if kustomize generates it. */
export function generatedBy(configMap: Resource): GeneratedBy | undefined {
  return (configMap as { generated?: GeneratedBy }).generated;
}

