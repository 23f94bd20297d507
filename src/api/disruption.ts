// PodDisruptionBudget status rules shared by the eviction subresource (apiserver) and the disruption
// controller: both must agree on how the DisruptionAllowed condition follows disruptionsAllowed
// (upstream keeps this in pkg/apis/policy/helper and uses it from both sides too).

export const DISRUPTION_ALLOWED = 'DisruptionAllowed';
export const SYNC_FAILED = 'SyncFailed';
export const SUFFICIENT_PODS = 'SufficientPods';
export const INSUFFICIENT_PODS = 'InsufficientPods';
/** How long an eviction's entry in status.disruptedPods keeps the pod out of currentHealthy. */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

export interface PdbCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export interface PdbStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  conditions?: PdbCondition[];
}

/** apimeta.SetStatusCondition: the transition time moves only when the status flips. */
export function setCondition(status: PdbStatus, cond: Omit<PdbCondition, 'lastTransitionTime'>, now = new Date()): void {
  const conds = status.conditions ?? [];
  const i = conds.findIndex((c) => c.type === cond.type);
  const prior = i >= 0 ? conds[i] : undefined;
  const lastTransitionTime = prior && prior.status === cond.status ? prior.lastTransitionTime : now.toISOString().replace(/\.\d+Z$/, 'Z');
  const next: PdbCondition = { ...cond, lastTransitionTime };
  if (i >= 0) conds[i] = next;
  else conds.push(next);
  status.conditions = conds;
}

/** pdbhelper.UpdateDisruptionAllowedCondition */
export function updateDisruptionAllowedCondition(status: PdbStatus): void {
  const allowed = (status.disruptionsAllowed ?? 0) > 0;
  setCondition(status, {
    type: DISRUPTION_ALLOWED,
    status: allowed ? 'True' : 'False',
    reason: allowed ? SUFFICIENT_PODS : INSUFFICIENT_PODS,
    message: '',
    ...(status.observedGeneration ? { observedGeneration: status.observedGeneration } : {}),
  });
}

/** pdbhelper.ConditionsAreUpToDate */
export function conditionsAreUpToDate(status: PdbStatus, generation: number): boolean {
  const c = status.conditions?.find((x) => x.type === DISRUPTION_ALLOWED);
  if (!c || (status.observedGeneration ?? 0) !== generation) return false;
  if ((status.disruptionsAllowed ?? 0) > 0) return c.status === 'True' && c.reason === SUFFICIENT_PODS;
  return c.status === 'False' && c.reason === INSUFFICIENT_PODS;
}
