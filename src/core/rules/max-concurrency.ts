import { at, defineRule } from './helpers';
import { strategies } from './support/rollout';

export const maxConcurrencyRule = defineRule({
  id: 'ibgu/max-concurrency',
  severity: 'warning',
  title: 'maxConcurrency of 0 or less means one batch of all clusters',
  evidence: 'TALM CGU `validateCR`: maxConcurrency <= 0 means one batch of every selected cluster',
  docs: 'The CRD has no minimum for `maxConcurrency`. TALM treats 0 or a negative value like a value at least the number of clusters: every selected cluster runs the step at once, in one batch.',
  appliesTo: ['IBGU'],
  scope: 'document',
  check(resource) {
    return strategies(resource)
      .filter((s) => s.maxConcurrency && (s.maxConcurrency.value as number) <= 0)
      .map((s) => at(s.maxConcurrency, `maxConcurrency ${s.maxConcurrency!.value} runs step ${s.index + 1} on every selected cluster at once (one batch), not one at a time. Set the batch size you want.`));
  },
});
