import { stringify } from 'yaml';
import { IBGU_TYPE } from '../core/kube/types';
import { OADP_NAMESPACE } from '../core/lca/names';
import type { KubeObject } from './types';

/**
 * An IBGU document for chosen clusters, to finish in the editor: selected by the `name` label ACM puts on
 * every ManagedCluster, the seed image and OADP/extra-manifest references taken from the newest IBGU on the
 * hub when there is one (placeholders otherwise), and the documented plan Prep → Upgrade → FinalizeUpgrade.
 */
export function newIbguText(clusters: readonly string[], options: { namespace: string; template?: KubeObject; now?: Date }): string {
  const names = [...new Set(clusters)].sort();
  const day = (options.now ?? new Date()).toISOString().slice(0, 10).replace(/-/g, '');
  const ibuSpec = options.template?.spec?.ibuSpec ?? {
    seedImageRef: { image: 'registry.example.com/ibu/seed:4.18.9', version: '4.18.9', pullSecretRef: { name: 'seed-pull-secret' } },
    oadpContent: [{ name: 'oadp-cm', namespace: OADP_NAMESPACE }],
  };
  const strategy = { maxConcurrency: Math.max(1, Math.min(names.length, 10)), timeout: 240 };
  const object = {
    apiVersion: IBGU_TYPE.apiVersion,
    kind: IBGU_TYPE.kind,
    metadata: { name: `ibgu-${day}-${names.length}-clusters`, namespace: options.namespace },
    spec: {
      clusterLabelSelectors: [{ matchExpressions: [{ key: 'name', operator: 'In', values: names }] }],
      ibuSpec,
      plan: [
        { actions: ['Prep'], rolloutStrategy: strategy },
        { actions: ['Upgrade'], rolloutStrategy: strategy },
        { actions: ['FinalizeUpgrade'], rolloutStrategy: strategy },
      ],
    },
  };
  const header = [
    `# A new ImageBasedGroupUpgrade for ${names.length} cluster${names.length === 1 ? '' : 's'} chosen in the IBGU view.`,
    options.template ? `# ibuSpec copied from ${options.template.metadata.namespace}/${options.template.metadata.name}: check the seed image and version.` : '# Replace the seed image, version and OADP ConfigMap with yours.',
    '# Steps can be appended on the hub later (IBGU: Append Plan Step); selectors and ibuSpec cannot change once applied.',
  ];
  return `${header.join('\n')}\n${stringify(object, { lineWidth: 0 })}`;
}
