import { allRules } from './index';
import { MAX_DEPTH } from '../yaml/depth';

/** The HTML anchor of a rule in the rules reference, e.g. `ibgu-plan-combination`. */
export function ruleAnchor(id: string): string {
  return id.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

const CORE_CHECKS: [string, string, string][] = [
  ['ibgu/yaml-syntax', 'error', 'The file is not valid YAML. kubectl, Argo CD and the API server refuse it; the other rules skip a document that does not parse.'],
  ['ibgu/embedded-yaml', 'error', 'A ConfigMap value that should hold manifests is not valid YAML or JSON. LCA fails Prep with "failed to decode" on OADP and extra-manifests ConfigMaps.'],
  ['ibgu/yaml-alias-bomb', 'error', 'Aliases that would expand past 100,000 nodes ("billion laughs"). The document is refused without being expanded.'],
  ['ibgu/yaml-too-deep', 'error', `Mappings and sequences nested more than ${MAX_DEPTH} levels deep (real Kubernetes objects nest fewer than 30). The document is refused at the place it crosses the limit and not validated further; the other documents of the file are.`],
  ['ibgu/internal-error', 'error', 'An internal error of IBGU Tools (a bug: please report it with the detail the message gives). A failing rule is a warning on its document, the others still ran; a file that could not be validated at all is an error on its first line.'],
  ['ibgu/file', 'error', 'The file was not linted: it is binary (a NUL in its first 8 KiB), not UTF-8, or larger than the size limit (`--max-bytes` in the CLI, `ibgu.maxFileSizeKb` in the editor). The editor reports it as information.'],
];

/** The rules reference as Markdown: one section per rule, with a stable anchor for diagnostics to link to. */
export function rulesMarkdown(version: string): string {
  const out = [`# IBGU Tools rules (${version})`, '', 'Every check of the `ibgu` linter and language server. Disable one for a line with `# ibgu-disable-next-line <rule>`, for a file with `# ibgu-disable-file <rule>`.', ''];
  for (const rule of allRules) {
    out.push(`<a id="${ruleAnchor(rule.id)}"></a>`, `## ${rule.id}`, '', `**${rule.severity}** · ${rule.title} · applies to ${rule.appliesTo.join(', ')}`, '', rule.docs, '');
  }
  for (const [id, severity, docs] of CORE_CHECKS) out.push(`<a id="${ruleAnchor(id)}"></a>`, `## ${id}`, '', `**${severity}**`, '', docs, '');
  return out.join('\n');
}
