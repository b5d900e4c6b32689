/**
 * Keeps the first lines of a monaco model read-only: the IBGU's existing steps, which the write cannot change.
 *
 * Monaco has no read-only ranges, and undoing an edit after the fact (onDidChangeModelContent) is fragile: an
 * undo step may hold typing from before, and the undo stack can replay the forbidden edit. Instead the guard
 * refuses such edits before they happen: every edit a user can make (typing, paste, cut, drag and drop,
 * line commands, multi-cursor edits, completion) reaches the model through `pushEditOperations`, so the
 * model's method is wrapped and a batch whose range starts on a read-only line is dropped whole (monaco then
 * keeps the selections as they were). Undo and redo replay recorded edits through another path; they only hold
 * edits the guard let through, so they never touch the read-only lines either.
 */
import { monaco } from './monaco-env';

export class ReadOnlyLines {
  private lineCount = 0;
  private decorations: monaco.editor.IEditorDecorationsCollection;
  private readonly blocked = new monaco.Emitter<void>();
  /** Fires when an edit was refused because it touched a read-only line. */
  readonly onDidBlockEdit = this.blocked.event;

  constructor(private readonly editor: monaco.editor.IStandaloneCodeEditor, private readonly model: monaco.editor.ITextModel) {
    this.decorations = editor.createDecorationsCollection();
    const push = model.pushEditOperations.bind(model) as (...args: unknown[]) => monaco.Selection[] | null;
    // Monaco passes more arguments than its typings declare (undo group, edit reason): all go through as they came.
    model.pushEditOperations = ((...args: unknown[]) => {
      const operations = args[1] as monaco.editor.IIdentifiedSingleEditOperation[];
      if (operations.some((op) => op.range.startLineNumber <= this.lineCount)) {
        this.blocked.fire();
        return null;
      }
      return push(...args);
    }) as typeof model.pushEditOperations;
  }

  /**
   * Replaces the whole text, with the first `readOnlyLines` lines read-only. The undo history goes: it held
   * positions in the old text. The cursor keeps its place relative to the editable part.
   */
  reset(text: string, readOnlyLines: number): void {
    const selections = this.editor.getSelections() ?? [];
    const shift = readOnlyLines - this.lineCount;
    const hadText = this.model.getValueLength() > 0;
    this.lineCount = readOnlyLines;
    this.model.setValue(text);
    this.decorations.set([{
      range: new monaco.Range(1, 1, Math.max(1, readOnlyLines), 1),
      options: { isWholeLine: true, className: 'plan-readonly-line', linesDecorationsClassName: 'plan-readonly-gutter', hoverMessage: { value: 'Steps already in the plan: read-only (TALM allows appending only).' } },
    }]);
    if (hadText && selections.length) {
      this.editor.setSelections(selections.map((s) => new monaco.Selection(
        Math.max(readOnlyLines + 1, s.selectionStartLineNumber + shift), s.selectionStartColumn,
        Math.max(readOnlyLines + 1, s.positionLineNumber + shift), s.positionColumn,
      )));
    } else {
      this.editor.setPosition({ lineNumber: Math.min(readOnlyLines + 1, this.model.getLineCount()), column: 1 });
    }
  }

  /** The first editable line. */
  get firstEditableLine(): number {
    return this.lineCount + 1;
  }
}
