/**
 * The rollout dashboard page: takes `update` messages from the host (src/extension/views/dashboard.ts) and
 * shows the cluster grid, the steps and the failed clusters. Every text from the hub goes in as textContent.
 */
import './main.css';
import type { Rollout } from '../../src/core/talm/readback-model';
import type { ConnectionState } from '../../src/shared/connection-state';
import type { HostMessage, PageMessage } from '../../src/shared/dashboard-protocol';
import { progressingText } from '../../src/core/talm/step-text';
import { el, vsCodeApi } from '../shared/page';
import { FailedTable } from './failed';
import { ClusterGrid } from './grid';
import { CELL_KINDS, KIND_LABELS, failedRows, formatCount, gridOrder, summaryText } from './model';
import { renderSteps } from './steps';
import { recordBatchStart, type BatchStarts } from './timeline';

/** What survives the page being hidden (the webview is rebuilt on show; the host resends the rollout). */
interface PageState {
  filter: string;
  batchStarts: BatchStarts;
  focus?: string;
}

const vscode = vsCodeApi<PageMessage, PageState>();
const saved = vscode.getState() as Partial<PageState> | undefined;
const state: PageState = {
  filter: typeof saved?.filter === 'string' ? saved.filter : '',
  batchStarts: saved?.batchStarts && typeof saved.batchStarts === 'object' ? saved.batchStarts : {},
  ...(typeof saved?.focus === 'string' ? { focus: saved.focus } : {}),
};
const save = () => vscode.setState(state);
const reveal = (cluster: string) => vscode.postMessage({ type: 'reveal', cluster });

const banner = el('div', 'banner');
banner.setAttribute('role', 'alert');
banner.hidden = true;
const title = el('h1', 'title', 'Waiting for the hub…');
const rolloutState = el('span', 'rollout-state');
const rolloutMessage = el('div', 'rollout-message');
const summary = el('div', 'summary');
summary.setAttribute('role', 'status');
summary.setAttribute('aria-live', 'polite');

const legend = el('ul', 'legend');
legend.setAttribute('aria-label', 'Legend');
for (const kind of CELL_KINDS) {
  const item = el('li', `legend-item kind-${kind}`);
  item.append(el('span', 'swatch'), document.createTextNode(KIND_LABELS[kind]));
  legend.append(item);
}

const grid = new ClusterGrid(reveal, (name) => {
  if (name === undefined) delete state.focus;
  else state.focus = name;
  save();
});
grid.focusName(state.focus);
const steps = el('div', 'steps');
const failed = new FailedTable(reveal, (filter) => {
  state.filter = filter;
  save();
}, state.filter);

const header = el('header', 'header');
header.append(title, rolloutState, rolloutMessage, summary);
const gridSection = el('section', 'grid-section');
gridSection.append(el('h2', '', 'Clusters'), legend, grid.element);
const stepsSection = el('section', 'steps-section');
stepsSection.append(el('h2', '', 'Steps'), steps);
document.body.append(banner, header, gridSection, stepsSection, failed.element);

/** The host's clock minus ours, so "now" on the timelines follows the host. */
let clockOffset = 0;
let last: { rollout: Rollout; state: ConnectionState } | undefined;
let deleted = false;

function bannerText(connection: ConnectionState): string | undefined {
  if (deleted) return 'This IBGU no longer exists on the hub — showing the last known state.';
  if (connection.phase === 'connected') return undefined;
  const why = connection.message ? `: ${connection.message}` : '';
  if (connection.phase === 'connecting') return `Connecting to the hub${why} — showing the last known state.`;
  if (connection.phase === 'idle') return `Not connected${why} — showing the last known state.`;
  return `Disconnected${why} — showing the last known state.`;
}

function renderBanner(connection: ConnectionState): void {
  const text = bannerText(connection);
  banner.hidden = text === undefined;
  banner.textContent = text ?? '';
  document.body.classList.toggle('stale', text !== undefined);
}

/** The hub's time scale (wall seconds per TALM minute) when it is the extension's sandbox; undefined on a real hub. */
let timeScale: number | undefined;

function render(rollout: Rollout, now: number): void {
  title.textContent = `${rollout.namespace}/${rollout.name}`;
  rolloutState.textContent = `${rollout.state} · ${formatCount(rollout.done)} of ${formatCount(rollout.total)} done, ${formatCount(rollout.failed)} failed`;
  rolloutState.className = `rollout-state state-${rollout.state}`;
  rolloutMessage.textContent = rollout.message ? progressingText(rollout.message, rollout.plan) : '';
  const ordered = gridOrder(rollout);
  const text = summaryText(ordered);
  if (summary.textContent !== text) summary.textContent = text;
  grid.update(ordered);
  let learned = false;
  rollout.steps.forEach((step, position) => {
    learned = recordBatchStart(state.batchStarts, step, position) || learned;
  });
  if (learned) save();
  renderSteps(steps, rollout.steps, now, state.batchStarts, timeScale);
  failed.update(failedRows(rollout));
}

function isUpdate(message: unknown): message is HostMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'update';
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isUpdate(message)) return;
  clockOffset = message.now - Date.now();
  timeScale = typeof message.timeScale === 'number' && message.timeScale > 0 ? message.timeScale : undefined;
  deleted = message.rollout === null;
  if (message.rollout) last = { rollout: message.rollout, state: message.state };
  else if (last) last.state = message.state;
  renderBanner(message.state);
  if (last) render(last.rollout, message.now);
});

// Running steps' "now" moves on between updates; redraw the timelines (cheap DOM) while visible.
setInterval(() => {
  if (!last || document.hidden || !last.rollout.steps.some((s) => s.state === 'running')) return;
  renderSteps(steps, last.rollout.steps, Date.now() + clockOffset, state.batchStarts, timeScale);
}, 15_000);

vscode.postMessage({ type: 'ready' });
