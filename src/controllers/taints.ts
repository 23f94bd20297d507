// Taints and tolerations as the node controllers use them (upstream pkg/util/taints, the core/v1
// helper's GetMatchingTolerations and Toleration.ToleratesTaint, and pkg/controller's
// AddOrUpdateTaintOnNode / RemoveTaintOffNode): taints are the same taint when key and effect agree;
// writes go through the API with the node's resourceVersion as precondition and are retried on conflict.
import type { CoreV1Api, V1Node, V1Taint, V1Toleration } from '@kubernetes/client-node';
import { MERGE_PATCH, isConflict, isNotFound } from '../client/clients.ts';
import { rfc3339, wireString } from '../client/time.ts';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

export interface TaintTemplate {
  key: string;
  effect: string;
  value?: string;
}

/** Taint.MatchTaint: same key and effect. */
export function matchTaint(a: TaintTemplate, b: TaintTemplate): boolean {
  return a.key === b.key && a.effect === b.effect;
}

export function taintExists(taints: readonly V1Taint[] | undefined, t: TaintTemplate): boolean {
  return (taints ?? []).some((x) => matchTaint(x, t));
}

/** Toleration.ToleratesTaint. */
export function toleratesTaint(tol: V1Toleration, taint: V1Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.key && tol.key !== taint.key) return false;
  switch (tol.operator ?? '') {
    case '':
    case 'Equal':
      return (tol.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** v1helper.GetMatchingTolerations: whether every taint is tolerated, and the first toleration matching each. */
export function matchingTolerations(taints: readonly V1Taint[], tolerations: readonly V1Toleration[] | undefined): { all: boolean; used: V1Toleration[] } {
  if (taints.length === 0) return { all: true, used: [] };
  const tols = tolerations ?? [];
  const used: V1Toleration[] = [];
  for (const taint of taints) {
    const t = tols.find((tol) => toleratesTaint(tol, taint));
    if (!t) return { all: false, used: [] };
    used.push(t);
  }
  return { all: true, used };
}

/** getMinTolerationTime: the smallest tolerationSeconds in ms; 0 for none given or any ≤ 0; -1 when all tolerate forever. */
export function minTolerationMs(tolerations: readonly V1Toleration[]): number {
  if (tolerations.length === 0) return 0;
  let min = Infinity;
  for (const t of tolerations) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

export function noExecuteTaints(taints: readonly V1Taint[] | undefined): V1Taint[] {
  return (taints ?? []).filter((t) => t.effect === 'NoExecute');
}

/** TaintSetDiff: taints of `want` not in `have`, and of `have` not in `want` (by key and effect). */
export function taintSetDiff(want: readonly TaintTemplate[], have: readonly TaintTemplate[]): { add: TaintTemplate[]; remove: TaintTemplate[] } {
  return {
    add: want.filter((w) => !have.some((h) => matchTaint(w, h))),
    remove: have.filter((h) => !want.some((w) => matchTaint(w, h))),
  };
}

/** A taint as it goes on the wire (timeAdded in whole seconds). */
function wireTaint(t: V1Taint): Record<string, unknown> {
  const out: Record<string, unknown> = { key: t.key, effect: t.effect };
  if (t.value) out.value = t.value;
  const added = wireString(t.timeAdded as Date | string | undefined);
  if (added) out.timeAdded = added;
  return out;
}

const CONFLICT_RETRIES = 5;

/**
 * Rewrite a node's taints with `change` (which returns undefined when nothing is to be done), on the
 * latest node read from the API (the first attempt may use `cached`), guarded by its resourceVersion.
 * Resolves true when a write happened; a node that is gone is no error.
 */
async function changeTaints(core: CoreV1Api, name: string, cached: V1Node | undefined, change: (taints: V1Taint[]) => V1Taint[] | undefined): Promise<boolean> {
  let node = cached;
  for (let attempt = 0; ; attempt++) {
    try {
      node ??= await core.readNode({ name });
      const next = change([...(node.spec?.taints ?? [])]);
      if (!next) return false;
      const body = { metadata: { resourceVersion: node.metadata?.resourceVersion }, spec: { taints: next.length ? next.map(wireTaint) : null } };
      await core.patchNode({ name, body }, MERGE_PATCH);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      if (!isConflict(err) || attempt >= CONFLICT_RETRIES) throw err;
      node = undefined;
    }
  }
}

/** controller.AddOrUpdateTaintOnNode (with SwapNodeControllerTaint's timeAdded = now), then RemoveTaintOffNode. */
export async function swapNodeTaints(core: CoreV1Api, node: V1Node, add: readonly TaintTemplate[], remove: readonly TaintTemplate[]): Promise<boolean> {
  const name = node.metadata?.name ?? '';
  const now = rfc3339();
  let cached: V1Node | undefined = node;
  if (add.length) {
    await changeTaints(core, name, undefined, (taints) => {
      let updated = false;
      for (const t of add) {
        const fresh: V1Taint = { key: t.key, effect: t.effect, ...(t.value ? { value: t.value } : {}), timeAdded: now as unknown as Date };
        const i = taints.findIndex((x) => matchTaint(x, t));
        if (i >= 0) {
          // Present already (timeAdded aside): leave it, so its timeAdded stays.
          if ((taints[i]!.value ?? '') === (t.value ?? '')) continue;
          taints[i] = fresh;
        } else taints.push(fresh);
        updated = true;
      }
      return updated ? taints : undefined;
    });
    cached = undefined;
  }
  if (remove.length) {
    // RemoveTaintOffNode first looks at the node it was given: nothing to remove, no call.
    if (cached && !remove.some((r) => taintExists(cached!.spec?.taints, r))) return true;
    await changeTaints(core, name, undefined, (taints) => {
      const kept = taints.filter((x) => !remove.some((r) => matchTaint(x, r)));
      return kept.length === taints.length ? undefined : kept;
    });
  }
  return true;
}

/** controller.RemoveTaintOffNode. */
export async function removeNodeTaints(core: CoreV1Api, node: V1Node, remove: readonly TaintTemplate[]): Promise<boolean> {
  if (!remove.some((r) => taintExists(node.spec?.taints, r))) return false;
  return changeTaints(core, node.metadata?.name ?? '', undefined, (taints) => {
    const kept = taints.filter((x) => !remove.some((r) => matchTaint(x, r)));
    return kept.length === taints.length ? undefined : kept;
  });
}
