// The work of the RuntimeClass admission plugin on a pod being created: the class's pod overhead and
// scheduling constraints are copied onto the pod, and pods that disagree with their class are refused.
import type { KObject } from '../../api/types.ts';
import { parseQuantity } from '../../api/quantity.ts';
import { type Obj, deepEqual, isObj, obj, objs, str, strMap } from '../core/util.ts';

export type RuntimeClassLookup = (name: string) => Promise<KObject | undefined>;

export const OVERHEAD_MISMATCH = "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead";
export const OVERHEAD_WITHOUT_CLASS = 'pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead';

export const classNotFound = (name: string) => `pod rejected: RuntimeClass "${name}" not found`;

/** The class's fixed pod overhead ({} when it states an overhead without resources), or undefined without one. */
function classOverhead(rc: KObject): Obj | undefined {
  return isObj(rc.overhead) ? obj(rc.overhead.podFixed) : undefined;
}

function isEmpty(resources: unknown): boolean {
  return !isObj(resources) || Object.keys(resources).length === 0;
}

/** Resource lists equal as quantities ("100m" and "0.1" are one value), as apiequality.Semantic compares them. */
function sameResources(a: Obj, b: Obj): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => k in b && parseQuantity(a[k]) === parseQuantity(b[k]));
}

/** Whether toleration `ss` tolerates everything `t` does (pkg/util/tolerations isSuperset). */
function isSuperset(ss: Obj, t: Obj): boolean {
  if (deepEqual(t, ss)) return true;
  const ssKey = str(ss.key);
  if (str(t.key) !== ssKey && (ssKey !== '' || str(ss.operator) !== 'Exists')) return false;
  if (str(t.effect) !== str(ss.effect) && str(ss.effect) !== '') return false;
  if (str(ss.effect) === 'NoExecute' && typeof ss.tolerationSeconds === 'number') {
    if (typeof t.tolerationSeconds !== 'number' || t.tolerationSeconds > ss.tolerationSeconds) return false;
  }
  const op = str(ss.operator);
  if (op === 'Equal' || op === '') return str(t.operator) === 'Equal' && str(t.value) === str(ss.value);
  return op === 'Exists';
}

/** MergeTolerations: the union, dropping any toleration another one already covers (the first of equals wins). */
export function mergeTolerations(first: Obj[], second: Obj[]): Obj[] {
  const all = [...first, ...second];
  const merged: Obj[] = [];
  all.forEach((t, i) => {
    if (merged.some((m) => isSuperset(m, t))) return;
    if (all.slice(i + 1).some((t2) => !deepEqual(t, t2) && isSuperset(t2, t))) return;
    merged.push(t);
  });
  return merged;
}

/**
 * The mutating half: returns a refusal message, or undefined once the pod carries the class's overhead,
 * node selector and tolerations. `rc` is undefined when the pod names no class.
 */
export function applyRuntimeClass(pod: KObject, rc: KObject | undefined): string | undefined {
  if (!rc) return undefined;
  const spec = obj(pod.spec);
  pod.spec = spec;
  const overhead = classOverhead(rc);
  if (overhead) {
    if (!isEmpty(spec.overhead) && !sameResources(overhead, obj(spec.overhead))) return OVERHEAD_MISMATCH;
    if (Object.keys(overhead).length > 0) spec.overhead = structuredClone(overhead);
    else delete spec.overhead;
  }
  if (isObj(rc.scheduling)) {
    const fromClass = strMap(rc.scheduling.nodeSelector);
    if (!isObj(spec.nodeSelector)) {
      if (isObj(rc.scheduling.nodeSelector)) spec.nodeSelector = { ...fromClass };
    } else {
      const selector = spec.nodeSelector;
      for (const [key, value] of Object.entries(fromClass)) {
        const podValue = selector[key];
        if (podValue !== undefined && podValue !== value) {
          return `conflict: runtimeClass.scheduling.nodeSelector[${key}] = ${value}; pod.spec.nodeSelector[${key}] = ${str(podValue)}`;
        }
        selector[key] = value;
      }
    }
    const merged = mergeTolerations(objs(spec.tolerations), objs(rc.scheduling.tolerations).map((t) => structuredClone(t)));
    if (merged.length > 0) spec.tolerations = merged;
  }
  return undefined;
}

/** The validating half, on the finished pod: an overhead it carries must be exactly its class's. */
export function checkOverhead(pod: KObject, rc: KObject | undefined): string | undefined {
  const podOverhead = obj(pod.spec).overhead;
  if (isEmpty(podOverhead)) return undefined;
  const overhead = rc ? classOverhead(rc) : undefined;
  if (!overhead) return OVERHEAD_WITHOUT_CLASS;
  return sameResources(overhead, obj(podOverhead)) ? undefined : OVERHEAD_MISMATCH;
}
