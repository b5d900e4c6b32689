/**
 * The report's second line of defence, after the escaping of cluster text in core: the HTML VS Code's
 * Markdown renderer made is kept only as far as it is the markup a report is made of. Any other tag (raw
 * HTML that slipped through, KaTeX, an image) is shown as text, and a link survives only if its
 * destination is one the extension itself issued for this report. No vscode here: unit-tested as is.
 */

/** The tags Markdown renders a report into. */
const TAGS = new Set(['a', 'blockquote', 'br', 'code', 'del', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'li', 'ol', 'p', 'pre', 's', 'strong', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul']);
/** Attributes VS Code's renderer adds (source lines, heading ids, a link's copy of its href) and table alignment. */
const ATTRIBUTES: Record<string, (value: string, tag: string) => boolean> = {
  class: (v) => /^[\w -]*$/.test(v),
  'data-line': (v) => /^\d+$/.test(v),
  dir: (v) => v === 'auto',
  id: (v) => !/[<>"'`\s]/.test(v),
  style: (v) => /^text-align:(left|right|center)$/.test(v),
  start: (v, tag) => tag === 'ol' && /^\d+$/.test(v),
};
/** One start or end tag as markdown-it writes it: double-quoted attribute values with `<`, `>`, `"` and `&` escaped. */
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"<>]*")?)*)\s*\/?>/y;
const ATTRIBUTE = /\s+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?/g;

const unescapeAttribute = (v: string) => v.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/**
 * `html` with only the report's own markup left as markup: tags outside TAGS, or with an attribute not
 * allowed, are escaped into text; an `<a>` whose `href` (and `data-href`) is not one of `links` is dropped
 * with its closing tag, its text kept.
 */
export function keepReportMarkup(html: string, links: ReadonlySet<string>): string {
  let out = '';
  let at = 0;
  const anchors: boolean[] = [];
  for (let lt = html.indexOf('<'); lt !== -1; lt = html.indexOf('<', at)) {
    out += html.slice(at, lt);
    TAG.lastIndex = lt;
    const m = TAG.exec(html);
    const [whole = '', closing = '', rawName = '', attributes = ''] = m ?? [];
    const name = rawName.toLowerCase();
    if (!m || !TAGS.has(name)) {
      out += '&lt;';
      at = lt + 1;
      continue;
    }
    at = lt + whole.length;
    if (name === 'a') {
      if (closing) {
        if (anchors.pop()) out += whole;
        continue;
      }
      const kept = anchorAllowed(attributes, links);
      anchors.push(kept);
      if (kept) out += whole;
      continue;
    }
    if (closing ? attributes.trim() === '' : attributesAllowed(attributes, name)) out += whole;
    else {
      out += '&lt;';
      at = lt + 1;
    }
  }
  return out + html.slice(at);
}

function attributesAllowed(attributes: string, tag: string): boolean {
  for (const [, name = '', value = ''] of attributes.matchAll(ATTRIBUTE)) {
    const allowed = ATTRIBUTES[name.toLowerCase()];
    if (!allowed || !allowed(unescapeAttribute(value), tag)) return false;
  }
  return true;
}

function anchorAllowed(attributes: string, links: ReadonlySet<string>): boolean {
  let href: string | undefined;
  for (const [, rawName = '', value = ''] of attributes.matchAll(ATTRIBUTE)) {
    const name = rawName.toLowerCase();
    const v = unescapeAttribute(value);
    if (name === 'href' || name === 'data-href') {
      if (!links.has(v) || (href !== undefined && href !== v)) return false;
      href = v;
    } else if (!ATTRIBUTES[name]?.(v, 'a')) return false;
  }
  return href !== undefined;
}
