import type { PublishDiagnosticsParams } from 'vscode-languageserver/node';
import type { Finding } from '../core/index';
import { toDiagnostic } from './diagnostics';

interface Outgoing {
  version: number | undefined;
  findings: Finding[];
}

/**
 * Sends diagnostics with at most one publish in flight per document. A result that arrives while one is in
 * flight waits, and a newer one replaces it: after a burst of edits only the newest is sent. A result for a
 * version of an open document that is no longer its current one is dropped, and the diagnostics (80,000 for
 * a large file, 38 MB of JSON) are built only when their turn comes.
 */
export class Publisher {
  private readonly waiting = new Map<string, Outgoing>();
  private readonly sending = new Set<string>();

  constructor(
    private readonly send: (params: PublishDiagnosticsParams) => Promise<void>,
    /** The document's current version, when it is open: results of other versions are stale. */
    private readonly currentVersion: (uri: string) => number | undefined,
  ) {}

  /** Publishes the findings of a version of a document (none: a file that is not open, or a clear). */
  publish(uri: string, version: number | undefined, findings: Finding[]): void {
    this.waiting.set(uri, { version, findings });
    if (!this.sending.has(uri)) void this.flush(uri);
  }

  private async flush(uri: string): Promise<void> {
    this.sending.add(uri);
    try {
      for (let next = this.take(uri); next; next = this.take(uri)) {
        if (next.version !== undefined && next.version !== this.currentVersion(uri)) continue;
        await this.send({ uri, version: next.version, diagnostics: next.findings.map(toDiagnostic) }).catch(() => undefined);
      }
    } finally {
      this.sending.delete(uri);
    }
  }

  private take(uri: string): Outgoing | undefined {
    const next = this.waiting.get(uri);
    this.waiting.delete(uri);
    return next;
  }
}
