/**
 * The sizes the sandbox refuses past, each taken from kube-apiserver or etcd (with where it is defined
 * upstream) unless the comment says why the sandbox differs.
 */

/**
 * Request bodies of writes: k8s.io/apiserver/pkg/server/config.go NewConfig, `MaxRequestBodyBytes:
 * int64(3 * 1024 * 1024)` (twice etcd's 1.5 MiB, since JSON shrinks when stored as protobuf). Past it the
 * REST handlers' limitedReadBody answers 413 "Request entity too large: limit is 3145728".
 */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/**
 * How much of a body still arriving after its answer is read and dropped before the connection closes:
 * closing a socket with unread data in it sends a TCP reset, which can destroy the answer before the client
 * has read it. Past this the connection is cut. (Go's net/http under kube-apiserver reads on 256 KB, then
 * half-closes and waits 500 ms for the client, its rstAvoidanceDelay; draining needs no timer.)
 */
export const MAX_DISCARDED_BODY_BYTES = 128 * 1024 * 1024;

/**
 * Nesting of JSON and YAML bodies. kube-apiserver's decoders stop at 10,000 levels (Go encoding/json's
 * maxNestingDepth; k8s.io/apimachinery/pkg/util/json maxDepth, "exceeded max depth of 10000"). The sandbox
 * stops far earlier: its object walks (copy, compare, merge, JSON.stringify itself) recurse, and Node's
 * default stack ends between 2,500 and 5,000 levels, its YAML parser's near 800. No object the sandbox
 * serves comes near 512 (a ManifestWork carrying a policy is about 20 deep).
 */
export const MAX_JSON_DEPTH = 512;

/** k8s.io/apiserver/pkg/endpoints/handlers/patch.go: `maxJSONPatchOperations = 10000`, past it 413. */
export const MAX_JSON_PATCH_OPERATIONS = 10_000;

/**
 * What `copy` operations of one JSON patch may add in total: NewConfig's `JSONPatchMaxCopyBytes:
 * int64(3 * 1024 * 1024)`, set as json-patch's AccumulatedCopySizeLimit. Without it a few dozen copies of
 * a growing value double it each time.
 */
export const JSON_PATCH_MAX_COPY_BYTES = 3 * 1024 * 1024;

/**
 * ConfigMap data + binaryData and Secret data: pkg/apis/core/types.go `MaxSecretSize = 1 * 1024 * 1024`,
 * enforced by ValidateConfigMap / ValidateSecret in pkg/apis/core/validation/validation.go.
 */
export const MAX_CONFIG_DATA_BYTES = 1024 * 1024;

/**
 * Annotation keys + values of any object: k8s.io/apimachinery/pkg/api/validation/objectmeta.go
 * `TotalAnnotationSizeLimitB int = 256 * (1 << 10)` (what `kubectl apply` of a large ConfigMap runs into,
 * through its last-applied annotation).
 */
export const MAX_ANNOTATION_BYTES = 256 * 1024;

/**
 * One stored object: etcd's default `--max-request-bytes`, server/embed/config.go `DefaultMaxRequestBytes =
 * 1.5 * 1024 * 1024`; etcd refuses a larger put with "etcdserver: request is too large", which kube-apiserver
 * passes on as a 500 with no reason (see object-limits.ts).
 */
export const MAX_STORED_OBJECT_BYTES = 1.5 * 1024 * 1024;

/** Entries the request log keeps (the most recent ones): a sandbox serving for days must not grow without bound. */
export const REQUEST_LOG_ENTRIES = 10_000;

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
