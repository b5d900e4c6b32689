import { promises as fs } from 'node:fs';
import { FILE_NOT_LINTED, fileFailure, lintFile, RetiringLint, parseFile, recordById, registry, RULE_FAILURE, Workspace, type Finding, type LintOptions, type LvmsMode, type ParsedFile, type Severity } from '../core/index';
import { collect, DEFAULT_MAX_BYTES } from './files';
import { formatJson, formatSarif, formatText, summarize, type FileResult } from './format';
import { eachArg, UsageError, type Io } from './io';

export const LINT_HELP = `Usage: ibgu lint [files|dirs|globs…] [options]

Validates ImageBasedGroupUpgrade, ImageBasedUpgrade, Velero Backup/Restore and the OADP and
extra-manifests ConfigMaps that carry them. Directories are searched for *.yaml and *.yml;
"-" reads standard input. With no path, the current directory is linted.

Options:
  --format text|json|sarif   output format (default: text)
  --previous PATH            previous versions of the same objects (file or directory, repeatable):
                             checks plan append-only, ibuSpec/clusterLabelSelectors immutability,
                             and IBU stage transitions
  --hub                      check against the live hub (kubeconfig as kubectl reads it): each IBGU's
                             live version is its previous version (as --previous), its oadpContent
                             ConfigMaps and seed pull secret must exist there, and those ConfigMaps
                             are linted with the files (findings in them: hub:<context>/<ns>/configmaps/<name>)
  --context NAME             with --hub: the kubeconfig context (default: the current context)
  --kubeconfig PATH          with --hub: this kubeconfig file (default: $KUBECONFIG or ~/.kube/config)
  --lvms auto|on|off         whether the clusters use LVM Storage (default: auto, from the files)
  --fix                      apply the unambiguous fixes in place, then report what is left
  --disable RULE             turn a rule off (repeatable)
  --severity RULE=LEVEL      override a rule's severity: error, warning, info, hint or off (repeatable)
  --max-bytes N              skip files larger than N bytes (default: ${DEFAULT_MAX_BYTES})
  --no-color                 plain text output

Exit status: 0 no errors, 1 errors found, 2 usage, I/O or internal problem. A file is never
skipped for another file's sake: one that is too deeply nested is an error finding
(ibgu/yaml-too-deep), one IBGU Tools failed on an ibgu/internal-error finding (and exit 2).`;

interface LintArgs {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  previous: string[];
  hub: boolean;
  context?: string;
  kubeconfig?: string;
  lvms: LvmsMode;
  fix: boolean;
  severities: Record<string, Severity | 'off'>;
  maxBytes: number;
  color: boolean;
}

const SEVERITIES = ['error', 'warning', 'info', 'hint', 'off'];


/** `--disable` and `--severity` take the id of any rule or built-in check (see `ibgu rules`). */
function checkConfigurable(id: string): void {
  if (!recordById.has(id)) throw new UsageError(`unknown rule "${id}" (see: ibgu rules)`);
}

export function parseLintArgs(argv: string[], isTty: boolean): LintArgs {
  const args: LintArgs = { paths: [], format: 'text', previous: [], hub: false, lvms: 'auto', fix: false, severities: {}, maxBytes: DEFAULT_MAX_BYTES, color: isTty && !process.env.NO_COLOR };
  for (const { arg, flag, value } of eachArg(argv)) {
    switch (flag) {
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not "${v}"`);
        args.format = v;
        break;
      }
      case '--previous':
        args.previous.push(value());
        break;
      case '--hub':
        args.hub = true;
        break;
      case '--context':
        args.context = value();
        break;
      case '--kubeconfig':
        args.kubeconfig = value();
        break;
      case '--lvms': {
        const v = value();
        if (v !== 'auto' && v !== 'on' && v !== 'off') throw new UsageError(`--lvms must be auto, on or off, not "${v}"`);
        args.lvms = v;
        break;
      }
      case '--fix':
        args.fix = true;
        break;
      case '--disable': {
        const id = value();
        checkConfigurable(id);
        args.severities[id] = 'off';
        break;
      }
      case '--severity': {
        const v = value();
        const [id, level] = v.split('=');
        checkConfigurable(id);
        if (!SEVERITIES.includes(level)) throw new UsageError(`--severity ${v}: level must be one of ${SEVERITIES.join(', ')}`);
        args.severities[id] = level as Severity | 'off';
        break;
      }
      case '--max-bytes': {
        const n = Number(value());
        if (!Number.isInteger(n) || n <= 0) throw new UsageError('--max-bytes must be a positive integer');
        args.maxBytes = n;
        break;
      }
      case '--no-color':
        args.color = false;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        args.paths.push(arg);
    }
  }
  if (args.paths.length === 0) args.paths.push('.');
  if (!args.hub && (args.context !== undefined || args.kubeconfig !== undefined)) throw new UsageError('--context and --kubeconfig go with --hub');
  if (args.hub && args.previous.length) throw new UsageError('--hub and --previous cannot be combined: with --hub the live objects are the previous versions');
  if (args.fix && args.paths.includes('-')) throw new UsageError('--fix cannot write back to standard input');
  return args;
}

function fileFinding(message: string): Finding {
  const at = { line: 0, character: 0 };
  return { rule: FILE_NOT_LINTED, severity: 'error', message, range: { start: at, end: at }, fixes: [] };
}

/** Findings with the severity overrides of the given ids applied (`off` drops them). */
function withOverrides(findings: Finding[], overrides: Record<string, Severity | 'off' | undefined>): Finding[] {
  return findings.flatMap((f) => {
    const override = overrides[f.rule];
    if (override === undefined) return [f];
    return override === 'off' ? [] : [{ ...f, severity: override }];
  });
}

/** Internal errors are errors on the file they happened in; a failing rule alone is a warning (see core/lint/lint.ts). */
const isFileFailure = (f: Finding) => f.rule === RULE_FAILURE && f.severity === 'error';

export async function runLint(argv: string[], io: Io): Promise<number> {
  const args = parseLintArgs(argv, io.isTty);
  const input = await collect(args.paths, args.maxBytes, io.readStdin);
  // The overrides of ibgu/internal-error and ibgu/file apply to what is shown; which files were not
  // validated (exit status 2) is decided on the findings as they came.
  const { [RULE_FAILURE]: failureOverride, [FILE_NOT_LINTED]: fileOverride, ...severities } = args.severities;
  const options: LintOptions = { lvms: args.lvms, severities };
  /** Files whose parsing or fixing threw: their finding stands in for their lint. */
  const failed = new Map<string, Finding[]>();
  const parse = (path: string, text: string, onFailure: (error: unknown) => void): ParsedFile | undefined => {
    try {
      return parseFile(path, text);
    } catch (error) {
      onFailure(error);
      return undefined;
    }
  };
  if (args.previous.length) {
    const prev = await collect(args.previous, args.maxBytes, io.readStdin);
    input.ioErrors.push(...prev.ioErrors.map((e) => `--previous ${e}`));
    const parsed = prev.files.filter((f) => f.text !== undefined).map((f) => parse(f.path, f.text!, (error) => input.ioErrors.push(`--previous ${f.path}: internal error, not read (please report it): ${error instanceof Error ? error.message : String(error)}`)));
    options.previous = new Workspace(parsed.filter((f): f is ParsedFile => !!f));
  }
  // Files no cross-document rule reads again are linted as they are parsed and kept as facts (core/lint/retire.ts).
  const texts = input.files.filter((f): f is typeof f & { text: string } => f.text !== undefined);
  const readable = new Map(texts.map((f) => [f.path, f]));
  const lint = new RetiringLint(texts, (path, text) => {
    // Once parsed, a text is kept only where the workspace or a fix still needs it.
    readable.get(path)!.text = '';
    return parse(path, text, (error) => failed.set(path, failureFindings(error, options)));
  }, options);
  const workspace = lint.workspace;
  /** The hub's OADP ConfigMaps added to the workspace: reported, under their hub: paths, only when they have findings. */
  let hubFiles: ParsedFile[] = [];
  if (args.hub) {
    // Loaded here only: @kubernetes/client-node costs nothing to a lint without --hub.
    const { readHub, HubProblem } = await import('./lint-hub');
    try {
      const hub = await readHub(workspace, { context: args.context, kubeconfig: args.kubeconfig });
      options.hub = hub.facts;
      options.previous = new Workspace(hub.previous);
      hubFiles = hub.configMaps;
      for (const file of hubFiles) workspace.set(file);
    } catch (error) {
      if (!(error instanceof HubProblem)) throw error;
      // One line, and nothing linted: a check "against the hub" that could not reach it must not look clean.
      io.err(`ibgu: hub ${error.context}: ${error.message}\n`);
      return 2;
    }
  }

  let fixed: number | undefined;
  if (args.fix) {
    fixed = 0;
    for (const file of input.files) {
      if (!readable.has(file.path) || failed.has(file.path)) continue;
      let result: { text: string; applied: number };
      try {
        result = lint.fix(file.path, options);
      } catch (error) {
        failed.set(file.path, failureFindings(error, options));
        continue;
      }
      if (result.applied === 0) continue;
      await fs.writeFile(file.path, result.text);
      fixed += result.applied;
    }
  }

  const results: FileResult[] = input.files.map((file) => {
    if (!readable.has(file.path)) return { path: file.path, findings: [fileFinding(file.problem ?? 'not linted')] };
    return { path: file.path, findings: failed.get(file.path) ?? lint.lint(file.path, options) };
  });
  for (const file of hubFiles) {
    const findings = lintFile(file, workspace, options);
    if (findings.length) results.push({ path: file.path, findings });
  }
  const internal = results.filter((r) => r.findings.some(isFileFailure));
  const shown = results.map((r) => ({ ...r, findings: withOverrides(r.findings, { [RULE_FAILURE]: failureOverride, [FILE_NOT_LINTED]: fileOverride }) }));
  const summary = summarize(shown, fixed);
  if (args.format === 'json') io.out(formatJson(shown, summary));
  else if (args.format === 'sarif') io.out(formatSarif(shown, registry, io.version, io.cwd));
  else io.out(formatText(shown, summary, args.color));
  for (const error of input.ioErrors) io.err(`ibgu: ${error}\n`);
  for (const r of internal) io.err(`ibgu: ${r.path}: internal error, the file was not validated (see its ibgu/internal-error finding)\n`);
  if (input.ioErrors.length || internal.length) return 2;
  return summary.errors > 0 ? 1 : 0;
}

function failureFindings(error: unknown, options: LintOptions): Finding[] {
  const finding = fileFailure(error, options);
  return finding ? [finding] : [];
}
