/**
 * How our UI names plan steps and shows TALM's own words, shared by the hub tree and the rollout dashboard
 * so both tell the same story. Steps are numbered from 1 for people ("Step 1: Prep"); TALM's IBGU
 * Progressing message counts from 0 ("Waiting for plan step 0 to be completed", upstream-facts §1.6), so
 * its text is never shown bare beside ours: it is translated to our numbering, with TALM's exact words
 * kept in quotes after it (what `oc get ibgu -o yaml` shows, to search and to quote in a support case).
 */

/** "Step 1: Prep, Upgrade" for the plan step at 0-based `index`. */
export function stepTitle(index: number, actions: readonly string[]): string {
  return `Step ${index + 1}: ${actions.join(', ') || '(no actions)'}`;
}

/** TALM's text marked as TALM's: `TALM: "…"`. */
export function quoteTalm(message: string): string {
  return `TALM: "${message}"`;
}

const WAITING_FOR_STEP = /^Waiting for plan step (\d+) to be completed$/;

/**
 * The IBGU's Progressing message in our words, then TALM's quoted:
 * `Waiting for Step 1: Prep — TALM: "Waiting for plan step 0 to be completed"`. A message we do not know
 * is only quoted.
 */
export function progressingText(message: string, plan: readonly (readonly string[])[]): string {
  const m = WAITING_FOR_STEP.exec(message.trim());
  if (m) {
    const index = Number(m[1]);
    const actions = plan[index];
    if (actions) return `Waiting for ${stepTitle(index, actions)} — ${quoteTalm(message)}`;
  }
  if (message.trim() === 'All plan steps are completed') return `All steps completed — ${quoteTalm(message)}`;
  return quoteTalm(message);
}
