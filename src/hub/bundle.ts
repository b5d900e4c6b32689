/**
 * The entry of dist/hub.js, which the extension requires on first use of a hub feature: the hub layer
 * (kubeconfig, connection, informers, writes; @kubernetes/client-node comes with it), the rollout reducer
 * and tree model, and the core functions the editor-side hub features use.
 */
export * from './index';
export * from './hub-index';
export { reduceRollout, liveFailure, NEVER_STARTED_MESSAGE, type RolloutRelated } from '../core/talm/readback';
export * from './tree-model';
export * from './documents';
export * from './new-ibgu';
export * from './news';
export { EditorHubFacts } from './editor-facts';
export { appendErrors } from '../shared/plan-editor-model';
export { SpokeClient, adminSpokeClient, readAdminKubeconfig, adminKubeconfigSecret, IBU_API, type SpokeSnapshot } from './spoke';
export * from '../core/troubleshoot/index';
export { reduceAdminKubeconfig, adminKubeconfigText, AdminKubeconfigRefused, type AdminKubeconfig } from './admin-kubeconfig';
