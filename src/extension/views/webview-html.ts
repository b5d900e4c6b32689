/**
 * The HTML of a webview page built by scripts/build.mjs (dist/webview/<page>/main.js and main.css), under a
 * strict Content Security Policy. `vscode` is imported for its types only, so `pageHtml` also runs outside
 * VS Code (the browser-level test serves the same HTML).
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type * as vscode from 'vscode';
import { pageDocument } from '../../shared/page-html';

/** What a page needs besides its name. `body` is trusted static markup; everything else the script builds. */
export interface WebviewPageOptions {
  page: string;
  title: string;
  body?: string;
  /** Allows web workers from the extension (and blob: bootstraps, as monaco makes them). */
  allowWorkers?: boolean;
}

/** The resolved parts of a page: where its files are as the webview sees them, and the per-load nonce. */
export interface PageParts {
  /** The origin the webview loads extension files from (vscode.Webview.cspSource). */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce: string;
  title: string;
  body?: string;
  allowWorkers?: boolean;
}

/** A fresh nonce for one page load: scripts run only when they carry it. */
export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

/**
 * The policy: nothing by default; scripts only by nonce; styles, images and fonts only from the extension
 * (images also as data: URLs); no inline handlers, no eval, no remote content, no forms or frames.
 */
export function contentSecurityPolicy(parts: Pick<PageParts, 'cspSource' | 'nonce' | 'allowWorkers'>): string {
  const directives = [
    "default-src 'none'",
    `script-src 'nonce-${parts.nonce}'`,
    `style-src ${parts.cspSource}`,
    `img-src ${parts.cspSource} data:`,
    `font-src ${parts.cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ];
  if (parts.allowWorkers) directives.push(`worker-src ${parts.cspSource} blob:`);
  return directives.join('; ');
}

/** The page's HTML from resolved parts: pure, so tests build exactly what the webview gets. */
export function pageHtml(parts: PageParts): string {
  return pageDocument({ ...parts, policy: contentSecurityPolicy(parts), body: parts.body ?? '' });
}

/** The folders a page may load from; give these as the webview's `localResourceRoots`. */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [child(extensionUri, 'dist', 'webview'), child(extensionUri, 'media')];
}

/** The HTML for `dist/webview/<page>/main.js` (and main.css) in this webview, with a new nonce. */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, options: WebviewPageOptions): string {
  const file = (name: string) => webview.asWebviewUri(child(extensionUri, 'dist', 'webview', options.page, name)).toString();
  return pageHtml({
    cspSource: webview.cspSource,
    scriptUri: file('main.js'),
    styleUri: file('main.css'),
    nonce: newNonce(),
    title: options.title,
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.allowWorkers ? { allowWorkers: true } : {}),
  });
}

// Uri.with instead of vscode.Uri.joinPath: keeps this module free of a run-time vscode import.
function child(base: vscode.Uri, ...segments: string[]): vscode.Uri {
  return base.with({ path: posix.join(base.path, ...segments) });
}
