import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  CodeActionKind,
  FileChangeType,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_SETTINGS, HUB_LOOKUPS_NOTIFICATION, HUB_NOTIFICATION, VALIDATE_WORKSPACE_REQUEST, type HubParams, type InitializationOptions, type ServerSettings, type ValidateWorkspaceResult } from '../shared/lsp-protocol';
import { codeActions, FIX_ALL_KIND } from './code-actions';
import { completionsAt, foldingOf, hoverAt, symbolsOf } from './features';
import { planLenses } from './lenses';
import { normalize, pull } from './settings';
import { HubState } from './hub';
import { Store } from './store';
import { Validator } from './validation';

/**
 * The IBGU language server: LSP wiring over the core. Runs over stdio (`node dist/server.js --stdio`) for
 * any editor, or over IPC from the VS Code extension.
 */
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const store = new Store();
let settings: ServerSettings = DEFAULT_SETTINGS;
let yamlExtensionActive = false;
let configurationSupported = false;
let watchedFilesSupported = false;
let foldersChangeSupported = false;
let folders: string[] = [];
let indexGeneration = 0;
const hub = new HubState();
const validator = new Validator(connection, store, () => settings, () => yamlExtensionActive, hub);
let lookupsTimer: NodeJS.Timeout | undefined;

/**
 * Tells the client what the open documents need looked up on the connected hub, soon after they change (a
 * burst of edits is one look), and only when it differs from what it was last told.
 */
function sendHubLookups(delayMs = 200): void {
  if (!hub.connected || lookupsTimer) return;
  lookupsTimer = setTimeout(() => {
    lookupsTimer = undefined;
    store.settle();
    const files = store.openDocuments().flatMap((uri) => store.document(uri)?.file ?? []);
    const lookups = hub.lookupsToSend(files);
    if (lookups) void connection.sendNotification(HUB_LOOKUPS_NOTIFICATION, lookups);
  }, delayMs);
}

connection.onNotification(HUB_NOTIFICATION, (params: HubParams | null) => {
  if (!hub.set(params)) return;
  sendHubLookups(0);
  validator.scheduleOpen(0);
});

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const options = (params.initializationOptions ?? {}) as InitializationOptions;
  yamlExtensionActive = !!options.yamlExtensionActive;
  settings = normalize({ ...DEFAULT_SETTINGS, ...(options.settings ?? {}) });
  configurationSupported = !!params.capabilities.workspace?.configuration;
  watchedFilesSupported = !!params.capabilities.workspace?.didChangeWatchedFiles;
  foldersChangeSupported = !!params.capabilities.workspace?.workspaceFolders;
  folders = (params.workspaceFolders ?? []).map((f) => f.uri);
  if (folders.length === 0 && params.rootUri) folders = [params.rootUri];
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
      codeLensProvider: { resolveProvider: false },
      hoverProvider: true,
      completionProvider: { triggerCharacters: [':', '-', '[', ','], resolveProvider: false },
      documentSymbolProvider: { label: 'IBGU' },
      foldingRangeProvider: true,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'ibgu-language-server' },
  };
});

connection.onInitialized(async () => {
  settings = await pull(connection, configurationSupported, settings);
  if (foldersChangeSupported) {
    connection.workspace.onDidChangeWorkspaceFolders((event) => {
      folders = [...folders.filter((f) => !event.removed.some((r) => r.uri === f)), ...event.added.map((a) => a.uri)];
      void index();
    });
  }
  await index();
});

/** Reads the workspace folders for cross-file rules; a newer call (folders changed) stops an older one. */
async function index(): Promise<void> {
  const generation = ++indexGeneration;
  if (!settings.workspaceContext || folders.length === 0) {
    validator.status('ready');
    return;
  }
  validator.status('indexing');
  const started = performance.now();
  const count = await store.index(folders, settings.maxFileSizeKb * 1024, () => generation !== indexGeneration);
  if (generation !== indexGeneration) return;
  connection.console.info(`Read ${count} YAML files of the workspace in ${Math.round(performance.now() - started)} ms${watchedFilesSupported ? '' : ' (the client does not report file changes: restart to refresh)'}.`);
  validator.status('ready');
  validator.scheduleOpen(0);
}

connection.onDidChangeConfiguration(async (change) => {
  const pushed = (change.settings as { ibgu?: unknown } | null)?.ibgu;
  settings = pushed ? normalize(pushed) : await pull(connection, configurationSupported, settings);
  validator.scheduleOpen(0);
});

documents.onDidChangeContent((event) => {
  const { uri, version } = event.document;
  store.update(uri, version, event.document.getText(), settings.maxFileSizeKb * 1024);
  validator.schedule(uri);
  sendHubLookups();
  // Other open files may have findings that depend on this one (OADP sets, LVM Storage evidence); while no
  // cross-document fact changed, their validation is answered from the cache.
  for (const other of store.openDocuments()) if (other !== uri) validator.schedule(other, 500);
});

documents.onDidClose(async (event) => {
  const uri = event.document.uri;
  validator.clear(uri);
  await store.close(uri, settings.maxFileSizeKb * 1024);
  validator.scheduleOpen();
  sendHubLookups();
});

connection.onDidChangeWatchedFiles(async (params) => {
  let changed = false;
  for (const change of params.changes) changed = (await store.changed(change.uri, change.type === FileChangeType.Deleted, settings.maxFileSizeKb * 1024)) || changed;
  if (changed) validator.scheduleOpen();
});

connection.onCodeAction(async (params) => {
  // Findings of an older version would point at the wrong text: right after an edit, its validation is awaited.
  const recorded = await validator.current(params.textDocument.uri);
  const document = documents.get(params.textDocument.uri);
  if (!document || !recorded || recorded.version !== document.version) return [];
  return codeActions(params, recorded, document.getText());
});

/** The parse of the document's current version; features never parse again. */
function current(uri: string) {
  return store.document(uri)?.file;
}

connection.onHover((params) => {
  const file = current(params.textDocument.uri);
  return file ? hoverAt(file, params.position, yamlExtensionActive) : null;
});

connection.onCompletion((params) => {
  const file = current(params.textDocument.uri);
  return file ? completionsAt(file, params.position, yamlExtensionActive) : [];
});

connection.onDocumentSymbol((params) => {
  const file = current(params.textDocument.uri);
  return file ? symbolsOf(file) : [];
});

connection.onFoldingRanges((params) => {
  const file = current(params.textDocument.uri);
  return file ? foldingOf(file) : [];
});

connection.onCodeLens((params) => {
  const doc = store.document(params.textDocument.uri);
  return doc ? planLenses(doc.file) : [];
});

connection.onRequest(VALIDATE_WORKSPACE_REQUEST, async (_params: unknown, token): Promise<ValidateWorkspaceResult> => {
  const started = performance.now();
  const progress = await connection.window.createWorkDoneProgress();
  const files = [...store.workspaceFiles().filter((f) => !store.isOpen(f.path)), ...store.openDocuments().map((uri) => store.document(uri)!.file)];
  progress.begin('Validating IBGU files', 0, `${files.length} files`, true);
  const result: ValidateWorkspaceResult = { files: 0, filesWithProblems: 0, errors: 0, warnings: 0, ms: 0, cancelled: false };
  for (const [i, file] of files.entries()) {
    if (token.isCancellationRequested || progress.token.isCancellationRequested) {
      result.cancelled = true;
      break;
    }
    const findings = validator.publish(file, store.version(file.path));
    result.files++;
    if (findings.length) result.filesWithProblems++;
    result.errors += findings.filter((f) => f.severity === 'error').length;
    result.warnings += findings.filter((f) => f.severity === 'warning').length;
    if (i % 20 === 0) {
      progress.report(Math.round((100 * i) / files.length), `${i} of ${files.length}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  progress.done();
  result.ms = Math.round(performance.now() - started);
  return result;
});

documents.listen(connection);
connection.listen();
