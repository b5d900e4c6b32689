import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { IBGU_TYPE, MANAGED_CLUSTER_TYPE } from '../core/kube/types';
import { clusterFromManagedCluster, MAX_DEPTH, parseFile, previewRollout, rolloutInputFromIbgu, SelectorError, type ParsedFile, type Resource, type RolloutPreview } from '../core/index';
import { decodeText, DEFAULT_MAX_BYTES } from './files';
import { eachArg, UsageError, type Io } from './io';

export const PREVIEW_HELP = `Usage: ibgu preview IBGU.yaml --clusters CLUSTERS.yaml [--format text|json]

Shows what TALM would do with an ImageBasedGroupUpgrade, before it runs: for each plan step, the clusters
it selects and its batches (clusters in name order, maxConcurrency at a time), each batch's share of the
step timeout, and the worst-case duration of the whole plan.

CLUSTERS.yaml is the hub's ManagedClusters, e.g. from: kubectl get managedclusters -o yaml > clusters.yaml
(a kind: List export, or ManagedCluster documents). Their lcm.openshift.io/ibgu-* labels are honoured, so
a plan that resumes or aborts after an earlier IBGU selects what it would on the hub.

The preview assumes every action succeeds; clusters a step would pick up only after a failure are listed
separately, and the worst case counts every step that could select a cluster.

Options:
  --clusters PATH      the ManagedClusters (required)
  --format text|json   output format (default: text)

Exit status: 0 the plan can run, 1 TALM would reject it or wait forever, 2 usage or input problem.`;

interface PreviewArgs {
  ibgu: string;
  clusters: string;
  format: 'text' | 'json';
}

export function parsePreviewArgs(argv: string[]): PreviewArgs {
  const positional: string[] = [];
  let clusters: string | undefined;
  let format: 'text' | 'json' = 'text';
  for (const { arg, flag, value } of eachArg(argv)) {
    if (flag === '--clusters') clusters = value();
    else if (flag === '--format') {
      const v = value();
      if (v !== 'text' && v !== 'json') throw new UsageError(`--format must be text or json, not "${v}"`);
      format = v;
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length === 0) throw new UsageError('name the IBGU file to preview');
  if (positional.length > 1) throw new UsageError(`preview takes one IBGU file, got ${positional.length}: ${positional.join(' ')}`);
  if (!clusters) throw new UsageError('--clusters is required: the ManagedClusters, e.g. from "kubectl get managedclusters -o yaml"');
  return { ibgu: positional[0], clusters, format };
}

/** Reads and parses one YAML file; anything that keeps it from being read is an input error (exit 2). */
async function readYaml(file: string): Promise<ParsedFile> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a YAML file' : (e as Error).message}`);
  }
  const decoded = decodeText(bytes, DEFAULT_MAX_BYTES);
  if (decoded.text === undefined) throw new Error(`${file}: ${decoded.problem!.replace(/; not linted$/, '')}`);
  const parsed = parseFile(file, decoded.text);
  for (const doc of parsed.documents) {
    const problem = doc.problems.find((p) => p.severity === 'error');
    if (problem) {
      const at = parsed.lines.positionAt(problem.start);
      throw new Error(`${file}:${at.line + 1}:${at.character + 1}: not valid YAML: ${problem.message}`);
    }
    if (doc.aliasBomb) throw new Error(`${file}: YAML aliases expand to over ${doc.aliasBomb.expandedNodes.toLocaleString('en-US')} nodes; refusing to read it`);
    if (doc.tooDeep) {
      const at = parsed.lines.positionAt(doc.map.toOuter(doc.tooDeep.start));
      throw new Error(`${file}:${at.line + 1}:${at.character + 1}: mappings and sequences nest deeper than ${MAX_DEPTH} levels; refusing to read it`);
    }
    if (doc.failure) throw new Error(`${file}: an internal error stopped reading it (please report it): ${doc.failure}`);
  }
  return parsed;
}

function kindsOf(parsed: ParsedFile): string {
  const kinds = [...new Set(parsed.resources.map((r) => r.kind))];
  return kinds.length ? `it holds ${kinds.join(', ')}` : 'it holds no Kubernetes object (apiVersion and kind)';
}

const plain = (r: Resource): unknown => (r.root as { toJSON(): unknown }).toJSON();

export async function runPreview(argv: string[], io: Io): Promise<number> {
  const args = parsePreviewArgs(argv);
  const [ibguFile, clustersFile] = await Promise.all([readYaml(args.ibgu), readYaml(args.clusters)]);
  const ibgus = ibguFile.resources.filter((r) => r.type === 'IBGU');
  if (ibgus.length === 0) throw new Error(`${args.ibgu}: no ${IBGU_TYPE.kind} (${IBGU_TYPE.apiVersion}) found; ${kindsOf(ibguFile)}`);
  if (ibgus.length > 1) throw new Error(`${args.ibgu}: ${ibgus.length} ImageBasedGroupUpgrades (${ibgus.map((r) => r.name ?? '?').join(', ')}); preview one at a time`);
  const managed = clustersFile.resources.filter((r) => r.type === 'ManagedCluster');
  if (managed.length === 0) throw new Error(`${args.clusters}: no ${MANAGED_CLUSTER_TYPE.kind} (${MANAGED_CLUSTER_TYPE.apiVersion}) found; ${kindsOf(clustersFile)}. Export them with: kubectl get managedclusters -o yaml`);

  const input = rolloutInputFromIbgu(plain(ibgus[0]));
  let preview: RolloutPreview;
  try {
    preview = previewRollout(input, managed.map((r) => clusterFromManagedCluster(plain(r))));
  } catch (e) {
    if (!(e instanceof SelectorError)) throw e;
    io.err(`ibgu: ${args.ibgu}: ${e.message}. TALM cannot parse this selector: the step reports "Unable to select clusters" and the IBGU waits on it forever.\n`);
    return 1;
  }
  const namespace = ibgus[0].namespace;
  if (args.format === 'json') io.out(JSON.stringify({ version: 1, ibgu: { name: input.name, namespace: namespace ?? null, file: args.ibgu }, ...withoutName(preview) }, null, 2) + '\n');
  else io.out(formatPreviewText(preview, managed.length, path.basename(args.clusters)));
  return preview.problems.length ? 1 : 0;
}

function withoutName(preview: RolloutPreview): Omit<RolloutPreview, 'ibgu'> {
  const { ibgu: _name, ...rest } = preview;
  void _name;
  return rest;
}

/** Minutes as people read a long wait: `480 min (8 h)`, `90 min (1 h 30 min)`. */
export function formatMinutes(minutes: number): string {
  const rounded = Math.round(minutes * 10) / 10;
  if (rounded < 60) return `${rounded} min`;
  const h = Math.floor(rounded / 60);
  const m = Math.round(rounded - h * 60);
  return `${rounded} min (${h} h${m ? ` ${m} min` : ''})`;
}

const list = (names: readonly string[]) => names.join(', ');

export function formatPreviewText(preview: RolloutPreview, clusterCount: number, clustersName: string): string {
  const out: string[] = [];
  out.push(`${preview.ibgu}: ${preview.clusters.length} of ${clusterCount} clusters in ${clustersName} match clusterLabelSelectors${preview.clusters.length ? `: ${list(preview.clusters)}` : ''}`);
  out.push('Assuming every action succeeds; clusters a step selects only after a failure are listed as "if earlier actions fail".');
  for (const step of preview.steps) {
    out.push('');
    out.push(`Step ${step.step} [${step.actions.join(', ')}]  maxConcurrency ${step.maxConcurrency}, timeout ${formatMinutes(step.timeoutMinutes)}  (ClusterGroupUpgrade ${step.clusterGroupUpgrade})`);
    out.push(`  selects ${step.selects}`);
    if (step.batches.length === 0) out.push(step.onFailure.length ? '  no cluster while earlier actions succeed (the step then completes at once)' : '  no cluster: the step completes at once');
    step.batches.forEach((batch, i) => {
      const share = i === 0 ? `${formatMinutes(step.batchTimeoutMinutes)}` : `at least ${formatMinutes(step.batchTimeoutMinutes)}`;
      out.push(`  batch ${i + 1}/${step.batches.length} (${share}): ${list(batch)}`);
    });
    if (step.onFailure.length) out.push(`  if earlier actions fail: ${list(step.onFailure)}`);
    for (const s of step.skipped.filter((x) => !step.onFailure.includes(x.cluster))) out.push(`  skips ${s.cluster}: ${s.reason}`);
  }
  out.push('');
  out.push(`Worst case: ${formatMinutes(preview.worstCaseMinutes)}, every step that can select a cluster running to its timeout.`);
  for (const p of preview.problems) out.push(`problem: ${p}`);
  return out.join('\n') + '\n';
}
