// Mirrors of upstream's Namespace and ResourceQuota conformance tests: namespace finalize/update/status/
// patch, namespace deletion taking its pods and services along, and quota usage tracked by admission and
// the resource quota controller. Titles are upstream's codenames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, type V1Pod, type V1ResourceQuota } from '@kubernetes/client-node';
import { apiFailure, eventually, MERGE_PATCH, retryOnConflict, suffix, testNamespace, waitForObject, SUITE, type Mirror } from '../support.ts';

/** Registers these mirrors against the file's cluster `m`. */
export function namespaceQuotaMirrors(m: Mirror): void {
  const core = () => m.api(CoreV1Api);

  function pod(name: string, resources?: { requests?: Record<string, string>; limits?: Record<string, string> }, extra: Partial<V1Pod['spec']> = {}): V1Pod {
    return { metadata: { name }, spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', ...(resources ? { resources } : {}) }], ...extra } };
  }

  async function namespaceGone(name: string): Promise<void> {
    await eventually(
      `namespace ${name} deleted`,
      async () => {
        try {
          await core().readNamespace({ name });
          return undefined;
        } catch (err) {
          return (err as { code?: number }).code === 404 ? true : undefined;
        }
      },
      60_000,
    );
  }

  describe('sig-api-machinery: Namespaces', { ...SUITE, concurrency: true }, () => {
    it('[sig-api-machinery] Namespaces [Serial] should apply a finalizer to a Namespace [Conformance]', async () => {
      const name = await testNamespace(m, 'e2e-ns', { waitForServiceAccount: false });
      const fake = 'e2e.example.com/fakeFinalizer';
      const ns = await core().readNamespace({ name });
      const withFake = await core().replaceNamespaceFinalize({ name, body: { ...ns, spec: { finalizers: [...(ns.spec?.finalizers ?? []), fake] } } });
      assert.ok(withFake.spec?.finalizers?.includes(fake), `finalizers ${JSON.stringify(withFake.spec?.finalizers)} include ${fake}`);
      const without = await core().replaceNamespaceFinalize({ name, body: { ...withFake, spec: { finalizers: withFake.spec!.finalizers!.filter((f) => f !== fake) } } });
      assert.ok(!without.spec?.finalizers?.includes(fake), 'the fake finalizer is gone');
      assert.ok(!(await core().readNamespace({ name })).spec?.finalizers?.includes(fake));
    });

    it('[sig-api-machinery] Namespaces [Serial] should apply an update to a Namespace [Conformance]', async () => {
      const name = await testNamespace(m, 'e2e-ns', { waitForServiceAccount: false });
      const ns = await core().readNamespace({ name });
      const updated = await core().replaceNamespace({ name, body: { ...ns, metadata: { ...ns.metadata, labels: { ...ns.metadata?.labels, 'e2e-ns-update': 'updated' } } } });
      assert.equal(updated.metadata?.labels?.['e2e-ns-update'], 'updated');
    });

    it('[sig-api-machinery] Namespaces [Serial] should apply changes to a namespace status [Conformance]', async () => {
      const name = await testNamespace(m, 'e2e-ns', { waitForServiceAccount: false });
      const st = await core().readNamespaceStatus({ name });
      assert.equal(st.status?.phase, 'Active');
      const patched = await core().patchNamespaceStatus(
        { name, body: { status: { conditions: [{ type: 'StatusPatch', status: 'True', reason: 'E2E', message: 'Patched by an e2e test' }] } } },
        MERGE_PATCH,
      );
      const pc = patched.status?.conditions?.find((c) => c.type === 'StatusPatch');
      assert.deepEqual([pc?.status, pc?.reason, pc?.message], ['True', 'E2E', 'Patched by an e2e test']);
      const cur = await core().readNamespaceStatus({ name });
      const updated = await core().replaceNamespaceStatus({
        name,
        body: { ...cur, status: { ...cur.status, conditions: [...(cur.status?.conditions ?? []), { type: 'StatusUpdate', status: 'True', reason: 'E2E', message: 'Updated by an e2e test' }] } },
      });
      const uc = updated.status?.conditions?.find((c) => c.type === 'StatusUpdate');
      assert.deepEqual([uc?.status, uc?.reason, uc?.message], ['True', 'E2E', 'Updated by an e2e test']);
    });

    it('[sig-api-machinery] Namespaces [Serial] should patch a Namespace [Conformance]', async () => {
      const name = await testNamespace(m, 'e2e-ns', { waitForServiceAccount: false });
      const patched = await core().patchNamespace({ name, body: { metadata: { labels: { testLabel: 'testValue' } } } }, MERGE_PATCH);
      assert.equal(patched.metadata?.labels?.testLabel, 'testValue');
      assert.equal((await core().readNamespace({ name })).metadata?.labels?.testLabel, 'testValue');
    });

    it('[sig-api-machinery] Namespaces [Serial] should ensure that all pods are removed when a namespace is deleted [Conformance]', async () => {
      const name = await testNamespace(m, 'nsdeletetest');
      await core().createNamespacedPod({ namespace: name, body: pod('test-pod') });
      await waitForObject('test-pod Running', () => core().readNamespacedPod({ namespace: name, name: 'test-pod' }), (p) => p.status?.phase === 'Running');
      await core().deleteNamespace({ name });
      await namespaceGone(name);
      await core().createNamespace({ body: { metadata: { name } } });
      assert.equal((await core().listNamespacedPod({ namespace: name })).items.length, 0, 'no pods in the recreated namespace');
      await core().deleteNamespace({ name });
    });

    it('[sig-api-machinery] Namespaces [Serial] should ensure that all services are removed when a namespace is deleted [Conformance]', async () => {
      const name = await testNamespace(m, 'nsdeletetest', { waitForServiceAccount: false });
      await core().createNamespacedService({
        namespace: name,
        body: { metadata: { name: 'test-service' }, spec: { selector: { foo: 'bar' }, ports: [{ port: 80, targetPort: 80 }] } },
      });
      await core().deleteNamespace({ name });
      await namespaceGone(name);
      await core().createNamespace({ body: { metadata: { name } } });
      await apiFailure(core().readNamespacedService({ namespace: name, name: 'test-service' }), 404, 'the service is gone with its namespace');
      await core().deleteNamespace({ name });
    });
  });

  /** Waits until the quota's status.used has exactly these values for these resources (others ignored). */
  async function quotaUsed(ns: string, name: string, used: Record<string, string>): Promise<V1ResourceQuota> {
    return waitForObject(
      `quota ${name} used ${JSON.stringify(used)}`,
      () => core().readNamespacedResourceQuota({ namespace: ns, name }),
      (q) => Object.entries(used).every(([k, v]) => q.status?.used?.[k] === v),
      30_000,
    );
  }

  const COUNTS = { pods: '5', services: '10', configmaps: '10', secrets: '10', replicationcontrollers: '10', 'count/replicasets.apps': '5', resourcequotas: '1' };

  /** Quota counts that start at what the namespace already holds (upstream measures the same). */
  async function baseline(ns: string): Promise<Record<string, string>> {
    const [cms, secrets] = await Promise.all([core().listNamespacedConfigMap({ namespace: ns }), core().listNamespacedSecret({ namespace: ns })]);
    return {
      pods: '0',
      services: '0',
      configmaps: String(cms.items.length),
      secrets: String(secrets.items.length),
      replicationcontrollers: '0',
      'count/replicasets.apps': '0',
      resourcequotas: '1',
    };
  }

  async function countingQuota(ns: string): Promise<Record<string, string>> {
    const base = await baseline(ns);
    await core().createNamespacedResourceQuota({ namespace: ns, body: { metadata: { name: 'test-quota' }, spec: { hard: COUNTS } } });
    const q = await quotaUsed(ns, 'test-quota', base);
    assert.deepEqual(q.status?.hard, COUNTS, 'status.hard mirrors spec.hard');
    return base;
  }

  const plusOne = (v: string | undefined) => String(Number(v) + 1);

  describe('sig-api-machinery: ResourceQuota', SUITE, () => {
    it('[sig-api-machinery] ResourceQuota should create a ResourceQuota and ensure its status is promptly calculated. [Conformance]', async () => {
      const ns = await testNamespace(m, 'resourcequota');
      await countingQuota(ns);
    });

    it('[sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a configMap. [Conformance]', async () => {
      const ns = await testNamespace(m, 'resourcequota');
      const base = await countingQuota(ns);
      await core().createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'test-configmap' }, data: { a: 'b' } } });
      await quotaUsed(ns, 'test-quota', { configmaps: plusOne(base.configmaps) });
      await core().deleteNamespacedConfigMap({ namespace: ns, name: 'test-configmap' });
      await quotaUsed(ns, 'test-quota', { configmaps: base.configmaps! });
    });

    it('[sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a secret. [Conformance]', async () => {
      const ns = await testNamespace(m, 'resourcequota');
      const base = await countingQuota(ns);
      await core().createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'test-secret' }, data: { a: 'Yg==' } } });
      await quotaUsed(ns, 'test-quota', { secrets: plusOne(base.secrets), resourcequotas: '1' });
      await core().deleteNamespacedSecret({ namespace: ns, name: 'test-secret' });
      await quotaUsed(ns, 'test-quota', { secrets: base.secrets! });
    });

    it('[sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a service. [Conformance]', async () => {
      const ns = await testNamespace(m, 'resourcequota');
      await countingQuota(ns);
      await core().createNamespacedService({ namespace: ns, body: { metadata: { name: 'test-service' }, spec: { ports: [{ port: 80 }] } } });
      await quotaUsed(ns, 'test-quota', { services: '1', resourcequotas: '1' });
      await core().deleteNamespacedService({ namespace: ns, name: 'test-service' });
      await quotaUsed(ns, 'test-quota', { services: '0' });
    });

    it('[sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a replication controller. [Conformance]', async () => {
      const ns = await testNamespace(m, 'resourcequota');
      await countingQuota(ns);
      await core().createNamespacedReplicationController({
        namespace: ns,
        body: { metadata: { name: 'test-rc' }, spec: { replicas: 0, selector: { name: 'rc' }, template: { metadata: { labels: { name: 'rc' } }, spec: pod('x').spec } } },
      });
      await quotaUsed(ns, 'test-quota', { replicationcontrollers: '1' });
      await core().deleteNamespacedReplicationController({ namespace: ns, name: 'test-rc' });
      await quotaUsed(ns, 'test-quota', { replicationcontrollers: '0' });
    });

    it('[sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a replica set. [Conformance]', async () => {
      const ns = await testNamespace(m, 'resourcequota');
      await countingQuota(ns);
      await m.api(AppsV1Api).createNamespacedReplicaSet({
        namespace: ns,
        body: { metadata: { name: 'test-rs' }, spec: { replicas: 0, selector: { matchLabels: { name: 'rs' } }, template: { metadata: { labels: { name: 'rs' } }, spec: pod('x').spec } } },
      });
      await quotaUsed(ns, 'test-quota', { 'count/replicasets.apps': '1' });
      await m.api(AppsV1Api).deleteNamespacedReplicaSet({ namespace: ns, name: 'test-rs' });
      await quotaUsed(ns, 'test-quota', { 'count/replicasets.apps': '0' });
    });

    it('[sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a pod. [Conformance]', async () => {
      const ns = await testNamespace(m, 'resourcequota');
      const hard = { pods: '5', 'requests.cpu': '1', 'requests.memory': '500Mi', 'requests.ephemeral-storage': '50Gi', 'requests.example.com/dongle': '3' };
      await core().createNamespacedResourceQuota({ namespace: ns, body: { metadata: { name: 'test-quota' }, spec: { hard } } });
      await quotaUsed(ns, 'test-quota', { pods: '0', 'requests.cpu': '0', 'requests.memory': '0' });
      const requests = { cpu: '500m', memory: '252Mi', 'ephemeral-storage': '30Gi', 'example.com/dongle': '2' };
      await core().createNamespacedPod({ namespace: ns, body: pod('test-pod', { requests, limits: { 'example.com/dongle': '2' } }) });
      await quotaUsed(ns, 'test-quota', { pods: '1', 'requests.cpu': '500m', 'requests.memory': '252Mi', 'requests.ephemeral-storage': '30Gi', 'requests.example.com/dongle': '2' });
      const tooMuch = await apiFailure(
        core().createNamespacedPod({ namespace: ns, body: pod('fail-pod', { requests: { cpu: '600m', memory: '100Mi' } }) }),
        403,
        'a pod exceeding the remaining quota',
      );
      assert.equal(tooMuch.reason, 'Forbidden');
      assert.match(tooMuch.message ?? '', /exceeded quota: test-quota/);
      // Resource requests of a pod cannot change once it exists.
      const cur = await core().readNamespacedPod({ namespace: ns, name: 'test-pod' });
      cur.spec!.containers[0]!.resources!.requests = { ...requests, cpu: '100m' };
      await apiFailure(core().replaceNamespacedPod({ namespace: ns, name: 'test-pod', body: cur }), 422, 'changing a pod\'s requests');
      await core().deleteNamespacedPod({ namespace: ns, name: 'test-pod', gracePeriodSeconds: 0 });
      await quotaUsed(ns, 'test-quota', { pods: '0', 'requests.cpu': '0', 'requests.memory': '0', 'requests.ephemeral-storage': '0', 'requests.example.com/dongle': '0' });
    });

    it('[sig-api-machinery] ResourceQuota should be able to update and delete ResourceQuota. [Conformance]', async () => {
      const ns = await testNamespace(m, 'resourcequota', { waitForServiceAccount: false });
      await core().createNamespacedResourceQuota({ namespace: ns, body: { metadata: { name: 'test-quota' }, spec: { hard: { cpu: '1', memory: '500Mi' } } } });
      // The quota controller writes status on the same object, so the read-modify-write may need a retry.
      const updated = await retryOnConflict(async () => {
        const q = await core().readNamespacedResourceQuota({ namespace: ns, name: 'test-quota' });
        q.spec!.hard = { cpu: '2', memory: '1Gi' };
        return core().replaceNamespacedResourceQuota({ namespace: ns, name: 'test-quota', body: q });
      });
      assert.deepEqual(updated.spec?.hard, { cpu: '2', memory: '1Gi' });
      await core().deleteNamespacedResourceQuota({ namespace: ns, name: 'test-quota' });
      await apiFailure(core().readNamespacedResourceQuota({ namespace: ns, name: 'test-quota' }), 404, 'deleted quota');
    });

    it('[sig-api-machinery] ResourceQuota should manage the lifecycle of a ResourceQuota [Conformance]', async () => {
      const ns = await testNamespace(m, 'resourcequota', { waitForServiceAccount: false });
      const label = `e2e-rq-${suffix()}`;
      await core().createNamespacedResourceQuota({ namespace: ns, body: { metadata: { name: 'e2e-quota', labels: { [label]: 'true' } }, spec: { hard: { cpu: '1', memory: '500Mi' } } } });
      const all = await core().listResourceQuotaForAllNamespaces({ labelSelector: `${label}=true` });
      assert.equal(all.items.length, 1, 'one quota across all namespaces by label');
      const patched = await core().patchNamespacedResourceQuota(
        { namespace: ns, name: 'e2e-quota', body: { metadata: { labels: { patched: 'true' } }, spec: { hard: { cpu: '1', memory: '750Mi' } } } },
        MERGE_PATCH,
      );
      assert.equal(patched.metadata?.labels?.patched, 'true');
      assert.equal(patched.spec?.hard?.memory, '750Mi');
      await core().deleteCollectionNamespacedResourceQuota({ namespace: ns, labelSelector: `${label}=true` });
      assert.equal((await core().listNamespacedResourceQuota({ namespace: ns, labelSelector: `${label}=true` })).items.length, 0);
    });

    it('[sig-api-machinery] ResourceQuota should apply changes to a resourcequota status [Conformance]', async () => {
      const ns = await testNamespace(m, 'resourcequota', { waitForServiceAccount: false });
      const name = 'e2e-rq-status';
      await core().createNamespacedResourceQuota({ namespace: ns, body: { metadata: { name }, spec: { hard: { cpu: '500m', memory: '500Mi' } } } });
      const upd = await retryOnConflict(async () => {
        const cur = await core().readNamespacedResourceQuota({ namespace: ns, name });
        return core().replaceNamespacedResourceQuotaStatus({ namespace: ns, name, body: { ...cur, status: { hard: { cpu: '500m', memory: '500Mi' }, used: cur.status?.used } } });
      });
      assert.deepEqual(upd.status?.hard, { cpu: '500m', memory: '500Mi' });
      await core().patchNamespacedResourceQuota({ namespace: ns, name, body: { spec: { hard: { cpu: '1', memory: '1Gi' } } } }, MERGE_PATCH);
      const ps = await core().patchNamespacedResourceQuotaStatus({ namespace: ns, name, body: { status: { hard: { cpu: '1', memory: '1Gi' } } } }, MERGE_PATCH);
      assert.deepEqual(ps.status?.hard, { cpu: '1', memory: '1Gi' }, 'status hard follows the patched spec');
      const got = await core().readNamespacedResourceQuotaStatus({ namespace: ns, name });
      assert.deepEqual(got.status?.hard, got.spec?.hard);
      const again = await core().patchNamespacedResourceQuotaStatus({ namespace: ns, name, body: { spec: { hard: { cpu: '2' } }, status: { hard: { cpu: '2', memory: '1Gi' } } } }, MERGE_PATCH);
      assert.deepEqual(again.spec?.hard, { cpu: '1', memory: '1Gi' }, 'a /status patch leaves spec alone');
      assert.equal(again.status?.hard?.cpu, '2');
    });

    it('[sig-api-machinery] ResourceQuota should verify ResourceQuota with best effort scope. [Conformance]', async () => {
      const ns = await testNamespace(m, 'resourcequota');
      await core().createNamespacedResourceQuota({ namespace: ns, body: { metadata: { name: 'quota-besteffort' }, spec: { hard: { pods: '5' }, scopes: ['BestEffort'] } } });
      await core().createNamespacedResourceQuota({ namespace: ns, body: { metadata: { name: 'quota-not-besteffort' }, spec: { hard: { pods: '5' }, scopes: ['NotBestEffort'] } } });
      await quotaUsed(ns, 'quota-besteffort', { pods: '0' });
      await quotaUsed(ns, 'quota-not-besteffort', { pods: '0' });
      await core().createNamespacedPod({ namespace: ns, body: pod('best-effort') });
      await quotaUsed(ns, 'quota-besteffort', { pods: '1' });
      await quotaUsed(ns, 'quota-not-besteffort', { pods: '0' });
      await core().deleteNamespacedPod({ namespace: ns, name: 'best-effort', gracePeriodSeconds: 0 });
      await quotaUsed(ns, 'quota-besteffort', { pods: '0' });
      await core().createNamespacedPod({ namespace: ns, body: pod('not-best-effort', { requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '200m', memory: '200Mi' } }) });
      await quotaUsed(ns, 'quota-not-besteffort', { pods: '1' });
      await quotaUsed(ns, 'quota-besteffort', { pods: '0' });
      await core().deleteNamespacedPod({ namespace: ns, name: 'not-best-effort', gracePeriodSeconds: 0 });
      await quotaUsed(ns, 'quota-not-besteffort', { pods: '0' });
    });

    it('[sig-api-machinery] ResourceQuota should verify ResourceQuota with terminating scopes. [Conformance]', async () => {
      const ns = await testNamespace(m, 'resourcequota');
      const hard = { pods: '5', 'requests.cpu': '1', 'requests.memory': '500Mi', 'limits.cpu': '2', 'limits.memory': '1Gi' };
      await core().createNamespacedResourceQuota({ namespace: ns, body: { metadata: { name: 'quota-terminating' }, spec: { hard, scopes: ['Terminating'] } } });
      await core().createNamespacedResourceQuota({ namespace: ns, body: { metadata: { name: 'quota-not-terminating' }, spec: { hard, scopes: ['NotTerminating'] } } });
      await quotaUsed(ns, 'quota-terminating', { pods: '0' });
      await quotaUsed(ns, 'quota-not-terminating', { pods: '0' });
      const res = { requests: { cpu: '500m', memory: '200Mi' }, limits: { cpu: '1', memory: '400Mi' } };
      await core().createNamespacedPod({ namespace: ns, body: pod('test-pod', res) });
      await quotaUsed(ns, 'quota-not-terminating', { pods: '1', 'requests.cpu': '500m', 'requests.memory': '200Mi', 'limits.cpu': '1', 'limits.memory': '400Mi' });
      await quotaUsed(ns, 'quota-terminating', { pods: '0', 'requests.cpu': '0' });
      await core().deleteNamespacedPod({ namespace: ns, name: 'test-pod', gracePeriodSeconds: 0 });
      await quotaUsed(ns, 'quota-not-terminating', { pods: '0', 'requests.cpu': '0' });
      await core().createNamespacedPod({ namespace: ns, body: pod('terminating-pod', res, { activeDeadlineSeconds: 3600 }) });
      await quotaUsed(ns, 'quota-terminating', { pods: '1', 'requests.cpu': '500m', 'requests.memory': '200Mi', 'limits.cpu': '1', 'limits.memory': '400Mi' });
      await quotaUsed(ns, 'quota-not-terminating', { pods: '0' });
      await core().deleteNamespacedPod({ namespace: ns, name: 'terminating-pod', gracePeriodSeconds: 0 });
      await quotaUsed(ns, 'quota-terminating', { pods: '0', 'requests.cpu': '0' });
    });
  });
}
