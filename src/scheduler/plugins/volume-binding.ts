// VolumeBinding (pkg/scheduler/framework/plugins/volumebinding), for a cluster without storage
// classes or a PV controller: every claim binds immediately (IsDelayBindingMode is false when the
// class cannot be found), so an unbound claim keeps the pod Pending until something binds it, and a
// bound claim limits the pod to the nodes its volume's node affinity allows.
import type { V1PersistentVolume, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import type { Listers } from '../listers.ts';
import type { NodeInfo } from '../cache.ts';
import type { FilterStatus } from '../status.ts';
import { matchTerm } from './node.ts';

export const REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
/** ErrReasonNodeConflict since kubernetes#129887 (1.33; before: "node(s) had volume node affinity conflict"). */
export const REASON_NODE_CONFLICT = "node(s) didn't match PersistentVolume's node affinity";
export const REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';

const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';

export interface VolumeState {
  /** Bound claims, each with the name of its volume. */
  bound: V1PersistentVolumeClaim[];
}

export type VolumePreFilter = { state?: VolumeState } | { reject: FilterStatus };

function reject(message: string): { reject: FilterStatus } {
  return { reject: { code: 'UnschedulableAndUnresolvable', reasons: [message], plugin: 'VolumeBinding' } };
}

/**
 * Fully bound: it names its volume and the binding finished (the PV controller's annotation, or the
 * Bound phase, which is all a cluster without that controller has to go by).
 */
function isBound(pvc: V1PersistentVolumeClaim): boolean {
  if (!pvc.spec?.volumeName) return false;
  return pvc.metadata?.annotations?.[ANN_BIND_COMPLETED] !== undefined || pvc.status?.phase === 'Bound';
}

/** PreFilter (podHasPVCs, then GetPodVolumeClaims); no state when the pod has no claims (Skip). */
export function volumePreFilter(pod: V1Pod, listers: Listers): VolumePreFilter {
  const ns = pod.metadata?.namespace ?? '';
  const claims: V1PersistentVolumeClaim[] = [];
  for (const vol of pod.spec?.volumes ?? []) {
    let name: string;
    let ephemeral = false;
    if (vol.persistentVolumeClaim) name = vol.persistentVolumeClaim.claimName;
    else if (vol.ephemeral) {
      name = `${pod.metadata?.name ?? ''}-${vol.name}`;
      ephemeral = true;
    } else continue;
    const pvc = listers.pvc(ns, name);
    if (!pvc) {
      // Normal right after creating a pod with a generic ephemeral volume: the controller makes the claim.
      return reject(ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${name}"` : `persistentvolumeclaim "${name}" not found`);
    }
    if (pvc.status?.phase === 'Lost') return reject(`persistentvolumeclaim "${name}" bound to non-existent persistentvolume "${pvc.spec?.volumeName ?? ''}"`);
    if (pvc.metadata?.deletionTimestamp) return reject(`persistentvolumeclaim "${name}" is being deleted`);
    if (ephemeral && !pvc.metadata?.ownerReferences?.some((o) => o.controller && o.uid === pod.metadata?.uid)) {
      return reject(`PVC ${ns}/${name} was not created for pod ${ns}/${pod.metadata?.name ?? ''} (pod is not owner)`);
    }
    claims.push(pvc);
  }
  if (claims.length === 0) return {};
  if (claims.some((c) => !isBound(c))) return reject(REASON_UNBOUND_IMMEDIATE);
  return { state: { bound: claims } };
}

/** volume.CheckNodeAffinity: the node (by its labels alone) must match one of the required terms. */
function volumeFitsNode(pv: V1PersistentVolume, labels: Record<string, string>): boolean {
  const required = pv.spec?.nodeAffinity?.required;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => matchTerm(t, labels, undefined));
}

/** Filter (FindPodVolumes → checkBoundClaims). */
export function volumeFilter(s: VolumeState, ni: NodeInfo, listers: Listers): FilterStatus | undefined {
  let conflict = false;
  let missing = false;
  for (const pvc of s.bound) {
    const pv = listers.pv(pvc.spec!.volumeName!);
    if (!pv) {
      missing = true;
      break;
    }
    if (!volumeFitsNode(pv, ni.labels)) {
      conflict = true;
      break;
    }
  }
  if (!conflict && !missing) return undefined;
  return { code: 'UnschedulableAndUnresolvable', reasons: [conflict ? REASON_NODE_CONFLICT : REASON_PV_NOT_EXIST], plugin: 'VolumeBinding' };
}
