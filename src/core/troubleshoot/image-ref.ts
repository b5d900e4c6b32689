/**
 * Container image references for `oc adm must-gather --image=…`: a strict check, so that a value read from
 * a cluster or typed by a user can only ever be an image, never an option or a shell fragment.
 */

const MAX_LENGTH = 512;
/** A registry host: DNS labels, or `localhost`, with an optional port. */
const REGISTRY = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?$/;
/** One path component, as the distribution reference grammar has it: lowercase alphanumerics joined by `.`, `_`, `__` or dashes. */
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const SHELL = /[$`;&|<>(){}\\'"*?!~#[\]]/;

/** Whether the first component names a registry rather than a repository path (it has a dot, a port, or is localhost). */
const isRegistry = (first: string) => first.includes('.') || first.includes(':') || first === 'localhost';

/**
 * A strict container image reference: [registry[:port]/]path[:tag][@sha256:64hex], lowercase path
 * components, no whitespace, no shell metacharacters, no leading '-', ≤ 512 chars. Returns undefined when
 * valid, else why not (a short phrase).
 */
export function imageReferenceProblem(ref: string): string | undefined {
  if (ref.length === 0) return 'the image reference is empty';
  if (ref.length > MAX_LENGTH) return `longer than ${MAX_LENGTH} characters`;
  if (ref.startsWith('-')) return 'starts with "-", which oc would read as an option';
  if (/\s/.test(ref)) return 'contains whitespace';
  const shell = SHELL.exec(ref);
  if (shell) return `contains the shell metacharacter "${shell[0]}"`;
  let rest = ref;
  const at = rest.indexOf('@');
  if (at !== -1) {
    if (!DIGEST.test(rest.slice(at + 1))) return 'the digest must be sha256: followed by 64 lowercase hex digits';
    rest = rest.slice(0, at);
  }
  const parts = rest.split('/');
  if (parts.length > 1 && isRegistry(parts[0])) {
    if (!REGISTRY.test(parts.shift()!)) return `"${ref.split('/')[0]}" is not a valid registry host[:port]`;
  }
  const last = parts[parts.length - 1];
  const colon = last.indexOf(':');
  if (colon !== -1) {
    if (!TAG.test(last.slice(colon + 1))) return 'the tag must be 1–128 letters, digits, "_", "." or "-" (not starting with "." or "-")';
    parts[parts.length - 1] = last.slice(0, colon);
  }
  for (const component of parts) {
    if (component === '') return 'a path component is empty';
    if (component !== component.toLowerCase()) return 'the repository path must be lowercase';
    if (!COMPONENT.test(component)) return `"${component}" is not a valid path component`;
  }
  return undefined;
}

/** The documented must-gather images besides LCA's own, with what each adds. */
export const DOCUMENTED_MUST_GATHER_IMAGES: readonly { image: string; label: string; detail: string }[] = [
  { image: 'quay.io/konveyor/oadp-must-gather:latest', label: 'OADP', detail: 'Velero Backups, Restores, BackupStorageLocations and OADP operator logs' },
  { image: 'quay.io/openshift/origin-must-gather:latest', label: 'OpenShift (SR-IOV)', detail: 'the general OpenShift data the guide adds for the SR-IOV Operator' },
];

/**
 * The `oc` argument array (no shell) for `oc adm must-gather`: one `--image=` per image, duplicates
 * dropped. Throws when the directory is empty or any image has a problem: nothing half-checked is run.
 */
export function mustGatherArgs(destDir: string, images: readonly string[]): string[] {
  if (destDir.trim() === '' || /[\r\n\0]/.test(destDir)) throw new Error('must-gather needs a destination directory (one line, not empty)');
  if (images.length === 0) throw new Error('must-gather needs at least one image');
  for (const image of images) {
    const problem = imageReferenceProblem(image);
    if (problem) throw new Error(`refusing must-gather image ${JSON.stringify(image.slice(0, 80))}: ${problem}`);
  }
  return ['adm', 'must-gather', `--dest-dir=${destDir}`, ...[...new Set(images)].map((image) => `--image=${image}`)];
}
