import { configMapRef, resource } from './meta';
import { any, arr, int, obj, str, strings, type ObjectSchema } from './types';

export const IBU_STAGES = ['Idle', 'Prep', 'Upgrade', 'Rollback'] as const;

/** `ImageBasedUpgradeSpec` as LCA defines it; TALM embeds it as the IBGU's `ibuSpec`. */
export const ibuSpec: ObjectSchema = obj({
  stage: str('Desired stage of the upgrade: Idle, Prep, Upgrade or Rollback. In an IBGU, TALM sets it per action and ignores this value.', { enum: [...IBU_STAGES] }),
  seedImageRef: obj({
    version: str('OpenShift version of the seed image: the version the clusters upgrade to. At Prep, LCA refuses a seed that is not newer than the running version.'),
    image: str('Pull spec of the seed image, built with LCA from a cluster of the same hardware and configuration. LCA pulls it at Prep to set up the new stateroot.', { minLength: 1, pattern: '^([a-z0-9]+://)?[\\S]+$' }),
    pullSecretRef: obj({ name: str('Name of the pull secret, in namespace openshift-lifecycle-agent on the cluster. From an IBGU, TALM copies the Secret of this name in the IBGU\'s namespace on the hub to each cluster along with Prep, when it exists.') }, 'Secret used to pull the seed image; leave it out when the registry needs no credentials.', ['name']),
  }, 'The seed image and its version. Cannot change while an upgrade is in progress (only in Idle, or together with a move to Idle).'),
  oadpContent: arr(configMapRef('OADP'), 'ConfigMaps holding the Velero Backup and Restore CRs that carry application data across the upgrade. At Prep LCA checks that they exist, that each Backup and Restore passes a dry run, that every Restore names a Backup of these ConfigMaps, and that there are as many Restores as Backups. From an IBGU, TALM copies them from the hub (same name and namespace) to each cluster along with Prep.'),
  extraManifests: arr(configMapRef('extra-manifests'), 'ConfigMaps with extra manifests applied to the new stateroot after the pivot, in `lca.openshift.io/apply-wave` order. They must exist on each cluster: TALM does not copy them. LCA dry-runs them at Prep; MachineConfigs, Subscriptions, InstallPlans and ClusterServiceVersions are refused.'),
  autoRollbackOnFailure: obj({
    initMonitorTimeoutSeconds: int('Seconds the post-pivot monitor waits before rolling back automatically; 0 or unset means 1800.', { minimum: 0 }),
  }, 'Automatic rollback settings. Each kind of automatic rollback can also be turned off with an `auto-rollback-on-failure.lca.openshift.io/*` annotation.'),
}, 'The image-based upgrade: desired stage, seed image, OADP content, extra manifests.');

const condition = obj({
  type: str(), status: str(undefined, { enum: ['True', 'False', 'Unknown'] }), reason: str(), message: str(),
  lastTransitionTime: any(), observedGeneration: int(),
});

export const ibuStatus: ObjectSchema = obj({
  observedGeneration: int('The generation of the spec LCA last acted on.'),
  conditions: arr(condition, 'Idle, PrepInProgress, PrepCompleted, UpgradeInProgress, UpgradeCompleted, RollbackInProgress and RollbackCompleted; their reason and message say what LCA is doing or why it failed.'),
  validNextStages: strings('Stages `spec.stage` may be set to next; any other value is rejected. Empty while a stage is in progress that cannot be interrupted.'),
  rollbackAvailabilityExpiration: any('After this time a rollback may no longer work (the old stateroot\'s certificates expire).'),
  history: arr(any(), 'Start and end times of each stage and its phases.'),
});

export const ibuSchema: ObjectSchema = resource(ibuSpec, ibuStatus);
