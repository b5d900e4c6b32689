/**
 * Which images `oc adm must-gather` may run, and which need the user to pick them. must-gather runs each
 * image as a privileged pod on the cluster and copies what it writes to the local folder, so an image is
 * only ever pre-chosen when it is the cluster's own LCA image (read from its Deployment) or one the
 * troubleshooting guide documents; any other image a caller asks for is offered, unpicked, and marked.
 */
import { DOCUMENTED_MUST_GATHER_IMAGES, imageReferenceProblem } from './image-ref';

export type MustGatherOrigin = 'lca' | 'documented' | 'requested';

export interface MustGatherCandidate {
  image: string;
  origin: MustGatherOrigin;
  /** For documented images: what the guide says each adds. */
  label?: string;
  detail?: string;
  /** Pre-chosen: only ever the LCA image or a documented one. */
  picked: boolean;
}

export interface MustGatherChoice {
  candidates: MustGatherCandidate[];
  /** Whether the user must pick (nothing was asked for, or an image other than the LCA and documented ones was). */
  needsPicker: boolean;
  /** Without a picker: the images asked for, all of them the LCA image or documented. */
  chosen: string[];
  /** Asked-for images that are not image references at all: never offered. */
  refused: { image: string; problem: string }[];
}

/**
 * The images to offer for a cluster whose LCA image is `lcaImage` (undefined when missing or not a valid
 * reference). `requested`: none (the user picks, LCA's and OADP's pre-picked), 'default' (LCA's and OADP's),
 * or a list (those of them that are the LCA image or documented are chosen; any other sends the user to
 * the picker, where it is offered unpicked).
 */
export function mustGatherChoice(lcaImage: string | undefined, requested?: readonly string[] | 'default'): MustGatherChoice {
  const lca = lcaImage !== undefined && !imageReferenceProblem(lcaImage) ? lcaImage : undefined;
  const known = new Set([...(lca ? [lca] : []), ...DOCUMENTED_MUST_GATHER_IMAGES.map((d) => d.image)]);
  const asked = requested === undefined ? undefined : requested === 'default' ? [...(lca ? [lca] : []), DOCUMENTED_MUST_GATHER_IMAGES[0]!.image] : [...new Set(requested)];
  const isPicked = (image: string, byDefault: boolean) => (asked ? asked.includes(image) : byDefault);
  const candidates: MustGatherCandidate[] = [
    ...(lca ? [{ image: lca, origin: 'lca' as const, picked: isPicked(lca, true) }] : []),
    ...DOCUMENTED_MUST_GATHER_IMAGES.filter((d) => d.image !== lca).map((d, i) => ({ image: d.image, origin: 'documented' as const, label: d.label, detail: d.detail, picked: isPicked(d.image, i === 0) })),
  ];
  const refused: { image: string; problem: string }[] = [];
  for (const image of asked ?? []) {
    if (known.has(image)) continue;
    const problem = imageReferenceProblem(image);
    if (problem) refused.push({ image, problem });
    else candidates.push({ image, origin: 'requested', picked: false });
  }
  const foreign = (asked ?? []).filter((image) => !known.has(image));
  const needsPicker = asked === undefined || asked.length === 0 || foreign.length > 0;
  return { candidates, needsPicker, chosen: needsPicker ? [] : candidates.filter((c) => c.picked).map((c) => c.image), refused };
}

/** A folder name from a cluster name: only letters, digits, `.`, `_`, `-`, never `.` or `..` (a name from a hub cannot climb out of the folder). */
export function safeFolderName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 100);
  return cleaned || '_';
}
