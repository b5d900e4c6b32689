import { at, defineRule } from './helpers';
import type { Report } from './types';
import { strategies } from './support/rollout';

/** A day in minutes: timeouts at or past it that are whole minutes in seconds were most likely meant as seconds. */
const SECONDS_LIKE = 1440;

export const timeoutUnitsRule = defineRule({
  id: 'ibgu/timeout-units',
  severity: 'warning',
  title: 'A timeout that looks like seconds (the unit is minutes)',
  evidence: 'TALM CGU controller: `time.Duration(timeout) * time.Minute` for the whole step, divided among batches (`utils.CalculateBatchTimeout`)',
  docs: '`rolloutStrategy.timeout` is in minutes and covers the whole step, across all its batches. A value of a day or more that is a whole number of minutes in seconds (3600, 7200…) was usually meant as seconds; whole days in minutes (1440, 2880) are taken as meant. If it really is minutes, suppress this with `# ibgu-disable-next-line ibgu/timeout-units`.',
  appliesTo: ['IBGU'],
  scope: 'document',
  check(resource) {
    const reports: Report[] = [];
    for (const s of strategies(resource)) {
      const value = s.timeout?.value as number | undefined;
      if (value === undefined || value < SECONDS_LIKE || value % 60 !== 0) continue;
      // Whole days in minutes (1440, 2880) are deliberate; a day in seconds (86400) is not.
      if (value % SECONDS_LIKE === 0 && value < SECONDS_LIKE * 60) continue;
      const hours = value / 60;
      reports.push(at(s.timeout, `timeout ${value} is in minutes: ${hours} hours for step ${s.index + 1}. If you meant ${value} seconds, write ${value / 60}.`, [
        { title: `Convert ${value} seconds to ${value / 60} minutes`, edits: [{ start: s.timeout!.range![0], end: s.timeout!.range![1], newText: String(value / 60) }], preferred: true },
      ]));
    }
    return reports;
  },
});
