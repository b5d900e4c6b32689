import { immutableRule } from './support/changes';

export const selectorsImmutableRule = immutableRule('ibgu/selectors-immutable', 'clusterLabelSelectors', 'clusterLabelSelectors is immutable', 'The IBGU CRD refuses changes to an existing `spec.clusterLabelSelectors` list. (Adding the list to an IBGU that had none, or removing it entirely, is not blocked by the API server, but an IBGU without selectors never completes.)', 'TALM CRD `spec.clusterLabelSelectors` CEL transition rule `self == oldSelf` (`clusterLabelSelectors is immutable`)');
