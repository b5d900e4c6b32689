/**
 * Markdown rendered as VS Code renders it: markdown-it (the engine of VS Code's Markdown extension, and of
 * `markdown.api.render`) with raw HTML on, linkify on (the preview's default) and fuzzy links off, as
 * VS Code sets them; `strict` also turns on fuzzy links and emails (linkify-it's defaults), to be sure an
 * escape holds with any setting.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt: new (options: object) => { render(src: string): string; linkify: { set(options: object): unknown } } = require('markdown-it');

const vscodeLike = new MarkdownIt({ html: true, linkify: true });
vscodeLike.linkify.set({ fuzzyLink: false });
const strict = new MarkdownIt({ html: true, linkify: true, typographer: true });
strict.linkify.set({ fuzzyLink: true, fuzzyEmail: true, fuzzyIP: true });

export function renderMarkdown(markdown: string, engine: 'vscode' | 'strict' = 'vscode'): string {
  return (engine === 'vscode' ? vscodeLike : strict).render(markdown);
}

/** What markdown-it's renderer writes for text. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The names of the tags in `html`, each once. */
export function tagsOf(html: string): string[] {
  return [...new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()))].sort();
}

/** The text of `html`: tags removed, markdown-it's entities decoded. */
export function textOf(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

/** The `href`s of the links in `html`, decoded from the attribute. */
export function hrefsOf(html: string): string[] {
  return [...html.matchAll(/<a\s[^>]*href="([^"]*)"/g)].map((m) => m[1]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
}
