// Mirrors of upstream's Deployment, ReplicaSet and ReplicationController conformance tests: scale and
// status subresources, Recreate and RollingUpdate rollouts, history cleanup, proportional scaling,
// adoption and release of pods, quota failures and the API lifecycles. Titles are upstream's codenames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AppsV1Api,
  CoreV1Api,
  type V1Deployment,
  type V1LabelSelector,
  type V1Pod,
  type V1PodTemplateSpec,
  type V1ReplicaSet,
} from '@kubernetes/client-node';
import { eventually, MERGE_PATCH, retryOnConflict, suffix, testNamespace, waitForObject, WatchLog, SUITE, type Mirror } from '../support.ts';

/** Registers these mirrors against the file's cluster `m`. */
export function deploymentReplicaSetMirrors(m: Mirror): void {
  const core = () => m.api(CoreV1Api);
  const apps = () => m.api(AppsV1Api);

  const NEVER_READY = { 'sim.wheelhouse.io/fail-readiness': 'true' };

  function template(labels: Record<string, string>, image = 'registry.k8s.io/e2e-test-images/httpd:2.4.38-4', annotations?: Record<string, string>): V1PodTemplateSpec {
    return {
      metadata: { labels, ...(annotations ? { annotations } : {}) },
      spec: { containers: [{ name: 'httpd', image }], terminationGracePeriodSeconds: 0 },
    };
  }

  function deployment(name: string, replicas: number, labels: Record<string, string>, extra: Partial<V1Deployment['spec']> = {}): V1Deployment {
    return { metadata: { name, labels }, spec: { replicas, selector: { matchLabels: labels }, template: template(labels), ...extra } };
  }

  function replicaSet(name: string, replicas: number, labels: Record<string, string>): V1ReplicaSet {
    return { metadata: { name, labels }, spec: { replicas, selector: { matchLabels: labels }, template: template(labels) } };
  }

  const selectorText = (s: V1LabelSelector | Record<string, string>) =>
    Object.entries('matchLabels' in s ? ((s as V1LabelSelector).matchLabels ?? {}) : (s as Record<string, string>))
      .map(([k, v]) => `${k}=${v}`)
      .join(',');

  async function runningPods(ns: string, selector: string, n: number): Promise<V1Pod[]> {
    return eventually(`${n} running pods ${selector}`, async () => {
      const pods = (await core().listNamespacedPod({ namespace: ns, labelSelector: selector })).items.filter((p) => !p.metadata?.deletionTimestamp);
      return pods.length === n && pods.every((p) => p.status?.phase === 'Running') ? pods : undefined;
    });
  }

  /** Waits for a finished rollout: observed, updated, available and no old pods left. */
  async function rolledOut(ns: string, name: string): Promise<V1Deployment> {
    return waitForObject(
      `deployment ${name} rolled out`,
      () => apps().readNamespacedDeployment({ namespace: ns, name }),
      (d) =>
        (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
        d.status?.updatedReplicas === d.spec?.replicas &&
        d.status?.replicas === d.spec?.replicas &&
        d.status?.availableReplicas === d.spec?.replicas,
      45_000,
    );
  }

  /** An ownerless pod, then its owner from createOwner: the owner must adopt that very pod (not replace it). */
  async function expectAdoption(ns: string, name: string, labels: Record<string, string>, createOwner: () => Promise<{ metadata?: { uid?: string } }>) {
    const orphan = await core().createNamespacedPod({ namespace: ns, body: { metadata: { name, labels }, spec: template(labels).spec } });
    const owner = await createOwner();
    const adopted = await waitForObject(
      `${name} adopted`,
      () => core().readNamespacedPod({ namespace: ns, name }),
      (p) => p.metadata?.ownerReferences?.some((o) => o.uid === owner.metadata?.uid && o.controller) === true,
    );
    assert.equal(adopted.metadata?.uid, orphan.metadata?.uid, 'adopted rather than replaced');
    return owner;
  }

  describe('sig-apps: Deployment', { ...SUITE, concurrency: true }, () => {
    it('[sig-apps] Deployment Deployment should have a working scale subresource [Conformance]', async () => {
      const ns = await testNamespace(m, 'deployment');
      const name = 'test-new-deployment';
      await apps().createNamespacedDeployment({ namespace: ns, body: deployment(name, 1, { name: 'httpd' }) });
      await runningPods(ns, 'name=httpd', 1);
      assert.equal((await apps().readNamespacedDeploymentScale({ namespace: ns, name })).spec?.replicas, 1);
      // The Scale carries the deployment's resourceVersion, which its controller's status writes move on.
      const updated = await retryOnConflict(async () => {
        const scale = await apps().readNamespacedDeploymentScale({ namespace: ns, name });
        scale.spec = { replicas: 2 };
        return apps().replaceNamespacedDeploymentScale({ namespace: ns, name, body: scale });
      });
      assert.equal(updated.spec?.replicas, 2);
      assert.equal((await apps().readNamespacedDeployment({ namespace: ns, name })).spec?.replicas, 2, 'the deployment follows its scale');
      const patched = await apps().patchNamespacedDeploymentScale({ namespace: ns, name, body: { spec: { replicas: 4 } } }, MERGE_PATCH);
      assert.equal(patched.spec?.replicas, 4);
      assert.equal((await apps().readNamespacedDeployment({ namespace: ns, name })).spec?.replicas, 4);
    });

    it('[sig-apps] Deployment RecreateDeployment should delete old pods and create new ones [Conformance]', async () => {
      const ns = await testNamespace(m, 'deployment');
      const name = 'test-recreate-deployment';
      const labels = { name: 'sample-pod-3' };
      await apps().createNamespacedDeployment({ namespace: ns, body: deployment(name, 3, labels, { strategy: { type: 'Recreate' } }) });
      await rolledOut(ns, name);
      const before = await core().listNamespacedPod({ namespace: ns, labelSelector: 'name=sample-pod-3' });
      const oldHash = before.items[0]!.metadata!.labels!['pod-template-hash'];
      const live = new Set(before.items.map((p) => p.metadata!.name!));
      const w = await WatchLog.open(m.kc(), `/api/v1/namespaces/${ns}/pods`, { resourceVersion: before.metadata!.resourceVersion! });
      try {
        await apps().patchNamespacedDeployment({ namespace: ns, name, body: { spec: { template: { spec: { containers: [{ name: 'httpd', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53' }] } } } } }, MERGE_PATCH);
        await rolledOut(ns, name);
        await w.until('3 new pods', (ev) => ev.filter((e) => e.type === 'ADDED' && e.object.metadata?.labels?.['pod-template-hash'] !== oldHash).length >= 3);
        // Replaying the pod events in order: no new pod may appear while an old one still exists.
        for (const e of w.events) {
          const podName = e.object.metadata!.name!;
          const isOld = e.object.metadata?.labels?.['pod-template-hash'] === oldHash;
          if (isOld && e.type === 'DELETED') live.delete(podName);
          if (!isOld && e.type === 'ADDED') assert.equal(live.size, 0, `new pod ${podName} created while old pods ${[...live].join(', ')} existed`);
        }
      } finally {
        w.stop();
      }
    });

    it('[sig-apps] Deployment RollingUpdateDeployment should delete old pods and create new ones [Conformance]', async () => {
      const ns = await testNamespace(m, 'deployment');
      const labels = { name: 'sample-pod', pod: 'httpd' };
      // A ReplicaSet made by hand, which the Deployment adopts and then replaces.
      await apps().createNamespacedReplicaSet({ namespace: ns, body: replicaSet('test-rolling-update-controller', 1, labels) });
      await runningPods(ns, selectorText(labels), 1);
      const name = 'test-rolling-update-deployment';
      const d = deployment(name, 1, labels, { strategy: { type: 'RollingUpdate' } });
      d.spec!.template.spec!.containers[0]!.image = 'registry.k8s.io/e2e-test-images/agnhost:2.53';
      const created = await apps().createNamespacedDeployment({ namespace: ns, body: d });
      await rolledOut(ns, name);
      const rss = (await apps().listNamespacedReplicaSet({ namespace: ns })).items;
      assert.equal(rss.length, 2, 'the adopted ReplicaSet and a new one');
      const old = rss.find((r) => r.metadata!.name === 'test-rolling-update-controller')!;
      const fresh = rss.find((r) => r !== old)!;
      assert.equal(old.metadata?.ownerReferences?.[0]?.uid, created.metadata?.uid, 'the old ReplicaSet was adopted');
      assert.equal(old.spec?.replicas, 0, 'and scaled to zero');
      assert.equal(fresh.spec?.template?.spec?.containers[0]?.image, 'registry.k8s.io/e2e-test-images/agnhost:2.53');
      await eventually('only new pods left', async () => {
        const pods = (await core().listNamespacedPod({ namespace: ns, labelSelector: selectorText(labels) })).items;
        return pods.length === 1 && pods[0]!.spec?.containers[0]?.image?.includes('agnhost') ? true : undefined;
      });
    });

    it('[sig-apps] Deployment deployment should delete old replica sets [Conformance]', async () => {
      const ns = await testNamespace(m, 'deployment');
      const name = 'test-cleanup-deployment';
      await apps().createNamespacedDeployment({ namespace: ns, body: deployment(name, 1, { name: 'cleanup-pod' }, { revisionHistoryLimit: 0 }) });
      await rolledOut(ns, name);
      await apps().patchNamespacedDeployment({ namespace: ns, name, body: { spec: { template: { spec: { containers: [{ name: 'httpd', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53' }] } } } } }, MERGE_PATCH);
      await rolledOut(ns, name);
      await eventually('old ReplicaSets cleaned up', async () => ((await apps().listNamespacedReplicaSet({ namespace: ns })).items.length === 1 ? true : undefined));
    });

    it('[sig-apps] Deployment deployment should support proportional scaling [Conformance]', async () => {
      const ns = await testNamespace(m, 'deployment');
      const name = 'webserver-deployment';
      const labels = { name: 'httpd' };
      await apps().createNamespacedDeployment({
        namespace: ns,
        body: deployment(name, 10, labels, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }),
      });
      await rolledOut(ns, name);
      // The new template never becomes ready, so the rollout stalls with both ReplicaSets holding pods.
      await apps().patchNamespacedDeployment({ namespace: ns, name, body: { spec: { template: { metadata: { annotations: NEVER_READY } } } } }, MERGE_PATCH);
      const sizes = async () => {
        const rss = (await apps().listNamespacedReplicaSet({ namespace: ns })).items;
        const isNew = (r: V1ReplicaSet) => r.spec?.template?.metadata?.annotations?.['sim.wheelhouse.io/fail-readiness'] === 'true';
        return { old: rss.find((r) => !isNew(r))?.spec?.replicas ?? 0, fresh: rss.find(isNew)?.spec?.replicas ?? 0 };
      };
      // 10 - maxUnavailable old, and maxSurge + maxUnavailable new = 13 in all.
      await eventually('stalled rollout at 8 old + 5 new', async () => {
        const s = await sizes();
        return s.old === 8 && s.fresh === 5 ? s : undefined;
      });
      await apps().patchNamespacedDeploymentScale({ namespace: ns, name, body: { spec: { replicas: 30 } } }, MERGE_PATCH);
      // 20 more replicas (+3 surge = 33) shared in proportion to each ReplicaSet's size: 8→20, 5→13.
      const after = await eventually('proportionally scaled ReplicaSets', async () => {
        const s = await sizes();
        return s.old + s.fresh === 33 ? s : undefined;
      });
      assert.deepEqual(after, { old: 20, fresh: 13 });
    });

    it('[sig-apps] Deployment deployment should support rollover [Conformance]', async () => {
      const ns = await testNamespace(m, 'deployment');
      const labels = { name: 'rollover-pod' };
      await apps().createNamespacedReplicaSet({ namespace: ns, body: replicaSet('test-rollover-controller', 1, labels) });
      await runningPods(ns, 'name=rollover-pod', 1);
      const name = 'test-rollover-deployment';
      const d = deployment(name, 1, labels, { minReadySeconds: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
      d.spec!.template = template(labels, 'registry.k8s.io/e2e-test-images/agnhost:2.53', NEVER_READY);
      await apps().createNamespacedDeployment({ namespace: ns, body: d });
      // The first rollout is stuck on a pod that never gets ready; roll over to a good template mid-way.
      await eventually('a stuck new ReplicaSet', async () => ((await apps().listNamespacedReplicaSet({ namespace: ns })).items.length === 2 ? true : undefined));
      await retryOnConflict(async () => {
        const cur = await apps().readNamespacedDeployment({ namespace: ns, name });
        cur.spec!.template = template(labels, 'registry.k8s.io/e2e-test-images/httpd:2.4.39-4');
        return apps().replaceNamespacedDeployment({ namespace: ns, name, body: cur });
      });
      const done = await rolledOut(ns, name);
      const rss = (await apps().listNamespacedReplicaSet({ namespace: ns })).items;
      const current = rss.filter((r) => (r.spec?.replicas ?? 0) > 0);
      assert.equal(current.length, 1, `only the newest ReplicaSet keeps replicas: ${JSON.stringify(rss.map((r) => [r.metadata?.name, r.spec?.replicas]))}`);
      assert.equal(current[0]!.spec?.template?.spec?.containers[0]?.image, 'registry.k8s.io/e2e-test-images/httpd:2.4.39-4');
      assert.equal(done.status?.availableReplicas, 1);
    });

    it('[sig-apps] Deployment should run the lifecycle of a Deployment [Conformance]', async () => {
      const ns = await testNamespace(m, 'deployment');
      const name = `test-deployment-${suffix()}`;
      const labels = { 'test-deployment-static': 'true' };
      const w = await WatchLog.open(m.kc(), `/apis/apps/v1/namespaces/${ns}/deployments`, { labelSelector: 'test-deployment-static=true' });
      try {
        await apps().createNamespacedDeployment({ namespace: ns, body: deployment(name, 2, labels) });
        await rolledOut(ns, name);
        const patched = await apps().patchNamespacedDeployment(
          { namespace: ns, name, body: { metadata: { labels: { 'test-deployment': 'patched' } }, spec: { replicas: 1, template: { spec: { terminationGracePeriodSeconds: 1 } } } } },
          MERGE_PATCH,
        );
        assert.equal(patched.metadata?.labels?.['test-deployment'], 'patched');
        await rolledOut(ns, name);
        await apps().patchNamespacedDeploymentScale({ namespace: ns, name, body: { spec: { replicas: 2 } } }, MERGE_PATCH);
        await rolledOut(ns, name);
        const status = await apps().readNamespacedDeploymentStatus({ namespace: ns, name });
        assert.equal(status.status?.availableReplicas, 2);
        const sp = await apps().patchNamespacedDeploymentStatus(
          { namespace: ns, name, body: { status: { conditions: [{ type: 'StatusPatched', status: 'True', reason: 'E2E', message: 'patched' }] } } },
          MERGE_PATCH,
        );
        assert.ok(sp.status?.conditions?.some((c) => c.type === 'StatusPatched'));
        await apps().deleteNamespacedDeployment({ namespace: ns, name });
        await w.until('DELETED', (ev) => ev.some((e) => e.type === 'DELETED'));
        assert.deepEqual([...new Set(w.events.map((e) => e.type))].sort(), ['ADDED', 'DELETED', 'MODIFIED']);
      } finally {
        w.stop();
      }
    });

    it('[sig-apps] Deployment should validate Deployment Status endpoints [Conformance]', async () => {
      const ns = await testNamespace(m, 'deployment');
      const name = 'test-deployment-status';
      await apps().createNamespacedDeployment({ namespace: ns, body: deployment(name, 1, { e2e: 'status' }) });
      const updated = await retryOnConflict(async () => {
        const cur = await apps().readNamespacedDeploymentStatus({ namespace: ns, name });
        cur.status = { ...cur.status, conditions: [...(cur.status?.conditions ?? []), { type: 'StatusUpdate', status: 'True', reason: 'E2E', message: 'Set from e2e test' }] };
        return apps().replaceNamespacedDeploymentStatus({ namespace: ns, name, body: cur });
      });
      assert.ok(updated.status?.conditions?.some((c) => c.type === 'StatusUpdate'));
      const read = await apps().readNamespacedDeploymentStatus({ namespace: ns, name });
      assert.ok(read.status?.conditions?.some((c) => c.type === 'StatusUpdate'), 'the update is visible to reads');
      await apps().patchNamespacedDeploymentStatus({ namespace: ns, name, body: { metadata: { annotations: { patchedstatus: 'true' } }, status: { readyReplicas: 0 } } }, MERGE_PATCH);
      const again = await apps().readNamespacedDeploymentStatus({ namespace: ns, name });
      assert.equal(again.metadata?.annotations?.patchedstatus, 'true', 'the status patch is visible to reads');
    });
  });

  describe('sig-apps: ReplicaSet', { ...SUITE, concurrency: true }, () => {
    it('[sig-apps] ReplicaSet Replace and Patch tests [Conformance]', async () => {
      const ns = await testNamespace(m, 'replicaset');
      const name = 'test-rs';
      await apps().createNamespacedReplicaSet({ namespace: ns, body: replicaSet(name, 1, { name: 'sample-pod' }) });
      await runningPods(ns, 'name=sample-pod', 1);
      await retryOnConflict(async () => {
        const cur = await apps().readNamespacedReplicaSet({ namespace: ns, name });
        cur.spec!.replicas = 2;
        return apps().replaceNamespacedReplicaSet({ namespace: ns, name, body: cur });
      });
      await waitForObject('2 ready replicas', () => apps().readNamespacedReplicaSet({ namespace: ns, name }), (r) => r.status?.readyReplicas === 2);
      const patched = await apps().patchNamespacedReplicaSet({ namespace: ns, name, body: { spec: { replicas: 3 }, metadata: { labels: { 'test-rs': 'patched' } } } }, MERGE_PATCH);
      assert.equal(patched.metadata?.labels?.['test-rs'], 'patched');
      await waitForObject('3 ready replicas', () => apps().readNamespacedReplicaSet({ namespace: ns, name }), (r) => r.status?.readyReplicas === 3);
    });

    it('[sig-apps] ReplicaSet Replicaset should have a working scale subresource [Conformance]', async () => {
      const ns = await testNamespace(m, 'replicaset');
      const name = 'test-rs';
      await apps().createNamespacedReplicaSet({ namespace: ns, body: replicaSet(name, 1, { name: 'sample-pod' }) });
      await runningPods(ns, 'name=sample-pod', 1);
      const scale = await apps().readNamespacedReplicaSetScale({ namespace: ns, name });
      assert.equal(scale.spec?.replicas, 1);
      assert.equal(scale.status?.replicas, 1);
      const updated = await retryOnConflict(async () => {
        const cur = await apps().readNamespacedReplicaSetScale({ namespace: ns, name });
        cur.spec = { replicas: 2 };
        return apps().replaceNamespacedReplicaSetScale({ namespace: ns, name, body: cur });
      });
      assert.equal(updated.spec?.replicas, 2);
      assert.equal((await apps().readNamespacedReplicaSet({ namespace: ns, name })).spec?.replicas, 2);
      await apps().patchNamespacedReplicaSetScale({ namespace: ns, name, body: { spec: { replicas: 4 } } }, MERGE_PATCH);
      assert.equal((await apps().readNamespacedReplicaSet({ namespace: ns, name })).spec?.replicas, 4);
    });

    it('[sig-apps] ReplicaSet should adopt matching pods on creation and release no longer matching pods [Conformance]', async () => {
      const ns = await testNamespace(m, 'replicaset');
      const labels = { name: 'pod-adoption-release' };
      const rs = await expectAdoption(ns, 'pod-adoption-release', labels, () => apps().createNamespacedReplicaSet({ namespace: ns, body: replicaSet('pod-adoption-release', 1, labels) }));
      await core().patchNamespacedPod({ namespace: ns, name: 'pod-adoption-release', body: { metadata: { labels: { name: 'not-matching' } } } }, MERGE_PATCH);
      await waitForObject(
        'the pod released',
        () => core().readNamespacedPod({ namespace: ns, name: 'pod-adoption-release' }),
        (p) => !p.metadata?.ownerReferences?.some((o) => o.uid === rs.metadata?.uid),
      );
      await runningPods(ns, 'name=pod-adoption-release', 1);
    });

    it('[sig-apps] ReplicaSet should list and delete a collection of ReplicaSets [Conformance]', async () => {
      const ns = await testNamespace(m, 'replicaset');
      await apps().createNamespacedReplicaSet({ namespace: ns, body: replicaSet('test-rs', 1, { name: 'collection', e2e: 'rs-collection' }) });
      const listed = await apps().listReplicaSetForAllNamespaces({ labelSelector: 'e2e=rs-collection' });
      assert.ok(listed.items.some((r) => r.metadata?.namespace === ns));
      await apps().deleteCollectionNamespacedReplicaSet({ namespace: ns, labelSelector: 'e2e=rs-collection' });
      await eventually('collection deleted', async () => ((await apps().listNamespacedReplicaSet({ namespace: ns, labelSelector: 'e2e=rs-collection' })).items.length === 0 ? true : undefined));
    });

    it('[sig-apps] ReplicaSet should validate Replicaset Status endpoints [Conformance]', async () => {
      const ns = await testNamespace(m, 'replicaset');
      const name = 'test-rs-status';
      await apps().createNamespacedReplicaSet({ namespace: ns, body: replicaSet(name, 1, { e2e: 'rs-status' }) });
      await retryOnConflict(async () => {
        const cur = await apps().readNamespacedReplicaSetStatus({ namespace: ns, name });
        cur.status = { ...cur.status!, conditions: [...(cur.status?.conditions ?? []), { type: 'StatusUpdate', status: 'True', reason: 'E2E', message: 'Set from e2e test' }] };
        return apps().replaceNamespacedReplicaSetStatus({ namespace: ns, name, body: cur });
      });
      assert.ok((await apps().readNamespacedReplicaSetStatus({ namespace: ns, name })).status?.conditions?.some((c) => c.type === 'StatusUpdate'));
      await apps().patchNamespacedReplicaSetStatus({ namespace: ns, name, body: { metadata: { annotations: { patchedstatus: 'true' } } } }, MERGE_PATCH);
      assert.equal((await apps().readNamespacedReplicaSetStatus({ namespace: ns, name })).metadata?.annotations?.patchedstatus, 'true');
    });
  });

  describe('sig-apps: ReplicationController', { ...SUITE, concurrency: true }, () => {
    const rc = (name: string, replicas: number, labels: Record<string, string>) => ({ metadata: { name, labels }, spec: { replicas, selector: labels, template: template(labels) } });

    it('[sig-apps] ReplicationController should adopt matching pods on creation [Conformance]', async () => {
      const ns = await testNamespace(m, 'rc');
      const labels = { name: 'pod-adoption' };
      await expectAdoption(ns, 'pod-adoption', labels, () => core().createNamespacedReplicationController({ namespace: ns, body: rc('pod-adoption', 1, labels) }));
    });

    it('[sig-apps] ReplicationController should release no longer matching pods [Conformance]', async () => {
      const ns = await testNamespace(m, 'rc');
      const labels = { name: 'pod-release' };
      const created = await core().createNamespacedReplicationController({ namespace: ns, body: rc('pod-release', 1, labels) });
      const [p] = await runningPods(ns, 'name=pod-release', 1);
      await core().patchNamespacedPod({ namespace: ns, name: p!.metadata!.name!, body: { metadata: { labels: { name: 'not-matching' } } } }, MERGE_PATCH);
      await waitForObject(
        'the pod released',
        () => core().readNamespacedPod({ namespace: ns, name: p!.metadata!.name! }),
        (x) => !x.metadata?.ownerReferences?.some((o) => o.uid === created.metadata?.uid),
      );
    });

    it('[sig-apps] ReplicationController should get and update a ReplicationController scale [Conformance]', async () => {
      const ns = await testNamespace(m, 'rc');
      const name = 'e2e-rc';
      await core().createNamespacedReplicationController({ namespace: ns, body: rc(name, 1, { name: 'e2e-rc-scale' }) });
      assert.equal((await core().readNamespacedReplicationControllerScale({ namespace: ns, name })).spec?.replicas, 1);
      await retryOnConflict(async () => {
        const scale = await core().readNamespacedReplicationControllerScale({ namespace: ns, name });
        scale.spec = { replicas: 2 };
        return core().replaceNamespacedReplicationControllerScale({ namespace: ns, name, body: scale });
      });
      assert.equal((await core().readNamespacedReplicationController({ namespace: ns, name })).spec?.replicas, 2);
      await waitForObject('2 replicas', () => core().readNamespacedReplicationController({ namespace: ns, name }), (r) => r.status?.replicas === 2);
    });

    it('[sig-apps] ReplicationController should surface a failure condition on a common issue like exceeded quota [Conformance]', async () => {
      const ns = await testNamespace(m, 'rc');
      const name = 'condition-test';
      await core().createNamespacedResourceQuota({ namespace: ns, body: { metadata: { name }, spec: { hard: { pods: '2' } } } });
      await waitForObject('quota counted', () => core().readNamespacedResourceQuota({ namespace: ns, name }), (q) => q.status?.hard?.pods === '2');
      await core().createNamespacedReplicationController({ namespace: ns, body: rc(name, 3, { name }) });
      await waitForObject(
        'a ReplicaFailure condition',
        () => core().readNamespacedReplicationController({ namespace: ns, name }),
        (r) => r.status?.conditions?.some((c) => c.type === 'ReplicaFailure' && c.status === 'True' && c.reason === 'FailedCreate') === true,
      );
      await core().patchNamespacedReplicationController({ namespace: ns, name, body: { spec: { replicas: 2 } } }, MERGE_PATCH);
      await waitForObject(
        'the condition cleared',
        () => core().readNamespacedReplicationController({ namespace: ns, name }),
        (r) => !r.status?.conditions?.some((c) => c.type === 'ReplicaFailure'),
      );
    });

    it('[sig-apps] ReplicationController should test the lifecycle of a ReplicationController [Conformance]', async () => {
      const ns = await testNamespace(m, 'rc');
      const name = 'rc-test';
      const w = await WatchLog.open(m.kc(), `/api/v1/namespaces/${ns}/replicationcontrollers`, { labelSelector: 'test-rc-static=true' });
      try {
        await core().createNamespacedReplicationController({ namespace: ns, body: rc(name, 1, { 'test-rc-static': 'true' }) });
        await w.until('ADDED', (ev) => ev.some((e) => e.type === 'ADDED'));
        await waitForObject('1 available', () => core().readNamespacedReplicationController({ namespace: ns, name }), (r) => r.status?.availableReplicas === 1);
        const patched = await core().patchNamespacedReplicationController({ namespace: ns, name, body: { metadata: { labels: { 'rc-patched': 'true' } } } }, MERGE_PATCH);
        assert.equal(patched.metadata?.labels?.['rc-patched'], 'true');
        await core().patchNamespacedReplicationControllerStatus({ namespace: ns, name, body: { status: { readyReplicas: 0, availableReplicas: 0 } } }, MERGE_PATCH);
        await core().patchNamespacedReplicationControllerScale({ namespace: ns, name, body: { spec: { replicas: 2 } } }, MERGE_PATCH);
        await waitForObject('2 ready', () => core().readNamespacedReplicationController({ namespace: ns, name }), (r) => r.status?.readyReplicas === 2);
        const list = await core().listReplicationControllerForAllNamespaces({ labelSelector: 'test-rc-static=true' });
        assert.ok(list.items.some((r) => r.metadata?.namespace === ns && r.metadata?.name === name));
        await core().deleteCollectionNamespacedReplicationController({ namespace: ns, labelSelector: 'test-rc-static=true' });
        await w.until('DELETED', (ev) => ev.some((e) => e.type === 'DELETED'));
      } finally {
        w.stop();
      }
    });
  });
}
