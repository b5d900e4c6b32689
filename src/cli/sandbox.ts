/** `ibgu sandbox`: runs the sandbox hub in the foreground until SIGINT/SIGTERM. */
import { defaultScenario, DEFAULT_TIME_SCALE, parseFleet, readScenarioFile, ScenarioError, startSandbox, type Fleet, type KubeObject, type Scenario } from '../sandbox/index';
import { eachArg, UsageError, type Io } from './io';

export const SANDBOX_HELP = `Usage: ibgu sandbox [--clusters N] [--scenario FILE] [--fleet acm] [--time-scale S] [--kubeconfig PATH] [--port P] [--verbose]

Runs a local hub for trying IBGU Tools without a cluster: a Kubernetes-API-compatible server with simulated
single-node ManagedClusters, TALM running ImageBasedGroupUpgrades through ClusterGroupUpgrades and
ManifestWorks, and per cluster an API endpoint where LCA moves the IBU through its stages. It writes a
kubeconfig (the token in it is valid until the sandbox stops) and serves until Ctrl+C.

Options:
  --clusters N       simulated ManagedClusters sno-0001… (default 3, or the scenario's count)
  --scenario FILE    clusters, labels, stage durations, faults, and manifests for the hub (see
                     examples/sandbox/)
  --fleet acm        also seed what an ACM hub keeps per cluster: add-on ManifestWorks and
                     ManagedClusterAddOns, replicated ZTP policies, ZTP's day-0 ClusterGroupUpgrades, the
                     ManagedClusters' full status (the scenario's \`fleet\`; hundreds of KB per cluster)
  --time-scale S     wall seconds per minute of TALM/LCA time (default ${DEFAULT_TIME_SCALE}; 0.05 runs a 40-minute
                     upgrade in 2 s)
  --kubeconfig PATH  where to write the kubeconfig (default: a new temporary directory, removed on stop)
  --port P           port on 127.0.0.1 (default: a free port)
  --verbose          log every request and controller step`;

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}`);
  return value;
}

interface Options { clusters?: number; port?: number; kubeconfigPath?: string; scenarioPath?: string; fleet?: Fleet; timeScale?: number; verbose: boolean }

function parse(argv: string[]): Options {
  const out: Options = { verbose: false };
  for (const { arg, flag, value } of eachArg(argv)) {
    if (flag === '--clusters') out.clusters = integer(flag, value(), 0, 10_000);
    else if (flag === '--scenario') out.scenarioPath = value();
    else if (flag === '--fleet') {
      try {
        out.fleet = parseFleet(value(), '--fleet');
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }
    else if (flag === '--time-scale') {
      const text = value();
      const scale = Number(text);
      if (!Number.isFinite(scale) || scale <= 0 || scale > 3600) throw new UsageError(`--time-scale must be a number of seconds above 0 and at most 3600, not "${text}"`);
      out.timeScale = scale;
    }
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
  let scenario: Scenario | undefined;
  let hubObjects: KubeObject[] = [];
  if (options.scenarioPath) {
    try {
      ({ scenario, hubObjects } = readScenarioFile(options.scenarioPath));
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      io.err(`ibgu: cannot use the scenario ${options.scenarioPath}: ${why}\n`);
      return 2;
    }
  }
  if (options.fleet) scenario = { ...(scenario ?? defaultScenario(options.clusters ?? 3)), fleet: options.fleet };
  const { scenarioPath: _s, verbose: _v, fleet: _f, ...rest } = options;
  let sandbox;
  try {
    sandbox = await startSandbox({ ...rest, ...(scenario ? { scenario } : {}), hubObjects, log: options.verbose ? (line) => io.err(line + '\n') : undefined });
  } catch (error) {
    // A sandbox that cannot start (its kubeconfig path refused, its port taken) says why, with no stack.
    if (error instanceof ScenarioError) io.err(`ibgu: cannot use the scenario ${options.scenarioPath}: ${error.message}\n`);
    else io.err(`ibgu: the sandbox did not start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const clusters = sandbox.scenario.clusters.length;
  const faults = sandbox.scenario.clusters.filter((c) => c.faults.length).length;
  const scale = options.timeScale ?? DEFAULT_TIME_SCALE;
  io.out(`${sandbox.kubeconfigPath}\n`);
  const extra = hubObjects.length ? `, ${hubObjects.length} object${hubObjects.length === 1 ? '' : 's'} from the scenario's hubManifests` : '';
  io.out(`ibgu sandbox: hub at ${sandbox.url} with ${clusters} managed cluster${clusters === 1 ? '' : 's'}${sandbox.scenario.fleet === 'acm' ? ' (an ACM fleet: add-ons, policies, ZTP CGUs)' : ''}${faults ? ` (${faults} with faults)` : ''}${extra}, ${scale} s per TALM/LCA minute; export KUBECONFIG=${sandbox.kubeconfigPath} (Ctrl+C stops it)\n`);
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
