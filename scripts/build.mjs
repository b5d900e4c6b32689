// Builds the bundles with esbuild. `--tests` / `--bench` build the test and benchmark files instead;
// `--vscode` builds the real-VS-Code harness into dist-vscode/ (kept out of dist-test, so `node --test` skips it):
// the runner and its test-electron launcher, the browser check, and the mocha suite that runs inside VS Code.
import { build } from 'esbuild';
import { existsSync, readdirSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const argv = process.argv.slice(2);
const args = new Set(argv);
// `--tests --out DIR file.test.ts…`: build only those tests into DIR (parallel work without clobbering dist-test).
const outIndex = argv.indexOf('--out');
const testOut = outIndex >= 0 ? argv[outIndex + 1] : undefined;
const onlyTests = argv.filter((a, i) => a.endsWith('.test.ts') && i !== outIndex + 1);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
/**
 * `yaml` is imported as its ES module build. Its CommonJS build (what Node resolves) would be wrapped by
 * esbuild in an interop object whose every export is a getter, and the linter calls isMap/isScalar/… on every
 * node: those getters were a tenth of the time of opening a large file. The ES build also has no
 * process.env.LOG_TOKENS / LOG_STREAM lookups (a call into C++ for every token in the CommonJS build).
 */
const yamlAsEsm = {
  name: 'yaml-as-esm',
  setup(b) {
    const esm = join(process.cwd(), 'node_modules', 'yaml', 'browser', 'dist', 'index.js');
    b.onResolve({ filter: /^yaml$/ }, () => ({ path: esm }));
  },
};
const common = { define: { IBGU_VERSION: JSON.stringify(pkg.version) }, bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', plugins: [yamlAsEsm] };

/** In dist/cli.js, `import('./lint-hub')` loads dist/lint-hub.js at run time (built beside it below). */
const lintHubApart = {
  name: 'lint-hub-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/lint-hub$/ }, () => ({ path: './lint-hub.js', external: true }));
  },
};

// Shipped bundles are minified (smaller, faster to load); tests and benchmarks keep readable code.
const shipped = { ...common, minify: true, keepNames: true };

/**
 * Webview pages: media/<page>/main.ts (and any media/<page>/*.worker.ts) → dist/webview/<page>/…, for the
 * browser, each a self-contained script (CSS imported by a page is emitted beside it as main.css).
 */
async function buildWebviews() {
  const entryPoints = {};
  for (const page of existsSync('media') ? readdirSync('media') : []) {
    const dir = join('media', page);
    if (!statSync(dir).isDirectory() || !existsSync(join(dir, 'main.ts'))) continue;
    for (const name of readdirSync(dir).filter((n) => n === 'main.ts' || n.endsWith('.worker.ts'))) entryPoints[`${page}/${name.replace(/\.ts$/, '')}`] = join(dir, name);
  }
  if (!Object.keys(entryPoints).length) return;
  await build({ ...shipped, plugins: [], entryPoints, outdir: 'dist/webview', platform: 'browser', format: 'iife', target: 'es2022', loader: { '.ttf': 'file' } });
}

function walk(dir, pattern) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path, pattern));
    else if (pattern.test(name)) out.push(path);
  }
  return out;
}

if (args.has('--tests')) {
  const outdir = testOut ?? 'dist-test';
  if (!onlyTests.length) rmSync(outdir, { recursive: true, force: true });
  await build({ ...common, entryPoints: onlyTests.length ? onlyTests : walk('test', /\.test\.ts$/), outdir, outbase: 'test', external: ['vscode', 'typescript'] });
} else if (args.has('--vscode')) {
  rmSync('dist-vscode', { recursive: true, force: true });
  // Run from the work tree with node_modules beside them: packages stay external (playwright-core comes from the toolchain).
  const tools = { ...common, packages: 'external', outdir: 'dist-vscode', outbase: 'test' };
  await Promise.all([
    build({ ...tools, entryPoints: ['test/vscode/runner/run.ts', 'test/vscode/launch.ts'], outbase: 'test/vscode' }),
    // The browser-level drivers: test/e2e/*.ts, not the .test.ts wrappers nor the shared modules in test/e2e/lib.
    build({ ...tools, entryPoints: readdirSync('test/e2e').filter((n) => /^(?!.*\.test\.ts$).*\.ts$/.test(n)).map((n) => join('test/e2e', n)) }),
    // Loaded by the extension host: mocha is bundled in, only `vscode` is left to the host.
    build({ ...common, entryPoints: ['test/vscode/suite/index.ts', ...walk('test/vscode/suite', /\.suite\.ts$/)], outdir: 'dist-vscode/suite', external: ['vscode'],
      // mocha's parallel mode (unused here) resolves its worker files at run time.
      logOverride: { 'require-resolve-not-external': 'silent' } }),
  ]);
} else if (args.has('--bench')) {
  rmSync('dist-bench', { recursive: true, force: true });
  await build({ ...common, entryPoints: walk('bench', /\.bench\.ts$/), outdir: 'dist-bench', outbase: 'bench' });
} else {
  await Promise.all([
    build({ ...shipped, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', external: ['vscode'], banner: { js: '"use strict";var __ibguLoadStart = performance.now();' } }),
    // The language server without keepNames: it made every named closure the linter creates per document or
    // resource (thousands per open of a large file) a call to Object.defineProperty. Only the stack traces in the
    // server's log read those names (they show the minified ones).
    build({ ...shipped, keepNames: false, entryPoints: { server: 'src/server/server.ts' }, outdir: 'dist' }),
    // `ibgu lint --hub` (src/cli/lint-hub.ts, with @kubernetes/client-node) is a bundle of its own that the CLI
    // requires only with --hub: in dist/cli.js it was two thirds of the code that every run compiled
    // (1.6 MB; --help took 69 MB of RSS, 57 MB without it).
    build({ ...shipped, entryPoints: { cli: 'src/cli/bin.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' }, plugins: [...shipped.plugins, lintHubApart] }),
    build({ ...shipped, entryPoints: { 'lint-hub': 'src/cli/lint-hub.ts' }, outdir: 'dist' }),
    build({ ...shipped, entryPoints: { sandbox: 'src/cli/sandbox-main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } }),
    // The hub layer (@kubernetes/client-node, kubeconfig, informers, writes): required by the extension on first use only.
    ...(existsSync('src/hub/bundle.ts') ? [build({ ...shipped, entryPoints: { hub: 'src/hub/bundle.ts' }, outdir: 'dist' })] : []),
    buildWebviews(),
  ]);
  // The rules reference that diagnostics link to (codeDescription), shipped next to the server.
  writeFileSync('dist/rules.md', execFileSync(process.execPath, ['dist/cli.js', 'rules', '--format', 'docs']));
}
