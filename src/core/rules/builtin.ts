import { MAX_DEPTH } from '../yaml/depth';
import { MAX_EXPANDED_NODES } from '../yaml/parse';
import type { BuiltinCheck } from './types';

/**
 * The core's own checks, beside the rules: what the linter reports about the text itself (YAML syntax,
 * alias bombs, nesting), about its own failures, and about files it could not read. They are registry
 * entries like the rules (see index.ts), without a `check`: core/lint/lint.ts and the CLI and server
 * report them. Spell their ids through these constants.
 */

export const YAML_SYNTAX = 'ibgu/yaml-syntax';
export const EMBEDDED_YAML = 'ibgu/embedded-yaml';
export const ALIAS_BOMB = 'ibgu/yaml-alias-bomb';
export const TOO_DEEP = 'ibgu/yaml-too-deep';
export const RULE_FAILURE = 'ibgu/internal-error';
export const FILE_NOT_LINTED = 'ibgu/file';

export const yamlSyntaxCheck: BuiltinCheck = {
  id: YAML_SYNTAX,
  builtin: true,
  severity: 'error',
  title: 'The file is not valid YAML',
  evidence: 'YAML 1.2 parsers (kubectl, Argo CD, the API server) refuse the file',
  docs: 'The file is not valid YAML. kubectl, Argo CD and the API server refuse it; the other rules skip a document that does not parse.',
};

export const embeddedYamlCheck: BuiltinCheck = {
  id: EMBEDDED_YAML,
  builtin: true,
  severity: 'error',
  title: 'A ConfigMap value that should hold manifests is not valid YAML or JSON',
  evidence: 'LCA decodes every ConfigMap value (`failed to decode file` / `failed to decode <key> in the configMap`) and fails Prep',
  docs: 'A ConfigMap value that should hold manifests is not valid YAML or JSON. LCA fails Prep with "failed to decode" on OADP and extra-manifests ConfigMaps.',
};

export const aliasBombCheck: BuiltinCheck = {
  id: ALIAS_BOMB,
  builtin: true,
  severity: 'error',
  title: `Aliases that would expand past ${MAX_EXPANDED_NODES.toLocaleString('en-US')} nodes`,
  evidence: 'kube-apiserver and sigs.k8s.io/yaml limit alias expansion; the document is refused',
  docs: `Aliases that would expand past ${MAX_EXPANDED_NODES.toLocaleString('en-US')} nodes ("billion laughs"). The document is refused without being expanded.`,
};

export const tooDeepCheck: BuiltinCheck = {
  id: TOO_DEEP,
  builtin: true,
  severity: 'error',
  title: `Mappings and sequences nested more than ${MAX_DEPTH} levels deep`,
  evidence: 'Our limit (256 levels) below the parser\'s stack depth; real objects nest fewer than 30',
  docs: `Mappings and sequences nested more than ${MAX_DEPTH} levels deep (real Kubernetes objects nest fewer than 30). The document is refused at the place it crosses the limit and not validated further; the other documents of the file are.`,
};

export const internalErrorCheck: BuiltinCheck = {
  id: RULE_FAILURE,
  builtin: true,
  severity: 'error',
  title: 'An internal error of IBGU Tools',
  evidence: 'A bug of IBGU Tools, reported so that nothing is silently left unvalidated',
  docs: 'An internal error of IBGU Tools (a bug: please report it with the detail the message gives). A failing rule is a warning on its document, the others still ran; a file that could not be validated at all is an error on its first line.',
};

export const fileCheck: BuiltinCheck = {
  id: FILE_NOT_LINTED,
  builtin: true,
  severity: 'error',
  title: 'The file was not linted',
  evidence: 'Our limits: binary, non-UTF-8 or oversized input is not linted',
  docs: 'The file was not linted: it is binary (a NUL in its first 8 KiB), not UTF-8, or larger than the size limit (`--max-bytes` in the CLI, `ibgu.maxFileSizeKb` in the editor). The editor reports it as information.',
};

/** The built-in checks, in the order the rules reference lists them (after the rules). */
export const builtinChecks: readonly BuiltinCheck[] = [yamlSyntaxCheck, embeddedYamlCheck, aliasBombCheck, tooDeepCheck, internalErrorCheck, fileCheck];
