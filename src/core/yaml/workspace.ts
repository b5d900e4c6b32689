import type { ParsedFile, Resource, ResourceType } from './parse';
import { parseFile } from './parse';
import { applyKustomize } from './kustomize';

/**
 * What the workspace keeps of a resource whose tree was let go (rules/facts.ts `retire`): the facts other
 * documents' rules may read of it. Only files that no cross-document rule reads by type are retired.
 */
export interface RetiredResource {
  readonly type: ResourceType;
  /** LVM Storage evidence (lca/configmaps.ts `evidenceOf`), the one fact read across all resources. */
  readonly lvms?: { readonly strong: boolean; readonly why: string };
  /** The resource's entry in the workspace facts key (rules/facts.ts). */
  readonly facts: string;
}

/** A file held as facts only: its path, and per resource in document order what others may read of it. */
export interface RetiredFile {
  readonly path: string;
  readonly retired: readonly RetiredResource[];
}

export const isRetired = (file: ParsedFile | RetiredFile): file is RetiredFile => 'retired' in file;

/** Several files at once, so that rules can resolve references across documents and files. */
export class Workspace {
  private readonly files = new Map<string, ParsedFile | RetiredFile>();
  private cache = new Map<string, unknown>();

  constructor(files: Iterable<ParsedFile | RetiredFile> = []) {
    for (const file of files) this.files.set(file.path, file);
  }

  static fromTexts(entries: Iterable<[path: string, text: string]>): Workspace {
    const ws = new Workspace();
    for (const [path, text] of entries) ws.set(parseFile(path, text));
    return ws;
  }

  /** Adds or replaces the file at its path (a retired file keeps its position in the order). */
  set(file: ParsedFile | RetiredFile): void {
    this.files.set(file.path, file);
    this.cache = new Map();
  }

  delete(path: string): void {
    if (this.files.delete(path)) this.cache = new Map();
  }

  /** The file as linted; undefined for a path the workspace does not hold or holds as facts only. */
  get(path: string): ParsedFile | undefined {
    return this.files.has(path) ? this.built().get(path) : undefined;
  }

  /** The files as linted: a kustomization holds the ConfigMaps it generates, the files they take are embedded in them (kustomize.ts). */
  allFiles(): ParsedFile[] {
    return [...this.built().values()];
  }

  /** Every file in order, those held as facts only included. */
  entries(): (ParsedFile | RetiredFile)[] {
    const built = this.built();
    return [...this.files.values()].map((f) => (isRetired(f) ? f : (built.get(f.path) ?? f)));
  }

  /** The file as linted, when `file` is the one the workspace holds at its path; otherwise `file` itself. */
  effective(file: ParsedFile): ParsedFile {
    return this.files.get(file.path) === file ? (this.built().get(file.path) ?? file) : file;
  }

  private built(): Map<string, ParsedFile> {
    return this.derive('kustomize', () => {
      const live: ParsedFile[] = [];
      for (const f of this.files.values()) if (!isRetired(f)) live.push(f);
      return new Map(applyKustomize(live).map((f) => [f.path, f]));
    });
  }

  /** Memoises a value derived from the whole workspace until the next change. */
  derive<T>(key: string, compute: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, compute());
    return this.cache.get(key) as T;
  }

  /** The resources of the files held whole (retired files are read through `entries`). */
  resources(): Resource[] {
    return this.derive('resources', () => this.allFiles().flatMap((f) => f.resources));
  }

  ofType(type: ResourceType): Resource[] {
    return this.derive(`type:${type}`, () => this.resources().filter((r) => r.type === type));
  }

  /** Top-level (not embedded) resources of a kind with a name, in any namespace. */
  named(type: ResourceType, name: string): Resource[] {
    const index = this.derive(`named:${type}`, () => {
      const map = new Map<string, Resource[]>();
      for (const r of this.ofType(type)) if (!r.yaml.embedding && r.name !== undefined) map.set(r.name, [...(map.get(r.name) ?? []), r]);
      return map;
    });
    return index.get(name) ?? [];
  }

  /** Top-level (not embedded) resources of a kind by namespace and name. */
  find(type: ResourceType, namespace: string | undefined, name: string | undefined): Resource | undefined {
    const index = this.derive(`index:${type}`, () => {
      const map = new Map<string, Resource>();
      for (const r of this.ofType(type)) if (!r.yaml.embedding) map.set(`${r.namespace ?? ''}/${r.name ?? ''}`, r);
      return map;
    });
    return index.get(`${namespace ?? ''}/${name ?? ''}`);
  }
}
