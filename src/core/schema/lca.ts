import { configMapRef, resource } from './meta';
import { any, arr, int, obj, str, strings, type ObjectSchema } from './types';

export const IBU_STAGES = ['Idle', 'Prep', 'Upgrade', 'Rollback'] as const;

/** `ImageBasedUpgradeSpec` as LCA defines it; TALM embeds it as the IBGU's `ibuSpec`. */
export const ibuSpec: ObjectSchema = obj({
  stage: str('Desired stage of the upgrade: Idle, Prep, Upgrade or Rollback. In an IBGU, TALM sets it per action and ignores this value.', { enum: [...IBU_STAGES] }),
  seedImageRef: obj({
    version: str('OpenShift version of the seed image; the target version of the upgrade.'),
    image: str('Pull spec of the seed image.', { minLength: 1, pattern: '^([a-z0-9]+://)?[\\S]+$' }),
    pullSecretRef: obj({ name: str('Name of the pull secret (namespace openshift-lifecycle-agent on the cluster).') }, 'Secret used to pull the seed image.', ['name']),
  }, 'The seed image and its version.'),
  oadpContent: arr(configMapRef('OADP'), 'ConfigMaps holding the Velero Backup and Restore CRs that carry application data across the upgrade.'),
  extraManifests: arr(configMapRef('extra-manifests'), 'ConfigMaps with extra manifests applied to the new stateroot after the pivot. They must exist on each cluster: TALM does not copy them.'),
  autoRollbackOnFailure: obj({
    initMonitorTimeoutSeconds: int('Seconds the post-pivot monitor waits before rolling back automatically; 0 or unset means 1800.', { minimum: 0 }),
  }, 'Automatic rollback settings.'),
}, 'The image-based upgrade: seed image, OADP content, extra manifests.');

const condition = obj({
  type: str(), status: str(undefined, { enum: ['True', 'False', 'Unknown'] }), reason: str(), message: str(),
  lastTransitionTime: any(), observedGeneration: int(),
});

export const ibuStatus: ObjectSchema = obj({
  observedGeneration: int(),
  conditions: arr(condition),
  validNextStages: strings('Stages the IBU may move to next.'),
  rollbackAvailabilityExpiration: any(),
  history: arr(any()),
});

export const ibuSchema: ObjectSchema = resource(ibuSpec, ibuStatus);
