// The resource quota controller against a real API server, scheduler and hollow nodes: status.hard
// mirrors spec.hard, status.used counts what is stored (compute requests and limits, object counts,
// services, claims per class, extended resources), scopes pick the pods a quota covers, and usage
// comes back when pods finish or go away — which lets quota admission admit again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, type V1Pod, type V1ResourceQuota } from '@kubernetes/client-node';
import { pod, startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;

before(async () => {
  c = await startNodesCluster({
    controllers: ['resourcequota-controller'],
    // Long enough that every change below is picked up by replenishment, not by the full resync.
    controllerTimings: { resourceQuotaSyncPeriodMs: 120_000 },
  });
});
after(async () => c?.stop());

const T = { timeout: 60_000 };

async function namespace(name: string): Promise<string> {
  await c.core.createNamespace({ body: { metadata: { name } } });
  return name;
}

async function createQuota(ns: string, name: string, hard: Record<string, string>, spec: Partial<NonNullable<V1ResourceQuota['spec']>> = {}) {
  await c.core.createNamespacedResourceQuota({ namespace: ns, body: { metadata: { name }, spec: { hard, ...spec } } });
}

/** Wait until the quota's status.used is exactly `used`. */
async function usedBecomes(ns: string, name: string, used: Record<string, string>): Promise<V1ResourceQuota> {
  return waitFor(
    `${name} used ${JSON.stringify(used)}`,
    async () => {
      const q = await c.core.readNamespacedResourceQuota({ namespace: ns, name });
      const got = q.status?.used ?? {};
      const sorted = (o: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(o).sort()));
      return sorted(got) === sorted(used) ? q : undefined;
    },
    20_000,
  );
}

function sized(name: string, requests: Record<string, string>, limits: Record<string, string> = {}, extra: Partial<NonNullable<V1Pod['spec']>> = {}): V1Pod {
  return pod(name, { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests, limits } }], ...extra });
}

describe('resourcequota-controller', () => {
  it('reports status.hard and the usage of objects that existed before the quota', T, async () => {
    const ns = await namespace('rq-usage');
    await c.core.createNamespacedPod({
      namespace: ns,
      body: sized('a', { cpu: '250m', memory: '64Mi', 'example.com/gpu': '1' }, { cpu: '500m', memory: '128Mi', 'example.com/gpu': '1' }),
    });
    await c.core.createNamespacedPod({ namespace: ns, body: sized('b', { cpu: '1250m', memory: '1Gi', 'ephemeral-storage': '1Gi' }) });
    await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cm' } } });
    await c.core.createNamespacedService({ namespace: ns, body: { metadata: { name: 'np' }, spec: { type: 'NodePort', ports: [{ port: 80, name: 'http' }, { port: 443, name: 'tls' }] } } });
    await c.core.createNamespacedPersistentVolumeClaim({
      namespace: ns,
      body: { metadata: { name: 'gold-1' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gold', resources: { requests: { storage: '2Gi' } } } },
    });
    await c.core.createNamespacedPersistentVolumeClaim({
      namespace: ns,
      body: { metadata: { name: 'plain' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: '', resources: { requests: { storage: '512Mi' } } } },
    });
    await c.kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'd' },
        spec: { replicas: 0, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      },
    });
    const hard = {
      pods: '10',
      'count/pods': '10',
      cpu: '4',
      'requests.cpu': '4',
      'limits.cpu': '4',
      memory: '4Gi',
      'requests.memory': '4Gi',
      'limits.memory': '4Gi',
      'requests.ephemeral-storage': '10Gi',
      'requests.example.com/gpu': '4',
      configmaps: '5',
      services: '5',
      'services.nodeports': '5',
      'services.loadbalancers': '1',
      persistentvolumeclaims: '5',
      'requests.storage': '10Gi',
      'gold.storageclass.storage.k8s.io/requests.storage': '5Gi',
      'gold.storageclass.storage.k8s.io/persistentvolumeclaims': '2',
      'count/deployments.apps': '2',
      resourcequotas: '1',
    };
    await createQuota(ns, 'everything', hard);
    const q = await usedBecomes(ns, 'everything', {
      pods: '2',
      'count/pods': '2',
      cpu: '1500m',
      'requests.cpu': '1500m',
      'limits.cpu': '500m',
      memory: '1088Mi',
      'requests.memory': '1088Mi',
      'limits.memory': '128Mi',
      'requests.ephemeral-storage': '1Gi',
      'requests.example.com/gpu': '1',
      configmaps: '1',
      services: '1',
      'services.nodeports': '2',
      'services.loadbalancers': '0',
      persistentvolumeclaims: '2',
      'requests.storage': '2560Mi',
      'gold.storageclass.storage.k8s.io/requests.storage': '2Gi',
      'gold.storageclass.storage.k8s.io/persistentvolumeclaims': '1',
      'count/deployments.apps': '1',
      resourcequotas: '1',
    });
    assert.deepEqual(q.status?.hard, hard);
  });

  it('counts only the pods in a quota scope', T, async () => {
    const ns = await namespace('rq-scopes');
    await createQuota(ns, 'terminating', { pods: '5' }, { scopes: ['Terminating'] });
    await createQuota(ns, 'long-running', { pods: '5', 'requests.cpu': '2' }, { scopes: ['NotTerminating', 'NotBestEffort'] });
    await createQuota(ns, 'besteffort', { pods: '5' }, { scopes: ['BestEffort'] });
    await createQuota(ns, 'critical', { pods: '5' }, {
      scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['system-cluster-critical'] }] },
    });
    await c.core.createNamespacedPod({ namespace: ns, body: pod('job', { activeDeadlineSeconds: 600 }) });
    await c.core.createNamespacedPod({ namespace: ns, body: sized('web', { cpu: '100m' }) });
    await c.core.createNamespacedPod({ namespace: ns, body: sized('dns', { cpu: '200m' }, {}, { priorityClassName: 'system-cluster-critical' }) });
    await usedBecomes(ns, 'terminating', { pods: '1' });
    await usedBecomes(ns, 'long-running', { pods: '2', 'requests.cpu': '300m' });
    await usedBecomes(ns, 'besteffort', { pods: '1' });
    await usedBecomes(ns, 'critical', { pods: '1' });
  });

  it('gives usage back when pods finish or are deleted, so admission admits again', T, async () => {
    const ns = await namespace('rq-replenish');
    await createQuota(ns, 'q', { pods: '2', 'count/pods': '5', 'requests.cpu': '1' });
    await usedBecomes(ns, 'q', { pods: '0', 'count/pods': '0', 'requests.cpu': '0' });
    await c.core.createNamespacedPod({
      namespace: ns,
      body: { ...sized('short', { cpu: '400m' }, {}, { restartPolicy: 'Never' }), metadata: { name: 'short', annotations: { 'sim.wheelhouse.io/exit-after': '300ms' } } },
    });
    await c.core.createNamespacedPod({ namespace: ns, body: sized('long', { cpu: '400m' }) });
    await assert.rejects(
      c.core.createNamespacedPod({ namespace: ns, body: sized('third', { cpu: '100m' }) }),
      (err: { code?: number; body?: string }) => err.code === 403 && String(err.body).includes('exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2'),
    );
    // A Succeeded pod no longer charges compute resources; its object still counts.
    await usedBecomes(ns, 'q', { pods: '1', 'count/pods': '2', 'requests.cpu': '400m' });
    await c.core.createNamespacedPod({ namespace: ns, body: sized('third', { cpu: '100m' }) });
    await usedBecomes(ns, 'q', { pods: '2', 'count/pods': '3', 'requests.cpu': '500m' });
    await c.core.deleteNamespacedPod({ namespace: ns, name: 'long' });
    await usedBecomes(ns, 'q', { pods: '1', 'count/pods': '2', 'requests.cpu': '100m' });
  });

  it('follows spec.hard changes', T, async () => {
    const ns = await namespace('rq-spec');
    await createQuota(ns, 'q', { secrets: '3' });
    await usedBecomes(ns, 'q', { secrets: '0' });
    await c.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 's' } } });
    await usedBecomes(ns, 'q', { secrets: '1' });
    await c.core.patchNamespacedResourceQuota(
      { namespace: ns, name: 'q', body: [{ op: 'replace', path: '/spec/hard', value: { configmaps: '2', 'count/secrets': '4' } }] },
    );
    const q = await usedBecomes(ns, 'q', { configmaps: '0', 'count/secrets': '1' });
    assert.deepEqual(q.status?.hard, { configmaps: '2', 'count/secrets': '4' });
  });
});
