// `wheelhouse up`: the whole cluster in one process, on its own etcd unless --etcd-servers is given.
// The controller manager, the scheduler and the node agents run here too, but as clients of the API
// server over HTTP — the same code `wheelhouse controller-manager` / `scheduler` / `kubelet` run on
// their own.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startApiServer, type ApiServer } from '../apiserver/server.ts';
import { kubeConfigForServer } from '../client/kubeconfig.ts';
import { ControllerManager } from '../controllers/manager.ts';
import type { ControllerTimings } from '../controllers/controller.ts';
import { NodeHost } from '../kubelet/host.ts';
import { scaleRuntimeLatencies } from '../kubelet/runtime/hollow.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { EtcdStorage } from '../storage/etcd/store.ts';
import { startEtcd, type EmbeddedEtcd } from './etcd-supervisor.ts';
import { serveMetrics, type BindAddress, type MetricsEndpoint } from './metrics-endpoint.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import type { ApiServerFilterOptions } from './apiserver-flags.ts';

export interface UpOptions {
  port: number;
  host: string;
  stateDir: string;
  nodes: number;
  etcdServers?: string[];
  etcdPrefix: string;
  /** Pod range the node IPAM controller hands /24s out of (default 10.244.0.0/16, wider above 250 nodes). */
  clusterCIDR?: string;
  /** Run the scheduler in this process (default true; false when it runs as `wheelhouse scheduler`). */
  scheduler?: boolean;
  /** Run the controller manager in this process (default true; false when it runs on its own). */
  controllerManager?: boolean;
  /** Admission plugins to leave out (kube-apiserver --disable-admission-plugins). */
  disabledAdmissionPlugins?: string[];
  /** Multiplies the simulated container runtime's latencies of the in-process node agents (default 1). */
  runtimeLatencyScale?: number;
  /** How often the built-in metrics.k8s.io API scrapes the kubelets (metrics-server --metric-resolution; default 15 s). */
  metricResolutionMs?: number;
  /** The API server's max-in-flight limits and audit log (kube-apiserver's flags of those names). */
  apiserverFilters?: ApiServerFilterOptions;
  /** HPA timings of the in-process controller manager (kube-controller-manager's --horizontal-pod-autoscaler-* flags). */
  hpaTimings?: Partial<Pick<ControllerTimings, 'hpaSyncPeriodMs' | 'hpaDownscaleStabilizationMs'>>;
  /** Serve the embedded scheduler's / controller manager's /metrics there (default: not served). */
  schedulerMetricsBindAddress?: BindAddress;
  controllerManagerMetricsBindAddress?: BindAddress;
  log?: (line: string) => void;
}

export interface RunningCluster {
  apiserver: ApiServer;
  etcd?: EmbeddedEtcd;
  kubeconfigPath: string;
  nodeHost?: NodeHost;
  scheduler?: Scheduler;
  controllerManager?: ControllerManager;
  /** The components' /metrics endpoints that were asked for, by component (scheduler, controller manager). */
  metricsEndpoints: Record<string, MetricsEndpoint>;
  stop(): Promise<void>;
}

/** The URL in-process clients use: a wildcard listen address is reached through loopback. */
function clientURL(apiserver: ApiServer): string {
  const host = apiserver.host === '0.0.0.0' ? '127.0.0.1' : apiserver.host === '::' ? '[::1]' : apiserver.host.includes(':') ? `[${apiserver.host}]` : apiserver.host;
  return `http://${host}:${apiserver.port}`;
}

export async function up(opts: UpOptions): Promise<RunningCluster> {
  const stateDir = path.resolve(opts.stateDir);
  mkdirSync(stateDir, { recursive: true });
  let etcd: EmbeddedEtcd | undefined;
  let endpoints = opts.etcdServers;
  if (!endpoints || endpoints.length === 0) {
    etcd = await startEtcd({ dataDir: path.join(stateDir, 'etcd'), logFile: path.join(stateDir, 'etcd.log') });
    endpoints = etcd.endpoints;
  }
  const storage = new EtcdStorage(endpoints, opts.etcdPrefix);
  let apiserver: ApiServer;
  try {
    apiserver = await startApiServer({ metrics: opts.metricResolutionMs ? { resolutionMs: opts.metricResolutionMs } : undefined, storage, host: opts.host, port: opts.port, disabledAdmissionPlugins: opts.disabledAdmissionPlugins, ...opts.apiserverFilters });
  } catch (err) {
    await storage.close();
    await etcd?.stop();
    throw err;
  }
  const kubeconfigPath = path.join(stateDir, 'kubeconfig');
  writeKubeconfig(kubeconfigPath, apiserver.url);

  const log = opts.log ?? ((line: string) => console.error(line));
  const kc = kubeConfigForServer(clientURL(apiserver));
  const controllerManager =
    opts.controllerManager === false
      ? undefined
      : new ControllerManager({ timings: opts.hpaTimings, kubeConfig: kc, clusterCIDR: opts.clusterCIDR ?? (opts.nodes > 250 ? '10.128.0.0/9' : '10.244.0.0/16'), log });
  const scheduler = opts.scheduler === false ? undefined : new Scheduler({ kubeConfig: kc, log });
  const timings = opts.runtimeLatencyScale === undefined ? undefined : scaleRuntimeLatencies(opts.runtimeLatencyScale);
  const nodeHost = new NodeHost({ kubeConfig: kc, log, defaults: timings ? { timings } : undefined });
  const metricsEndpoints: Record<string, MetricsEndpoint> = {};
  const stopComponents = async () => {
    await nodeHost.stop();
    await scheduler?.stop();
    await controllerManager?.stop();
    for (const e of Object.values(metricsEndpoints)) await e.close();
  };
  try {
    if (scheduler && opts.schedulerMetricsBindAddress) metricsEndpoints.scheduler = await serveMetrics(scheduler.metrics.registry, opts.schedulerMetricsBindAddress);
    if (controllerManager && opts.controllerManagerMetricsBindAddress) {
      metricsEndpoints['controller manager'] = await serveMetrics(controllerManager.metrics, opts.controllerManagerMetricsBindAddress);
    }
    await controllerManager?.start();
    await scheduler?.start();
    // Register in batches so a large --nodes does not open thousands of requests at once.
    const names = Array.from({ length: opts.nodes }, (_, i) => `node-${i + 1}`);
    for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((n) => nodeHost.addNode(n)));
  } catch (err) {
    await stopComponents();
    await apiserver.close();
    await storage.close();
    await etcd?.stop();
    throw err;
  }
  return {
    apiserver,
    etcd,
    kubeconfigPath,
    nodeHost,
    scheduler,
    controllerManager,
    metricsEndpoints,
    stop: async () => {
      await stopComponents();
      await apiserver.close();
      await storage.close();
      await etcd?.stop();
    },
  };
}
