import type { BuiltinCheck, Rule, RuleRecord } from './types';
import { builtinChecks } from './builtin';
import { apiVersionRule, schemaRule, unknownFieldRule } from './schema';
import { actionNameRule, planCombinationRule } from './ibgu-plan';
import { clusterSelectorMissingRule, labelSelectorRule } from './ibgu-selectors';
import { ibuStageIgnoredRule, maxConcurrencyRule, nameLengthRule, timeoutNonPositiveRule, timeoutUnitsRule } from './ibgu-rollout';
import { configMapMissingRule, configMapRefRule, extraManifestsOnSpokesRule, seedRequiredRule, seedVersionRule } from './ibu-spec';
import { ibuSpecImmutableRule, planAppendOnlyRule, selectorsImmutableRule } from './ibgu-changes';
import { ibuSingletonRule, ibuTransitionRule } from './ibu';
import { filterMixRule, veleroFiltersRule } from './velero-filters';
import { backupLvmsRule, restoreLvmsRule } from './lvms';
import { applyLabelRule, applyWaveRule, oadpIgnoredKindRule, oadpNamespaceRule, oadpPairingRule, restoreBackupNameRule, storageLocationLabelRule } from './oadp';
import { referenceNameRule } from './references';
import { klusterletIbuRoleRule } from './acm';
import { extraManifestDecodeRule, extraManifestKindRule, extraManifestNameRule } from './extra-manifests';

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
  klusterletIbuRoleRule,
  oadpNamespaceRule,
  storageLocationLabelRule,
  extraManifestKindRule,
  extraManifestNameRule,
  extraManifestDecodeRule,
];

export const ruleById = new Map(allRules.map((r) => [r.id, r]));

/** Every check the linter reports under an id: the rules, then the built-in checks. The single source of `ibgu rules` and the rules reference. */
export const registry: readonly RuleRecord[] = [...allRules, ...builtinChecks];

export const recordById: ReadonlyMap<string, RuleRecord> = new Map(registry.map((r) => [r.id, r]));

export function isBuiltin(record: RuleRecord): record is BuiltinCheck {
  return 'builtin' in record;
}

/** Whether `severities` (`--disable`, `--severity`, the editor's overrides) may name this id. */
export function isConfigurable(id: string): boolean {
  const record = recordById.get(id);
  return !!record && (!isBuiltin(record) || record.configurable);
}

/** The built-in checks whose severity may be overridden or turned off. */
export const CORE_CHECK_IDS: readonly string[] = builtinChecks.filter((c) => c.configurable).map((c) => c.id);
