import type { Range } from '../yaml/lines';
import { MAX_EXPANDED_NODES, type ParsedFile, type Resource, type YamlDocument } from '../yaml/parse';
import { isStackOverflow, MAX_DEPTH } from '../yaml/depth';
import { configMapRole } from '../lca/configmaps';
import { workspaceFactsKey } from '../rules/facts';
import type { DocumentContext, Finding, Fix, LintOptions, Report, Rule, RuleTag, Severity, WorkspaceContext } from '../rules/types';
import { Workspace } from '../yaml/workspace';
import { generatedBy } from '../yaml/kustomize';
import { allRules } from '../rules/index';
import { aliasBombCheck, embeddedYamlCheck, internalErrorCheck, RULE_FAILURE, TOO_DEEP, tooDeepCheck, yamlSyntaxCheck } from '../rules/builtin';
import { suppressionsFor, type Suppressions } from './suppress';

/** What the finding of a document nested past the limit says (after where it is, for an embedded one). */
export function tooDeepMessage(what = 'this document'): string {
  return `Mappings and sequences in ${what} nest deeper than ${MAX_DEPTH} levels, the limit (real Kubernetes objects nest fewer than 30); it was not validated further.`;
}

/** An unexpected error, for a finding: what it was, as a detail to report, never as the message itself. */
function errorDetail(error: unknown): string {
  return clip(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}

const clip = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

/**
 * The finding for a whole file whose parsing, linting or fixing threw: a stack overflow is the depth
 * limit's finding (defence in depth; the limit should have stopped it first), anything else an internal
 * error. It is an error (the file was not validated), at the start of the file. Undefined when the
 * severities turn it off.
 */
export function fileFailure(error: unknown, options: LintOptions = {}): Finding | undefined {
  const at = { line: 0, character: 0 };
  const range = { start: at, end: at };
  if (isStackOverflow(error)) {
    const override = options.severities?.[TOO_DEEP];
    if (override === 'off') return undefined;
    return { rule: TOO_DEEP, severity: override ?? tooDeepCheck.severity, message: tooDeepMessage('this file'), range, fixes: [] };
  }
  const override = options.severities?.[RULE_FAILURE];
  if (override === 'off') return undefined;
  return { rule: RULE_FAILURE, severity: override ?? internalErrorCheck.severity, message: `An internal error stopped IBGU Tools from validating this file; please report it with this detail: ${errorDetail(error)}.`, range, fixes: [] };
}

/**
 * Reports kept per resource, for editors: a resource object that survives an incremental parse (its
 * document's text did not change) is not checked again by document-scoped rules, nor by workspace-scoped
 * ones while the workspace facts they read (see facts.ts) are the same.
 */
export type LintCache = WeakMap<Resource, CacheEntry>;

/**
 * Reports by the rule's position among the rules that apply to the resource's type (rulesFor): arrays as
 * long as that list, not as the whole rule list (a cold open of a large file fills thousands of these, and
 * they outlive it).
 */
interface CacheEntry {
  rules: readonly Rule[];
  document: (readonly Report[] | undefined)[];
  workspace: (readonly Report[] | undefined)[];
  factsKey: string;
}

/**
 * Lints one file of a workspace; findings are sorted by position. It does not throw: an unexpected error
 * becomes a finding (see `fileFailure`), so that one file never costs the others their findings.
 */
export function lintFile(file: ParsedFile, workspace: Workspace, options: LintOptions = {}, rules: readonly Rule[] = allRules, cache?: LintCache): Finding[] {
  const steps = lintFileSteps(file, workspace, options, rules, cache);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Documents checked between two pauses of lintFileSteps. */
const LINT_STEP = 100;

/**
 * lintFile in steps, for a caller that must stay responsive while it lints a large file (the language
 * server): it pauses every LINT_STEP documents, where the caller may yield to its event loop or give up.
 * If the workspace changed while it was paused, the caller must give up, not resume: the reports it caches
 * would mix two states of the workspace. Like lintFile, it does not throw (see `fileFailure`).
 */
export function* lintFileSteps(file: ParsedFile, workspace: Workspace, options: LintOptions = {}, rules: readonly Rule[] = allRules, cache?: LintCache): Generator<void, Finding[], void> {
  try {
    return yield* lintChecked(file, workspace, options, rules, cache);
  } catch (error) {
    const failure = fileFailure(error, options);
    return failure ? [failure] : [];
  }
}

function* lintChecked(given: ParsedFile, workspace: Workspace, options: LintOptions, rules: readonly Rule[], cache?: LintCache): Generator<void, Finding[], void> {
  const file = workspace.effective(given);
  const findings: Finding[] = [];
  const suppress = suppressionsFor(file.text);
  const add = (finding: Finding | undefined) => {
    if (finding && !suppress.hides(finding.rule, finding.range.start.line)) findings.push(finding);
  };
  /** A check's severity: the override the options give, or the registry record's own. */
  const severityOf = (record: { id: string; severity: Severity }): Severity | undefined => {
    const override = options.severities?.[record.id];
    return override === 'off' ? undefined : (override ?? record.severity);
  };

  const yamlDocs: YamlDocument[] = [...file.documents];
  // A generated ConfigMap's documents are those of the files it takes: checked in those files.
  for (const r of file.resources) if (r.type === 'ConfigMap' && !generatedBy(r)) yamlDocs.push(...r.embedded);
  for (const yaml of yamlDocs) {
    const syntax = yaml.embedding ? embeddedYamlCheck : yamlSyntaxCheck;
    const ruleId = syntax.id;
    const severity = severityOf(syntax);
    if (severity) {
      for (const p of yaml.problems) {
        const where = yaml.embedding ? `in ConfigMap data key "${yaml.embedding.key}": ` : '';
        const readByLca = yaml.embedding && configMapRole(workspace, yaml.embedding.configMap) !== 'other';
        const consequence = readByLca && p.severity === 'error' ? ' LCA fails Prep with "failed to decode" on this value.' : '';
        add(toFinding(file, yaml, ruleId, p.severity === 'error' ? severity : 'warning', { start: p.start, end: p.end, message: `${where}${sentence(p.message)}${consequence}` }));
      }
    }
    const bombSeverity = severityOf(aliasBombCheck);
    if (yaml.aliasBomb && bombSeverity) {
      add(toFinding(file, yaml, aliasBombCheck.id, bombSeverity, {
        start: yaml.aliasBomb.start,
        end: yaml.aliasBomb.end,
        message: `Aliases in this document would expand to more than ${MAX_EXPANDED_NODES.toLocaleString('en-US')} nodes (an alias bomb); it was not expanded or validated. Kubernetes API servers refuse such documents too.`,
      }));
    }
    const where = yaml.embedding ? `ConfigMap data key "${yaml.embedding.key}": ` : '';
    const deepSeverity = severityOf(tooDeepCheck);
    if (yaml.tooDeep && deepSeverity) {
      add(toFinding(file, yaml, TOO_DEEP, deepSeverity, { start: yaml.tooDeep.start, end: yaml.tooDeep.end, message: `${where}${tooDeepMessage()}` }));
    }
    const failureSeverity = severityOf(internalErrorCheck);
    if (yaml.failure && failureSeverity) {
      add(toFinding(file, yaml, RULE_FAILURE, failureSeverity, {
        start: yaml.start,
        end: yaml.start + 1,
        message: `${where}An internal error stopped IBGU Tools from reading this document; it was not validated. Please report it with this detail: ${clip(yaml.failure)}.`,
      }));
    }
  }

  // A document-scoped rule is not handed the workspace: it could not depend on other documents if it tried.
  const documentCtx: DocumentContext = { options };
  const workspaceCtx: WorkspaceContext = { workspace, options };
  const factsKey = cache ? workspaceFactsKey(workspace, options) : '';
  // Each rule's severity, once per lint rather than per resource (the rule records have many shapes, so
  // reading them is slow); none when it is off, or when it reads the stored versions or the hub and the lint
  // is not given them (it would report nothing).
  const severities = rules.map((rule) => (rule.needs && !options[rule.needs] ? undefined : severityOf(rule)));
  let checked = 0;
  for (const resource of file.resources) {
    if (++checked % LINT_STEP === 0) yield;
    // A document that is not valid YAML gets its syntax errors only: anything more would be guesswork.
    if (resource.yaml.problems.some(isError)) continue;
    const applicable = rulesFor(rules, resource);
    const entry = cache ? cacheEntry(cache, resource, rules, factsKey, applicable.length) : undefined;
    let overflowed = false;
    for (let position = 0; position < applicable.length; position++) {
      if (overflowed) break;
      const index = applicable[position];
      const severity = severities[index];
      if (!severity) continue;
      const rule = rules[index];
      let reports: readonly Report[] | undefined;
      const cached = entry ? (rule.scope === 'document' ? entry.document : entry.workspace) : undefined;
      try {
        reports = cached?.[position];
        if (!reports) {
          reports = rule.scope === 'document' ? rule.check(resource, documentCtx) : rule.check(resource, workspaceCtx);
          // Most checks report nothing: the cache keeps one shared empty list, not each check's own.
          if (cached) cached[position] = reports.length ? reports : NO_REPORTS;
        }
      } catch (error) {
        reports = [];
        const start = resource.yaml.start;
        if (isStackOverflow(error)) {
          // Defence in depth: the depth limit should have stopped this document before any rule read it.
          overflowed = true;
          const deepSeverity = severityOf(tooDeepCheck);
          if (deepSeverity) add(toFinding(file, resource.yaml, TOO_DEEP, deepSeverity, { start, end: start + 1, message: tooDeepMessage() }));
          continue;
        }
        // One failing rule must not hide the others' findings: a warning, as the others ran (unless overridden).
        const override = options.severities?.[RULE_FAILURE];
        if (override === 'off') continue;
        add(toFinding(file, resource.yaml, RULE_FAILURE, override ?? 'warning', {
          start,
          end: start + 1,
          message: `An internal error stopped rule ${rule.id} from checking this document; the other rules ran. Please report it with this detail: ${errorDetail(error)}.`,
        }));
      }
      for (const report of reports) add(toFinding(file, resource.yaml, rule.id, severity, report, rule.tags));
    }
  }
  return findings.sort(compareFindings);
}

const isError = (problem: { severity: string }) => problem.severity === 'error';

/** YAML library messages do not always end a sentence. */
function sentence(message: string): string {
  return /[.!?]$/.test(message.trim()) ? message.trim() : `${message.trim()}.`;
}

const NO_REPORTS: readonly Report[] = Object.freeze([]);

/** The resource's cache entry; `applicable` is how many rules apply to its type (the length of its arrays). */
function cacheEntry(cache: LintCache, resource: Resource, rules: readonly Rule[], factsKey: string, applicable: number): CacheEntry {
  let entry = cache.get(resource);
  if (!entry || entry.rules !== rules) cache.set(resource, (entry = { rules, document: new Array(applicable), workspace: new Array(applicable), factsKey }));
  if (entry.factsKey !== factsKey) {
    entry.factsKey = factsKey;
    entry.workspace = new Array(applicable);
  }
  return entry;
}

/** Per rule list and resource type: the positions of the rules that apply. */
const rulesByType = new WeakMap<readonly Rule[], Map<string, number[]>>();

function rulesFor(rules: readonly Rule[], resource: Resource): number[] {
  let byType = rulesByType.get(rules);
  if (!byType) rulesByType.set(rules, (byType = new Map()));
  let list = byType.get(resource.type);
  if (!list) {
    list = [];
    for (let i = 0; i < rules.length; i++) if (rules[i].appliesTo.includes(resource.type)) list.push(i);
    byType.set(resource.type, list);
  }
  return list;
}

function toFinding(file: ParsedFile, yaml: YamlDocument, rule: string, severity: Severity, report: Report, tags?: readonly RuleTag[]): Finding {
  const crlf = file.lines.eol() === '\r\n';
  // Block nodes end after their line break; a finding ends where the text does.
  let innerEnd = Math.max(report.end, report.start);
  while (innerEnd > report.start + 1 && /\s/.test(yaml.text[innerEnd - 1] ?? '')) innerEnd--;
  const start = yaml.map.toOuter(report.start);
  const end = Math.max(start, yaml.map.toOuter(innerEnd));
  const fixes: Fix[] = [];
  for (const fix of report.fixes ?? []) {
    const edits = [];
    for (const edit of fix.edits) {
      const outer = yaml.map.edit(edit);
      if (!outer) break;
      edits.push({ range: file.lines.range(outer.start, outer.end), newText: crlf ? outer.newText.replace(/\r?\n/g, '\r\n') : outer.newText });
    }
    if (edits.length === fix.edits.length) fixes.push({ title: fix.title, edits, preferred: !!fix.preferred, autofix: !!fix.autofix });
  }
  return { rule, severity, message: report.message, range: file.lines.range(start, end), fixes, ...(yaml.embedding ? { embedded: true } : {}), ...(tags?.length ? { tags } : {}) };
}

function comparePos(a: Range['start'], b: Range['start']): number {
  return a.line - b.line || a.character - b.character;
}

function compareFindings(a: Finding, b: Finding): number {
  return comparePos(a.range.start, b.range.start) || a.rule.localeCompare(b.rule);
}

/** Lints every file of the workspace. */
export function lintWorkspace(workspace: Workspace, options: LintOptions = {}): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const file of workspace.allFiles()) out.set(file.path, lintFile(file, workspace, options));
  return out;
}

export type { Suppressions };
