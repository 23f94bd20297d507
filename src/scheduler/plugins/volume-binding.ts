// VolumeBinding (pkg/scheduler/framework/plugins/volumebinding). Claims of an Immediate class (or of
// a class that cannot be found, or naming their volume) must be bound before the pod schedules; a
// bound claim limits the pod to the nodes its volume's node affinity allows. Claims of a
// WaitForFirstConsumer class do not hold the pod back: per node, Filter looks for an Available volume
// that fits there (smallest first, never the same one twice for one pod) or, failing that, checks the
// class can provision there; PreBind (`preBindVolumes` in scheduler.ts) then binds the chosen volumes
// (their claimRef) and hands the rest to the provisioner via the claim's selected-node annotation,
// and the pod is bound once the PV controller has bound every claim.
import type { V1PersistentVolume, V1PersistentVolumeClaim, V1Pod, V1TopologySelectorTerm } from '@kubernetes/client-node';
import type { Listers } from '../listers.ts';
import type { NodeInfo } from '../cache.ts';
import type { FilterStatus } from '../status.ts';
import { ANN_BIND_COMPLETED, ANN_SELECTED_NODE, NO_PROVISIONER, claimClass, findMatchingVolume, isDelayBinding } from '../../client/pv-match.ts';
import { matchTerm } from '../../selectors/node-affinity.ts';

export const REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
/** ErrReasonNodeConflict since kubernetes#129887 (1.33; before: "node(s) had volume node affinity conflict"). */
export const REASON_NODE_CONFLICT = "node(s) didn't match PersistentVolume's node affinity";
export const REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";

/** What PreBind does on the chosen node: volumes to pre-bind to claims, claims to provision there. */
export interface VolumeDecisions {
  bindings: { pvc: V1PersistentVolumeClaim; pv: V1PersistentVolume }[];
  provisions: V1PersistentVolumeClaim[];
}

export interface VolumeState {
  /** Bound claims, each with the name of its volume. */
  bound: V1PersistentVolumeClaim[];
  /** Unbound claims of WaitForFirstConsumer classes. */
  delayed: V1PersistentVolumeClaim[];
  /** Filter's findings for the delayed claims, by node name. */
  decisions: Map<string, VolumeDecisions>;
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
  const state: VolumeState = { bound: [], delayed: [], decisions: new Map() };
  for (const c of claims) {
    if (isBound(c)) state.bound.push(c);
    // A claim naming its volume waits for the PV controller like an Immediate one.
    else if (!c.spec?.volumeName && isDelayBinding(c, (n) => listers.storageClass(n))) state.delayed.push(c);
    else return reject(REASON_UNBOUND_IMMEDIATE);
  }
  return { state };
}

/** volume.CheckNodeAffinity: the node (by its labels alone) must match one of the required terms. */
function volumeFitsNode(pv: V1PersistentVolume, labels: Record<string, string>): boolean {
  const required = pv.spec?.nodeAffinity?.required;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => matchTerm(t, labels, undefined));
}

/** MatchTopologySelectorTerms: no terms allow every node; otherwise one term must match all its keys. */
function topologyAllows(terms: V1TopologySelectorTerm[] | undefined, labels: Record<string, string>): boolean {
  if (!terms || terms.length === 0) return true;
  return terms.some((t) => (t.matchLabelExpressions ?? []).every((e) => e.values.includes(labels[e.key] ?? '\u0000')));
}

function conflict(reason: string): FilterStatus {
  return { code: 'UnschedulableAndUnresolvable', reasons: [reason], plugin: 'VolumeBinding' };
}

/** Filter (FindPodVolumes: checkBoundClaims, then findMatchingVolumes and checkVolumeProvisions). */
export function volumeFilter(s: VolumeState, ni: NodeInfo, listers: Listers): FilterStatus | undefined {
  for (const pvc of s.bound) {
    const pv = listers.pv(pvc.spec!.volumeName!);
    if (!pv) return conflict(REASON_PV_NOT_EXIST);
    if (!volumeFitsNode(pv, ni.labels)) return conflict(REASON_NODE_CONFLICT);
  }
  if (s.delayed.length === 0) return undefined;
  const decisions: VolumeDecisions = { bindings: [], provisions: [] };
  const chosen = new Set<string>();
  const toProvision: V1PersistentVolumeClaim[] = [];
  for (const pvc of s.delayed) {
    const selected = pvc.metadata?.annotations?.[ANN_SELECTED_NODE];
    if (selected !== undefined) {
      // Already handed to the provisioner for one node (an earlier attempt): only that node will do.
      if (selected !== ni.name) return conflict(REASON_BIND_CONFLICT);
      decisions.provisions.push(pvc);
      continue;
    }
    const pv = findMatchingVolume(pvc, listers.volumes(), { nodeFits: (v) => volumeFitsNode(v, ni.labels), delayBinding: true, excluded: chosen });
    if (pv) {
      chosen.add(pv.metadata?.name ?? '');
      decisions.bindings.push({ pvc, pv });
    } else toProvision.push(pvc);
  }
  for (const pvc of toProvision) {
    const sc = listers.storageClass(claimClass(pvc));
    if (!sc || sc.provisioner === NO_PROVISIONER || !topologyAllows(sc.allowedTopologies, ni.labels)) return conflict(REASON_BIND_CONFLICT);
    decisions.provisions.push(pvc);
  }
  s.decisions.set(ni.name, decisions);
  return undefined;
}
