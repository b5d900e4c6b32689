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
