import { getMap, getString, pairOf } from '../yaml/ast';
import { removePair } from '../yaml/edit';
import { atKey, defineRule } from './helpers';

export const ibuStageIgnoredRule = defineRule({
  id: 'ibgu/ibu-stage-ignored',
  severity: 'warning',
  title: 'ibuSpec.stage is ignored in an IBGU',
  evidence: 'TALM `manifestworkreplicaset.go` sets the IBU stage for each action, overwriting `ibuSpec.stage`',
  docs: 'TALM sets the IBU stage itself for every action (Prep, Upgrade, Rollback, or Idle for Abort and Finalize), overwriting `ibuSpec.stage`. Setting it has no effect and suggests a misunderstanding of the plan.',
  appliesTo: ['IBGU'],
  // The API server drops the field: shown faded, like unused code.
  tags: ['unnecessary'],
  scope: 'document',
  check(resource) {
    const ibuSpec = getMap(getMap(resource.root, 'spec', resource.yaml.anchors), 'ibuSpec', resource.yaml.anchors);
    const pair = pairOf(ibuSpec, 'stage');
    if (!pair || !ibuSpec) return [];
    return [atKey(ibuSpec, 'stage', pair.key, `ibuSpec.stage (${getString(ibuSpec, 'stage') ?? 'empty'}) has no effect: TALM sets the stage for each action of the plan.`, [
      { title: 'Remove ibuSpec.stage', edits: [removePair(resource.yaml, ibuSpec, pair)], preferred: true, autofix: true },
    ])];
  },
});
