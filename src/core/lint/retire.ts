import type { ParsedFile } from '../yaml/parse';
import { parseFile } from '../yaml/parse';
import { generatorInputs, isKustomizationPath } from '../yaml/kustomize';
import { Workspace } from '../yaml/workspace';
import { retire, standsAlone } from '../rules/facts';
import type { Finding, LintOptions } from '../rules/types';
import { TreeCompactor } from './compact';
import { autofixEdits, fixFile } from './fix';
import { lintFile } from './lint';

/** No file, for linting one that stands alone: its rules never read the workspace (rules/facts.ts). */
const NONE = new Workspace();

/**
 * A workspace for a one-shot lint of many files (the CLI): each file that stands alone (rules/facts.ts
 * `standsAlone`) is linted as it is parsed, and only its facts and its findings are kept, not its tree. The
 * findings are those `lintFile` gives in the whole workspace; the others are linted from `workspace` as usual.
 */
export class RetiringLint {
  readonly workspace = new Workspace();
  /** The findings of the files held as facts only. */
  private readonly findings = new Map<string, Finding[]>();
  private readonly texts = new Map<string, string>();
  private taken: (path: string) => boolean = () => false;
  private readonly compactor = new TreeCompactor();

  /**
   * Parses `sources` in order. `parse` returns undefined for a file it could not parse (it reports why);
   * `options` are those of the lint, with any `hub` or `previous` the rules of standalone files never read.
   */
  constructor(sources: readonly { path: string; text: string }[], parse: (path: string, text: string) => ParsedFile | undefined, private readonly options: LintOptions) {
    // Kustomizations first: the files their generators take are embedded in a ConfigMap, so they stay whole.
    // Their trees are let go as soon as generatorInputs has read them, and parsed again in their turn below
    // (the text is kept; a file that failed to parse is not tried again). Holding every kustomization's tree
    // through the run had V8 allocate later trees straight in the old generation (allocation-site
    // pretenuring), where the trees of files retired a moment later are garbage that only a full
    // collection frees (V8 --trace-pretenuring-statistics). On the fleet tree of bench/lint-fleet.bench.ts
    // this took the peak RSS from 296 MB to 212 MB.
    const kustomizations = new Map<string, string | undefined>();
    const taken = (this.taken = generatorInputs((function* () {
      for (const s of sources) {
        if (!isKustomizationPath(s.path)) continue;
        const text = s.text;
        const file = parse(s.path, text);
        kustomizations.set(s.path, file ? text : undefined);
        if (file) yield file;
      }
    })()));
    for (const s of sources) {
      const kustomization = kustomizations.get(s.path);
      if (kustomizations.has(s.path) && kustomization === undefined) continue;
      const file = parse(s.path, kustomization ?? s.text);
      if (!file) continue;
      if (standsAlone(file, taken)) this.hold(file, options);
      else {
        // Held whole to the end: its tree made smaller, as it reads (compact.ts).
        this.compactor.compact(file);
        this.workspace.set(file);
      }
    }
  }

  /** Whether the workspace holds this path (whole or as facts). */
  has(path: string): boolean {
    return this.findings.has(path) || !!this.workspace.get(path);
  }

  /** The findings of a file, as `lintFile` in the workspace gives them. */
  lint(path: string, options: LintOptions = this.options): Finding[] {
    const held = this.findings.get(path);
    if (held) return held;
    const file = this.workspace.get(path);
    if (!file) throw new Error(`not in the workspace: ${path}`);
    return lintFile(file, this.workspace, options);
  }

  /** `fixFile` in the workspace; a file held as facts is parsed again only when it has an automatic fix. */
  fix(path: string, options: LintOptions = this.options): { text: string; applied: number } {
    const held = this.findings.get(path);
    if (!held) {
      const result = fixFile(path, this.workspace, options);
      if (result.applied && isKustomizationPath(path)) this.restoreTaken();
      return result;
    }
    const text = this.texts.get(path);
    if (text === undefined || autofixEdits(text, held).fixes === 0) return { text: text ?? '', applied: 0 };
    this.workspace.set(parseFile(path, text));
    this.findings.delete(path);
    this.texts.delete(path);
    const result = fixFile(path, this.workspace, options);
    if (result.applied && isKustomizationPath(path)) this.restoreTaken();
    const fixed = this.workspace.get(path)!;
    // A fix can change what a file is (an apiVersion that makes it a Backup): it is held whole then.
    if (standsAlone(fixed, this.taken)) this.hold(fixed, options);
    return result;
  }

  /** Lints a file that stands alone and keeps its facts, its findings, and its text only when `fix` may need it. */
  private hold(file: ParsedFile, options: LintOptions): void {
    const findings = lintFile(file, NONE, options);
    this.findings.set(file.path, findings);
    if (findings.some((f) => f.fixes.some((x) => x.autofix))) this.texts.set(file.path, file.text);
    this.workspace.set(retire(file));
  }

  /** After a kustomization changed: the files its generators now take are held whole again. */
  private restoreTaken(): void {
    const kustomizations = this.workspace.allFiles().filter((f) => isKustomizationPath(f.path));
    this.taken = generatorInputs(kustomizations);
    for (const [path, text] of this.texts) {
      if (!this.taken(path)) continue;
      this.findings.delete(path);
      this.texts.delete(path);
      this.workspace.set(parseFile(path, text));
    }
  }
}
