/**
 * A rule id leads to its file: rule `ibgu/<name>` is the record exported by src/core/rules/<name>.ts, one rule
 * per file. Read from the registry and the folder itself:
 *   - every registry entry with a check is exported (the very object, not a copy) by the file named after its id;
 *   - every rule file exports exactly one rule record, whose id is its own, and calls defineRule/immutableRule once;
 *   - every .ts file directly in src/core/rules/ is a rule file or one of NON_RULE_MODULES (a new module that is
 *     not a rule goes in support/, or is added to that list on purpose);
 *   - rule files do not import each other (what several rules share lives in support/ or helpers.ts), and no
 *     module but a rule file exports a rule record.
 * The checks are functions of what they read, so that the last test can plant violations and see them caught.
 * And outside its record, code spells a rule id as the record's `.id`: no string literal in src/ is exactly an id
 * (the built-in checks' ids are constants of builtin.ts; ids inside help and docs text are not whole literals).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { allRules, registry, type RuleRecord } from '../../../src/core/index';
import { repoRoot } from '../../helpers/fixtures';

/** The modules directly in src/core/rules/ that are not rules. */
const NON_RULE_MODULES = ['index', 'types', 'builtin', 'facts', 'helpers', 'docs'];

const rulesDir = path.join(repoRoot(), 'src', 'core', 'rules');

/** Loads a module of src/core/rules/ by name (`support/oadp` too): esbuild bundles every file the patterns match. */
function load(name: string): Record<string, unknown> {
  return name.startsWith('support/')
    ? require(`../../../src/core/rules/support/${name.slice('support/'.length)}.ts`)
    : require(`../../../src/core/rules/${name}.ts`);
}

interface Folder {
  /** Names of the .ts files directly in the folder, without `.ts`. */
  files: string[];
  /** Names of the .ts files in support/, as `support/<name>`. */
  support: string[];
  exportsOf(name: string): Record<string, unknown>;
  textOf(name: string): string;
}

function readFolder(): Folder {
  const ts_ = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.ts')).map((n) => n.slice(0, -3)).sort();
  return {
    files: ts_(rulesDir),
    support: ts_(path.join(rulesDir, 'support')).map((n) => `support/${n}`),
    exportsOf: load,
    textOf: (name) => readFileSync(path.join(rulesDir, `${name}.ts`), 'utf8'),
  };
}

/** A rule record, as the registry holds them: an id and a check. */
function isRuleRecord(value: unknown): value is RuleRecord & { check: unknown } {
  return !!value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string' && typeof (value as { check?: unknown }).check === 'function';
}

const nameOf = (id: string) => (id.startsWith('ibgu/') ? id.slice('ibgu/'.length) : undefined);

/** Calls that make a rule record, counted in the source text (comments and strings excluded). */
function ruleDefinitions(text: string): number {
  const source = ts.createSourceFile('rule.ts', text, ts.ScriptTarget.ES2022, false);
  let count = 0;
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && ['defineRule', 'immutableRule'].includes(node.expression.text)) count++;
    ts.forEachChild(node, visit);
  };
  visit(source);
  return count;
}

/** Every problem with the folder against the registry: empty when the layout holds. */
function problems(folder: Folder, rules: readonly RuleRecord[]): string[] {
  const out: string[] = [];
  const ruleFiles = folder.files.filter((f) => !NON_RULE_MODULES.includes(f));
  for (const record of rules) {
    if (!isRuleRecord(record)) continue;
    const name = nameOf(record.id);
    if (!name || !folder.files.includes(name)) {
      out.push(`${record.id}: no file src/core/rules/${name ?? record.id}.ts`);
      continue;
    }
    if (!Object.values(folder.exportsOf(name)).includes(record)) out.push(`${record.id}: the registry's record is not exported by ${name}.ts`);
  }
  const registered = new Map(rules.filter(isRuleRecord).map((r) => [r.id, r]));
  for (const file of ruleFiles) {
    const exported = Object.entries(folder.exportsOf(file)).filter(([, v]) => isRuleRecord(v)) as [string, RuleRecord][];
    if (exported.length !== 1) {
      out.push(`${file}.ts exports ${exported.length} rule records (${exported.map(([k]) => k).join(', ') || 'none'}); a file in src/core/rules/ is one rule, or one of ${NON_RULE_MODULES.join(', ')}`);
      continue;
    }
    const [[key, record]] = exported;
    if (record.id !== `ibgu/${file}`) out.push(`${file}.ts exports ${key} with id ${record.id}, not ibgu/${file}`);
    else if (registered.get(record.id) !== record) out.push(`${file}.ts: ${record.id} is not in the registry (allRules)`);
    const made = ruleDefinitions(folder.textOf(file));
    if (made !== 1) out.push(`${file}.ts makes ${made} rules (defineRule/immutableRule calls); one file, one rule`);
    for (const { fileName } of ts.preProcessFile(folder.textOf(file), true, true).importedFiles) {
      const target = /^\.\/([^/]+)$/.exec(fileName)?.[1];
      if (target && ruleFiles.includes(target)) out.push(`${file}.ts imports the rule file ${target}.ts; move what they share to support/`);
    }
  }
  for (const module of [...NON_RULE_MODULES.filter((m) => folder.files.includes(m)), ...folder.support]) {
    const rules_ = Object.keys(folder.exportsOf(module)).filter((k) => isRuleRecord(folder.exportsOf(module)[k]));
    if (rules_.length) out.push(`${module}.ts is not a rule file but exports ${rules_.join(', ')}`);
  }
  return out;
}

test('the registry has rules to check, and the folder has their files', () => {
  const folder = readFolder();
  assert.ok(allRules.length >= 30, `${allRules.length} rules`);
  assert.ok(folder.files.length > allRules.length, `${folder.files.length} files`);
  for (const m of NON_RULE_MODULES) assert.ok(folder.files.includes(m), `${m}.ts is listed as a non-rule module but does not exist`);
});

test('each rule lives in src/core/rules/<name>.ts, one rule per file, and nothing else is there', () => {
  assert.deepEqual(problems(readFolder(), registry), []);
});

test('the check catches planted violations', () => {
  const real = readFolder();
  const [first, second] = allRules;
  const firstFile = nameOf(first.id)!;
  const planted = (change: Partial<Folder>) => problems({ ...real, ...change }, registry);
  // A helper module left beside the rules (like the old family files).
  assert.match(planted({ files: [...real.files, 'oadp'], exportsOf: (n) => (n === 'oadp' ? { readByLca: () => true } : real.exportsOf(n)) }).join('\n'), /oadp\.ts exports 0 rule records/);
  // A family file: a second rule exported beside the first.
  assert.match(planted({ exportsOf: (n) => (n === firstFile ? { ...real.exportsOf(n), other: second } : real.exportsOf(n)) }).join('\n'), new RegExp(`${firstFile}\\.ts exports 2 rule records`));
  // A second rule defined but not exported.
  assert.match(planted({ textOf: (n) => real.textOf(n) + (n === firstFile ? '\nconst hidden = defineRule({} as never);\n' : '') }).join('\n'), /makes 2 rules/);
  // A rule whose file is not named after its id, or a copy of the record rather than the registry's.
  assert.match(planted({ exportsOf: (n) => (n === firstFile ? { rule: { ...first } } : real.exportsOf(n)) }).join('\n'), new RegExp(`${first.id.replace('/', '\\/')}: the registry's record is not exported`));
  assert.match(problems(real, [...registry, { ...first, id: 'ibgu/nowhere' }]).join('\n'), /ibgu\/nowhere: no file src\/core\/rules\/nowhere\.ts/);
  // A rule file importing another rule file.
  assert.match(planted({ textOf: (n) => (n === firstFile ? `import { x } from './${nameOf(second.id)}';\n` : '') + real.textOf(n) }).join('\n'), /imports the rule file/);
  // A rule exported by a support module.
  assert.ok(real.support.length > 0);
  assert.match(planted({ exportsOf: (n) => (n === real.support[0] ? { ...real.exportsOf(n), first } : real.exportsOf(n)) }).join('\n'), /is not a rule file but exports first/);
});

/** String literals of a source text whose whole value is one of `ids`. */
function idLiterals(text: string, ids: ReadonlySet<string>): string[] {
  const source = ts.createSourceFile('x.ts', text, ts.ScriptTarget.ES2022, false);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && ids.has(node.text)) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      out.push(`${line + 1}: '${node.text}'`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

test("rule ids are spelt as the record's .id outside the record (no id literal elsewhere in src/)", () => {
  const ids = new Set(registry.map((r) => r.id));
  const own = (file: string, line: string) => {
    const rel = path.relative(rulesDir, file);
    if (rel === 'builtin.ts') return true;
    // The record's own file: its id, once.
    return !rel.includes(path.sep) && line.endsWith(`'ibgu/${rel.slice(0, -3)}'`);
  };
  const found = sourceFiles(path.join(repoRoot(), 'src')).flatMap((file) => idLiterals(readFileSync(file, 'utf8'), ids).filter((l) => !own(file, l)).map((l) => `${path.relative(repoRoot(), file)}:${l}`));
  assert.deepEqual(found, []);
  // Planted: a literal id outside its record is found; ids within longer text are not.
  assert.deepEqual(idLiterals("const PLAN = 'ibgu/plan-combination';\nconst help = 'see ibgu/plan-combination';", ids), ["1: 'ibgu/plan-combination'"]);
});
