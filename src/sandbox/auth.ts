/**
 * Bearer-token authentication and a deny-list authorizer. Extra tokens (created through the control API)
 * let tests produce 401 (expired) and 403 (denied verb/resource) without a real RBAC model.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError } from './status';

export interface DenyRule { verb: string; resource?: string }
export interface Principal { name: string; deny: DenyRule[]; expired: boolean }

export class Tokens {
  private readonly byToken = new Map<string, Principal>();
  private readonly spokeKey = randomBytes(32);
  readonly adminToken: string;

  constructor() {
    this.adminToken = this.add({ name: 'sandbox-admin', deny: [], expired: false });
  }

  add(p: Principal): string {
    const token = `sbx-${randomBytes(24).toString('hex')}`;
    this.byToken.set(token, p);
    return token;
  }

  /**
   * Expires tokens as a token's lifetime ends: the token given, or every token of the principal named
   * (the admin token too). Open watches stay open, as on a real API server; the next request gets 401.
   * Returns how many tokens were expired.
   */
  expire(match: { token?: string; name?: string }): number {
    let count = 0;
    for (const [token, p] of this.byToken) {
      if ((match.token !== undefined && token === match.token) || (match.name !== undefined && p.name === match.name)) {
        if (!p.expired) count++;
        this.byToken.set(token, { ...p, expired: true });
      }
    }
    return count;
  }

  /**
   * A spoke's admin token, derived from the spoke's name so that 3,500 spokes need no table. It is valid
   * on that spoke only, as a real cluster's token is; hub tokens are not valid on spokes.
   */
  spokeToken(cluster: string): string {
    return `sbx-${cluster}.${this.spokeMac(cluster)}`;
  }

  private spokeMac(cluster: string): string {
    return createHmac('sha256', this.spokeKey).update(cluster).digest('hex').slice(0, 40);
  }

  /** The principal behind an Authorization header on the hub (`scope` 'hub') or a spoke; 401 when there is none. */
  authenticate(header: string | undefined, scope = 'hub'): Principal {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    const token = m?.[1];
    let p: Principal | undefined;
    if (token && scope === 'hub') p = this.byToken.get(token);
    else if (token && token.startsWith(`sbx-${scope}.`)) {
      const given = Buffer.from(token.slice(`sbx-${scope}.`.length));
      const want = Buffer.from(this.spokeMac(scope));
      if (given.length === want.length && timingSafeEqual(given, want)) p = { name: 'system:admin', deny: [], expired: false };
    }
    if (!p || p.expired) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    return p;
  }
}

/** A principal without deny rules: what the admin token has, and what managing tokens needs. */
export function hasFullRights(p: Principal): boolean {
  return p.deny.length === 0;
}

export interface Attributes { verb: string; resource: string; subresource?: string; group: string; namespace?: string; name?: string }

export function authorize(p: Principal, a: Attributes): void {
  const full = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const denied = p.deny.some((d) => (d.verb === '*' || d.verb === a.verb) && (!d.resource || d.resource === '*' || d.resource === a.resource || d.resource === full));
  if (!denied) return;
  const what = a.group ? `${full}.${a.group}` : full;
  const where = a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
  const named = a.name ? ` "${a.name}"` : '';
  throw new ApiError(403, 'Forbidden', `${what}${named} is forbidden: User "${p.name}" cannot ${a.verb} resource "${full}" in API group "${a.group}"${where}`, { name: a.name, group: a.group, kind: a.resource });
}
