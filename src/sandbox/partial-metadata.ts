/**
 * Metadata-only answers (`Accept: application/json;as=PartialObjectMetadata[List];g=meta.k8s.io;v=v1`), as
 * kube-apiserver converts a get, list or watch result before writing it (kubernetes/apiserver
 * pkg/endpoints/handlers/response.go: transformObject, asPartialObjectMetadata, asPartialObjectMetadataList;
 * the object keeps its whole ObjectMeta, meta.AsPartialObjectMetadata in apimachinery pkg/api/meta/meta.go).
 * A list asked for as one object, or one object as a list, is 406 NotAcceptable with upstream's words.
 * Protobuf clauses are passed over (the sandbox has no PartialObjectMetadata message): client-go's metadata
 * client, which offers protobuf first and JSON second, gets JSON.
 */
import type { ResourceType } from './registry';
import { ApiError } from './status';
import type { KubeObject } from './store';

export type MetadataTarget = { kind: 'PartialObjectMetadata' | 'PartialObjectMetadataList'; apiVersion: string };

const VERSIONS = new Set(['v1', 'v1beta1']);

/** The metadata conversion the Accept header asks for: the first JSON clause decides (a Table or a plain clause means none). */
export function metadataTarget(accept: string | undefined): MetadataTarget | undefined {
  for (const part of (accept ?? '').split(',')) {
    const [media = '', ...rest] = part.split(';').map((p) => p.trim());
    if (media !== 'application/json' && media !== '*/*') continue;
    const params = new Map(rest.map((p) => [p.slice(0, p.indexOf('=') < 0 ? p.length : p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const));
    const as = params.get('as');
    if (as !== 'PartialObjectMetadata' && as !== 'PartialObjectMetadataList') return undefined;
    const version = params.get('v') ?? '';
    if (params.get('g') !== 'meta.k8s.io' || !VERSIONS.has(version)) {
      throw notAcceptable(`no ${as} exists in group version ${params.get('g') ?? ''}/${version}`);
    }
    return { kind: as, apiVersion: `meta.k8s.io/${version}` };
  }
  return undefined;
}

const notAcceptable = (message: string) => new ApiError(406, 'NotAcceptable', message);

/** Go's %T of what the handler holds: a custom resource is unstructured, a built-in its internal type (`*core.ConfigMapList`). */
const goType = (t: ResourceType, list: boolean) =>
  t.builtin ? `*${t.group ? t.group.split('.')[0] : 'core'}.${t.kind}${list ? 'List' : ''}` : `*unstructured.Unstructured${list ? 'List' : ''}`;

/** One object (get, watch event) as PartialObjectMetadata; 406 when the list form was asked for. */
export function asPartialObject(t: ResourceType, target: MetadataTarget, object: KubeObject): KubeObject {
  if (target.kind !== 'PartialObjectMetadata') throw notAcceptable(`you requested PartialObjectMetadataList, but the requested object is not a list (${goType(t, false)})`);
  return { apiVersion: target.apiVersion, kind: 'PartialObjectMetadata', metadata: object.metadata };
}

/** A list's items as PartialObjectMetadata under the list's own metadata; 406 when the object form was asked for. */
export function asPartialList(t: ResourceType, target: MetadataTarget, metadata: Record<string, unknown>, items: readonly KubeObject[]): KubeObject {
  if (target.kind !== 'PartialObjectMetadataList') throw notAcceptable(`you requested PartialObjectMetadata, but the requested object is a list (${goType(t, true)})`);
  return {
    apiVersion: target.apiVersion,
    kind: 'PartialObjectMetadataList',
    metadata,
    items: items.map((o) => ({ apiVersion: target.apiVersion, kind: 'PartialObjectMetadata', metadata: o.metadata })),
  };
}
