/** The validation core: no editor, no network. Everything the server, CLI and extension need. */
export { parseFile, parseDocuments, type ParsedFile, type Resource, type ResourceType, type YamlDocument } from './yaml/parse';
export { LineIndex, type Position, type Range } from './yaml/lines';
export { Workspace } from './yaml/workspace';
export { lintFile, lintFileSteps, lintWorkspace, isDocumentScoped, fileFailure, YAML_SYNTAX, EMBEDDED_YAML, ALIAS_BOMB, TOO_DEEP, RULE_FAILURE, CORE_CHECK_IDS, type LintCache } from './lint/lint';
export { MAX_DEPTH } from './yaml/depth';
export { parseIncremental, documentStarts, type IncrementalFile } from './yaml/incremental';
export { applyEdits, applyFixes, autofixEdits, fixFile } from './lint/fix';
export { allRules, ruleById } from './rules/index';
export type { Finding, Fix, LintOptions, LvmsMode, Rule, Severity, TextEdit } from './rules/types';
export { hover, complete, documentSymbols, foldingRanges, type HoverResult, type CompletionItem, type DocSymbol, type FoldingRange } from './service/index';
export { selectorMatches, anySelectorMatches, stepSelectors, stepRequirement, selectForStep, sortClusterNames, SelectorError, type LabelSelector, type SelectorRequirement, type ClusterInfo, type Labels } from './talm/select';
export { batchSize, batches, batchTimeoutMinutes, stepWorstCaseMinutes, labelsAfterStatus, ibguLabels, IBGU_LABEL, CLEANUP_ACTIONS } from './talm/rollout';
export { aggregateClusters, failureMessage, progressingCondition, TIMEOUT_FAILURE_MESSAGE, type ActionMessage, type ClusterStatus, type Feedback, type StepClusterResult, type StepOutcome, type ProgressingCondition } from './talm/status';
export { previewRollout, afterStep, clusterGroupUpgradeName, rolloutInputFromIbgu, clusterFromManagedCluster, type PlanStep, type RolloutInput, type RolloutPreview, type StepPreview, type SkippedCluster, type ClusterTrack } from './talm/preview';
export { validNextStages, nextStatus, inProgressStage, isAfterPivot, setCondition, manualCleanupApplies, retryCleanup, cleanupFailedMessage, MANUAL_CLEANUP_ANNOTATION, IBU_STAGES, type IbuStage, type IbuObject, type IbuCondition, type IbuEvent } from './lca/stages';
export { ibguCelViolations, withIbguDefaults, celEqual, APPEND_ONLY_MESSAGE, IBU_SPEC_IMMUTABLE_MESSAGE, SELECTORS_IMMUTABLE_MESSAGE, type CelViolation } from './talm/cel';
export { lintPlanText, nextPlanSteps, nextPlanStepsNearest, planStepJsonSchema, DEFAULT_TIMEOUT_MINUTES, MAX_PLAN_STEPS, formatPlan, type Plan, type PlanTextFinding, type PlanTextLint, type PlanTextStep } from './service/plan-append';
