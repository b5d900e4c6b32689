import { test } from 'node:test';
import { browserCheck } from './lib/check';

// The IBGU view and the rollout dashboard of the packaged extension, in a fresh code-server driven by headless
// chromium, against a sandbox hub started by the driver (test/e2e/hub.ts). Skips when the toolchain cannot
// exist here, unless CI=true.
test('the IBGU view shows the sandbox hub, a failed cluster in its group, and opens the rollout dashboard, in the browser UI', { timeout: 20 * 60_000 }, (t) =>
  browserCheck(t, { script: 'hub.js', screenshot: 'e2e-hub.png', timeoutMs: 5 * 60_000 }));
