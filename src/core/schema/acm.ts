/**
 * What an ACM hub keeps per managed cluster beyond ManagedClusters and ManifestWorks, as stated by the
 * upstream types: OCM's ManagedClusterAddOn (open-cluster-management-io/api `addon/v1alpha1/
 * types_managedclusteraddon.go`) and the governance framework's Policy (open-cluster-management-io/
 * governance-policy-propagator `api/v1/policy_types.go`; its CRD ships in stolostron/governance-policy-
 * addon-controller `pkg/addon/policyframework/manifests/managedclusterchart/templates/
 * policy.open-cluster-management.io_policies_crd.yaml`). The sandbox serves them for the `fleet: acm`
 * scenario; a policy template's object is kept whole, as upstream keeps it.
 */
import { conditions, resource } from './meta';
import { arr, bool, int, obj, openObj, str, type ObjectSchema } from './types';

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

const configGroupResource = { group: str('API group of the configuration.', { default: '' }), resource: str('Plural resource name of the configuration.') };

export const managedClusterAddOnSpec: ObjectSchema = obj({
  installNamespace: str('Namespace on the managed cluster the add-on agent is installed in.', { maxLength: 63, pattern: DNS_LABEL, default: 'open-cluster-management-agent-addon' }),
  configs: arr(obj({ ...configGroupResource, name: str(), namespace: str() }, undefined, ['resource', 'name']), 'Configurations of this add-on on this cluster, overriding the ClusterManagementAddOn\'s defaults.'),
}, 'How the add-on is installed on the cluster (the add-on manager renders its ManifestWorks from it).');

const configSpecHash = obj({ name: str(), namespace: str(), specHash: str('Hash of the configuration\'s spec.') });

export const managedClusterAddOnStatus: ObjectSchema = obj({
  conditions: conditions('Available, Degraded, Progressing, ManifestApplied, RegistrationApplied, ClusterCertificateRotated, Configured.'),
  relatedObjects: arr(obj({ group: str(), resource: str(), name: str() }, undefined, ['group', 'resource', 'name']), 'Objects the add-on relates to (its ClusterManagementAddOn).'),
  addOnMeta: obj({ displayName: str(), description: str() }, 'How the add-on presents itself.'),
  addOnConfiguration: obj({ crdName: str(), crName: str() }, 'Deprecated: the configuration CRD and object.'),
  supportedConfigs: arr(obj(configGroupResource, undefined, ['resource']), 'Configuration types the add-on accepts.'),
  configReferences: arr(obj({ ...configGroupResource, name: str(), namespace: str(), lastObservedGeneration: int(undefined, { format: 'int64' }), desiredConfig: configSpecHash, lastAppliedConfig: configSpecHash }, undefined, ['resource']), 'Configurations in effect.'),
  namespace: str('Namespace on the managed cluster the agent runs in.'),
  registrations: arr(obj({
    signerName: str('Signer of the agent\'s client certificate.'),
    subject: obj({ user: str(), groups: arr(str()), organizationUnit: arr(str()) }),
  }, undefined, ['signerName']), 'Client certificates the agent registers with the hub.'),
  healthCheck: obj({ mode: str('Lease, Customized or None.', { enum: ['Lease', 'Customized', 'None'], default: 'Lease' }) }, 'How the hub judges the agent\'s health.'),
}, 'What the add-on manager and the agent report.');

export const managedClusterAddOnSchema: ObjectSchema = resource(managedClusterAddOnSpec, managedClusterAddOnStatus);

const compliance = (description: string) => str(description, { enum: ['Compliant', 'Pending', 'NonCompliant', 'Terminating'] });

export const policySpec: ObjectSchema = obj({
  disabled: bool('A disabled policy is not propagated to the clusters.'),
  remediationAction: str('Inform reports, Enforce also changes the cluster; overrides each template\'s own.', { enum: ['Inform', 'inform', 'Enforce', 'enforce'] }),
  'policy-templates': arr(obj({
    // Upstream marks it x-kubernetes-preserve-unknown-fields: a ConfigurationPolicy, OperatorPolicy, … whole.
    objectDefinition: openObj({}, 'The policy engine\'s object (ConfigurationPolicy, CertificatePolicy, OperatorPolicy, …), kept as written.'),
    extraDependencies: arr(openObj({}), 'Objects this template waits for.'),
    ignorePending: bool('Leave this template out of the compliance while its dependencies are pending.'),
  }, undefined, ['objectDefinition']), 'The templates replicated to each selected cluster.'),
  dependencies: arr(openObj({}), 'Objects the policy waits for.'),
  copyPolicyMetadata: bool('Copy the policy\'s labels and annotations into the templates.'),
  hubTemplateOptions: obj({ serviceAccountName: str() }),
}, 'A policy: templates checked (or enforced) on every cluster its placements select.', ['disabled']);

export const policyStatus: ObjectSchema = obj({
  compliant: compliance('The policy\'s compliance: over all clusters for a root policy, on its cluster for a replicated one.'),
  placement: arr(obj({ placementBinding: str(), placementRule: str(), placement: str(), policySet: str(), decisions: arr(openObj({})) }), 'Placements selecting the clusters (root policies).'),
  status: arr(obj({ clustername: str(), clusternamespace: str(), compliant: compliance('Compliance on that cluster.') }), 'Compliance per cluster (root policies).'),
  details: arr(obj({
    compliant: compliance('Compliance of the template.'),
    history: arr(obj({ lastTimestamp: str(undefined, { format: 'date-time' }), message: str(), eventName: str() }), 'The template\'s latest compliance events, newest first.'),
    templateMeta: openObj({}, 'The template\'s metadata (name).'),
  }), 'Compliance per template (replicated policies).'),
}, 'What the propagator and the cluster\'s status sync report.');

export const policySchema: ObjectSchema = resource(policySpec, policyStatus);
