import { isBuiltin, registry } from './index';

/** The HTML anchor of a rule in the rules reference, e.g. `ibgu-plan-combination`. */
export function ruleAnchor(id: string): string {
  return id.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

/** The rules reference as Markdown, from the registry only: one section per entry, with a stable anchor for diagnostics to link to. */
export function rulesMarkdown(version: string): string {
  const out = [`# IBGU Tools rules (${version})`, '', 'Every check of the `ibgu` linter and language server. Disable one for a line with `# ibgu-disable-next-line <rule>`, for a file with `# ibgu-disable-file <rule>`.', ''];
  for (const record of registry) {
    const what = isBuiltin(record) ? 'built-in check' : `applies to ${record.appliesTo.join(', ')}`;
    out.push(`<a id="${ruleAnchor(record.id)}"></a>`, `## ${record.id}`, '', `**${record.severity}** · ${record.title} · ${what}`, '', record.docs, '', `Evidence: ${record.evidence}`, '');
  }
  return out.join('\n');
}
