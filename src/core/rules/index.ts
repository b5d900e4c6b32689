import type { BuiltinCheck, Rule, RuleRecord } from './types';
import { builtinChecks } from './builtin';
import { apiVersionRule } from './api-version';
import { schemaRule } from './schema';
import { unknownFieldRule } from './unknown-field';
import { actionNameRule } from './action-name';
import { planCombinationRule } from './plan-combination';
import { clusterSelectorMissingRule } from './cluster-selector-missing';
import { labelSelectorRule } from './label-selector';
import { timeoutNonPositiveRule } from './timeout-nonpositive';
import { timeoutUnitsRule } from './timeout-units';
import { maxConcurrencyRule } from './max-concurrency';
import { nameLengthRule } from './name-length';
import { ibuStageIgnoredRule } from './ibu-stage-ignored';
import { seedRequiredRule } from './seed-image-required';
import { seedVersionRule } from './seed-version-mismatch';
import { configMapRefRule } from './configmap-ref';
import { referenceNameRule } from './reference-name';
import { objectNameRule } from './object-name';
import { configMapMissingRule } from './configmap-missing';
import { extraManifestsOnSpokesRule } from './extra-manifests-on-spokes';
import { planAppendOnlyRule } from './plan-append-only';
import { ibuSpecImmutableRule } from './ibuspec-immutable';
import { selectorsImmutableRule } from './selectors-immutable';
import { selectorsAddedRule } from './selectors-added';
import { ibuSingletonRule } from './ibu-singleton';
import { ibuTransitionRule } from './ibu-transition';
import { filterMixRule } from './backup-filter-mix';
import { veleroFiltersRule } from './velero-filters';
import { backupLvmsRule } from './backup-lvms';
import { restoreLvmsRule } from './restore-lvms';
import { restoreBackupNameRule } from './restore-backup-name';
import { oadpPairingRule } from './oadp-pairing';
import { oadpIgnoredKindRule } from './oadp-ignored-kind';
import { applyWaveRule } from './apply-wave';
import { applyLabelRule } from './apply-label';
import { klusterletIbuRoleRule } from './klusterlet-ibu-role';
import { oadpNamespaceRule } from './oadp-namespace';
import { storageLocationLabelRule } from './storage-location-label';
import { extraManifestKindRule } from './extra-manifest-kind';
import { extraManifestNameRule } from './extra-manifest-name';
import { extraManifestDecodeRule } from './extra-manifest-decode';
import { annotationDomainRule } from './annotation-domain';
// kustomize configMapGenerator
import { generatedNameHashRule } from './generated-name-hash';
import { generatorFileRule } from './generator-file';
// ibgu lint --hub (facts read from the live hub by the CLI)
import { hubConfigMapMissingRule } from './hub-configmap-missing';
import { hubSecretMissingRule } from './hub-secret-missing';

/** Every rule, in the order their findings are best read. */
export const allRules: readonly Rule[] = [
  apiVersionRule,
  schemaRule,
  unknownFieldRule,
  actionNameRule,
  planCombinationRule,
  clusterSelectorMissingRule,
  labelSelectorRule,
  timeoutNonPositiveRule,
  timeoutUnitsRule,
  maxConcurrencyRule,
  nameLengthRule,
  objectNameRule,
  ibuStageIgnoredRule,
  seedRequiredRule,
  seedVersionRule,
  configMapRefRule,
  referenceNameRule,
  configMapMissingRule,
  extraManifestsOnSpokesRule,
  planAppendOnlyRule,
  ibuSpecImmutableRule,
  selectorsImmutableRule,
  selectorsAddedRule,
  ibuSingletonRule,
  ibuTransitionRule,
  filterMixRule,
  veleroFiltersRule,
  backupLvmsRule,
  restoreLvmsRule,
  restoreBackupNameRule,
  oadpPairingRule,
  oadpIgnoredKindRule,
  applyWaveRule,
  applyLabelRule,
  annotationDomainRule,
  klusterletIbuRoleRule,
  oadpNamespaceRule,
  storageLocationLabelRule,
  extraManifestKindRule,
  extraManifestNameRule,
  extraManifestDecodeRule,
  // kustomize configMapGenerator
  generatorFileRule,
  generatedNameHashRule,
  // ibgu lint --hub
  hubConfigMapMissingRule,
  hubSecretMissingRule,
];

export const ruleById = new Map(allRules.map((r) => [r.id, r]));

/** Every check the linter reports under an id: the rules, then the built-in checks. The single source of `ibgu rules` and the rules reference. */
export const registry: readonly RuleRecord[] = [...allRules, ...builtinChecks];

export const recordById: ReadonlyMap<string, RuleRecord> = new Map(registry.map((r) => [r.id, r]));

export function isBuiltin(record: RuleRecord): record is BuiltinCheck {
  return 'builtin' in record;
}

/** The ids of the built-in checks (their severity may be overridden or turned off, like a rule's). */
export const CORE_CHECK_IDS: readonly string[] = builtinChecks.map((c) => c.id);
