// Claim-to-volume matching shared by the PV binder controller and the scheduler's VolumeBinding
// plugin, as upstream shares pkg/controller/volume/persistentvolume/util (FindMatchingVolume,
// CheckAccessModes, IsVolumeBoundToClaim) and the annotation names both sides write.
import type { V1PersistentVolume, V1PersistentVolumeClaim, V1StorageClass } from '@kubernetes/client-node';
import { parseQuantity } from '../api/quantity.ts';
import { labelSelectorFromSpec } from '../selectors/labels.ts';

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_DYNAMICALLY_PROVISIONED = 'pv.kubernetes.io/provisioned-by';
const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
/** The provisioner name of classes for pre-created local volumes: nothing may be provisioned for them. */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** GetPersistentVolumeClaimClass: the beta annotation wins over the field. */
export function claimClass(pvc: V1PersistentVolumeClaim): string {
  return pvc.metadata?.annotations?.[BETA_CLASS_ANNOTATION] ?? pvc.spec?.storageClassName ?? '';
}

/** GetPersistentVolumeClass */
export function volumeClass(pv: V1PersistentVolume): string {
  return pv.metadata?.annotations?.[BETA_CLASS_ANNOTATION] ?? pv.spec?.storageClassName ?? '';
}

export function requestedStorage(pvc: V1PersistentVolumeClaim): number {
  return parseQuantity(pvc.spec?.resources?.requests?.storage) ?? 0;
}

export function volumeStorage(pv: V1PersistentVolume): number {
  return parseQuantity(pv.spec?.capacity?.storage) ?? 0;
}

/** isPVCFullyBound / the scheduler's isVolumeBound: it names its volume and the binder finished. */
export function isClaimFullyBound(pvc: V1PersistentVolumeClaim): boolean {
  return !!pvc.spec?.volumeName && pvc.metadata?.annotations?.[ANN_BIND_COMPLETED] !== undefined;
}

/** IsDelayBindingMode: the claim's class exists and waits for the first consumer. */
export function isDelayBinding(pvc: V1PersistentVolumeClaim, classOf: (name: string) => V1StorageClass | undefined): boolean {
  const name = claimClass(pvc);
  if (!name) return false;
  return classOf(name)?.volumeBindingMode === 'WaitForFirstConsumer';
}

/** IsVolumeBoundToClaim: the volume's claimRef names this claim (a claimRef without uid is a pre-binding). */
export function isVolumeBoundToClaim(pv: V1PersistentVolume, pvc: V1PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== pvc.metadata?.name || ref.namespace !== pvc.metadata?.namespace) return false;
  return !ref.uid || ref.uid === pvc.metadata?.uid;
}

/** CheckAccessModes: the volume offers every mode the claim asks for. */
export function checkAccessModes(pvc: V1PersistentVolumeClaim, pv: V1PersistentVolume): boolean {
  const offered = new Set(pv.spec?.accessModes ?? []);
  return (pvc.spec?.accessModes ?? []).every((m) => offered.has(m));
}

/** CheckVolumeModeMismatches (an unset mode is Filesystem). */
export function volumeModeMismatch(pvc: V1PersistentVolumeClaim, pv: V1PersistentVolume): boolean {
  return (pvc.spec?.volumeMode ?? 'Filesystem') !== (pv.spec?.volumeMode ?? 'Filesystem');
}

export interface MatchOptions {
  /** The scheduler's node check (volume node affinity); absent in the PV controller. */
  nodeFits?: (pv: V1PersistentVolume) => boolean;
  /** The claim's class delays binding: without a node only volumes pre-bound to it match. */
  delayBinding: boolean;
  /** Volumes already chosen for other claims of the same pod. */
  excluded?: ReadonlySet<string>;
}

/**
 * FindMatchingVolume: a volume pre-bound to the claim if there is one, else the smallest Available
 * volume that is large enough and agrees on class, selector, volume mode, access modes and node.
 */
export function findMatchingVolume(pvc: V1PersistentVolumeClaim, volumes: Iterable<V1PersistentVolume>, opts: MatchOptions): V1PersistentVolume | undefined {
  const requested = requestedStorage(pvc);
  const wantedClass = claimClass(pvc);
  let selector: ReturnType<typeof labelSelectorFromSpec> | undefined;
  try {
    selector = pvc.spec?.selector ? labelSelectorFromSpec(pvc.spec.selector) : undefined;
  } catch {
    return undefined;
  }
  const nodeKnown = opts.nodeFits !== undefined;
  let best: V1PersistentVolume | undefined;
  for (const pv of volumes) {
    const name = pv.metadata?.name ?? '';
    if (opts.excluded?.has(name)) continue;
    const size = volumeStorage(pv);
    if (size < requested) continue;
    if (volumeModeMismatch(pvc, pv)) continue;
    if (pv.metadata?.deletionTimestamp) continue;
    const fitsNode = opts.nodeFits?.(pv) ?? true;
    if (isVolumeBoundToClaim(pv, pvc)) return fitsNode ? pv : undefined;
    if (!nodeKnown && opts.delayBinding) continue;
    if (pv.status?.phase !== 'Available' || pv.spec?.claimRef) continue;
    if (selector && !selector.matches(pv.metadata?.labels ?? {})) continue;
    if (volumeClass(pv) !== wantedClass) continue;
    if (!fitsNode) continue;
    if (nodeKnown && !checkAccessModes(pvc, pv)) continue;
    if (!best || volumeStorage(best) > size) best = pv;
  }
  return best;
}

/** storageutil.IsDefaultAnnotation */
function isDefaultClass(sc: V1StorageClass): boolean {
  const ann = sc.metadata?.annotations ?? {};
  return ann['storageclass.kubernetes.io/is-default-class'] === 'true' || ann['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

/** GetDefaultClass: with several defaults, the newest (then the first by name). */
export function defaultStorageClass(classes: Iterable<V1StorageClass>): V1StorageClass | undefined {
  let best: V1StorageClass | undefined;
  const created = (sc: V1StorageClass) => sc.metadata?.creationTimestamp?.getTime() ?? 0;
  for (const sc of classes) {
    if (!isDefaultClass(sc)) continue;
    if (!best || created(sc) > created(best) || (created(sc) === created(best) && (sc.metadata?.name ?? '') < (best.metadata?.name ?? ''))) best = sc;
  }
  return best;
}

/** Whether the claim names no class at all (an empty name is a choice: "no class"). */
export function claimHasNoClass(pvc: V1PersistentVolumeClaim): boolean {
  const cls = pvc.spec?.storageClassName;
  return (cls === undefined || cls === null) && pvc.metadata?.annotations?.[BETA_CLASS_ANNOTATION] === undefined;
}
