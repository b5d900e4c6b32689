/**
 * The HTML document of a webview page, given its policy: shared by the pages built with webview-html.ts and
 * the plan editor (plan-editor-protocol.ts), each with its own Content Security Policy. No imports, so the
 * plan editor's protocol stays usable from its page's code.
 */

/** What goes into the document; `body` is trusted static markup, everything else is escaped. */
export interface PageDocument {
  /** The Content Security Policy, as the meta tag's content. */
  policy: string;
  title: string;
  styleUri: string;
  scriptUri: string;
  nonce: string;
  body?: string;
}

/** Text made safe inside HTML text and double- or single-quoted attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page: its policy, its stylesheet, `body` (its own line, when given), and its script, run by nonce. */
export function pageDocument(page: PageDocument): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(page.policy)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<link rel="stylesheet" href="${escapeHtml(page.styleUri)}">
</head>
<body>
${page.body !== undefined ? `${page.body}\n` : ''}<script nonce="${escapeHtml(page.nonce)}" src="${escapeHtml(page.scriptUri)}"></script>
</body>
</html>`;
}
