/** A hub connection's state, as the hub layer reports it and the tree and the dashboard show it. Types only. */

export type ConnectionPhase = 'idle' | 'connecting' | 'connected' | 'unreachable' | 'unauthorised' | 'forbidden';

/** What a hub root node shows. Every phase but `connected` and `idle` carries a message a person can act on. */
export interface ConnectionState {
  phase: ConnectionPhase;
  /** Plain words: why it is not connected and what to do (e.g. how to log in again). */
  message?: string;
  /** forbidden: the missing permission as `verb resource.group` (e.g. `watch manifestworks.work.open-cluster-management.io`). */
  permission?: string;
  /** ms since the epoch of the last watch event (or list) received. */
  lastEventAt?: number;
  /** ms since the epoch of the next reconnect attempt, while waiting to retry. */
  retryAt?: number;
}
