// The scheduler's and the controller manager's /metrics, as `wheelhouse up
// --scheduler-metrics-bind-address … --controller-manager-metrics-bind-address …` serves them: a real
// etcd, API server, scheduler and controllers; Node objects without agents (bound pods stay Pending).
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { kubeConfigForServer } from '../../src/client/kubeconfig.ts';
import { bindAddress } from '../../src/cli/metrics-endpoint.ts';
import { up, type RunningCluster } from '../../src/cli/up.ts';
import { startTestEtcd, type TestEtcd } from '../support/etcd.ts';
import { waitFor } from '../kubelet/cluster.ts';

let etcd: TestEtcd;
let cluster: RunningCluster;
let core: CoreV1Api;
let apps: AppsV1Api;

before(async () => {
  etcd = await startTestEtcd();
  cluster = await up({
    port: 0,
    host: '127.0.0.1',
    stateDir: etcd.dir,
    nodes: 0,
    etcdServers: etcd.etcd.endpoints,
    etcdPrefix: '/registry',
    schedulerMetricsBindAddress: bindAddress('127.0.0.1:0'),
    controllerManagerMetricsBindAddress: bindAddress('127.0.0.1:0'),
    log: () => {},
  });
  const kc = kubeConfigForServer(cluster.apiserver.url);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
});

after(async () => {
  await cluster?.stop();
  await etcd?.stop();
});

function get(url: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      })
      .on('error', reject);
  });
}

async function scrape(component: string): Promise<Map<string, number>> {
  const endpoint = cluster.metricsEndpoints[component];
  assert.ok(endpoint, `${component} serves metrics`);
  const res = await get(endpoint.url);
  assert.equal(res.status, 200);
  assert.match(res.type, /^text\/plain; version=0\.0\.4/);
  const out = new Map<string, number>();
  for (const line of res.body.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    out.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return out;
}

const T = { timeout: 30_000 };

describe('component /metrics', () => {
  it('is off unless asked for and loopback-bound when asked', () => {
    assert.deepEqual(Object.keys(cluster.metricsEndpoints).sort(), ['controller manager', 'scheduler']);
    for (const e of Object.values(cluster.metricsEndpoints)) assert.match(e.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  });

  it('answers 404 off /metrics', async () => {
    const url = cluster.metricsEndpoints.scheduler!.url.replace(/\/metrics$/, '/healthz');
    assert.equal((await get(url)).status, 404);
  });

  it('counts scheduling attempts by result, and the pods scheduled', T, async () => {
    for (const name of ['m-node-1', 'm-node-2']) {
      const allocatable = { cpu: '4', memory: '16Gi', pods: '110' };
      await core.createNode({
        body: {
          metadata: { name, labels: { 'kubernetes.io/hostname': name } },
          status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready' }] },
        },
      });
    }
    await waitFor('the default service account', async () => (await core.listNamespacedServiceAccount({ namespace: 'default' })).items.length > 0);
    await apps.createNamespacedReplicaSet({
      namespace: 'default',
      body: {
        metadata: { name: 'metrics-rs' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'metrics-rs' } },
          template: { metadata: { labels: { app: 'metrics-rs' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
        },
      },
    });
    await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'nowhere' }, spec: { nodeSelector: { zone: 'none' }, containers: [{ name: 'app', image: 'nginx:1.27' }] } },
    });
    const s = await waitFor('3 pods scheduled and 1 unschedulable in the metrics', async () => {
      const m = await scrape('scheduler');
      const ok =
        m.get('scheduler_schedule_attempts_total{result="scheduled",profile="default-scheduler"}') === 3 &&
        (m.get('scheduler_schedule_attempts_total{result="unschedulable",profile="default-scheduler"}') ?? 0) >= 1;
      return ok ? m : undefined;
    });
    assert.equal(s.get('scheduler_schedule_attempts_total{result="error",profile="default-scheduler"}'), 0);
    assert.equal(s.get('scheduler_scheduling_attempt_duration_seconds_count{result="scheduled",profile="default-scheduler"}'), 3);
    assert.equal(s.get('scheduler_pod_scheduling_duration_seconds_count{attempts="1"}'), 3);
    assert.equal(s.get('scheduler_pod_scheduling_sli_duration_seconds_count{attempts="1"}'), 3);
    assert.equal(s.get('scheduler_pod_scheduling_attempts_count'), 3);
    assert.equal(s.get('scheduler_pod_scheduling_attempts_sum'), 3);
    assert.equal(s.get('scheduler_pod_scheduling_attempts_bucket{le="1"}'), 3);
  });

  it('reports the controllers\' work queues by upstream name', T, async () => {
    const m = await waitFor('the replicaset queue drained', async () => {
      const got = await scrape('controller manager');
      return (got.get('workqueue_work_duration_seconds_count{name="replicaset"}') ?? 0) >= 1 && got.get('workqueue_depth{name="replicaset"}') === 0 ? got : undefined;
    });
    assert.ok(m.get('workqueue_adds_total{name="replicaset"}')! >= 1);
    assert.ok(m.get('workqueue_queue_duration_seconds_count{name="replicaset"}')! >= 1);
    assert.ok(m.has('workqueue_retries_total{name="replicaset"}'));
    // Every controller's queue is there, under client-go's names.
    const names = [...m.keys()].flatMap((k) => /^workqueue_adds_total\{name="([^"]+)"\}$/.exec(k)?.[1] ?? []).sort();
    assert.deepEqual(names, [
      'ClusterRoleAggregator',
      'cronjob',
      'daemonset',
      'deployment',
      'disruption',
      'disruption_recheck',
      'endpoint',
      'endpoint_slice',
      'garbage_collector_attempt_to_delete',
      'garbage_collector_attempt_to_orphan',
      'horizontalpodautoscaler',
      'job',
      'job_orphan_pod',
      'namespace',
      'node_lifecycle_controller',
      'node_lifecycle_controller_pods',
      'noexec_taint_node',
      'noexec_taint_pod',
      'replicaset',
      'replicationmanager',
      'resourcequota_primary',
      'serviceaccount',
      'statefulset',
      'ttl_jobs_to_delete',
      'volumes',
      'wheelhouse_simulated_provisioner',
    ]);
    // The default service account was made by its controller's queue.
    assert.ok(m.get('workqueue_adds_total{name="serviceaccount"}')! >= 1);
    // The scheduler's registry has no workqueue metrics, the manager's no scheduler ones.
    const s = await scrape('scheduler');
    assert.ok(![...s.keys()].some((k) => k.startsWith('workqueue_')));
    assert.ok(![...m.keys()].some((k) => k.startsWith('scheduler_')));
  });
});
