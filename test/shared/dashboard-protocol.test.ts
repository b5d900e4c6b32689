import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { UpdatePacer, parsePageMessage } from '../../src/shared/dashboard-protocol';
import { contentSecurityPolicy, pageHtml } from '../../src/extension/views/webview-html';

/** A clock the test moves by hand. */
class FakeClock {
  time = 1000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now = () => this.time;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== id);
  };
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = next.at;
      next.fn();
    }
    this.time = until;
  }
}

function pacer() {
  const clock = new FakeClock();
  const sent: number[] = [];
  const p = new UpdatePacer(() => sent.push(clock.time), clock, 250);
  return { clock, sent, p };
}

describe('dashboard messages from the page', () => {
  test('ready and reveal are accepted exactly', () => {
    assert.deepEqual(parsePageMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parsePageMessage({ type: 'reveal', cluster: 'sno-0042.lab' }), { type: 'reveal', cluster: 'sno-0042.lab' });
  });

  test('anything else is dropped', () => {
    for (const bad of [
      null, undefined, 'ready', 42, [], ['ready'],
      { type: 'ready', extra: 1 }, { type: 'reveal' }, { type: 'reveal', cluster: 7 }, { type: 'reveal', cluster: '' },
      { type: 'reveal', cluster: 'a'.repeat(254) }, { type: 'reveal', cluster: '../../etc' }, { type: 'reveal', cluster: 'A B' },
      { type: 'reveal', cluster: 'ok', more: true }, { type: 'update' }, { type: 'eval', code: 'x' },
    ]) assert.equal(parsePageMessage(bad), undefined, JSON.stringify(bad));
  });
});

describe('dashboard update pacing', () => {
  test('a burst sends at once, then once more with the latest after the interval', () => {
    const { clock, sent, p } = pacer();
    for (let i = 0; i < 50; i++) {
      p.changed();
      clock.advance(5);
    }
    clock.advance(1000);
    assert.deepEqual(sent, [1000, 1250], 'the first change at once, one trailing send 250 ms later');
  });

  test('at most one send per interval under a steady stream, and the last change is always sent', () => {
    const { clock, sent, p } = pacer();
    for (let i = 0; i < 100; i++) {
      p.changed();
      clock.advance(20); // 50 changes a second for 2 s
    }
    clock.advance(1000);
    for (let i = 1; i < sent.length; i++) assert.ok(sent[i]! - sent[i - 1]! >= 250, `sends ${i - 1} and ${i} are ${sent[i]! - sent[i - 1]!} ms apart`);
    assert.ok(sent.length >= 8 && sent.length <= 10, `${sent.length} sends in 2 s`);
    assert.ok(sent.at(-1)! >= 1000 + 99 * 20, 'a send after the last change');
  });

  test('nothing is sent while hidden; the latest is sent when shown again', () => {
    const { clock, sent, p } = pacer();
    p.setVisible(false);
    p.changed();
    clock.advance(2000);
    p.changed();
    clock.advance(2000);
    assert.deepEqual(sent, []);
    p.setVisible(true);
    assert.deepEqual(sent, [5000]);
    p.setVisible(false);
    p.setVisible(true);
    assert.deepEqual(sent, [5000], 'nothing new, nothing sent');
  });

  test('a trailing send scheduled before hiding does not fire while hidden', () => {
    const { clock, sent, p } = pacer();
    p.changed();
    p.changed();
    p.setVisible(false);
    clock.advance(1000);
    assert.deepEqual(sent, [1000]);
    p.setVisible(true);
    assert.deepEqual(sent, [1000, 2000]);
  });

  test('flush (the page reloaded) sends at once, even right after a send; dispose stops for good', () => {
    const { clock, sent, p } = pacer();
    p.changed();
    clock.advance(10);
    p.flush();
    assert.deepEqual(sent, [1000, 1010]);
    p.dispose();
    p.changed();
    clock.advance(1000);
    p.setVisible(true);
    p.flush();
    clock.advance(1000);
    assert.deepEqual(sent, [1000, 1010], 'nothing after dispose');
  });
});

describe('webview page HTML', () => {
  const parts = { cspSource: 'https://file+.vscode-resource.example', scriptUri: 'https://x/dist/webview/p/main.js', styleUri: 'https://x/dist/webview/p/main.css', nonce: 'abc123', title: 'A <b>"title"</b>' };

  test('the policy allows nothing by default, scripts by nonce, styles, images and fonts from the extension only', () => {
    const csp = contentSecurityPolicy(parts);
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), ["'nonce-abc123'"]);
    assert.deepEqual(directives.get('style-src'), [parts.cspSource]);
    assert.deepEqual(directives.get('img-src'), [parts.cspSource, 'data:']);
    assert.equal(directives.has('worker-src'), false);
    assert.ok(!/unsafe-(inline|eval)/.test(csp));
    assert.deepEqual(new Map(contentSecurityPolicy({ ...parts, allowWorkers: true }).split('; ').map((d) => [d.split(' ')[0], d])).get('worker-src'), `worker-src ${parts.cspSource} blob:`);
  });

  test('the page carries the policy, the nonce on its one script, and the title escaped', () => {
    const html = pageHtml({ ...parts, body: '<main id="app"></main>' });
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;nonce-abc123&#39;/);
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.match(html, /<script nonce="abc123" src="https:\/\/x\/dist\/webview\/p\/main.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/x\/dist\/webview\/p\/main.css">/);
    assert.match(html, /<title>A &#60;b&#62;&#34;title&#34;&#60;\/b&#62;<\/title>/);
    assert.match(html, /<main id="app"><\/main>/);
  });
});
