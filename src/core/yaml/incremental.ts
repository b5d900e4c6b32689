import { LineIndex } from './lines';
import type { OffsetEdit, OffsetMap } from './offset-map';
import { parseDocuments, parseFile, resourcesOf, type ParsedFile, type Resource, type YamlDocument } from './parse';

/**
 * Parsing for editors: a multi-document file is split at its document markers and each document is parsed
 * on its own, so that after a keystroke only the document that changed is parsed again. A document that
 * moved keeps its parse; only its offset changes.
 */

/** Maps a document's own offsets to the file's: a shift that follows the document when text before it changes. */
class ShiftMap implements OffsetMap {
  readonly exact = true;
  constructor(public offset: number, public length: number) {}
  toOuter(offset: number): number {
    return offset + this.offset;
  }
  toInner(outer: number): number | undefined {
    const inner = outer - this.offset;
    return inner >= 0 && inner <= this.length ? inner : undefined;
  }
  edit(edit: OffsetEdit): OffsetEdit {
    return { start: edit.start + this.offset, end: edit.end + this.offset, newText: edit.newText };
  }
}

interface Chunk {
  text: string;
  map: ShiftMap;
  documents: YamlDocument[];
  resources: Resource[];
}

/** Parsed chunks of the previous version of a file, by text. */
export type ChunkCache = Map<string, Chunk[]>;

export interface IncrementalFile extends ParsedFile {
  readonly chunks: ChunkCache;
  /** How many documents had to be parsed for this version (the rest were reused). */
  readonly reparsed: number;
}

/** Start offsets of documents: lines that begin with `---`, and the line after a `...` end marker. */
export function documentStarts(text: string): number[] {
  const starts = [0];
  const marker = /^(---|\.\.\.)(?=[ \t\r\n]|$)/gm;
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    if (m[1] === '---') {
      if (m.index > 0) starts.push(m.index);
    } else {
      const next = text.indexOf('\n', m.index);
      if (next !== -1 && next + 1 < text.length) starts.push(next + 1);
    }
  }
  return [...new Set(starts)].sort((a, b) => a - b);
}

/** Parses a file, reusing the documents of `previous` whose text is unchanged. */
export function parseIncremental(path: string, text: string, previous?: IncrementalFile): IncrementalFile {
  // Directives (%YAML, %TAG) bind to the next document across a marker: such files are parsed whole.
  if (/^%/m.test(text)) {
    const whole = parseFile(path, text);
    return { ...whole, chunks: new Map(), reparsed: whole.documents.length };
  }
  const starts = documentStarts(text);
  const reusable = new Map<string, Chunk[]>();
  if (previous?.path === path) for (const [key, list] of previous.chunks) reusable.set(key, [...list]);
  const chunks: ChunkCache = new Map();
  const documents: YamlDocument[] = [];
  const resources: Resource[] = [];
  let reparsed = 0;
  starts.forEach((start, i) => {
    const end = i + 1 < starts.length ? starts[i + 1] : text.length;
    const chunkText = text.slice(start, end);
    let chunk = reusable.get(chunkText)?.shift();
    if (chunk) {
      chunk.map.offset = start;
    } else {
      // A copy (V8 copies a concatenation it slices), not a slice of `text`: a chunk outlives its version, and a
      // slice would keep that version's whole text alive.
      const own = (' ' + chunkText).slice(1);
      const map = new ShiftMap(start, own.length);
      const docs = parseDocuments(own, map);
      chunk = { text: own, map, documents: docs, resources: docs.flatMap((d) => resourcesOf(d, path)) };
      reparsed += docs.length;
    }
    chunks.set(chunkText, [...(chunks.get(chunkText) ?? []), chunk]);
    documents.push(...chunk.documents);
    resources.push(...chunk.resources);
  });
  return { path, text, lines: new LineIndex(text), documents, resources, chunks, reparsed };
}
