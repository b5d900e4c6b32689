/** metav1.Status errors: every failure the hub returns has this shape, so clients can read reason and code. */

export type StatusReason =
  | 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Gone' | 'Expired'
  | 'Invalid' | 'MethodNotAllowed' | 'UnsupportedMediaType' | 'NotAcceptable' | 'RequestEntityTooLarge' | 'InternalError' | 'ServiceUnavailable' | 'TooManyRequests' | 'Timeout';

export interface StatusDetails { name?: string; group?: string; kind?: string; causes?: { reason?: string; message: string; field?: string }[] }

export class ApiError extends Error {
  /** `reason` undefined is metav1.StatusReasonUnknown (""), which the API server leaves out of the Status. */
  constructor(readonly code: number, readonly reason: StatusReason | undefined, message: string, readonly details?: StatusDetails) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return status(this.code, this.reason, this.message, this.details);
  }
}

export function status(code: number, reason: StatusReason | undefined, message: string, details?: StatusDetails): Record<string, unknown> {
  const s: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: code < 400 ? 'Success' : 'Failure', message, code };
  if (reason) s.reason = reason;
  if (details) s.details = details;
  return s;
}

/** Reason for an arbitrary HTTP code, used by fault injection. */
export function reasonFor(code: number): StatusReason {
  const table: Record<number, StatusReason> = { 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 406: 'NotAcceptable', 409: 'Conflict', 410: 'Expired', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType', 422: 'Invalid', 429: 'TooManyRequests', 503: 'ServiceUnavailable', 504: 'Timeout' };
  return table[code] ?? 'InternalError';
}

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);

/** apimachinery's errors.NewRequestEntityTooLargeError: 413 with its "Request entity too large: " prefix. */
export const entityTooLarge = (message: string) => new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);

export function notFound(resource: string, group: string, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${group ? `${resource}.${group}` : resource} "${name}" not found`, { name, group, kind: resource });
}
