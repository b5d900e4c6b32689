/**
 * The "Append step" editor's model: the editor text, the prefilled step and the validation of the new step.
 * Allowed and refused plans are written out by hand from the facts (§1.3 allow-list, §1.4 append-only).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendErrors,
  EXISTING_HEADER,
  NEW_STEP_HEADER,
  composeEditorText,
  newStepPart,
  planEditorJsonSchema,
  prefillStep,
  readOnlyLineCount,
  readOnlyPrefix,
  validateEditorText,
  type PlanMarker,
} from '../../src/shared/plan-editor-model';
import { ALIAS_BOMB, YAML_SYNTAX } from '../../src/core/index';
import { parsePageMessage, planEditorContentSecurityPolicy, planEditorHtml } from '../../src/shared/plan-editor-protocol';

const step = (actions: string[], maxConcurrency = 10, timeout = 240) => ({ actions, rolloutStrategy: { maxConcurrency, timeout } });
const plan = (...steps: string[][]) => steps.map((s) => step(s));
const newStep = (actions: string, rollout = 'maxConcurrency: 10\n    timeout: 240') => `- actions: [${actions}]\n  rolloutStrategy:\n    ${rollout}\n`;
const errors = (markers: PlanMarker[]) => markers.filter((m) => m.severity === 'error');

/** Hand-copied from the facts §1.3: every plan TALM accepts. */
const ALLOWED = new Set([
  'Prep', 'Prep|Upgrade', 'Prep,Upgrade', 'Prep|Upgrade|FinalizeUpgrade', 'Prep|Upgrade,FinalizeUpgrade', 'Prep,Upgrade|FinalizeUpgrade',
  'Prep,Upgrade,FinalizeUpgrade', 'Rollback', 'Rollback|FinalizeRollback', 'Rollback,FinalizeRollback', 'Upgrade', 'Upgrade|FinalizeUpgrade',
  'Upgrade,FinalizeUpgrade', 'FinalizeUpgrade', 'FinalizeRollback', 'Abort', 'AbortOnFailure', 'Prep|Abort', 'Prep|AbortOnFailure',
  'Prep|AbortOnFailure|Upgrade', 'Prep|AbortOnFailure|Upgrade|AbortOnFailure', 'Prep|Upgrade|AbortOnFailure', 'Prep,Upgrade|AbortOnFailure',
  'Prep|AbortOnFailure|Upgrade|AbortOnFailure|FinalizeUpgrade', 'Prep|Upgrade|AbortOnFailure|FinalizeUpgrade', 'Prep,Upgrade|AbortOnFailure|FinalizeUpgrade',
]);
const key = (steps: string[][]) => steps.map((s) => s.join(',')).join('|');

describe('plan editor text', () => {
  test('the read-only part lists the existing steps in flow style between the two headers', () => {
    const prefix = readOnlyPrefix([step(['Prep'])]);
    assert.equal(prefix, '# Existing steps (read-only)\n- actions: [Prep]\n  rolloutStrategy: {maxConcurrency: 10, timeout: 240}\n# New step\n');
    assert.equal(readOnlyLineCount(prefix), 4);
  });

  test('the text the user wrote is what follows the read-only part, kept when that part is replaced', () => {
    const mine = '- actions: [Upgrade]  # mine\n';
    const text = composeEditorText(plan(['Prep']), mine);
    assert.equal(newStepPart(text, readOnlyPrefix(plan(['Prep']))), mine);
    const refreshed = composeEditorText(plan(['Prep'], ['AbortOnFailure']), newStepPart(text, readOnlyPrefix(plan(['Prep']))));
    assert.ok(refreshed.endsWith(`# New step\n${mine}`));
    assert.match(refreshed, /actions: \[AbortOnFailure\]/);
  });
});

describe('prefilled step', () => {
  // The first continuation in upstream order (§1.3), with the last step's rollout strategy.
  const cases: [string[][], string[]][] = [
    [[['Prep']], ['Upgrade']],
    [[['Prep'], ['Upgrade']], ['FinalizeUpgrade']],
    [[['Prep'], ['AbortOnFailure']], ['Upgrade']],
    [[['Prep'], ['AbortOnFailure'], ['Upgrade']], ['AbortOnFailure']],
    [[['Rollback']], ['FinalizeRollback']],
  ];
  for (const [existing, next] of cases) {
    test(`after ${key(existing)} it is [${next}], an allowed continuation, and validates clean`, () => {
      const steps = existing.map((s, i) => step(s, 5 + i, 60 + i));
      const prefill = prefillStep(steps);
      const last = steps[steps.length - 1].rolloutStrategy;
      assert.equal(prefill, `- actions: [${next.join(', ')}]\n  rolloutStrategy:\n    maxConcurrency: ${last.maxConcurrency}\n    timeout: ${last.timeout}\n`);
      assert.ok(ALLOWED.has(key([...existing, next])));
      const result = validateEditorText(steps, composeEditorText(steps, prefill));
      assert.deepEqual(result.markers, []);
      assert.deepEqual(result.step, { actions: next, rolloutStrategy: last });
    });
  }

  test('nothing is prefilled where no step can follow, and the editor says so', () => {
    const existing = plan(['Prep'], ['Abort']);
    assert.equal(prefillStep(existing), '');
    const result = validateEditorText(existing, composeEditorText(existing, ''));
    assert.equal(result.step, undefined);
    assert.match(errors(result.markers)[0].message, /Nothing can be appended to \[\[Prep\], \[Abort\]\]/);
  });
});

describe('validating the new step', () => {
  const existing = plan(['Prep']);
  const validate = (mine: string, steps = existing) => validateEditorText(steps, composeEditorText(steps, mine));

  test('a YAML error becomes a marker on its line, and there is no step', () => {
    // Lines 1-4 are read-only; the new step starts on line 5 and its flow list is never closed.
    const result = validate('- actions: [Upgrade\n  rolloutStrategy: {maxConcurrency: 10}\n');
    assert.equal(result.step, undefined);
    assert.ok(result.markers.length > 0);
    assert.ok(result.markers.every((m) => m.severity === 'error' && m.code === YAML_SYNTAX), JSON.stringify(result.markers));
    // The core's finding, in the YAML library's words, on the new step's lines.
    assert.ok(result.markers.some((m) => m.startLineNumber >= 5 && /Flow sequence .*end with a \]/.test(m.message)), JSON.stringify(result.markers));
  });

  test('a duplicated key is a YAML error on the line of the duplicate', () => {
    const result = validate('- actions: [Upgrade]\n  rolloutStrategy:\n    maxConcurrency: 10\n    maxConcurrency: 5\n');
    assert.equal(result.step, undefined);
    assert.deepEqual(result.markers.map((m) => [m.code, m.startLineNumber]), [[YAML_SYNTAX, 8]]);
    assert.match(result.markers[0].message, /unique/);
  });

  test('no new step: an error, and no step', () => {
    const result = validate('# nothing yet\n');
    assert.equal(result.step, undefined);
    assert.deepEqual(errors(result.markers).map((m) => m.code), ['plan-editor/no-new-step']);
  });

  test('two new steps: an error on the second, and no step', () => {
    const result = validate(newStep('Upgrade') + newStep('FinalizeUpgrade'));
    assert.equal(result.step, undefined);
    const [marker] = errors(result.markers);
    assert.equal(marker.code, 'plan-editor/one-step');
    assert.equal(marker.startLineNumber, 9);
    assert.match(marker.message, /Only one step/);
  });

  const refused: [string[][], string, RegExp[]][] = [
    // §1.3: Prep twice; what may follow [[Prep],[Upgrade]] is FinalizeUpgrade or AbortOnFailure (#4, #22).
    [[['Prep'], ['Upgrade']], 'Prep', [/\[FinalizeUpgrade\]/, /\[AbortOnFailure\]/]],
    // §1.3 "Not allowed" examples.
    [[['Prep'], ['AbortOnFailure'], ['Upgrade']], 'FinalizeUpgrade', [/\[AbortOnFailure\]/]],
    [[['Upgrade']], 'AbortOnFailure', [/\[FinalizeUpgrade\]/]],
    [[['Upgrade']], 'Rollback', [/\[FinalizeUpgrade\]/]],
    [[['Prep']], 'Prep, Abort', [/\[Upgrade\]/, /\[Abort\]/, /\[AbortOnFailure\]/, /\[Upgrade, FinalizeUpgrade\]/]],
  ];
  for (const [steps, actions, follow] of refused) {
    test(`${key(steps)} then [${actions}] is refused with TALM's message and what could follow`, () => {
      assert.ok(!ALLOWED.has(key([...steps, actions.split(', ')])));
      const result = validate(newStep(actions), plan(...steps));
      assert.equal(result.step, undefined);
      const [marker] = errors(result.markers);
      assert.equal(marker.code, 'ibgu/plan-combination');
      // The core's message for the whole plan, then the editor's hint of what can be appended instead.
      const whole = [...steps, actions.split(', ')].map((s) => `[${s.join(', ')}]`).join(', ');
      assert.ok(marker.message.startsWith(`invalid combinations of actions in the plan: [${whole}]. `), marker.message);
      const hint = marker.message.split(' the new step can be ')[1] ?? '';
      for (const pattern of follow) assert.match(hint, pattern);
      // The core reports it at the plan's key, which the editor does not show: the marker sits on the new
      // step's actions (line 5 for one existing step, two lines more per step; after "- actions: ").
      assert.deepEqual([marker.startLineNumber, marker.startColumn], [3 + 2 * steps.length, 12]);
    });
  }

  test('allowed continuations from the facts validate clean', () => {
    for (const [steps, actions] of [[[['Prep'], ['AbortOnFailure'], ['Upgrade']], 'AbortOnFailure'], [[['Prep']], 'Upgrade, FinalizeUpgrade'], [[['Rollback']], 'FinalizeRollback']] as const) {
      const all = [...steps.map((s) => [...s]), actions.split(', ')];
      assert.ok(ALLOWED.has(key(all)));
      const result = validate(newStep(actions), plan(...steps.map((s) => [...s])));
      assert.deepEqual(result.markers, [], key(all));
      assert.deepEqual(result.step?.actions, actions.split(', '));
    }
  });

  test('a changed existing step is refused as append-only, on the changed value', () => {
    const text = composeEditorText(existing, newStep('Upgrade')).replace('maxConcurrency: 10, timeout: 240', 'maxConcurrency: 5, timeout: 240');
    const result = validateEditorText(existing, text);
    assert.equal(result.step, undefined);
    const [marker] = errors(result.markers);
    assert.equal(marker.code, 'ibgu/plan-append-only');
    assert.match(marker.message, /^plan is append only: step 1 is now \[Prep\] with maxConcurrency 5, timeout 240, but the stored step is \[Prep\] with maxConcurrency 10/);
    // On the changed value of that step (its second line: "  rolloutStrategy: {maxConcurrency: 5, …}").
    assert.deepEqual([marker.startLineNumber, marker.startColumn], [3, 37]);
  });

  test('a removed existing step is refused too', () => {
    const text = `# New step\n${newStep('Upgrade')}`;
    const result = validateEditorText(existing, text);
    assert.equal(result.step, undefined);
    assert.equal(errors(result.markers)[0].code, 'ibgu/plan-append-only');
  });

  test('reordered existing steps are refused as read-only (TALM allows it, the append does not), on the moved step', () => {
    const steps = plan(['Prep'], ['AbortOnFailure']);
    const prefix = readOnlyPrefix(steps);
    const [first, second] = prefix.split('\n').slice(1, 5).reduce<string[]>((out, line, i) => (i % 2 ? [...out.slice(0, -1), `${out[out.length - 1]}\n${line}`] : [...out, line]), []);
    const text = `${EXISTING_HEADER}\n${second}\n${first}\n${NEW_STEP_HEADER}\n${newStep('Upgrade')}`;
    const result = validateEditorText(steps, text);
    assert.equal(result.step, undefined);
    const marker = errors(result.markers).find((m) => m.code === 'plan-editor/read-only');
    assert.ok(marker, JSON.stringify(result.markers));
    assert.equal(marker.startLineNumber, 2);
    assert.match(marker.message, /Step 1 must stay step 1/);
  });

  test('an alias bomb is the core\'s finding, and there is no step', () => {
    const bomb = ['- &a [x, x, x, x, x, x, x, x, x, x]', ...['b', 'c', 'd', 'e', 'f'].map((n, i) => `- &${n} [${Array(10).fill(`*${'abcde'[i]}`).join(', ')}]`)].join('\n');
    const result = validate(`${bomb}\n`);
    assert.equal(result.step, undefined);
    assert.ok(errors(result.markers).some((m) => m.code === ALIAS_BOMB && m.startLineNumber >= 5), JSON.stringify(result.markers));
  });

  test('what the core finds in the IBGU made up around the plan (no ibuSpec, no selectors) is not shown', () => {
    const result = validate(newStep('Upgrade'));
    assert.deepEqual(result.markers, []);
    assert.ok(result.step);
  });

  test('an action name in the wrong case is not an action, with the right one suggested', () => {
    const result = validate(newStep('upgrade'));
    assert.equal(result.step, undefined);
    const [marker] = errors(result.markers);
    assert.equal(marker.code, 'ibgu/action-name');
    assert.match(marker.message, /^"upgrade" is not an action \(names are case-sensitive\).* Did you mean Upgrade\?$/);
    assert.deepEqual([marker.startLineNumber, marker.startColumn], [5, 13]);
  });

  test('maxConcurrency and timeout must be whole numbers; an unknown field is an error', () => {
    for (const rollout of ['maxConcurrency: ten\n    timeout: 240', 'maxConcurrency: 10\n    timeout: 1.5', 'maxConcurrency: 10\n    timout: 240']) {
      const result = validate(newStep('Upgrade', rollout));
      assert.equal(result.step, undefined, rollout);
      assert.equal(errors(result.markers).length, 1, rollout);
      assert.equal(errors(result.markers)[0].startLineNumber, rollout.includes('ten') ? 7 : 8, rollout);
    }
  });

  test('a timeout that can only be seconds (86400) is a warning (ibgu/timeout-units); the step can still be appended', () => {
    const result = validate(newStep('Upgrade', 'maxConcurrency: 10\n    timeout: 86400'));
    assert.deepEqual(result.markers.map((m) => [m.severity, m.code, m.startLineNumber]), [['warning', 'ibgu/timeout-units', 8]]);
    assert.match(result.markers[0].message, /minutes/);
    assert.deepEqual(result.step, { actions: ['Upgrade'], rolloutStrategy: { maxConcurrency: 10, timeout: 86400 } });
  });

  test('a timeout of 0 is an error (the step would time out at once)', () => {
    const result = validate(newStep('Upgrade', 'maxConcurrency: 10\n    timeout: 0'));
    assert.equal(result.step, undefined);
    assert.deepEqual(errors(result.markers).map((m) => m.code), ['ibgu/timeout-nonpositive']);
  });

  test('a missing timeout takes the CRD default of 240 minutes', () => {
    const result = validate('- actions: [Upgrade]\n  rolloutStrategy: {maxConcurrency: 3}\n');
    assert.deepEqual(result.step, { actions: ['Upgrade'], rolloutStrategy: { maxConcurrency: 3, timeout: 240 } });
  });

  test('the host check of a posted step agrees with the editor', () => {
    assert.deepEqual(appendErrors(plan(['Prep']), step(['Upgrade'])), []);
    assert.match(appendErrors(plan(['Prep'], ['Upgrade']), step(['Prep'])).join('\n'), /invalid combinations of actions in the plan/);
    assert.match(appendErrors(plan(['Prep']), step(['Upgrade'], 10, 0)).join('\n'), /time out immediately/);
  });
});

describe('schema and protocol', () => {
  test('the schema is a list of closed plan steps with the action names as an enum', () => {
    const schema = planEditorJsonSchema() as { type: string; items: { required: string[]; additionalProperties: boolean; properties: { actions: { items: { enum: string[] } } } } };
    assert.equal(schema.type, 'array');
    assert.deepEqual(schema.items.required, ['actions', 'rolloutStrategy']);
    assert.equal(schema.items.additionalProperties, false);
    assert.deepEqual([...schema.items.properties.actions.items.enum].sort(), ['Abort', 'AbortOnFailure', 'FinalizeRollback', 'FinalizeUpgrade', 'Prep', 'Rollback', 'Upgrade']);
  });

  test('page messages are taken only in their exact shape', () => {
    const good = { type: 'append', expectedPlan: [step(['Prep'])], step: step(['Upgrade']) };
    assert.deepEqual(parsePageMessage(good), good);
    assert.deepEqual(parsePageMessage({ type: 'ready' }), { type: 'ready' });
    assert.equal(parsePageMessage({ ...good, extra: 1 }), undefined);
    assert.equal(parsePageMessage({ ...good, step: { ...step(['Upgrade']), more: true } }), undefined);
    assert.equal(parsePageMessage({ ...good, step: step(['Upgrade'], 1.5) }), undefined);
    assert.equal(parsePageMessage({ ...good, step: { actions: 'Upgrade', rolloutStrategy: { maxConcurrency: 1, timeout: 2 } } }), undefined);
    assert.equal(parsePageMessage({ ...good, expectedPlan: 'x' }), undefined);
    assert.equal(parsePageMessage({ ...good, expectedPlan: ['x'] }), undefined);
    assert.equal(parsePageMessage({ type: 'ready', x: 1 }), undefined);
    assert.equal(parsePageMessage(null), undefined);
  });

  test('the page policy allows no eval and scripts only by nonce', () => {
    const csp = planEditorContentSecurityPolicy({ cspSource: 'https://res.example', nonce: 'abc' });
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-eval/);
    assert.match(csp, /worker-src blob:/);
    const html = planEditorHtml({ cspSource: 'https://res.example', nonce: 'abc', scriptUri: 'https://res.example/main.js', styleUri: 'https://res.example/main.css', title: 'a <b>' });
    assert.match(html, /<script nonce="abc" src="https:\/\/res\.example\/main\.js"><\/script>/);
    assert.match(html, /<title>a &#60;b&#62;<\/title>/);
  });
});
