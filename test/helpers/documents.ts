/** Small documents several tests open or lint, each named by what is wrong with it. */

/** A valid IBGU but for its one action, `prep` (actions are case-sensitive: ibgu/action-name, with a fix to `Prep`). */
export const IBGU_LOWERCASE_ACTION = `apiVersion: lcm.openshift.io/v1alpha1
kind: ImageBasedGroupUpgrade
metadata: {name: u, namespace: ztp}
spec:
  clusterLabelSelectors: [{matchLabels: {wave: "1"}}]
  ibuSpec: {seedImageRef: {image: "quay.io/x/seed:4.17.0", version: "4.17.0"}}
  plan:
    - actions: [prep]
      rolloutStrategy: {maxConcurrency: 5}
`;
