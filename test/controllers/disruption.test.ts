// The disruption controller against a real API server, scheduler, hollow nodes and the Deployment and
// ReplicaSet controllers: budget status from the pods and their Deployment's scale, the
// DisruptionAllowed condition with upstream's reasons, an eviction recorded in disruptedPods and
// pruned once the pod is gone or the record is older than two minutes, integer bounds on unmanaged
// pods, the SyncFailed fail-safe for a controller without scale, and stale DisruptionTarget conditions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, PolicyV1Api, type CoreV1Event, type V1PodDisruptionBudget } from '@kubernetes/client-node';
import request from 'supertest';
import { pod, startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;
let apps: AppsV1Api;
let policy: PolicyV1Api;

before(async () => {
  c = await startNodesCluster({ nodes: ['node-1', 'node-2'], controllers: ['replicaset-controller', 'deployment-controller', 'disruption-controller'] });
  apps = c.kc.makeApiClient(AppsV1Api);
  policy = c.kc.makeApiClient(PolicyV1Api);
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 60_000 };
const NS = 'default';
const PDBS = `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets`;

function budget(name: string, spec: V1PodDisruptionBudget['spec']): V1PodDisruptionBudget {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec };
}

async function statusOf(name: string, want: Record<string, number>): Promise<V1PodDisruptionBudget> {
  return waitFor(`${name} status ${JSON.stringify(want)}`, async () => {
    const b = await policy.readNamespacedPodDisruptionBudget({ name, namespace: NS });
    const st = (b.status ?? {}) as unknown as Record<string, number>;
    const ok = Object.entries(want).every(([k, v]) => st[k] === v) && b.status?.observedGeneration === b.metadata?.generation;
    return ok ? b : undefined;
  });
}

function allowedCondition(b: V1PodDisruptionBudget) {
  return b.status?.conditions?.find((x) => x.type === 'DisruptionAllowed');
}

async function events(name: string): Promise<CoreV1Event[]> {
  return (await c.core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name}` })).items;
}

describe('disruption controller', () => {
  it('counts a Deployment’s ready pods against its scale and follows an eviction', T, async () => {
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
        },
      },
    });
    await policy.createNamespacedPodDisruptionBudget({ namespace: NS, body: budget('web', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } }) });
    const b = await statusOf('web', { expectedPods: 3, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1 });
    assert.equal(allowedCondition(b)?.status, 'True');
    assert.equal(allowedCondition(b)?.reason, 'SufficientPods');

    // A percentage is taken of the Deployment's scale, rounded up: 34% of 3 → 2.
    const cur = await policy.readNamespacedPodDisruptionBudget({ name: 'web', namespace: NS });
    await policy.replaceNamespacedPodDisruptionBudget({ name: 'web', namespace: NS, body: { ...cur, spec: { ...cur.spec, maxUnavailable: '34%' } } });
    await statusOf('web', { expectedPods: 3, desiredHealthy: 1, currentHealthy: 3, disruptionsAllowed: 2 });
    const again = await policy.readNamespacedPodDisruptionBudget({ name: 'web', namespace: NS });
    await policy.replaceNamespacedPodDisruptionBudget({ name: 'web', namespace: NS, body: { ...again, spec: { ...again.spec, maxUnavailable: 1 } } });
    await statusOf('web', { disruptionsAllowed: 1 });

    const victim = (await c.core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' })).items[0]!.metadata!.name!;
    await c.core.createNamespacedPodEviction({ name: victim, namespace: NS, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: victim, namespace: NS } } });
    // Evicted and not yet replaced by a ready pod: nothing more may go.
    const spent = await statusOf('web', { disruptionsAllowed: 0 });
    assert.equal(allowedCondition(spent)?.reason, 'InsufficientPods');
    // Once the replacement is ready and the evicted pod gone, the record is dropped and the budget refills.
    const refilled = await statusOf('web', { currentHealthy: 3, disruptionsAllowed: 1 });
    assert.equal(Object.keys(refilled.status?.disruptedPods ?? {}).length, 0);
    assert.equal(allowedCondition(refilled)?.reason, 'SufficientPods');
  });

  it('drops a disruptedPods record older than two minutes and reports NotDeleted', T, async () => {
    const name = (await c.core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' })).items.find((p) => !p.metadata?.deletionTimestamp)!.metadata!.name!;
    const app = c.cluster.server.app;
    const cur = (await request(app).get(`${PDBS}/web`).expect(200)).body;
    const stale = new Date(Date.now() - 3 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    await request(app)
      .put(`${PDBS}/web/status`)
      .send({ ...cur, status: { ...cur.status, disruptionsAllowed: 0, disruptedPods: { [name]: stale } } })
      .expect(200);
    await statusOf('web', { currentHealthy: 3, disruptionsAllowed: 1 });
    await waitFor('NotDeleted event', async () =>
      (await events(name)).some((e) => e.reason === 'NotDeleted' && e.message === `Pod was expected by PDB ${NS}/web to be deleted but it wasn't`),
    );
  });

  it('takes minAvailable as an integer over unmanaged pods, and warns about them for maxUnavailable', T, async () => {
    for (const n of ['solo-1', 'solo-2']) {
      const p = pod(n);
      p.metadata!.labels = { app: 'solo' };
      await c.core.createNamespacedPod({ namespace: NS, body: p });
    }
    await policy.createNamespacedPodDisruptionBudget({ namespace: NS, body: budget('solo', { minAvailable: 1, selector: { matchLabels: { app: 'solo' } } }) });
    await statusOf('solo', { expectedPods: 2, desiredHealthy: 1, currentHealthy: 2, disruptionsAllowed: 1 });
    await policy.createNamespacedPodDisruptionBudget({ namespace: NS, body: budget('solo-max', { maxUnavailable: 1, selector: { matchLabels: { app: 'solo' } } }) });
    await statusOf('solo-max', { expectedPods: 0, desiredHealthy: 0, currentHealthy: 2, disruptionsAllowed: 0 });
    await waitFor('UnmanagedPods event', async () => (await events('solo-max')).some((e) => e.reason === 'UnmanagedPods' && e.type === 'Warning'));
    await policy.createNamespacedPodDisruptionBudget({ namespace: NS, body: budget('nobody', { minAvailable: 1, selector: { matchLabels: { app: 'nobody' } } }) });
    await statusOf('nobody', { expectedPods: 0, desiredHealthy: 1, disruptionsAllowed: 0 });
    await waitFor('NoPods event', async () => (await events('nobody')).some((e) => e.reason === 'NoPods' && e.message === 'No matching pods found'));
  });

  it('fails safe (SyncFailed) when a controller has no scale, and clears stale DisruptionTarget conditions', T, async () => {
    const p = pod('batchy');
    p.metadata!.labels = { app: 'batchy' };
    p.metadata!.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: '00000000-0000-0000-0000-000000000001', controller: true }];
    await c.core.createNamespacedPod({ namespace: NS, body: p });
    await policy.createNamespacedPodDisruptionBudget({ namespace: NS, body: budget('batchy', { maxUnavailable: '50%', selector: { matchLabels: { app: 'batchy' } } }) });
    const failed = await waitFor('SyncFailed', async () => {
      const b = await policy.readNamespacedPodDisruptionBudget({ name: 'batchy', namespace: NS });
      const cond = allowedCondition(b);
      return cond?.reason === 'SyncFailed' ? cond : undefined;
    });
    assert.equal(failed.status, 'False');
    assert.equal(failed.message, 'batch/v1, Resource=jobs does not implement the scale subresource');

    // A DisruptionTarget from an eviction whose deletion never came is turned False after two minutes.
    const app = c.cluster.server.app;
    const cur = (await request(app).get(`/api/v1/namespaces/${NS}/pods/solo-1`).expect(200)).body;
    const old = new Date(Date.now() - 3 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const conds = [...cur.status.conditions, { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: old }];
    await request(app)
      .put(`/api/v1/namespaces/${NS}/pods/solo-1/status`)
      .send({ ...cur, status: { ...cur.status, conditions: conds } })
      .expect(200);
    await waitFor('DisruptionTarget False', async () => {
      const now = await c.core.readNamespacedPod({ name: 'solo-1', namespace: NS });
      return now.status?.conditions?.some((x) => x.type === 'DisruptionTarget' && x.status === 'False');
    });
  });
});
