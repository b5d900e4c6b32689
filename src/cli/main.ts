import { isBuiltin, registry, rulesMarkdown, type RuleRecord } from '../core/index';
import { LINT_HELP, runLint } from './lint';
import { PREVIEW_HELP, runPreview } from './preview';
import { SANDBOX_HELP, runSandbox } from './sandbox';
import { UsageError, type Io } from './io';

declare const IBGU_VERSION: string | undefined;
const VERSION = typeof IBGU_VERSION === 'string' ? IBGU_VERSION : '0.0.0-dev';

const HELP = `Usage: ibgu <command> [options]

Commands:
  lint [paths…]   validate IBGU, IBU, Velero Backup/Restore and OADP / extra-manifests ConfigMaps
  rules           list the rules, their ids and severities (--format json|markdown|docs)
  preview IBGU.yaml --clusters CLUSTERS.yaml   which clusters each plan step selects, batches, worst-case time
  sandbox         run a local hub where simulated TALM and LCA run your IBGUs (--scenario FILE --time-scale S)

ibgu <command> --help shows a command's options. ibgu --version prints the version.`;

/** What `ibgu rules --format json` says of a registry entry. */
function recordJson(r: RuleRecord) {
  const base = { id: r.id, severity: r.severity, title: r.title, docs: r.docs, evidence: r.evidence, ...(r.tags?.length ? { tags: r.tags } : {}) };
  return isBuiltin(r) ? { ...base, builtin: true, appliesTo: [] } : { ...base, scope: r.scope, appliesTo: r.appliesTo };
}

function rules(argv: string[], io: Io): number {
  const format = argv.includes('--format') ? argv[argv.indexOf('--format') + 1] : 'text';
  if (format === 'json') io.out(JSON.stringify(registry.map(recordJson), null, 2) + '\n');
  else if (format === 'markdown') io.out(['| rule | severity | catches | evidence |', '|---|---|---|---|', ...registry.map((r) => `| \`${r.id}\` | ${r.severity} | ${r.title} | ${r.evidence} |`)].join('\n') + '\n');
  else if (format === 'docs') io.out(rulesMarkdown(io.version));
  else if (format === 'text') io.out(registry.map((r) => `${r.id.padEnd(34)} ${r.severity.padEnd(8)} ${r.title}`).join('\n') + '\n');
  else throw new UsageError(`--format must be text, json, markdown or docs`);
  return 0;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.out(HELP + '\n');
      return command ? 0 : 2;
    }
    if (command === '--version' || command === '-v') {
      io.out(VERSION + '\n');
      return 0;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      if (command === 'lint') io.out(LINT_HELP + '\n');
      else if (command === 'preview') io.out(PREVIEW_HELP + '\n');
      else if (command === 'sandbox') io.out(SANDBOX_HELP + '\n');
      else io.out(HELP + '\n');
      return 0;
    }
    if (command === 'lint') return await runLint(rest, io);
    if (command === 'rules') return rules(rest, io);
    if (command === 'preview') return await runPreview(rest, io);
    if (command === 'sandbox') return await runSandbox(rest, io);
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`ibgu: ${error.message}\nRun "ibgu ${command === 'lint' || command === 'preview' ? `${command} ` : ''}--help" for usage.\n`);
      return 2;
    }
    io.err(`ibgu: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

/** The real process's streams, for the `ibgu` binary (src/cli/bin.ts). */
export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    isTty: !!process.stdout.isTTY,
    cwd: process.cwd(),
    version: VERSION,
  };
}

