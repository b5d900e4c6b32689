import { test } from 'node:test';
import { browserCheck } from './lib/check';

// The troubleshooting commands of the packaged extension in a fresh code-server driven by headless chromium,
// against a sandbox hub staging a FinalizeFailed cluster and lost LVM volumes (test/e2e/trouble.ts): Diagnose
// Cluster's report in its webview, and Retry IBU Cleanup… from its question to Idle. Skips when the toolchain
// cannot exist here, unless CI=true.
test('Diagnose Cluster renders the lost volumes and their fixes, and Retry IBU Cleanup asks, then brings the IBU back to Idle, in the browser UI', { timeout: 20 * 60_000 }, (t) =>
  browserCheck(t, { script: 'trouble.js', screenshot: 'e2e-trouble-diagnose.png', timeoutMs: 4 * 60_000 }));
