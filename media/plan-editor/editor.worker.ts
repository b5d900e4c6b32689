// Monaco's editor worker (diffs, word ranges), started by monaco-env.ts from a blob: URL.
import 'monaco-editor/esm/vs/editor/editor.worker.js';
