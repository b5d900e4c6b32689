/**
 * What the sandbox stores and serves: a Kubernetes object as parsed JSON. Its own module so that the
 * resource registry, the object-size limits and the store can all name it without importing each other.
 */
export type KubeObject = Record<string, any>;
