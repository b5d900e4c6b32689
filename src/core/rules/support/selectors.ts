
export const NEVER = 'TALM cannot select clusters (ClustersSelected=False, ClusterNotFound), so the step waits forever and the IBGU never completes.';
