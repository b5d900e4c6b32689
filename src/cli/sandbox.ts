/** `ibgu sandbox`: runs the sandbox hub in the foreground until SIGINT/SIGTERM. */
import { startSandbox } from '../sandbox/index';
import { eachArg, UsageError, type Io } from './io';

export const SANDBOX_HELP = `Usage: ibgu sandbox [--clusters N] [--kubeconfig PATH] [--port P] [--verbose]

Runs a local Kubernetes-API-compatible hub with simulated ManagedClusters, for trying IBGU Tools without a
cluster. It writes a kubeconfig (the token in it is valid until the sandbox stops) and serves until Ctrl+C.

Options:
  --clusters N       simulated ManagedClusters sno-0001… (default 3)
  --kubeconfig PATH  where to write the kubeconfig (default: a new temporary directory)
  --port P           port on 127.0.0.1 (default: a free port)
  --verbose          log every request (method, path, status)`;

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}`);
  return value;
}

function parse(argv: string[]): { clusters?: number; port?: number; kubeconfigPath?: string; verbose: boolean } {
  const out: { clusters?: number; port?: number; kubeconfigPath?: string; verbose: boolean } = { verbose: false };
  for (const { arg, flag, value } of eachArg(argv)) {
    if (flag === '--clusters') out.clusters = integer(flag, value(), 0, 10_000);
    else if (flag === '--port') out.port = integer(flag, value(), 0, 65_535);
    else if (flag === '--kubeconfig') out.kubeconfigPath = value();
    else if (arg === '--verbose') out.verbose = true;
    else throw new UsageError(`unknown option "${arg}"`);
  }
  return out;
}

/** Resolves with the exit status once the sandbox has stopped after a signal. */
export async function runSandbox(argv: string[], io: Pick<Io, 'out' | 'err'>): Promise<number> {
  let options;
  try {
    options = parse(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`ibgu: ${error.message}\nRun "ibgu sandbox --help" for usage.\n`);
      return 2;
    }
    throw error;
  }
  const sandbox = await startSandbox({ ...options, log: options.verbose ? (line) => io.err(line + '\n') : undefined });
  const clusters = options.clusters ?? 3;
  io.out(`${sandbox.kubeconfigPath}\n`);
  io.out(`ibgu sandbox: hub at ${sandbox.url} with ${clusters} managed cluster${clusters === 1 ? '' : 's'}; export KUBECONFIG=${sandbox.kubeconfigPath} (Ctrl+C stops it)\n`);
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void sandbox.stop().then(() => {
        io.err(`ibgu sandbox: stopped (${signal})\n`);
        resolve(0);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
