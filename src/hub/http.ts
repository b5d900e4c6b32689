/**
 * Plain HTTPS requests to the hub with a client-node KubeConfig's TLS and credentials (token, client
 * certificate, exec plugin), and the discovery lookup that turns an apiVersion/kind into a URL.
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
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': USER_AGENT };
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

/** The URL path of a collection (no name) or of one object. */
export function resourcePath(r: ResourceLocation, namespace: string | undefined, name?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${r.plural}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
}
