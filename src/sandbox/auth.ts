/**
 * Bearer-token authentication and a deny-list authorizer. Extra tokens (created through the control API)
 * let tests produce 401 (expired) and 403 (denied verb/resource) without a real RBAC model.
 */
import { randomBytes } from 'node:crypto';
import { ApiError } from './status';

export interface DenyRule { verb: string; resource?: string }
export interface Principal { name: string; deny: DenyRule[]; expired: boolean }

export class Tokens {
  private readonly byToken = new Map<string, Principal>();
  readonly adminToken: string;

  constructor() {
    this.adminToken = this.add({ name: 'sandbox-admin', deny: [], expired: false });
  }

  add(p: Principal): string {
    const token = `sbx-${randomBytes(24).toString('hex')}`;
    this.byToken.set(token, p);
    return token;
  }

  /** The principal behind an Authorization header; 401 as a Status when there is none. */
  authenticate(header: string | undefined): Principal {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    const p = m ? this.byToken.get(m[1]!) : undefined;
    if (!p || p.expired) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    return p;
  }
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
