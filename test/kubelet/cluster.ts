// A real etcd and API server plus the controller manager (node IPAM and whichever controllers a test
// asks for), the scheduler and hollow node agents, all talking to the server over HTTP exactly as in
// `wheelhouse up` — with short intervals and fast simulated timings so tests stay quick. Shared by
// test/kubelet, test/scheduler and test/controllers.
import { CoordinationV1Api, CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { kubeConfigForServer } from '../../src/client/kubeconfig.ts';
import type { ControllerTimings } from '../../src/controllers/controller.ts';
import { ControllerManager } from '../../src/controllers/manager.ts';
import type { NodeAgentOptions } from '../../src/kubelet/agent.ts';
import { NodeHost } from '../../src/kubelet/host.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import type { ApiServerOptions } from '../../src/apiserver/server.ts';

export const FAST_TIMINGS = {
  sandboxMs: 20,
  pullMs: 40,
  createMs: 5,
  startMs: 5,
  stopMs: 20,
  initRunMs: 30,
  backoffInitialMs: 300,
  backoffMaxMs: 2000,
  // Retries record events, and a pod gets 25 kubelet events before the spam filter holds them back:
  // fast enough for tests, slow enough that a test still sees the event of the next attempt.
  mountRetryInitialMs: 100,
  mountRetryMaxMs: 500,
  configRetryMs: 500,
};

export interface NodesCluster {
  cluster: TestCluster;
  kc: KubeConfig;
  core: CoreV1Api;
  coordination: CoordinationV1Api;
  host: NodeHost;
  scheduler?: Scheduler;
  manager: ControllerManager;
  stop(): Promise<void>;
}

export interface NodesClusterOptions {
  nodes?: (string | NodeAgentOptions)[];
  scheduler?: boolean;
  defaults?: Omit<NodeAgentOptions, 'name'>;
  /** Controllers to run besides node IPAM (names from src/controllers/index.ts). */
  controllers?: string[];
  controllerTimings?: Partial<ControllerTimings>;
  /** API server options (e.g. the metrics.k8s.io scrape interval). */
  apiserver?: Partial<ApiServerOptions>;
}

export async function startNodesCluster(opts: NodesClusterOptions = {}): Promise<NodesCluster> {
  const cluster = await startTestCluster(opts.apiserver);
  const kc = kubeConfigForServer(cluster.url);
  const manager = new ControllerManager({
    kubeConfig: kc,
    controllers: ['node-ipam-controller', ...(opts.controllers ?? [])],
    leaderElect: false,
    timings: opts.controllerTimings,
  });
  await manager.start();
  const scheduler = opts.scheduler === false ? undefined : new Scheduler({ kubeConfig: kc, queue: { initialBackoffMs: 100, maxBackoffMs: 500 } });
  await scheduler?.start();
  const host = new NodeHost({
    kubeConfig: kc,
    defaults: {
      leaseRenewIntervalMs: 200,
      statusReportIntervalMs: 2000,
      statusBatchMs: 10,
      ...opts.defaults,
      timings: { ...FAST_TIMINGS, ...opts.defaults?.timings },
    },
  });
  await Promise.all((opts.nodes ?? ['node-1']).map((n) => host.addNode(n)));
  return {
    cluster,
    kc,
    core: kc.makeApiClient(CoreV1Api),
    coordination: kc.makeApiClient(CoordinationV1Api),
    host,
    scheduler,
    manager,
    stop: async () => {
      await host.stop();
      await scheduler?.stop();
      await manager.stop();
      await cluster.stop();
    },
  };
}


/**
 * The kubelet server of a node, found as the API server's pods/log proxy finds it: the Node's
 * `sim.wheelhouse.io/kubelet-host` annotation and `status.daemonEndpoints.kubeletEndpoint.Port`.
 */
export async function kubeletURL(core: CoreV1Api, nodeName: string): Promise<string> {
  const node = await core.readNode({ name: nodeName });
  const host = node.metadata?.annotations?.['sim.wheelhouse.io/kubelet-host'];
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!host || !port) throw new Error(`node ${nodeName} does not say where its kubelet listens`);
  return `http://${host}:${port}`;
}

/** GET /containerLogs/<ns>/<pod>/<container>?<query> from the kubelet running the pod. */
export async function containerLogs(
  core: CoreV1Api,
  namespace: string,
  podName: string,
  container: string,
  query = '',
): Promise<{ status: number; body: string; contentType: string | null }> {
  const p = await core.readNamespacedPod({ name: podName, namespace });
  const base = await kubeletURL(core, p.spec!.nodeName!);
  const res = await fetch(`${base}/containerLogs/${namespace}/${podName}/${container}${query ? `?${query}` : ''}`);
  return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') };
}

export function pod(name: string, spec: Partial<NonNullable<V1Pod['spec']>> = {}, annotations?: Record<string, string>): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: annotations ? { name, annotations } : { name },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...spec },
  };
}

export { waitFor } from '../support/wait.ts';
