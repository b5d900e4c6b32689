/**
 * The hub layer's bundle entry (dist/hub.js): loaded by the extension the first time a hub view opens or a
 * hub command runs, so @kubernetes/client-node costs nothing before. No vscode imports below this point.
 */
export { readKubeconfig, kubeconfigFor, MAX_KUBECONFIG_BYTES, type ReadKubeconfigOptions } from './kubeconfig';
export { HubConnection, FIELD_MANAGER, type HubConnectionOptions } from './connection';
export { HubError, classify, type HubErrorReason, type RequestDescription } from './errors';
export * from './types';
