/**
 * The names LCA and the OADP operator use on every spoke, each spelled once: the product reads them (the
 * spoke snapshot, diagnose, the cleanup retry), the sandbox creates them, and TALM writes into them.
 */

/** LCA's namespace (its operator bundle), where TALM also moves the seed pull secret at Prep. */
export const LCA_NAMESPACE = 'openshift-lifecycle-agent';
/** LCA's controller Deployment (`bundle/manifests`, `lifecycle-agent-controller-manager`). */
export const LCA_DEPLOYMENT = 'lifecycle-agent-controller-manager';
/** LCA's singleton IBU (LCA `api/imagebasedupgrade/v1/types.go`, CEL `self.metadata.name == 'upgrade'`). */
export const IBU_NAME = 'upgrade';
/** Where the OADP operator runs Velero; LCA applies and reads its Backups and Restores there (`internal/backuprestore`). */
export const OADP_NAMESPACE = 'openshift-adp';
