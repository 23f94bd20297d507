// The EndpointSlice controller (kube-controller-manager's endpointslice-controller:
// pkg/controller/endpointslice and the reconciler of k8s.io/endpointslice): for every Service with a
// selector, EndpointSlices named `<service>-<random>` (generateName), labelled
// kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by:
// endpointslice-controller.k8s.io (plus the service's own labels and service.kubernetes.io/headless),
// owned by the Service, holding at most 100 endpoints each: one per pod with an IP, with
// ready/serving/terminating conditions, nodeName, zone (the node's topology.kubernetes.io/zone),
// hostname, targetRef, and the service ports resolved for that pod (pods whose ports resolve
// differently go to different slices). A service without endpoints gets one empty placeholder
// slice. Existing slices are updated in place where possible, as the upstream reconciler does;
// slices of a deleted service are left to the garbage collector (ownerReferences). Mirroring of
// custom Endpoints (endpointslicemirroring-controller) is not done.
import type {
  V1Endpoint,
  DiscoveryV1EndpointPort as DiscoveryEndpointPort,
  V1EndpointSlice,
  V1Node,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';
import { describeError, isNotFound, statusCode } from '../client/clients.ts';
import { EventRecorder } from '../client/events.ts';
import type { Informer } from '../client/informer.ts';
import { WorkQueue } from '../client/workqueue.ts';
import type { Controller, ControllerContext } from './controller.ts';
import {
  HEADLESS_LABEL,
  LAST_CHANGE_TRIGGER_TIME,
  TriggerTimeTracker,
  findPort,
  formatTriggerTime,
  isPodReady,
  isServiceIPSet,
  key,
  selectorMatches,
  serviceSelector,
  queueServicesOnChanges,
  shouldPodBeInEndpoints,
  shouldSetHostname,
  splitKey,
} from './endpoint-util.ts';
import { errorText } from './endpoints.ts';

/** discovery.LabelServiceName */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** discovery.LabelManagedBy */
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
/** controllerQualifiedName */
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** v1.LabelTopologyZone */
const ZONE_LABEL = 'topology.kubernetes.io/zone';
/** --max-endpoints-per-slice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;
/** endpointSliceChangeMinSyncDelay */
const SLICE_CHANGE_MIN_SYNC_DELAY_MS = 1000;
const MAX_RETRIES = 15;
const WORKERS = 5;

export interface EndpointSliceControllerOptions {
  maxEndpointsPerSlice?: number;
  /** --endpointslice-updates-batch-period (default 0). */
  batchPeriodMs?: number;
  workers?: number;
}

type AddressType = 'IPv4' | 'IPv6';

// ---- hashing as upstream orders things: FNV-128a of the Go debug dump (k8s.io/utils/dump.ForHash)

const FNV128_OFFSET = 0x6c62272e07bb014262b821756295c58dn;
const FNV128_PRIME = 0x0000000001000000000000000000013bn;
const MASK128 = (1n << 128n) - 1n;

function fnv128a(s: string): string {
  let h = FNV128_OFFSET;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= BigInt(b);
    h = (h * FNV128_PRIME) & MASK128;
  }
  return h.toString(16).padStart(32, '0');
}

const ptr = (type: string, v: string | number | undefined | null) => `(*${type})${v === undefined || v === null ? '<nil>' : v}`;

function dumpPortBody(p: DiscoveryEndpointPort): string {
  return `{Name:${ptr('string', p.name)} Port:${ptr('int32', p.port)} Protocol:${ptr('v1.Protocol', p.protocol)} AppProtocol:${ptr('string', p.appProtocol)}}`;
}

/** portsInOrder: ports sorted by the hash of each one (NewPortMapKey sorts the slice it is given). */
function sortPorts(ports: DiscoveryEndpointPort[]): DiscoveryEndpointPort[] {
  const keyed = ports.map((p) => ({ p, h: fnv128a(`(v1.EndpointPort)${dumpPortBody(p)}`) }));
  keyed.sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
  return keyed.map((k) => k.p);
}

/** NewPortMapKey: identifies a set of ports. */
function portMapKey(ports: DiscoveryEndpointPort[] | undefined | null): string {
  const sorted = sortPorts([...(ports ?? [])]);
  return fnv128a(`([]v1.EndpointPort)[${sorted.map(dumpPortBody).join(' ')}]`);
}

/** hashEndpoint: addresses, hostname and the target's namespace/name identify an endpoint. */
function endpointKey(ep: V1Endpoint): string {
  return JSON.stringify([[...ep.addresses].sort(), ep.hostname ?? '', ep.targetRef?.namespace ?? '', ep.targetRef?.name ?? '']);
}

/** EndpointsEqualBeyondHash */
function endpointsEqualBeyondHash(a: V1Endpoint, b: V1Endpoint): boolean {
  if ((a.nodeName ?? null) !== (b.nodeName ?? null)) return false;
  if ((a.zone ?? null) !== (b.zone ?? null)) return false;
  const c1 = a.conditions ?? {};
  const c2 = b.conditions ?? {};
  if ((c1.ready ?? null) !== (c2.ready ?? null)) return false;
  if ((c1.serving ?? null) !== (c2.serving ?? null)) return false;
  if ((c1.terminating ?? null) !== (c2.terminating ?? null)) return false;
  const r1 = a.targetRef;
  const r2 = b.targetRef;
  if (!r1 || !r2) return !r1 && !r2;
  return (
    (r1.kind ?? '') === (r2.kind ?? '') &&
    (r1.namespace ?? '') === (r2.namespace ?? '') &&
    (r1.name ?? '') === (r2.name ?? '') &&
    (r1.uid ?? '') === (r2.uid ?? '') &&
    (r1.apiVersion ?? '') === (r2.apiVersion ?? '') &&
    (r1.fieldPath ?? '') === (r2.fieldPath ?? '')
  );
}

/** getAddressTypesForService */
function addressTypesForService(svc: V1Service): Set<AddressType> {
  const out = new Set<AddressType>();
  for (const f of svc.spec?.ipFamilies ?? []) {
    if (f === 'IPv4') out.add('IPv4');
    if (f === 'IPv6') out.add('IPv6');
  }
  if (out.size > 0) return out;
  const ip = svc.spec?.clusterIP;
  if (ip && ip !== 'None') return new Set([ip.includes(':') ? 'IPv6' : 'IPv4']);
  return new Set(['IPv4', 'IPv6']);
}

function ownedBy(slice: V1EndpointSlice, svc: V1Service): boolean {
  return (slice.metadata?.ownerReferences ?? []).some((o) => o.uid === svc.metadata?.uid && o.kind === 'Service' && o.apiVersion === 'v1');
}

/** setEndpointSliceLabels: the service's labels plus the reserved ones; and whether they differ from the slice's. */
function sliceLabels(slice: V1EndpointSlice | undefined, svc: V1Service): [Record<string, string>, boolean] {
  const reserved = (k: string) => k === SERVICE_NAME_LABEL || k === MANAGED_BY_LABEL || k === HEADLESS_LABEL;
  const epLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(slice?.metadata?.labels ?? {})) if (!reserved(k)) epLabels[k] = v;
  const svcLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) if (!reserved(k)) svcLabels[k] = v;
  const ek = Object.keys(epLabels);
  const updated = ek.length !== Object.keys(svcLabels).length || ek.some((k) => epLabels[k] !== svcLabels[k]);
  if (!isServiceIPSet(svc)) svcLabels[HEADLESS_LABEL] = '';
  svcLabels[SERVICE_NAME_LABEL] = svc.metadata?.name ?? '';
  svcLabels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  return [svcLabels, updated];
}

/** getEndpointSlicePrefix: `<service>-`, or the bare name when that would not be a valid name prefix. */
function slicePrefix(serviceName: string): string {
  const prefix = `${serviceName}-`;
  // NameIsDNSSubdomain with prefix=true: the prefix plus a 5-character suffix must fit in 253 characters.
  return prefix.length + 5 > 253 ? serviceName : prefix;
}

function newSlice(svc: V1Service, ports: DiscoveryEndpointPort[], addressType: AddressType): V1EndpointSlice {
  const [labels] = sliceLabels(undefined, svc);
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: slicePrefix(svc.metadata?.name ?? ''),
      namespace: svc.metadata?.namespace,
      labels,
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Service', name: svc.metadata?.name ?? '', uid: svc.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true },
      ],
    },
    addressType,
    endpoints: [],
    ports,
  };
}

/** getEndpointPorts */
function endpointPorts(svc: V1Service, pod: V1Pod): DiscoveryEndpointPort[] {
  const out: DiscoveryEndpointPort[] = [];
  const svcPorts = svc.spec?.ports ?? [];
  if (svcPorts.length === 0 && svc.spec?.clusterIP === 'None') return out;
  for (const sp of svcPorts) {
    const num = findPort(pod, sp);
    if (num === undefined) continue;
    const p: DiscoveryEndpointPort = { name: sp.name ?? '', port: num, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) p.appProtocol = sp.appProtocol;
    out.push(p);
  }
  return sortPorts(out);
}

/** podToEndpoint */
function podToEndpoint(pod: V1Pod, node: V1Node | undefined, svc: V1Service, addressType: AddressType): V1Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const ips = pod.status?.podIPs?.length ? pod.status.podIPs.map((p) => p.ip) : pod.status?.podIP ? [pod.status.podIP] : [];
  const ep: V1Endpoint = {
    addresses: ips.filter((ip) => (addressType === 'IPv6') === ip.includes(':')),
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
  };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata?.labels?.[ZONE_LABEL];
  if (zone) ep.zone = zone;
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec!.hostname;
  return ep;
}

/** EndpointSliceTracker: the generations this controller wrote (-1: deletion expected), per service. */
class SliceTracker {
  private readonly byService = new Map<string, Map<string, number>>();
  private readonly serviceUIDs = new Map<string, string>();

  private gens(slice: V1EndpointSlice): Map<string, number> | undefined {
    return this.byService.get(key(slice.metadata?.namespace, slice.metadata?.labels?.[SERVICE_NAME_LABEL] ?? ''));
  }

  private ensure(slice: V1EndpointSlice): Map<string, number> {
    const k = key(slice.metadata?.namespace, slice.metadata?.labels?.[SERVICE_NAME_LABEL] ?? '');
    let g = this.byService.get(k);
    if (!g) this.byService.set(k, (g = new Map()));
    return g;
  }

  has(slice: V1EndpointSlice): boolean {
    return this.gens(slice)?.has(slice.metadata?.uid ?? '') ?? false;
  }

  shouldSync(slice: V1EndpointSlice): boolean {
    const g = this.gens(slice)?.get(slice.metadata?.uid ?? '');
    return g === undefined || (slice.metadata?.generation ?? 0) > g;
  }

  staleSlices(svc: V1Service, slices: V1EndpointSlice[]): boolean {
    const k = key(svc.metadata?.namespace, svc.metadata?.name);
    const uid = svc.metadata?.uid ?? '';
    const tracked = this.serviceUIDs.get(k);
    if (tracked && uid && tracked !== uid) this.byService.delete(k);
    this.serviceUIDs.set(k, uid);
    const gens = this.byService.get(k);
    if (!gens) return false;
    const provided = new Set<string>();
    for (const s of slices) {
      provided.add(s.metadata?.uid ?? '');
      const g = gens.get(s.metadata?.uid ?? '');
      if (g !== undefined && (g === -1 || g > (s.metadata?.generation ?? 0))) return true;
    }
    for (const [u, g] of gens) if (g !== -1 && !provided.has(u)) return true;
    return false;
  }

  update(slice: V1EndpointSlice): void {
    this.ensure(slice).set(slice.metadata?.uid ?? '', slice.metadata?.generation ?? 0);
  }

  expectDeletion(slice: V1EndpointSlice): void {
    this.ensure(slice).set(slice.metadata?.uid ?? '', -1);
  }

  /** Whether the deletion was expected. */
  handleDeletion(slice: V1EndpointSlice): boolean {
    const gens = this.gens(slice);
    if (gens) {
      const g = gens.get(slice.metadata?.uid ?? '');
      gens.delete(slice.metadata?.uid ?? '');
      if (g !== undefined && g !== -1) return false;
    }
    return true;
  }

  deleteService(namespace: string, name: string): void {
    this.byService.delete(key(namespace, name));
    this.serviceUIDs.delete(key(namespace, name));
  }
}

/** The informer has not caught up with this controller's own writes yet: retried with back-off. */
class StaleCacheError extends Error {}

export class EndpointSliceController implements Controller {
  private readonly pods: Informer<V1Pod>;
  private readonly services: Informer<V1Service>;
  private readonly nodes: Informer<V1Node>;
  private readonly slices: Informer<V1EndpointSlice>;
  // 1 s doubling to 1000 s: a higher back-off than other controllers, as upstream.
  private readonly queue = new WorkQueue<string>({ baseDelayMs: 1000, maxDelayMs: 1_000_000, name: 'endpoint_slice' });
  private readonly recorder: EventRecorder;
  private readonly triggerTimes = new TriggerTimeTracker();
  private readonly tracker = new SliceTracker();
  private readonly maxPerSlice: number;
  private readonly batchMs: number;
  private running?: Promise<void>;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly opts: EndpointSliceControllerOptions = {},
  ) {
    this.maxPerSlice = opts.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
    this.batchMs = opts.batchPeriodMs ?? 0;
    this.recorder = new EventRecorder(ctx.clients.core, { component: 'endpoint-slice-controller', style: 'legacy' });
    this.services = ctx.informers.get('services');
    this.pods = ctx.informers.get('pods');
    this.nodes = ctx.informers.get('nodes');
    this.slices = ctx.informers.get('endpointslices');
    queueServicesOnChanges(this.services, this.pods, (k) => this.queue.add(k), (keys) => this.enqueue(keys));
    this.slices.on('add', (s) => {
      if (this.managedByUs(s) && this.tracker.shouldSync(s)) this.queueForSlice(s);
    });
    this.slices.on('update', (s, prev) => {
      if (prev && prev.metadata?.labels?.[SERVICE_NAME_LABEL] !== s.metadata?.labels?.[SERVICE_NAME_LABEL]) {
        this.queueForSlice(s);
        this.queueForSlice(prev);
        return;
      }
      const managedByChanged = prev !== undefined && this.managedByUs(prev) !== this.managedByUs(s);
      if (managedByChanged || (this.managedByUs(s) && this.tracker.shouldSync(s))) this.queueForSlice(s);
    });
    this.slices.on('delete', (s) => {
      if (this.managedByUs(s) && this.tracker.has(s) && !this.tracker.handleDeletion(s)) this.queueForSlice(s);
    });
  }

  private managedByUs(s: V1EndpointSlice): boolean {
    return s.metadata?.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME;
  }

  private queueForSlice(s: V1EndpointSlice): void {
    const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!svc) return;
    this.queue.addAfter(key(s.metadata?.namespace, svc), Math.max(SLICE_CHANGE_MIN_SYNC_DELAY_MS, this.batchMs));
  }

  private enqueue(keys: Set<string>): void {
    for (const k of keys) this.queue.addAfter(k, this.batchMs);
  }

  async start(): Promise<void> {
    await Promise.all([this.pods.synced, this.services.synced, this.nodes.synced, this.slices.synced]);
    this.running = this.queue.run(this.opts.workers ?? WORKERS, (k) => this.syncWithRetries(k));
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
    await this.recorder.close();
  }

  /** handleErr: a failed key is retried with back-off (1 s doubling) up to 15 times, then dropped until its next change. */
  private async syncWithRetries(k: string): Promise<void> {
    try {
      await this.sync(k);
    } catch (err) {
      if (this.queue.retries(k) < MAX_RETRIES) throw err;
      this.ctx.log(`endpointslice-controller: retry budget exceeded, dropping service ${k} out of the queue: ${describeError(err)}`);
    }
  }

  private async sync(k: string): Promise<void> {
    const [namespace, name] = splitKey(k);
    const svc = this.services.get(name, namespace);
    if (!svc) {
      this.triggerTimes.delete(namespace, name);
      this.tracker.deleteService(namespace, name);
      return;
    }
    if (svc.spec?.type === 'ExternalName') return;
    const selector = serviceSelector(svc);
    if (!selector) return;
    const pods = this.pods.list(namespace).filter((p) => selectorMatches(selector, p.metadata?.labels));
    const slices = this.slices
      .list(namespace)
      .filter((s) => s.metadata?.labels?.[SERVICE_NAME_LABEL] === name && this.managedByUs(s) && !s.metadata?.deletionTimestamp);
    if (this.tracker.staleSlices(svc, slices)) throw new StaleCacheError('EndpointSlice informer cache is out of date');
    const triggerTime = this.triggerTimes.compute(svc, pods);
    try {
      await this.reconcile(svc, pods, slices, triggerTime);
    } catch (err) {
      const ref = { kind: 'Service', apiVersion: 'v1', namespace, name, uid: svc.metadata?.uid, resourceVersion: svc.metadata?.resourceVersion };
      this.recorder.event(ref, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${namespace}/${name}: ${errorText(err)}`);
      throw err;
    }
  }

  private async reconcile(svc: V1Service, pods: V1Pod[], existing: V1EndpointSlice[], triggerTime: number | undefined): Promise<void> {
    const types = addressTypesForService(svc);
    const toDelete: V1EndpointSlice[] = [];
    const byType = new Map<string, V1EndpointSlice[]>();
    for (const s of existing) {
      if (!types.has(s.addressType as AddressType)) {
        toDelete.push(s);
        continue;
      }
      const list = byType.get(s.addressType) ?? [];
      list.push(s);
      byType.set(s.addressType, list);
    }
    const errors: string[] = [];
    for (const t of types) {
      try {
        await this.reconcileByAddressType(svc, pods, byType.get(t) ?? [], triggerTime, t);
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
    for (const s of toDelete) {
      try {
        await this.deleteSlice(svc, s);
      } catch (err) {
        errors.push(`error deleting ${s.metadata?.name} EndpointSlice for Service ${svc.metadata?.namespace}/${svc.metadata?.name}: ${errorText(err)}`);
      }
    }
    if (errors.length === 1) throw new Error(errors[0]);
    if (errors.length > 1) throw new Error(`[${errors.join(', ')}]`);
  }

  private async deleteSlice(svc: V1Service, slice: V1EndpointSlice): Promise<void> {
    try {
      await this.ctx.clients.discovery.deleteNamespacedEndpointSlice({ name: slice.metadata!.name!, namespace: svc.metadata!.namespace! });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    this.tracker.expectDeletion(slice);
  }

  private async reconcileByAddressType(
    svc: V1Service,
    pods: V1Pod[],
    existing: V1EndpointSlice[],
    triggerTime: number | undefined,
    addressType: AddressType,
  ): Promise<void> {
    const errors: string[] = [];
    const toCreate: V1EndpointSlice[] = [];
    const toUpdate: V1EndpointSlice[] = [];
    let toDelete: V1EndpointSlice[] = [];
    const existingByPorts = new Map<string, V1EndpointSlice[]>();
    for (const s of existing) {
      if (ownedBy(s, svc)) {
        const h = portMapKey(s.ports);
        existingByPorts.set(h, [...(existingByPorts.get(h) ?? []), s]);
      } else toDelete.push(s);
    }
    const desiredByPorts = new Map<string, { ports: DiscoveryEndpointPort[]; endpoints: Map<string, V1Endpoint> }>();
    for (const pod of pods) {
      if (!shouldPodBeInEndpoints(pod, true)) continue;
      const ports = endpointPorts(svc, pod);
      const h = portMapKey(ports);
      let desired = desiredByPorts.get(h);
      if (!desired) desiredByPorts.set(h, (desired = { ports, endpoints: new Map() }));
      const node = this.nodes.get(pod.spec?.nodeName ?? '');
      if (!node && svc.spec?.publishNotReadyAddresses !== true) {
        // Retried later; the slice is written without the pod meanwhile.
        errors.push(`skipping Pod ${pod.metadata?.name} for Service ${svc.metadata?.namespace}/${svc.metadata?.name}: Node ${pod.spec?.nodeName ?? ''} Not Found`);
        continue;
      }
      const ep = podToEndpoint(pod, node, svc, addressType);
      if (ep.addresses.length > 0) desired.endpoints.set(endpointKey(ep), ep);
    }
    for (const [h, desired] of desiredByPorts) {
      const r = this.reconcileByPortMapping(svc, existingByPorts.get(h) ?? [], desired.endpoints, desired.ports, addressType);
      toCreate.push(...r.create);
      toUpdate.push(...r.update);
      toDelete.push(...r.del);
    }
    for (const [h, slices] of existingByPorts) if (!desiredByPorts.has(h)) toDelete.push(...slices);

    // No endpoints at all: one placeholder slice (kept as it is if it is already there).
    if (existing.length === toDelete.length && toCreate.length < 1) {
      const placeholder = newSlice(svc, [], addressType);
      if (toDelete.length === 1 && this.isPlaceholder(toDelete[0]!, placeholder)) toDelete = [];
      else toCreate.push(placeholder);
    }
    // Topology hints are not computed; slices carry none.
    for (const s of [...toCreate, ...toUpdate]) for (const ep of s.endpoints) delete ep.hints;

    await this.finalize(svc, toCreate, toUpdate, toDelete, triggerTime);
    if (errors.length === 1) throw new Error(errors[0]);
    if (errors.length > 1) throw new Error(`[${errors.join(', ')}]`);
  }

  private isPlaceholder(existing: V1EndpointSlice, placeholder: V1EndpointSlice): boolean {
    if (existing.metadata?.namespace !== placeholder.metadata?.namespace) return false;
    const a = existing.metadata?.labels ?? {};
    const b = placeholder.metadata?.labels ?? {};
    if (Object.keys(a).length !== Object.keys(b).length || Object.keys(a).some((k) => a[k] !== b[k])) return false;
    return existing.addressType === placeholder.addressType && (existing.endpoints ?? []).length === 0 && (existing.ports ?? []).length === 0;
  }

  private reconcileByPortMapping(
    svc: V1Service,
    existing: V1EndpointSlice[],
    desired: Map<string, V1Endpoint>,
    ports: DiscoveryEndpointPort[],
    addressType: AddressType,
  ): { create: V1EndpointSlice[]; update: V1EndpointSlice[]; del: V1EndpointSlice[] } {
    const byName = new Map<string, V1EndpointSlice>();
    const unchanged = new Set<string>();
    const update = new Set<string>();
    const del = new Set<string>();
    // 1. Keep the endpoints still desired (updated), drop the others.
    for (const s of existing) {
      const name = s.metadata?.name ?? '';
      byName.set(name, s);
      const kept: V1Endpoint[] = [];
      let changed = false;
      for (const ep of s.endpoints ?? []) {
        const k = endpointKey(ep);
        const got = desired.get(k);
        if (got) {
          kept.push(got);
          if (!endpointsEqualBeyondHash(got, ep)) changed = true;
          desired.delete(k);
        }
      }
      const [labels, labelsChanged] = sliceLabels(s, svc);
      if (changed || kept.length !== (s.endpoints ?? []).length) {
        if (kept.length === 0) del.add(name);
        else {
          byName.set(name, this.copySlice(s, { endpoints: kept, labels }));
          update.add(name);
        }
      } else if (labelsChanged) {
        byName.set(name, this.copySlice(s, { labels }));
        update.add(name);
      } else unchanged.add(name);
    }
    const pending = [...desired.values()];
    // 2. Fill the slices being updated anyway, fullest first.
    if (pending.length > 0 && update.size > 0) {
      const slices = [...update].map((n) => byName.get(n)!).sort((a, b) => b.endpoints.length - a.endpoints.length);
      for (const s of slices) while (pending.length > 0 && s.endpoints.length < this.maxPerSlice) s.endpoints.push(pending.shift()!);
    }
    // 3. Then an unchanged slice the rest fits in best, or new slices.
    const create: V1EndpointSlice[] = [];
    while (pending.length > 0) {
      let fill: V1EndpointSlice | undefined;
      if (pending.length < this.maxPerSlice && unchanged.size > 0) {
        let closest = this.maxPerSlice;
        for (const n of unchanged) {
          const s = byName.get(n)!;
          const diff = this.maxPerSlice - (pending.length + s.endpoints.length);
          if (diff >= 0 && diff < closest) {
            closest = diff;
            fill = s;
            if (diff === 0) break;
          }
        }
      }
      if (!fill) fill = newSlice(svc, ports, addressType);
      else {
        fill = this.copySlice(fill, {});
        byName.set(fill.metadata!.name!, fill);
      }
      while (pending.length > 0 && fill.endpoints.length < this.maxPerSlice) fill.endpoints.push(pending.shift()!);
      if (fill.metadata?.name) {
        update.add(fill.metadata.name);
        unchanged.delete(fill.metadata.name);
      } else create.push(fill);
    }
    return { create, update: [...update].map((n) => byName.get(n)!), del: [...del].map((n) => byName.get(n)!) };
  }

  /** A plain copy of a cached slice, safe to modify and send. */
  private copySlice(s: V1EndpointSlice, change: { endpoints?: V1Endpoint[]; labels?: Record<string, string> }): V1EndpointSlice {
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        ...s.metadata,
        labels: change.labels ?? { ...(s.metadata?.labels ?? {}) },
        annotations: s.metadata?.annotations ? { ...s.metadata.annotations } : undefined,
      },
      addressType: s.addressType,
      endpoints: change.endpoints ?? [...(s.endpoints ?? [])],
      ports: s.ports ?? [],
    };
  }

  private async finalize(
    svc: V1Service,
    toCreate: V1EndpointSlice[],
    toUpdate: V1EndpointSlice[],
    toDelete: V1EndpointSlice[],
    triggerTime: number | undefined,
  ): Promise<void> {
    const namespace = svc.metadata!.namespace!;
    const name = svc.metadata!.name!;
    const discovery = this.ctx.clients.discovery;
    // Creates become updates of slices that would otherwise be deleted.
    for (let i = 0; i < toDelete.length && toCreate.length > 0; ) {
      const del = toDelete[i]!;
      const slice = toCreate[toCreate.length - 1]!;
      if (del.addressType === slice.addressType && ownedBy(del, svc)) {
        slice.metadata = { ...slice.metadata, name: del.metadata?.name };
        toCreate.pop();
        toUpdate.push(slice);
        toDelete.splice(i, 1);
      } else i++;
    }
    const annotate = (s: V1EndpointSlice) => {
      const a: Record<string, string> = { ...(s.metadata?.annotations ?? {}) };
      if (triggerTime !== undefined) a[LAST_CHANGE_TRIGGER_TIME] = formatTriggerTime(triggerTime);
      else delete a[LAST_CHANGE_TRIGGER_TIME];
      s.metadata = { ...s.metadata, annotations: Object.keys(a).length > 0 ? a : undefined };
    };
    // No new slices for a service being deleted (the garbage collector is removing them).
    if (!svc.metadata?.deletionTimestamp) {
      for (const s of toCreate) {
        annotate(s);
        try {
          const created = await discovery.createNamespacedEndpointSlice({ namespace, body: s });
          this.tracker.update(created);
        } catch (err) {
          if (statusCode(err) === 403 && describeError(err).includes('because it is being terminated')) return;
          throw new Error(`failed to create EndpointSlice for Service ${namespace}/${name}: ${errorText(err)}`);
        }
      }
    }
    for (const s of toUpdate) {
      annotate(s);
      try {
        const updated = await discovery.replaceNamespacedEndpointSlice({ name: s.metadata!.name!, namespace, body: s });
        this.tracker.update(updated);
      } catch (err) {
        throw new Error(`failed to update ${s.metadata?.name} EndpointSlice for Service ${namespace}/${name}: ${errorText(err)}`);
      }
    }
    for (const s of toDelete) {
      try {
        await this.deleteSlice(svc, s);
      } catch (err) {
        throw new Error(`failed to delete ${s.metadata?.name} EndpointSlice for Service ${namespace}/${name}: ${errorText(err)}`);
      }
    }
  }
}
