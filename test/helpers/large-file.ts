/**
 * A large multi-document file for stress tests and benchmarks: `count` small Velero Backups, 10 lines each,
 * with four findings each (no storage-location label, outside openshift-adp, a non-integer apply-wave, old and
 * scoped filters mixed). 20,000 of them are 5.0 MB (under the default ibgu.maxFileSizeKb) and 80,000 findings.
 */
export const LINES_PER_BACKUP = 11;
export const FINDINGS_PER_BACKUP = 4;

function backup(n: number): string {
  const name = `app-${String(n).padStart(5, '0')}`;
  return `apiVersion: velero.io/v1
kind: Backup
metadata:
  name: ${name}
  namespace: velero
  annotations: {lca.openshift.io/apply-wave: first}
spec:
  includedNamespaces: [${name}]
  includedResources: [pods]
  includedClusterScopedResources: [nodes]
`;
}

export function backupsFile(count: number): string {
  return Array.from({ length: count }, (_, n) => backup(n)).join('---\n');
}

/** The `metadata.name` line of backup `n`, and its length: an edit that appends there keeps the findings. */
export function nameLine(n: number): { line: number; character: number } {
  return { line: n * LINES_PER_BACKUP + 3, character: '  name: app-00000'.length };
}

/**
 * A didChange that types one character at the end of a Backup's name (a different Backup each time), as
 * incremental LSP content changes. Names grow by a character per edit of the same Backup.
 */
export function nameEdit(uri: string, version: number, count: number, grown: Map<number, number>): object {
  const n = (version * 7919) % count;
  const { line, character } = nameLine(n);
  const at = { line, character: character + (grown.get(n) ?? 0) };
  grown.set(n, (grown.get(n) ?? 0) + 1);
  return { textDocument: { uri, version }, contentChanges: [{ range: { start: at, end: at }, text: 'x' }] };
}
