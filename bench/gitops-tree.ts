/**
 * A synthetic GitOps ZTP repository, generated from a seed so that every run lints the same bytes.
 *
 * The mix follows what a hub repository looks like in practice: most documents have nothing to do with
 * image-based upgrades (policies, applications, cluster definitions, kustomizations), and a minority are
 * IBGUs with the OADP and extra-manifests ConfigMaps they reference. A small share of documents carry
 * the mistakes the rules exist for, so that the benchmark also pays for findings and fixes, not only for
 * the happy path.
 */

export interface TreeFile {
  path: string;
  text: string;
}

export interface TreeOptions {
  seed?: number;
  /** Upgrade waves; each has one IBGU, an OADP ConfigMap and an extra-manifests ConfigMap. */
  waves?: number;
  clusters?: number;
  apps?: number;
  policies?: number;
  /** Share of generated objects that carry a deliberate mistake. */
  mistakeRate?: number;
}

/** mulberry32: tiny, fast, and good enough to pick shapes; Math.random would make runs incomparable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = ReturnType<typeof rng>;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const indent = (text: string, n: number): string => text.replace(/^(?=.)/gm, ' '.repeat(n));

const REGIONS = ['emea', 'amer', 'apac'];
const SEED_VERSIONS = ['4.16.3', '4.16.8', '4.17.0', '4.17.4', '4.18.1'];
const LVMS_NS = ['openshift-storage', 'openshift-lvm-storage'];

/** Valid plans, written in the different spellings people use (flow lists, block lists, quoted). */
const PLANS: readonly (readonly string[])[] = [
  ['Prep'],
  ['Prep', '|', 'Upgrade'],
  ['Prep', 'Upgrade'],
  ['Prep', '|', 'Upgrade', '|', 'FinalizeUpgrade'],
  ['Prep', '|', 'AbortOnFailure', '|', 'Upgrade', '|', 'AbortOnFailure', '|', 'FinalizeUpgrade'],
  ['Prep', 'Upgrade', '|', 'AbortOnFailure', '|', 'FinalizeUpgrade'],
  ['Rollback', '|', 'FinalizeRollback'],
  ['Upgrade', 'FinalizeUpgrade'],
  ['Abort'],
];
/** Plans TALM rejects, and misspelt actions. */
const BAD_PLANS: readonly (readonly string[])[] = [
  ['Prep', '|', 'FinalizeUpgrade'],
  ['Upgrade', '|', 'Prep'],
  ['Prep', '|', 'Upgrad'],
  ['Prep', '|', 'AbortOnFailure', '|', 'Upgrade', '|', 'FinalizeUpgrade'],
];

function planSteps(tokens: readonly string[]): string[][] {
  const steps: string[][] = [[]];
  for (const t of tokens) {
    if (t === '|') steps.push([]);
    else steps[steps.length - 1].push(t);
  }
  return steps;
}

function planYaml(r: Rand, steps: string[][], mistake: boolean): string {
  const style = int(r, 0, 2);
  return steps.map((actions, i) => {
    const mc = pick(r, [1, 5, 10, 25, 50, 100]);
    // Seconds instead of minutes is the classic timeout mistake.
    const timeout = mistake && i === 0 ? 14400 : pick(r, [undefined, 60, 120, 240, 300]);
    const list = style === 0 ? `[${actions.join(', ')}]` : style === 1 ? `[${actions.map((a) => `"${a}"`).join(', ')}]` : `\n${actions.map((a) => `        - ${a}`).join('\n')}`;
    const strategy = style === 1
      ? `      rolloutStrategy: {maxConcurrency: ${mc}${timeout ? `, timeout: ${timeout}` : ''}}`
      : `      rolloutStrategy:\n        maxConcurrency: ${mc}${timeout ? `\n        timeout: ${timeout}` : ''}`;
    return `    - actions: ${list}\n${strategy}`;
  }).join('\n');
}

interface Wave {
  wave: number;
  namespace: string;
  oadp: string[];
  extra: string[];
}

function ibgu(r: Rand, w: Wave, mistakes: Mistakes): string {
  const version = pick(r, SEED_VERSIONS);
  const bad = mistakes.roll();
  const kind = bad ? int(r, 0, 5) : -1;
  const plan = kind === 0 ? pick(r, BAD_PLANS) : pick(r, PLANS);
  const imageVersion = kind === 1 ? pick(r, SEED_VERSIONS.filter((v) => v !== version)) : version;
  const selectors = r() < 0.5
    ? `    - matchLabels:\n        upgrade-wave: "${w.wave}"\n        common: "true"`
    : `    - matchExpressions:\n        - key: upgrade-wave\n          operator: In\n          values: ["${w.wave}", "${w.wave}-canary"]\n${kind === 2 ? '          values: ["dup"]\n' : ''}    - matchLabels:\n        du-profile: "${pick(r, ['v4.16', 'v4.17'])}"`;
  const oadp = [...w.oadp, ...(kind === 3 ? [`oadp-missing-${w.wave}`] : [])];
  const seed = kind === 4
    ? `    seedImageRef:\n      version: ${version}`
    : `    seedImageRef:\n      image: quay.io/ztp/lca-seed:${imageVersion}\n      version: ${version}\n      pullSecretRef:\n        name: seed-pull-secret`;
  return [
    'apiVersion: lcm.openshift.io/v1alpha1',
    'kind: ImageBasedGroupUpgrade',
    'metadata:',
    `  name: ibgu-wave-${w.wave}-${version.replace(/\./g, '-')}`,
    `  namespace: ${w.namespace}`,
    ...(r() < 0.3 ? ['  annotations:', '    argocd.argoproj.io/sync-wave: "10"'] : []),
    'spec:',
    '  clusterLabelSelectors:',
    selectors,
    '  ibuSpec:',
    seed,
    ...(oadp.length ? ['    oadpContent:', ...oadp.map((n) => `      - name: ${n}\n        namespace: ${w.namespace}`)] : []),
    ...(w.extra.length ? ['    extraManifests:', ...w.extra.map((n) => `      - name: ${n}\n        namespace: ${w.namespace}`)] : []),
    ...(r() < 0.5 ? ['    autoRollbackOnFailure:', `      initMonitorTimeoutSeconds: ${pick(r, [600, 1200, 1800])}`] : []),
    ...(kind === 5 ? ['    stage: Prep'] : []),
    '  plan:',
    planYaml(r, planSteps(plan), kind === 5),
  ].join('\n') + '\n';
}

function backup(r: Rand, app: string, wave: number, mistakes: Mistakes): string {
  const bad = mistakes.roll() ? int(r, 0, 3) : -1;
  const applyWave = bad === 0 ? '"first"' : `"${wave}"`;
  const label = bad === 1 ? '' : '    velero.io/storage-location: default\n';
  const filters = bad === 2
    ? '  includedResources:\n  - persistentvolumeclaims\n  includedClusterScopedResources:\n  - persistentvolumes\n'
    : `  includedNamespaces:\n  - ${app}\n  includedNamespaceScopedResources:\n  - secrets\n  - persistentvolumeclaims\n  - deployments\n  - configmaps\n  includedClusterScopedResources:\n  - persistentVolumes\n  - logicalvolumes.topolvm.io\n`;
  return [
    'apiVersion: velero.io/v1',
    'kind: Backup',
    'metadata:',
    `  name: ${app}`,
    `  namespace: ${bad === 3 ? 'default' : 'openshift-adp'}`,
    '  annotations:',
    `    lca.openshift.io/apply-wave: ${applyWave}`,
    ...(r() < 0.3 ? [`    lca.openshift.io/apply-label: "apps/v1/deployments/${app}/${app},v1/secrets/${app}/${app}-creds"`] : []),
    '  labels:',
    label + `    app: ${app}`,
    'spec:',
    filters + `  ttl: ${pick(r, ['24h0m0s', '72h0m0s'])}`,
    ...(r() < 0.4 ? ['  snapshotMoveData: true', '  defaultVolumesToFsBackup: false'] : []),
  ].join('\n') + '\n';
}

function restore(r: Rand, app: string, wave: number, mistakes: Mistakes): string {
  const bad = mistakes.roll() ? int(r, 0, 1) : -1;
  return [
    'apiVersion: velero.io/v1',
    'kind: Restore',
    'metadata:',
    `  name: ${app}`,
    '  namespace: openshift-adp',
    '  annotations:',
    `    lca.openshift.io/apply-wave: "${wave + 1}"`,
    '  labels:',
    '    velero.io/storage-location: default',
    'spec:',
    `  backupName: ${bad === 0 ? app.replace(/-/, '_') : app}`,
    ...(bad === 1 ? ['  restorePVs: "yes"'] : ['  restorePVs: true', '  restoreStatus:', '    includedResources:', `    - ${pick(r, ['logicalvolumes', 'logicalvolumes.topolvm.io'])}`]),
  ].join('\n') + '\n';
}

function oadpConfigMap(r: Rand, w: Wave, name: string, mistakes: Mistakes): string {
  const apps = Array.from({ length: int(r, 2, 4) }, (_, i) => `${pick(r, ['ran-du', 'vdu', 'cu-up', 'ptp-mon', 'sriov-app', 'gnb'])}-${w.wave}-${i}`);
  const keys: string[] = [];
  // One key per object or all objects of a kind in one multi-document value: both occur.
  if (r() < 0.5) {
    apps.forEach((app, i) => keys.push(`  backup_${app}.yaml: |\n${indent(backup(r, app, i + 1, mistakes), 4)}`));
    apps.forEach((app, i) => keys.push(`  restore_${app}.yaml: |\n${indent(restore(r, app, i + 1, mistakes), 4)}`));
  } else {
    keys.push(`  backups.yaml: |\n${indent(apps.map((a, i) => backup(r, a, i + 1, mistakes)).join('---\n'), 4)}`);
    const restores = apps.map((a, i) => restore(r, a, i + 1, mistakes));
    if (mistakes.roll()) restores.pop();
    keys.push(`  restores.yaml: |\n${indent(restores.join('---\n'), 4)}`);
  }
  if (mistakes.roll()) keys.push(`  route.yaml: |\n${indent('apiVersion: route.openshift.io/v1\nkind: Route\nmetadata:\n  name: ui\n  namespace: ran-du\nspec:\n  to:\n    kind: Service\n    name: ui\n', 4)}`);
  if (mistakes.roll()) keys.push(`  broken.yaml: |\n${indent('apiVersion: velero.io/v1\nkind: Backup\nmetadata:\n  name: broken\n   namespace: openshift-adp\nspec: {includedNamespaces: [a, b}\n', 4)}`);
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${w.namespace}\n  labels:\n    app.kubernetes.io/part-of: ibu\ndata:\n${keys.join('')}`;
}

function extraManifestsConfigMap(r: Rand, w: Wave, name: string, mistakes: Mistakes): string {
  const objects: string[] = [];
  const n = int(r, 2, 4);
  for (let i = 0; i < n; i++) {
    const bad = mistakes.roll() ? int(r, 0, 2) : -1;
    if (bad === 0) {
      objects.push(`apiVersion: operators.coreos.com/v1alpha1\nkind: Subscription\nmetadata:\n  name: sriov-${i}\n  namespace: openshift-sriov-network-operator\nspec:\n  channel: stable\n  name: sriov-network-operator\n  source: redhat-operators\n  sourceNamespace: openshift-marketplace\n`);
    } else if (bad === 1) {
      objects.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: default\n  annotations:\n    lca.openshift.io/apply-wave: "1.5"\ndata:\n  k: v\n`);
    } else {
      objects.push(pick(r, [
        `apiVersion: sriovnetwork.openshift.io/v1\nkind: SriovNetwork\nmetadata:\n  name: sriov-net-${w.wave}-${i}\n  namespace: openshift-sriov-network-operator\n  annotations:\n    lca.openshift.io/apply-wave: "${i}"\nspec:\n  resourceName: du_fh\n  vlan: ${100 + i}\n  networkNamespace: ran-du\n`,
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: du-tuning-${i}\n  namespace: ran-du\ndata:\n  hugepages: "${int(r, 8, 32)}"\n  isolated: "2-${int(r, 20, 60)}"\n`,
        `apiVersion: ptp.openshift.io/v1\nkind: PtpConfig\nmetadata:\n  name: du-ptp-slave-${i}\n  namespace: openshift-ptp\nspec:\n  profile:\n  - name: slave\n    interface: ens5f0\n    ptp4lOpts: "-2 -s"\n    phc2sysOpts: "-a -r -n 24"\n  recommend:\n  - profile: slave\n    priority: 4\n    match:\n    - nodeLabel: node-role.kubernetes.io/master\n`,
      ]));
    }
  }
  const values = r() < 0.5
    ? objects.map((o, i) => `  manifest-${i}.yaml: |\n${indent(o, 4)}`).join('')
    : `  manifests.yaml: |\n${indent(objects.join('---\n'), 4)}`;
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${w.namespace}\ndata:\n${values}`;
}

function managedCluster(r: Rand, name: string, wave: number, mistakes: Mistakes): string {
  const labels = [
    `    name: ${name}`,
    `    upgrade-wave: "${wave}"`,
    `    du-profile: ${pick(r, ['v4.16', 'v4.17'])}`,
    '    common: "true"',
    `    group-du-sno: ""`,
    `    region: ${pick(r, REGIONS)}`,
    ...(mistakes.roll() ? ['    bad label!: "x"'] : []),
  ];
  return `apiVersion: cluster.open-cluster-management.io/v1\nkind: ManagedCluster\nmetadata:\n  name: ${name}\n  labels:\n${labels.join('\n')}\nspec:\n  hubAcceptsClient: true\n  leaseDurationSeconds: 60\n`;
}

function klusterlet(name: string): string {
  return `apiVersion: agent.open-cluster-management.io/v1\nkind: KlusterletAddonConfig\nmetadata:\n  name: ${name}\n  namespace: ${name}\nspec:\n  clusterName: ${name}\n  clusterNamespace: ${name}\n  applicationManager:\n    enabled: false\n  certPolicyController:\n    enabled: false\n  policyController:\n    enabled: true\n  searchCollector:\n    enabled: false\n`;
}

function namespace(name: string): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels:\n    name: ${name}\n`;
}

function deployment(r: Rand, app: string): string {
  const replicas = int(r, 1, 3);
  const env = Array.from({ length: int(r, 1, 5) }, (_, i) => `        - name: ENV_${i}\n          value: "${Math.floor(r() * 1e6)}"`).join('\n');
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\n  namespace: ${app}\n  labels:\n    app: ${app}\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels:\n      app: ${app}\n  template:\n    metadata:\n      labels:\n        app: ${app}\n    spec:\n      serviceAccountName: ${app}\n      containers:\n      - name: main\n        image: registry.example.com/ran/${app}:v${int(r, 1, 9)}.${int(r, 0, 20)}\n        ports:\n        - containerPort: ${pick(r, [8080, 8443, 9090])}\n        env:\n${env}\n        resources:\n          requests: {cpu: ${pick(r, ['100m', '500m', '2'])}, memory: ${pick(r, ['128Mi', '1Gi'])}}\n        volumeMounts:\n        - name: data\n          mountPath: /data\n      volumes:\n      - name: data\n        persistentVolumeClaim:\n          claimName: ${app}-data\n`;
}

function service(app: string): string {
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\n  namespace: ${app}\nspec:\n  selector:\n    app: ${app}\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080\n`;
}

function pvc(r: Rand, app: string): string {
  return `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ${app}-data\n  namespace: ${app}\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: ${r() < 0.3 ? 'lvms-vg1' : 'standard'}\n  resources:\n    requests:\n      storage: ${int(r, 1, 50)}Gi\n`;
}

function serviceAccount(app: string): string {
  return `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${app}\n  namespace: ${app}\n`;
}

function kustomization(resources: string[]): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `- ${r}`).join('\n')}\n`;
}

function policy(r: Rand, name: string, ns: string): string[] {
  const templates = Array.from({ length: int(r, 1, 3) }, (_, i) => `    - objectDefinition:\n        apiVersion: policy.open-cluster-management.io/v1\n        kind: ConfigurationPolicy\n        metadata:\n          name: ${name}-config-${i}\n        spec:\n          remediationAction: inform\n          severity: low\n          object-templates:\n            - complianceType: musthave\n              objectDefinition:\n                apiVersion: v1\n                kind: Namespace\n                metadata:\n                  name: ${pick(r, ['openshift-ptp', 'openshift-sriov-network-operator', ...LVMS_NS])}\n`).join('');
  return [
    `apiVersion: policy.open-cluster-management.io/v1\nkind: Policy\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  annotations:\n    policy.open-cluster-management.io/standards: NIST SP 800-53\n    ran.openshift.io/ztp-deploy-wave: "${int(r, 1, 100)}"\nspec:\n  disabled: false\n  remediationAction: inform\n  policy-templates:\n${templates}`,
    `apiVersion: policy.open-cluster-management.io/v1\nkind: PlacementBinding\nmetadata:\n  name: ${name}-binding\n  namespace: ${ns}\nplacementRef:\n  name: ${name}-placement\n  apiGroup: cluster.open-cluster-management.io\n  kind: Placement\nsubjects:\n  - name: ${name}\n    apiGroup: policy.open-cluster-management.io\n    kind: Policy\n`,
    `apiVersion: cluster.open-cluster-management.io/v1beta1\nkind: Placement\nmetadata:\n  name: ${name}-placement\n  namespace: ${ns}\nspec:\n  predicates:\n    - requiredClusterSelector:\n        labelSelector:\n          matchExpressions:\n            - key: du-profile\n              operator: In\n              values: [v4.16, v4.17]\n`,
  ];
}

/** Counts mistakes as they are rolled so the generator can say how many it planted. */
class Mistakes {
  planted = 0;
  constructor(private readonly r: Rand, private readonly rate: number) {}
  roll(): boolean {
    const hit = this.r() < this.rate;
    if (hit) this.planted++;
    return hit;
  }
}

const header = (r: Rand) => (r() < 0.3 ? `# Managed by GitOps ZTP; edit in the site repository.\n` : '');

export function generateTree(options: TreeOptions = {}): { files: TreeFile[]; planted: number } {
  const r = rng(options.seed ?? 1);
  const mistakes = new Mistakes(r, options.mistakeRate ?? 0.04);
  const waves = options.waves ?? 80;
  const clusters = options.clusters ?? 1400;
  const apps = options.apps ?? 320;
  const policies = options.policies ?? 260;
  const files: TreeFile[] = [];
  const add = (path: string, docs: string[]) => files.push({ path, text: header(r) + docs.map((d, i) => (i > 0 || r() < 0.1 ? '---\n' : '') + d).join('') });

  for (let i = 0; i < waves; i++) {
    const ns = `ztp-upgrade-${pick(r, REGIONS)}`;
    const w: Wave = { wave: i, namespace: ns, oadp: [], extra: [] };
    const oadpCount = r() < 0.2 ? 2 : 1;
    for (let k = 0; k < oadpCount; k++) w.oadp.push(`oadp-cm-wave-${i}-${k}`);
    if (r() < 0.7) w.extra.push(`extra-manifests-wave-${i}`);
    const dir = `upgrades/wave-${String(i).padStart(3, '0')}`;
    const cms = [
      ...w.oadp.map((n) => oadpConfigMap(r, w, n, mistakes)),
      ...w.extra.map((n) => extraManifestsConfigMap(r, w, n, mistakes)),
    ];
    // Some repositories keep the IBGU and its ConfigMaps in one file, most keep one file per object.
    if (r() < 0.3) add(`${dir}/upgrade.yaml`, [ibgu(r, w, mistakes), ...cms]);
    else {
      add(`${dir}/ibgu.yaml`, [ibgu(r, w, mistakes)]);
      cms.forEach((cm, k) => add(`${dir}/configmap-${k}.yaml`, [cm]));
    }
    add(`${dir}/kustomization.yaml`, [kustomization(['ibgu.yaml', ...cms.map((_, k) => `configmap-${k}.yaml`)])]);
  }

  for (let i = 0; i < clusters; ) {
    const region = pick(r, REGIONS);
    const batch = int(r, 1, 6);
    const docs: string[] = [];
    for (let k = 0; k < batch && i < clusters; k++, i++) {
      const name = `sno-${region}-${String(i).padStart(4, '0')}`;
      if (batch === 1) {
        add(`clusters/${region}/${name}/managedcluster.yaml`, [managedCluster(r, name, i % waves, mistakes)]);
        add(`clusters/${region}/${name}/namespace.yaml`, [namespace(name)]);
      } else docs.push(managedCluster(r, name, i % waves, mistakes), klusterlet(name), namespace(name));
    }
    if (docs.length) add(`clusters/${region}/batch-${String(i).padStart(4, '0')}.yaml`, docs);
  }

  for (let i = 0; i < apps; i++) {
    const app = `${pick(r, ['ran-du', 'ptp-mon', 'gnb', 'cu-cp', 'o-ran-sim', 'telemetry'])}-${i}`;
    const dir = `apps/${app}`;
    if (r() < 0.4) {
      add(`${dir}/all.yaml`, [namespace(app), serviceAccount(app), deployment(r, app), service(app), pvc(r, app)]);
    } else {
      add(`${dir}/namespace.yaml`, [namespace(app)]);
      add(`${dir}/deployment.yaml`, [deployment(r, app)]);
      add(`${dir}/service.yaml`, [service(app), serviceAccount(app)]);
      add(`${dir}/pvc.yaml`, [pvc(r, app)]);
      add(`${dir}/kustomization.yaml`, [kustomization(['namespace.yaml', 'deployment.yaml', 'service.yaml', 'pvc.yaml'])]);
    }
  }

  for (let i = 0; i < policies; i++) {
    const ns = pick(r, ['ztp-common', 'ztp-group', 'ztp-site']);
    add(`policies/${ns}/policy-${String(i).padStart(4, '0')}.yaml`, policy(r, `${ns}-p${i}`, ns));
  }
  add('policies/kustomization.yaml', [kustomization(['ztp-common', 'ztp-group', 'ztp-site'])]);

  // A few hand-broken files: what a bad merge or an editor accident leaves behind.
  add('upgrades/broken-merge.yaml', [`apiVersion: lcm.openshift.io/v1alpha1\nkind: ImageBasedGroupUpgrade\nmetadata:\n  name: merge-leftover\n  namespace: ztp-upgrade-emea\nspec:\n  ibuSpec:\n    seedImageRef:\n      image: quay.io/ztp/lca-seed:4.17.0\n      version: 4.17.0\n<<<<<<< HEAD\n  plan:\n    - actions: [Prep]\n=======\n  plan:\n    - actions: [Prep, Upgrade]\n>>>>>>> feature\n      rolloutStrategy: {maxConcurrency: 10}\n`]);
  add('apps/tabs/deployment.yaml', [`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n\tname: tabbed\nspec:\n  replicas: 1\n`]);
  return { files, planted: mistakes.planted };
}
