// VolumeBinding's PreBind (volumebinding.BindPodVolumes): writes what Filter decided for the chosen
// node — a claimRef on each chosen static volume, the selected-node annotation on each claim to
// provision — then waits, reading the scheduler's informers, until the PV controller has bound every
// claim. The pod's binding waits for it; a failure sends the pod back to the queue.
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { MERGE_PATCH } from '../client/clients.ts';
import { ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE, isClaimFullyBound } from '../client/pv-match.ts';
import type { Listers } from './listers.ts';
import type { VolumeDecisions } from './plugins/volume-binding.ts';

export interface PreBindOptions {
  /** --bind-timeout-seconds of the plugin's args (upstream 600 s). */
  timeoutMs: number;
  pollMs: number;
  /** Give up early: the scheduler stopped or the pod went away. */
  abandoned: () => boolean;
}

export function needsPreBind(d: VolumeDecisions | undefined): d is VolumeDecisions {
  return !!d && d.bindings.length + d.provisions.length > 0;
}

export async function preBindVolumes(core: CoreV1Api, listers: Listers, pod: V1Pod, host: string, d: VolumeDecisions, opts: PreBindOptions): Promise<void> {
  const ns = pod.metadata?.namespace ?? '';
  for (const { pvc, pv } of d.bindings) {
    const next = structuredClone(pv);
    next.spec = {
      ...next.spec,
      claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: ns, name: pvc.metadata?.name, uid: pvc.metadata?.uid, resourceVersion: pvc.metadata?.resourceVersion },
    };
    next.metadata = { ...next.metadata, annotations: { ...next.metadata?.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' } };
    await core.replacePersistentVolume({ name: pv.metadata!.name!, body: next });
  }
  for (const pvc of d.provisions) {
    if (pvc.metadata?.annotations?.[ANN_SELECTED_NODE] === host) continue;
    // A merge patch: the claim's other fields may have moved on since the informer's copy.
    await core.patchNamespacedPersistentVolumeClaim({ name: pvc.metadata!.name!, namespace: ns, body: { metadata: { annotations: { [ANN_SELECTED_NODE]: host } } } }, MERGE_PATCH);
  }
  const names = [...d.bindings.map((b) => b.pvc), ...d.provisions].map((c) => c.metadata?.name ?? '');
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.abandoned()) throw new Error('binding volumes: pod is no longer waiting');
    let pending = false;
    for (const name of names) {
      const c = listers.pvc(ns, name);
      if (!c) throw new Error(`binding volumes: persistentvolumeclaim "${name}" not found`);
      if (!isClaimFullyBound(c)) pending = true;
    }
    if (!pending) return;
    if (Date.now() > deadline) throw new Error('binding volumes: context deadline exceeded');
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
}
