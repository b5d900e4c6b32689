/**
 * TALM's wire vocabulary: the labels, annotations, names, feedback rules and messages TALM writes for an
 * IBGU, each spelled once and byte for byte as upstream writes it. Paths are in
 * openshift-kni/cluster-group-upgrades-operator unless they say otherwise. The API types themselves
 * (groups, versions, kinds) are in ../kube/types.
 */

// ---- labels ------------------------------------------------------------------------------------------

/** On each CGU of an IBGU, value = the IBGU's name (`controllers/utils/manifestworkreplicaset.go`, `GenerateClusterGroupUpgradeForPlanItem`). */
export const IBGU_OWNER_LABEL = 'ibgu';
/** On each ManifestWork TALM creates, value = its CGU's name (`controllers/utils/manifestwork.go`, `CreateManifestWorkForCluster`; `main.go` caches only these). */
export const CGU_LABEL = 'openshift-cluster-group-upgrades/clusterGroupUpgrade';
/** On each ManifestWork TALM creates, value = its CGU's namespace (same writer). */
export const CGU_NAMESPACE_LABEL = 'openshift-cluster-group-upgrades/clusterGroupUpgradeNamespace';

/**
 * A ManagedCluster's stage label, e.g. `lcm.openshift.io/ibgu-prep-completed`, value always "": templates
 * `lcm.openshift.io/ibgu-%s-completed` / `-failed` with the lowercased action (`controllers/utils/constants.go`).
 */
export function stageLabel(action: string, outcome: 'completed' | 'failed'): string {
  return `${IBGU_LABEL_PREFIX}${action.toLowerCase()}-${outcome}`;
}

/** What every stage label starts with. */
export const IBGU_LABEL_PREFIX = 'lcm.openshift.io/ibgu-';

/** Every stage label: the pattern `ensureClusterLabels` removes by (`controllers/imagebasedgroupupgrade.go`). */
export const IBGU_LABEL = /^lcm\.openshift\.io\/ibgu-[a-zA-Z]+-(completed|failed)$/;

/** On the ClusterRole in every template, so the klusterlet's work role aggregates it (`manifestworkreplicaset.go`). */
export const AGGREGATE_TO_WORK_LABEL = 'open-cluster-management.io/aggregate-to-work';

// ---- annotations -------------------------------------------------------------------------------------

/** On each template and ManifestWork: the feedback value that means done, as JSON (`manifestworkreplicaset.go`, read by `utils.IsManifestWorkCompleted`). */
export const EXPECTED_VALUES_ANNOTATION = 'openshift-cluster-group-upgrades/expectedValues';
/** Copied from the IBGU to its CGUs; the ManifestWork name suffix instead of a random one (`utils.NewSafeResourceName`). */
export const NAME_SUFFIX_ANNOTATION = 'cluster-group-upgrades-operator/name-suffix';
/** Added to a ManagedCluster before an Upgrade step and removed after it (the CGU's `actions`, `GenerateClusterGroupUpgradeForPlanItem`). */
export const DISABLE_AUTO_IMPORT_ANNOTATION = 'import.open-cluster-management.io/disable-auto-import';
/** IBGU annotations whose key contains this are copied onto the IBU (`createIBU`, const `LcaAnnotationSuffix`). */
export const LCA_ANNOTATION_MARK = 'lca.openshift.io';

// ---- names -------------------------------------------------------------------------------------------

/** A step's CGU: `<ibgu>-<lowercased actions joined by "-">-<plan index>` (`GenerateClusterGroupUpgradeForPlanItem`). */
export function clusterGroupUpgradeName(ibguName: string, actions: readonly string[], index: number): string {
  return `${ibguName}-${actions.map((a) => a.toLowerCase()).join('-')}-${index}`;
}

/** An action's template (ManifestWorkReplicaSet): `lowercase(<ibgu>-<Action>)`, shared by steps with the same action. */
export function manifestWorkReplicaSetName(ibguName: string, action: string): string {
  return `${ibguName}-${action}`.toLowerCase();
}

/** `utils.GetSafeResourceName`: at most 253 characters, without a trailing `-` or `.`. */
export function safeResourceName(name: string): string {
  return name.length > 253 ? name.slice(0, 253).replace(/[-.]+$/, '') : name;
}

/** The key of a template's ManifestWork name in the CGU's `status.safeResourceNames`: `/<namespace>.<template>`. */
export function safeResourceNameKey(cguNamespace: string, template: string): string {
  return `/${cguNamespace}.${template}`;
}

/** The ManifestWork TALM names for a template: `<namespace>.<template>-<suffix>`, made safe (`utils.CreateManifestWorkForCluster`). */
export function manifestWorkName(cguNamespace: string, template: string, suffix: string): string {
  return safeResourceName(`${cguNamespace}.${template}-${suffix}`);
}

/** The ClusterRole in every template (`manifestworkreplicaset.go`). */
export const IBU_ROLE_NAME = 'open-cluster-management:klusterlet-work:ibu-role';

/**
 * The action a ManifestWork template name stands for: its last `-` token, without case (`syncStatusWithCGUs`),
 * among the actions TALM has a template for (ACTION_FEEDBACK's keys: the CRD's seven actions, which
 * test/core/talm/wire.test.ts holds equal). Not read from the schema, so that the webview pages that use the
 * vocabulary do not bundle the CRD schemas.
 */
export function actionOfTemplate(name: string): string | undefined {
  const token = name.slice(name.lastIndexOf('-') + 1).toLowerCase();
  return Object.keys(ACTION_FEEDBACK).find((a) => a.toLowerCase() === token);
}

// ---- ManifestWork status feedback --------------------------------------------------------------------

/** A feedback `fieldValue` as TALM renders it for comparison and messages: String, Boolean, Integer or JsonRaw as text. */
export function fieldValueText(v: any): string {
  if (!v) return '';
  switch (v.type) {
    case 'Boolean': return String(v.boolean);
    case 'Integer': return String(v.integer);
    case 'JsonRaw': return String(v.jsonRaw);
    default: return String(v.string ?? '');
  }
}

/** What a template asks of the IBU for one action: the stage, the feedback value that means done, and the feedback rules. */
export interface ActionFeedback {
  stage: 'Prep' | 'Upgrade' | 'Rollback' | 'Idle';
  /** The feedback name whose value must be "True" (`expectedValues`). */
  done: string;
  /** `[name, JSONPath]` of the template's feedback rules, in upstream order. */
  feedback: [string, string][];
}

/** The feedback TALM reads for each action (`manifestworkreplicaset.go`). */
export const ACTION_FEEDBACK: Readonly<Record<string, ActionFeedback>> = (() => {
  const cond = (type: string, field: string) => `.status.conditions[?(@.type=="${type}")].${field}`;
  const stageOf = (s: 'Prep' | 'Upgrade' | 'Rollback'): ActionFeedback => ({
    stage: s,
    done: `is${s}Completed`,
    // The stray quote after the in-progress message path is upstream's, kept verbatim: that value never resolves.
    feedback: [
      [`is${s}Completed`, cond(`${s}Completed`, 'status')],
      [`${s.toLowerCase()}InProgressConditionMessage`, cond(`${s}InProgress`, "message'")],
      [`${s.toLowerCase()}CompletedConditionMessages`, cond(`${s}Completed`, 'message')],
    ],
  });
  const idle: ActionFeedback = {
    stage: 'Idle',
    done: 'isIdle',
    feedback: [
      ['isIdle', cond('Idle', 'status')],
      ['idleConditionReason', cond('Idle', "reason'")],
      ['idleConditionMessages', cond('Idle', 'message')],
    ],
  };
  return { Prep: stageOf('Prep'), Upgrade: stageOf('Upgrade'), Rollback: stageOf('Rollback'), Abort: idle, AbortOnFailure: idle, FinalizeUpgrade: idle, FinalizeRollback: idle };
})();

// ---- messages ----------------------------------------------------------------------------------------

/** A CGU whose every cluster completed (`controllers/clustergroupupgrade_controller.go`). */
export const CGU_SUCCEEDED_MESSAGE = 'All manifestworks rolled out successfully on all clusters';
/** A CGU past its step timeout (same controller). */
export const CGU_TIMED_OUT_MESSAGE = 'Manifestwork rollout took too long';
/** A CGU that selected no cluster, done at once (same controller). */
export const CGU_NO_CLUSTERS_MESSAGE = 'All clusters already compliant with the specified managed policies';
/** `ClustersSelected=False/ClusterNotFound`, followed by the reason (same controller). */
export const CGU_NOT_FOUND_PREFIX = 'Unable to select clusters: cannot obtain all the details about the clusters in the CR: ';
/** Why a CGU without selectors selects nothing (follows CGU_NOT_FOUND_PREFIX). */
export const CGU_NO_CLUSTER_SPECIFIED = 'no cluster specified for remediation';
export const CGU_CLUSTERS_SELECTED_MESSAGE = 'All selected clusters are valid';
export const CGU_VALIDATED_MESSAGE = 'Completed validation';
export const CGU_IN_PROGRESS_MESSAGE = 'Rolling out manifestworks';

/** TALM's failed-action text when no feedback explains a failure (`syncStatusWithCGUs`). */
export const TIMEOUT_FAILURE_MESSAGE = 'Action did not successfully complete before the timeout specified in the rolloutStrategy';

/** The IBGU's Progressing message while plan step `index` (0-based, as TALM prints it) has not finished (`ensureManifests`). */
export function waitingForStepMessage(index: number): string {
  return `Waiting for plan step ${index} to be completed`;
}
/** The IBGU's Progressing message once every step has finished (`ensureManifests`). */
export const ALL_STEPS_COMPLETED_MESSAGE = 'All plan steps are completed';
