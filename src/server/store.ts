import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineIndex, parseIncremental, Workspace, type IncrementalFile, type LintCache, type ParsedFile } from '../core/index';
import { isBinary } from '../core/text/binary';
import { fileUri } from './file-uri';

const YAML_FILE = /\.ya?ml$/i;
const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn', 'dist', 'out']);
/** Bounds for reading workspace folders, so that a huge monorepo cannot stall the server. */
const MAX_WORKSPACE_FILES = 20_000;

export interface OpenDocument {
  version: number;
  file: IncrementalFile;
}

/** An open document's latest text, parsed when first needed: a burst of edits is parsed once, not per edit. */
interface OpenEntry {
  version: number;
  text: string;
  maxBytes: number;
  parsed?: OpenDocument;
  /** The last parse of the document while this version is not parsed yet: its unchanged documents are reused. */
  base?: IncrementalFile;
}

/**
 * Everything the server knows: the documents open in the editor (their current text, parsed incrementally)
 * over the YAML files of the workspace folders (read from disk for cross-file rules).
 */
export class Store {
  readonly workspace = new Workspace();
  /** Document-scoped rule results, reused while a document's text is unchanged. */
  readonly lintCache: LintCache = new WeakMap();
  private readonly open = new Map<string, OpenEntry>();
  private readonly onDisk = new Set<string>();
  private folders: string[] = [];
  private changes = 0;

  /** Counts the changes of `workspace`: a validation that paused across one is stale. */
  get generation(): number {
    return this.changes;
  }

  isOpen(uri: string): boolean {
    return this.open.has(uri);
  }

  openDocuments(): string[] {
    return [...this.open.keys()];
  }

  /** The version of an open document, without parsing it. */
  version(uri: string): number | undefined {
    return this.open.get(uri)?.version;
  }

  /** An open document, parsed at its latest version. */
  document(uri: string): OpenDocument | undefined {
    const entry = this.open.get(uri);
    if (entry && !entry.parsed) {
      entry.parsed = { version: entry.version, file: this.parse(uri, entry) };
      entry.base = undefined;
    }
    return entry?.parsed;
  }

  /** Parses the open documents that changed, so that the workspace holds their latest text (cross-file rules). */
  settle(): void {
    for (const uri of this.open.keys()) this.document(uri);
  }

  /** Takes a new version of an open document; it is parsed when something needs it (see `document`). */
  update(uri: string, version: number, text: string, maxBytes = Infinity): void {
    const previous = this.open.get(uri);
    if (previous && previous.version === version) return;
    this.open.set(uri, { version, text, maxBytes, base: previous?.parsed?.file ?? previous?.base });
  }

  private parse(uri: string, entry: OpenEntry): IncrementalFile {
    const { text } = entry;
    this.changes++;
    if (text.length > entry.maxBytes || isBinary(text)) {
      // Too large to validate (ibgu.maxFileSizeKb), or binary: not parsed at all; the validator says so.
      this.workspace.delete(uri);
      return { path: uri, text, lines: new LineIndex(text), documents: [], resources: [], chunks: new Map(), reparsed: 0 };
    }
    // Opening a file read from the workspace reuses its documents: nothing is parsed twice.
    const base = entry.base ?? (this.workspace.get(uri) as IncrementalFile | undefined);
    const file = parseIncremental(uri, text, base && 'chunks' in base ? base : undefined);
    this.workspace.set(file);
    return file;
  }

  /** A closed document falls back to its file on disk, if it is part of the workspace. */
  async close(uri: string, maxBytes: number): Promise<void> {
    this.open.delete(uri);
    this.changes++;
    if (this.onDisk.has(uri)) await this.readFromDisk(uri, maxBytes);
    else this.workspace.delete(uri);
  }

  /** Files of the workspace folders (not the open ones), for "Validate Workspace". */
  workspaceFiles(): ParsedFile[] {
    return [...this.onDisk].map((uri) => this.workspace.get(uri)).filter((f): f is ParsedFile => !!f);
  }

  get workspaceFileCount(): number {
    return this.onDisk.size;
  }

  inFolders(uri: string): boolean {
    if (!uri.startsWith('file:')) return false;
    const file = fileURLToPath(uri);
    return this.folders.some((folder) => file === folder || file.startsWith(folder + path.sep));
  }

  /** Reads the YAML files of the folders, yielding to the event loop so requests are still answered. */
  async index(folderUris: string[], maxBytes: number, shouldStop: () => boolean): Promise<number> {
    this.folders = folderUris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    const files: string[] = [];
    for (const folder of this.folders) await walk(folder, files, new Set());
    let read = 0;
    for (const file of files.slice(0, MAX_WORKSPACE_FILES)) {
      if (shouldStop()) break;
      // Written the way VS Code writes it (e.g. `@` as %40), so a file read here and the same file opened
      // in the editor are one entry, not two.
      const uri = fileUri(file);
      if (!this.open.has(uri)) await this.readFromDisk(uri, maxBytes);
      this.onDisk.add(uri);
      if (++read % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return read;
  }

  /** A watched file changed on disk. Returns whether the workspace changed. */
  async changed(uri: string, deleted: boolean, maxBytes: number): Promise<boolean> {
    if (!YAML_FILE.test(uri) || !this.inFolders(uri)) return false;
    if (deleted) {
      this.onDisk.delete(uri);
      if (!this.open.has(uri)) this.workspace.delete(uri);
      this.changes++;
      return true;
    }
    this.onDisk.add(uri);
    if (this.open.has(uri)) return false;
    await this.readFromDisk(uri, maxBytes);
    return true;
  }

  private async readFromDisk(uri: string, maxBytes: number): Promise<void> {
    try {
      const file = fileURLToPath(uri);
      const stat = await fs.stat(file);
      const bytes = stat.size > maxBytes ? undefined : await fs.readFile(file);
      this.changes++;
      if (!bytes || isBinary(bytes)) this.workspace.delete(uri);
      else {
        // From the version held (the closed document's, or an older read): unchanged documents keep their
        // resource objects, so the lint cache still answers for them when the file is opened again.
        const base = this.workspace.get(uri) as IncrementalFile | undefined;
        this.workspace.set(parseIncremental(uri, bytes.toString('utf8'), base && 'chunks' in base ? base : undefined));
      }
    } catch {
      this.changes++;
      this.workspace.delete(uri);
    }
  }
}

async function walk(dir: string, out: string[], seen: Set<string>): Promise<void> {
  if (out.length >= MAX_WORKSPACE_FILES) return;
  let real: string;
  try {
    real = await fs.realpath(dir);
  } catch {
    return;
  }
  if (seen.has(real)) return;
  seen.add(real);
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) await walk(full, out, seen);
    } else if (entry.isFile() && YAML_FILE.test(entry.name)) {
      out.push(full);
    }
  }
}
