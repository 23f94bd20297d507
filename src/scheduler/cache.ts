// The scheduler's view of the cluster, kept incrementally from informer events: one NodeInfo per
// node with the pods bound (or assumed: bind in flight) to it and what they use, plus indexes the
// inter-pod plugins read instead of walking every pod each cycle: pods by namespace, the existing
// pods' affinity terms grouped by identical term with their count per node, and per-node counts of
// the pods a (namespace, selector) matches, kept for the selectors recent cycles asked about. Also
// the pods nominated to nodes by preemption. Nothing is rebuilt per scheduling cycle.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { LabelSelector } from '../selectors/labels.ts';
import { parsePodTermsLenient, selectorKey, subjectOf, type AffinityTerm, type PodTerms, type Subject } from './affinity-terms.ts';
import { type HostPort, type Resources, emptyResources, nodeAllocatable, nonZeroPodRequests, podHostPorts, podRequests } from './resources.ts';

export interface PodInfo {
  pod: V1Pod;
  key: string;
  subject: Subject;
  requests: Resources;
  nonZero: Resources;
  ports: HostPort[];
  priority: number;
  terms?: PodTerms;
}

export class NodeInfo {
  node?: V1Node;
  labels: Record<string, string> = {};
  allocatable: Resources = emptyResources();
  requested: Resources = emptyResources();
  nonZeroRequested: Resources = emptyResources();
  readonly pods = new Map<string, PodInfo>();
  /** `ip/protocol/port` of every host port in use. */
  readonly usedPorts = new Map<string, number>();

  constructor(readonly name: string) {}

  setNode(node: V1Node): void {
    this.node = node;
    this.labels = node.metadata?.labels ?? {};
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
    subject: subjectOf(pod),
    requests: podRequests(pod),
    nonZero: nonZeroPodRequests(pod),
    ports: podHostPorts(pod),
    priority: pod.spec?.priority ?? 0,
    terms: parsePodTermsLenient(pod),
  };
}

/** A bound or assumed pod and the node it is on. */
export interface Placed {
  pi: PodInfo;
  ni: NodeInfo;
}

/** Existing pods with one identical term, counted per node. */
export interface TermGroup {
  term: AffinityTerm;
  weight: number;
  perNode: Map<NodeInfo, number>;
}

export type TermKind = 'requiredAffinity' | 'requiredAnti' | 'preferredAffinity' | 'preferredAnti';
const TERM_KINDS: TermKind[] = ['requiredAffinity', 'requiredAnti', 'preferredAffinity', 'preferredAnti'];

/** Pods of a namespace matching a selector, per node; spreading leaves terminating pods out. */
interface MatchCounts {
  namespace: string;
  selector: LabelSelector;
  skipTerminating: boolean;
  perNode: Map<NodeInfo, number>;
  lastUsed: number;
}

/** How many selectors' counts are kept up to date (each costs a match per pod change in its namespace). */
const MAX_MATCH_COUNTS = 128;

function bumpNode(m: Map<NodeInfo, number>, ni: NodeInfo, delta: number): void {
  const n = (m.get(ni) ?? 0) + delta;
  if (n === 0) m.delete(ni);
  else m.set(ni, n);
}

function counted(mc: MatchCounts, pi: PodInfo): boolean {
  if (mc.skipTerminating && pi.pod.metadata?.deletionTimestamp) return false;
  return mc.selector.matches(pi.subject.labels);
}

export class SchedulerCache {
  readonly nodes = new Map<string, NodeInfo>();
  /** Node list in a stable order, for the rotating start index of filtering. */
  private order: NodeInfo[] = [];
  private orderDirty = false;
  /** Every bound or assumed pod, by key. */
  private readonly placed = new Map<string, Placed>();
  /** Pods assumed onto a node while their binding is in flight, by key → pod uid. */
  private readonly assumed = new Map<string, string>();
  private readonly byNamespace = new Map<string, Map<string, Placed>>();
  /** Existing pods' terms by kind, then by term signature. */
  private readonly groups = new Map<TermKind, Map<string, TermGroup>>(TERM_KINDS.map((k) => [k, new Map()]));
  private readonly matchCounts = new Map<string, MatchCounts>();
  private readonly matchCountsByNs = new Map<string, Set<MatchCounts>>();
  private uses = 0;
  /** Pending pods nominated to a node by preemption, by node name then pod key. */
  private readonly nominatedByNode = new Map<string, Map<string, PodInfo>>();
  private readonly nominatedNode = new Map<string, string>();

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
    info.labels = {};
    if (info.pods.size === 0) this.nodes.delete(name);
    this.orderDirty = true;
  }

  /** The cached pod, if bound or assumed. */
  get(key: string): Placed | undefined {
    return this.placed.get(key);
  }

  /** Bound and assumed pods of one namespace. */
  podsIn(namespace: string): Iterable<Placed> {
    return this.byNamespace.get(namespace)?.values() ?? [];
  }

  /** Every bound and assumed pod. */
  allPods(): Iterable<Placed> {
    return this.placed.values();
  }

  /** Namespaces with bound or assumed pods. */
  namespaces(): Iterable<string> {
    return this.byNamespace.keys();
  }

  /** The existing pods' terms of one kind, grouped. */
  termGroups(kind: TermKind): Iterable<TermGroup> {
    return this.groups.get(kind)!.values();
  }

  /**
   * Per node, the pods of `namespace` that `selector` matches (countPodsMatchSelector); counted from
   * scratch the first time, then kept up to date as pods come and go.
   */
  countMatching(namespace: string, selector: LabelSelector, skipTerminating: boolean): ReadonlyMap<NodeInfo, number> {
    const key = `${skipTerminating ? 1 : 0}\u0000${namespace}\u0000${selectorKey(selector)}`;
    let mc = this.matchCounts.get(key);
    if (!mc) {
      mc = { namespace, selector, skipTerminating, perNode: new Map(), lastUsed: 0 };
      for (const p of this.podsIn(namespace)) if (counted(mc, p.pi)) bumpNode(mc.perNode, p.ni, 1);
      this.matchCounts.set(key, mc);
      let set = this.matchCountsByNs.get(namespace);
      if (!set) this.matchCountsByNs.set(namespace, (set = new Set()));
      set.add(mc);
    }
    mc.lastUsed = ++this.uses;
    if (this.matchCounts.size > MAX_MATCH_COUNTS) this.evictMatchCounts();
    return mc.perNode;
  }

  private evictMatchCounts(): void {
    const byAge = [...this.matchCounts].sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [key, mc] of byAge.slice(0, byAge.length - MAX_MATCH_COUNTS / 2)) {
      this.matchCounts.delete(key);
      this.matchCountsByNs.get(mc.namespace)?.delete(mc);
    }
  }

  /** A pod the API says is bound (confirms an assumption). */
  setBoundPod(pod: V1Pod): void {
    const info = podInfo(pod);
    this.assumed.delete(info.key);
    this.place(info, pod.spec?.nodeName ?? '');
  }

  removePod(key: string): void {
    this.assumed.delete(key);
    const p = this.placed.get(key);
    if (!p) return;
    this.unplace(key, p);
    if (!p.ni.node && p.ni.pods.size === 0) this.nodes.delete(p.ni.name);
  }

  assume(pod: V1Pod, nodeName: string): void {
    const info = podInfo(pod);
    this.assumed.set(info.key, pod.metadata?.uid ?? '');
    this.place(info, nodeName);
  }

  /** Undo an assumption whose binding failed (unless the API has confirmed a binding meanwhile). */
  forget(key: string): void {
    if (!this.assumed.has(key)) return;
    this.removePod(key);
  }

  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }

  private place(pi: PodInfo, nodeName: string): void {
    const prev = this.placed.get(pi.key);
    if (prev) this.unplace(pi.key, prev);
    const ni = this.nodeInfo(nodeName);
    ni.addPod(pi);
    const p: Placed = { pi, ni };
    this.placed.set(pi.key, p);
    let ns = this.byNamespace.get(pi.subject.namespace);
    if (!ns) this.byNamespace.set(pi.subject.namespace, (ns = new Map()));
    ns.set(pi.key, p);
    this.index(p, 1);
  }

  private index(p: Placed, delta: 1 | -1): void {
    for (const mc of this.matchCountsByNs.get(p.pi.subject.namespace) ?? []) if (counted(mc, p.pi)) bumpNode(mc.perNode, p.ni, delta);
    const terms = p.pi.terms;
    if (!terms) return;
    for (const kind of TERM_KINDS) {
      const groups = this.groups.get(kind)!;
      for (const t of terms[kind]) {
        let g = groups.get(t.sig);
        if (!g) groups.set(t.sig, (g = { term: t, weight: 'weight' in t ? (t.weight as number) : 0, perNode: new Map() }));
        bumpNode(g.perNode, p.ni, delta);
        if (g.perNode.size === 0) groups.delete(t.sig);
      }
    }
  }

  private unplace(key: string, p: Placed): void {
    p.ni.removePod(key);
    this.placed.delete(key);
    const ns = this.byNamespace.get(p.pi.subject.namespace);
    ns?.delete(key);
    if (ns?.size === 0) this.byNamespace.delete(p.pi.subject.namespace);
    this.index(p, -1);
  }

  // -------------------------------------------------------------------------------------------
  // Nominations (the scheduling queue's PodNominator)

  nominate(pi: PodInfo, nodeName: string): void {
    this.clearNomination(pi.key);
    let m = this.nominatedByNode.get(nodeName);
    if (!m) this.nominatedByNode.set(nodeName, (m = new Map()));
    m.set(pi.key, pi);
    this.nominatedNode.set(pi.key, nodeName);
  }

  clearNomination(key: string): void {
    const node = this.nominatedNode.get(key);
    if (node === undefined) return;
    this.nominatedNode.delete(key);
    const m = this.nominatedByNode.get(node);
    m?.delete(key);
    if (m?.size === 0) this.nominatedByNode.delete(node);
  }

  nominatedNodeOf(key: string): string | undefined {
    return this.nominatedNode.get(key);
  }

  hasNominatedOn(nodeName: string): boolean {
    return this.nominatedByNode.has(nodeName);
  }

  /** Pods nominated to the node (not yet bound anywhere). */
  nominatedOn(nodeName: string): Iterable<PodInfo> {
    return this.nominatedByNode.get(nodeName)?.values() ?? [];
  }
}
