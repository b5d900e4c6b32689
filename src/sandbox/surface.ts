/**
 * One Kubernetes API server inside the sandbox: the hub, or a simulated spoke. Each has its own type set,
 * store (its own resourceVersions), watches and request handlers; the HTTPS server routes `/…` to the hub
 * and `/clusters/<name>/…` to a spoke, so every spoke is a real endpoint that kubectl and client-node can
 * use with the admin kubeconfig the hub stores for it.
 */
import { OpenApiCache } from './openapi';
import { HUB, SPOKE, type ApiTypes } from './registry';
import { ResourceHandlers } from './resources';
import { Store } from './store';
import { WatchHub } from './watch';

export interface ApiSurface {
  /** 'hub', or the spoke's cluster name. */
  readonly name: string;
  readonly types: ApiTypes;
  readonly store: Store;
  readonly watches: WatchHub;
  readonly handlers: ResourceHandlers;
  readonly openapi: OpenApiCache;
}

const openApiCaches = new WeakMap<ApiTypes, OpenApiCache>();

/** OpenAPI documents depend only on the type set, so all spokes share one serialized copy. */
function openApiFor(types: ApiTypes): OpenApiCache {
  let cache = openApiCaches.get(types);
  if (!cache) openApiCaches.set(types, (cache = new OpenApiCache(types)));
  return cache;
}

/** `watchBufferLimitBytes`: see WatchHub (default 64 MB). */
export function createSurface(name: string, store: Store, watchBufferLimitBytes?: number): ApiSurface {
  const watches = new WatchHub(store, undefined, watchBufferLimitBytes);
  return { name, types: store.types, store, watches, handlers: new ResourceHandlers(store, watches), openapi: openApiFor(store.types) };
}

export const SPOKE_PATH_PREFIX = '/clusters/';

/**
 * The simulated spokes, created on first use (a spoke nobody touches costs nothing, so a hub of 3,500
 * clusters starts in the time it takes to seed the hub). `seed` fills a new spoke as LCA and OADP
 * would have left it; `onCreate` lets controllers subscribe to it.
 */
export class Spokes {
  private readonly surfaces = new Map<string, ApiSurface>();
  private readonly names = new Set<string>();
  private readonly creators: ((spoke: ApiSurface) => void)[] = [];

  constructor(private readonly seed: (name: string, store: Store) => void) {}

  /** Declares a spoke that may be created; only declared names are served. */
  declare(name: string): void {
    this.names.add(name);
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** Called for each spoke when it is created (and at once for those that already exist). */
  onCreate(listener: (spoke: ApiSurface) => void): void {
    this.creators.push(listener);
    for (const s of this.surfaces.values()) listener(s);
  }

  get(name: string): ApiSurface | undefined {
    let surface = this.surfaces.get(name);
    if (surface || !this.names.has(name)) return surface;
    const store = new Store(SPOKE, { history: 'once-read' });
    this.seed(name, store);
    surface = createSurface(name, store);
    this.surfaces.set(name, surface);
    for (const c of this.creators) c(surface);
    return surface;
  }

  /** The spokes created so far. */
  created(): ApiSurface[] {
    return [...this.surfaces.values()];
  }
}

export function hubSurface(store: Store = new Store(HUB), watchBufferLimitBytes?: number): ApiSurface {
  return createSurface('hub', store, watchBufferLimitBytes);
}
