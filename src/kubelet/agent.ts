// A node agent (a hollow kubelet): registers its Node, keeps it alive with a Lease in kube-node-lease,
// reports node status when it changes and every few minutes, watches only the pods bound to it
// (fieldSelector spec.nodeName=<node>) and runs each through a PodWorker, batching status writes.
//
// It talks to the API server only through @kubernetes/client-node, so many agents can share a process
// (NodeHost) or one can run alone (`wheelhouse kubelet`).
import { createHash, randomUUID } from 'node:crypto';
import os from 'node:os';
import type { KubeConfig, V1Lease, V1Node, V1Pod, V1Taint } from '@kubernetes/client-node';
import { Clients, MERGE_PATCH, describeError, isConflict, isNotFound, statusCode } from '../client/clients.ts';
import { EventRecorder } from '../client/events.ts';
import { Informer } from '../client/informer.ts';
import { value } from '../api/quantity.ts';
import { epochMs, microTime, rfc3339 } from '../client/time.ts';
import { KUBELET_HOST_ANNOTATION } from './behaviour.ts';
import { PodWorker, type PodHost } from './pod-worker.ts';
import type { References } from './references.ts';
import { DEFAULT_TIMINGS, ImageStore, type RuntimeTimings } from './runtime/hollow.ts';
import type { KubeletEndpoint } from './server.ts';
import type { Ticker, TickerHandle } from './ticker.ts';
import { UsageMeter, type NodeUsage } from './usage.ts';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeAgentOptions {
  name: string;
  /** Capacity: cpu cores, memory (a quantity), pod slots, ephemeral storage (a quantity). */
  cpu?: string;
  memory?: string;
  pods?: number;
  ephemeralStorage?: string;
  labels?: Record<string, string>;
  /** Taints to register with (kubelet --register-with-taints). */
  taints?: V1Taint[];
  instanceType?: string;
  leaseDurationSeconds?: number;
  /** Lease renewal period (kubelet: 10 s). */
  leaseRenewIntervalMs?: number;
  /** Node status is reported on change and at least this often (kubelet: 5 min). */
  statusReportIntervalMs?: number;
  /** Pod status changes within this window are written together. */
  statusBatchMs?: number;
  timings?: Partial<RuntimeTimings>;
}

/** What agents in one process share. */
export interface AgentShared {
  kc: KubeConfig;
  clients: Clients;
  ticker: Ticker;
  kubeletVersion: string;
  log: (line: string) => void;
  /** ConfigMaps, Secrets and service variables, read once for all agents. */
  references: References;
  /** The process's kubelet server, reported in every Node it registers. */
  kubeletEndpoint?: KubeletEndpoint;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

const NOT_READY_MESSAGE =
  'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';

function arch(): string {
  switch (process.arch) {
    case 'x64':
      return 'amd64';
    case 'ia32':
      return '386';
    default:
      return process.arch;
  }
}

/** Parse `10.244.3.0/24` into its base address as a number and the prefix length. */
function parseCIDR(cidr: string): { base: number; bits: number } | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const base = ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]);
  return { base, bits: Number(m[5]) };
}

function ipString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * The node's InternalIP, derived from its pod CIDR so that it is unique wherever the agent runs
 * without any coordination: the pod range's /24 number (the middle 16 bits, unique inside any
 * cluster CIDR within a /8) plus 2, as a host of kind's 172.18.0.0/16 — 10.244.3.0/24 → 172.18.244.5.
 */
export function internalIPFor(podCIDR: string): string {
  const c = parseCIDR(podCIDR);
  const index = c ? (c.base >>> 8) & 0xffff : 0;
  return ipString(((172 << 24) >>> 0) + (18 << 16) + ((index + 2) & 0xffff));
}

export class NodeAgent implements PodHost {
  readonly nodeName: string;
  readonly timings: RuntimeTimings;
  readonly images = new ImageStore();
  readonly recorder: EventRecorder;
  private readonly opts: NodeAgentOptions;
  private readonly pods: Informer<V1Pod>;
  private readonly workers = new Map<string, PodWorker>();
  /** The same workers by namespace/name, for the kubelet server. */
  private readonly byName = new Map<string, PodWorker>();
  private readonly dirty = new Set<PodWorker>();
  private readonly writing = new Set<PodWorker>();
  private readonly pendingDelete = new Set<PodWorker>();
  private flushTimer?: NodeJS.Timeout;
  private leaseTick?: TickerHandle;
  private statusTick?: TickerHandle;
  private lease?: V1Lease;
  private nodeUID?: string;
  private podCIDR?: string;
  private internalIP = '';
  private networkResolve?: () => void;
  private readonly network: Promise<void>;
  private readonly ipByPod = new Map<string, string>();
  private readonly usage: UsageMeter;
  private readonly usedIPs = new Set<string>();
  private nextIP = 2;
  private readonly conditionSince = new Map<string, { status: string; since: string }>();
  private unschedulable?: boolean;
  private readonly bootID = randomUUID();
  private stopped = false;
  private statusWriting = false;

  constructor(
    private readonly shared: AgentShared,
    opts: NodeAgentOptions,
  ) {
    this.opts = opts;
    this.nodeName = opts.name;
    this.usage = new UsageMeter(opts.name);
    this.timings = { ...DEFAULT_TIMINGS, ...opts.timings };
    this.recorder = new EventRecorder(shared.clients.core, { component: 'kubelet', host: opts.name, style: 'legacy', cacheSize: 256 });
    this.network = new Promise((resolve) => (this.networkResolve = resolve));
    const fieldSelector = `spec.nodeName=${opts.name}`;
    const core = shared.clients.core;
    this.pods = new Informer<V1Pod>(shared.kc, {
      path: '/api/v1/pods',
      type: 'V1Pod',
      fieldSelector,
      list: () => core.listPodForAllNamespaces({ fieldSelector }),
    });
    this.pods.on('add', (p) => this.onPod(p));
    this.pods.on('update', (p) => this.onPod(p));
    this.pods.on('delete', (p) => this.onPodDelete(p));
  }

  get isNetworkReady(): boolean {
    return this.podCIDR !== undefined;
  }

  /** Register, start the lease and watch the node's pods. Resolves once registered. */
  async start(): Promise<void> {
    await this.register();
    await this.renewLease();
    this.leaseTick = this.shared.ticker.every(this.opts.leaseRenewIntervalMs ?? 10_000, () => void this.renewLease());
    this.statusTick = this.shared.ticker.every(this.opts.statusReportIntervalMs ?? 5 * 60_000, () => void this.reportStatus());
    await this.pods.start();
    void this.waitForPodCIDR();
  }

  /** Stop renewing, reporting and running pods (the Node and its pods stay as they are in the API). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.leaseTick?.cancel();
    this.statusTick?.cancel();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    await this.pods.stop();
    for (const w of this.workers.values()) w.remove();
    this.workers.clear();
    this.byName.clear();
    await this.recorder.close();
  }

  // -------------------------------------------------------------------------------------------
  // Node registration and status

  private capacity(): Record<string, string> {
    const memory = this.opts.memory ?? '16Gi';
    return {
      cpu: this.opts.cpu ?? '4',
      'ephemeral-storage': this.opts.ephemeralStorage ?? '100Gi',
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory,
      pods: String(this.opts.pods ?? 110),
    };
  }

  /** Capacity in the units the kubelet reports (memory and disk in Ki) and allocatable after the default eviction thresholds. */
  private resources(): { capacity: Record<string, string>; allocatable: Record<string, string> } {
    const cap = this.capacity();
    const mem = value(cap.memory) || 16 * GiB;
    const disk = value(cap['ephemeral-storage']) || 100 * GiB;
    const capacity = { ...cap, memory: `${Math.floor(mem / 1024)}Ki`, 'ephemeral-storage': `${Math.floor(disk / 1024)}Ki` };
    // evictionHard: memory.available<100Mi, nodefs.available<10%.
    const allocatable = {
      ...capacity,
      memory: `${Math.floor((mem - 100 * MiB) / 1024)}Ki`,
      'ephemeral-storage': String(Math.floor(disk * 0.9)),
    };
    return { capacity, allocatable };
  }

  private labels(): Record<string, string> {
    const instanceType = this.opts.instanceType ?? 'hollow-standard-4';
    return {
      'beta.kubernetes.io/arch': arch(),
      'beta.kubernetes.io/instance-type': instanceType,
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': arch(),
      'kubernetes.io/hostname': this.nodeName,
      'kubernetes.io/os': 'linux',
      'node.kubernetes.io/instance-type': instanceType,
      ...this.opts.labels,
    };
  }

  private condition(type: string, status: string, reason: string, message: string, now: string): Record<string, string> {
    const prev = this.conditionSince.get(type);
    const since = prev && prev.status === status ? prev.since : now;
    this.conditionSince.set(type, { status, since });
    return { type, status, lastHeartbeatTime: now, lastTransitionTime: since, reason, message };
  }

  private nodeStatus(): Record<string, unknown> {
    const now = rfc3339();
    const { capacity, allocatable } = this.resources();
    const ready = this.isNetworkReady;
    const seed = createHash('sha256').update(`node:${this.nodeName}`).digest('hex');
    const addresses = [];
    if (this.internalIP) addresses.push({ type: 'InternalIP', address: this.internalIP });
    addresses.push({ type: 'Hostname', address: this.nodeName });
    return {
      capacity,
      allocatable,
      conditions: [
        this.condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', now),
        this.condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', now),
        this.condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', now),
        ready
          ? this.condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', now)
          : this.condition('Ready', 'False', 'KubeletNotReady', NOT_READY_MESSAGE, now),
      ],
      addresses,
      daemonEndpoints: { kubeletEndpoint: { Port: this.shared.kubeletEndpoint?.port ?? 10250 } },
      nodeInfo: {
        machineID: seed.slice(0, 32),
        systemUUID: `${seed.slice(32, 40)}-${seed.slice(40, 44)}-${seed.slice(44, 48)}-${seed.slice(48, 52)}-${seed.slice(52, 64)}`,
        bootID: this.bootID,
        kernelVersion: os.release(),
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'containerd://2.1.4',
        kubeletVersion: this.shared.kubeletVersion,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: arch(),
      },
      runtimeHandlers: [
        { name: 'runc', features: { recursiveReadOnlyMounts: true, userNamespaces: true } },
        { name: '', features: { recursiveReadOnlyMounts: true, userNamespaces: true } },
      ],
      features: { supplementalGroupsPolicy: true },
    };
  }

  private nodeRef() {
    // The kubelet refers to its node by name, UID included (kubectl describe node looks for both).
    return { kind: 'Node', name: this.nodeName, uid: this.nodeName };
  }

  /** Where the API server reaches this agent's kubelet server (the InternalIP is simulated). */
  private serverAnnotation(): Record<string, string> {
    const endpoint = this.shared.kubeletEndpoint;
    return endpoint ? { [KUBELET_HOST_ANNOTATION]: endpoint.host } : {};
  }

  private async register(): Promise<void> {
    const core = this.shared.clients.core;
    const body: V1Node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: this.nodeName,
        labels: this.labels(),
        annotations: {
          'node.alpha.kubernetes.io/ttl': '0',
          'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
          ...this.serverAnnotation(),
        },
      },
      spec: this.opts.taints?.length ? { taints: this.opts.taints } : {},
    };
    let node: V1Node;
    for (let attempt = 0; ; attempt++) {
      try {
        try {
          node = await core.createNode({ body });
          this.recorder.event(this.nodeRef(), 'Normal', 'Starting', 'Starting kubelet.');
        } catch (err) {
          if (statusCode(err) !== 409) throw err;
          // Registered before (a restart): keep what others set, refresh the labels the kubelet owns
          // and where its server now listens.
          const metadata = { labels: this.labels(), annotations: this.serverAnnotation() };
          node = await core.patchNode({ name: this.nodeName, body: { metadata } }, MERGE_PATCH);
          this.recorder.event(this.nodeRef(), 'Normal', 'Starting', 'Starting kubelet.');
        }
        break;
      } catch (err) {
        if (this.stopped) throw err;
        if (attempt >= 50) throw new Error(`node ${this.nodeName}: registration failed: ${describeError(err)}`);
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
    this.nodeUID = node.metadata?.uid;
    this.unschedulable = node.spec?.unschedulable === true;
    for (const c of node.status?.conditions ?? []) {
      const since = epochMs(c.lastTransitionTime);
      if (since !== undefined && c.reason?.startsWith('Kubelet')) this.conditionSince.set(c.type, { status: c.status, since: rfc3339(since) });
    }
    if (node.spec?.podCIDR) this.setPodCIDR(node.spec.podCIDR);
    await this.reportStatus();
    for (const [reason, what] of [
      ['NodeHasSufficientMemory', 'NodeHasSufficientMemory'],
      ['NodeHasNoDiskPressure', 'NodeHasNoDiskPressure'],
      ['NodeHasSufficientPID', 'NodeHasSufficientPID'],
    ] as const) {
      this.recorder.event(this.nodeRef(), 'Normal', reason, `Node ${this.nodeName} status is now: ${what}`);
    }
    this.recorder.event(this.nodeRef(), 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
  }

  private setPodCIDR(cidr: string): void {
    if (this.podCIDR) return;
    this.podCIDR = cidr;
    this.internalIP = internalIPFor(cidr);
    this.networkResolve?.();
  }

  /** The pod CIDR comes from the cluster's allocator (controllers/node-ipam); wait for it, then report Ready. */
  private async waitForPodCIDR(): Promise<void> {
    let delay = 50;
    while (!this.podCIDR && !this.stopped) {
      await new Promise((r) => setTimeout(r, delay).unref());
      delay = Math.min(delay * 2, 2000);
      try {
        const node = await this.shared.clients.core.readNode({ name: this.nodeName });
        if (node.spec?.podCIDR) this.setPodCIDR(node.spec.podCIDR);
      } catch {
        // try again
      }
    }
    if (this.stopped) return;
    await this.reportStatus();
    this.recorder.event(this.nodeRef(), 'Normal', 'NodeReady', `Node ${this.nodeName} status is now: NodeReady`);
  }

  private async reportStatus(): Promise<void> {
    if (this.stopped || this.statusWriting) return;
    this.statusWriting = true;
    try {
      const node = await this.shared.clients.core.patchNodeStatus({ name: this.nodeName, body: { status: this.nodeStatus() } }, MERGE_PATCH);
      const unschedulable = node.spec?.unschedulable === true;
      if (this.unschedulable !== undefined && unschedulable !== this.unschedulable) {
        const what = unschedulable ? 'NodeNotSchedulable' : 'NodeSchedulable';
        this.recorder.event(this.nodeRef(), 'Normal', what, `Node ${this.nodeName} status is now: ${what}`);
      }
      this.unschedulable = unschedulable;
      if (!this.podCIDR && node.spec?.podCIDR) this.setPodCIDR(node.spec.podCIDR);
    } catch (err) {
      this.shared.log(`node ${this.nodeName}: status update failed: ${describeError(err)}`);
    } finally {
      this.statusWriting = false;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Lease

  private leaseBody(): V1Lease {
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.nodeName,
        namespace: NODE_LEASE_NAMESPACE,
        ownerReferences: this.nodeUID ? [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: this.nodeUID }] : undefined,
      },
      spec: {
        holderIdentity: this.nodeName,
        leaseDurationSeconds: this.opts.leaseDurationSeconds ?? 40,
        renewTime: microTime(),
      },
    };
    if (this.lease?.metadata?.resourceVersion) body.metadata!.resourceVersion = this.lease.metadata.resourceVersion;
    return body;
  }

  private async renewLease(): Promise<void> {
    if (this.stopped) return;
    const api = this.shared.clients.coordination;
    try {
      if (!this.lease) {
        try {
          this.lease = await api.readNamespacedLease({ name: this.nodeName, namespace: NODE_LEASE_NAMESPACE });
        } catch (err) {
          if (!isNotFound(err)) throw err;
          this.lease = await api.createNamespacedLease({ namespace: NODE_LEASE_NAMESPACE, body: this.leaseBody() });
          return;
        }
      }
      this.lease = await api.replaceNamespacedLease({ name: this.nodeName, namespace: NODE_LEASE_NAMESPACE, body: this.leaseBody() });
    } catch (err) {
      // Someone else wrote it (or it is gone): read it again on the next renewal.
      if (isConflict(err) || isNotFound(err)) this.lease = undefined;
      else this.shared.log(`node ${this.nodeName}: lease renewal failed: ${describeError(err)}`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Pods

  /** A sample of what this node's containers use now (the kubelet's resource metrics). */
  resourceUsage(now = Date.now()): NodeUsage {
    return this.usage.sample([...this.workers.values()].flatMap((w) => w.runningContainers()), now);
  }

  /** The worker of a pod this node runs, by namespace and name. */
  findPod(namespace: string, name: string): PodWorker | undefined {
    return this.byName.get(`${namespace}/${name}`);
  }

  get references(): References {
    return this.shared.references;
  }

  allocatable(): Record<string, string> {
    return this.resources().allocatable;
  }

  private onPod(pod: V1Pod): void {
    if (this.stopped) return;
    const uid = pod.metadata?.uid ?? '';
    let w = this.workers.get(uid);
    if (!w) {
      // A pod with the same name but a new UID replaces the old one.
      const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
      const other = this.byName.get(key);
      if (other) {
        other.remove();
        this.workers.delete(other.uid);
      }
      w = new PodWorker(this, pod);
      this.workers.set(uid, w);
      this.byName.set(key, w);
      w.start();
      if (pod.metadata?.deletionTimestamp) w.update(pod);
      return;
    }
    w.update(pod);
  }

  private onPodDelete(pod: V1Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const w = this.workers.get(uid);
    if (!w) return;
    w.remove();
    this.workers.delete(uid);
    if (this.byName.get(w.key) === w) this.byName.delete(w.key);
    this.dirty.delete(w);
    this.pendingDelete.delete(w);
  }

  networkReady(): Promise<void> {
    return this.network;
  }

  hostIP(): string {
    return this.internalIP;
  }

  /** host-local IPAM: the next free address of the node's range after the last one handed out. */
  allocateIP(uid: string): string {
    const existing = this.ipByPod.get(uid);
    if (existing) return existing;
    const c = parseCIDR(this.podCIDR ?? '10.244.0.0/24')!;
    const size = 2 ** (32 - c.bits);
    for (let i = 0; i < size - 3; i++) {
      const host = this.nextIP;
      this.nextIP = this.nextIP + 1 >= size - 1 ? 2 : this.nextIP + 1;
      const ip = ipString(c.base + host);
      if (this.usedIPs.has(ip)) continue;
      this.usedIPs.add(ip);
      this.ipByPod.set(uid, ip);
      return ip;
    }
    throw new Error(`node ${this.nodeName}: no free pod IPs in ${this.podCIDR}`);
  }

  reserveIP(uid: string, ip: string): void {
    this.usedIPs.add(ip);
    this.ipByPod.set(uid, ip);
  }

  releaseIP(uid: string): void {
    const ip = this.ipByPod.get(uid);
    if (!ip) return;
    this.ipByPod.delete(uid);
    this.usedIPs.delete(ip);
  }

  statusChanged(worker: PodWorker): void {
    if (this.stopped) return;
    this.dirty.add(worker);
    this.scheduleFlush(this.opts.statusBatchMs ?? 50);
  }

  finishDeletion(worker: PodWorker): void {
    this.pendingDelete.add(worker);
    this.statusChanged(worker);
  }

  private scheduleFlush(ms: number): void {
    if (this.flushTimer || this.stopped) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, ms);
  }

  private flush(): void {
    for (const w of [...this.dirty]) {
      if (this.writing.has(w)) continue;
      this.dirty.delete(w);
      void this.writeStatus(w);
    }
  }

  private async writeStatus(w: PodWorker): Promise<void> {
    const pod = w.pod;
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? 'default';
    const status = w.status();
    const json = JSON.stringify(status);
    this.writing.add(w);
    let retry = false;
    try {
      if (json !== w.lastWritten) {
        await this.shared.clients.core.patchNamespacedPodStatus({ name, namespace, body: { status } }, MERGE_PATCH);
        w.lastWritten = json;
      }
      if (this.pendingDelete.has(w) && !this.dirty.has(w)) {
        this.pendingDelete.delete(w);
        await this.shared.clients.core.deleteNamespacedPod({
          name,
          namespace,
          gracePeriodSeconds: 0,
          body: { preconditions: { uid: w.uid } },
        });
      }
    } catch (err) {
      if (!isNotFound(err) && statusCode(err) !== 409) {
        this.shared.log(`node ${this.nodeName}: writing pod ${namespace}/${name} failed: ${describeError(err)}`);
        retry = true;
      }
    } finally {
      this.writing.delete(w);
    }
    if (this.stopped || !this.workers.has(w.uid)) return;
    if (retry) {
      this.dirty.add(w);
      this.scheduleFlush(500);
    } else if (this.dirty.has(w)) {
      this.scheduleFlush(this.opts.statusBatchMs ?? 50);
    }
  }
}
