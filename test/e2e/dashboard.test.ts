import { test } from 'node:test';
import { browserCheck } from './lib/check';

// The rollout dashboard page (the built dist/webview/dashboard) in headless chromium, fed 3,500 clusters
// (test/e2e/dashboard-page.ts). Skips when there is no chromium here, unless CI=true.
test('the rollout dashboard draws 3,500 clusters, reveals on click and keys, lists failures, repaints only what changed', { timeout: 5 * 60_000 }, (t) =>
  browserCheck(t, { script: 'dashboard-page.js', screenshot: 'dashboard.png', timeoutMs: 2 * 60_000, webview: 'dashboard' }));
