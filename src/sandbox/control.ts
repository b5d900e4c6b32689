/**
 * The test-only control API under /__sandbox/: compaction, dropped watches, the request log, fault
 * injection, extra and expired tokens, and an API server restart. It sits behind the same bearer token as the Kubernetes API, and its own
 * calls never appear in the request log, so protocol assertions see only client traffic.
 *
 * Each endpoint is a verb on a resource of the pseudo API group `sandbox.ibgu.io`, authorized like any
 * Kubernetes request, so a token's deny rules hold here too. Token management (minting, expiring) needs
 * full rights (no deny rule at all), as creating a credential does on a real cluster: a token that could
 * mint another could give itself back what its rules took away.
 */
import { authorize, hasFullRights, type Principal, type Tokens, type DenyRule } from './auth';
import { REQUEST_LOG_ENTRIES } from './limits';
import { ApiError, badRequest, notFound } from './status';
import type { ApiSurface } from './surface';

/** What the control API can pause: the simulated TALM, work agent and LCA controllers, and their clock. */
export interface Pausable {
  readonly paused: boolean;
  pause(): void;
  resume(): void;
}

export const CONTROL_PREFIX = '/__sandbox/';

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string[];
  accept?: string;
  contentType?: string;
  status: number;
  userAgent?: string;
}

export interface Injection {
  match: { method?: string; pathPrefix: string };
  status?: number;
  delayMs?: number;
  /** How many matching requests are affected; 1 when not given. */
  remaining: number;
}

/**
 * The most recent requests, oldest first: a ring of `capacity` entries, so that a sandbox serving for days
 * keeps a bounded log. Entries are numbered from the start (0, 1, …); `count` is the next number, a mark
 * that `entries(since)` reads on from even after older entries have been dropped.
 */
export class RequestLog {
  private readonly ring: RequestLogEntry[] = [];
  /** Where the next entry goes once the ring is full (the oldest one). */
  private next = 0;
  private logged = 0;

  constructor(readonly capacity = REQUEST_LOG_ENTRIES) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`the request log needs a capacity of at least 1, not ${capacity}`);
  }

  push(entry: RequestLogEntry): void {
    if (this.ring.length < this.capacity) this.ring.push(entry);
    else {
      this.ring[this.next] = entry;
      this.next = (this.next + 1) % this.capacity;
    }
    this.logged++;
  }

  /** Requests logged so far, including those no longer kept (not reset by `clear`). */
  get count(): number {
    return this.logged;
  }

  /** The entries kept, oldest first; from entry number `since` on when given (a `count` read earlier). */
  entries(since = 0): RequestLogEntry[] {
    const ordered = this.next === 0 ? this.ring.slice() : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    const firstNumber = this.logged - ordered.length;
    return ordered.slice(Math.max(0, since - firstNumber));
  }

  clear(): void {
    this.ring.length = 0;
    this.next = 0;
  }
}

export class ControlState {
  readonly log: RequestLog;
  readonly injections: Injection[] = [];

  constructor(requestLogEntries?: number) {
    this.log = new RequestLog(requestLogEntries);
  }

  /** The injection that applies to a request, consumed by one use; undefined when none matches. */
  takeInjection(method: string, path: string): Injection | undefined {
    const i = this.injections.findIndex((inj) => (!inj.match.method || inj.match.method.toUpperCase() === method) && path.startsWith(inj.match.pathPrefix));
    if (i < 0) return undefined;
    const inj = this.injections[i]!;
    if (--inj.remaining <= 0) this.injections.splice(i, 1);
    return inj;
  }
}

function asObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the control request body must be a JSON object');
  return body as Record<string, unknown>;
}

/** The group control endpoints are authorized in (shown in 403 messages). */
export const CONTROL_GROUP = 'sandbox.ibgu.io';

interface ControlRoute { verb: string; resource: string; fullRights?: true }

/** What each endpoint does, as RBAC would name it. */
const ROUTES: Record<string, ControlRoute> = {
  'POST compact': { verb: 'delete', resource: 'history' },
  'POST drop-watches': { verb: 'delete', resource: 'watches' },
  'GET controllers': { verb: 'get', resource: 'controllers' },
  'POST controllers/pause': { verb: 'update', resource: 'controllers' },
  'POST controllers/resume': { verb: 'update', resource: 'controllers' },
  'GET requests': { verb: 'list', resource: 'requests' },
  'POST requests/clear': { verb: 'deletecollection', resource: 'requests' },
  'POST inject': { verb: 'create', resource: 'injections' },
  'POST tokens': { verb: 'create', resource: 'tokens', fullRights: true },
  'POST tokens/expire': { verb: 'update', resource: 'tokens', fullRights: true },
  'POST restart': { verb: 'update', resource: 'server' },
};

/**
 * 404 for an unknown endpoint, 403 when the principal may not call it. Called before the body is read, so a
 * refused caller learns nothing from how its body would have been judged.
 */
export function authorizeControl(principal: Principal, method: string, path: string): void {
  const route = ROUTES[`${method} ${path.slice(CONTROL_PREFIX.length)}`];
  if (!route) throw notFound('__sandbox', '', path);
  authorize(principal, { verb: route.verb, resource: route.resource, group: CONTROL_GROUP });
  if (route.fullRights && !hasFullRights(principal)) {
    throw new ApiError(403, 'Forbidden', `${route.resource}.${CONTROL_GROUP} is forbidden: User "${principal.name}" cannot ${route.verb} resource "${route.resource}" in API group "${CONTROL_GROUP}" at the cluster scope: managing tokens needs a token without deny rules`, { group: CONTROL_GROUP, kind: route.resource });
  }
}

/** The deny rules of a token to mint, checked: a rule that could never match would leave the token with rights it was meant not to have. */
function denyRules(value: unknown): DenyRule[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw badRequest('tokens: deny must be a list of {verb, resource?}');
  return value.map((d, i) => {
    if (!d || typeof d !== 'object' || typeof d.verb !== 'string' || !d.verb) throw badRequest(`tokens: deny[${i}].verb must be a non-empty string`);
    if (d.resource !== undefined && typeof d.resource !== 'string') throw badRequest(`tokens: deny[${i}].resource must be a string`);
    return d.resource === undefined ? { verb: d.verb } : { verb: d.verb, resource: d.resource };
  });
}

export function handleControl(
  method: string,
  path: string,
  body: unknown,
  deps: {
    /** Who calls: checked against the endpoint before anything happens. */
    principal: Principal;
    hub: ApiSurface; all: () => ApiSurface[]; tokens: Tokens; state: ControlState; controllers?: Pausable;
    /** Restarts the API server once this answer has been sent (it goes down for `downMs`). */
    restart?: (downMs: number) => void;
  },
): unknown {
  authorizeControl(deps.principal, method, path);
  const route = `${method} ${path.slice(CONTROL_PREFIX.length)}`;
  switch (route) {
    case 'POST compact':
      // Every API server forgets its history; the answer is the hub's, which is what tests compare with.
      for (const s of deps.all()) s.store.compact();
      return { compactedAt: String(deps.hub.store.currentRv()) };
    case 'POST drop-watches': {
      let dropped = 0;
      for (const s of deps.all()) {
        dropped += s.watches.count;
        s.watches.dropAll();
      }
      return { dropped };
    }
    case 'GET controllers':
      return { paused: deps.controllers?.paused ?? false, running: deps.controllers !== undefined };
    case 'POST controllers/pause':
    case 'POST controllers/resume':
      if (!deps.controllers) throw badRequest('this sandbox runs no controllers');
      if (route.endsWith('pause')) deps.controllers.pause();
      else deps.controllers.resume();
      return { paused: deps.controllers.paused };
    case 'GET requests':
      return deps.state.log.entries();
    case 'POST requests/clear':
      deps.state.log.clear();
      return { cleared: true };
    case 'POST inject': {
      const b = asObject(body);
      const match = asObject(b.match);
      if (typeof match.pathPrefix !== 'string') throw badRequest('inject: match.pathPrefix is required');
      if (b.status === undefined && b.delayMs === undefined) throw badRequest('inject: give status, delayMs or both');
      const inj: Injection = { match: { pathPrefix: match.pathPrefix }, remaining: typeof b.count === 'number' && b.count > 0 ? b.count : 1 };
      if (typeof match.method === 'string') inj.match.method = match.method;
      if (typeof b.status === 'number') inj.status = b.status;
      if (typeof b.delayMs === 'number') inj.delayMs = b.delayMs;
      deps.state.injections.push(inj);
      return { injected: true };
    }
    case 'POST tokens': {
      const b = asObject(body);
      if (typeof b.name !== 'string' || !b.name) throw badRequest('tokens: name is required');
      // Never more than the minter may do (today that is everything: minting needs full rights).
      const deny = [...deps.principal.deny, ...denyRules(b.deny)];
      return { token: deps.tokens.add({ name: b.name, deny, expired: b.expired === true }) };
    }
    case 'POST tokens/expire': {
      const b = asObject(body);
      if (typeof b.token !== 'string' && typeof b.name !== 'string') throw badRequest('tokens/expire: give token or name');
      const expired = deps.tokens.expire({ ...(typeof b.token === 'string' ? { token: b.token } : {}), ...(typeof b.name === 'string' ? { name: b.name } : {}) });
      if (expired === 0) throw notFound('tokens', '', typeof b.token === 'string' ? 'the given token' : String(b.name));
      return { expired };
    }
    case 'POST restart': {
      const b = body === undefined ? {} : asObject(body);
      const downMs = b.downMs ?? 0;
      if (typeof downMs !== 'number' || !Number.isFinite(downMs) || downMs < 0 || downMs > 600_000) throw badRequest('restart: downMs must be a number of milliseconds from 0 to 600000');
      if (!deps.restart) throw badRequest('this server cannot restart');
      deps.restart(downMs);
      return { restarting: true, downMs };
    }
    default:
      throw notFound('__sandbox', '', path);
  }
}
