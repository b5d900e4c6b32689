/**
 * Carrying a freshly built hub tree over onto the one VS Code shows, so that a refresh touches only what
 * changed.
 *
 * Why it matters: VS Code's extension host finds the element a tree command acts on by the item's handle,
 * and a refresh of a node forgets every element below it until the workbench has fetched them again. A
 * command chosen from a row's context menu in that moment reaches the extension without its element. So
 * a rebuild must not refresh what did not change: each node VS Code knows keeps its object (VS Code looks
 * elements up by object), takes the new fields, and is reported only when what it shows, or the list of its
 * children, changed. Nodes whose children VS Code never fetched (a collapsed group) take the new children
 * as they are, still unbuilt (see withLazyChildren in tree-model.ts).
 */
import type { TreeNode } from './types';

export interface Reconciled {
  /** The roots to show: the previous objects where their ids stayed, else the new ones. */
  roots: TreeNode[];
  /** The nodes to refresh (none of them below another), or 'all' when the roots themselves changed. */
  changed: TreeNode[] | 'all';
}

/** What a node shows in its row: any difference needs a refresh of that node. */
function rendered(n: TreeNode): string {
  return JSON.stringify([n.kind, n.label, n.description, n.tooltip, n.icon?.id, n.icon?.color, n.contextValue, n.collapsible]);
}

const ids = (nodes: readonly TreeNode[]) => nodes.map((n) => n.id).join('\n');

/** The new node's `children` (a value or a lazy getter), moved onto `target` as it is, without building it. */
function takeChildren(target: TreeNode, from: TreeNode): void {
  const descriptor = Object.getOwnPropertyDescriptor(from, 'children');
  delete target.children;
  if (descriptor) Object.defineProperty(target, 'children', descriptor);
}

/**
 * `fetched` tells whether VS Code has asked for a node's children (only those are compared, which also
 * leaves lazy groups unbuilt). The previous nodes are updated in place.
 */
export function reconcile(previous: readonly TreeNode[], next: TreeNode[], fetched: (node: TreeNode) => boolean): Reconciled {
  if (ids(previous) !== ids(next)) return { roots: next, changed: 'all' };
  const changed: TreeNode[] = [];
  const visit = (old: TreeNode, now: TreeNode, ancestorChanged: boolean): void => {
    const differs = rendered(old) !== rendered(now);
    // Field by field: reading `children` would build a lazy list.
    const target = old as unknown as Record<string, unknown>;
    const source = now as unknown as Record<string, unknown>;
    for (const key of Object.keys(old)) if (key !== 'children' && !Object.hasOwn(now, key)) delete target[key];
    for (const key of Object.keys(now)) if (key !== 'children') target[key] = source[key];
    if (!fetched(old) || old.collapsible === 'none') {
      takeChildren(old, now);
      if (differs && !ancestorChanged) changed.push(old);
      return;
    }
    const before = old.children ?? [];
    const after = now.children ?? [];
    if (ids(before) !== ids(after)) {
      takeChildren(old, now);
      if (!ancestorChanged) changed.push(old);
      return;
    }
    if (differs && !ancestorChanged) changed.push(old);
    before.forEach((child, i) => visit(child, after[i]!, ancestorChanged || differs));
  };
  previous.forEach((old, i) => visit(old, next[i]!, false));
  return { roots: [...previous], changed };
}
