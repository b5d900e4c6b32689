/**
 * A step's timeline: from its start to its timeout, with the batch boundaries known so far, the current
 * batch's deadline as TALM computes it, completion and "now". Pure: times in ms since the epoch.
 *
 * One time axis. On a real hub TALM's minutes are wall minutes. The sandbox runs TALM in scaled time (a
 * time scale of S wall seconds per TALM minute) but stamps its objects with the wall clock, so with a
 * scale every wall time is turned into TALM time from the step's start (elapsed wall seconds / S = TALM
 * minutes) before it is put beside the timeout and deadlines, which are TALM minutes already.
 */
import { batchTimeoutMinutes } from '../../src/core/talm/batches';
import type { StepProgress } from '../../src/core/talm/readback-model';

export type MarkKind = 'batch' | 'deadline' | 'timeout' | 'completed' | 'now';

export interface TimelineMark {
  kind: MarkKind;
  at: number;
  label: string;
}

export interface StepTimeline {
  /** What the axis measures: TALM's simulated minutes (a sandbox with a time scale) or the wall clock. */
  axis: 'simulated' | 'wall';
  start: number;
  /** The axis's right end: the timeout, or later when the step ran (or runs) past it. */
  end: number;
  marks: TimelineMark[];
}

/**
 * When each batch of each step was first seen starting, keyed by the step's CGU (or position): the
 * Rollout only carries the current batch's start, so earlier boundaries are remembered by the page.
 */
export type BatchStarts = Record<string, Record<number, number>>;

const MINUTE = 60_000;

export function stepKey(step: StepProgress, position: number): string {
  return step.cgu ?? `step-${position}`;
}

/** Remembers the current batch's start of `step`; returns whether anything was new. */
export function recordBatchStart(known: BatchStarts, step: StepProgress, position: number): boolean {
  const at = step.currentBatchStartedAt ? Date.parse(step.currentBatchStartedAt) : NaN;
  if (step.batch === undefined || !Number.isFinite(at)) return false;
  const starts = (known[stepKey(step, position)] ??= {});
  if (starts[step.batch] === at) return false;
  starts[step.batch] = at;
  return true;
}

/**
 * The current batch's deadline: what is left of the step's timeout when the batch started, shared by it
 * and the batches after it (TALM's CalculateBatchTimeout).
 */
export function batchDeadline(step: StepProgress, timeScale?: number): number | undefined {
  const start = step.startedAt ? Date.parse(step.startedAt) : NaN;
  const batchStart = toAxis(start, step.currentBatchStartedAt ? Date.parse(step.currentBatchStartedAt) : NaN, timeScale);
  if (!Number.isFinite(start) || !Number.isFinite(batchStart) || step.batch === undefined || step.batchCount === undefined) return undefined;
  const remaining = step.batchCount - step.batch + 1;
  return batchStart + batchTimeoutMinutes(step.timeoutMinutes, (batchStart - start) / MINUTE, remaining) * MINUTE;
}

/** A usable time scale (wall seconds per TALM minute), or undefined for the wall clock. */
function scaleOf(timeScale: number | undefined): number | undefined {
  return timeScale !== undefined && Number.isFinite(timeScale) && timeScale > 0 ? timeScale : undefined;
}

/**
 * A wall time `t` on the step's axis: unchanged without a scale; with one, `start` plus the TALM time that
 * passed (elapsed wall ms × 60 / S).
 */
export function toAxis(start: number, t: number, timeScale?: number): number {
  const scale = scaleOf(timeScale);
  return scale === undefined ? t : start + ((t - start) * 60) / scale;
}

/** Where `t` sits on the axis, from 0 (start) to 1 (end), clamped. */
export function axisFraction(line: StepTimeline, t: number): number {
  const span = line.end - line.start;
  return span > 0 ? Math.min(1, Math.max(0, (t - line.start) / span)) : 0;
}

/** The axis's caption: which clock the offsets are on. */
export function axisLabel(line: StepTimeline, timeScale?: number): string {
  return line.axis === 'simulated' ? `TALM time (sandbox: ${scaleOf(timeScale)} s per TALM minute)` : 'wall clock';
}

/** "+1h05m" from the step's start: how the marks are labelled. */
export function formatOffset(ms: number): string {
  const minutes = Math.round(ms / MINUTE);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return h ? `${sign}${h}h${String(m).padStart(2, '0')}m` : `${sign}${m}m`;
}

/** The timeline of a step that has started, or undefined while it waits. */
export function stepTimeline(step: StepProgress, position: number, now: number, known: BatchStarts, timeScale?: number): StepTimeline | undefined {
  const start = step.startedAt ? Date.parse(step.startedAt) : NaN;
  if (!Number.isFinite(start) || step.state === 'waiting') return undefined;
  const axis = (t: number) => toAxis(start, t, timeScale);
  const timeout = start + Math.max(0, step.timeoutMinutes) * MINUTE;
  const marks: TimelineMark[] = [];
  const starts: Record<number, number> = { 1: start, ...known[stepKey(step, position)] };
  const current = step.currentBatchStartedAt ? Date.parse(step.currentBatchStartedAt) : NaN;
  if (step.batch !== undefined && Number.isFinite(current)) starts[step.batch] = current;
  for (const [batch, wall] of Object.entries(starts).sort((a, b) => a[1] - b[1])) {
    const at = axis(wall);
    marks.push({ kind: 'batch', at, label: `batch ${batch} ${formatOffset(at - start)}` });
  }
  const running = step.state === 'running';
  const deadline = running ? batchDeadline(step, timeScale) : undefined;
  if (deadline !== undefined) marks.push({ kind: 'deadline', at: deadline, label: `batch ${step.batch} deadline ${formatOffset(deadline - start)}` });
  marks.push({ kind: 'timeout', at: timeout, label: `timeout ${formatOffset(timeout - start)}` });
  const completed = axis(step.completedAt ? Date.parse(step.completedAt) : NaN);
  if (Number.isFinite(completed)) marks.push({ kind: 'completed', at: completed, label: `${step.state === 'timed-out' ? 'timed out' : 'ended'} ${formatOffset(completed - start)}` });
  const at = axis(now);
  if (running) marks.push({ kind: 'now', at, label: `now ${formatOffset(at - start)}` });
  const end = Math.max(timeout, start + MINUTE, ...marks.map((m) => m.at));
  return { axis: scaleOf(timeScale) === undefined ? 'wall' : 'simulated', start, end, marks };
}
