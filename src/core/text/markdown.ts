/**
 * Text from a cluster (names, reasons, messages, annotation values, label keys) put into Markdown as data:
 * it renders as the same characters, never as markup, a link or a command. Every place that builds
 * Markdown around such text goes through these functions.
 *
 * Markdown's own escape is a backslash before ASCII punctuation, and CommonMark lets every ASCII
 * punctuation character be escaped. Escaping all of them (not a hand-picked few) covers the constructs
 * of the renderers the text may meet: CommonMark, GFM tables and strikethrough, markdown-it's linkify
 * (`https://…`, `www.…`, `a@b.c` are split by the escapes, so never matched), VS Code's KaTeX `$…$`, and
 * line starts that would open a heading, list, quote, setext underline or thematic break.
 */

/**
 * Characters that would be invisible or reorder what is shown (bidi overrides, zero-width characters)
 * and the C0/C1 controls; each is shown as its code point instead.
 */
const HIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
const LINE_BREAK = /\r\n|[\r\n\u2028\u2029\u0085]/;
const LINE_BREAKS = /\r\n|[\r\n\u2028\u2029\u0085]/g;
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/g;

const visible = (s: string) => s.replace(HIDDEN, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
const ALNUM = /[A-Za-z0-9]/;
/** A `-` inside a word (`sno-0001`) is never markup: it stays as is, so names read well in the saved Markdown. */
const escapePunctuation = (s: string) => s.replace(ASCII_PUNCTUATION, (c, at: number) => (c === '-' && ALNUM.test(s[at - 1] ?? '') && ALNUM.test(s[at + 1] ?? '') ? c : `\\${c}`));

/**
 * Inline text: every Markdown-significant character escaped; line breaks as spaces (a line break could
 * start a block) and runs of blanks as one (four would make an indented code block after a list marker;
 * HTML shows a run as one anyway).
 */
export function markdownText(text: string): string {
  return escapePunctuation(visible(text.replace(LINE_BREAKS, ' ')).replace(/[ \t]+/g, ' '));
}

/**
 * A code span holding `text` literally, whatever backticks it holds: the fence is one backtick longer than
 * the longest run inside, padded with a space where the content would otherwise touch it. Line breaks
 * become spaces (the block structure is read before the span, so a line inside it could start a heading).
 */
export function markdownCode(text: string): string {
  const content = visible(text.replace(LINE_BREAKS, ' '));
  // Blanks alone: renderers disagree on stripping them (markdown-it does, CommonMark not); HTML shows one anyway.
  if (content.trim() === '') return '` `';
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  // CommonMark strips one space from each side when both have one, and a backtick at an edge would join the fence.
  const pad = content.startsWith('`') || content.endsWith('`') || (content.startsWith(' ') && content.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/**
 * A block quote of `text`, line by line, each line escaped and without its leading whitespace (which
 * would make an indented code block, and HTML folds it anyway). Stands alone: put blank lines around it.
 */
export function markdownQuote(text: string): string {
  return text.split(LINE_BREAK).map((line) => {
    const escaped = markdownText(line.trim());
    return escaped ? `> ${escaped}` : '>';
  }).join('\n');
}

/**
 * A GFM table cell from inline Markdown (escaped text and code spans): each `|` escaped, which the table
 * reads before the inline parser (a `|` inside a code span, or one already escaped, then keeps its meaning).
 */
export function markdownCell(inline: string): string {
  return inline.replace(LINE_BREAKS, ' ').replace(/\|/g, '\\|');
}

/** Characters a link destination we build may hold: a URI's unreserved characters and %-escapes. */
const SAFE_DESTINATION = /^[a-z][a-z0-9+.-]*:[A-Za-z0-9%._~?=&/:-]*$/;

/**
 * A `command:` URI with its JSON arguments encoded, every character Markdown or HTML could read (`(`,
 * `)`, `'`, `!`, `*` are left alone by encodeURIComponent) percent-escaped too.
 */
export function commandUri(command: string, args: readonly unknown[]): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(command)) throw new Error(`not a command id: ${JSON.stringify(command)}`);
  const query = encodeURIComponent(JSON.stringify(args)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `command:${command}?${query}`;
}

/** A link with `label` as escaped text to a destination the extension built (refused unless it is plain URI characters). */
export function markdownLink(label: string, destination: string): string {
  if (!SAFE_DESTINATION.test(destination)) throw new Error(`refusing link destination ${JSON.stringify(destination.slice(0, 80))}`);
  return `[${markdownText(label)}](${destination})`;
}
