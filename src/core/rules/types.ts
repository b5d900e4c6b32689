import type { Range } from '../yaml/lines';
import type { Resource, ResourceType } from '../yaml/parse';
import type { Workspace } from '../yaml/workspace';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** An edit by offsets in the text of the resource's own document (embedded or not). */
export interface RawEdit {
  start: number;
  end: number;
  newText: string;
}

export interface RawFix {
  title: string;
  edits: RawEdit[];
  /** The fix an editor offers first. */
  preferred?: boolean;
  /** Unambiguous: `ibgu lint --fix` and "fix all" apply it without asking. */
  autofix?: boolean;
}

/** What a rule's check reports, in the coordinates of the resource's document. */
export interface Report {
  start: number;
  end: number;
  message: string;
  fixes?: RawFix[];
}

export type LvmsMode = 'auto' | 'on' | 'off';

export interface LintOptions {
  /** Whether LVM Storage is in use on the clusters; `auto` looks for evidence in the files. */
  lvms?: LvmsMode;
  /** The previous versions of the resources, for append-only, immutability and stage-transition rules. */
  previous?: Workspace;
  /** Per-rule severity overrides; `off` disables a rule. */
  severities?: Record<string, Severity | 'off'>;
}

export interface RuleContext {
  readonly workspace: Workspace;
  readonly options: LintOptions;
}

export interface Rule {
  /** Stable id, `ibgu/<name>`: used in diagnostics, overrides and suppression comments. */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what the rule catches. */
  readonly title: string;
  /** Why it matters and what to do, in a few sentences (Markdown). */
  readonly docs: string;
  readonly appliesTo: readonly ResourceType[];
  /**
   * A check declared without the `ctx` parameter depends on its own document only, and editors cache its
   * result while that document's text is unchanged; one that takes `ctx` runs again on every change.
   */
  check(resource: Resource, ctx: RuleContext): Report[];
}

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
}
