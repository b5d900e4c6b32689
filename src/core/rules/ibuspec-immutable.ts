import { immutableRule } from './support/changes';

export const ibuSpecImmutableRule = immutableRule('ibgu/ibuspec-immutable', 'ibuSpec', 'ibuSpec is immutable', 'The IBGU CRD refuses any change to `spec.ibuSpec` once the IBGU exists: seed image, version, OADP content and extra manifests are fixed for its lifetime.', 'TALM CRD `spec.ibuSpec` CEL transition rule `self == oldSelf` (`ibuSpec is immutable`)');
