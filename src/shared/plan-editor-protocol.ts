/**
 * The contract between the "Append step" plan editor's host (src/extension/views/plan-editor.ts) and its page
 * (media/plan-editor): the messages, their validation on the host, and the page's HTML with its Content
 * Security Policy. Shared by both sides by path: no vscode, no DOM.
 */
import { pageDocument } from './page-html';
import type { NewPlanStep } from './plan-editor-model';

/** Host → page: the IBGU as the hub has it now. `plan` is null once the IBGU was deleted. */
export interface StateMessage {
  type: 'state';
  name: string;
  namespace: string;
  plan: unknown[] | null;
}

/** Host → page: how the write of an `append` went; `error` is the write layer's words, shown as they are. */
export type AppendResultMessage = { type: 'appendResult'; ok: true } | { type: 'appendResult'; ok: false; error: string };

export type HostMessage = StateMessage | AppendResultMessage;

/** Page → host: the page is listening (sent on every load, so the host sends the state again). */
export interface ReadyMessage {
  type: 'ready';
}

/** Page → host: append `step` to a plan that must still be `expectedPlan` on the hub (the write's `test`). */
export interface AppendMessage {
  type: 'append';
  expectedPlan: unknown[];
  step: NewPlanStep;
}

export type PageMessage = ReadyMessage | AppendMessage;

/** More than the CRD allows (6 steps of 4 actions): anything larger is not a plan the page could have shown. */
const MAX_EXPECTED_STEPS = 16;
const MAX_ACTIONS = 16;
const MAX_ACTION_LENGTH = 64;
/** A generous bound on one existing step as JSON: the page only echoes what the host sent. */
const MAX_STEP_JSON = 4096;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasExactly(record: Record<string, unknown>, keys: string[]): boolean {
  const own = Object.keys(record);
  return own.length === keys.length && keys.every((k) => own.includes(k));
}

function jsonSize(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? Infinity;
  } catch {
    return Infinity;
  }
}

/**
 * The step of an append message, shape only (whether TALM would take it is the model's to say), or
 * undefined when it is not exactly `{actions: string[], rolloutStrategy: {maxConcurrency, timeout}}`.
 */
function parseStep(value: unknown): NewPlanStep | undefined {
  if (!isRecord(value) || !hasExactly(value, ['actions', 'rolloutStrategy'])) return undefined;
  const { actions, rolloutStrategy } = value;
  if (!Array.isArray(actions) || actions.length > MAX_ACTIONS || !actions.every((a) => typeof a === 'string' && a.length <= MAX_ACTION_LENGTH)) return undefined;
  if (!isRecord(rolloutStrategy) || !hasExactly(rolloutStrategy, ['maxConcurrency', 'timeout'])) return undefined;
  const { maxConcurrency, timeout } = rolloutStrategy;
  if (!Number.isSafeInteger(maxConcurrency) || !Number.isSafeInteger(timeout)) return undefined;
  return { actions: [...(actions as string[])], rolloutStrategy: { maxConcurrency: maxConcurrency as number, timeout: timeout as number } };
}

/**
 * A page message, or undefined when `value` is not exactly one: the page is untrusted input, so anything with
 * the wrong type, extra fields or implausible sizes is dropped.
 */
export function parsePageMessage(value: unknown): PageMessage | undefined {
  if (!isRecord(value)) return undefined;
  if (value.type === 'ready' && hasExactly(value, ['type'])) return { type: 'ready' };
  if (value.type !== 'append' || !hasExactly(value, ['type', 'expectedPlan', 'step'])) return undefined;
  const { expectedPlan } = value;
  if (!Array.isArray(expectedPlan) || expectedPlan.length > MAX_EXPECTED_STEPS || !expectedPlan.every((s) => isRecord(s) && jsonSize(s) <= MAX_STEP_JSON)) return undefined;
  const step = parseStep(value.step);
  return step ? { type: 'append', expectedPlan: structuredClone(expectedPlan), step } : undefined;
}

/** What the page's HTML needs, resolved by the host (or by a test serving the same files). */
export interface PlanEditorPageParts {
  /** The origin the webview loads extension files from (vscode.Webview.cspSource). */
  cspSource: string;
  /** dist/webview/plan-editor/main.js as the webview sees it; the workers are fetched from beside it. */
  scriptUri: string;
  styleUri: string;
  nonce: string;
  title: string;
}

/**
 * The plan editor's policy. Stricter parts as every page of ours: nothing by default, scripts only by nonce,
 * no eval, fonts (the codicon font) and styles only from the extension. Two additions monaco needs:
 * - `style-src 'unsafe-inline'`: monaco renders lines, selections, cursors and decorations as HTML strings with
 *   `style="top:…"` attributes and writes its theme (token colours) into `<style>` elements, and has no nonce
 *   hook for either. It allows inline *styles* only, never scripts.
 * - `connect-src` the extension's files and `worker-src blob:`: a webview page may not start a Worker from a
 *   resource URL (another origin), so the page fetches the worker bundles and starts them from blob: URLs.
 */
export function planEditorContentSecurityPolicy(parts: Pick<PlanEditorPageParts, 'cspSource' | 'nonce'>): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${parts.nonce}'`,
    `style-src ${parts.cspSource} 'unsafe-inline'`,
    `img-src ${parts.cspSource} data:`,
    `font-src ${parts.cspSource}`,
    `connect-src ${parts.cspSource}`,
    'worker-src blob:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ');
}

/** The page's HTML: pure, so the browser-level test serves exactly what the webview gets. The script builds the rest. */
export function planEditorHtml(parts: PlanEditorPageParts): string {
  return pageDocument({ ...parts, policy: planEditorContentSecurityPolicy(parts) });
}
