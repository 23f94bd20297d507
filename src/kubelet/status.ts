// A pod's status generated from what its worker knows, the way pkg/kubelet/kubelet_pods.go and
// pkg/kubelet/status/generate.go do it: phase (getPhase), the kubelet-owned conditions with their
// reasons and transition times, and the container statuses.
import type { V1Pod } from '@kubernetes/client-node';
import { epochMs, rfc3339 } from '../client/time.ts';
import type { Container, Terminated } from './container.ts';

type Json = Record<string, unknown>;

/** The worker's state the status is made of. */
export interface PodState {
  pod: V1Pod;
  initContainers: readonly Container[];
  containers: readonly Container[];
  sandboxReady: boolean;
  initialized: boolean;
  /** All containers are down for good. */
  done: boolean;
  podIP?: string;
  hostIP: string;
  startTime?: number;
}

const CONDITION_ORDER = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'] as const;

/** Go's %s of a []string: `[a b]`. */
function goList(names: string[]): string {
  return `[${names.join(' ')}]`;
}

/** The kubelet-owned conditions' last transition times, kept across status generations. */
export class PodConditions {
  private readonly since = new Map<string, { status: string; since: string }>();

  constructor(pod: V1Pod) {
    for (const c of pod.status?.conditions ?? []) {
      const t = epochMs(c.lastTransitionTime);
      if (t !== undefined) this.since.set(c.type, { status: c.status, since: rfc3339(t) });
    }
  }

  condition(pod: V1Pod, type: string, status: string, reason?: string, message?: string): Json {
    const prev = this.since.get(type);
    const since = prev && prev.status === status ? prev.since : rfc3339();
    this.since.set(type, { status, since });
    const c: Json = { type, status, lastProbeTime: null, lastTransitionTime: since };
    if (pod.metadata?.generation !== undefined) c.observedGeneration = pod.metadata.generation;
    if (reason) c.reason = reason;
    if (message) c.message = message;
    return c;
  }
}

function terminatedJson(x: Terminated): Json {
  const o: Json = { exitCode: x.exitCode, reason: x.reason };
  if (x.containerID) o.containerID = x.containerID;
  if (x.message) o.message = x.message;
  o.startedAt = x.startedAt !== undefined ? rfc3339(x.startedAt) : null;
  o.finishedAt = rfc3339(x.finishedAt);
  return o;
}

export function containerStatus(c: Container): Json {
  let state: Json;
  if (c.state === 'running') state = { running: { startedAt: rfc3339(c.startedAt) } };
  else if (c.state === 'terminated' && c.terminated) state = { terminated: terminatedJson(c.terminated) };
  else state = { waiting: c.waitingMessage ? { reason: c.waitingReason, message: c.waitingMessage } : { reason: c.waitingReason } };
  const out: Json = {
    name: c.spec.name,
    state,
    lastState: c.lastTerminated ? { terminated: terminatedJson(c.lastTerminated) } : {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.containerID && c.image ? c.image.ref : (c.spec.image ?? ''),
    imageID: c.containerID && c.image ? c.image.id : '',
    started: c.started,
  };
  if (c.containerID) out.containerID = c.containerID;
  const mounts = c.spec.volumeMounts ?? [];
  if (mounts.length > 0) {
    out.volumeMounts = mounts.map((m) => {
      const v: Json = { name: m.name, mountPath: m.mountPath };
      if (m.readOnly) {
        v.readOnly = true;
        v.recursiveReadOnly = 'Disabled';
      }
      return v;
    });
  }
  return out;
}

/** getPhase (pkg/kubelet/kubelet_pods.go). */
export function podPhase(s: PodState): string {
  const policy = s.pod.spec?.restartPolicy ?? 'Always';
  let pendingInit = 0;
  let failedInit = 0;
  for (const c of s.initContainers) {
    if (c.sidecar) {
      if (!c.started && !s.initialized) pendingInit++;
      continue;
    }
    if (c.state === 'running') pendingInit++;
    else if (c.state === 'terminated') {
      if ((c.terminated?.exitCode ?? 0) !== 0) failedInit++;
    } else if (c.lastTerminated) {
      if (c.lastTerminated.exitCode !== 0) failedInit++;
    } else pendingInit++;
  }
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of s.containers) {
    if (c.state === 'running') running++;
    else if (c.state === 'terminated') {
      stopped++;
      if ((c.terminated?.exitCode ?? 0) === 0) succeeded++;
    } else if (c.lastTerminated) stopped++;
    else waiting++;
  }
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  if (pendingInit > 0) return 'Pending';
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (s.done) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

/** The whole pod status as the kubelet would write it now. */
export function podStatus(s: PodState, conditions: PodConditions): Json {
  const pod = s.pod;
  const cond = (type: string, status: string, reason?: string, message?: string) => conditions.condition(pod, type, status, reason, message);
  const phase = podPhase(s);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const initStatuses = s.initContainers.map(containerStatus);
  const statuses = s.containers.map(containerStatus);

  const conds: Json[] = [];
  conds.push(cond('PodReadyToStartContainers', s.sandboxReady && !s.done ? 'True' : 'False'));

  // Initialized
  const incomplete = s.initContainers.filter((c) => (c.sidecar ? !c.started : !c.ready)).map((c) => c.spec.name);
  const anyRegularStarted = s.containers.some((c) => c.state !== 'waiting' || c.lastTerminated !== undefined);
  if (phase === 'Succeeded') conds.push(cond('Initialized', 'True', 'PodCompleted'));
  else if (incomplete.length === 0 || anyRegularStarted) conds.push(cond('Initialized', 'True'));
  else conds.push(cond('Initialized', 'False', 'ContainersNotInitialized', `containers with incomplete status: ${goList(incomplete)}`));

  // ContainersReady, then Ready (which follows it unless readiness gates hold it back)
  let ready: [string, string?, string?];
  if (terminal) ready = ['False', phase === 'Failed' ? 'PodFailed' : 'PodCompleted'];
  else {
    const unready = [...s.initContainers.filter((c) => c.sidecar), ...s.containers].filter((c) => !c.ready).map((c) => c.spec.name);
    ready = unready.length > 0 ? ['False', 'ContainersNotReady', `containers with unready status: ${goList(unready)}`] : ['True'];
  }
  let podReady = ready;
  if (ready[0] === 'True') {
    const gates: string[] = [];
    for (const g of pod.spec?.readinessGates ?? []) {
      const c = pod.status?.conditions?.find((x) => x.type === g.conditionType);
      if (!c) gates.push(`corresponding condition of pod readiness gate "${g.conditionType}" does not exist.`);
      else if (c.status !== 'True') gates.push(`the status of pod readiness gate "${g.conditionType}" is not "True", but ${c.status}`);
    }
    if (gates.length > 0) podReady = ['False', 'ReadinessGatesNotReady', gates.join(', ')];
  }
  conds.push(cond('Ready', ...podReady));
  conds.push(cond('ContainersReady', ...ready));
  conds.push(cond('PodScheduled', 'True'));
  // Conditions other components own (readiness gates, disruption targets) stay as they are.
  const owned = new Set<string>(CONDITION_ORDER);
  for (const c of pod.status?.conditions ?? []) {
    if (owned.has(c.type)) continue;
    const o: Json = { type: c.type, status: c.status };
    o.lastProbeTime = c.lastProbeTime ? rfc3339(epochMs(c.lastProbeTime)) : null;
    o.lastTransitionTime = c.lastTransitionTime ? rfc3339(epochMs(c.lastTransitionTime)) : null;
    if (c.reason) o.reason = c.reason;
    if (c.message) o.message = c.message;
    if (c.observedGeneration !== undefined) o.observedGeneration = c.observedGeneration;
    conds.unshift(o);
  }

  const out: Json = { phase, conditions: conds };
  if (s.hostIP) {
    out.hostIP = s.hostIP;
    out.hostIPs = [{ ip: s.hostIP }];
  }
  if (s.podIP) {
    out.podIP = s.podIP;
    out.podIPs = [{ ip: s.podIP }];
  }
  if (s.startTime !== undefined) out.startTime = rfc3339(s.startTime);
  if (initStatuses.length > 0) out.initContainerStatuses = initStatuses;
  out.containerStatuses = statuses;
  if (pod.metadata?.generation !== undefined) out.observedGeneration = pod.metadata.generation;
  return out;
}
