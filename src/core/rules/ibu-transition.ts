import { pairOf, toPlain } from '../yaml/ast';
import { ibuUpdateViolations, type PlainIbu } from '../lca/ibu';
import { canonical, previousOf } from './support/changes';
import { atKey, defineRule, specOf } from './helpers';

export const ibuTransitionRule = defineRule({
  id: 'ibgu/ibu-transition',
  severity: 'error',
  title: 'A stage change or spec change the stored IBU does not allow',
  evidence: 'LCA CRD CEL rules on stage and spec changes, and `getValidNextStageList` (`controllers/ibu_controller.go`)',
  docs: 'Against the stored IBU and its status, the CRD allows only a stage listed in `status.validNextStages` (or the same stage), and refuses changes to seedImageRef, oadpContent, extraManifests and autoRollbackOnFailure while an upgrade is in progress (unless moving to Idle).',
  appliesTo: ['IBU'],
  scope: 'workspace',
  needs: 'previous',
  check(resource, ctx) {
    const previous = previousOf(resource, ctx);
    if (!previous) return [];
    const old = toPlain(previous.root, previous.yaml.anchors) as PlainIbu;
    const next = toPlain(resource.root, resource.yaml.anchors) as PlainIbu;
    const spec = specOf(resource);
    // Without the field itself, point at the `spec` key rather than the whole spec block.
    const fallback = pairOf(resource.root, 'spec')?.key ?? pairOf(resource.root, 'kind')?.key ?? resource.root;
    return ibuUpdateViolations(old, next, (a, b) => canonical(a) === canonical(b)).map((v) => {
      if (v.field === 'stage') {
        const valid = old.status?.validNextStages;
        const detail = (next.spec?.stage === undefined ? ' spec.stage is not set.' : '')
          + (valid?.length ? ` From ${old.spec?.stage ?? 'no stage'} the valid next stages are ${valid.join(', ')}.` : ' The stored IBU lists no valid next stage.');
        return atKey(spec, 'stage', fallback, `${v.message}.${detail}`);
      }
      return atKey(spec, v.field, fallback, `${v.message}. Move to Idle first (abort or finalize), or keep the stored value.`);
    });
  },
});
