import type { Rule } from './types';
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
