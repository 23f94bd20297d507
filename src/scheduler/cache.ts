// The scheduler's view of the cluster, kept incrementally from informer events: one NodeInfo per
// node with the pods bound (or assumed: bind in flight) to it and what they use. Nothing is rebuilt
// per scheduling cycle.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { type HostPort, type Resources, emptyResources, nodeAllocatable, nonZeroPodRequests, podHostPorts, podRequests } from './resources.ts';

export interface PodInfo {
  pod: V1Pod;
  key: string;
  requests: Resources;
  nonZero: Resources;
  ports: HostPort[];
  priority: number;
}

export class NodeInfo {
  node?: V1Node;
  allocatable: Resources = emptyResources();
  requested: Resources = emptyResources();
  nonZeroRequested: Resources = emptyResources();
  readonly pods = new Map<string, PodInfo>();
  /** `ip/protocol/port` of every host port in use. */
  readonly usedPorts = new Map<string, number>();

  constructor(readonly name: string) {}

  setNode(node: V1Node): void {
    this.node = node;
    this.allocatable = nodeAllocatable(node);
  }

  addPod(info: PodInfo): void {
    if (this.pods.has(info.key)) this.removePod(info.key);
    this.pods.set(info.key, info);
    this.requested = plus(this.requested, info.requests, 1);
    this.nonZeroRequested = plus(this.nonZeroRequested, info.nonZero, 1);
    for (const p of info.ports) {
      const k = portKey(p);
      this.usedPorts.set(k, (this.usedPorts.get(k) ?? 0) + 1);
    }
  }

  removePod(key: string): void {
    const info = this.pods.get(key);
    if (!info) return;
    this.pods.delete(key);
    this.requested = plus(this.requested, info.requests, -1);
    this.nonZeroRequested = plus(this.nonZeroRequested, info.nonZero, -1);
    for (const p of info.ports) {
      const k = portKey(p);
      const n = (this.usedPorts.get(k) ?? 0) - 1;
      if (n <= 0) this.usedPorts.delete(k);
      else this.usedPorts.set(k, n);
    }
  }

  /** HostPortInfo.CheckConflict: same protocol and port, and the same IP or either side 0.0.0.0. */
  portConflict(p: HostPort): boolean {
    if (p.ip === '0.0.0.0') {
      for (const k of this.usedPorts.keys()) {
        const [, proto, port] = k.split('/');
        if (proto === p.protocol && Number(port) === p.port) return true;
      }
      return false;
    }
    return this.usedPorts.has(portKey(p)) || this.usedPorts.has(portKey({ ...p, ip: '0.0.0.0' }));
  }
}

function portKey(p: HostPort): string {
  return `${p.ip}/${p.protocol}/${p.port}`;
}

function plus(a: Resources, b: Resources, sign: 1 | -1): Resources {
  return {
    milliCPU: a.milliCPU + sign * b.milliCPU,
    memory: a.memory + sign * b.memory,
    ephemeralStorage: a.ephemeralStorage + sign * b.ephemeralStorage,
    pods: a.pods + sign * b.pods,
  };
}

export function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

export function podInfo(pod: V1Pod): PodInfo {
  return {
    pod,
    key: podKey(pod),
    requests: podRequests(pod),
    nonZero: nonZeroPodRequests(pod),
    ports: podHostPorts(pod),
    priority: pod.spec?.priority ?? 0,
  };
}

export class SchedulerCache {
  readonly nodes = new Map<string, NodeInfo>();
  /** Node list in a stable order, for the rotating start index of filtering. */
  private order: NodeInfo[] = [];
  private orderDirty = false;
  /** Where each bound or assumed pod is, by pod key. */
  private readonly podNode = new Map<string, string>();
  /** Pods assumed onto a node while their binding is in flight, by key → pod uid. */
  private readonly assumed = new Map<string, string>();

  private nodeInfo(name: string): NodeInfo {
    let info = this.nodes.get(name);
    if (!info) {
      info = new NodeInfo(name);
      this.nodes.set(name, info);
    }
    return info;
  }

  /** Nodes that exist (pods may be bound to a name before its Node object arrives). */
  nodeList(): NodeInfo[] {
    if (this.orderDirty) {
      this.order = [...this.nodes.values()].filter((n) => n.node !== undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      this.orderDirty = false;
    }
    return this.order;
  }

  setNode(node: V1Node): void {
    const name = node.metadata?.name ?? '';
    const info = this.nodeInfo(name);
    if (!info.node) this.orderDirty = true;
    info.setNode(node);
  }

  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (!info) return;
    info.node = undefined;
    if (info.pods.size === 0) this.nodes.delete(name);
    this.orderDirty = true;
  }

  /** A pod the API says is bound (confirms an assumption). */
  setBoundPod(pod: V1Pod): void {
    const info = podInfo(pod);
    const nodeName = pod.spec?.nodeName ?? '';
    const prev = this.podNode.get(info.key);
    if (prev !== undefined && prev !== nodeName) this.nodes.get(prev)?.removePod(info.key);
    this.assumed.delete(info.key);
    this.podNode.set(info.key, nodeName);
    this.nodeInfo(nodeName).addPod(info);
  }

  removePod(key: string): void {
    const nodeName = this.podNode.get(key);
    this.assumed.delete(key);
    if (nodeName === undefined) return;
    this.podNode.delete(key);
    const info = this.nodes.get(nodeName);
    info?.removePod(key);
    if (info && !info.node && info.pods.size === 0) this.nodes.delete(nodeName);
  }

  assume(pod: V1Pod, nodeName: string): void {
    const info = podInfo(pod);
    this.assumed.set(info.key, pod.metadata?.uid ?? '');
    this.podNode.set(info.key, nodeName);
    this.nodeInfo(nodeName).addPod(info);
  }

  /** Undo an assumption whose binding failed (unless the API has confirmed a binding meanwhile). */
  forget(key: string): void {
    if (!this.assumed.has(key)) return;
    this.removePod(key);
  }

  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }
}
