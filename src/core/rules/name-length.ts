import { getMap, pairOf } from '../yaml/ast';
import { NAME_LENGTH_MESSAGE } from '../schema/talm';
import { planOf } from './support/plan';
import { at, defineRule } from './helpers';

/** Kubernetes limit on a label value; TALM puts derived names into labels. */
const LABEL_VALUE_MAX = 63;

/** `<ibgu>-<lowercased actions joined by ->-<index>`: the ClusterGroupUpgrade TALM creates for a step. */
function cguName(ibgu: string, actions: readonly string[], index: number): string {
  return `${ibgu}-${actions.map((a) => a.toLowerCase()).join('-')}-${index}`;
}

export const nameLengthRule = defineRule({
  id: 'ibgu/name-length',
  severity: 'error',
  title: 'IBGU name too long for the CRD or for the objects TALM derives from it',
  evidence: 'TALM CRD CEL `size(self.metadata.name) < 230`; derived CGU names and the `ibgu` label must fit Kubernetes\' limits',
  docs: 'The CRD rejects IBGU names of 230 characters or more, but much shorter names already fail at run time. TALM labels every ClusterGroupUpgrade it creates with `ibgu: <IBGU name>`, and names each step\'s ClusterGroupUpgrade `<ibgu>-<actions>-<index>` and puts that name in a label of every ManifestWork of the step. Label values are limited to 63 characters, so the API server rejects those objects and the step never runs.',
  appliesTo: ['IBGU'],
  scope: 'document',
  check(resource) {
    const name = resource.name;
    if (name === undefined) return [];
    const metadata = getMap(resource.root, 'metadata', resource.yaml.anchors);
    const node = pairOf(metadata, 'name')?.value;
    if (name.length >= 230) return [at(node, `${NAME_LENGTH_MESSAGE} (this one has ${name.length}).`)];
    if (name.length > LABEL_VALUE_MAX) {
      return [at(node, `The name has ${name.length} characters: TALM labels each ClusterGroupUpgrade it creates with "ibgu: <IBGU name>", and a label value is at most ${LABEL_VALUE_MAX} characters, so no step can start. Shorten the name to ${LABEL_VALUE_MAX} characters or fewer.`)];
    }
    const steps = (planOf(resource)?.steps ?? []).map((s, i) => ({ index: i, cgu: cguName(name, s.actions.map((a) => a.value), i) }));
    const worst = steps.reduce<(typeof steps)[number] | undefined>((a, b) => (b.cgu.length > (a?.cgu.length ?? LABEL_VALUE_MAX) ? b : a), undefined);
    if (!worst) return [];
    const fits = name.length - (worst.cgu.length - LABEL_VALUE_MAX);
    return [at(node, `TALM names the ClusterGroupUpgrade of step ${worst.index + 1} "${worst.cgu}" (${worst.cgu.length} characters) and puts that name in a label of each ManifestWork of the step; a label value is at most ${LABEL_VALUE_MAX} characters, so the ManifestWorks are rejected and the step never runs. Shorten the IBGU name to ${fits} characters or fewer.`)];
  },
});
