/**
 * Whether Argo CD tracks an object, and by which Application: a write to such an object starts a fight with
 * the next sync (Argo CD reverts the live change to what Git holds, or shows the Application out of sync).
 *
 * Argo CD marks the objects it manages in one of two ways (argo-cd `util/argo/resource_tracking.go`, with the
 * keys of `common/common.go`: `AnnotationKeyAppInstance` and `LabelKeyAppInstance`):
 * - annotation tracking: `argocd.argoproj.io/tracking-id: <application>:<group>/<kind>:<namespace>/<name>`,
 *   where an Application outside Argo CD's own namespace is written `<namespace>_<application>`;
 * - label tracking (Argo CD's default before 3.0):
 *   `app.kubernetes.io/instance: <application>`. Helm and other tools set that label too, so it is weaker
 *   evidence, and the warning says so.
 */

export const ARGOCD_TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';
export const ARGOCD_INSTANCE_LABEL = 'app.kubernetes.io/instance';

export interface ArgoCdTracking {
  /** The Application, as Argo CD names it (`<namespace>/<name>` when the tracking id carries a namespace). */
  application: string;
  /** How it was found: the tracking annotation (certain) or the instance label (also set by other tools). */
  by: 'annotation' | 'label';
}

interface ObjectLike {
  metadata?: { annotations?: Record<string, unknown>; labels?: Record<string, unknown> };
}

/** Application and namespace names are Kubernetes names; anything else from a cluster is not shown as one. */
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const shown = (name: string, valid: RegExp) => (valid.test(name) ? name : '(a name that is not a valid Kubernetes name)');

/** The Argo CD Application tracking the object, or undefined when nothing marks it. */
export function argoCdTracking(object: ObjectLike | undefined): ArgoCdTracking | undefined {
  const id = object?.metadata?.annotations?.[ARGOCD_TRACKING_ANNOTATION];
  if (typeof id === 'string' && id.includes(':')) {
    const app = id.slice(0, id.indexOf(':')).trim();
    if (app) {
      const underscore = app.indexOf('_');
      const application = underscore > 0 ? `${shown(app.slice(0, underscore), NAME)}/${shown(app.slice(underscore + 1), NAME)}` : shown(app, NAME);
      return { application, by: 'annotation' };
    }
  }
  const label = object?.metadata?.labels?.[ARGOCD_INSTANCE_LABEL];
  if (typeof label === 'string' && label.trim()) return { application: shown(label.trim(), LABEL_VALUE), by: 'label' };
  return undefined;
}

/** One sentence for a confirmation: who will undo the write, and what to do instead. Empty when untracked. */
export function argoCdWarning(object: ObjectLike | undefined, what: string): string {
  const tracking = argoCdTracking(object);
  if (!tracking) return '';
  const how = tracking.by === 'annotation' ? `its ${ARGOCD_TRACKING_ANNOTATION} annotation` : `its ${ARGOCD_INSTANCE_LABEL} label (Argo CD's label tracking; Helm and other tools set it too)`;
  return `Argo CD Application ${tracking.application} tracks ${what} (${how}): its next sync reverts a change made here, or shows the Application out of sync. Change the file in Git instead, unless the Application ignores this difference.`;
}
