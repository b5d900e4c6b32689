/**
 * The sizes the sandbox refuses past, each taken from kube-apiserver or etcd (with where it is defined
 * upstream) unless the comment says why the sandbox differs.
 */

/**
 * Nesting of JSON and YAML bodies. kube-apiserver's decoders stop at 10,000 levels (Go encoding/json's
 * maxNestingDepth; k8s.io/apimachinery/pkg/util/json maxDepth, "exceeded max depth of 10000"). The sandbox
 * stops far earlier: its object walks (copy, compare, merge, JSON.stringify itself) recurse, and Node's
 * default stack ends between 2,500 and 5,000 levels, its YAML parser's near 800. No object the sandbox
 * serves comes near 512 (a ManifestWork carrying a policy is about 20 deep).
 */
export const MAX_JSON_DEPTH = 512;

/**
 * The nesting depth of a parsed JSON value is more than `max` (the top level is depth 1). Iterative, so it
 * is safe on any input: it is what stands between a hostile body and the recursive walks after it.
 */
export function deeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
