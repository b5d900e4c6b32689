import { test } from 'node:test';
import { browserCheck } from './lib/check';

// The packaged .vsix in a fresh code-server, driven through the UI by headless chromium (test/e2e/quickfix.ts).
// Skips when the toolchain cannot exist here, unless CI=true.
test('the packaged extension shows the problem and its quick-fix removes it, in the browser UI', { timeout: 20 * 60_000 }, (t) =>
  browserCheck(t, { script: 'quickfix.js', screenshot: 'e2e-quickfix.png', timeoutMs: 6 * 60_000 }));
