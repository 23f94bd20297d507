// What a controller is to the controller manager: built from a shared context once this process
// leads, asks the shared informers for what it watches while being built, started once they have
// synced, stopped when leadership is lost or the process ends.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Clients } from '../client/clients.ts';
import type { SharedInformers } from '../client/shared-informers.ts';

/** Durations controllers read, shortened by tests (upstream flag names in the comments). */
export interface ControllerTimings {
  /** --node-monitor-grace-period: a node whose lease is older is NotReady/Unknown (upstream 50 s since 1.32, kubernetes#126287; 40 s before). */
  nodeMonitorGracePeriodMs: number;
  /** --node-monitor-period: how often node health is checked (upstream 5 s). */
  nodeMonitorPeriodMs: number;
  /** Default tolerationSeconds for not-ready/unreachable taints, used when a pod has none (upstream 300 s). */
  podEvictionTimeoutMs: number;
  /** --node-startup-grace-period: how long a node that never posted a Ready condition may stay silent (upstream 60 s). */
  nodeStartupGracePeriodMs: number;
  /** --node-eviction-rate: nodes per second a healthy zone gets NoExecute-tainted (upstream 0.1). Not a duration, but tests raise it with the others. */
  nodeEvictionRate: number;
  /** --secondary-node-eviction-rate: the same for a partially disrupted zone of a large cluster (upstream 0.01). */
  secondaryNodeEvictionRate: number;
  /** --large-cluster-size-threshold: zones above this many nodes are large (upstream 50). */
  largeClusterSizeThreshold: number;
  /** --unhealthy-zone-threshold: share of not-Ready nodes (at least 3) that makes a zone partially disrupted (upstream 0.55). */
  unhealthyZoneThreshold: number;
  /** Informer resync: every object is handed to the controllers again this often (upstream ~12 h; level-triggered safety net). */
  resyncMs: number;
  /** --horizontal-pod-autoscaler-sync-period: how often every HPA is reconciled (upstream 15 s). */
  hpaSyncPeriodMs: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization: the default scale-down stabilization window (upstream 5 min). */
  hpaDownscaleStabilizationMs: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period: CPU samples of pods this young are distrusted (upstream 5 min). */
  hpaCpuInitializationPeriodMs: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay: readiness flips this soon after start count as initial (upstream 30 s). */
  hpaInitialReadinessDelayMs: number;
  /** --resource-quota-sync-period: full recalculation of every quota's usage (upstream 5 min). */
  resourceQuotaSyncPeriodMs: number;
  /** --pvclaimbinder-sync-period: full resync of claims and volumes by the PV binder (upstream 15 s). */
  pvClaimBinderSyncPeriodMs: number;
  /** DefaultJobPodFailureBackOff: the Job controller's first delay before replacing a failed pod, doubled per further failure (upstream 10 s). */
  jobPodFailureBackoffMs: number;
  /** MaxJobPodFailureBackOff: the cap on that delay (upstream 10 min). */
  jobPodFailureBackoffMaxMs: number;
  /** namespaceDeletionGracePeriod: how long after a namespace turns Terminating its contents are deleted (upstream 5 s, a constant, no flag). */
  namespaceDeletionGracePeriodMs: number;
}

export const DEFAULT_TIMINGS: ControllerTimings = {
  nodeMonitorGracePeriodMs: 50_000,
  nodeMonitorPeriodMs: 5_000,
  podEvictionTimeoutMs: 300_000,
  nodeStartupGracePeriodMs: 60_000,
  nodeEvictionRate: 0.1,
  secondaryNodeEvictionRate: 0.01,
  largeClusterSizeThreshold: 50,
  unhealthyZoneThreshold: 0.55,
  resyncMs: 12 * 60 * 60_000,
  hpaSyncPeriodMs: 15_000,
  hpaDownscaleStabilizationMs: 300_000,
  hpaCpuInitializationPeriodMs: 300_000,
  hpaInitialReadinessDelayMs: 30_000,
  resourceQuotaSyncPeriodMs: 300_000,
  pvClaimBinderSyncPeriodMs: 15_000,
  jobPodFailureBackoffMs: 10_000,
  jobPodFailureBackoffMaxMs: 600_000,
  namespaceDeletionGracePeriodMs: 5_000,
};

export interface ControllerContext {
  kubeConfig: KubeConfig;
  clients: Clients;
  informers: SharedInformers;
  timings: ControllerTimings;
  /** kube-controller-manager --cluster-cidr, for the node IPAM controller. */
  clusterCIDR: string;
  log: (line: string) => void;
}

export interface Controller {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type ControllerFactory = (ctx: ControllerContext) => Controller;
