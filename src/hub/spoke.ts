/**
 * A managed cluster ("spoke") reached directly: the IBU lives there, and so do the Velero objects, the
 * volumes and the events the troubleshooting commands read. The credentials come from a kubeconfig context
 * the user mapped to the cluster (the user's own file, used as kubectl would), or from the ZTP admin
 * kubeconfig Secret on the hub (cluster data: reduced to server, CA and an inline credential, see
 * admin-kubeconfig.ts); either way they stay in memory here (the caller decides whether VS Code's secret
 * storage keeps them).
 */
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { BACKUP_STORAGE_LOCATION_TYPE, BACKUP_TYPE, DEPLOYMENT_TYPE, EVENT_TYPE, IBU_TYPE, LOGICAL_VOLUME_TYPE, PERSISTENT_VOLUME_CLAIM_TYPE, PERSISTENT_VOLUME_TYPE, RESTORE_TYPE, SECRET_TYPE } from '../core/kube/types';
import { IBU_NAME, LCA_DEPLOYMENT, LCA_NAMESPACE, OADP_NAMESPACE } from '../core/lca/names';
import { adminKubeConfig, adminKubeconfigText, reduceAdminKubeconfig, type AdminKubeconfig } from './admin-kubeconfig';
import { HubConnection } from './connection';
import { HubError } from './errors';
import type { HubContext, KubeObject } from './types';

export const IBU_API = IBU_TYPE.apiVersion;
const IBU_PATH = `/apis/${IBU_TYPE.apiVersion}/${IBU_TYPE.plural}`;

/** The ZTP admin kubeconfig Secret of a cluster on the hub: namespace and name. */
export function adminKubeconfigSecret(cluster: string): { namespace: string; name: string } {
  return { namespace: cluster, name: `${cluster}-admin-kubeconfig` };
}

/**
 * A client for a cluster through its admin kubeconfig Secret from the hub: `text` as read from the hub, or as
 * VS Code's secret storage kept it. The one way in for kubeconfig text that came from a cluster.
 */
export function adminSpokeClient(cluster: string, text: string, via: string): SpokeClient {
  return new SpokeClient(cluster, reduceAdminKubeconfig(text, `The admin kubeconfig of ${cluster}`), via);
}

/** The kubeconfig text of a cluster's admin Secret read from the hub; undefined when there is no such Secret. */
export async function readAdminKubeconfig(hub: HubConnection, cluster: string): Promise<string | undefined> {
  const { namespace, name } = adminKubeconfigSecret(cluster);
  const secret = await hub.read(SECRET_TYPE.apiVersion, SECRET_TYPE.kind, namespace, name);
  const data = (secret as { data?: Record<string, unknown> } | undefined)?.data?.kubeconfig;
  if (!secret) return undefined;
  if (typeof data !== 'string' || !data) throw new HubError('invalid', `The Secret ${namespace}/${name} on the hub has no "kubeconfig" key.`);
  return Buffer.from(data, 'base64').toString('utf8');
}

/** What Diagnose reads from a spoke, each list possibly missing when the spoke refused it (with why). */
export interface SpokeSnapshot {
  ibu?: KubeObject;
  bsls?: KubeObject[];
  backups?: KubeObject[];
  restores?: KubeObject[];
  pvs?: KubeObject[];
  pvcs?: KubeObject[];
  logicalVolumes?: KubeObject[];
  events?: KubeObject[];
  /** Reads that failed: what and why (a spoke may not serve LVM Storage at all). */
  problems: string[];
}

/** Requests to one spoke, with the same wording of errors as the hub's. */
export class SpokeClient {
  readonly connection: HubConnection;
  private readonly kc: KubeConfig;
  /** Set when the credentials came from the hub: the only fields kept of them. */
  private readonly admin: AdminKubeconfig | undefined;

  constructor(
    readonly cluster: string,
    /** A KubeConfig of the user's own kubeconfig context, or an admin kubeconfig from the hub, reduced. */
    credentials: KubeConfig | AdminKubeconfig,
    /** How the credentials were found, said to the user (e.g. "context sno-0001-admin", "admin kubeconfig Secret on the hub"). */
    readonly via: string,
  ) {
    this.admin = credentials instanceof KubeConfig ? undefined : credentials;
    this.kc = credentials instanceof KubeConfig ? credentials : adminKubeConfig(credentials);
    const server = this.kc.getCurrentCluster()?.server ?? '';
    const context: HubContext = { name: `spoke:${cluster}`, cluster, user: this.kc.getCurrentUser()?.name ?? '', server, file: '' };
    this.connection = new HubConnection(context, this.kc, { kinds: [] });
  }

  get server(): string {
    return this.connection.context.server;
  }

  /**
   * The credentials as a kubeconfig (JSON, which oc reads as YAML), for a program run on the user's behalf:
   * from the hub, the reduced fields alone; from the user's context, that context as client-node holds it.
   */
  kubeconfigText(): string {
    return this.admin ? adminKubeconfigText(this.admin) : this.kc.exportConfig();
  }

  ibu(): Promise<KubeObject | undefined> {
    return this.connection.read(IBU_API, IBU_TYPE.kind, undefined, IBU_NAME);
  }

  /** The LCA controller's image: container `manager` of its Deployment, as the guide's must-gather command reads it. */
  async lcaImage(): Promise<string | undefined> {
    const deployment = await this.connection.read(DEPLOYMENT_TYPE.apiVersion, DEPLOYMENT_TYPE.kind, LCA_NAMESPACE, LCA_DEPLOYMENT);
    const containers = (deployment?.spec?.template?.spec?.containers ?? []) as { name?: string; image?: string }[];
    return containers.find((c) => c.name === 'manager')?.image;
  }

  /** Everything Diagnose looks at; a list the spoke does not serve or refuses is left out and said in `problems`. */
  async snapshot(): Promise<SpokeSnapshot> {
    const problems: string[] = [];
    const get = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await read();
      } catch (error) {
        problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    };
    const [ibu, bsls, backups, restores, pvs, pvcs, logicalVolumes, events] = await Promise.all([
      get('ImageBasedUpgrade', () => this.ibu()),
      get('BackupStorageLocations', () => this.connection.listObjects(BACKUP_STORAGE_LOCATION_TYPE.apiVersion, BACKUP_STORAGE_LOCATION_TYPE.kind, OADP_NAMESPACE)),
      get('Backups', () => this.connection.listObjects(BACKUP_TYPE.apiVersion, BACKUP_TYPE.kind)),
      get('Restores', () => this.connection.listObjects(RESTORE_TYPE.apiVersion, RESTORE_TYPE.kind)),
      get('PersistentVolumes', () => this.connection.listObjects(PERSISTENT_VOLUME_TYPE.apiVersion, PERSISTENT_VOLUME_TYPE.kind)),
      get('PersistentVolumeClaims', () => this.connection.listObjects(PERSISTENT_VOLUME_CLAIM_TYPE.apiVersion, PERSISTENT_VOLUME_CLAIM_TYPE.kind)),
      get('logicalvolumes.topolvm.io', () => this.connection.listObjects(LOGICAL_VOLUME_TYPE.apiVersion, LOGICAL_VOLUME_TYPE.kind)),
      get('Events', () => this.connection.listObjects(EVENT_TYPE.apiVersion, EVENT_TYPE.kind)),
    ]);
    return {
      ...(ibu ? { ibu } : {}),
      ...(bsls ? { bsls } : {}),
      ...(backups ? { backups } : {}),
      ...(restores ? { restores } : {}),
      ...(pvs ? { pvs } : {}),
      ...(pvcs ? { pvcs } : {}),
      ...(logicalVolumes ? { logicalVolumes } : {}),
      ...(events ? { events } : {}),
      problems,
    };
  }

  /**
   * Watches the IBU until `done` says the outcome is known (or the time runs out); resolves with the last IBU
   * seen. A watch, not a poll: LCA's retry may take minutes.
   */
  waitForIbu(done: (ibu: KubeObject) => boolean, timeoutMs: number, cancelled?: { onCancellationRequested(listener: () => void): unknown }): Promise<KubeObject | undefined> {
    return new Promise((resolve, reject) => {
      let last: KubeObject | undefined;
      let controller: AbortController | undefined;
      let settled = false;
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        controller?.abort();
        if (error) reject(error);
        else resolve(last);
      };
      const timer = setTimeout(() => finish(), timeoutMs);
      cancelled?.onCancellationRequested(() => finish());
      const open = () => {
        new Watch(this.kc)
          .watch(
            IBU_PATH,
            { fieldSelector: 'metadata.name=upgrade' },
            (phase, object: KubeObject) => {
              if (phase !== 'ADDED' && phase !== 'MODIFIED') return;
              last = object;
              if (done(object)) finish();
            },
            (error) => {
              // A watch the server ends is opened again until the outcome is known or the time is up.
              if (settled) return;
              if (error) finish(error);
              else open();
            },
          )
          .then((c) => {
            controller = c;
            if (settled) c.abort();
          }, finish);
      };
      open();
    });
  }

  dispose(): void {
    this.connection.dispose();
  }
}
