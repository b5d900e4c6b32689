/**
 * Monaco for the plan editor, trimmed to what it uses: the editor with its standard contributions, YAML
 * colouring, and monaco-yaml (completion and hover from the plan step schema), with workers that start under
 * the webview's Content Security Policy.
 */
// The contributions a one-step YAML editor uses, instead of editor.all.js (which adds ~1 MB of diff, inline
// completion, code lens, sticky scroll, semantic tokens… that this page never shows).
import 'monaco-editor/esm/vs/editor/browser/coreCommands.js';
import 'monaco-editor/esm/vs/editor/browser/widget/codeEditor/codeEditorWidget.js';
import 'monaco-editor/esm/vs/editor/contrib/bracketMatching/browser/bracketMatching.js';
import 'monaco-editor/esm/vs/editor/contrib/clipboard/browser/clipboard.js';
import 'monaco-editor/esm/vs/editor/contrib/comment/browser/comment.js';
import 'monaco-editor/esm/vs/editor/contrib/contextmenu/browser/contextmenu.js';
import 'monaco-editor/esm/vs/editor/contrib/cursorUndo/browser/cursorUndo.js';
import 'monaco-editor/esm/vs/editor/contrib/dnd/browser/dnd.js';
import 'monaco-editor/esm/vs/editor/contrib/find/browser/findController.js';
import 'monaco-editor/esm/vs/editor/contrib/folding/browser/folding.js';
import 'monaco-editor/esm/vs/editor/contrib/gotoError/browser/gotoError.js';
import 'monaco-editor/esm/vs/editor/contrib/hover/browser/hoverContribution.js';
import 'monaco-editor/esm/vs/editor/contrib/indentation/browser/indentation.js';
import 'monaco-editor/esm/vs/editor/contrib/lineSelection/browser/lineSelection.js';
import 'monaco-editor/esm/vs/editor/contrib/linesOperations/browser/linesOperations.js';
import 'monaco-editor/esm/vs/editor/contrib/multicursor/browser/multicursor.js';
import 'monaco-editor/esm/vs/editor/contrib/readOnlyMessage/browser/contribution.js';
import 'monaco-editor/esm/vs/editor/contrib/smartSelect/browser/smartSelect.js';
import 'monaco-editor/esm/vs/editor/contrib/snippet/browser/snippetController2.js';
import 'monaco-editor/esm/vs/editor/contrib/suggest/browser/suggestController.js';
import 'monaco-editor/esm/vs/editor/contrib/tokenization/browser/tokenization.js';
import 'monaco-editor/esm/vs/editor/contrib/toggleTabFocusMode/browser/toggleTabFocusMode.js';
import 'monaco-editor/esm/vs/editor/contrib/wordHighlighter/browser/wordHighlighter.js';
import 'monaco-editor/esm/vs/editor/contrib/wordOperations/browser/wordOperations.js';
import 'monaco-editor/esm/vs/editor/common/standaloneStrings.js';
import 'monaco-editor/esm/vs/base/browser/ui/codicons/codiconStyles.js';
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution.js';
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import { configureMonacoYaml } from 'monaco-yaml';
import { planEditorJsonSchema } from '../../src/shared/plan-editor-model';

export { monaco };

/** The model's URI: the schema below is bound to it alone. */
export const PLAN_URI = monaco.Uri.parse('file:///ibgu-plan.yaml');

/**
 * A worker from a bundle beside main.js. A webview page cannot start a Worker from its resource URL: the
 * page's origin (vscode-webview://…) is not the resources' origin, and workers must be same-origin. So the
 * bundle is fetched (`connect-src` the extension's files) and started from a blob: URL (`worker-src blob:`),
 * which takes the page's origin. No eval is involved: the bundle is a plain classic-worker script.
 */
async function startWorker(url: URL, name: string): Promise<Worker> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url.pathname} (HTTP ${response.status})`);
  const blobUrl = URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' }));
  const worker = new Worker(blobUrl, { name });
  // The script is read once the worker starts; its first message says it has.
  worker.addEventListener('message', () => URL.revokeObjectURL(blobUrl), { once: true });
  return worker;
}

/** The worker bundle for a label: monaco-yaml asks for `yaml`, monaco itself for its editor worker. */
function workerFor(scriptUrl: string, label: string): Promise<Worker> {
  return label === 'yaml' ? startWorker(new URL('yaml.worker.js', scriptUrl), 'yaml') : startWorker(new URL('editor.worker.js', scriptUrl), label);
}

/** The options monaco-yaml (through monaco-worker-manager) passes: the public, module-id form. */
interface ModuleWorkerOptions {
  worker?: undefined;
  label?: string;
  createData?: unknown;
  host?: unknown;
  keepIdleModels?: boolean;
}

/**
 * Points monaco at the workers. Since monaco 0.54, `editor.createWebWorker` takes a ready `worker`; the
 * module-id form that monaco-yaml uses is adapted by monaco's full entry point (editor.main.js), which this page
 * does not load (it would bring every language). The same adapter is applied here: start the worker, send it
 * the two messages its bootstrap expects (a wake-up, then the create data), hand it to monaco.
 */
export function installWorkers(scriptUrl: string): void {
  globalThis.MonacoEnvironment = { getWorker: (_moduleId: string, label: string) => workerFor(scriptUrl, label) };
  const create = monaco.editor.createWebWorker;
  monaco.editor.createWebWorker = ((options: monaco.editor.IInternalWebWorkerOptions | ModuleWorkerOptions) => {
    if (options.worker !== undefined) return create(options as monaco.editor.IInternalWebWorkerOptions);
    const { label = 'worker', createData, host, keepIdleModels } = options as ModuleWorkerOptions;
    const worker = workerFor(scriptUrl, label).then((w) => {
      w.postMessage('ignore');
      w.postMessage(createData);
      return w;
    });
    return create({ worker, host, keepIdleModels });
  }) as typeof monaco.editor.createWebWorker;
}

/**
 * monaco-yaml with the plan schema. Its own validation is off: the page's markers all come from the core's
 * rules (plan-editor-model.ts), so the markers and the Append button always agree and nothing is said twice.
 */
export function configureYaml(): void {
  configureMonacoYaml(monaco, {
    validate: false,
    completion: true,
    hover: true,
    format: { enable: false },
    enableSchemaRequest: false,
    schemas: [{ uri: 'ibgu://schemas/plan.json', fileMatch: [PLAN_URI.toString()], schema: planEditorJsonSchema() as never }],
  });
}

/** A monaco theme that follows the VS Code theme the webview is shown in (body class and colour variables). */
export function applyVsCodeTheme(): void {
  const classes = document.body.classList;
  const base: monaco.editor.BuiltinTheme = classes.contains('vscode-high-contrast-light')
    ? 'hc-light'
    : classes.contains('vscode-high-contrast') ? 'hc-black' : classes.contains('vscode-light') ? 'vs' : 'vs-dark';
  const style = getComputedStyle(document.documentElement);
  const colors: Record<string, string> = {};
  const background = style.getPropertyValue('--vscode-editor-background').trim();
  const foreground = style.getPropertyValue('--vscode-editor-foreground').trim();
  if (/^#[0-9a-f]{3,8}$/i.test(background)) colors['editor.background'] = background;
  if (/^#[0-9a-f]{3,8}$/i.test(foreground)) colors['editor.foreground'] = foreground;
  monaco.editor.defineTheme('ibgu-vscode', { base, inherit: true, rules: [], colors });
  monaco.editor.setTheme('ibgu-vscode');
}
