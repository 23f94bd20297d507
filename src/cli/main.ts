// The `wheelhouse` command.
import { Command, InvalidArgumentError } from 'commander';
import type { KubeConfig, V1Taint } from '@kubernetes/client-node';
import { kubeConfigForServer, kubeConfigFromFile } from '../client/kubeconfig.ts';
import { NodeHost } from '../kubelet/host.ts';
import { scaleRuntimeLatencies } from '../kubelet/runtime/hollow.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { ControllerManager } from '../controllers/manager.ts';
import { goDurationMs, nonNegative } from './flags.ts';
import { bindAddress, serveMetrics, type BindAddress } from './metrics-endpoint.ts';
import { up } from './up.ts';
import { addApiServerFilterFlags, apiServerFilterOptions } from './apiserver-flags.ts';

function int(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

/** `k=v,k2=v2` */
function labels(v: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of v.split(',').filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`label ${JSON.stringify(part)} is not key=value`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** `key=value:Effect` or `key:Effect`, comma-separated (kubelet --register-with-taints). */
function taints(v: string): V1Taint[] {
  return v
    .split(',')
    .filter(Boolean)
    .map((t) => {
      const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(t);
      if (!m) throw new InvalidArgumentError(`taint ${JSON.stringify(t)} is not key[=value]:Effect`);
      return m[2] !== undefined ? { key: m[1]!, value: m[2], effect: m[3]! } : { key: m[1]!, effect: m[3]! };
    });
}

function clientConfig(o: { kubeconfig?: string; server?: string }): KubeConfig {
  return o.server ? kubeConfigForServer(o.server) : kubeConfigFromFile(o.kubeconfig);
}

function onSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    void stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

const program = new Command('wheelhouse').description('A Kubernetes control plane on real etcd');

addApiServerFilterFlags(program.command('up'))
  .description('run the whole cluster in the foreground until SIGINT/SIGTERM')
  .option('--port <port>', 'API server port (0 picks a free one)', int, 6443)
  .option('--host <host>', 'loopback address to listen on', '127.0.0.1')
  .option('--state-dir <dir>', 'where etcd data and the kubeconfig live', '.state')
  .option('--nodes <n>', 'number of node agents to run in this process (0 for none)', int, 3)
  .option('--cluster-cidr <cidr>', 'pod range nodes get their /24 pod CIDRs from (default 10.244.0.0/16)')
  .option('--no-scheduler', 'do not run the scheduler here (run `wheelhouse scheduler` instead)')
  .option('--no-controller-manager', 'do not run the controller manager here (run `wheelhouse controller-manager` instead)')
  .option('--etcd-servers <urls>', 'comma-separated etcd endpoints; without it an embedded etcd is started')
  .option('--etcd-prefix <prefix>', 'key prefix in etcd', '/registry')
  .option('--runtime-latency-scale <factor>', 'multiply the simulated container runtime latencies (sandbox, pull, start, stop) of the node agents run here; 0.1 makes pods start ten times faster', nonNegative)
  .option('--disable-admission-plugins <names>', 'comma-separated admission plugins to turn off (e.g. ServiceAccount when no controller manager creates default service accounts)')
  .option('--metric-resolution <duration>', 'how often the metrics.k8s.io API scrapes the kubelets while in use (Go duration; default 15s, as metrics-server)', goDurationMs)
  .option('--horizontal-pod-autoscaler-sync-period <duration>', 'how often every HorizontalPodAutoscaler is reconciled (Go duration; default 15s)', goDurationMs)
  .option('--horizontal-pod-autoscaler-downscale-stabilization <duration>', 'default scale-down stabilization window (Go duration; default 5m)', goDurationMs)
  .option('--scheduler-metrics-bind-address <host:port>', 'serve the embedded scheduler\'s /metrics here (default: not served)', bindAddress)
  .option('--controller-manager-metrics-bind-address <host:port>', 'serve the embedded controller manager\'s /metrics here (default: not served)', bindAddress)
  .action(
    async (o: {
      port: number;
      host: string;
      stateDir: string;
      nodes: number;
      clusterCidr?: string;
      scheduler: boolean;
      controllerManager: boolean;
      etcdServers?: string;
      etcdPrefix: string;
      runtimeLatencyScale?: number;
      disableAdmissionPlugins?: string;
      metricResolution?: number;
      maxRequestsInflight: number;
      maxMutatingRequestsInflight: number;
      auditLogPath?: string;
      horizontalPodAutoscalerSyncPeriod?: number;
      horizontalPodAutoscalerDownscaleStabilization?: number;
      schedulerMetricsBindAddress?: BindAddress;
      controllerManagerMetricsBindAddress?: BindAddress;
    }) => {
      const cluster = await up({
        schedulerMetricsBindAddress: o.schedulerMetricsBindAddress,
        controllerManagerMetricsBindAddress: o.controllerManagerMetricsBindAddress,
        metricResolutionMs: o.metricResolution,
        // Only the flags given; the controller manager keeps its defaults for the rest.
        hpaTimings: Object.fromEntries(
          Object.entries({ hpaSyncPeriodMs: o.horizontalPodAutoscalerSyncPeriod, hpaDownscaleStabilizationMs: o.horizontalPodAutoscalerDownscaleStabilization }).filter(([, v]) => v !== undefined),
        ),
        port: o.port,
        host: o.host,
        stateDir: o.stateDir,
        nodes: o.nodes,
        clusterCIDR: o.clusterCidr,
        scheduler: o.scheduler,
        controllerManager: o.controllerManager,
        etcdServers: o.etcdServers ? o.etcdServers.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
        etcdPrefix: o.etcdPrefix,
        runtimeLatencyScale: o.runtimeLatencyScale,
        disabledAdmissionPlugins: o.disableAdmissionPlugins?.split(',').map((s) => s.trim()).filter(Boolean),
        apiserverFilters: apiServerFilterOptions(o, (line) => console.error(line)),
      });
      for (const [what, endpoint] of Object.entries(cluster.metricsEndpoints)) console.log(`${what} metrics at ${endpoint.url}`);
      console.log(`Wheelhouse is up at ${cluster.apiserver.url}; use it with: export KUBECONFIG=${cluster.kubeconfigPath}`);
      onSignals(() => cluster.stop());
    },
  );

program
  .command('kubelet')
  .description('run a node agent (a hollow kubelet) that joins a running cluster')
  .requiredOption('--name <node>', 'node name to register')
  .option('--kubeconfig <path>', 'kubeconfig of the cluster (default: $KUBECONFIG or ~/.kube/config)')
  .option('--server <url>', 'API server URL, instead of a kubeconfig')
  .option('--cpu <cores>', 'cpu capacity', '4')
  .option('--memory <quantity>', 'memory capacity', '16Gi')
  .option('--pods <n>', 'pod capacity', int, 110)
  .option('--ephemeral-storage <quantity>', 'ephemeral-storage capacity', '100Gi')
  .option('--node-labels <k=v,...>', 'extra node labels', labels)
  .option('--register-with-taints <key=value:Effect,...>', 'taints to register the node with', taints)
  .option('--address <ip>', 'address the kubelet server (container logs) listens on; the API server dials it', '127.0.0.1')
  .option('--port <port>', 'kubelet server port (0 picks a free one)', int, 0)
  .option('--runtime-latency-scale <factor>', 'multiply the simulated container runtime latencies (sandbox, pull, start, stop)', nonNegative)
  .action(
    async (o: {
      name: string;
      kubeconfig?: string;
      server?: string;
      cpu: string;
      memory: string;
      pods: number;
      ephemeralStorage: string;
      nodeLabels?: Record<string, string>;
      registerWithTaints?: V1Taint[];
      address: string;
      port: number;
      runtimeLatencyScale?: number;
    }) => {
      const log = (line: string) => console.error(line);
      const timings = o.runtimeLatencyScale === undefined ? undefined : scaleRuntimeLatencies(o.runtimeLatencyScale);
      const host = new NodeHost({
        kubeConfig: clientConfig(o),
        log,
        maxSockets: 8,
        server: { address: o.address, port: o.port },
        defaults: timings ? { timings } : undefined,
      });
      await host.addNode({
        name: o.name,
        cpu: o.cpu,
        memory: o.memory,
        pods: o.pods,
        ephemeralStorage: o.ephemeralStorage,
        labels: o.nodeLabels,
        taints: o.registerWithTaints,
      });
      const endpoint = host.kubeletEndpoint!;
      console.log(`node ${o.name} registered; kubelet server on ${endpoint.host}:${endpoint.port}`);
      onSignals(() => host.stop());
    },
  );

program
  .command('scheduler')
  .description('run the scheduler against a running cluster')
  .option('--kubeconfig <path>', 'kubeconfig of the cluster (default: $KUBECONFIG or ~/.kube/config)')
  .option('--server <url>', 'API server URL, instead of a kubeconfig')
  .option('--scheduler-name <name>', 'schedulerName of the pods to schedule', 'default-scheduler')
  .option('--metrics-bind-address <host:port>', 'serve /metrics (Prometheus text) here (default: not served)', bindAddress)
  .action(async (o: { kubeconfig?: string; server?: string; schedulerName: string; metricsBindAddress?: BindAddress }) => {
    const scheduler = new Scheduler({ kubeConfig: clientConfig(o), schedulerName: o.schedulerName, log: (line) => console.error(line) });
    const endpoint = o.metricsBindAddress ? await serveMetrics(scheduler.metrics.registry, o.metricsBindAddress) : undefined;
    if (endpoint) console.log(`scheduler metrics at ${endpoint.url}`);
    await scheduler.start();
    console.log(`scheduler ${o.schedulerName} running`);
    onSignals(async () => {
      await scheduler.stop();
      await endpoint?.close();
    });
  });

program
  .command('controller-manager')
  .description('run the controllers against a running cluster (only the holder of the kube-system/kube-controller-manager Lease acts)')
  .option('--kubeconfig <path>', 'kubeconfig of the cluster (default: $KUBECONFIG or ~/.kube/config)')
  .option('--server <url>', 'API server URL, instead of a kubeconfig')
  .option('--controllers <names>', 'comma-separated controllers to run: * for all, -name to leave one out', '*')
  .option('--cluster-cidr <cidr>', 'pod range for node pod CIDRs', '10.244.0.0/16')
  .option('--no-leader-elect', 'act without holding the lease (only safe when no other manager runs)')
  .option('--leader-elect-lease-duration <seconds>', 'how long a silent leader keeps the lease', int, 15)
  .option('--leader-elect-renew-deadline <seconds>', 'how long the leader may fail to renew before it stops', int, 10)
  .option('--leader-elect-retry-period <seconds>', 'how often candidates try and the leader renews', int, 2)
  .option('--node-monitor-grace-period <duration>', 'how long a node may go without renewing its lease or posting status before it is Unknown (Go duration; default 50s)', goDurationMs)
  .option('--node-monitor-period <duration>', 'how often node health is checked (Go duration; default 5s)', goDurationMs)
  .option('--node-startup-grace-period <duration>', 'how long a node that never posted status may stay silent (Go duration; default 1m)', goDurationMs)
  .option('--node-eviction-rate <nodes/s>', 'nodes per second a healthy zone gets NoExecute-tainted (default 0.1)', nonNegative)
  .option('--secondary-node-eviction-rate <nodes/s>', 'the same for a partially disrupted zone of a large cluster (default 0.01)', nonNegative)
  .option('--large-cluster-size-threshold <nodes>', 'zones above this many nodes count as large (default 50)', int)
  .option('--unhealthy-zone-threshold <fraction>', 'share of not-Ready nodes (at least 3) that makes a zone partially disrupted (default 0.55)', nonNegative)
  .option('--horizontal-pod-autoscaler-sync-period <duration>', 'how often every HorizontalPodAutoscaler is reconciled (Go duration; default 15s)', goDurationMs)
  .option('--horizontal-pod-autoscaler-downscale-stabilization <duration>', 'default scale-down stabilization window (Go duration; default 5m)', goDurationMs)
  .option('--horizontal-pod-autoscaler-cpu-initialization-period <duration>', 'CPU samples of pods started this recently are not trusted (Go duration; default 5m)', goDurationMs)
  .option('--horizontal-pod-autoscaler-initial-readiness-delay <duration>', 'readiness changes this soon after start are initial (Go duration; default 30s)', goDurationMs)
  .option('--resource-quota-sync-period <duration>', 'how often every quota\'s usage is recalculated in full (Go duration; default 5m)', goDurationMs)
  .option('--pvclaimbinder-sync-period <duration>', 'how often the volume binder resyncs claims and volumes (Go duration; default 15s)', goDurationMs)
  .option('--metrics-bind-address <host:port>', 'serve /metrics (Prometheus text) here (default: not served)', bindAddress)
  .action(
    async (o: {
      kubeconfig?: string;
      server?: string;
      controllers: string;
      clusterCidr: string;
      leaderElect: boolean;
      leaderElectLeaseDuration: number;
      leaderElectRenewDeadline: number;
      leaderElectRetryPeriod: number;
      nodeMonitorGracePeriod?: number;
      nodeMonitorPeriod?: number;
      nodeStartupGracePeriod?: number;
      nodeEvictionRate?: number;
      secondaryNodeEvictionRate?: number;
      largeClusterSizeThreshold?: number;
      unhealthyZoneThreshold?: number;
      horizontalPodAutoscalerSyncPeriod?: number;
      horizontalPodAutoscalerDownscaleStabilization?: number;
      horizontalPodAutoscalerCpuInitializationPeriod?: number;
      horizontalPodAutoscalerInitialReadinessDelay?: number;
      resourceQuotaSyncPeriod?: number;
      pvclaimbinderSyncPeriod?: number;
      metricsBindAddress?: BindAddress;
    }) => {
      const log = (line: string) => console.error(line);
      const manager = new ControllerManager({
        kubeConfig: clientConfig(o),
        controllers: o.controllers.split(',').map((s) => s.trim()).filter(Boolean),
        clusterCIDR: o.clusterCidr,
        // Only the flags given; the rest keep the manager's defaults.
        timings: Object.fromEntries(
          Object.entries({
            nodeMonitorGracePeriodMs: o.nodeMonitorGracePeriod,
            nodeMonitorPeriodMs: o.nodeMonitorPeriod,
            nodeStartupGracePeriodMs: o.nodeStartupGracePeriod,
            nodeEvictionRate: o.nodeEvictionRate,
            secondaryNodeEvictionRate: o.secondaryNodeEvictionRate,
            largeClusterSizeThreshold: o.largeClusterSizeThreshold,
            unhealthyZoneThreshold: o.unhealthyZoneThreshold,
            hpaSyncPeriodMs: o.horizontalPodAutoscalerSyncPeriod,
            hpaDownscaleStabilizationMs: o.horizontalPodAutoscalerDownscaleStabilization,
            hpaCpuInitializationPeriodMs: o.horizontalPodAutoscalerCpuInitializationPeriod,
            hpaInitialReadinessDelayMs: o.horizontalPodAutoscalerInitialReadinessDelay,
            resourceQuotaSyncPeriodMs: o.resourceQuotaSyncPeriod,
            pvClaimBinderSyncPeriodMs: o.pvclaimbinderSyncPeriod,
          }).filter(([, v]) => v !== undefined),
        ),
        leaderElect: o.leaderElect,
        leaderElection: {
          leaseDurationMs: o.leaderElectLeaseDuration * 1000,
          renewDeadlineMs: o.leaderElectRenewDeadline * 1000,
          retryPeriodMs: o.leaderElectRetryPeriod * 1000,
        },
        // As kube-controller-manager: a manager that lost the lease exits, to be restarted clean.
        onLostLeadership: () => {
          log('leaderelection lost');
          process.exit(1);
        },
        log,
      });
      const endpoint = o.metricsBindAddress ? await serveMetrics(manager.metrics, o.metricsBindAddress) : undefined;
      if (endpoint) console.log(`controller manager metrics at ${endpoint.url}`);
      await manager.start();
      console.log(`controller manager ${manager.identity ?? ''} started`);
      onSignals(async () => {
        await manager.stop();
        await endpoint?.close();
      });
    },
  );

await program.parseAsync(process.argv);
