import { generatedBy } from '../yaml/kustomize';
import { defineRule } from './helpers';

/** Files a kustomize configMapGenerator takes that cannot be used (src/core/yaml/kustomize.ts finds them). */
export const generatorFileRule = defineRule({
  id: 'ibgu/generator-file',
  severity: 'error',
  title: 'A file a configMapGenerator takes cannot be used',
  evidence: 'kustomize fails the build on a missing file and, by default, on a path outside the kustomization root; the API server refuses a ConfigMap over 1 MiB (`ValidateConfigMap`)',
  docs: 'A `configMapGenerator` file that is not among the files given (missing, unreadable, too large), or whose path is absolute or leaves the kustomization\'s directory, or that makes the ConfigMap larger than 1 MiB. kustomize fails the build for a missing or out-of-tree file, and the API server refuses a ConfigMap over 1 MiB. The generated ConfigMap is checked without that file; nothing outside the kustomization\'s directory is read.',
  appliesTo: ['ConfigMap'],
  scope: 'workspace',
  check(resource) {
    return (generatedBy(resource)?.problems ?? []).map((p) => ({ ...p }));
  },
});
