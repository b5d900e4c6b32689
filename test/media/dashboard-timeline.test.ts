import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { StepProgress } from '../../src/hub/types';
import { axisFraction, axisLabel, batchDeadline, formatOffset, recordBatchStart, stepTimeline, toAxis, type BatchStarts } from '../../media/dashboard/timeline';

const T0 = Date.parse('2025-01-01T10:00:00Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const counts = { pending: 0, 'in-progress': 0, completed: 0, failed: 0 };

function step(over: Partial<StepProgress>): StepProgress {
  return { index: 0, actions: ['Prep'], maxConcurrency: 10, timeoutMinutes: 60, state: 'running', clusters: [], counts, startedAt: iso(T0), ...over };
}

describe('dashboard timeline', () => {
  test('the current batch deadline shares what is left of the step timeout among the batches still to run', () => {
    // 60 min step, batch 2 of 3 started 10 min in: (60 - 10) / 2 = 25 min for batch 2 → deadline at +35 min.
    assert.equal(batchDeadline(step({ batch: 2, batchCount: 3, currentBatchStartedAt: iso(T0 + 10 * MIN) })), T0 + 35 * MIN);
    // The first batch of 4 gets a quarter.
    assert.equal(batchDeadline(step({ batch: 1, batchCount: 4, currentBatchStartedAt: iso(T0) })), T0 + 15 * MIN);
    // The last batch gets all that is left.
    assert.equal(batchDeadline(step({ batch: 3, batchCount: 3, currentBatchStartedAt: iso(T0 + 50 * MIN) })), T0 + 60 * MIN);
    // Past the step timeout a batch gets nothing.
    assert.equal(batchDeadline(step({ batch: 3, batchCount: 3, currentBatchStartedAt: iso(T0 + 70 * MIN) })), T0 + 70 * MIN);
    assert.equal(batchDeadline(step({ batch: 2, batchCount: 3 })), undefined, 'no current batch start: no deadline');
  });

  test('a running step: batch starts seen so far, the deadline, the timeout and now, from its start to its timeout', () => {
    const known: BatchStarts = {};
    const s = step({ cgu: 'ibgu-prep-0', batch: 2, batchCount: 3, currentBatchStartedAt: iso(T0 + 12 * MIN) });
    assert.equal(recordBatchStart(known, s, 0), true);
    assert.equal(recordBatchStart(known, s, 0), false, 'seen already');
    const line = stepTimeline(step({ cgu: 'ibgu-prep-0', batch: 3, batchCount: 3, currentBatchStartedAt: iso(T0 + 30 * MIN) }), 0, T0 + 40 * MIN, known)!;
    assert.equal(line.start, T0);
    assert.equal(line.end, T0 + 60 * MIN);
    assert.deepEqual(line.marks.map((m) => [m.kind, (m.at - T0) / MIN]), [
      ['batch', 0], ['batch', 12], ['batch', 30], ['deadline', 60], ['timeout', 60], ['now', 40],
    ]);
    assert.deepEqual(line.marks.map((m) => m.label), ['batch 1 +0m', 'batch 2 +12m', 'batch 3 +30m', 'batch 3 deadline +1h00m', 'timeout +1h00m', 'now +40m']);
  });

  test('a step that ran past its timeout stretches the axis to its end; no deadline or now once it ended', () => {
    const line = stepTimeline(step({ state: 'timed-out', completedAt: iso(T0 + 75 * MIN), batch: 1, batchCount: 1, currentBatchStartedAt: iso(T0) }), 0, T0 + 500 * MIN, {})!;
    assert.equal(line.end, T0 + 75 * MIN);
    assert.deepEqual(line.marks.map((m) => m.kind), ['batch', 'timeout', 'completed']);
    assert.equal(line.marks.at(-1)!.label, 'timed out +1h15m');
  });

  test('no timeline while a step waits or before it started', () => {
    assert.equal(stepTimeline(step({ state: 'waiting' }), 0, T0, {}), undefined);
    const { startedAt: _, ...unstarted } = step({});
    assert.equal(stepTimeline(unstarted, 0, T0, {}), undefined);
  });

  test('offsets read as minutes or hours and minutes', () => {
    assert.equal(formatOffset(0), '+0m');
    assert.equal(formatOffset(59 * MIN), '+59m');
    assert.equal(formatOffset(240 * MIN), '+4h00m');
    assert.equal(formatOffset(-5 * MIN), '-5m');
  });

  test('with a time scale, wall times become TALM minutes and the marks spread across one axis', () => {
    // Sandbox at 1 s per TALM minute: 4 h step timeout; batch 2 of 3 started 60 wall s in (= 60 TALM min),
    // now 150 wall s in (= 150 TALM min).
    const SEC = 1000;
    const s = step({ cgu: 'ibgu-prep-0', timeoutMinutes: 240, batch: 2, batchCount: 3, currentBatchStartedAt: iso(T0 + 60 * SEC) });
    const line = stepTimeline(s, 0, T0 + 150 * SEC, {}, 1)!;
    assert.equal(line.axis, 'simulated');
    assert.equal(line.end, T0 + 240 * MIN, 'the axis ends at the timeout, in TALM time');
    // (240 - 60) / 2 = 90 TALM min for batch 2 → deadline at +150m, exactly now.
    assert.deepEqual(line.marks.map((m) => [m.kind, (m.at - T0) / MIN]), [['batch', 0], ['batch', 60], ['deadline', 150], ['timeout', 240], ['now', 150]]);
    assert.deepEqual(line.marks.map((m) => m.label), ['batch 1 +0m', 'batch 2 +1h00m', 'batch 2 deadline +2h30m', 'timeout +4h00m', 'now +2h30m']);
    assert.deepEqual(line.marks.map((m) => axisFraction(line, m.at)), [0, 0.25, 0.625, 1, 0.625], 'positions along the axis, not bunched at the left');
    assert.equal(axisLabel(line, 1), 'TALM time (sandbox: 1 s per TALM minute)');

    // The same step read on the wall clock (no scale) bunches everything in the first 1 % of the axis: what the issue saw.
    const wall = stepTimeline(s, 0, T0 + 150 * SEC, {}, undefined)!;
    assert.equal(wall.axis, 'wall');
    assert.equal(axisLabel(wall), 'wall clock');
    assert.ok(axisFraction(wall, wall.marks.find((m) => m.kind === 'now')!.at) < 0.011);
    assert.equal(wall.marks.find((m) => m.kind === 'now')!.label, 'now +3m');
  });

  test('a finished step on a scaled axis ends where TALM says, and an unusable scale falls back to the wall clock', () => {
    const line = stepTimeline(step({ state: 'completed', timeoutMinutes: 60, completedAt: iso(T0 + 20_000) }), 0, T0 + 999_000, {}, 0.5)!;
    assert.deepEqual(line.marks.map((m) => [m.kind, (m.at - T0) / MIN]), [['batch', 0], ['timeout', 60], ['completed', 40]], '20 wall s at 0.5 s per minute = 40 TALM min');
    assert.equal(toAxis(T0, T0 + 30_000, 0.5), T0 + 60 * MIN);
    for (const bad of [0, -1, NaN, Infinity]) assert.equal(toAxis(T0, T0 + 30_000, bad), T0 + 30_000, String(bad));
    assert.equal(stepTimeline(step({}), 0, T0 + MIN, {}, 0)!.axis, 'wall');
  });
});
