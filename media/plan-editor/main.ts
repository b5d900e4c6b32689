/**
 * The "Append step" plan editor page: monaco with the IBGU's steps read-only and one new step to write,
 * validated as the user types by the core's TALM rules (plan-editor-model.ts), sent to the host on Append.
 * The host (src/extension/views/plan-editor.ts) checks it again and does the write. Nothing the user typed is
 * lost: not when the plan changes on the hub, not when the write is refused.
 */
import './main.css';
import type { HostMessage, PageMessage, StateMessage } from '../../src/shared/plan-editor-protocol';
import { composeEditorText, newStepPart, prefillStep, readOnlyLineCount, readOnlyPrefix, validateEditorText, type PlanValidation } from '../../src/shared/plan-editor-model';
import { el, vsCodeApi } from '../shared/page';
import { PLAN_URI, applyVsCodeTheme, configureYaml, installWorkers, monaco } from './monaco-env';
import { ReadOnlyLines } from './read-only';

/** What survives a reload of the page: the text of the new step. */
interface PageState {
  newStep: string;
}

const scriptUrl = (document.currentScript as HTMLScriptElement | null)?.src ?? location.href;
const vscode = vsCodeApi<PageMessage, PageState>();
const saved = vscode.getState() as Partial<PageState> | undefined;

const title = el('h1', 'title', 'Waiting for the hub…');
const hint = el('p', 'hint', 'The existing steps are read-only. Write one new step under "# New step"; it is checked as you type against the plans TALM accepts. Ctrl+Enter appends.');
const banner = el('div', 'banner');
banner.setAttribute('role', 'alert');
banner.hidden = true;
const bannerText = el('span', 'banner-text');
const bannerClose = el('button', 'banner-close', '×');
bannerClose.title = 'Dismiss';
bannerClose.setAttribute('aria-label', 'Dismiss');
banner.append(bannerText, bannerClose);
const host = el('div', 'editor');
const status = el('span', 'status');
status.setAttribute('role', 'status');
status.setAttribute('aria-live', 'polite');
const appendButton = el('button', 'append', 'Append step');
appendButton.disabled = true;
const footer = el('footer', 'footer');
footer.append(status, appendButton);
document.body.append(title, hint, banner, host, footer);

installWorkers(scriptUrl);
configureYaml();
applyVsCodeTheme();
new MutationObserver(applyVsCodeTheme).observe(document.body, { attributes: true, attributeFilter: ['class'] });

const model = monaco.editor.createModel('', 'yaml', PLAN_URI);
const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const editor = monaco.editor.create(host, {
  model,
  automaticLayout: true,
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  tabSize: 2,
  insertSpaces: true,
  renderWhitespace: 'boundary',
  fixedOverflowWidgets: true,
  fontFamily: cssVar('--vscode-editor-font-family') || undefined,
  fontSize: Number.parseFloat(cssVar('--vscode-editor-font-size')) || 13,
  ariaLabel: 'Plan of the ImageBasedGroupUpgrade: existing steps read-only, then the new step',
});
const readOnly = new ReadOnlyLines(editor, model);

let existing: unknown[] | undefined;
let prefix = '';
let deleted = false;
let busy = false;
let appended = false;
let validation: PlanValidation = { markers: [] };

function showBanner(kind: 'info' | 'error' | 'success', text: string): void {
  banner.className = `banner banner-${kind}`;
  bannerText.textContent = text;
  banner.hidden = false;
}
bannerClose.addEventListener('click', () => { banner.hidden = true; });

const SEVERITY = { error: monaco.MarkerSeverity.Error, warning: monaco.MarkerSeverity.Warning, info: monaco.MarkerSeverity.Info } as const;

function refreshControls(): void {
  const errors = validation.markers.filter((m) => m.severity === 'error').length;
  const warnings = validation.markers.length - errors;
  appendButton.disabled = busy || appended || deleted || existing === undefined || !validation.step;
  appendButton.textContent = busy ? 'Appending…' : appended ? 'Appended' : 'Append step';
  appendButton.setAttribute('aria-busy', String(busy));
  if (existing === undefined) status.textContent = 'Waiting for the IBGU from the hub…';
  else if (deleted) status.textContent = 'The IBGU is gone from the hub: nothing can be appended.';
  else if (errors) status.textContent = `${errors} ${errors === 1 ? 'problem' : 'problems'} to fix before appending${warnings ? ` (and ${warnings} ${warnings === 1 ? 'warning' : 'warnings'})` : ''}.`;
  else if (validation.step) status.textContent = `Ready: appends step ${existing.length + 1} [${validation.step.actions.join(', ')}]${warnings ? ` (${warnings} ${warnings === 1 ? 'warning' : 'warnings'})` : ''}.`;
  else status.textContent = '';
}

function validate(): void {
  if (existing === undefined) return;
  validation = validateEditorText(existing, model.getValue());
  monaco.editor.setModelMarkers(model, 'ibgu', validation.markers.map((m) => ({ ...m, severity: SEVERITY[m.severity], source: 'ibgu', code: m.code })));
  refreshControls();
}

let pending: ReturnType<typeof setTimeout> | undefined;
model.onDidChangeContent(() => {
  if (existing !== undefined) vscode.setState({ newStep: newStepPart(model.getValue(), prefix) });
  clearTimeout(pending);
  pending = setTimeout(validate, 120);
});

let blockedNoteTimer: ReturnType<typeof setTimeout> | undefined;
readOnly.onDidBlockEdit(() => {
  status.textContent = `The existing steps are read-only: write the new step from line ${readOnly.firstEditableLine} on.`;
  clearTimeout(blockedNoteTimer);
  blockedNoteTimer = setTimeout(refreshControls, 4000);
});

function samePlan(a: unknown[] | undefined, b: unknown[]): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

function onState(message: StateMessage): void {
  title.textContent = `Append a step to ${message.namespace}/${message.name}`;
  if (message.plan === null) {
    deleted = true;
    editor.updateOptions({ readOnly: true });
    showBanner('error', 'The IBGU was deleted on the hub: nothing can be appended. Your text is still here to copy.');
    refreshControls();
    return;
  }
  if (deleted) {
    deleted = false;
    editor.updateOptions({ readOnly: busy });
    banner.hidden = true;
  }
  // After our own append the host closes the page; the plan it now reports includes our step.
  if (appended || samePlan(existing, message.plan)) return;
  const first = existing === undefined;
  const mine = first ? (typeof saved?.newStep === 'string' ? saved.newStep : prefillStep(message.plan)) : newStepPart(model.getValue(), prefix);
  existing = message.plan;
  prefix = readOnlyPrefix(existing);
  readOnly.reset(composeEditorText(existing, mine), readOnlyLineCount(prefix));
  if (!first) showBanner('info', `The plan changed on the hub (it now has ${existing.length} ${existing.length === 1 ? 'step' : 'steps'}): the existing steps were refreshed and your new step was kept. Check that it still fits.`);
  validate();
}

function append(): void {
  validate();
  if (appendButton.disabled || !validation.step || existing === undefined) return;
  busy = true;
  editor.updateOptions({ readOnly: true });
  banner.hidden = true;
  refreshControls();
  vscode.postMessage({ type: 'append', expectedPlan: existing, step: validation.step });
}

appendButton.addEventListener('click', append);
editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, append);

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (message?.type === 'state') onState(message);
  else if (message?.type === 'appendResult') {
    busy = false;
    editor.updateOptions({ readOnly: deleted });
    if (message.ok) {
      appended = true;
      showBanner('success', 'Appended: the step is in the plan on the hub.');
    } else {
      showBanner('error', `The step was not appended: ${message.error.replace(/[.\s]*$/, '.')} Your text is unchanged; fix it or try again.`);
      editor.focus();
    }
    refreshControls();
  }
});

refreshControls();
vscode.postMessage({ type: 'ready' });
