// handleSchedulingFailure: the FailedScheduling event, then the PodScheduled=False condition and the
// nominated node in the pod's status (written only when they change).
import type { CoreV1Api, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { MERGE_PATCH, describeError, statusCode } from '../client/clients.ts';
import { objectRef, type EventRecorder } from '../client/events.ts';
import { rfc3339, wireString } from '../client/time.ts';
import { podKey } from './cache.ts';

/** A condition read through the client, back in its wire form. */
function conditionJSON(c: V1PodCondition): Record<string, unknown> {
  const out: Record<string, unknown> = { type: c.type, status: c.status };
  out.lastProbeTime = c.lastProbeTime ? wireString(c.lastProbeTime) : null;
  out.lastTransitionTime = c.lastTransitionTime ? wireString(c.lastTransitionTime) : null;
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  if (c.observedGeneration !== undefined) out.observedGeneration = c.observedGeneration;
  return out;
}

export class FailureRecorder {
  constructor(
    private readonly core: CoreV1Api,
    private readonly recorder: EventRecorder,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * `nominated`: the node to nominate, null to clear the nomination, undefined to leave it as it is
   * (as upstream's NominatingInfo modes).
   */
  record(pod: V1Pod, message: string, reason = 'Unschedulable', nominated?: string | null): void {
    this.recorder.event(objectRef(pod, { apiVersion: 'v1', kind: 'Pod' }), 'Warning', 'FailedScheduling', message, 'Scheduling');
    const conditions = pod.status?.conditions ?? [];
    const old = conditions.find((c) => c.type === 'PodScheduled');
    const sameCondition = old && old.status === 'False' && old.reason === reason && old.message === message;
    const sameNomination = nominated === undefined || (pod.status?.nominatedNodeName ?? null) === nominated;
    if (sameCondition && sameNomination) return;
    const cond: Record<string, unknown> = {
      type: 'PodScheduled',
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: old?.status === 'False' ? wireString(old.lastTransitionTime) : rfc3339(),
      reason,
      message,
    };
    if (pod.metadata?.generation !== undefined) cond.observedGeneration = pod.metadata.generation;
    const rest = conditions.filter((c) => c.type !== 'PodScheduled').map(conditionJSON);
    const status: Record<string, unknown> = { conditions: [...rest, cond] };
    if (nominated !== undefined) status.nominatedNodeName = nominated;
    void this.core
      .patchNamespacedPodStatus({ name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? 'default', body: { status } }, MERGE_PATCH)
      .catch((err: unknown) => {
        if (statusCode(err) !== 404) this.log(`updating status of ${podKey(pod)} failed: ${describeError(err)}`);
      });
  }
}
