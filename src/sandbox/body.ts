/**
 * Request bodies and the answers that come before a body was read. A body is read up to kube-apiserver's
 * limit and refused past it (413); whenever the answer is sent while the client is still sending (that 413,
 * or a 401/403/404 decided from the headers), the rest of the body is read and dropped before the
 * connection closes, so the client reads the answer instead of a connection reset.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_DISCARDED_BODY_BYTES, MAX_REQUEST_BODY_BYTES } from './limits';
import { entityTooLarge } from './status';

/** Requests told to go ahead with `100 Continue`; for the others that asked, no body is on its way. */
const continued = new WeakSet<IncomingMessage>();

const expectsContinue = (req: IncomingMessage) => /^100-continue$/i.test(String(req.headers.expect ?? ''));

function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

/** The body is still (or may still be) arriving. */
function bodyPending(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = declaredLength(req);
  const hasBody = (length !== undefined && length > 0) || req.headers['transfer-encoding'] !== undefined;
  return hasBody && (!expectsContinue(req) || continued.has(req));
}

/** The whole body, or a 413 ApiError past MAX_REQUEST_BODY_BYTES (then the rest is left to `answer`). */
export function readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer> {
  const tooLarge = () => entityTooLarge(`limit is ${MAX_REQUEST_BODY_BYTES}`);
  // A declared length says it all: no need to read 3 MB to refuse 50 (and no `100 Continue` to ask for them).
  if ((declaredLength(req) ?? 0) > MAX_REQUEST_BODY_BYTES) return Promise.reject(tooLarge());
  if (expectsContinue(req) && !req.complete) {
    continued.add(req);
    res.writeContinue();
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= MAX_REQUEST_BODY_BYTES) return void chunks.push(c);
      req.off('data', onData);
      chunks.length = 0;
      reject(tooLarge());
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Sends a complete answer. When the request body is still arriving, the answer goes out at once with
 * `Connection: close`, and the response ends (closing the connection) only once the client has finished
 * sending: closing a socket with unread data resets it, and the reset can destroy the answer before the
 * client reads it. Past MAX_DISCARDED_BODY_BYTES more, the connection is cut.
 */
export function answer(req: IncomingMessage, res: ServerResponse, code: number, text: string | Uint8Array, contentType: string): void {
  if (res.headersSent || res.writableEnded) return;
  const headers: Record<string, string | number> = { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' };
  if (!bodyPending(req)) {
    // A client that asked to send a body and was not told to continue sends none; it may not reuse the connection.
    if (expectsContinue(req) && !continued.has(req) && !req.complete) headers.Connection = 'close';
    res.writeHead(code, headers);
    res.end(text);
    return;
  }
  headers.Connection = 'close';
  res.writeHead(code, headers);
  res.write(text);
  let discarded = 0;
  const done = () => {
    req.off('data', discard);
    if (!res.writableEnded) res.end();
  };
  const discard = (c: Buffer) => {
    discarded += c.length;
    if (discarded > MAX_DISCARDED_BODY_BYTES) {
      req.off('data', discard);
      res.destroy();
    }
  };
  req.on('data', discard);
  req.once('end', done);
  req.once('close', done);
  req.resume();
}
