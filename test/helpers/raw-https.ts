/**
 * One HTTPS request to a sandbox on its own connection, for tests that need any body, header or URL: `body`
 * goes as given (a string or Buffer) or as JSON, always with a length (Node sends a DELETE body with neither
 * length nor chunking unless told; real clients send one); `token: null` sends no Authorization; the reply
 * body is parsed as JSON when it is JSON.
 */
import * as https from 'node:https';
import type { Sandbox } from '../../src/sandbox';

export interface RawReply { status: number; body: any; headers: Record<string, unknown> }

export function rawCall(hub: Sandbox, method: string, path: string, opts: { body?: unknown; contentType?: string; accept?: string; token?: string | null; headers?: Record<string, string> } = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(opts.token !== null ? { Authorization: `Bearer ${opts.token ?? hub.token}` } : {}), ...(opts.accept ? { Accept: opts.accept } : {}), ...opts.headers };
    let payload: string | Buffer | undefined;
    if (opts.body !== undefined) {
      payload = typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const req = https.request(`${hub.url}${path}`, { method, headers, ca: hub.caPem, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
