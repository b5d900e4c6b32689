/**
 * The report's rendered HTML kept to a report's markup (src/extension/views/report-html): the second line
 * of defence, judged on markdown-it's output for Markdown whose cluster text was *not* escaped (what the
 * report was before the escaping), and on the attributes VS Code's renderer adds.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { keepReportMarkup } from '../../src/extension/views/report-html';
import { HOSTILE } from '../helpers/hostile';
import { hrefsOf, renderMarkdown, tagsOf } from '../helpers/markdown';

const OWN = 'command:ibgu.followReportLink?%5B%22k%22%2C0%5D';
const links = new Set([OWN]);

describe('keepReportMarkup', () => {
  test("VS Code's rendering of a report stays as it is", () => {
    const html = [
      '<h1 data-line="0" class="code-line" dir="auto" id="diagnosis-of-sno-0001">Diagnosis of sno-0001</h1>',
      '<table data-line="4" class="code-line" dir="auto"><thead><tr><th></th><th style="text-align:left">Finding</th></tr></thead>',
      '<tbody><tr><td><strong>Error</strong></td><td>IBU cleanup failed (AbortFailed)</td></tr></tbody></table>',
      '<blockquote data-line="9" class="code-line" dir="auto"><p>failed to delete &lt;b&gt; &amp; more<br>next</p></blockquote>',
      '<ul><li><code>a &lt; b</code> <em>x</em> <del>y</del></li></ul><ol start="3"><li>z</li></ol><hr><pre><code>x</code></pre>',
      `<p><strong>Fix:</strong> <a href="${OWN}" data-href="${OWN}">Retry cleanup</a> (guide: <em>AbortFailed or FinalizeFailed error</em>)</p>`,
    ].join('\n');
    assert.equal(keepReportMarkup(html, links), html);
  });

  test('a link the extension did not issue is dropped, its text kept; raw HTML and foreign attributes become text', () => {
    const cases: [string, string][] = [
      ['<p><a href="command:ibgu.collectMustGather?%5B%5D">Collect</a></p>', '<p>Collect</p>'],
      [`<p><a href="${OWN}" data-href="command:ibgu.retryCleanup">x</a></p>`, '<p>x</p>'],
      [`<p><a href="${OWN}" onclick="alert(1)">x</a></p>`, '<p>x</p>'],
      ['<p><a href="javascript:alert(1)">x</a> <a>y</a></p>', '<p>x y</p>'],
      ['<p><img src="x" onerror="alert(1)"></p>', '<p>&lt;img src="x" onerror="alert(1)"></p>'],
      ['<script>alert(1)</script>', '&lt;script>alert(1)&lt;/script>'],
      ['<p onclick="x">a</p>', '&lt;p onclick="x">a</p>'],
      ['<p style="color:red">a</p>', '&lt;p style="color:red">a</p>'],
      ['<!-- c --><span class="katex">x</span>', '&lt;!-- c -->&lt;span class="katex">x&lt;/span>'],
      ["<a href='command:x'>q</a>", "&lt;a href='command:x'>q"],
      ['<p>a < b</p><', '<p>a &lt; b</p>&lt;'],
    ];
    for (const [html, kept] of cases) assert.equal(keepReportMarkup(html, links), kept, html);
  });

  test('Markdown with unescaped hostile text: after markup is kept, no link but the issued one and no HTML from the text', () => {
    for (const [name, hostile] of Object.entries(HOSTILE)) {
      const html = keepReportMarkup(renderMarkdown(`## ${hostile}\n\n> ${hostile}\n\n- \`${hostile}\` ${hostile}\n\n[Retry](${OWN})\n`), links);
      assert.deepEqual(hrefsOf(html), [OWN], `${name}: ${html}`);
      for (const tag of ['img', 'script', 'div', 'span', 'input']) assert.ok(!tagsOf(html).includes(tag), `${name}: <${tag}> in ${html}`);
    }
  });
});
