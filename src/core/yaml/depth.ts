import { Composer, CST, Lexer, Parser, type Node } from 'yaml';

/** The parts of a parsed YAML document the rest of the core reads; `yaml`'s Document.Parsed has them too. */
export interface ParsedYaml {
  readonly contents: Node | null;
  /** [start, end of contents, end] of the document. */
  readonly range: [number, number, number];
  readonly errors: readonly { readonly pos: [number, number]; readonly message: string; readonly code: string }[];
  readonly warnings: readonly { readonly pos: [number, number]; readonly message: string; readonly code: string }[];
}

/**
 * How many mappings and sequences may nest in one document (the root collection is level 1).
 *
 * Real Kubernetes objects nest fewer than 30 levels, so 256 is far above anything written by hand or
 * generated. It is also far below where the code that reads a document overflows Node's default stack
 * (984 KB; the CLI and the language server run with it): the `yaml` library's composer, which recurses per
 * level, gives up at about 800 nested flow collections when it runs cold (measured with Node 20 and 24,
 * a little less inside a ConfigMap value); our own walks (schema, rules, facts, fixes, hover, completion,
 * symbols, folding) get further. A factor of three leaves room for the callers' frames and other engines:
 * test/core/yaml/depth.test.ts reads documents at the limit with half the stack already used.
 */
export const MAX_DEPTH = 256;

/** Where a document went past MAX_DEPTH: the collection that crossed it, by offsets in the parsed text. */
export interface TooDeep {
  start: number;
  end: number;
}

/** Whether `error` is V8's stack overflow ("Maximum call stack size exceeded"). */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

/** A document of the library's parse; a document nested past MAX_DEPTH is an empty placeholder. */
export interface LibraryDocument {
  doc: ParsedYaml;
  tooDeep?: TooDeep;
}

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/** Collections open on the parser's stack: its bottom is the document, its top may be a scalar being read. */
function openCollections(parser: Parser): number {
  const stack = parser.stack;
  const top = stack[stack.length - 1];
  return stack.length - 1 - (top && COLLECTIONS.has(top.type) ? 0 : 1);
}

/**
 * Parses with the `yaml` library, watching the nesting depth on the parser's own (iterative) stack. A
 * document that goes past MAX_DEPTH is never composed, because composing recurses; its remaining text is
 * skipped up to the next `---` or `...` marker, and the parse goes on from there with a fresh parser.
 */
export function parseWithLibrary(text: string, options: ConstructorParameters<typeof Composer>[0]): LibraryDocument[] {
  const out: LibraryDocument[] = [];
  const composer = new Composer(options);
  const compose = (token: CST.Token) => {
    for (const doc of composer.next(token)) out.push({ doc: doc as ParsedYaml });
  };
  let parser = new Parser();
  /** The document being skipped: where it starts and where it went too deep. */
  let skipping: { start: number; tooDeep: TooDeep } | undefined;
  /** Offset in `text` while skipping (the parser counts while it parses). */
  let offset = 0;
  /** The lexer announces each scalar with a marker; the lexeme after it is the scalar's source, whatever it says. */
  let scalarNext = false;
  const placeholder = (start: number, end: number, tooDeep: TooDeep): LibraryDocument => ({ doc: { contents: null, range: [start, end, end], errors: [], warnings: [] }, tooDeep });

  for (const lexeme of new Lexer().lex(text)) {
    if (skipping) {
      const type: string | null = scalarNext ? 'scalar-source' : CST.tokenType(lexeme);
      scalarNext = type === 'scalar';
      if (type === 'doc-start' || type === 'doc-end') {
        // `...` ends the skipped document; `---` starts the next one.
        if (type === 'doc-end') offset += lexeme.length;
        out.push(placeholder(skipping.start, offset, skipping.tooDeep));
        skipping = undefined;
        parser = new Parser();
        parser.offset = offset;
        if (type === 'doc-end') continue;
      } else {
        // Control markers the lexer inserts (document mode, flow end, scalar) are not in the text.
        if (type !== 'doc-mode' && type !== 'flow-error-end' && type !== 'scalar') offset += lexeme.length;
        continue;
      }
    }
    const before = parser.offset;
    for (const token of parser.next(lexeme)) compose(token);
    if (openCollections(parser) > MAX_DEPTH) {
      const deepest = parser.stack[parser.stack.length - 1];
      const start = deepest.offset;
      // A block mapping opens at its first key, known at the `:`: the key, on its line. Otherwise the
      // lexeme that opened the collection (`[`, `{`, `-`, `?`).
      const lineEnd = text.indexOf('\n', start);
      const end = start < before ? Math.min(before, lineEnd === -1 ? before : lineEnd) : start + Math.max(1, lexeme.length);
      // The documents before this one come out of the composer first, in order.
      for (const doc of composer.end(false, before)) out.push({ doc: doc as ParsedYaml });
      skipping = { start: parser.stack[0]?.offset ?? start, tooDeep: { start, end } };
      offset = parser.offset;
      scalarNext = false;
    }
  }
  if (skipping) {
    out.push(placeholder(skipping.start, text.length, skipping.tooDeep));
  } else {
    for (const token of parser.end()) compose(token);
  }
  for (const doc of composer.end(false, text.length)) out.push({ doc: doc as ParsedYaml });
  return out;
}
