// What the Endpoints and EndpointSlice controllers share, after k8s.io/endpointslice/util
// (controller_utils.go, trigger_time_tracker.go) and pkg/api/v1/pod: which pods belong in a
// service's endpoints, which services a pod change concerns, port lookup, and the
// `endpoints.kubernetes.io/last-change-trigger-time` bookkeeping.
import type { V1Pod, V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { Informer } from '../client/informer.ts';
import { epochMs, rfc3339 } from '../client/time.ts';

/** v1.EndpointsLastChangeTriggerTime */
export const LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
/** v1.IsHeadlessService */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

export function key(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

export function splitKey(k: string): [string, string] {
  const i = k.indexOf('/');
  return [k.slice(0, i), k.slice(i + 1)];
}

/** The service's selector, or undefined when it has none (a nil selector selects nothing, not everything). */
export function serviceSelector(svc: V1Service): Record<string, string> | undefined {
  const sel = svc.spec?.selector;
  // An empty selector does not survive a round trip through the API (omitempty), so it is no selector.
  if (!sel || Object.keys(sel).length === 0) return undefined;
  return sel;
}

export function selectorMatches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels?.[k] !== v) return false;
  return true;
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function isPodTerminal(pod: V1Pod): boolean {
  return pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
}

/** ShouldPodBeInEndpoints: not terminal, has an IP, and (unless includeTerminating) not being deleted. */
export function shouldPodBeInEndpoints(pod: V1Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && !(pod.status?.podIPs?.length ?? 0)) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** ShouldSetHostname: the pod names a hostname and its subdomain is this service (same namespace). */
export function shouldSetHostname(pod: V1Pod, svc: V1Service): boolean {
  return !!pod.spec?.hostname && pod.spec?.subdomain === svc.metadata?.name && svc.metadata?.namespace === pod.metadata?.namespace;
}

/** helper.IsServiceIPSet */
export function isServiceIPSet(svc: V1Service): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

/**
 * FindPort: a numeric targetPort is used as is; a named one is looked up among the containers'
 * ports (then restartable init containers') with the service port's protocol.
 */
export function findPort(pod: V1Pod, svcPort: V1ServicePort): number | undefined {
  const target = svcPort.targetPort as unknown;
  const protocol = svcPort.protocol ?? 'TCP';
  if (typeof target === 'number') return target;
  if (typeof target === 'string') {
    if (/^\d+$/.test(target)) return Number(target);
    for (const c of pod.spec?.containers ?? []) {
      for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
    for (const c of pod.spec?.initContainers ?? []) {
      if (c.restartPolicy !== 'Always') continue;
      for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
    return undefined;
  }
  // No targetPort: the API server defaults it to the port.
  return svcPort.port;
}

/** The service keys whose selector matches these labels in this namespace. */
export function servicesForLabels(services: Informer<V1Service>, namespace: string, labels: Record<string, string> | undefined): Set<string> {
  const out = new Set<string>();
  for (const svc of services.list(namespace)) {
    const sel = serviceSelector(svc);
    if (sel && selectorMatches(sel, labels ?? {})) out.add(key(svc.metadata?.namespace, svc.metadata?.name));
  }
  return out;
}

function readyTime(pod: V1Pod): number | undefined {
  return epochMs(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime as Date | string | undefined);
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ak = Object.keys(a ?? {});
  if (ak.length !== Object.keys(b ?? {}).length) return false;
  return ak.every((k) => a![k] === b?.[k]);
}

/**
 * podEndpointsChanged: [whether the pod changed in a way that changes its endpoint, whether it
 * changed in a way that changes which services it belongs to].
 */
export function podEndpointsChanged(oldPod: V1Pod, newPod: V1Pod): [boolean, boolean] {
  const labelsChanged =
    !sameLabels(oldPod.metadata?.labels, newPod.metadata?.labels) ||
    oldPod.spec?.hostname !== newPod.spec?.hostname ||
    oldPod.spec?.subdomain !== newPod.spec?.subdomain;
  if (epochMs(oldPod.metadata?.deletionTimestamp) !== epochMs(newPod.metadata?.deletionTimestamp)) return [true, labelsChanged];
  if (isPodReady(oldPod) !== isPodReady(newPod)) return [true, labelsChanged];
  const a = oldPod.status?.podIPs ?? [];
  const b = newPod.status?.podIPs ?? [];
  if (a.length !== b.length || a.some((ip, i) => ip.ip !== b[i]?.ip)) return [true, labelsChanged];
  // Terminal phases take a pod out of the endpoints too (the phase is not compared upstream, where a
  // terminal pod's readiness changes at the same moment; the hollow kubelet may report them apart).
  if (isPodTerminal(oldPod) !== isPodTerminal(newPod)) return [true, labelsChanged];
  return [false, labelsChanged];
}

/** GetServicesToUpdateOnPodChange, with the previous state of the pod as this controller last saw it. */
export function servicesToUpdateOnPodChange(services: Informer<V1Service>, oldPod: V1Pod | undefined, newPod: V1Pod): Set<string> {
  const ns = newPod.metadata?.namespace ?? '';
  if (!oldPod) return servicesForLabels(services, ns, newPod.metadata?.labels);
  if (oldPod.metadata?.resourceVersion === newPod.metadata?.resourceVersion) return new Set();
  const [podChanged, labelsChanged] = podEndpointsChanged(oldPod, newPod);
  if (!podChanged && !labelsChanged) return new Set();
  const current = servicesForLabels(services, ns, newPod.metadata?.labels);
  if (!labelsChanged) return current;
  const old = servicesForLabels(services, ns, oldPod.metadata?.labels);
  if (podChanged) return new Set([...current, ...old]);
  // Only the labels changed: the services gained or lost (the symmetric difference).
  const out = new Set<string>();
  for (const k of current) if (!old.has(k)) out.add(k);
  for (const k of old) if (!current.has(k)) out.add(k);
  return out;
}

interface ServiceState {
  serviceTime: number;
  podTimes: Map<string, number>;
}

/**
 * TriggerTimeTracker: the time of the earliest change (a pod's Ready transition, or the service's
 * creation) not yet reflected in the endpoints, exported as the last-change-trigger-time annotation.
 */
export class TriggerTimeTracker {
  private readonly states = new Map<string, ServiceState>();

  /** The trigger time to export, or undefined for none. */
  compute(svc: V1Service, pods: readonly V1Pod[]): number | undefined {
    const k = key(svc.metadata?.namespace, svc.metadata?.name);
    const state = this.states.get(k);
    let min: number | undefined;
    const podTimes = new Map<string, number>();
    for (const pod of pods) {
      const t = readyTime(pod);
      if (t === undefined) continue;
      const name = pod.metadata?.name ?? '';
      podTimes.set(name, t);
      if (t > (state?.podTimes.get(name) ?? -Infinity) && (min === undefined || t < min)) min = t;
    }
    const serviceTime = epochMs(svc.metadata?.creationTimestamp) ?? 0;
    if (serviceTime > (state?.serviceTime ?? -Infinity) && (min === undefined || serviceTime < min)) min = serviceTime;
    this.states.set(k, { serviceTime, podTimes });
    if (!state) return serviceTime;
    return min;
  }

  delete(namespace: string, name: string): void {
    this.states.delete(key(namespace, name));
  }
}

/** time.RFC3339Nano of a metav1.Time (whole seconds): `2006-01-02T15:04:05Z`. */
export function formatTriggerTime(ms: number): string {
  return rfc3339(ms);
}

/**
 * The service and pod handlers both endpoint controllers register: a service change queues that
 * service; a pod change queues the services selecting the pod (before and after the change).
 */
export function queueServicesOnChanges(
  services: Informer<V1Service>,
  pods: Informer<V1Pod>,
  queueService: (key: string) => void,
  queueServices: (keys: Set<string>) => void,
): void {
  const onService = (svc: V1Service) => queueService(key(svc.metadata?.namespace, svc.metadata?.name));
  services.on('add', onService);
  services.on('update', onService);
  services.on('delete', onService);
  const onPodAddedOrGone = (pod: V1Pod) => queueServices(servicesForLabels(services, pod.metadata?.namespace ?? '', pod.metadata?.labels));
  pods.on('add', onPodAddedOrGone);
  pods.on('update', (pod, old) => queueServices(servicesToUpdateOnPodChange(services, old, pod)));
  pods.on('delete', onPodAddedOrGone);
}
