/** Kubernetes label syntax (apimachinery `IsQualifiedName` / `IsValidLabelValue`), as pure checks. */

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why a label key is invalid, or undefined when it is valid. */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'a label key has at most one "/" (prefix/name)';
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0) return 'the prefix before "/" is empty';
    if (prefix.length > 253) return 'the prefix is longer than 253 characters';
    if (!DNS_SUBDOMAIN.test(prefix)) return `the prefix "${prefix}" must be a lowercase DNS subdomain`;
  }
  if (name.length === 0) return 'the name part is empty';
  if (name.length > 63) return 'the name part is longer than 63 characters';
  if (!NAME.test(name)) return 'the name part must start and end with a letter or digit and contain only letters, digits, "-", "_" and "."';
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return 'a label value is at most 63 characters';
  if (!NAME.test(value)) return 'a label value must start and end with a letter or digit and contain only letters, digits, "-", "_" and "."';
  return undefined;
}

export const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

/** Operators as people write them from other selector syntaxes, to the Kubernetes spelling. */
const OPERATOR_SYNONYMS: Record<string, string> = {
  '=': 'In', '==': 'In', equals: 'In', eq: 'In',
  '!=': 'NotIn', notequals: 'NotIn', ne: 'NotIn',
  exist: 'Exists', present: 'Exists',
  notexists: 'DoesNotExist', notexist: 'DoesNotExist', doesnotexists: 'DoesNotExist', '!exists': 'DoesNotExist', absent: 'DoesNotExist',
};

/** The operators an invalid one most likely meant; a negated word never maps to a positive operator or back. */
export function operatorSuggestions(operator: string, closest: (word: string, candidates: readonly string[]) => string[]): string[] {
  const synonym = OPERATOR_SYNONYMS[operator.toLowerCase().replace(/[\s_-]/g, '')];
  if (synonym) return [synonym];
  const negated = /not|!/i.test(operator);
  return closest(operator, SELECTOR_OPERATORS).filter((s) => /Not/.test(s) === negated);
}
