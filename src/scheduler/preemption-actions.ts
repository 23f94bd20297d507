// What preemption does through the API once it has chosen (Evaluator.PreemptPod and
// prepareCandidateAsync): mark each victim with the DisruptionTarget condition, delete it gracefully,
// record `Preempted` on it, and take the nomination away from lower-priority pods nominated to the
// same node. It runs in the background so that the scheduling loop does not wait on the API.
import { PatchStrategy, setHeaderOptions, type CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { MERGE_PATCH, describeError, statusCode } from '../client/clients.ts';
import { objectRef, type EventRecorder } from '../client/events.ts';
import { rfc3339 } from '../client/time.ts';

const STRATEGIC_MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

export interface PreemptionActionsOptions {
  core: CoreV1Api;
  schedulerName: string;
  recorder: EventRecorder;
  log: (line: string) => void;
}

function ignoreNotFound(err: unknown): void {
  if (statusCode(err) !== 404) throw err;
}

export class PreemptionActions {
  constructor(private readonly opts: PreemptionActionsOptions) {}

  /** Evict the victims on `node` for `preemptor` and clear the nominations of `demoted`; resolves when all calls are done. */
  async run(preemptor: V1Pod, node: string, victims: V1Pod[], demoted: V1Pod[]): Promise<void> {
    const results = await Promise.allSettled([...victims.map((v) => this.evict(preemptor, node, v)), ...demoted.map((p) => this.clearNomination(p))]);
    for (const r of results) if (r.status === 'rejected') this.opts.log(`preemption on ${node} for ${preemptor.metadata?.name}: ${describeError(r.reason)}`);
  }

  private async evict(preemptor: V1Pod, node: string, victim: V1Pod): Promise<void> {
    const name = victim.metadata?.name ?? '';
    const namespace = victim.metadata?.namespace ?? '';
    const existing = victim.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    if (!(existing?.status === 'True' && existing.reason === 'PreemptionByScheduler')) {
      const cond: Record<string, unknown> = {
        type: 'DisruptionTarget',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: rfc3339(),
        reason: 'PreemptionByScheduler',
        message: `${this.opts.schedulerName}: preempting to accommodate a higher priority pod`,
      };
      if (victim.metadata?.generation !== undefined) cond.observedGeneration = victim.metadata.generation;
      try {
        // Strategic merge keeps the other conditions (merged by type) whoever wrote them last.
        await this.opts.core.patchNamespacedPodStatus({ name, namespace, body: { status: { conditions: [cond] } } }, STRATEGIC_MERGE_PATCH);
      } catch (err) {
        ignoreNotFound(err);
        return;
      }
    }
    try {
      await this.opts.core.deleteNamespacedPod({ name, namespace });
    } catch (err) {
      ignoreNotFound(err);
      return;
    }
    this.preemptedEvent(preemptor, node, victim);
  }

  /** The `Preempted` event on the victim, with the preemptor as the related object (events.k8s.io style). */
  private preemptedEvent(preemptor: V1Pod, node: string, victim: V1Pod): void {
    const pod = { apiVersion: 'v1', kind: 'Pod' };
    const message = `Preempted by pod ${preemptor.metadata?.uid ?? ''} on node ${node}`;
    this.opts.recorder.event(objectRef(victim, pod), 'Normal', 'Preempted', message, 'Preempting', objectRef(preemptor, pod));
  }

  private async clearNomination(pod: V1Pod): Promise<void> {
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? '';
    try {
      await this.opts.core.patchNamespacedPodStatus({ name, namespace, body: { status: { nominatedNodeName: null } } }, MERGE_PATCH);
    } catch (err) {
      ignoreNotFound(err);
    }
  }
}
