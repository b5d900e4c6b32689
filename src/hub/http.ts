/**
 * Plain HTTPS requests to the hub with a client-node KubeConfig's TLS and credentials (token, client
 * certificate, exec plugin), and the discovery lookup that turns an apiVersion/kind into a URL.
 *
 * Why this is not client-node's KubernetesObjectApi (checked against @kubernetes/client-node 1.4.0,
 * node_modules/@kubernetes/client-node/dist/…). Every write and read of the hub layer goes through the one
 * `request` below; KubernetesObjectApi would take some of them and not the others:
 *
 * - The conditional plan append (connection.ts appendStep) is an RFC 6902 JSON patch whose `test` op makes
 *   the server refuse it when the plan changed. KubernetesObjectApi.patch cannot send one: it builds the
 *   URL from its body and sends that body as is (object.js:154 `specUriPath(spec, 'patch')`, object.js:170-175
 *   `serialize(spec, …)`), and the URL needs `spec.kind` and `spec.metadata.name` (object.js:332-333,
 *   353-357), which an array of ops does not have. Only the generated CustomObjectsApi sends a JSON patch
 *   (gen/apis/CustomObjectsApi.js:1397-1401 picks application/json-patch+json), with its own group/version/
 *   plural and no discovery: a second client and a second URL scheme for one request.
 * - The hub layer's objects are the server's JSON (KubeObject). KubernetesObjectApi hands back responses
 *   deserialized by the type its apiVersion/kind names (object.js:440-446): for a built-in kind that is a
 *   model class that keeps only the fields client-node 1.4.0 knows and turns timestamps into Date objects
 *   (gen/models/ObjectSerializer.js:2353, 2363-2371). Checked: a V1Deployment read that way loses an unknown
 *   spec field and has a Date creationTimestamp, as do PersistentVolumeList items; the spoke snapshot reads
 *   Deployments, PersistentVolumes and PersistentVolumeClaims through here (spoke.ts:97, 118-119). Custom kinds pass through.
 * - A kind the hub does not serve is a 404 here (`locate`), which connection.ts turns into HubError
 *   'not-found' ("the hub does not serve …"); KubernetesObjectApi throws a plain Error without a status
 *   (object.js:342-343), and its discovery takes the first entry of the kind, subresources included
 *   (object.js:388, 399), where `locate` skips `x/status`.
 *
 * What the library does provide, and this file does not duplicate: TLS and credentials
 * (KubeConfig.applyToHTTPSOptions, below) and the informers' watch (informer.ts). Server-side apply with
 * dryRun=All, fieldManager and force, merge patches and deletes with DeleteOptions preconditions would each
 * be possible through KubernetesObjectApi (object.js:95-127, 148-177), but only beside this path, not
 * instead of it; and it sends no User-Agent (config.js:385-397 makeApiClient adds no middleware), which
 * the sandbox's request log and test/hub/hub-layer.test.ts:157 use to tell this client apart, and no timeout
 * (gen/http/isomorphic-fetch.js:8-14), where this path ends a silent request after IDLE_TIMEOUT_MS.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { HttpFailure } from './errors';

/** Sent on every request, so server logs (and the sandbox's request log) tell this client apart. */
export const USER_AGENT = 'ibgu-tools/hub';
/** An idle socket for this long ends the request with ETIMEDOUT. */
const IDLE_TIMEOUT_MS = 60_000;

/** The query, JSON body and its content type of one request. */
export interface RequestOptions {
  query?: Record<string, string>;
  body?: unknown;
  contentType?: string;
  /** The Accept header; default application/json. */
  accept?: string;
}

/** Where an object of some apiVersion/kind lives on the server. */
export interface ResourceLocation {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

/** Requests to one hub with one KubeConfig's credentials; discovery answers are cached for its lifetime. */
export class HubHttp {
  private readonly discovered = new Map<string, Promise<Map<string, ResourceLocation>>>();

  constructor(private readonly kc: KubeConfig, readonly server: string) {}

  /** The parsed JSON answer of a 2xx; throws HttpFailure for any other status, or the network error. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    const url = new URL(this.server.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { Accept: options.accept ?? 'application/json', 'User-Agent': USER_AGENT };
    if (payload !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const opts: https.RequestOptions = { method, headers };
    await this.kc.applyToHTTPSOptions(opts);
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(body);
          else reject(new HttpFailure(status, body));
        });
      });
      req.setTimeout(IDLE_TIMEOUT_MS, () => req.destroy(Object.assign(new Error(`no answer within ${IDLE_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** The resource of a kind in an API group version, from the server's discovery document (cached per group version). */
  async locate(apiVersion: string, kind: string): Promise<ResourceLocation> {
    const slash = apiVersion.indexOf('/');
    const [group, version] = slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
    let found = this.discovered.get(apiVersion);
    if (!found) {
      found = this.request('GET', group ? `/apis/${group}/${version}` : `/api/${version}`).then((doc) => {
        const byKind = new Map<string, ResourceLocation>();
        for (const r of (doc as { resources?: { name: string; kind: string; namespaced: boolean }[] }).resources ?? []) {
          if (!r.name.includes('/')) byKind.set(r.kind, { group, version, plural: r.name, namespaced: r.namespaced });
        }
        return byKind;
      });
      // A failed lookup is not cached: the next call asks again.
      found.catch(() => this.discovered.delete(apiVersion));
      this.discovered.set(apiVersion, found);
    }
    const location = (await found).get(kind);
    if (!location) throw new HttpFailure(404, { message: `the server does not serve the kind ${kind} in ${apiVersion}` });
    return location;
  }
}

/** The Accept of a metadata-only list and of one object or a watch (kubernetes/apiserver pkg/endpoints/handlers/response.go). */
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
export const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

/** The URL path of a collection (no name) or of one object. */
export function resourcePath(r: ResourceLocation, namespace: string | undefined, name?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${r.plural}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
}
