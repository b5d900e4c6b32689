/**
 * Cluster text in Markdown (core/text/markdown): every hostile string renders, through markdown-it as
 * VS Code configures it (and with every linkify option on), as exactly its own characters: no link, no
 * command, no HTML, no heading, list, quote, table, code block or math.
 *
 *   IBGU_FUZZ_SEED=123     replay a failure with the seed fast-check printed
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { commandUri, markdownCell, markdownCode, markdownLink, markdownQuote, markdownText } from '../../../src/core/text/markdown';
import { HOSTILE } from '../../helpers/hostile';
import { escapeHtml, renderMarkdown, tagsOf, textOf } from '../../helpers/markdown';

const SEED = process.env.IBGU_FUZZ_SEED === undefined ? undefined : Number(process.env.IBGU_FUZZ_SEED);
const params = <T>(): fc.Parameters<T> => ({ numRuns: 400, includeErrorInReport: true, ...(SEED !== undefined ? { seed: SEED } : {}) });

/** What the reader must see for `text`: line breaks and blank runs as one space, hidden characters by code point. */
function seen(text: string, blanks: 'collapse' | 'keep' = 'collapse'): string {
  const shown = text.replace(/\r\n|[\r\n\u2028\u2029\u0085]/g, ' ').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
  return blanks === 'collapse' ? shown.replace(/[ \t]+/g, ' ') : shown;
}

const ENGINES = ['vscode', 'strict'] as const;

describe('markdownText', () => {
  for (const [name, hostile] of Object.entries(HOSTILE)) {
    test(`renders as its own text, nothing else: ${name}`, () => {
      for (const engine of ENGINES) {
        assert.equal(renderMarkdown(`x ${markdownText(hostile)} y`, engine), `<p>x ${escapeHtml(seen(hostile))} y</p>\n`, engine);
        // At the start of a line, as a heading's text, and as a list item's.
        if (seen(hostile).trim()) {
          assert.equal(renderMarkdown(markdownText(hostile), engine), `<p>${escapeHtml(seen(hostile).trim())}</p>\n`, engine);
          assert.equal(renderMarkdown(`## ${markdownText(hostile)}`, engine), `<h2>${escapeHtml(seen(hostile).trim())}</h2>\n`, engine);
          assert.equal(renderMarkdown(`- ${markdownText(hostile)}`, engine), `<ul>\n<li>${escapeHtml(seen(hostile).trim())}</li>\n</ul>\n`, engine);
        }
      }
    });
  }

  test('any string of Markdown-significant characters, letters, blanks and line breaks renders as itself', () => {
    const chars = fc.constantFrom(...'\\`*_[](){}<>#+-.!|~$&:;/@="\' \t\n\r=^%?,ahw0123456789xyz'.split(''), 'https://', 'command:', 'www.', '<a href="', '    ', '\u202E', '\u0000');
    fc.assert(fc.property(fc.array(chars, { maxLength: 40 }).map((a) => a.join('')), (s) => {
      for (const engine of ENGINES) assert.equal(renderMarkdown(`x ${markdownText(s)} y`, engine), `<p>x ${escapeHtml(seen(s))} y</p>\n`);
    }), params());
  });
});

describe('markdownCode', () => {
  for (const [name, hostile] of Object.entries(HOSTILE)) {
    test(`one code span holding exactly the text: ${name}`, () => {
      const expected = hostile.trim() === '' ? ' ' : seen(hostile, 'keep');
      for (const engine of ENGINES) assert.equal(renderMarkdown(`x ${markdownCode(hostile)} y`, engine), `<p>x <code>${escapeHtml(expected)}</code> y</p>\n`, engine);
    });
  }

  test('any run of backticks, at the edges or inside, stays inside the span', () => {
    for (const s of ['`', '``', 'a`', '`a', '` a `', 'a ``` b', '````', ' ` ', '`` `x` ``', ' a ', ' a', 'a ']) {
      assert.equal(renderMarkdown(`x ${markdownCode(s)} y`), `<p>x <code>${escapeHtml(s)}</code> y</p>\n`, JSON.stringify(s));
    }
    fc.assert(fc.property(fc.array(fc.constantFrom('`', ' ', 'a', '$', '|', '\n', '<', '\\'), { maxLength: 30 }).map((a) => a.join('')), (s) => {
      const expected = s.trim() === '' ? ' ' : seen(s, 'keep');
      assert.equal(renderMarkdown(`x ${markdownCode(s)} y`), `<p>x <code>${escapeHtml(expected)}</code> y</p>\n`);
    }), params());
  });
});

describe('markdownQuote', () => {
  for (const [name, hostile] of Object.entries(HOSTILE)) {
    test(`a block quote of the text's lines and nothing else: ${name}`, () => {
      for (const engine of ENGINES) {
        const html = renderMarkdown(`Before:\n\n${markdownQuote(hostile)}\n\nAfter.`, engine);
        assert.deepEqual(tagsOf(html).filter((t) => !['blockquote', 'p'].includes(t)), [], html);
        assert.equal((html.match(/<blockquote>/g) ?? []).length, hostile.trim() ? 1 : (html.includes('<blockquote>') ? 1 : 0));
        const lines = hostile.split(/\r\n|[\r\n\u2028\u2029\u0085]/).map((l) => seen(l.trim())).filter(Boolean);
        assert.equal(textOf(html).replace(/\s+/g, ' ').trim(), ['Before:', ...lines, 'After.'].join(' ').replace(/\s+/g, ' '), engine);
      }
    });
  }
});

describe('markdownCell', () => {
  for (const [name, hostile] of Object.entries(HOSTILE)) {
    test(`a table keeps its two columns, the cells their text: ${name}`, () => {
      const md = `| A | B |\n|---|---|\n| ${markdownCell(markdownText(hostile))} | ${markdownCell(markdownCode(hostile))} |\n`;
      const html = renderMarkdown(md);
      const cells = [...html.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => m[1]);
      assert.equal(cells.length, 2, html);
      assert.equal(cells[0], escapeHtml(seen(hostile).trim()));
      assert.equal(cells[1], `<code>${escapeHtml(hostile.trim() === '' ? ' ' : seen(hostile, 'keep'))}</code>`);
    });
  }
});

describe('markdownLink and commandUri', () => {
  test('a command URI percent-escapes every character Markdown or HTML reads, and round-trips its arguments', () => {
    const args = ['k(e)y', 0, { "it's": '!*~' }];
    const uri = commandUri('ibgu.followReportLink', args);
    assert.match(uri, /^command:ibgu\.followReportLink\?[A-Za-z0-9%._~-]+$/);
    assert.deepEqual(JSON.parse(decodeURIComponent(uri.slice(uri.indexOf('?') + 1))), args);
    const html = renderMarkdown(markdownLink('Retry [now](x) <b>', uri));
    assert.equal(html, `<p><a href="${uri}">Retry [now](x) &lt;b&gt;</a></p>\n`);
    assert.throws(() => commandUri('x?y', []), /not a command id/);
  });

  test('a destination that could end the link or start markup is refused', () => {
    for (const bad of ['command:x) [y](command:z', 'javascript:alert(1)', 'command:x y', 'command:x<y>', 'no-scheme', 'command:x\n']) {
      assert.throws(() => markdownLink('x', bad), /refusing link destination/, bad);
    }
  });
});
