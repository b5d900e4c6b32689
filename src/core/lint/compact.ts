import type { ParsedFile, YamlDocument } from '../yaml/parse';

/**
 * Makes the trees of a parsed file smaller without changing what they say, for a workspace that holds many
 * files whole to the end of a one-shot lint (retire.ts): each collection's `items` array is copied to its
 * exact length (the parser grows them by pushing, and V8 gives a grown array room for 17 elements whatever
 * its length: on the fleet tree of bench/lint-fleet.bench.ts, 64,000 such arrays held 9 MB), and the text of
 * each mapping key is shared with the equal keys seen before (`metadata`, `name`, … once, not per node).
 * Nothing else is touched: values, ranges and node identities stay as the parser made them, so every rule
 * reads the same tree.
 */
export class TreeCompactor {
  private readonly keys = new Map<string, string>();

  compact(file: ParsedFile): void {
    const docs = new Set<YamlDocument>(file.documents);
    for (const r of file.resources) for (const d of r.embedded) docs.add(d);
    const stack: unknown[] = [];
    for (const d of docs) stack.push(d.doc.contents);
    while (stack.length) {
      const node = stack.pop();
      if (!node || typeof node !== 'object') continue;
      const n = node as { items?: unknown; key?: unknown; value?: unknown };
      if (Array.isArray(n.items)) {
        const items: unknown[] = n.items.slice();
        n.items = items;
        for (const item of items) stack.push(item);
      } else if ('key' in n) {
        this.shareKey(n.key);
        stack.push(n.key, n.value);
      }
    }
  }

  /** A plain key scalar whose text is its value: both fields get the first equal string seen. */
  private shareKey(key: unknown): void {
    const s = key as { value?: unknown; source?: unknown } | null;
    if (!s || typeof s !== 'object' || typeof s.value !== 'string' || s.source !== s.value) return;
    let shared = this.keys.get(s.value);
    if (shared === undefined) this.keys.set(s.value, (shared = s.value));
    s.value = shared;
    s.source = shared;
  }
}
