import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterProgress, Rollout, StepProgress } from '../../src/hub/types';
import { failedRows, filterRows, gridOrder, summaryText, tooltipLines } from '../../media/dashboard/model';
import { progressingText, quoteTalm, stepTitle } from '../../src/core/talm/step-text';
import { cellAt, cellOrigin, gridLayout, moveCell } from '../../media/dashboard/grid-layout';

const counts = { pending: 0, 'in-progress': 0, completed: 0, failed: 0 };

function step(over: Partial<StepProgress>): StepProgress {
  return { index: 0, actions: ['Prep'], maxConcurrency: 2, timeoutMinutes: 60, state: 'running', clusters: [], counts, ...over };
}

function rollout(clusters: ClusterProgress[], steps: StepProgress[]): Rollout {
  return { uid: 'u', namespace: 'ns', name: 'ibgu', plan: [], steps, clusters, done: 0, total: clusters.length, failed: 0, state: 'progressing' };
}

describe('dashboard model', () => {
  test('the grid follows the batches of each step, then the rest by name, each cluster once', () => {
    const names = ['zeta', 'alpha', 'mid', 'beta', 'omega', 'gamma'];
    const r = rollout(names.map((name) => ({ name, phase: 'pending' })), [
      step({ batches: [['mid', 'zeta'], ['alpha']] }),
      step({ index: 1, batches: [['alpha', 'omega']] }),
    ]);
    assert.deepEqual(gridOrder(r).map((c) => c.name), ['mid', 'zeta', 'alpha', 'omega', 'beta', 'gamma']);
  });

  test('a batch naming a cluster the rollout does not select is skipped', () => {
    const r = rollout([{ name: 'a', phase: 'pending' }], [step({ batches: [['ghost', 'a']] })]);
    assert.deepEqual(gridOrder(r).map((c) => c.name), ['a']);
  });

  test('the summary counts early failures apart and separates thousands', () => {
    const clusters: ClusterProgress[] = [];
    for (let i = 0; i < 1200; i++) clusters.push({ name: `c${i}`, phase: 'completed' });
    clusters.push({ name: 'f1', phase: 'failed' }, { name: 'f2', phase: 'failed', early: true }, { name: 'p', phase: 'pending' });
    assert.equal(summaryText(clusters), '1,200 completed, 1 failed, 1 failed (not yet reported by TALM), 1 pending of 1,203 clusters');
    assert.equal(summaryText([]), 'no clusters of 0 clusters');
  });

  test('the tooltip names the cluster, its state, action and message', () => {
    assert.deepEqual(tooltipLines({ name: 'sno7', phase: 'failed', early: true, action: 'Upgrade', message: 'IBU Upgrade failed: boom', batch: 2 }),
      ['sno7', 'failed (not yet reported by TALM)', 'action: Upgrade', 'batch 2', 'IBU Upgrade failed: boom']);
    assert.deepEqual(tooltipLines({ name: 'sno8', phase: 'in-progress' }), ['sno8', 'in progress']);
  });

  test('failed rows: sorted by name, with the first step (1-based, by position) that reports the failure', () => {
    const r = rollout([
      { name: 'b', phase: 'failed', action: 'Upgrade', message: 'timed out' },
      { name: 'a', phase: 'failed', early: true, action: 'Prep', message: 'disk full' },
      { name: 'c', phase: 'completed' },
    ], [
      step({ index: 5, clusters: [{ name: 'a', phase: 'failed' }, { name: 'b', phase: 'completed' }] }),
      step({ index: 9, clusters: [{ name: 'b', phase: 'failed' }] }),
    ]);
    assert.deepEqual(failedRows(r), [
      { name: 'a', step: 1, action: 'Prep', message: 'disk full', early: true },
      { name: 'b', step: 2, action: 'Upgrade', message: 'timed out', early: false },
    ]);
  });

  test('the filter matches every word, in any order, in name, action, message or the early flag', () => {
    const rows = [
      { name: 'sno1', action: 'Prep', message: 'Disk pressure', early: false },
      { name: 'sno2', action: 'Upgrade', message: 'timed out', early: true },
    ];
    assert.deepEqual(filterRows(rows, 'DISK sno').map((r) => r.name), ['sno1']);
    assert.deepEqual(filterRows(rows, 'early').map((r) => r.name), ['sno2']);
    assert.deepEqual(filterRows(rows, '  ').map((r) => r.name), ['sno1', 'sno2']);
    assert.deepEqual(filterRows(rows, 'upgrade disk'), []);
  });
});

describe('dashboard grid layout', () => {
  test('3,500 clusters fit in a 1000 px wide, 400 px high area with squares of whole device pixels', () => {
    for (const dpr of [1, 1.5, 2]) {
      const layout = gridLayout(3500, 1000, 400, dpr);
      assert.ok(layout.cols * layout.rows >= 3500, `dpr ${dpr}: every cluster has a square`);
      assert.ok(layout.width / dpr <= 1000, `dpr ${dpr}: no wider than the area`);
      assert.ok(layout.height / dpr <= 400 + layout.pitch / dpr, `dpr ${dpr}: within the height`);
      assert.ok(Number.isInteger(layout.pitch) && layout.size > 0 && layout.size < layout.pitch, `dpr ${dpr}: a gap between squares`);
    }
  });

  test('few clusters get large squares', () => {
    assert.equal(gridLayout(10, 1000, 400, 1).pitch, 24);
  });

  test('hit testing is the inverse of placing, and points off the squares are -1', () => {
    const layout = gridLayout(100, 95, 1000, 2);
    for (const i of [0, 1, layout.cols - 1, layout.cols, 99]) {
      const { x, y } = cellOrigin(layout, i);
      assert.equal(cellAt(layout, (x + 1) / 2, (y + 1) / 2), i);
    }
    assert.equal(cellAt(layout, -1, 0), -1);
    assert.equal(cellAt(layout, layout.width, 0), -1, 'right of the last column');
    assert.equal(cellAt(layout, 0, layout.height), -1, 'below the last row');
  });

  test('arrow keys move by one and by a row, and stop at the edges', () => {
    const layout = gridLayout(25, 10 * 24, 1000, 1); // 10 columns of 24 px
    assert.equal(layout.cols, 10);
    assert.equal(moveCell(layout, 0, 'ArrowLeft'), 0);
    assert.equal(moveCell(layout, 0, 'ArrowRight'), 1);
    assert.equal(moveCell(layout, 3, 'ArrowDown'), 13);
    assert.equal(moveCell(layout, 13, 'ArrowDown'), 23);
    assert.equal(moveCell(layout, 23, 'ArrowDown'), 23, 'no square below');
    assert.equal(moveCell(layout, 13, 'ArrowUp'), 3);
    assert.equal(moveCell(layout, 5, 'End'), 24);
    assert.equal(moveCell(layout, -1, 'ArrowRight'), 1, 'from no focus, as from the first square');
  });

  test('one step numbering: Step 1 is plan index 0 everywhere; TALM\'s 0-based message is translated and quoted as TALM\'s', () => {
    assert.equal(stepTitle(0, ['Prep']), 'Step 1: Prep');
    assert.equal(stepTitle(2, ['FinalizeUpgrade']), 'Step 3: FinalizeUpgrade');
    const plan = [['Prep'], ['Upgrade'], ['FinalizeUpgrade']];
    assert.equal(progressingText('Waiting for plan step 0 to be completed', plan), 'Waiting for Step 1: Prep — TALM: "Waiting for plan step 0 to be completed"');
    assert.equal(progressingText('Waiting for plan step 2 to be completed', plan), 'Waiting for Step 3: FinalizeUpgrade — TALM: "Waiting for plan step 2 to be completed"');
    assert.equal(progressingText('All plan steps are completed', plan), 'All steps completed — TALM: "All plan steps are completed"');
    assert.equal(progressingText('Waiting for plan step 7 to be completed', plan), 'TALM: "Waiting for plan step 7 to be completed"', 'an index past the plan is only quoted');
    assert.equal(quoteTalm('something new'), 'TALM: "something new"');
  });
});
