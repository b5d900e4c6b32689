import type { ParsedFile, Resource, ResourceType } from './parse';
import { parseFile } from './parse';
import { applyKustomize } from './kustomize';

/** Several files at once, so that rules can resolve references across documents and files. */
export class Workspace {
  private readonly files = new Map<string, ParsedFile>();
  private cache = new Map<string, unknown>();

  constructor(files: Iterable<ParsedFile> = []) {
    for (const file of files) this.files.set(file.path, file);
  }

  static fromTexts(entries: Iterable<[path: string, text: string]>): Workspace {
    const ws = new Workspace();
    for (const [path, text] of entries) ws.set(parseFile(path, text));
    return ws;
  }

  set(file: ParsedFile): void {
    this.files.set(file.path, file);
    this.cache = new Map();
  }

  delete(path: string): void {
    if (this.files.delete(path)) this.cache = new Map();
  }

  get(path: string): ParsedFile | undefined {
    return this.files.has(path) ? this.built().get(path) : undefined;
  }

  /** The files as linted: a kustomization holds the ConfigMaps it generates, the files they take are embedded in them (kustomize.ts). */
  allFiles(): ParsedFile[] {
    return [...this.built().values()];
  }

  /** The file as linted, when `file` is the one the workspace holds at its path; otherwise `file` itself. */
  effective(file: ParsedFile): ParsedFile {
    return this.files.get(file.path) === file ? (this.built().get(file.path) ?? file) : file;
  }

  private built(): Map<string, ParsedFile> {
    return this.derive('kustomize', () => new Map(applyKustomize([...this.files.values()]).map((f) => [f.path, f])));
  }

  /** Memoises a value derived from the whole workspace until the next change. */
  derive<T>(key: string, compute: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, compute());
    return this.cache.get(key) as T;
  }

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
