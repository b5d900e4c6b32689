// monaco-yaml's language worker (completion and hover from the plan schema), started by monaco-env.ts from a blob: URL.
import 'monaco-yaml/yaml.worker.js';
