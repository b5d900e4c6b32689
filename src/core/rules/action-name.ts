import { nodeEnd, nodeStart } from '../yaml/ast';
import { IBGU_ACTIONS } from '../schema/talm';
import { INVALID_PLAN_MESSAGE, isAction } from '../talm/plan';
import { closest } from '../text/similar';
import { at, defineRule, sameQuoting } from './helpers';
import type { RawFix, Report } from './types';
import { planOf } from './support/plan';

/** Replacement name for an action that is not one: case, typos, and the pre-2024 `Finalize`. */
function actionSuggestions(name: string): string[] {
  if (name.toLowerCase() === 'finalize') return ['FinalizeUpgrade', 'FinalizeRollback'];
  return closest(name, IBGU_ACTIONS);
}

export const actionNameRule = defineRule({
  id: 'ibgu/action-name',
  severity: 'error',
  title: 'Not an IBGU action name (names are case-sensitive)',
  evidence: 'TALM CRD `spec.plan` CEL allow-list compares action names exactly (`pkg/api/imagebasedgroupupgrades/v1alpha1/types.go`)',
  docs: 'The actions are Prep, Upgrade, FinalizeUpgrade, Rollback, FinalizeRollback, Abort and AbortOnFailure, spelt exactly so. Any other string makes the API server reject the plan with "invalid combinations of actions in the plan". `Finalize` was split into FinalizeUpgrade and FinalizeRollback in 2024.',
  appliesTo: ['IBGU'],
  scope: 'document',
  check(resource) {
    const plan = planOf(resource);
    if (!plan) return [];
    const reports: Report[] = [];
    const names = plan.steps.flatMap((s) => s.actions.map((a) => a.value));
    // In a rollback plan the old Finalize means FinalizeRollback.
    const rollingBack = names.includes('Rollback') && !names.includes('Upgrade');
    for (const step of plan.steps) {
      for (const action of step.actions) {
        if (isAction(action.value)) continue;
        const suggestions = actionSuggestions(action.value);
        if (rollingBack && suggestions.includes('FinalizeRollback')) suggestions.sort((a, b) => Number(b === 'FinalizeRollback') - Number(a === 'FinalizeRollback'));
        const legacy = action.value.toLowerCase() === 'finalize' ? ' Finalize was renamed: FinalizeUpgrade after an upgrade, FinalizeRollback after a rollback.' : '';
        const hint = suggestions.length && !legacy ? ` Did you mean ${suggestions.join(' or ')}?` : '';
        const fixes: RawFix[] = suggestions.map((s, i) => ({
          title: `Change to ${s}`,
          edits: [{ start: nodeStart(action.node), end: nodeEnd(action.node), newText: sameQuoting(action.node, s) }],
          preferred: i === 0,
          autofix: suggestions.length === 1,
        }));
        reports.push(at(action.node, `"${action.value}" is not an action (names are case-sensitive), so the API server rejects the plan: ${INVALID_PLAN_MESSAGE}.${hint}${legacy}`, fixes));
      }
    }
    return reports;
  },
});
