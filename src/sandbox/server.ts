/**
 * HTTPS plumbing of the sandbox hub: authentication, routing of Kubernetes URLs, the request log and fault
 * injection. Resource semantics live in resources.ts, watch streams in watch.ts, the state in store.ts.
 */
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorize, Tokens } from './auth';
import { answer, readBody } from './body';
import { authorizeControl, CONTROL_PREFIX, ControlState, handleControl, type Pausable } from './control';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery';
import type { OpenApiCache } from './openapi';
import type { ApiTypes, ResourceType } from './registry';
import type { ResourceRequest } from './resources';
import { deeperThan, MAX_JSON_DEPTH } from './limits';
import { encodeObject } from './protobuf/codec';
import { PROTOBUF, resourceOutput, statusOutput, type OutputFormat } from './protobuf/negotiate';
import { ApiError, badRequest, reasonFor, status } from './status';
import { SPOKE_PATH_PREFIX, type ApiSurface, type Spokes } from './surface';
import type { SandboxPki } from './tls';
import { warningHeader } from './structural/admission';

export interface HubServer {
  port: number;
  tokens: Tokens;
  state: ControlState;
  /**
   * Goes away like a restarting kube-apiserver: the listener closes and every connection (watches included)
   * is destroyed; after `downMs` it listens again on the same port, with the same CA, tokens and state.
   * Resolves once it listens again.
   */
  restart(downMs: number): Promise<void>;
  close(): Promise<void>;
}

/** After a control answer has been flushed, this long for the client to read it before its connection is cut. */
const RESTART_GRACE_MS = 50;

function send(req: IncomingMessage, res: ServerResponse, code: number, body: unknown, contentType = 'application/json', format: OutputFormat = 'json'): void {
  const protobuf = format === 'protobuf' ? encodeObject(body) : undefined;
  if (protobuf) return answer(req, res, code, protobuf, PROTOBUF);
  answer(req, res, code, typeof body === 'string' ? body : JSON.stringify(body), contentType);
}

/**
 * The request URL, whatever the request-target was: always on our own origin (a target starting with `//`
 * would otherwise be read as a host), never throwing.
 */
function requestUrl(target: string | undefined): URL {
  const raw = target ?? '/';
  try {
    return new URL(`https://sandbox${raw.startsWith('/') ? raw : `/${raw}`}`);
  } catch {
    return new URL('https://sandbox/');
  }
}

/**
 * A percent-decoded path segment or query part. Bad escapes are the client's error: 400, as Go's net/url
 * refuses them (`invalid URL escape "%zz"`), not an exception that would become a 500.
 */
function decodeComponent(text: string, where: 'path' | 'query'): string {
  try {
    return decodeURIComponent(where === 'query' ? text.replace(/\+/g, ' ') : text);
  } catch {
    const bad = /%(?![0-9A-Fa-f]{2})[^%]{0,2}/.exec(text)?.[0];
    throw badRequest(bad ? `invalid URL escape ${JSON.stringify(bad)} in the request ${where}` : `the request ${where} is not UTF-8 once percent-decoded: ${JSON.stringify(text.slice(0, 200))}`);
  }
}

/**
 * Every query parameter must decode. Go's URL.Query() silently drops a pair it cannot decode, so
 * kube-apiserver would list, watch or delete as if a mangled labelSelector were not there; the sandbox says 400.
 */
function checkQuery(search: string): void {
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    decodeComponent(eq < 0 ? part : part.slice(0, eq), 'query');
    if (eq >= 0) decodeComponent(part.slice(eq + 1), 'query');
  }
}

/** A control request's JSON body (undefined when empty), bounded in depth like resource bodies. */
function controlBody(body: Buffer): unknown {
  if (!body.length) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw badRequest(`the control request body is not JSON: ${(error as Error).message}`);
  }
  if (deeperThan(parsed, MAX_JSON_DEPTH)) throw badRequest(`the control request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  return parsed;
}

/** A parsed resource URL: /api/v1[/namespaces/ns]/plural[/name[/status]] or the /apis/<g>/<v> equivalent. */
interface ResourceRoute { resource: ResourceType; namespace?: string; name?: string; subresource?: 'status' }

function routeResource(types: ApiTypes, segments: string[]): ResourceRoute | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) [group, version, rest] = ['', segments[1]!, segments.slice(2)];
  else if (segments[0] === 'apis' && segments.length >= 4) [group, version, rest] = [segments[1]!, segments[2]!, segments.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const inner = types.byPlural(group, version, rest[2]!);
    if (inner?.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const resource = types.byPlural(group, version, rest[0]!);
  if (!resource || rest.length > 3) return undefined;
  if (resource.namespaced && !namespace && rest.length > 1) return undefined;
  if (rest.length === 3 && !(rest[2] === 'status' && resource.statusSubresource)) return undefined;
  const route: ResourceRoute = { resource };
  if (namespace) route.namespace = namespace;
  if (rest[1]) route.name = rest[1];
  if (rest[2] === 'status') route.subresource = 'status';
  return route;
}

function verbOf(method: string, route: ResourceRoute, query: URLSearchParams): string {
  switch (method) {
    case 'GET': return route.name ? 'get' : query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : 'list';
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return route.name ? 'delete' : 'deletecollection';
    default: return method.toLowerCase();
  }
}

/** Every surface with open watches or state: the hub and the spokes created so far. */
function surfaces(hub: ApiSurface, spokes: Spokes): ApiSurface[] {
  return [hub, ...spokes.created()];
}

export function startServer(hub: ApiSurface, spokes: Spokes, pki: SandboxPki, port: number, log: (line: string) => void, tokens = new Tokens(), controllers?: Pausable, requestLogEntries?: number): Promise<HubServer> {
  const state = new ControlState(requestLogEntries);
  let address = '';

  /** The API server a path belongs to, and the path within it; undefined for an unknown spoke. */
  function surfaceOf(path: string): { surface: ApiSurface; path: string } | undefined {
    if (!path.startsWith(SPOKE_PATH_PREFIX)) return { surface: hub, path };
    const rest = path.slice(SPOKE_PATH_PREFIX.length);
    const slash = rest.indexOf('/');
    const name = decodeComponent(slash < 0 ? rest : rest.slice(0, slash), 'path');
    const surface = spokes.get(name);
    surface?.store.readByClient();
    return surface ? { surface, path: slash < 0 ? '/' : rest.slice(slash) } : undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req.url);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const isControl = path.startsWith(CONTROL_PREFIX);
    if (!isControl) {
      res.on('close', () => {
        const entry = {
          method, path, query: [...new Set(url.searchParams.keys())].sort(), status: res.statusCode,
          ...(req.headers.accept ? { accept: String(req.headers.accept) } : {}),
          ...(req.headers['content-type'] ? { contentType: String(req.headers['content-type']) } : {}),
          ...(req.headers['user-agent'] ? { userAgent: String(req.headers['user-agent']) } : {}),
        };
        state.log.push(entry);
        log(`${method} ${path}${url.search} ${res.statusCode}`);
      });
    }
    try {
      checkQuery(url.search);
      const target = surfaceOf(path);
      if (!target) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      const { surface } = target;
      const principal = tokens.authenticate(req.headers.authorization, surface.name);
      if (isControl) authorizeControl(principal, method, path);
      const body = await readBody(req, res);
      if (isControl) {
        const parsed = controlBody(body);
        const restartLater = (downMs: number) => res.once('finish', () => setTimeout(() => void restart(downMs).catch((e: Error) => log(`restart failed: ${e.message}`)), RESTART_GRACE_MS));
        return send(req, res, 200, handleControl(method, path, parsed, { principal, hub, all: () => surfaces(hub, spokes), tokens, state, restart: restartLater, ...(controllers ? { controllers } : {}) }));
      }
      const injection = state.takeInjection(method, path);
      if (injection?.delayMs) await new Promise((r) => setTimeout(r, injection.delayMs));
      if (injection?.status) return send(req, res, injection.status, status(injection.status, reasonFor(injection.status), `injected failure (${injection.status})`), undefined, statusOutput(req.headers.accept));

      const segments = target.path.split('/').filter(Boolean).map((segment) => decodeComponent(segment, 'path'));
      if (method === 'GET') {
        const doc = discovery(surface.types, segments, url, address, surface.openapi, String(req.headers.accept ?? ''));
        if (doc !== undefined) {
          if (doc === null) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
          return send(req, res, 200, doc);
        }
      }
      const route = routeResource(surface.types, segments);
      if (!route) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      const attrs = { verb: verbOf(method, route, url.searchParams), resource: route.resource.plural, group: route.resource.group };
      authorize(principal, { ...attrs, ...(route.subresource ? { subresource: route.subresource } : {}), ...(route.namespace ? { namespace: route.namespace } : {}), ...(route.name ? { name: route.name } : {}) });
      const request: ResourceRequest = { req, res, method, query: url.searchParams, body, ...route };
      // Watch streams are JSON (watch.ts); every other answer is negotiated before the work is done, as upstream.
      const format = attrs.verb === 'watch' ? 'json' : resourceOutput(req.headers.accept, route.resource);
      surface.handlers.handle(request, (code, payload, warnings) => {
        if (warnings?.length) res.setHeader('Warning', warnings.map(warningHeader));
        send(req, res, code, payload, undefined, format);
      });
    } catch (error) {
      if (error instanceof ApiError) return send(req, res, error.code, error.toStatus(), undefined, statusOutput(req.headers.accept));
      log(`internal error on ${method} ${path}: ${error instanceof Error ? error.stack : String(error)}`);
      send(req, res, 500, status(500, 'InternalError', error instanceof Error ? error.message : String(error)), undefined, statusOutput(req.headers.accept));
    }
  }

  const server = https.createServer({ cert: pki.certPem, key: pki.keyPem, ca: pki.caPem }, (req, res) => {
    void handle(req, res);
  });
  // `Expect: 100-continue` is answered by readBody, once the request is known to be one whose body is wanted.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => void handle(req, res));
  // Watches stay open for up to half an hour; Node's default request timeouts would cut them.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 5_000;

  const listen = (on: number) => new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(on, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
  let closed = false;
  let restarting: Promise<void> | undefined;
  let actual = 0;

  function restart(downMs: number): Promise<void> {
    if (closed) return Promise.reject(new Error('the sandbox server is stopped'));
    restarting ??= (async () => {
      log(`restarting: down for ${downMs} ms`);
      await new Promise<void>((done) => {
        server.close(() => done());
        // Cut, not drained: clients see their connections reset, as when the process dies.
        server.closeAllConnections();
      });
      for (const s of surfaces(hub, spokes)) s.watches.dropAll();
      await new Promise((r) => setTimeout(r, downMs));
      if (!closed) await listen(actual);
      log('restarted');
    })().finally(() => {
      restarting = undefined;
    });
    return restarting;
  }

  return listen(port).then((bound) => {
    actual = bound;
    address = `127.0.0.1:${bound}`;
    return {
      port: bound, tokens, state, restart,
      close: () => new Promise<void>((done) => {
        closed = true;
        for (const s of surfaces(hub, spokes)) s.watches.dropAll();
        server.close(() => done());
        server.closeAllConnections();
      }),
    };
  });
}

/**
 * Discovery, version and OpenAPI documents. Returns undefined when the path is not one of them,
 * null when it is under their prefix but unknown (404).
 */
function discovery(types: ApiTypes, segments: string[], url: URL, address: string, openapi: OpenApiCache, accept: string): unknown {
  const p = segments.join('/');
  if (p === 'version') return versionInfo();
  if (p === 'api') return apiVersions(address);
  if (p === 'apis') return apiGroupList(types);
  if (segments[0] === 'apis' && segments.length === 2) return apiGroup(types, segments[1]!) ?? null;
  if (segments[0] === 'api' && segments.length === 2) return apiResourceList(types, '', segments[1]!) ?? null;
  if (segments[0] === 'apis' && segments.length === 3) return apiResourceList(types, segments[1]!, segments[2]!) ?? null;
  if (p === 'openapi/v3') return JSON.parse(openapi.index());
  if (segments[0] === 'openapi' && segments[1] === 'v3') {
    const doc = openapi.document(segments.slice(2).join('/'));
    if (!doc) return null;
    const hash = url.searchParams.get('hash');
    if (hash && hash !== doc.hash) return null;
    return JSON.parse(doc.body);
  }
  // v2 in JSON only: kubectl asks for protobuf, and gets 404 as from a server without v2 (see openapi-v2.ts).
  if (p === 'openapi/v2') return /application\/json|\*\/\*/.test(accept) ? JSON.parse(openapi.v2()) : null;
  if (segments[0] === 'openapi') return null;
  if (p === 'healthz' || p === 'readyz' || p === 'livez') return 'ok';
  return undefined;
}
