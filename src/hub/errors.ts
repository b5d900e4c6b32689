/**
 * One error type for everything the hub layer does: what went wrong, in words a person can act on,
 * sorted into the few reasons the views and commands treat differently.
 */

/** Why a hub request failed, as far as the UI treats the cases differently. */
export type HubErrorReason = 'unreachable' | 'unauthorised' | 'forbidden' | 'conflict' | 'invalid' | 'not-found' | 'other';

/** A failed hub request: `reason` decides what the UI does, `message` says it to the user. */
export class HubError extends Error {
  override readonly name = 'HubError';
  constructor(
    readonly reason: HubErrorReason,
    message: string,
    /** The HTTP status, when the hub answered. */
    readonly status?: number,
    /** forbidden: the missing permission as `verb plural.group`. */
    readonly permission?: string,
  ) {
    super(message);
  }
}

/** The request that failed: its verb, resource plural, API group ('' for the core group) and the server URL. */
export interface RequestDescription {
  verb: string;
  resource: string;
  group: string;
  server: string;
}

/** An HTTP answer that was not a success, as the request helpers raise it (body: the parsed Status, if any). */
export class HttpFailure extends Error {
  constructor(readonly status: number, readonly body: unknown) {
    super(`HTTP ${status}`);
  }
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof HttpFailure) return error.status;
  const e = error as { statusCode?: unknown; code?: unknown; status?: unknown } | null;
  for (const value of [e?.statusCode, e?.code, e?.status]) if (typeof value === 'number' && value >= 100 && value < 600) return value;
  return undefined;
}

/** The Kubernetes Status message of a failure, when the server sent one. */
function serverMessage(error: unknown): string | undefined {
  const body = error instanceof HttpFailure ? error.body : (error as { body?: unknown } | null)?.body;
  const parsed = typeof body === 'string' ? safeParse(body) : body;
  const message = (parsed as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message ? message : undefined;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The system or TLS error code of a failed connection (ECONNREFUSED, CERT_HAS_EXPIRED, …), looking into causes. */
function networkCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | null, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && e.code) return e.code;
  }
  return undefined;
}

/** Sorts a failure into a HubError with a message naming the server and, for 403, the missing permission. */
export function classify(error: unknown, what: RequestDescription): HubError {
  if (error instanceof HubError) return error;
  const status = statusOf(error);
  const said = serverMessage(error);
  const permission = `${what.verb} ${what.group ? `${what.resource}.${what.group}` : what.resource}`;
  switch (status) {
    case undefined: {
      const code = networkCode(error);
      if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET') return new HubError('unreachable', `The connection to the hub at ${what.server} was cut (${code}).`);
      if (code) return new HubError('unreachable', `Cannot reach the hub at ${what.server} (${code}).`);
      return new HubError('other', `The request to ${what.server} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    case 401:
      return new HubError('unauthorised', `The hub ${what.server} rejected the credentials (401 Unauthorized); the token may have expired. Log in again, e.g. \`oc login ${what.server}\`; the view reconnects when the kubeconfig file changes.`, 401);
    case 403:
      return new HubError('forbidden', `Your user may not ${permission} on ${what.server} (403 Forbidden). Ask a hub administrator for that permission.`, 403, permission);
    case 404:
      return new HubError('not-found', said ?? `${what.resource} not found on ${what.server} (404).`, 404);
    case 409:
      return new HubError('conflict', `The object changed on the hub since it was read (409 Conflict${said ? `: ${said}` : ''}). Reload it and try again.`, 409);
    case 422:
      return new HubError('invalid', said ?? `The hub ${what.server} rejected the ${what.resource} as invalid (422).`, 422);
    default:
      return new HubError('other', `The hub ${what.server} answered ${status} to ${permission}${said ? `: ${said}` : '.'}`, status);
  }
}
