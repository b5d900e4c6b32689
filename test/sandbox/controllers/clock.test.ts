/**
 * The simulated clock stands still while the controllers have work queued (a hold), so simulated durations
 * and timeouts do not run out while one thread works through thousands of spokes' work; pausing still
 * freezes it, and a hold that never ends is let go after its limit.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock } from '../../../src/sandbox/controllers/clock';
import { WorkQueue } from '../../../src/sandbox/controllers/queue';
import { waitFor } from '../../helpers/wait';

/** Resolves once `ms` of wall time have passed (the clock's input), polled. */
const wallPasses = (ms: number) => {
  const t0 = Date.now();
  return waitFor(`${ms} ms of wall time`, () => Date.now() - t0 >= ms);
};

describe('simulated clock holds', () => {
  test('a hold stops simulated time and keeps due timers from firing; time goes on from where it stood when released', async () => {
    // One simulated minute per wall millisecond.
    const clock = new SimClock(0.001);
    try {
      let fired = 0;
      clock.hold();
      const heldAt = clock.now();
      clock.after(5, () => fired++);
      await wallPasses(40);
      assert.equal(clock.now(), heldAt, 'no simulated time passes while held');
      assert.equal(fired, 0, 'a timer 5 simulated minutes ahead does not fire while held');
      clock.release();
      await waitFor('the timer to fire after the release', () => fired === 1);
      assert.ok(clock.now() >= heldAt + 5 * 60_000);
      assert.ok(clock.now() < heldAt + 40 * 60_000 + 5 * 60_000 * 100, 'time went on from where it stood');
      assert.ok(clock.heldWallMs >= 40);
    } finally {
      clock.stop();
    }
  });

  test('holds nest, and a pause inside a hold leaves time stopped until both end', async () => {
    const clock = new SimClock(0.001);
    try {
      clock.hold();
      clock.hold();
      const at = clock.now();
      clock.release();
      await wallPasses(20);
      assert.equal(clock.now(), at, 'one holder left: still stopped');
      clock.pause();
      clock.release();
      await wallPasses(20);
      assert.equal(clock.now(), at, 'paused: still stopped');
      clock.resume();
      await wallPasses(20);
      assert.ok(clock.now() > at, 'neither paused nor held: time goes on');
    } finally {
      clock.stop();
    }
  });

  test('a hold past its limit is let go, so a controller that never settles cannot stop time for good', async () => {
    const clock = new SimClock(0.001, Date.now(), 30);
    try {
      let fired = false;
      clock.hold();
      clock.after(1, () => (fired = true));
      await waitFor('the timer to fire once the hold has passed its limit', () => fired);
      assert.ok(clock.heldWallMs >= 30);
    } finally {
      clock.stop();
    }
  });

  test('a work queue holds the clock from its first key until it is empty, and not while paused', async () => {
    const clock = new SimClock(0.001);
    try {
      const times: number[] = [];
      // Each reconcile lets a little wall time pass, across turns of the event loop (2 keys per turn).
      const queue = new WorkQueue(() => {
        const t0 = Date.now();
        while (Date.now() - t0 < 3);
        times.push(clock.now());
      }, () => {}, 2, clock);
      for (let i = 0; i < 5; i++) queue.add(`k${i}`);
      const at = clock.now();
      await waitFor('every key reconciled', () => times.length === 5);
      assert.deepEqual(times, [at, at, at, at, at], 'no simulated time passed from the first key to the last');
      await waitFor('time to go on once the queue is empty', () => clock.now() > at);
      queue.pause();
      queue.add('later');
      const paused = clock.now();
      await waitFor('time to go on while the paused queue holds a key', () => clock.now() > paused);
      queue.resume();
      await waitFor('the key reconciled after resume', () => times.length === 6);
    } finally {
      clock.stop();
    }
  });
});
