/**
 * What a check says about a document, by offsets in the document's own text (embedded or not): the
 * low-level vocabulary of the schema validator and the rules, below both.
 */

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

/** What a check reports, in the coordinates of the resource's document. */
export interface Report {
  start: number;
  end: number;
  message: string;
  fixes?: RawFix[];
}
