// Mirrors of upstream's DaemonSet, ControllerRevision and StatefulSet conformance tests: daemons on every
// (selected) node, replacement of deleted and failed pods, rolling updates and rollbacks, partitions, burst
// scaling and the status/scale/collection APIs. Titles are upstream's codenames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, type V1DaemonSet, type V1Node, type V1Pod, type V1StatefulSet } from '@kubernetes/client-node';
import { eventually, MERGE_PATCH, retryOnConflict, testNamespace, waitForObject, SUITE, type Mirror } from '../support.ts';

/** Registers these mirrors against the file's cluster `m`. */
export function daemonSetStatefulSetMirrors(m: Mirror): void {
  const core = () => m.api(CoreV1Api);
  const apps = () => m.api(AppsV1Api);

  const IMAGE = 'registry.k8s.io/e2e-test-images/httpd:2.4.38-4';
  const NEW_IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.53';
  const NEVER_READY = { 'sim.wheelhouse.io/fail-readiness': 'true' };

  function daemonSet(name: string, labels: Record<string, string>, extra: Partial<V1DaemonSet['spec']> = {}): V1DaemonSet {
    return {
      metadata: { name, labels },
      spec: {
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: IMAGE }], terminationGracePeriodSeconds: 0 } },
        ...extra,
      },
    };
  }

  /** The nodes daemons go to, once every node has come up Ready (as upstream's framework waits for). */
  async function schedulableNodes(): Promise<V1Node[]> {
    const nodes = await eventually('all nodes Ready', async () => {
      const all = (await core().listNode()).items;
      const ready = (n: V1Node) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      const notReadyTaint = (n: V1Node) => (n.spec?.taints ?? []).some((t) => t.key.startsWith('node.kubernetes.io/'));
      return all.length > 0 && all.every((n) => ready(n) && !notReadyTaint(n)) ? all : undefined;
    });
    return nodes.filter((n) => !n.spec?.unschedulable && !(n.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'));
  }

  const live = (pods: V1Pod[]) => pods.filter((p) => !p.metadata?.deletionTimestamp);

  /** Waits until every node in `nodes` runs exactly one live daemon pod (and no other node runs one). */
  async function daemonOnNodes(ns: string, selector: string, nodes: string[], pred: (p: V1Pod) => boolean = () => true): Promise<V1Pod[]> {
    return eventually(
      `daemon pods ${selector} on ${nodes.join(',') || 'no node'}`,
      async () => {
        const pods = live((await core().listNamespacedPod({ namespace: ns, labelSelector: selector })).items);
        const on = pods.map((p) => p.spec?.nodeName ?? '').sort();
        const ok = JSON.stringify(on) === JSON.stringify([...nodes].sort()) && pods.every((p) => p.status?.phase === 'Running' && pred(p));
        return ok ? pods : undefined;
      },
      45_000,
    );
  }

  describe('sig-apps: Daemon set', SUITE, () => {
    it('[sig-apps] Daemon set [Serial] should run and stop simple daemon [Conformance]', async () => {
      const ns = await testNamespace(m, 'daemonsets');
      const nodes = (await schedulableNodes()).map((n) => n.metadata!.name!);
      await apps().createNamespacedDaemonSet({ namespace: ns, body: daemonSet('daemon-set', { 'daemonset-name': 'daemon-set' }) });
      const pods = await daemonOnNodes(ns, 'daemonset-name=daemon-set', nodes);
      await core().deleteNamespacedPod({ namespace: ns, name: pods[0]!.metadata!.name! });
      const again = await daemonOnNodes(ns, 'daemonset-name=daemon-set', nodes);
      assert.ok(!again.some((p) => p.metadata?.uid === pods[0]!.metadata?.uid), 'the deleted pod was replaced');
    });

    it('[sig-apps] Daemon set [Serial] should run and stop complex daemon [Conformance]', async () => {
      const ns = await testNamespace(m, 'daemonsets');
      const [node] = await schedulableNodes();
      const nodeName = node!.metadata!.name!;
      const labelKey = `daemonset-color-${ns}`;
      const labelNode = (v: string | null) => core().patchNode({ name: nodeName, body: { metadata: { labels: { [labelKey]: v } } } }, MERGE_PATCH);
      try {
        await apps().createNamespacedDaemonSet({ namespace: ns, body: daemonSet('daemon-set', { 'daemonset-name': 'daemon-set' }, { template: { ...daemonSet('x', { 'daemonset-name': 'daemon-set' }).spec!.template, spec: { ...daemonSet('x', {}).spec!.template.spec!, nodeSelector: { [labelKey]: 'blue' } } } }) });
        await daemonOnNodes(ns, 'daemonset-name=daemon-set', []);
        await labelNode('blue');
        await daemonOnNodes(ns, 'daemonset-name=daemon-set', [nodeName]);
        await labelNode('green');
        await daemonOnNodes(ns, 'daemonset-name=daemon-set', []);
        // Retarget the daemon to green nodes with a rolling update.
        await apps().patchNamespacedDaemonSet(
          { namespace: ns, name: 'daemon-set', body: { spec: { template: { spec: { nodeSelector: { [labelKey]: 'green' } } }, updateStrategy: { type: 'RollingUpdate' } } } },
          MERGE_PATCH,
        );
        await daemonOnNodes(ns, 'daemonset-name=daemon-set', [nodeName]);
        await apps().deleteNamespacedDaemonSet({ namespace: ns, name: 'daemon-set' });
        await daemonOnNodes(ns, 'daemonset-name=daemon-set', []);
      } finally {
        await labelNode(null);
      }
    });

    it('[sig-apps] Daemon set [Serial] should retry creating failed daemon pods [Conformance]', async () => {
      const ns = await testNamespace(m, 'daemonsets');
      const nodes = (await schedulableNodes()).map((n) => n.metadata!.name!);
      await apps().createNamespacedDaemonSet({ namespace: ns, body: daemonSet('daemon-set', { 'daemonset-name': 'daemon-set' }) });
      const pods = await daemonOnNodes(ns, 'daemonset-name=daemon-set', nodes);
      const victim = pods[0]!;
      await core().patchNamespacedPodStatus({ namespace: ns, name: victim.metadata!.name!, body: { status: { phase: 'Failed' } } }, MERGE_PATCH);
      const again = await daemonOnNodes(ns, 'daemonset-name=daemon-set', nodes, (p) => p.metadata?.uid !== victim.metadata?.uid);
      assert.equal(again.length, nodes.length, 'the failed pod was replaced');
    });

    it('[sig-apps] Daemon set [Serial] should update pod when spec was updated and update strategy is RollingUpdate [Conformance]', async () => {
      const ns = await testNamespace(m, 'daemonsets');
      const nodes = (await schedulableNodes()).map((n) => n.metadata!.name!);
      await apps().createNamespacedDaemonSet({ namespace: ns, body: daemonSet('daemon-set', { 'daemonset-name': 'daemon-set' }, { updateStrategy: { type: 'RollingUpdate' } }) });
      const first = await daemonOnNodes(ns, 'daemonset-name=daemon-set', nodes);
      const firstHash = first[0]!.metadata!.labels!['controller-revision-hash'];
      await apps().patchNamespacedDaemonSet({ namespace: ns, name: 'daemon-set', body: { spec: { template: { spec: { containers: [{ name: 'app', image: NEW_IMAGE }] } } } } }, MERGE_PATCH);
      const updated = await daemonOnNodes(ns, 'daemonset-name=daemon-set', nodes, (p) => p.spec?.containers[0]?.image === NEW_IMAGE);
      assert.ok(updated.every((p) => p.metadata!.labels!['controller-revision-hash'] !== firstHash), 'pods carry the new revision hash');
      await waitForObject(
        'status reflects the update',
        () => apps().readNamespacedDaemonSet({ namespace: ns, name: 'daemon-set' }),
        (d) => d.status?.updatedNumberScheduled === nodes.length && d.status?.numberAvailable === nodes.length,
      );
    });

    it('[sig-apps] Daemon set [Serial] should rollback without unnecessary restarts [Conformance]', async () => {
      const ns = await testNamespace(m, 'daemonsets');
      const nodes = (await schedulableNodes()).map((n) => n.metadata!.name!);
      await apps().createNamespacedDaemonSet({ namespace: ns, body: daemonSet('daemon-set', { 'daemonset-name': 'daemon-set' }, { updateStrategy: { type: 'RollingUpdate' } }) });
      const original = await daemonOnNodes(ns, 'daemonset-name=daemon-set', nodes);
      // A bad update: its pods never become ready, so the rolling update stops after the first one.
      await apps().patchNamespacedDaemonSet({ namespace: ns, name: 'daemon-set', body: { spec: { template: { metadata: { annotations: NEVER_READY } } } } }, MERGE_PATCH);
      await eventually('one pod on the bad template', async () => {
        const pods = live((await core().listNamespacedPod({ namespace: ns, labelSelector: 'daemonset-name=daemon-set' })).items);
        return pods.some((p) => p.metadata?.annotations?.['sim.wheelhouse.io/fail-readiness'] === 'true') ? true : undefined;
      });
      // Roll back to the original template.
      await retryOnConflict(async () => {
        const cur = await apps().readNamespacedDaemonSet({ namespace: ns, name: 'daemon-set' });
        delete cur.spec!.template.metadata!.annotations;
        return apps().replaceNamespacedDaemonSet({ namespace: ns, name: 'daemon-set', body: cur });
      });
      const after = await daemonOnNodes(ns, 'daemonset-name=daemon-set', nodes, (p) => !p.metadata?.annotations?.['sim.wheelhouse.io/fail-readiness']);
      const kept = after.filter((p) => original.some((o) => o.metadata?.uid === p.metadata?.uid));
      assert.ok(kept.length >= nodes.length - 1, `pods never updated were not restarted (kept ${kept.length} of ${nodes.length})`);
    });

    it('[sig-apps] Daemon set [Serial] should verify changes to a daemon set status [Conformance]', async () => {
      const ns = await testNamespace(m, 'daemonsets');
      await apps().createNamespacedDaemonSet({ namespace: ns, body: daemonSet('daemon-set', { 'daemonset-name': 'daemon-set' }) });
      await retryOnConflict(async () => {
        const cur = await apps().readNamespacedDaemonSetStatus({ namespace: ns, name: 'daemon-set' });
        cur.status = { ...cur.status!, conditions: [{ type: 'StatusUpdate', status: 'True', reason: 'E2E', message: 'Set from e2e test' }] };
        return apps().replaceNamespacedDaemonSetStatus({ namespace: ns, name: 'daemon-set', body: cur });
      });
      assert.ok((await apps().readNamespacedDaemonSetStatus({ namespace: ns, name: 'daemon-set' })).status?.conditions?.some((c) => c.type === 'StatusUpdate'));
      await apps().patchNamespacedDaemonSetStatus(
        { namespace: ns, name: 'daemon-set', body: { status: { conditions: [{ type: 'StatusPatched', status: 'True', reason: 'E2E', message: 'patched' }] } } },
        MERGE_PATCH,
      );
      assert.ok((await apps().readNamespacedDaemonSetStatus({ namespace: ns, name: 'daemon-set' })).status?.conditions?.some((c) => c.type === 'StatusPatched'));
    });

    it('[sig-apps] Daemon set [Serial] should list and delete a collection of DaemonSets [Conformance]', async () => {
      const ns = await testNamespace(m, 'daemonsets');
      await apps().createNamespacedDaemonSet({ namespace: ns, body: daemonSet('daemon-set', { 'daemonset-name': 'daemon-set', e2e: 'ds-collection' }) });
      assert.ok((await apps().listDaemonSetForAllNamespaces({ labelSelector: 'e2e=ds-collection' })).items.some((d) => d.metadata?.namespace === ns));
      await apps().deleteCollectionNamespacedDaemonSet({ namespace: ns, labelSelector: 'e2e=ds-collection' });
      await eventually('collection deleted', async () => ((await apps().listNamespacedDaemonSet({ namespace: ns, labelSelector: 'e2e=ds-collection' })).items.length === 0 ? true : undefined));
    });

    it('[sig-apps] ControllerRevision [Serial] should manage the lifecycle of a ControllerRevision [Conformance]', async () => {
      const ns = await testNamespace(m, 'controllerrevisions');
      const labels = { 'daemonset-name': 'e2e-cr-daemon' };
      const ds = await apps().createNamespacedDaemonSet({ namespace: ns, body: daemonSet('e2e-cr-daemon', labels) });
      const sel = 'daemonset-name=e2e-cr-daemon';
      // As upstream, start once the daemon runs everywhere: a sync of the DaemonSet while two revisions hold
      // the current template would fold them into one.
      const nodes = (await schedulableNodes()).map((n) => n.metadata!.name!);
      await daemonOnNodes(ns, sel, nodes);
      await waitForObject('daemon status settled', () => apps().readNamespacedDaemonSet({ namespace: ns, name: 'e2e-cr-daemon' }), (d) => d.status?.numberReady === nodes.length);
      const revisions = async () => (await apps().listNamespacedControllerRevision({ namespace: ns, labelSelector: sel })).items;
      const [first] = await eventually('one ControllerRevision', async () => ((await revisions()).length === 1 ? revisions() : undefined));
      await apps().patchNamespacedControllerRevision({ namespace: ns, name: first!.metadata!.name!, body: { metadata: { labels: { 'e2e-patched': 'true' } } } }, MERGE_PATCH);
      assert.equal((await apps().readNamespacedControllerRevision({ namespace: ns, name: first!.metadata!.name! })).metadata?.labels?.['e2e-patched'], 'true');
      const second = await apps().createNamespacedControllerRevision({
        namespace: ns,
        body: {
          metadata: { name: `e2e-cr-daemon-${first!.revision + 1}`, labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.metadata!.name!, uid: ds.metadata!.uid!, controller: true }] },
          data: first!.data,
          revision: first!.revision + 1,
        },
      });
      assert.equal((await revisions()).length, 2);
      await apps().deleteNamespacedControllerRevision({ namespace: ns, name: first!.metadata!.name! });
      assert.equal((await revisions()).length, 1);
      const cur = await apps().readNamespacedControllerRevision({ namespace: ns, name: second.metadata!.name! });
      cur.metadata!.labels = { ...cur.metadata!.labels, 'e2e-updated': 'true' };
      assert.equal((await apps().replaceNamespacedControllerRevision({ namespace: ns, name: second.metadata!.name!, body: cur })).metadata?.labels?.['e2e-updated'], 'true');
      // A template change makes the controller write a third revision.
      await apps().patchNamespacedDaemonSet({ namespace: ns, name: 'e2e-cr-daemon', body: { spec: { template: { metadata: { annotations: { 'e2e-change': 'x' } } } } } }, MERGE_PATCH);
      await eventually('two ControllerRevisions', async () => ((await revisions()).length === 2 ? true : undefined));
      await apps().deleteCollectionNamespacedControllerRevision({ namespace: ns, labelSelector: 'e2e-updated=true' });
      const left = await eventually('one ControllerRevision left', async () => {
        const r = await revisions();
        return r.length === 1 ? r : undefined;
      });
      assert.equal(left[0]!.revision, 3, 'the current revision is 3');
    });
  });

  function statefulSet(name: string, replicas: number, labels: Record<string, string>, extra: Partial<V1StatefulSet['spec']> = {}): V1StatefulSet {
    return {
      metadata: { name, labels },
      spec: {
        serviceName: 'test',
        replicas,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'webserver', image: IMAGE }], terminationGracePeriodSeconds: 0 } },
        ...extra,
      },
    };
  }

  async function statefulNamespace(): Promise<string> {
    const ns = await testNamespace(m, 'statefulset');
    await core().createNamespacedService({ namespace: ns, body: { metadata: { name: 'test' }, spec: { clusterIP: 'None', selector: { baz: 'blah' }, ports: [{ port: 80 }] } } });
    return ns;
  }

  async function stsPods(ns: string, selector: string, n: number, pred: (p: V1Pod) => boolean = (p) => p.status?.phase === 'Running'): Promise<V1Pod[]> {
    return eventually(
      `${n} stateful pods ${selector}`,
      async () => {
        const pods = live((await core().listNamespacedPod({ namespace: ns, labelSelector: selector })).items);
        return pods.length === n && pods.every(pred) ? pods.sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!)) : undefined;
      },
      45_000,
    );
  }

  const imageOf = (p: V1Pod) => p.spec?.containers[0]?.image;

  describe('sig-apps: StatefulSet', { ...SUITE, concurrency: true }, () => {
    it('[sig-apps] StatefulSet Basic StatefulSet functionality [StatefulSetBasic] should have a working scale subresource [Conformance]', async () => {
      const ns = await statefulNamespace();
      await apps().createNamespacedStatefulSet({ namespace: ns, body: statefulSet('ss', 1, { baz: 'blah' }) });
      await stsPods(ns, 'baz=blah', 1);
      assert.equal((await apps().readNamespacedStatefulSetScale({ namespace: ns, name: 'ss' })).spec?.replicas, 1);
      await retryOnConflict(async () => {
        const scale = await apps().readNamespacedStatefulSetScale({ namespace: ns, name: 'ss' });
        scale.spec = { replicas: 2 };
        return apps().replaceNamespacedStatefulSetScale({ namespace: ns, name: 'ss', body: scale });
      });
      assert.equal((await apps().readNamespacedStatefulSet({ namespace: ns, name: 'ss' })).spec?.replicas, 2);
      await apps().patchNamespacedStatefulSetScale({ namespace: ns, name: 'ss', body: { spec: { replicas: 3 } } }, MERGE_PATCH);
      assert.equal((await apps().readNamespacedStatefulSetScale({ namespace: ns, name: 'ss' })).spec?.replicas, 3);
    });

    it('[sig-apps] StatefulSet Basic StatefulSet functionality [StatefulSetBasic] should list, patch and delete a collection of StatefulSets [Conformance]', async () => {
      const ns = await statefulNamespace();
      await apps().createNamespacedStatefulSet({ namespace: ns, body: statefulSet('ss', 1, { baz: 'blah', e2e: 'sts-collection' }) });
      assert.ok((await apps().listStatefulSetForAllNamespaces({ labelSelector: 'e2e=sts-collection' })).items.some((s) => s.metadata?.namespace === ns));
      const patched = await apps().patchNamespacedStatefulSet({ namespace: ns, name: 'ss', body: { metadata: { labels: { 'e2e-patched': 'true' } }, spec: { replicas: 2 } } }, MERGE_PATCH);
      assert.equal(patched.metadata?.labels?.['e2e-patched'], 'true');
      await apps().deleteCollectionNamespacedStatefulSet({ namespace: ns, labelSelector: 'e2e=sts-collection' });
      await eventually('collection deleted', async () => ((await apps().listNamespacedStatefulSet({ namespace: ns, labelSelector: 'e2e=sts-collection' })).items.length === 0 ? true : undefined));
    });

    it('[sig-apps] StatefulSet Basic StatefulSet functionality [StatefulSetBasic] should validate Statefulset Status endpoints [Conformance]', async () => {
      const ns = await statefulNamespace();
      await apps().createNamespacedStatefulSet({ namespace: ns, body: statefulSet('ss', 1, { baz: 'blah' }) });
      await retryOnConflict(async () => {
        const cur = await apps().readNamespacedStatefulSetStatus({ namespace: ns, name: 'ss' });
        cur.status = { ...cur.status!, conditions: [{ type: 'StatusUpdate', status: 'True', reason: 'E2E', message: 'Set from e2e test' }] };
        return apps().replaceNamespacedStatefulSetStatus({ namespace: ns, name: 'ss', body: cur });
      });
      assert.ok((await apps().readNamespacedStatefulSetStatus({ namespace: ns, name: 'ss' })).status?.conditions?.some((c) => c.type === 'StatusUpdate'));
      await apps().patchNamespacedStatefulSetStatus({ namespace: ns, name: 'ss', body: { metadata: { annotations: { patchedstatus: 'true' } } } }, MERGE_PATCH);
      assert.equal((await apps().readNamespacedStatefulSetStatus({ namespace: ns, name: 'ss' })).metadata?.annotations?.patchedstatus, 'true');
    });

    it('[sig-apps] StatefulSet Basic StatefulSet functionality [StatefulSetBasic] should perform rolling updates and roll backs of template modifications [Conformance]', async () => {
      const ns = await statefulNamespace();
      await apps().createNamespacedStatefulSet({ namespace: ns, body: statefulSet('ss2', 3, { baz: 'blah' }) });
      await stsPods(ns, 'baz=blah', 3);
      const initial = await waitForObject('ss2 settled', () => apps().readNamespacedStatefulSet({ namespace: ns, name: 'ss2' }), (s) => s.status?.readyReplicas === 3 && !!s.status?.currentRevision);
      const rev1 = initial.status!.currentRevision!;
      /** Sets the image and waits until every pod runs it and the current revision is the update revision. */
      const rollTo = async (image: string) => {
        await apps().patchNamespacedStatefulSet({ namespace: ns, name: 'ss2', body: { spec: { template: { spec: { containers: [{ name: 'webserver', image }] } } } } }, MERGE_PATCH);
        await stsPods(ns, 'baz=blah', 3, (p) => imageOf(p) === image && p.status?.phase === 'Running');
        return waitForObject(
          `rolled to ${image}`,
          () => apps().readNamespacedStatefulSet({ namespace: ns, name: 'ss2' }),
          (s) => s.status?.currentRevision === s.status?.updateRevision && s.status?.updatedReplicas === 3,
        );
      };
      const rev2 = (await rollTo(NEW_IMAGE)).status!.updateRevision!;
      assert.notEqual(rev2, rev1, 'a new template is a new revision');
      // Back to the first template: the StatefulSet reuses revision 1 instead of making a third.
      const rolledBack = await rollTo(IMAGE);
      assert.equal(rolledBack.status?.updateRevision, rev1);
      assert.notEqual(rolledBack.status?.updateRevision, rev2);
    });

    it('[sig-apps] StatefulSet Basic StatefulSet functionality [StatefulSetBasic] should perform canary updates and phased rolling updates of template modifications [Conformance]', async () => {
      const ns = await statefulNamespace();
      await apps().createNamespacedStatefulSet({ namespace: ns, body: statefulSet('ss2', 3, { baz: 'blah' }, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 3 } } }) });
      await stsPods(ns, 'baz=blah', 3);
      await apps().patchNamespacedStatefulSet({ namespace: ns, name: 'ss2', body: { spec: { template: { spec: { containers: [{ name: 'webserver', image: NEW_IMAGE }] } } } } }, MERGE_PATCH);
      await waitForObject('update revision recorded', () => apps().readNamespacedStatefulSet({ namespace: ns, name: 'ss2' }), (s) => s.status?.updateRevision !== s.status?.currentRevision);
      let pods = await stsPods(ns, 'baz=blah', 3);
      assert.deepEqual(pods.map(imageOf), [IMAGE, IMAGE, IMAGE], 'a partition above every ordinal updates nothing');
      // Canary: partition 2 updates only ss2-2.
      await apps().patchNamespacedStatefulSet({ namespace: ns, name: 'ss2', body: { spec: { updateStrategy: { rollingUpdate: { partition: 2 } } } } }, MERGE_PATCH);
      pods = await stsPods(ns, 'baz=blah', 3, (p) => p.status?.phase === 'Running' && (p.metadata!.name === 'ss2-2') === (imageOf(p) === NEW_IMAGE));
      // A pod below the partition that is deleted comes back at the old revision.
      await core().deleteNamespacedPod({ namespace: ns, name: 'ss2-0' });
      pods = await stsPods(ns, 'baz=blah', 3, (p) => p.status?.phase === 'Running' && (p.metadata!.name === 'ss2-0' ? p.metadata?.uid !== pods[0]!.metadata!.uid : true));
      assert.deepEqual(pods.map(imageOf), [IMAGE, IMAGE, NEW_IMAGE], 'restored without violating the partition');
      // Phased: partition 0 updates the rest.
      await apps().patchNamespacedStatefulSet({ namespace: ns, name: 'ss2', body: { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } } }, MERGE_PATCH);
      await stsPods(ns, 'baz=blah', 3, (p) => p.status?.phase === 'Running' && imageOf(p) === NEW_IMAGE);
    });

    it('[sig-apps] StatefulSet Basic StatefulSet functionality [StatefulSetBasic] Should recreate evicted statefulset [Conformance]', async () => {
      const ns = await statefulNamespace();
      await apps().createNamespacedStatefulSet({ namespace: ns, body: statefulSet('ss', 1, { baz: 'blah' }) });
      const [pod] = await stsPods(ns, 'baz=blah', 1);
      await core().patchNamespacedPodStatus({ namespace: ns, name: 'ss-0', body: { status: { phase: 'Failed', reason: 'Evicted', message: 'evicted by the e2e test' } } }, MERGE_PATCH);
      const [again] = await stsPods(ns, 'baz=blah', 1, (p) => p.status?.phase === 'Running' && p.metadata?.uid !== pod!.metadata?.uid);
      assert.equal(again!.metadata?.name, 'ss-0', 'recreated under the same identity');
    });

    it('[sig-apps] StatefulSet Basic StatefulSet functionality [StatefulSetBasic] Burst scaling should run to completion even with unhealthy pods [Slow] [Conformance]', async () => {
      const ns = await statefulNamespace();
      const ss = statefulSet('ss', 3, { baz: 'blah' }, { podManagementPolicy: 'Parallel' });
      ss.spec!.template.metadata!.annotations = NEVER_READY;
      await apps().createNamespacedStatefulSet({ namespace: ns, body: ss });
      // None becomes ready, yet Parallel creates all of them and scales down all of them.
      const pods = await stsPods(ns, 'baz=blah', 3);
      assert.ok(pods.every((p) => !p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')), 'the pods are unhealthy');
      await apps().patchNamespacedStatefulSetScale({ namespace: ns, name: 'ss', body: { spec: { replicas: 0 } } }, MERGE_PATCH);
      await eventually('scaled to zero', async () => ((await core().listNamespacedPod({ namespace: ns, labelSelector: 'baz=blah' })).items.length === 0 ? true : undefined), 45_000);
    });
  });
}
