/**
 * What every webview page (media/<page>/main.ts) does the same way: reach VS Code's webview API, and make its
 * elements. Not a page itself (no main.ts here), so scripts/build.mjs bundles it into the pages that import it.
 */

/** The part of VS Code's webview API a page uses: what it posts to its host, and the state kept while hidden. */
export interface VsCodeApi<Posted, Saved> {
  postMessage(message: Posted): void;
  getState(): unknown;
  setState(state: Saved): void;
}
declare function acquireVsCodeApi(): VsCodeApi<unknown, unknown>;

/** The page's handle on VS Code (given once per page load), typed by the page's messages and state. */
export function vsCodeApi<Posted, Saved>(): VsCodeApi<Posted, Saved> {
  return acquireVsCodeApi();
}

/** A new element with a class and, if given, its text (as textContent: text from the hub is never markup). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
