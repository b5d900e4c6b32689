import { test } from 'node:test';
import { browserCheck } from './lib/check';

// The built "Append step" plan editor page in headless chromium, driven as a user would (test/e2e/plan-editor-page.ts).
// Skips when the toolchain cannot exist here, unless CI=true.
test('the plan editor page: read-only existing steps, live TALM markers, append, a refused write keeps the text, no CSP violation', { timeout: 10 * 60_000 }, (t) =>
  browserCheck(t, { script: 'plan-editor-page.js', screenshot: 'plan-editor.png', timeoutMs: 4 * 60_000, webview: 'plan-editor', tag: '[plan-editor]' }));
