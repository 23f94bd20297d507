// What the scheduler tests share: namespaces, Node objects created straight through the API (no
// agent behind them: pods bound there stay Pending, which is all a placement test needs), waiting for
// a pod to be bound or to be reported Unschedulable, and priorities through PriorityClasses.
import assert from 'node:assert/strict';
import { SchedulingV1Api, type CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { waitFor } from '../kubelet/cluster.ts';

let nsCount = 0;

export async function namespace(core: CoreV1Api, prefix: string, labels?: Record<string, string>): Promise<string> {
  const name = `${prefix}-${++nsCount}`;
  await core.createNamespace({ body: { metadata: labels ? { name, labels } : { name } } });
  return name;
}

export interface NodeSpec {
  name: string;
  labels?: Record<string, string>;
  cpu?: string;
  taints?: { key: string; value?: string; effect: string }[];
}

/** Ready Nodes without agents; `kubernetes.io/hostname` is the name unless given. */
export async function createNodes(core: CoreV1Api, specs: NodeSpec[]): Promise<void> {
  for (const s of specs) {
    const allocatable = { cpu: s.cpu ?? '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };
    await core.createNode({
      body: {
        metadata: { name: s.name, labels: { 'kubernetes.io/hostname': s.name, ...s.labels } },
        spec: s.taints ? { taints: s.taints } : {},
        status: {
          capacity: allocatable,
          allocatable,
          conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
        },
      },
    });
  }
}

/** Remove a test's pods (at once: no agent would finish a graceful deletion) and then its nodes. */
export async function cleanup(core: CoreV1Api, namespaces: string[], nodes: string[]): Promise<void> {
  for (const ns of namespaces) await core.deleteCollectionNamespacedPod({ namespace: ns, gracePeriodSeconds: 0 });
  await waitFor('the pods to be gone', async () => {
    for (const ns of namespaces) if ((await core.listNamespacedPod({ namespace: ns })).items.length > 0) return false;
    return true;
  });
  for (const n of nodes) await core.deleteNode({ name: n });
  await waitFor('the nodes to be gone', async () => {
    const names = new Set((await core.listNode()).items.map((n) => n.metadata?.name));
    return nodes.every((n) => !names.has(n));
  });
}

export function pod(name: string, labels: Record<string, string>, spec: Partial<NonNullable<V1Pod['spec']>> = {}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...spec },
  };
}

/** A pod placed by hand (spec.nodeName): it skips the scheduler but counts in its cache. */
export function pinned(name: string, labels: Record<string, string>, node: string, spec: Partial<NonNullable<V1Pod['spec']>> = {}): V1Pod {
  return pod(name, labels, { ...spec, nodeName: node });
}

export function cpu(request: string): Partial<NonNullable<V1Pod['spec']>> {
  return { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: request } } }] };
}

export async function create(core: CoreV1Api, ns: string, ...pods: V1Pod[]): Promise<void> {
  for (const p of pods) await core.createNamespacedPod({ namespace: ns, body: p });
}

export async function boundNode(core: CoreV1Api, ns: string, name: string, timeoutMs?: number): Promise<string> {
  return waitFor(`${ns}/${name} to be bound`, async () => (await core.readNamespacedPod({ name, namespace: ns })).spec?.nodeName, timeoutMs);
}

/**
 * The PodScheduled=False message once it equals `want` (retries may pass through others first), and
 * its FailedScheduling event: one with that note, unless the failure joined an earlier event's series
 * (failures seen at one resourceVersion are one series, keeping the first note, as client-go records).
 */
export async function unschedulable(core: CoreV1Api, ns: string, name: string, want: string): Promise<void> {
  let last = '';
  try {
    await waitFor(`${ns}/${name} to be Unschedulable`, async () => {
      const x = await core.readNamespacedPod({ name, namespace: ns });
      const cond = x.status?.conditions?.find((k) => k.type === 'PodScheduled');
      last = cond?.message ?? '';
      return cond?.status === 'False' && cond.reason === 'Unschedulable' && cond.message === want && x.spec?.nodeName === undefined;
    });
  } catch (err) {
    assert.equal(last, want, (err as Error).message);
  }
  const ev = await waitFor('a FailedScheduling event with the same message', async () => {
    const list = await core.listNamespacedEvent({ namespace: ns, fieldSelector: `involvedObject.name=${name},reason=FailedScheduling` });
    return list.items.find((e) => e.message === want) ?? list.items.find((e) => (e.series?.count ?? 0) >= 2);
  });
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.reportingComponent, 'default-scheduler');
}

/** kube-scheduler's FailedScheduling message after the filters rejected every node. */
export function fit(n: number, filters: string, preemption: string): string {
  return `0/${n} nodes are available: ${filters}. no new claims to deallocate, preemption: 0/${n} nodes are available: ${preemption}.`;
}

/**
 * Priorities for test pods. With PriorityClasses served (and the Priority admission resolving them),
 * a class per value; otherwise the values are written into the pod spec directly.
 */
export class Priorities {
  private served?: boolean;
  private readonly made = new Set<string>();

  constructor(private readonly kc: KubeConfig) {}

  async spec(value: number, preemptionPolicy?: 'Never'): Promise<Partial<NonNullable<V1Pod['spec']>>> {
    const name = `wh-test-${value}${preemptionPolicy ? '-never' : ''}`;
    if (this.served !== false && !this.made.has(name)) {
      try {
        await this.kc.makeApiClient(SchedulingV1Api).createPriorityClass({
          body: { metadata: { name }, value, ...(preemptionPolicy ? { preemptionPolicy } : {}) },
        });
        this.served = true;
        this.made.add(name);
      } catch (err) {
        const code = (err as { code?: number }).code;
        if (code === 409) this.made.add(name);
        else if (code === 404) this.served = false;
        else throw err;
      }
    }
    if (this.served === false) return { priority: value, ...(preemptionPolicy ? { preemptionPolicy } : {}) };
    return { priorityClassName: name };
  }
}

/** Waits until `count` nodes report Ready. */
export async function readyNodes(core: CoreV1Api, count: number): Promise<void> {
  await waitFor(`${count} Ready nodes`, async () => {
    const list = await core.listNode();
    return list.items.filter((n) => n.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True').length === count;
  });
}
