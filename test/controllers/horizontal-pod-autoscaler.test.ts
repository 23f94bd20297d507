// The HorizontalPodAutoscaler controller against a real API server (with its metrics.k8s.io API scraping
// the hollow kubelets), the Deployment and ReplicaSet controllers, the scheduler and hollow nodes: a
// Deployment scaled up under simulated CPU load (its pods annotated with a high cpu-usage) and back
// down once the load is gone and the downscale stabilization window has passed, with upstream's
// events, conditions and status; a missing target and a Pods metric (no custom metrics API) fail the
// way upstream reports them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, AutoscalingV2Api, type CoreV1Event, type V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { MERGE_PATCH } from '../../src/client/clients.ts';
import { USAGE_ANNOTATIONS } from '../../src/kubelet/usage.ts';
import { startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;
let apps: AppsV1Api;
let autoscaling: AutoscalingV2Api;

before(async () => {
  c = await startNodesCluster({
    nodes: ['node-1', 'node-2'],
    controllers: ['replicaset-controller', 'deployment-controller', 'horizontalpodautoscaling-controller'],
    controllerTimings: { hpaSyncPeriodMs: 500, hpaDownscaleStabilizationMs: 4000 },
    apiserver: { metrics: { resolutionMs: 500 } },
  });
  apps = c.kc.makeApiClient(AppsV1Api);
  autoscaling = c.kc.makeApiClient(AutoscalingV2Api);
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 60_000 };
const NS = 'default';

function hpa(name: string, target: string, metrics?: NonNullable<V2HorizontalPodAutoscaler['spec']>['metrics']): V2HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: metrics ?? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    },
  };
}

async function events(name: string): Promise<CoreV1Event[]> {
  return (await c.core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name},involvedObject.kind=HorizontalPodAutoscaler` })).items;
}

async function condition(name: string, type: string) {
  const h = await autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace: NS });
  return h.status?.conditions?.find((x) => x.type === type);
}

async function setLoad(app: string, cpu: string | null): Promise<void> {
  const pods = (await c.core.listNamespacedPod({ namespace: NS, labelSelector: `app=${app}` })).items;
  for (const p of pods) {
    await c.core.patchNamespacedPod({ name: p.metadata!.name!, namespace: NS, body: { metadata: { annotations: { [USAGE_ANNOTATIONS.cpu]: cpu } } } }, MERGE_PATCH);
  }
}

describe('horizontal pod autoscaler', () => {
  it('scales a Deployment up under load and back down after the stabilization window', T, async () => {
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '100m' } } }] },
          },
        },
      },
    });
    await waitFor('web ready', async () => (await apps.readNamespacedDeployment({ name: 'web', namespace: NS })).status?.readyReplicas === 1);
    await autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace: NS, body: hpa('web', 'web') });

    // Idle (1m of 100m requested): the HPA reports the usage and stays at its minimum.
    const idle = await waitFor('metrics reported', async () => {
      const h = await autoscaling.readNamespacedHorizontalPodAutoscaler({ name: 'web', namespace: NS });
      return h.status?.currentMetrics?.[0]?.resource?.current?.averageUtilization !== undefined ? h : undefined;
    });
    assert.equal(idle.status!.currentMetrics![0]!.type, 'Resource');
    assert.equal(idle.status!.currentMetrics![0]!.resource!.name, 'cpu');
    assert.ok(idle.status!.currentMetrics![0]!.resource!.current!.averageUtilization! <= 5);
    const active = await condition('web', 'ScalingActive');
    assert.equal(active?.status, 'True');
    assert.equal(active?.reason, 'ValidMetricFound');
    assert.equal(active?.message, 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)');

    // 250m of 100m requested = 250 % against a 50 % target: 5 wanted, but at most max(2×1, 4) = 4 in one step.
    await setLoad('web', '250m');
    const up = await waitFor('scaled up to 4', async () => {
      const evs = await events('web');
      return evs.find((e) => e.reason === 'SuccessfulRescale' && e.message?.startsWith('New size: 4;'));
    });
    assert.equal(up.message, 'New size: 4; reason: cpu resource utilization (percentage of request) above target');
    assert.equal(up.type, 'Normal');
    assert.equal(up.source?.component, 'horizontal-pod-autoscaler');
    await waitFor('deployment at 4', async () => (await apps.readNamespacedDeployment({ name: 'web', namespace: NS })).spec?.replicas === 4);
    // New pods do not carry the annotation, but the loaded ones keep the average above target: on to the maximum.
    await setLoad('web', '250m');
    await waitFor('deployment at the maximum', async () => (await apps.readNamespacedDeployment({ name: 'web', namespace: NS })).spec?.replicas === 5);
    const limited = await waitFor('ScalingLimited', async () => {
      const cond = await condition('web', 'ScalingLimited');
      return cond?.status === 'True' ? cond : undefined;
    });
    assert.equal(limited.reason, 'TooManyReplicas');
    assert.equal(limited.message, 'the desired replica count is more than the maximum replica count');
    const atMax = await autoscaling.readNamespacedHorizontalPodAutoscaler({ name: 'web', namespace: NS });
    assert.equal(atMax.status?.desiredReplicas, 5);
    assert.ok(atMax.status?.lastScaleTime);

    // Load gone: the recommendation drops to 1 at once, but the deployment only follows after the window.
    await setLoad('web', null);
    const stabilized = await waitFor('ScaleDownStabilized', async () => {
      const cond = await condition('web', 'AbleToScale');
      return cond?.reason === 'ScaleDownStabilized' ? cond : undefined;
    });
    assert.equal(stabilized.message, 'recent recommendations were higher than current one, applying the highest recent recommendation');
    assert.equal((await apps.readNamespacedDeployment({ name: 'web', namespace: NS })).spec?.replicas, 5);
    const down = await waitFor('scaled down to 1', async () => (await events('web')).find((e) => e.reason === 'SuccessfulRescale' && e.message?.startsWith('New size: 1;')), 30_000);
    assert.equal(down.message, 'New size: 1; reason: All metrics below target');
    await waitFor('deployment at 1', async () => (await apps.readNamespacedDeployment({ name: 'web', namespace: NS })).spec?.replicas === 1);
  });

  it('reports a missing target and a Pods metric it cannot read as upstream does', T, async () => {
    await autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace: NS, body: hpa('ghost', 'nope') });
    const able = await waitFor('AbleToScale False', async () => {
      const cond = await condition('ghost', 'AbleToScale');
      return cond?.status === 'False' ? cond : undefined;
    });
    assert.equal(able.reason, 'FailedGetScale');
    assert.equal(able.message, `the HPA controller was unable to get the target's current scale: deployments.apps "nope" not found`);
    await waitFor('FailedGetScale event', async () => (await events('ghost')).find((e) => e.reason === 'FailedGetScale' && e.type === 'Warning'));

    await autoscaling.createNamespacedHorizontalPodAutoscaler({
      namespace: NS,
      body: hpa('custom', 'web', [{ type: 'Pods', pods: { metric: { name: 'requests_per_second' }, target: { type: 'AverageValue', averageValue: '10' } } }]),
    });
    const active = await waitFor('ScalingActive False', async () => {
      const cond = await condition('custom', 'ScalingActive');
      return cond?.status === 'False' ? cond : undefined;
    });
    assert.equal(active.reason, 'FailedGetPodsMetric');
    assert.match(active.message!, /^the HPA was unable to compute the replica count: unable to get metric requests_per_second: unable to fetch metrics from custom metrics API/);
    const failed = await waitFor('FailedComputeMetricsReplicas', async () => (await events('custom')).find((e) => e.reason === 'FailedComputeMetricsReplicas'));
    assert.match(failed.message!, /^invalid metrics \(1 invalid out of 1\), first error is: failed to get pods metric value: unable to get metric requests_per_second: /);
  });
});
