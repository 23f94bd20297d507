// The Endpoints controller (kube-controller-manager's endpoints-controller,
// pkg/controller/endpoint/endpoints_controller.go): for every Service with a selector, an Endpoints
// object of the same name whose subsets list the matching pods' IPs — ready pods in `addresses`, the
// others in `notReadyAddresses` (all in `addresses` with publishNotReadyAddresses) — with each
// service port resolved against the pod (a named targetPort through the containers' ports), in
// RepackSubsets' canonical form, the service's labels (plus service.kubernetes.io/headless for
// headless services), the last-change-trigger-time annotation, and at most 1000 addresses
// (endpoints.kubernetes.io/over-capacity: truncated). Services without a selector (the `kubernetes`
// service among them) are left to whoever writes their Endpoints.
import type { V1EndpointAddress, CoreV1EndpointPort as V1EndpointPort, V1EndpointSubset, V1Endpoints, V1Pod, V1Service } from '@kubernetes/client-node';
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
import { repackSubsets } from './endpoints-repack.ts';

/** maxCapacity: the most addresses an Endpoints object holds. */
export const MAX_ENDPOINTS_CAPACITY = 1000;
/** v1.EndpointsOverCapacity */
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';
/** resourcelock.LeaderElectionRecordAnnotationKey */
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';
const MAX_RETRIES = 15;
const WORKERS = 5;

export interface EndpointsControllerOptions {
  /** --endpoint-updates-batch-period: delay of syncs triggered by pod changes (default 0). */
  batchPeriodMs?: number;
  workers?: number;
}

/** The JSON of an address list as compared (targetRef.resourceVersion ignored, as upstream). */
function normalizeAddresses(list: V1EndpointAddress[] | undefined): unknown {
  if (!list || list.length === 0) return undefined;
  return list.map((a) => ({
    ip: a.ip,
    hostname: a.hostname || undefined,
    nodeName: a.nodeName ?? undefined,
    targetRef: a.targetRef
      ? {
          kind: a.targetRef.kind,
          namespace: a.targetRef.namespace,
          name: a.targetRef.name,
          uid: a.targetRef.uid,
          apiVersion: a.targetRef.apiVersion || undefined,
          fieldPath: a.targetRef.fieldPath || undefined,
        }
      : undefined,
  }));
}

function normalizeSubsets(subsets: V1EndpointSubset[] | undefined): string {
  return JSON.stringify(
    (subsets ?? []).map((s) => ({
      addresses: normalizeAddresses(s.addresses),
      notReadyAddresses: normalizeAddresses(s.notReadyAddresses),
      ports: (s.ports ?? []).map((p) => ({ name: p.name || undefined, port: p.port, protocol: p.protocol ?? 'TCP', appProtocol: p.appProtocol ?? undefined })),
    })),
  );
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ak = Object.keys(a ?? {});
  return ak.length === Object.keys(b ?? {}).length && ak.every((k) => a![k] === b?.[k]);
}

function countAddresses(subsets: V1EndpointSubset[] | undefined): number {
  return (subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
}

/** capacityAnnotationSetCorrectly */
function capacityAnnotationSetCorrectly(annotations: Record<string, string> | undefined, subsets: V1EndpointSubset[] | undefined): boolean {
  if (countAddresses(subsets) > MAX_ENDPOINTS_CAPACITY) return false;
  return !(annotations && OVER_CAPACITY_ANNOTATION in annotations);
}

/**
 * truncateEndpoints: keep at most 1000 addresses, spread over the subsets in proportion to their
 * size, ready ones first (not-ready ones are dropped entirely when the ready ones alone exceed it).
 */
export function truncateSubsets(subsets: V1EndpointSubset[]): boolean {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= MAX_ENDPOINTS_CAPACITY) return false;
  let truncateReady = false;
  let max = MAX_ENDPOINTS_CAPACITY - totalReady;
  let numTotal = totalNotReady;
  if (totalReady > MAX_ENDPOINTS_CAPACITY) {
    truncateReady = true;
    max = MAX_ENDPOINTS_CAPACITY;
    numTotal = totalReady;
  }
  let canBeAdded = max;
  for (const s of subsets) {
    const inSubset = truncateReady ? (s.addresses?.length ?? 0) : (s.notReadyAddresses?.length ?? 0);
    let toBeAdded = Math.ceil((inSubset / numTotal) * max);
    if (toBeAdded > canBeAdded) toBeAdded = canBeAdded;
    if (truncateReady) {
      if (s.addresses && s.addresses.length > toBeAdded) s.addresses = s.addresses.slice(0, toBeAdded);
      s.notReadyAddresses = [];
      canBeAdded -= s.addresses?.length ?? 0;
    } else {
      if (s.notReadyAddresses && s.notReadyAddresses.length > toBeAdded) s.notReadyAddresses = s.notReadyAddresses.slice(0, toBeAdded);
      canBeAdded -= s.notReadyAddresses?.length ?? 0;
    }
  }
  return true;
}

/** podToEndpointAddressForService (IPv4 clusters: the pod's first IP of the service's family). */
function podAddress(svc: V1Service, pod: V1Pod): V1EndpointAddress | undefined {
  const family = svc.spec?.ipFamilies?.[0] ?? (svc.spec?.clusterIP?.includes(':') ? 'IPv6' : 'IPv4');
  const ips = pod.status?.podIPs?.length ? pod.status.podIPs.map((p) => p.ip) : pod.status?.podIP ? [pod.status.podIP] : [];
  const ip = ips.find((i) => (family === 'IPv6') === i.includes(':'));
  if (!ip) return undefined;
  return {
    ip,
    nodeName: pod.spec?.nodeName ?? '',
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
  };
}

/** The desired subsets of a service, repacked. */
export function desiredSubsets(svc: V1Service, pods: readonly V1Pod[]): V1EndpointSubset[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const subsets: V1EndpointSubset[] = [];
  const add = (pod: V1Pod, addr: V1EndpointAddress, port: V1EndpointPort | undefined) => {
    const ports = port ? [port] : [];
    if (publishNotReady || isPodReady(pod)) subsets.push({ addresses: [addr], ports });
    else subsets.push({ notReadyAddresses: [addr], ports });
  };
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const addr = podAddress(svc, pod);
    if (!addr) continue;
    if (shouldSetHostname(pod, svc)) addr.hostname = pod.spec!.hostname;
    const svcPorts = svc.spec?.ports ?? [];
    if (svcPorts.length === 0) {
      // A headless service may have no ports; its addresses are kept as they are (not repacked).
      if (svc.spec?.clusterIP === 'None') add(pod, addr, undefined);
      continue;
    }
    for (const sp of svcPorts) {
      const num = findPort(pod, sp);
      if (num === undefined) continue;
      const port: V1EndpointPort = { name: sp.name ?? '', port: num, protocol: sp.protocol ?? 'TCP' };
      if (sp.appProtocol) port.appProtocol = sp.appProtocol;
      add(pod, addr, port);
    }
  }
  return repackSubsets(subsets);
}

export class EndpointsController implements Controller {
  private readonly pods: Informer<V1Pod>;
  private readonly services: Informer<V1Service>;
  private readonly endpoints: Informer<V1Endpoints>;
  private readonly queue = new WorkQueue<string>({ name: 'endpoint' });
  private readonly recorder: EventRecorder;
  private readonly triggerTimes = new TriggerTimeTracker();
  /** Resource versions this controller replaced: a cached Endpoints still at one of them is stale. */
  private readonly staleVersions = new Map<string, string>();
  /** The last version of each pod seen, to compare updates against (the informer passes only the new one). */
  private readonly batchMs: number;
  private running?: Promise<void>;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly opts: EndpointsControllerOptions = {},
  ) {
    this.batchMs = opts.batchPeriodMs ?? 0;
    this.recorder = new EventRecorder(ctx.clients.core, { component: 'endpoint-controller', style: 'legacy' });
    this.services = ctx.informers.get('services');
    this.pods = ctx.informers.get('pods');
    this.endpoints = ctx.informers.get('endpoints');
    queueServicesOnChanges(this.services, this.pods, (k) => this.queue.add(k), (keys) => this.enqueuePodServices(keys));
    this.endpoints.on('delete', (ep) => this.queue.add(key(ep.metadata?.namespace, ep.metadata?.name)));
  }

  private enqueuePodServices(keys: Set<string>): void {
    for (const k of keys) this.queue.addAfter(k, this.batchMs);
  }

  async start(): Promise<void> {
    await Promise.all([this.pods.synced, this.services.synced, this.endpoints.synced]);
    this.running = this.queue.run(this.opts.workers ?? WORKERS, (k) => this.syncWithRetries(k));
    // checkLeftoverEndpoints: Endpoints whose service is gone are deleted by the first sync of their key.
    for (const ep of this.endpoints.list()) {
      if (ep.metadata?.annotations?.[LEADER_ANNOTATION] !== undefined) continue;
      this.queue.add(key(ep.metadata?.namespace, ep.metadata?.name));
    }
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
    await this.recorder.close();
  }

  /** handleErr: a failed key is retried with back-off up to 15 times, then dropped until its next change. */
  private async syncWithRetries(k: string): Promise<void> {
    try {
      await this.sync(k);
    } catch (err) {
      if (this.queue.retries(k) < MAX_RETRIES) throw err;
      this.ctx.log(`endpoints-controller: dropping service ${k} out of the queue: ${describeError(err)}`);
    }
  }

  private async sync(k: string): Promise<void> {
    const [namespace, name] = splitKey(k);
    const core = this.ctx.clients.core;
    const svc = this.services.get(name, namespace);
    if (!svc) {
      // The service is gone: so is its Endpoints.
      try {
        await core.deleteNamespacedEndpoints({ name, namespace });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      this.triggerTimes.delete(namespace, name);
      this.staleVersions.delete(k);
      return;
    }
    if (svc.spec?.type === 'ExternalName') return;
    const selector = serviceSelector(svc);
    if (!selector) return;
    const pods = this.pods.list(namespace).filter((p) => selectorMatches(selector, p.metadata?.labels));
    const triggerTime = this.triggerTimes.compute(svc, pods);
    const subsets = desiredSubsets(svc, pods);

    const current = this.endpoints.get(name, namespace);
    if (current && this.staleVersions.get(k) === current.metadata?.resourceVersion) {
      throw new Error(`endpoints informer cache is out of date, resource version ${current.metadata?.resourceVersion} already processed for endpoints ${k}`);
    }
    const create = !current;
    const svcLabels = svc.metadata?.labels;
    if (current) {
      const compareLabels = { ...(current.metadata?.labels ?? {}) };
      delete compareLabels[HEADLESS_LABEL];
      if (
        normalizeSubsets(current.subsets) === normalizeSubsets(subsets) &&
        sameMap(compareLabels, svcLabels) &&
        capacityAnnotationSetCorrectly(current.metadata?.annotations, current.subsets)
      ) {
        return;
      }
    }
    const annotations: Record<string, string> = { ...(current?.metadata?.annotations ?? {}) };
    if (triggerTime !== undefined) annotations[LAST_CHANGE_TRIGGER_TIME] = formatTriggerTime(triggerTime);
    else delete annotations[LAST_CHANGE_TRIGGER_TIME];
    if (truncateSubsets(subsets)) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated';
    else delete annotations[OVER_CAPACITY_ANNOTATION];
    const labels: Record<string, string> = { ...(svcLabels ?? {}) };
    if (!isServiceIPSet(svc)) labels[HEADLESS_LABEL] = '';
    else delete labels[HEADLESS_LABEL];

    const body: V1Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        ...(current?.metadata ?? {}),
        name,
        namespace,
        labels: Object.keys(labels).length > 0 ? labels : undefined,
        annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
      },
      subsets,
    };
    try {
      if (create) {
        await core.createNamespacedEndpoints({ namespace, body });
      } else {
        const updated = await core.replaceNamespacedEndpoints({ name, namespace, body });
        if (updated.metadata?.resourceVersion !== current.metadata?.resourceVersion) {
          this.staleVersions.set(k, current.metadata?.resourceVersion ?? '');
        }
      }
    } catch (err) {
      // A terminating namespace refuses new objects (403 with cause NamespaceTerminating): drop the key.
      if (create && statusCode(err) === 403 && describeError(err).includes('because it is being terminated')) return;
      const ref = { kind: 'Endpoints', apiVersion: 'v1', namespace, name, uid: current?.metadata?.uid, resourceVersion: current?.metadata?.resourceVersion };
      if (create) this.recorder.event(ref, 'Warning', 'FailedToCreateEndpoint', `Failed to create endpoint for service ${namespace}/${name}: ${errorText(err)}`);
      else this.recorder.event(ref, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${namespace}/${name}: ${errorText(err)}`);
      throw err;
    }
  }
}

/** The message of an API error as Go's err.Error() gives it. */
export function errorText(err: unknown): string {
  const d = describeError(err);
  return d.replace(/^\d{3}: /, '');
}
