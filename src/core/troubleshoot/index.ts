/** The troubleshooting guide as pure functions: diagnose a cluster, retry cleanup, must-gather, repair labels, plan the recovery. */
export { imageReferenceProblem, mustGatherArgs, DOCUMENTED_MUST_GATHER_IMAGES } from './image-ref';
export { mustGatherChoice, safeFolderName, type MustGatherCandidate, type MustGatherChoice, type MustGatherOrigin } from './must-gather';
export { cleanupAdvice, manualCleanupPatch, cleanupOutcome, type CleanupAdvice, type CleanupFailure, type CleanupState } from './cleanup';
export { proposeLabelRepair, labelRepairPatch, talmRunningStep, talmRunningMessage, type LabelRepair, type ClusterActions, type TalmRunningStep } from './labels';
export { planRecovery, type RecoveryProposal, type SpokeIbus } from './recovery';
export { diagnoseCluster, diagnoseMarkdown, GUIDE, type DiagnoseInput, type DiagnoseFinding, type FixCommand } from './diagnose';
export { markdownText, markdownCode, markdownQuote, markdownCell, markdownLink, commandUri } from '../text/markdown';
