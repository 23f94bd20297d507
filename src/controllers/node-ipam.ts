// The node IPAM controller (kube-controller-manager's range allocator): every Node gets a pod CIDR,
// a /24 (by default) out of the cluster CIDR, written to spec.podCIDR(s).
//
// Allocation is consistent because there is one allocator per cluster (it runs with `wheelhouse up`),
// it rebuilds its view of used ranges from the Nodes themselves on start (spec.podCIDR is the record;
// the API makes it immutable once set), and it marks a range used before writing it. Node agents in
// any process just wait for their Node's spec.podCIDR, as a kubelet waits for its CNI.
import type { KubeConfig, V1Node } from '@kubernetes/client-node';
import { Clients, MERGE_PATCH, describeError, statusCode } from '../client/clients.ts';
import { EventRecorder } from '../client/events.ts';
import { Informer } from '../client/informer.ts';

export interface NodeIpamOptions {
  kubeConfig: KubeConfig;
  /** The cluster's pod range (kube-controller-manager --cluster-cidr). */
  clusterCIDR?: string;
  /** Prefix length of each node's range (--node-cidr-mask-size). */
  nodeMaskSize?: number;
  log?: (line: string) => void;
}

function parse(cidr: string): { base: number; bits: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`invalid CIDR ${cidr}`);
  const base = (((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4])) >>> 0;
  const bits = Number(m[5]);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (base & mask) >>> 0, bits };
}

function format(n: number, bits: number): string {
  return `${[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')}/${bits}`;
}

export class NodeIpamController {
  private readonly clients: Clients;
  private readonly nodes: Informer<V1Node>;
  private readonly recorder: EventRecorder;
  private readonly cluster: { base: number; bits: number };
  private readonly maskSize: number;
  private readonly used = new Set<number>();
  private readonly pending = new Set<string>();
  /** Ranges written but not yet seen back through the watch (events may still show the node without one). */
  private readonly assigned = new Map<string, string>();
  private next = 0;
  private readonly log: (line: string) => void;

  constructor(opts: NodeIpamOptions) {
    this.clients = new Clients(opts.kubeConfig, { maxSockets: 8, component: 'kube-controller-manager' });
    this.cluster = parse(opts.clusterCIDR ?? '10.244.0.0/16');
    this.maskSize = opts.nodeMaskSize ?? 24;
    if (this.maskSize < this.cluster.bits) throw new Error(`node CIDR mask /${this.maskSize} is larger than the cluster CIDR`);
    this.log = opts.log ?? (() => {});
    this.recorder = new EventRecorder(this.clients.core, { component: 'cidrAllocator', style: 'legacy' });
    const core = this.clients.core;
    this.nodes = new Informer<V1Node>(opts.kubeConfig, { path: '/api/v1/nodes', type: 'V1Node', list: () => core.listNode() });
    this.nodes.on('add', (n) => this.onNode(n));
    this.nodes.on('update', (n) => this.onNode(n));
    this.nodes.on('delete', (n) => this.release(n));
  }

  private get capacity(): number {
    return 2 ** (this.maskSize - this.cluster.bits);
  }

  private indexOf(cidr: string): number | undefined {
    try {
      const c = parse(cidr);
      if (c.bits !== this.maskSize) return undefined;
      const offset = (c.base - this.cluster.base) >>> 0;
      const index = offset / 2 ** (32 - this.maskSize);
      return Number.isInteger(index) && index < this.capacity ? index : undefined;
    } catch {
      return undefined;
    }
  }

  async start(): Promise<void> {
    await this.nodes.start();
    await this.nodes.synced;
  }

  async stop(): Promise<void> {
    await this.nodes.stop();
    await this.recorder.close();
    this.clients.close();
  }

  private onNode(node: V1Node): void {
    const name = node.metadata?.name ?? '';
    const cidr = node.spec?.podCIDR;
    if (cidr) {
      this.assigned.delete(name);
      const i = this.indexOf(cidr);
      if (i !== undefined) this.used.add(i);
      return;
    }
    if (this.assigned.has(name)) return;
    // Wait for the full list before handing out ranges, so ranges already taken are known.
    if (!this.nodes.isSynced) {
      void this.nodes.synced.then(() => {
        const current = this.nodes.get(name);
        if (current) this.onNode(current);
      });
      return;
    }
    if (this.pending.has(name)) return;
    void this.allocate(node);
  }

  private release(node: V1Node): void {
    this.assigned.delete(node.metadata?.name ?? '');
    const cidr = node.spec?.podCIDR;
    if (!cidr) return;
    const i = this.indexOf(cidr);
    if (i !== undefined) this.used.delete(i);
  }

  private async allocate(node: V1Node): Promise<void> {
    const name = node.metadata?.name ?? '';
    let index: number | undefined;
    for (let k = 0; k < this.capacity; k++) {
      const i = (this.next + k) % this.capacity;
      if (!this.used.has(i)) {
        index = i;
        break;
      }
    }
    if (index === undefined) {
      this.recorder.event({ kind: 'Node', name, uid: node.metadata?.uid }, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
      return;
    }
    this.used.add(index);
    this.next = (index + 1) % this.capacity;
    this.pending.add(name);
    const cidr = format((this.cluster.base + index * 2 ** (32 - this.maskSize)) >>> 0, this.maskSize);
    try {
      await this.clients.core.patchNode({ name, body: { spec: { podCIDR: cidr, podCIDRs: [cidr] } } }, MERGE_PATCH);
      this.assigned.set(name, cidr);
    } catch (err) {
      this.used.delete(index);
      // 404: the node is gone; 422: it has a range already (written by an earlier run of this controller).
      const code = statusCode(err);
      if (code !== 404 && code !== 422) {
        this.log(`node-ipam: assigning ${cidr} to ${name} failed: ${describeError(err)}`);
        this.recorder.event({ kind: 'Node', name, uid: node.metadata?.uid }, 'Warning', 'CIDRAssignmentFailed', `Node ${name} status is now: CIDRAssignmentFailed`);
        const retry = setTimeout(() => {
          const current = this.nodes.get(name);
          if (current) this.onNode(current);
        }, 1000);
        retry.unref();
      }
    } finally {
      this.pending.delete(name);
    }
  }
}
