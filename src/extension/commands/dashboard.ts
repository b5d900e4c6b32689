/** An IBGU's rollout dashboard, and the view row of a cluster it points at. */
import type { HubSession } from '../hubs';
import type { TreeNode } from '../../hub/types';
import { DashboardPanel } from '../views/dashboard';
import type { HubCommandParts } from './parts';
import { pickIbgu, type Target } from './targets';

export async function openDashboard(parts: HubCommandParts, node?: Target): Promise<DashboardPanel | undefined> {
  const found = await pickIbgu(parts.hubs, node);
  if (!found) return undefined;
  const { session, object } = found;
  const uid = object.metadata.uid!;
  const hold = parts.hubs.hold();
  const panel = DashboardPanel.show(
    parts.context.extensionUri,
    uid,
    `${object.metadata.namespace}/${object.metadata.name}`,
    {
      rollout: () => session.rollout(uid),
      state: () => session.state,
      // The sandbox this extension started is the only hub whose time scale is known (see connect.ts).
      // The sandbox hub records its time scale in its kubeconfig, whoever started it (the extension, npm start, a terminal).
      timeScale: () => session.context.timeScale,
      onDidChange: (listener) => parts.hubs.onDidChange((s) => {
        if (!s || s === session) listener();
      }),
    },
    {
      revealCluster: (name) => void revealCluster(parts, session, uid, name),
    },
  );
  panel.panel.onDidDispose(() => hold.dispose());
  return panel;
}

async function revealCluster(parts: HubCommandParts, session: HubSession, uid: string, name: string): Promise<void> {
  parts.tree.rebuild();
  const prefix = `${session.context.name}/ibgu/${uid}/`;
  const walk = (nodes: readonly TreeNode[]): TreeNode | undefined => {
    for (const n of nodes) {
      if (n.kind === 'cluster' && n.id.startsWith(prefix) && n.ref?.cluster === name) return n;
      const hit = n.children ? walk(n.children) : undefined;
      if (hit) return hit;
    }
    return undefined;
  };
  const node = walk(parts.tree.nodes);
  if (node) await parts.tree.view.reveal(node, { select: true, focus: true, expand: true });
}
