import type { Range } from '../yaml/lines';
import type { Resource, ResourceType } from '../yaml/parse';
import type { Workspace } from '../yaml/workspace';
import type { Report } from '../yaml/report';
import type { LvmsMode } from '../lca/configmaps';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export type { RawEdit, RawFix, Report } from '../yaml/report';
export type { LvmsMode } from '../lca/configmaps';

export interface LintOptions {
  /** Whether LVM Storage is in use on the clusters; `auto` looks for evidence in the files. */
  lvms?: LvmsMode;
  /** The previous versions of the resources, for append-only, immutability and stage-transition rules. */
  previous?: Workspace;
  /** Per-rule severity overrides; `off` disables a rule. */
  severities?: Record<string, Severity | 'off'>;
  /** What `ibgu lint --hub` read from the live hub (the core never talks to a hub: the CLI gathers these). */
  hub?: HubFacts;
}

/**
 * Facts read from a live hub for the hub rules. Keys are `namespace/name`; a key that is absent was not
 * looked up (nothing is reported on it), `false` means the hub answered 404.
 */
export interface HubFacts {
  /** The kubeconfig context the facts came from, for messages. */
  readonly context: string;
  /** The namespace of an IBGU written without one: the context's namespace, or `default`, as kubectl. */
  readonly namespace: string;
  /** Whether each ConfigMap looked up exists on the hub. */
  readonly configMaps: ReadonlyMap<string, boolean>;
  /** Whether each Secret looked up exists on the hub. */
  readonly secrets: ReadonlyMap<string, boolean>;
}

/** What every check is given: the options of the lint, never the other documents. */
export interface DocumentContext {
  readonly options: LintOptions;
}

/** What a workspace-scoped check is given: the other documents too, which it reads through facts.ts only. */
export interface WorkspaceContext extends DocumentContext {
  readonly workspace: Workspace;
}

/** @deprecated The context of a workspace-scoped rule; say WorkspaceContext. */
export type RuleContext = WorkspaceContext;

/**
 * `document`: the result depends on the resource's own document (and the options) only; editors keep it while
 * that document's text is unchanged. `workspace`: it also depends on other documents, read through the
 * workspace facts (facts.ts); editors keep it while those facts are unchanged too.
 */
export type RuleScope = 'document' | 'workspace';

/** How editors show a finding: `unnecessary` fades it, like unused code (LSP DiagnosticTag.Unnecessary). */
export type RuleTag = 'unnecessary';

/** What the registry knows of every check, rule or built-in: the rules reference and `ibgu rules` read it. */
export interface CheckRecord {
  /** Stable id, `ibgu/<name>`: used in diagnostics, overrides and suppression comments. */
  readonly id: string;
  /** The default severity. */
  readonly severity: Severity;
  /** One line: what it catches. */
  readonly title: string;
  /** Why it matters and what to do, in a few sentences (Markdown). */
  readonly docs: string;
  /**
   * What upstream behaviour the check follows, and where it is: the code or document (TALM, LCA, Velero,
   * Kubernetes) whose rejection, failure or advice gives the severity. Shown in the rules reference and README.
   */
  readonly evidence: string;
  /** How editors show its findings. */
  readonly tags?: readonly RuleTag[];
}

/**
 * A check of the core itself (YAML syntax, nesting, internal errors, unreadable files): no `check` to run.
 * Like the rules, `severities` (`--disable`, `--severity`, `ibgu.rules`) may change or turn it off.
 */
export interface BuiltinCheck extends CheckRecord {
  readonly builtin: true;
}

/**
 * What a rule reads besides the files, when it reports nothing without it: `previous`, the stored versions
 * (`--previous`, or the live objects of a hub); `hub`, the facts of a live hub. The engine skips such a rule
 * when the lint is not given it, and editors say where its findings come from.
 */
export type RuleInput = 'previous' | 'hub';

interface RuleBase extends CheckRecord {
  readonly appliesTo: readonly ResourceType[];
  /** Set when the rule reports nothing unless the lint's options carry this input (see RuleInput). */
  readonly needs?: RuleInput;
}

/** A rule whose result depends on its own document only: its check is not given the workspace. */
export interface DocumentRule extends RuleBase {
  readonly scope: 'document';
  readonly check: (resource: Resource, ctx: DocumentContext) => Report[];
}

/** A rule that reads other documents (through the workspace facts) or the previous versions. */
export interface WorkspaceRule extends RuleBase {
  readonly scope: 'workspace';
  readonly check: (resource: Resource, ctx: WorkspaceContext) => Report[];
}

export type Rule = DocumentRule | WorkspaceRule;

/** Any entry of the registry. */
export type RuleRecord = Rule | BuiltinCheck;

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  preferred: boolean;
  autofix: boolean;
}

/** A problem in a file, in the file's coordinates (0-based lines and UTF-16 characters, as in LSP). */
export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  range: Range;
  fixes: Fix[];
  /** Set when the finding is inside a document embedded in a ConfigMap value. */
  embedded?: boolean;
  /** The tags of its rule (see RuleTag), for editors to show it accordingly. */
  tags?: readonly RuleTag[];
}
