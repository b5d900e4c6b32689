/**
 * Reading and driving the VS Code workbench in chromium, shared by the browser checks: the tree view's rows,
 * webview frames, the side bar's width, and proof that a webview's policy refusals reach the console.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Frame, Page } from 'playwright-core';
import { check, CheckFailed, step } from './driver';

/** A row of the view as the tree shows it: its list index, depth, expansion, label and description. */
export interface Row {
  index: number;
  level: number;
  expanded: string | null;
  /** The item's codicon, e.g. `error` (the twistie's is not counted). */
  icon: string;
  label: string;
  description: string;
  /** The row has the list's focus (the one a context menu was last opened on, among others). */
  focused: boolean;
}

/** The rendered rows, in the list's order (VS Code renders only the rows in view; the view is tall enough here). */
export async function treeRows(page: Page): Promise<Row[]> {
  const rows = await page.locator('.part.sidebar .monaco-list-row').evaluateAll((elements) =>
    elements.map((r) => {
      const text = (selector: string) => ((r.querySelector(selector) as HTMLElement | null)?.innerText ?? '').replace(/\s+/g, ' ').trim();
      const classes = Array.from(r.querySelectorAll('[class*="codicon-"]')).filter((e) => !e.closest('.monaco-tl-twistie')).flatMap((e) => Array.from(e.classList));
      const icon = classes.find((c) => c.startsWith('codicon-') && !c.startsWith('codicon-modifier-'))?.slice('codicon-'.length) ?? '';
      return { index: Number(r.getAttribute('data-index')), level: Number(r.getAttribute('aria-level')), expanded: r.getAttribute('aria-expanded'), icon, label: text('.label-name'), description: text('.label-description'), focused: r.classList.contains('focused') };
    }),
  );
  return rows.sort((a, b) => a.index - b.index);
}

/** The rows as an indented outline, for failure messages. */
export const describeRows = (rows: Row[]) =>
  rows.map((r) => `${'  '.repeat(Math.max(0, r.level - 1))}${r.expanded === 'true' ? '▾' : r.expanded === 'false' ? '▸' : '·'} [${r.icon}] ${r.label}${r.description ? ` — ${r.description}` : ''}`).join('\n');
/** A row as the user reads it: its label and description. */
export const shown = (r: Row) => (r.description ? `${r.label} — ${r.description}` : r.label);

/** Polls the rows until `find` returns something; on timeout the failure shows the tree as it was. */
export async function untilRows<T>(page: Page, what: string, find: (rows: Row[]) => T | undefined, timeout = 30_000): Promise<T> {
  let rows: Row[] = [];
  for (const deadline = Date.now() + timeout; Date.now() < deadline; await sleep(250)) {
    rows = await treeRows(page);
    const found = find(rows);
    if (found !== undefined) return found;
  }
  throw new CheckFailed(`not seen within ${timeout / 1000} s: ${what}; the view showed:\n${describeRows(rows)}`);
}

/** VS Code nests a webview in two iframes; the page's own document is the one holding `selector`. */
export async function webviewFrame(page: Page, selector: string, what: string, timeout = 30_000): Promise<Frame> {
  for (const deadline = Date.now() + timeout; Date.now() < deadline; await sleep(250)) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
    }
  }
  throw new CheckFailed(`not seen within ${timeout / 1000} s: ${what} (no frame holds ${selector})`);
}

/** Drags the sash right of the side bar, so the descriptions in the view are readable in the screenshots. */
export async function widenSidebar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
}

/** The console reports policy refusals of the webview: a foreign image must be one, so the silence before counted. */
export async function checkPolicyObserved(frame: Frame, cspMessages: string[], what: string): Promise<void> {
  await frame.evaluate(`(() => { const img = document.createElement('img'); img.src = 'http://127.0.0.1:9/x.png'; document.body.append(img); })()`);
  for (const deadline = Date.now() + 5000; !cspMessages.length && Date.now() < deadline; ) await sleep(100);
  check(cspMessages.some((m) => m.includes('img-src')), `a foreign image in the ${what} was not reported as refused by its policy: ${JSON.stringify(cspMessages)}`);
  step(`the console reports policy refusals of the ${what} (a foreign image was refused), and there were none before`);
  cspMessages.length = 0;
}
