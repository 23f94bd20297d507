// Mirrors of upstream's garbage collector conformance tests: background, foreground and orphan deletion
// of Deployments and ReplicationControllers, a foreground delete that must spare pods with another live
// owner, and an ownership cycle that must not block collection. Titles are upstream's codenames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, type V1OwnerReference, type V1Pod, type V1PodTemplateSpec, type V1ReplicationController } from '@kubernetes/client-node';
import { eventually, MERGE_PATCH, testNamespace, waitForObject, WatchLog, SUITE, type Mirror } from '../support.ts';

/** Registers these mirrors against the file's cluster `m`. */
export function garbageCollectorMirrors(m: Mirror): void {
  const core = () => m.api(CoreV1Api);
  const apps = () => m.api(AppsV1Api);

  const template = (labels: Record<string, string>): V1PodTemplateSpec => ({
    metadata: { labels },
    spec: { containers: [{ name: 'nginx', image: 'registry.k8s.io/nginx-slim:0.26' }], terminationGracePeriodSeconds: 0 },
  });

  function rc(name: string, replicas: number, labels: Record<string, string>): V1ReplicationController {
    return { metadata: { name }, spec: { replicas, selector: labels, template: template(labels) } };
  }

  async function podsWith(ns: string, selector: string, n: number): Promise<V1Pod[]> {
    return eventually(`${n} pods ${selector}`, async () => {
      const pods = (await core().listNamespacedPod({ namespace: ns, labelSelector: selector })).items;
      return pods.length === n ? pods : undefined;
    });
  }

  async function gone(what: string, read: () => Promise<unknown>): Promise<void> {
    await eventually(
      `${what} deleted`,
      async () => {
        try {
          await read();
          return undefined;
        } catch (err) {
          return (err as { code?: number }).code === 404 ? true : undefined;
        }
      },
      45_000,
    );
  }

  const ownerRef = (kind: string, o: { metadata?: { name?: string; uid?: string } }, block = true): V1OwnerReference => ({
    apiVersion: 'v1',
    kind,
    name: o.metadata!.name!,
    uid: o.metadata!.uid!,
    blockOwnerDeletion: block,
  });

  /** A two-replica Deployment; resolves with its ReplicaSet once both pods exist. */
  async function deploymentWithPods(ns: string, labels: Record<string, string>) {
    await apps().createNamespacedDeployment({
      namespace: ns,
      body: { metadata: { name: 'simpletest.deployment' }, spec: { replicas: 2, selector: { matchLabels: labels }, template: template(labels) } },
    });
    const rs = await eventually("the deployment's ReplicaSet", async () => (await apps().listNamespacedReplicaSet({ namespace: ns })).items[0]);
    await podsWith(ns, `app=${labels.app}`, 2);
    return rs;
  }

  describe('sig-api-machinery: Garbage collector', { ...SUITE, concurrency: true }, () => {
    it('[sig-api-machinery] Garbage collector should delete pods created by rc when not orphaning [Conformance]', async () => {
      const ns = await testNamespace(m, 'gc');
      await core().createNamespacedReplicationController({ namespace: ns, body: rc('simpletest.rc', 2, { app: 'gc-test' }) });
      await podsWith(ns, 'app=gc-test', 2);
      await core().deleteNamespacedReplicationController({ namespace: ns, name: 'simpletest.rc', propagationPolicy: 'Background' });
      await podsWith(ns, 'app=gc-test', 0);
    });

    it('[sig-api-machinery] Garbage collector should delete RS created by deployment when not orphaning [Conformance]', async () => {
      const ns = await testNamespace(m, 'gc');
      await deploymentWithPods(ns, { app: 'gc-deployment' });
      await apps().deleteNamespacedDeployment({ namespace: ns, name: 'simpletest.deployment', propagationPolicy: 'Background' });
      await eventually('ReplicaSet collected', async () => ((await apps().listNamespacedReplicaSet({ namespace: ns })).items.length === 0 ? true : undefined));
      await podsWith(ns, 'app=gc-deployment', 0);
    });

    it('[sig-api-machinery] Garbage collector should orphan RS created by deployment when deleteOptions.PropagationPolicy is Orphan [Conformance]', async () => {
      const ns = await testNamespace(m, 'gc');
      const rs = await deploymentWithPods(ns, { app: 'gc-orphan-deployment' });
      await apps().deleteNamespacedDeployment({ namespace: ns, name: 'simpletest.deployment', propagationPolicy: 'Orphan' });
      await gone('deployment', () => apps().readNamespacedDeployment({ namespace: ns, name: 'simpletest.deployment' }));
      const orphan = await waitForObject(
        'the ReplicaSet without owner references',
        () => apps().readNamespacedReplicaSet({ namespace: ns, name: rs.metadata!.name! }),
        (r) => (r.metadata?.ownerReferences ?? []).length === 0,
      );
      assert.equal(orphan.metadata?.uid, rs.metadata?.uid, 'the same ReplicaSet survives');
      assert.equal(orphan.metadata?.deletionTimestamp, undefined);
      const pods = await podsWith(ns, 'app=gc-orphan-deployment', 2);
      assert.ok(pods.every((p) => p.metadata?.ownerReferences?.[0]?.uid === rs.metadata?.uid && !p.metadata?.deletionTimestamp), 'pods still belong to the orphaned ReplicaSet');
    });

    it('[sig-api-machinery] Garbage collector should orphan pods created by rc if delete options say so [Conformance]', async () => {
      const ns = await testNamespace(m, 'gc');
      await core().createNamespacedReplicationController({ namespace: ns, body: rc('simpletest.rc', 10, { app: 'gc-orphan' }) });
      await podsWith(ns, 'app=gc-orphan', 10);
      await core().deleteNamespacedReplicationController({ namespace: ns, name: 'simpletest.rc', propagationPolicy: 'Orphan' });
      await gone('rc', () => core().readNamespacedReplicationController({ namespace: ns, name: 'simpletest.rc' }));
      await eventually('owner references removed from all pods', async () => {
        const pods = await podsWith(ns, 'app=gc-orphan', 10);
        return pods.every((p) => (p.metadata?.ownerReferences ?? []).length === 0 && !p.metadata?.deletionTimestamp) ? true : undefined;
      });
    });

    it('[sig-api-machinery] Garbage collector should keep the rc around until all its pods are deleted if the deleteOptions says so [Conformance]', async () => {
      const ns = await testNamespace(m, 'gc');
      const rcObj = await core().createNamespacedReplicationController({ namespace: ns, body: rc('simpletest.rc', 10, { app: 'gc-foreground' }) });
      await podsWith(ns, 'app=gc-foreground', 10);
      // Deletion revisions are etcd revisions, one global order: every pod's must come before the RC's.
      const podWatch = await WatchLog.open(m.kc(), `/api/v1/namespaces/${ns}/pods`, { resourceVersion: rcObj.metadata!.resourceVersion! });
      const rcWatch = await WatchLog.open(m.kc(), `/api/v1/namespaces/${ns}/replicationcontrollers`, { resourceVersion: rcObj.metadata!.resourceVersion! });
      try {
        await core().deleteNamespacedReplicationController({ namespace: ns, name: 'simpletest.rc', propagationPolicy: 'Foreground' });
        const deleting = await core().readNamespacedReplicationController({ namespace: ns, name: 'simpletest.rc' });
        assert.ok(deleting.metadata?.deletionTimestamp, 'the rc stays, being deleted');
        assert.ok(deleting.metadata?.finalizers?.includes('foregroundDeletion'), 'with the foregroundDeletion finalizer');
        await rcWatch.until('the rc DELETED', (ev) => ev.some((e) => e.type === 'DELETED'), 45_000);
        const rcGone = BigInt(rcWatch.events.find((e) => e.type === 'DELETED')!.object.metadata!.resourceVersion!);
        await podWatch.until('10 pods DELETED', (ev) => ev.filter((e) => e.type === 'DELETED').length === 10);
        for (const e of podWatch.events.filter((x) => x.type === 'DELETED')) {
          assert.ok(BigInt(e.object.metadata!.resourceVersion!) < rcGone, `pod ${e.object.metadata!.name} was deleted before the rc`);
        }
      } finally {
        podWatch.stop();
        rcWatch.stop();
      }
    });

    it("[sig-api-machinery] Garbage collector should not delete dependents that have both valid owner and owner that's waiting for dependents to be deleted [Conformance]", async () => {
      const ns = await testNamespace(m, 'gc');
      const rc1 = await core().createNamespacedReplicationController({ namespace: ns, body: rc('simpletest-rc-to-be-deleted', 10, { app: 'gc-rc1' }) });
      const rc2 = await core().createNamespacedReplicationController({ namespace: ns, body: rc('simpletest-rc-to-stay', 0, { app: 'gc-rc2' }) });
      const pods = await podsWith(ns, 'app=gc-rc1', 10);
      const shared = pods.slice(0, 5).map((p) => p.metadata!.name!);
      for (const name of shared) {
        const p = pods.find((x) => x.metadata!.name === name)!;
        await core().patchNamespacedPod({ namespace: ns, name, body: { metadata: { ownerReferences: [...p.metadata!.ownerReferences!, ownerRef('ReplicationController', rc2)] } } }, MERGE_PATCH);
      }
      await core().deleteNamespacedReplicationController({ namespace: ns, name: rc1.metadata!.name!, propagationPolicy: 'Foreground' });
      await gone('rc1', () => core().readNamespacedReplicationController({ namespace: ns, name: rc1.metadata!.name! }));
      const left = await podsWith(ns, 'app=gc-rc1', 5);
      assert.deepEqual(left.map((p) => p.metadata!.name!).sort(), [...shared].sort(), 'exactly the pods rc2 also owns remain');
      for (const p of left) assert.equal(p.metadata?.deletionTimestamp, undefined, `${p.metadata!.name} is not being deleted`);
    });

    it('[sig-api-machinery] Garbage collector should not be blocked by dependency circle [Conformance]', async () => {
      const ns = await testNamespace(m, 'gc');
      const mk = (name: string) => core().createNamespacedPod({ namespace: ns, body: { metadata: { name, labels: { app: 'gc-circle' } }, spec: template({}).spec } });
      const [p1, p2, p3] = [await mk('pod1'), await mk('pod2'), await mk('pod3')];
      const own = (name: string, owner: V1Pod) =>
        core().patchNamespacedPod({ namespace: ns, name, body: { metadata: { ownerReferences: [ownerRef('Pod', owner)] } } }, MERGE_PATCH);
      await own('pod1', p3!);
      await own('pod2', p1!);
      await own('pod3', p2!);
      await core().deleteNamespacedPod({ namespace: ns, name: 'pod1', propagationPolicy: 'Foreground' });
      await podsWith(ns, 'app=gc-circle', 0);
    });
  });
}
