import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { ParsedFile, YamlDocument } from '../yaml/parse';
import { getMap, getSeq, keyOf } from '../yaml/ast';
import { allDocuments } from './locate';
import { span } from './symbols';

export interface FoldingRange {
  startLine: number;
  endLine: number;
  kind?: 'region';
}

/**
 * Documents, the manifests embedded in ConfigMap values (and the values themselves), IBGU plan steps, and
 * every block map or list that spans lines: with a folding provider, editors drop their own indentation
 * folding, so the ordinary structure has to be here too.
 */
export function foldingRanges(file: ParsedFile): FoldingRange[] {
  const byStart = new Map<number, FoldingRange>();
  const add = (yaml: YamlDocument, start: number, end: number, kind?: 'region') => {
    const startLine = file.lines.positionAt(yaml.map.toOuter(start)).line;
    const endLine = file.lines.positionAt(yaml.map.toOuter(end)).line;
    if (endLine <= startLine) return;
    const known = byStart.get(startLine);
    // One range per start line (editors keep only one): the outermost.
    if (!known || known.endLine < endLine) byStart.set(startLine, kind ? { startLine, endLine, kind } : { startLine, endLine });
  };
  const outerDocs = file.documents.length;
  for (const yaml of allDocuments(file)) {
    if (yaml.embedding || outerDocs > 1) {
      const [start, end] = trimmed(yaml, yaml.start, yaml.end);
      add(yaml, start, end, 'region');
    }
    structure(yaml, yaml.doc.contents, add);
  }
  for (const r of file.resources) {
    if (r.type === 'ConfigMap') {
      const data = getMap(r.root, 'data', r.yaml.anchors);
      for (const pair of data?.items ?? []) {
        if (isPair(pair) && isScalar(pair.value) && keyOf(pair) !== undefined) add(r.yaml, ...span(r.yaml, pair.value, pair.key));
      }
    }
    if (r.type === 'IBGU') {
      const plan = getSeq(getMap(r.root, 'spec', r.yaml.anchors), 'plan', r.yaml.anchors);
      for (const step of plan?.items ?? []) if (isMap(step)) add(r.yaml, ...span(r.yaml, step));
    }
  }
  return [...byStart.values()].sort((a, b) => a.startLine - b.startLine);
}

function trimmed(yaml: YamlDocument, start: number, end: number): [number, number] {
  let e = Math.min(end, yaml.text.length);
  while (e > start && /\s/.test(yaml.text[e - 1])) e--;
  return [start, e];
}

function structure(yaml: YamlDocument, node: unknown, add: (yaml: YamlDocument, start: number, end: number) => void): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      if ((isMap(pair.value) || isSeq(pair.value)) && !pair.value.flow) add(yaml, ...span(yaml, pair.value, pair.key));
      structure(yaml, pair.value, add);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      if ((isMap(item) || isSeq(item)) && !item.flow) add(yaml, ...span(yaml, item));
      structure(yaml, item, add);
    }
  }
}
