// The disruption controller (kube-controller-manager's disruption-controller, pkg/controller/disruption):
// keeps every PodDisruptionBudget's status in step with the pods it selects, so that the eviction
// subresource can decide from the status alone. desiredHealthy comes from minAvailable, or from
// maxUnavailable / a percentage against the summed scale of the pods' controllers; currentHealthy
// counts ready pods that are neither being deleted nor recently evicted (status.disruptedPods, which
// the eviction subresource fills and this controller prunes once DELETION_TIMEOUT has passed).
// Pods that an eviction marked DisruptionTarget but that were never deleted get the condition
// turned False again after the same timeout.
import type { V1OwnerReference, V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import {
  DELETION_TIMEOUT_MS,
  DISRUPTION_ALLOWED,
  SYNC_FAILED,
  conditionsAreUpToDate,
  setCondition,
  updateDisruptionAllowedCondition,
  type PdbStatus,
} from '../api/disruption.ts';
import { describeError, isConflict, isNotFound } from '../client/clients.ts';
import { EventRecorder, objectRef } from '../client/events.ts';
import type { Informer } from '../client/informer.ts';
import { epochMs, rfc3339 } from '../client/time.ts';
import { WorkQueue } from '../client/workqueue.ts';
import { labelSelectorFromSpec, type LabelSelector } from '../selectors/labels.ts';
import type { Controller, ControllerContext } from './controller.ts';
import { controllerOf, isPodReady, objKey, splitKey, STRATEGIC_MERGE_PATCH } from './pod-control.ts';
import { ResourceClient } from './resource-client.ts';

type Json = Record<string, unknown>;

interface Budget {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; uid?: string; generation?: number; resourceVersion?: string } & Json;
  spec?: { minAvailable?: number | string; maxUnavailable?: number | string; selector?: Json | null };
  status?: PdbStatus;
}

interface Scaled {
  uid: string;
  replicas: number;
}

/** Controller kinds served here without a scale subresource, as upstream's REST mapping names them. */
const UNSCALABLE: Record<string, string> = {
  'apps/DaemonSet': 'apps/v1, Resource=daemonsets',
  'batch/Job': 'batch/v1, Resource=jobs',
  'batch/CronJob': 'batch/v1, Resource=cronjobs',
};

/** The JSON form of an informer object, times back in whole-second RFC 3339. */
function plain(pdb: V1PodDisruptionBudget): Budget {
  const json = ObjectSerializer.serialize(pdb, 'V1PodDisruptionBudget', '') as Budget;
  const st = json.status;
  for (const c of st?.conditions ?? []) if (c.lastTransitionTime) c.lastTransitionTime = rfc3339(Date.parse(c.lastTransitionTime));
  if (st?.disruptedPods) {
    for (const [k, v] of Object.entries(st.disruptedPods)) st.disruptedPods[k] = rfc3339(Date.parse(v));
  }
  return json;
}

/** intstr.GetScaledValueFromIntOrPercent with rounding up, as both bounds use it. */
function scaled(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid value ${JSON.stringify(v)}`);
  return Math.ceil((Number(m[1]) * total) / 100);
}

/** The metav1.LabelSelector String() form the UnmanagedPods event prints. */
function selectorText(sel: Json | null | undefined): string {
  if (!sel) return 'nil';
  const labels = Object.entries((sel.matchLabels as Record<string, string> | undefined) ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}: ${v},`)
    .join('');
  const exprs = ((sel.matchExpressions as { key: string; operator: string; values?: string[] }[] | undefined) ?? [])
    .map((e) => `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],},`)
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}

function groupOf(ref: V1OwnerReference): string {
  const i = ref.apiVersion.indexOf('/');
  return i < 0 ? '' : ref.apiVersion.slice(0, i);
}

function sameStatus(a: PdbStatus, b: PdbStatus): boolean {
  const pods = (s: PdbStatus) => JSON.stringify(Object.entries(s.disruptedPods ?? {}).sort(([x], [y]) => (x < y ? -1 : 1)));
  return (
    (a.currentHealthy ?? 0) === (b.currentHealthy ?? 0) &&
    (a.desiredHealthy ?? 0) === (b.desiredHealthy ?? 0) &&
    (a.expectedPods ?? 0) === (b.expectedPods ?? 0) &&
    (a.disruptionsAllowed ?? 0) === (b.disruptionsAllowed ?? 0) &&
    pods(a) === pods(b)
  );
}

export class DisruptionController implements Controller {
  private readonly budgets: Informer<V1PodDisruptionBudget>;
  private readonly pods: Informer<V1Pod>;
  private readonly queue = new WorkQueue<string>({ baseDelayMs: 5, maxDelayMs: 60_000, name: 'disruption' });
  private readonly staleQueue = new WorkQueue<string>({ baseDelayMs: 5, maxDelayMs: 60_000, name: 'disruption_recheck' });
  private readonly recorder: EventRecorder;
  private readonly dynamic: ResourceClient;
  private running: Promise<void>[] = [];

  constructor(private readonly ctx: ControllerContext) {
    this.budgets = ctx.informers.get('poddisruptionbudgets');
    this.pods = ctx.informers.get('pods');
    // Read through the caches, as upstream's listers; their changes reach budgets through the pods.
    for (const r of ['replicasets', 'deployments', 'statefulsets', 'replicationcontrollers'] as const) ctx.informers.get(r);
    this.recorder = new EventRecorder(ctx.clients.core, { component: 'controllermanager', style: 'legacy' });
    this.dynamic = new ResourceClient(ctx.kubeConfig);
    this.budgets.on('add', (b) => this.queue.add(objKey(b)));
    this.budgets.on('update', (b) => this.queue.add(objKey(b)));
    this.pods.on('add', (p) => this.podChanged(p));
    this.pods.on('update', (p, old) => {
      this.podChanged(p);
      // A pod whose labels moved may have left a budget.
      if (old && JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(p.metadata?.labels ?? {})) this.podChanged(old);
    });
    this.pods.on('delete', (p) => this.podChanged(p));
  }

  async start(): Promise<void> {
    for (const b of this.budgets.list()) this.queue.add(objKey(b));
    for (const p of this.pods.list()) this.checkStaleDisruption(p);
    const onError = (what: string) => (key: string, err: unknown) => this.ctx.log(`disruption-controller: ${what} ${key}: ${describeError(err)}`);
    this.running = [
      this.queue.run(1, (key) => this.sync(key), onError('sync')),
      this.staleQueue.run(1, (key) => this.syncStaleDisruption(key), onError('stale pod disruption')),
    ];
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    this.staleQueue.shutDown();
    await Promise.all(this.running);
    await this.recorder.close();
    this.dynamic.close();
  }

  private podChanged(pod: V1Pod): void {
    const ns = pod.metadata?.namespace ?? '';
    for (const b of this.budgets.list(ns)) {
      if (this.selector(plain(b))?.matches(pod.metadata?.labels ?? {})) this.queue.add(objKey(b));
    }
    this.checkStaleDisruption(pod);
  }

  /** nil selects nothing; policy/v1's {} everything; an unparsable one nothing. */
  private selector(b: Budget): LabelSelector | undefined {
    const sel = b.spec?.selector;
    if (!sel) return undefined;
    try {
      return labelSelectorFromSpec(sel);
    } catch {
      return undefined;
    }
  }

  private podsFor(b: Budget): V1Pod[] {
    const sel = this.selector(b);
    if (!sel) return [];
    return this.pods.list(b.metadata.namespace).filter((p) => sel.matches(p.metadata?.labels ?? {}));
  }

  private async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.budgets.get(name, namespace);
    if (!cached) return;
    const b = plain(cached);
    try {
      await this.trySync(key, b);
    } catch (err) {
      // A conflict only means a newer budget is on its way through the informer.
      if (isConflict(err)) throw err;
      this.ctx.log(`disruption-controller: failed to sync PDB ${key}: ${describeError(err)}`);
      await this.failSafe(b, err instanceof Error ? err.message : String(err));
    }
  }

  private async trySync(key: string, b: Budget): Promise<void> {
    const pods = this.podsFor(b);
    if (pods.length === 0) this.event(b, 'Normal', 'NoPods', 'No matching pods found');
    let counts: { expected: number; desired: number; unmanaged: string[] };
    try {
      counts = this.expectedPodCount(b, pods);
    } catch (err) {
      this.event(b, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(err as Error).message}`);
      throw err;
    }
    if (counts.unmanaged.length > 0) {
      this.event(
        b,
        'Warning',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${selectorText(b.spec?.selector)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
      );
    }
    const now = Date.now();
    const { disrupted, recheckAt } = this.disruptedPods(b, pods, now);
    const healthy = pods.filter((p) => !p.metadata?.deletionTimestamp && !(p.metadata?.name! in disrupted) && isPodReady(p)).length;
    await this.updateStatus(b, healthy, counts.desired, counts.expected, disrupted);
    if (recheckAt !== undefined) this.queue.addAfter(key, recheckAt - now);
  }

  /** getExpectedPodCount: what the budget protects, and against how many pods it counts. */
  private expectedPodCount(b: Budget, pods: V1Pod[]): { expected: number; desired: number; unmanaged: string[] } {
    const { minAvailable, maxUnavailable } = b.spec ?? {};
    if (maxUnavailable !== undefined && maxUnavailable !== null) {
      const { expected, unmanaged } = this.expectedScale(pods);
      return { expected, desired: Math.max(0, expected - scaled(maxUnavailable, expected)), unmanaged };
    }
    if (typeof minAvailable === 'number') return { expected: pods.length, desired: minAvailable, unmanaged: [] };
    if (typeof minAvailable === 'string') {
      const { expected, unmanaged } = this.expectedScale(pods);
      return { expected, desired: scaled(minAvailable, expected), unmanaged };
    }
    return { expected: 0, desired: 0, unmanaged: [] };
  }

  /** getExpectedScale: the summed scale of the pods' controllers, each counted once. */
  private expectedScale(pods: V1Pod[]): { expected: number; unmanaged: string[] } {
    const scales = new Map<string, number>();
    const unmanaged: string[] = [];
    for (const pod of pods) {
      const ref = controllerOf(pod);
      if (!ref) {
        unmanaged.push(pod.metadata?.name ?? '');
        continue;
      }
      if (scales.has(ref.uid)) continue;
      const found = this.controllerScale(ref, pod.metadata?.namespace ?? '');
      if (!found) throw new Error(`found no controllers for pod ${JSON.stringify(pod.metadata?.name ?? '')}`);
      scales.set(found.uid, found.replicas);
    }
    let expected = 0;
    for (const n of scales.values()) expected += n;
    return { expected, unmanaged };
  }

  /** The finders upstream tries in turn: ReplicaSet (not under a Deployment), Deployment, RC, StatefulSet. */
  private controllerScale(ref: V1OwnerReference, namespace: string): Scaled | undefined {
    const group = groupOf(ref);
    const apps = group === 'apps' || group === 'extensions';
    if (ref.kind === 'ReplicaSet' && apps) {
      const rs = this.ctx.informers.get('replicasets').get(ref.name, namespace);
      if (!rs || rs.metadata?.uid !== ref.uid) return undefined;
      const owner = controllerOf(rs);
      if (owner?.kind === 'Deployment') {
        const d = this.ctx.informers.get('deployments').get(owner.name, namespace);
        if (!d || d.metadata?.uid !== owner.uid) return undefined;
        return { uid: owner.uid, replicas: d.spec?.replicas ?? 1 };
      }
      return { uid: ref.uid, replicas: rs.spec?.replicas ?? 1 };
    }
    if (ref.kind === 'ReplicationController' && group === '') {
      const rc = this.ctx.informers.get('replicationcontrollers').get(ref.name, namespace);
      return rc && rc.metadata?.uid === ref.uid ? { uid: ref.uid, replicas: rc.spec?.replicas ?? 1 } : undefined;
    }
    if (ref.kind === 'StatefulSet' && group === 'apps') {
      const ss = this.ctx.informers.get('statefulsets').get(ref.name, namespace);
      return ss && ss.metadata?.uid === ref.uid ? { uid: ref.uid, replicas: ss.spec?.replicas ?? 1 } : undefined;
    }
    const unscalable = UNSCALABLE[`${group}/${ref.kind}`];
    if (unscalable) throw new Error(`${unscalable} does not implement the scale subresource`);
    throw new Error(`no matches for kind ${JSON.stringify(ref.kind)} in group ${JSON.stringify(group)}`);
  }

  /** buildDisruptedPodMap: evictions still within their deadline, and when the earliest one runs out. */
  private disruptedPods(b: Budget, pods: V1Pod[], now: number): { disrupted: Record<string, string>; recheckAt?: number } {
    const recorded = b.status?.disruptedPods ?? {};
    const disrupted: Record<string, string> = {};
    let recheckAt: number | undefined;
    for (const pod of pods) {
      const name = pod.metadata?.name ?? '';
      const at = recorded[name];
      if (pod.metadata?.deletionTimestamp || at === undefined) continue;
      const deadline = Date.parse(at) + DELETION_TIMEOUT_MS;
      if (deadline < now) {
        this.recorder.event(objectRef(pod, { apiVersion: 'v1', kind: 'Pod' }), 'Warning', 'NotDeleted', `Pod was expected by PDB ${b.metadata.namespace}/${b.metadata.name} to be deleted but it wasn't`);
        continue;
      }
      disrupted[name] = at;
      if (recheckAt === undefined || deadline < recheckAt) recheckAt = deadline;
    }
    return { disrupted, recheckAt };
  }

  /** updatePdbStatus: no disruptions while the budget expects no pods, so new pods start out protected. */
  private async updateStatus(b: Budget, healthy: number, desired: number, expected: number, disrupted: Record<string, string>): Promise<void> {
    let allowed = healthy - desired;
    if (expected <= 0 || allowed <= 0) allowed = 0;
    const generation = b.metadata.generation ?? 0;
    const old = b.status ?? {};
    const next: PdbStatus = {
      observedGeneration: generation,
      disruptedPods: disrupted,
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: expected,
      conditions: structuredClone(old.conditions ?? []),
    };
    if (sameStatus(old, next) && (old.observedGeneration ?? 0) === generation && conditionsAreUpToDate(old, generation)) return;
    updateDisruptionAllowedCondition(next);
    if (Object.keys(disrupted).length === 0) delete next.disruptedPods;
    await this.writeStatus(b, next);
  }

  /** failSafe: when the numbers cannot be worked out, allow nothing and say why. */
  private async failSafe(b: Budget, message: string): Promise<void> {
    const st = structuredClone(b.status ?? {});
    st.disruptionsAllowed = 0;
    setCondition(st, {
      type: DISRUPTION_ALLOWED,
      status: 'False',
      reason: SYNC_FAILED,
      message,
      ...(st.observedGeneration ? { observedGeneration: st.observedGeneration } : {}),
    });
    await this.writeStatus(b, st);
  }

  private async writeStatus(b: Budget, status: PdbStatus): Promise<void> {
    const { namespace, name } = b.metadata;
    await this.dynamic.request('PUT', `/apis/policy/v1/namespaces/${encodeURIComponent(namespace)}/poddisruptionbudgets/${encodeURIComponent(name)}/status`, {
      body: { ...b, apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', status },
    });
  }

  private event(b: Budget, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event(objectRef(b, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' }), type, reason, message);
  }

  /** nonTerminatingPodHasStaleDisruptionCondition: a DisruptionTarget no deletion followed. */
  private staleDisruptionIn(pod: V1Pod, now: number): number | undefined {
    if (pod.metadata?.deletionTimestamp) return undefined;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return undefined;
    const c = pod.status?.conditions?.find((x) => x.type === 'DisruptionTarget');
    if (!c || c.status !== 'True') return undefined;
    const since = epochMs(c.lastTransitionTime) ?? now;
    return since + DELETION_TIMEOUT_MS - now;
  }

  private checkStaleDisruption(pod: V1Pod): void {
    const left = this.staleDisruptionIn(pod, Date.now());
    if (left !== undefined) this.staleQueue.addAfter(objKey(pod), left);
  }

  private async syncStaleDisruption(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.pods.get(name, namespace);
    if (!pod) return;
    const left = this.staleDisruptionIn(pod, Date.now());
    if (left === undefined) return;
    if (left > 0) {
      this.staleQueue.addAfter(key, left);
      return;
    }
    try {
      await this.ctx.clients.core.patchNamespacedPodStatus(
        {
          namespace,
          name,
          body: {
            metadata: { resourceVersion: pod.metadata?.resourceVersion },
            status: { conditions: [{ type: 'DisruptionTarget', status: 'False', lastTransitionTime: rfc3339() }] },
          },
        },
        STRATEGIC_MERGE_PATCH,
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

export const newDisruptionController = (ctx: ControllerContext): Controller => new DisruptionController(ctx);
