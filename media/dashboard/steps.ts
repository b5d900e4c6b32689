/**
 * One block per plan step: its state, a stacked bar of completed / failed / in-progress / pending clusters
 * with the counts, and (once it started) its timeline. Rebuilt off-document and swapped in at once.
 */
import type { ClusterPhase, StepProgress } from '../../src/core/talm/readback-model';
import { quoteTalm, stepTitle } from '../../src/core/talm/step-text';
import { el } from '../shared/page';
import { formatCount } from './model';
import { axisFraction, axisLabel, stepTimeline, type BatchStarts, type StepTimeline } from './timeline';

const BAR_PHASES: readonly ClusterPhase[] = ['completed', 'failed', 'in-progress', 'pending'];
const PHASE_WORDS: Readonly<Record<ClusterPhase, string>> = { completed: 'completed', failed: 'failed', 'in-progress': 'in progress', pending: 'pending' };

function stateText(step: StepProgress): string {
  const batch = step.batch !== undefined && step.batchCount !== undefined ? ` · batch ${step.batch} of ${step.batchCount}` : '';
  return step.state === 'running' ? `running${batch}` : step.state === 'timed-out' ? 'timed out' : step.state;
}

function bar(step: StepProgress): HTMLElement {
  const total = BAR_PHASES.reduce((sum, p) => sum + (step.counts[p] ?? 0), 0);
  const node = el('div', 'bar');
  node.setAttribute('role', 'img');
  const words = BAR_PHASES.map((p) => `${formatCount(step.counts[p] ?? 0)} ${PHASE_WORDS[p]}`).join(', ');
  node.setAttribute('aria-label', `Step ${step.index + 1}: ${words}`);
  for (const phase of BAR_PHASES) {
    const count = step.counts[phase] ?? 0;
    if (!count || !total) continue;
    const segment = el('div', `segment phase-${phase}`);
    segment.style.width = `${(count / total) * 100}%`;
    segment.title = `${formatCount(count)} ${PHASE_WORDS[phase]}`;
    node.append(segment);
  }
  return node;
}

function counts(step: StepProgress): HTMLElement {
  const node = el('div', 'counts');
  for (const phase of BAR_PHASES) {
    const item = el('span', `count phase-${phase}`);
    item.append(el('span', 'swatch'), document.createTextNode(`${formatCount(step.counts[phase] ?? 0)} ${PHASE_WORDS[phase]}`));
    node.append(item);
  }
  return node;
}

function timeline(line: StepTimeline, timeScale: number | undefined): HTMLElement {
  const node = el('div', 'timeline');
  node.dataset.axis = line.axis;
  const track = el('div', 'track');
  const at = (t: number) => `${axisFraction(line, t) * 100}%`;
  const until = line.marks.find((m) => m.kind === 'now' || m.kind === 'completed');
  if (until) {
    const elapsed = el('div', 'elapsed');
    elapsed.style.width = at(until.at);
    track.append(elapsed);
  }
  for (const mark of line.marks) {
    const tick = el('div', `mark mark-${mark.kind}`);
    tick.style.left = at(mark.at);
    tick.title = mark.label;
    track.append(tick);
  }
  const legend = el('div', 'timeline-legend');
  legend.append(el('span', 'legend-axis', axisLabel(line, timeScale)));
  for (const mark of line.marks) legend.append(el('span', `legend-mark legend-${mark.kind}`, mark.label));
  node.append(track, legend);
  return node;
}

/** The steps' blocks for this rollout; `now` is the host's clock, `timeScale` the sandbox's (wall s per TALM minute), if known. */
export function renderSteps(container: HTMLElement, steps: readonly StepProgress[], now: number, known: BatchStarts, timeScale?: number): void {
  const blocks = steps.map((step, position) => {
    const block = el('section', `step state-${step.state}`);
    const header = el('div', 'step-header');
    header.append(
      el('span', 'step-title', stepTitle(step.index, step.actions)),
      el('span', `step-state state-${step.state}`, stateText(step)),
      el('span', 'step-meta', `timeout ${step.timeoutMinutes} min · max concurrency ${step.maxConcurrency}${step.cgu ? ` · ${step.cgu}` : ''}`),
    );
    block.append(header, bar(step), counts(step));
    if (step.message) block.append(el('div', 'step-message', quoteTalm(step.message)));
    const line = stepTimeline(step, position, now, known, timeScale);
    if (line) block.append(timeline(line, timeScale));
    return block;
  });
  container.replaceChildren(...blocks);
}
