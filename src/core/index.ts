/** The validation core: no editor, no network. Everything the server, CLI and extension need. */
export { parseFile, parseDocuments, type ParsedFile, type Resource, type ResourceType, type YamlDocument } from './yaml/parse';
export { LineIndex, type Position, type Range } from './yaml/lines';
export { Workspace } from './workspace';
export { lintFile, lintWorkspace, isDocumentScoped, YAML_SYNTAX, EMBEDDED_YAML, ALIAS_BOMB, RULE_FAILURE, type LintCache } from './lint';
export { parseIncremental, documentStarts, type IncrementalFile } from './yaml/incremental';
export { applyEdits, applyFixes, autofixEdits, fixFile } from './fix';
export { allRules, ruleById } from './rules/index';
export type { Finding, Fix, LintOptions, LvmsMode, Rule, Severity, TextEdit } from './rules/types';
export { hover, complete, documentSymbols, foldingRanges, type HoverResult, type CompletionItem, type DocSymbol, type FoldingRange } from './service/index';
