// Mirrors of upstream's sig-scheduling conformance tests: preemption of lower-priority pods (plain and by a
// critical pod), node selectors, resource fit, PriorityClass endpoints
// and LimitRange defaults. The simulated nodes have 4 CPUs each. Titles are upstream's codenames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoreV1Api, SchedulingV1Api, type V1LimitRange, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { apiFailure, eventually, MERGE_PATCH, retryOnConflict, suffix, testNamespace, waitForObject, SUITE, type Mirror } from '../support.ts';

/** Registers these mirrors against the file's cluster `m`. */
export function schedulingMirrors(m: Mirror): void {
  const core = () => m.api(CoreV1Api);
  const scheduling = () => m.api(SchedulingV1Api);

  /** Millicores of a CPU quantity (`2`, `500m`). */
  const milli = (q: string | undefined) => (!q ? 0 : q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);

  async function readyNodes(): Promise<V1Node[]> {
    return eventually('all nodes Ready and untainted', async () => {
      const all = (await core().listNode()).items;
      const ok = all.every((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && !(n.spec?.taints ?? []).length);
      return all.length >= 2 && ok ? all : undefined;
    });
  }

  /** CPU still free on each node: allocatable minus the requests of the pods bound to it. */
  async function freeCpu(): Promise<Map<string, number>> {
    const nodes = await readyNodes();
    const pods = (await core().listPodForAllNamespaces()).items.filter((p) => p.spec?.nodeName && !['Succeeded', 'Failed'].includes(p.status?.phase ?? ''));
    const free = new Map<string, number>();
    for (const n of nodes) {
      const used = pods.filter((p) => p.spec!.nodeName === n.metadata!.name).reduce((sum, p) => sum + p.spec!.containers.reduce((s, c) => s + milli(c.resources?.requests?.cpu), 0), 0);
      free.set(n.metadata!.name!, milli(n.status?.allocatable?.cpu) - used);
    }
    return free;
  }

  function pod(name: string, cpu: string | undefined, extra: Partial<V1Pod['spec']> = {}): V1Pod {
    return {
      metadata: { name },
      spec: {
        containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', ...(cpu ? { resources: { requests: { cpu }, limits: { cpu } } } : {}) }],
        terminationGracePeriodSeconds: 0,
        ...extra,
      },
    };
  }

  const scheduledOn = (ns: string, name: string) => waitForObject(`${name} scheduled`, () => core().readNamespacedPod({ namespace: ns, name }), (p) => !!p.spec?.nodeName);

  /**
   * Fills every node with one low-priority pod taking most of its free CPU, so a pod of the same size fits
   * nowhere without preempting one of them. Returns the victims' namespace-local names by node.
   */
  async function fillNodes(ns: string, lowClass: string): Promise<{ size: number; byNode: Map<string, string> }> {
    const free = await freeCpu();
    const size = Math.min(...free.values()) - 200;
    assert.ok(size >= 1000, `each node has room for a filler pod (${JSON.stringify([...free])})`);
    const byNode = new Map<string, string>();
    for (const node of free.keys()) {
      const name = `low-${node}`;
      await core().createNamespacedPod({
        namespace: ns,
        body: pod(name, `${size}m`, { priorityClassName: lowClass, nodeSelector: { 'kubernetes.io/hostname': node } }),
      });
      byNode.set(node, name);
    }
    for (const name of byNode.values()) await scheduledOn(ns, name);
    return { size, byNode };
  }

  async function priorityClass(value: number): Promise<string> {
    const name = `e2e-pc-${value}-${suffix()}`;
    await scheduling().createPriorityClass({ body: { metadata: { name }, value } });
    return name;
  }

  describe('sig-scheduling: SchedulerPreemption', SUITE, () => {
    it('[sig-scheduling] SchedulerPreemption [Serial] validates basic preemption works [Conformance]', async () => {
      const ns = await testNamespace(m, 'sched-preemption');
      const low = await priorityClass(1);
      const high = await priorityClass(1000);
      const { size, byNode } = await fillNodes(ns, low);
      await core().createNamespacedPod({ namespace: ns, body: pod('preemptor-pod', `${size}m`, { priorityClassName: high }) });
      const preemptor = await scheduledOn(ns, 'preemptor-pod');
      const victim = byNode.get(preemptor.spec!.nodeName!)!;
      await eventually(`victim ${victim} gone`, async () => ((await core().listNamespacedPod({ namespace: ns, fieldSelector: `metadata.name=${victim}` })).items.length === 0 ? true : undefined));
      for (const [node, name] of byNode) {
        if (node === preemptor.spec!.nodeName) continue;
        const p = await core().readNamespacedPod({ namespace: ns, name });
        assert.equal(p.metadata?.deletionTimestamp, undefined, `${name} on another node is left alone`);
      }
      for (const name of byNode.values()) await core().deleteNamespacedPod({ namespace: ns, name, gracePeriodSeconds: 0 }).catch(() => undefined);
      await core().deleteNamespacedPod({ namespace: ns, name: 'preemptor-pod', gracePeriodSeconds: 0 });
    });

    it('[sig-scheduling] SchedulerPreemption [Serial] validates lower priority pod preemption by critical pod [Conformance]', async () => {
      const ns = await testNamespace(m, 'sched-preemption');
      const low = await priorityClass(1);
      const { size, byNode } = await fillNodes(ns, low);
      // Critical pods may only be created in kube-system.
      const name = `critical-pod-${suffix()}`;
      await core().createNamespacedPod({ namespace: 'kube-system', body: pod(name, `${size}m`, { priorityClassName: 'system-cluster-critical' }) });
      try {
        const critical = await scheduledOn('kube-system', name);
        assert.equal(critical.spec?.priority, 2000000000);
        const victim = byNode.get(critical.spec!.nodeName!)!;
        await eventually(`victim ${victim} gone`, async () => ((await core().listNamespacedPod({ namespace: ns, fieldSelector: `metadata.name=${victim}` })).items.length === 0 ? true : undefined));
      } finally {
        await core().deleteNamespacedPod({ namespace: 'kube-system', name, gracePeriodSeconds: 0 });
        for (const n of byNode.values()) await core().deleteNamespacedPod({ namespace: ns, name: n, gracePeriodSeconds: 0 }).catch(() => undefined);
      }
    });

    it('[sig-scheduling] SchedulerPreemption [Serial] PriorityClass endpoints verify PriorityClass endpoints can be operated with different HTTP methods [Conformance]', async () => {
      const names = [await priorityClass(100), await priorityClass(200)];
      const listed = (await scheduling().listPriorityClass()).items.map((p) => p.metadata?.name);
      for (const n of names) assert.ok(listed.includes(n), `${n} listed`);
      // value is immutable; description is not.
      const st = await apiFailure(scheduling().patchPriorityClass({ name: names[0]!, body: { value: 999 } }, MERGE_PATCH), 422, 'patching value');
      assert.equal(st.reason, 'Invalid');
      const patched = await scheduling().patchPriorityClass({ name: names[0]!, body: { description: 'patched' } }, MERGE_PATCH);
      assert.equal(patched.description, 'patched');
      await apiFailure(
        retryOnConflict(async () => {
          const cur = await scheduling().readPriorityClass({ name: names[1]! });
          cur.value = 1;
          return scheduling().replacePriorityClass({ name: names[1]!, body: cur });
        }),
        422,
        'updating value',
      );
      const updated = await retryOnConflict(async () => {
        const cur = await scheduling().readPriorityClass({ name: names[1]! });
        cur.description = 'updated';
        return scheduling().replacePriorityClass({ name: names[1]!, body: cur });
      });
      assert.equal(updated.description, 'updated');
      for (const n of names) await scheduling().deletePriorityClass({ name: n });
    });
  });

  describe('sig-scheduling: SchedulerPredicates', { ...SUITE, concurrency: true }, () => {
    it('[sig-scheduling] SchedulerPredicates [Serial] validates resource limits of pods that are allowed to run [Conformance]', async () => {
      const ns = await testNamespace(m, 'sched-pred');
      const free = await freeCpu();
      const most = Math.max(...free.values());
      await core().createNamespacedPod({ namespace: ns, body: pod('fits', `${Math.min(most, 500)}m`) });
      await scheduledOn(ns, 'fits');
      await core().createNamespacedPod({ namespace: ns, body: pod('additional-pod', `${most + 1000}m`) });
      const p = await waitForObject(
        'additional-pod unschedulable',
        () => core().readNamespacedPod({ namespace: ns, name: 'additional-pod' }),
        (x) => x.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable') === true,
      );
      assert.equal(p.spec?.nodeName, undefined);
      assert.match(p.status!.conditions!.find((c) => c.type === 'PodScheduled')!.message ?? '', /Insufficient cpu/);
    });

    it('[sig-scheduling] SchedulerPredicates [Serial] validates that NodeSelector is respected if not matching [Conformance]', async () => {
      const ns = await testNamespace(m, 'sched-pred');
      await core().createNamespacedPod({ namespace: ns, body: pod('restricted-pod', undefined, { nodeSelector: { label: 'nonempty' } }) });
      const p = await waitForObject(
        'restricted-pod unschedulable',
        () => core().readNamespacedPod({ namespace: ns, name: 'restricted-pod' }),
        (x) => x.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable') === true,
      );
      assert.equal(p.spec?.nodeName, undefined);
    });

    it('[sig-scheduling] SchedulerPredicates [Serial] validates that NodeSelector is respected if matching [Conformance]', async () => {
      const ns = await testNamespace(m, 'sched-pred');
      const [node] = await readyNodes();
      const key = `kubernetes.io/e2e-${suffix()}`;
      await core().patchNode({ name: node!.metadata!.name!, body: { metadata: { labels: { [key]: '42' } } } }, MERGE_PATCH);
      try {
        await core().createNamespacedPod({ namespace: ns, body: pod('with-labels', undefined, { nodeSelector: { [key]: '42' } }) });
        const p = await scheduledOn(ns, 'with-labels');
        assert.equal(p.spec?.nodeName, node!.metadata!.name);
      } finally {
        await core().patchNode({ name: node!.metadata!.name!, body: { metadata: { labels: { [key]: null } } } }, MERGE_PATCH);
      }
    });
  });

  describe('sig-scheduling: LimitRange', { ...SUITE, concurrency: true }, () => {
    /** One Container limit as it travels (`default`), with this max. */
    const wireLimit = (max: Record<string, string>) => ({
      type: 'Container',
      min: { cpu: '100m', memory: '10Mi', 'ephemeral-storage': '100Mi' },
      max,
      defaultRequest: { cpu: '100m', memory: '200Mi', 'ephemeral-storage': '200Gi' },
      default: { cpu: '500m', memory: '500Mi', 'ephemeral-storage': '500Gi' },
    });
    // The typed client writes the model field `_default` as `default`; patch bodies go out as written.
    const limitRange = (name: string, labels: Record<string, string> = {}): V1LimitRange => {
      const { default: def, ...rest } = wireLimit({ cpu: '500m', memory: '500Mi', 'ephemeral-storage': '500Gi' });
      return { metadata: { name, labels }, spec: { limits: [{ ...rest, _default: def }] } };
    };

    it('[sig-scheduling] LimitRange should create a LimitRange with defaults and ensure pod has those defaults applied. [Conformance]', async () => {
      const ns = await testNamespace(m, 'limitrange');
      await core().createNamespacedLimitRange({ namespace: ns, body: limitRange('limit-range') });
      const got = await core().readNamespacedLimitRange({ namespace: ns, name: 'limit-range' });
      assert.deepEqual(got.spec?.limits[0]?._default, { cpu: '500m', memory: '500Mi', 'ephemeral-storage': '500Gi' });
      const p = await core().createNamespacedPod({ namespace: ns, body: pod('pod-no-resources', undefined) });
      assert.deepEqual(p.spec?.containers[0]?.resources?.requests, { cpu: '100m', memory: '200Mi', 'ephemeral-storage': '200Gi' }, 'default requests applied');
      assert.deepEqual(p.spec?.containers[0]?.resources?.limits, { cpu: '500m', memory: '500Mi', 'ephemeral-storage': '500Gi' }, 'default limits applied');
      const partial = await core().createNamespacedPod({
        namespace: ns,
        body: { metadata: { name: 'pod-partial-resources' }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '200m' }, limits: { memory: '300Mi' } } }] } },
      });
      assert.deepEqual(partial.spec?.containers[0]?.resources?.requests, { cpu: '200m', memory: '200Mi', 'ephemeral-storage': '200Gi' });
      assert.deepEqual(partial.spec?.containers[0]?.resources?.limits, { cpu: '500m', memory: '300Mi', 'ephemeral-storage': '500Gi' });
      await apiFailure(core().createNamespacedPod({ namespace: ns, body: pod('pod-too-big', '600m') }), 403, 'a pod over the max');
      // Raising the max lets the same pod in.
      await core().patchNamespacedLimitRange(
        { namespace: ns, name: 'limit-range', body: { spec: { limits: [wireLimit({ cpu: '1', memory: '1Gi', 'ephemeral-storage': '500Gi' })] } } },
        MERGE_PATCH,
      );
      await eventually('the bigger pod admitted', async () => core().createNamespacedPod({ namespace: ns, body: pod('pod-too-big', '600m') }));
      await core().deleteNamespacedLimitRange({ namespace: ns, name: 'limit-range' });
      await apiFailure(core().readNamespacedLimitRange({ namespace: ns, name: 'limit-range' }), 404, 'deleted limit range');
    });

    it('[sig-scheduling] LimitRange should list, patch and delete a LimitRange by collection [Conformance]', async () => {
      const ns1 = await testNamespace(m, 'limitrange', { waitForServiceAccount: false });
      const ns2 = await testNamespace(m, 'limitrange-2', { waitForServiceAccount: false });
      const label = { 'e2e-limitrange': ns1 };
      await core().createNamespacedLimitRange({ namespace: ns1, body: limitRange('e2e-limitrange', label) });
      await core().createNamespacedLimitRange({ namespace: ns2, body: limitRange('e2e-limitrange', label) });
      assert.equal((await core().listLimitRangeForAllNamespaces({ labelSelector: `e2e-limitrange=${ns1}` })).items.length, 2);
      const patched = await core().patchNamespacedLimitRange(
        { namespace: ns1, name: 'e2e-limitrange', body: { metadata: { labels: { 'e2e-patched': 'true' } }, spec: { limits: [{ type: 'Container', default: { cpu: '250m' }, max: { cpu: '500m' } }] } } },
        MERGE_PATCH,
      );
      assert.equal(patched.metadata?.labels?.['e2e-patched'], 'true');
      assert.equal(patched.spec?.limits[0]?._default?.cpu, '250m');
      await core().deleteCollectionNamespacedLimitRange({ namespace: ns1, labelSelector: 'e2e-patched=true' });
      const left = await core().listLimitRangeForAllNamespaces({ labelSelector: `e2e-limitrange=${ns1}` });
      assert.deepEqual(left.items.map((l) => l.metadata?.namespace), [ns2], 'only the other namespace\'s limit range remains');
    });
  });
}
