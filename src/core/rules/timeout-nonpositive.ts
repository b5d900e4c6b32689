import { at, defineRule } from './helpers';
import { strategies } from './support/rollout';

export const timeoutNonPositiveRule = defineRule({
  id: 'ibgu/timeout-nonpositive',
  severity: 'error',
  title: 'A step timeout of 0 or less times out at once',
  evidence: 'TALM CGU controller: `timeout` minutes for the whole step, no minimum in the CRD; 0 or less times out at once',
  docs: 'The CRD has no minimum for `rolloutStrategy.timeout`. With 0 or a negative value the ClusterGroupUpgrade of that step times out immediately and every cluster is reported as failed. The unit is minutes; the default is 240.',
  appliesTo: ['IBGU'],
  scope: 'document',
  check(resource) {
    return strategies(resource)
      .filter((s) => s.timeout && (s.timeout.value as number) <= 0)
      .map((s) => at(s.timeout, `timeout ${s.timeout!.value} makes step ${s.index + 1} time out immediately: every cluster fails with "Action did not successfully complete before the timeout specified in the rolloutStrategy". The unit is minutes (default 240).`, [
        { title: 'Use the default, 240 minutes', edits: [{ start: s.timeout!.range![0], end: s.timeout!.range![1], newText: '240' }], preferred: true },
      ]));
  },
});
