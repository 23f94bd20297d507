// One pod on one node, driven through the kubelet's lifecycle by the hollow runtime:
// sandbox and IP → init containers one by one → regular containers in order (pull, create, start) →
// running, ready, exiting and restarting per restartPolicy with CrashLoopBackOff → on deletion,
// stop within the grace period, report the terminal phase, delete with grace 0.
//
// Status is generated from the worker's state the way pkg/kubelet/kubelet_pods.go and
// pkg/kubelet/status/generate.go do (phase, conditions and their reasons, container statuses); the
// agent batches the writes (see agent.ts).
import type { V1Container, V1Pod, V1Probe } from '@kubernetes/client-node';
import type { EventRecorder } from '../client/events.ts';
import { objectRef } from '../client/events.ts';
import { epochMs, goDuration, rfc3339 } from '../client/time.ts';
import { containerBehaviour, type ContainerBehaviour } from './behaviour.ts';
import { type ImageStore, type ResolvedImage, type RuntimeTimings, newContainerID, pullDurationMs, resolveImage } from './runtime/hollow.ts';

/** What a pod worker needs from its node agent. */
export interface PodHost {
  readonly nodeName: string;
  readonly timings: RuntimeTimings;
  readonly images: ImageStore;
  readonly recorder: EventRecorder;
  /** Resolves once the node has a pod CIDR (the network is ready). */
  networkReady(): Promise<void>;
  allocateIP(uid: string): string;
  /** Keep an address the pod already had (agent restart). */
  reserveIP(uid: string, ip: string): void;
  releaseIP(uid: string): void;
  hostIP(): string;
  /** Schedule a status write for this pod. */
  statusChanged(worker: PodWorker): void;
  /** Write the status now and then delete the pod with grace 0. */
  finishDeletion(worker: PodWorker): void;
}

type Json = Record<string, unknown>;

interface Terminated {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt?: number;
  finishedAt: number;
  containerID?: string;
}

interface Backoff {
  durationMs: number;
  lastUpdate: number;
}

class Container {
  state: 'waiting' | 'running' | 'terminated' = 'waiting';
  waitingReason = 'ContainerCreating';
  waitingMessage?: string;
  startedAt?: number;
  terminated?: Terminated;
  lastTerminated?: Terminated;
  restartCount = 0;
  containerID?: string;
  image?: ResolvedImage;
  ready = false;
  started = false;
  backoff?: Backoff;
  behaviour: ContainerBehaviour;
  /** Bumped on every start, so timers of an earlier run cannot act on a later one. */
  run = 0;

  constructor(
    readonly spec: V1Container,
    readonly init: boolean,
    pod: V1Pod,
  ) {
    this.behaviour = containerBehaviour(pod, spec.name);
    if (init || (pod.spec?.initContainers ?? []).length > 0) this.waitingReason = 'PodInitializing';
  }

  get sidecar(): boolean {
    return this.init && this.spec.restartPolicy === 'Always';
  }

  get fieldPath(): string {
    return `${this.init ? 'spec.initContainers' : 'spec.containers'}{${this.spec.name}}`;
  }
}

interface ConditionState {
  status: string;
  since: string;
}

const CONDITION_ORDER = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'] as const;

/** Go's %s of a []string: `[a b]`. */
function goList(names: string[]): string {
  return `[${names.join(' ')}]`;
}

export class PodWorker {
  pod: V1Pod;
  readonly uid: string;
  readonly key: string;
  /** JSON of the last status written (the agent skips identical writes). */
  lastWritten?: string;
  private startTime?: number;
  private podIP?: string;
  private sandboxReady = false;
  private readonly initContainers: Container[];
  private readonly containers: Container[];
  private initialized = false;
  private terminating = false;
  /** All containers are down for good: completed, failed, or stopped for deletion. */
  private done = false;
  private deleted = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly conditions = new Map<string, ConditionState>();

  constructor(
    private readonly host: PodHost,
    pod: V1Pod,
  ) {
    this.pod = pod;
    this.uid = pod.metadata?.uid ?? '';
    this.key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    this.initContainers = (pod.spec?.initContainers ?? []).map((c) => new Container(c, true, pod));
    this.containers = (pod.spec?.containers ?? []).map((c) => new Container(c, false, pod));
    for (const c of pod.status?.conditions ?? []) {
      const since = epochMs(c.lastTransitionTime);
      if (since !== undefined) this.conditions.set(c.type, { status: c.status, since: rfc3339(since) });
    }
  }

  get isDone(): boolean {
    return this.done;
  }

  /** Start the pod, or pick up one this node was already running before the agent restarted. */
  start(): void {
    const phase = this.pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      this.done = true;
      this.adoptStatuses();
      return;
    }
    if (phase === 'Running' && this.pod.status?.podIP) {
      this.adopt();
      return;
    }
    void this.run();
  }

  /** A newer version of the pod from the API. */
  update(pod: V1Pod): void {
    this.pod = pod;
    if (pod.metadata?.deletionTimestamp && !this.terminating) this.terminate();
  }

  /** The pod is gone from the API: stop everything, write nothing more. */
  remove(): void {
    this.deleted = true;
    this.terminating = true;
    this.clearTimers();
    this.host.releaseIP(this.uid);
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  private after(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private changed(): void {
    if (!this.deleted) this.host.statusChanged(this);
  }

  private event(c: Container | undefined, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (this.deleted) return;
    this.host.recorder.event(objectRef(this.pod, { apiVersion: 'v1', kind: 'Pod' }, c?.fieldPath), type, reason, message);
  }

  private async run(): Promise<void> {
    this.startTime = Date.now();
    this.changed();
    await this.host.networkReady();
    if (this.terminating) return;
    await this.after(this.host.timings.sandboxMs);
    if (this.terminating) return;
    this.podIP = this.pod.spec?.hostNetwork ? this.host.hostIP() : this.host.allocateIP(this.uid);
    this.sandboxReady = true;
    this.changed();
    await this.runInit(0);
  }

  private async runInit(index: number): Promise<void> {
    if (this.terminating) return;
    const c = this.initContainers[index];
    if (!c) {
      this.initialized = true;
      for (const r of this.containers) r.waitingReason = 'ContainerCreating';
      this.changed();
      await this.startRegular();
      return;
    }
    await this.startContainer(c);
  }

  /** kubelet starts the regular containers one after another in a single sync. */
  private async startRegular(): Promise<void> {
    for (const c of this.containers) {
      if (this.terminating) return;
      await this.startContainer(c);
    }
  }

  private async ensureImage(c: Container): Promise<boolean> {
    const t = this.host.timings;
    const image = resolveImage(c.spec.image ?? '');
    const given = c.spec.image ?? '';
    const policy = c.spec.imagePullPolicy ?? (image.ref.endsWith(':latest') ? 'Always' : 'IfNotPresent');
    const present = this.host.images.has(image.ref);
    if (policy === 'Never' || (policy === 'IfNotPresent' && present)) {
      this.event(c, 'Normal', 'Pulled', `Container image "${given}" already present on machine and can be accessed by the pod`);
      c.image = image;
      return true;
    }
    this.event(c, 'Normal', 'Pulling', `Pulling image "${given}"`);
    // A present image under Always only has its manifest checked again.
    const ms = present ? Math.round(pullDurationMs(t, image) / 4) : pullDurationMs(t, image);
    await this.after(ms);
    if (this.terminating) return false;
    this.host.images.add(image.ref);
    c.image = image;
    const d = goDuration(ms);
    this.event(c, 'Normal', 'Pulled', `Successfully pulled image "${given}" in ${d} (${d} including waiting). Image size: ${image.size} bytes.`);
    return true;
  }

  private async startContainer(c: Container): Promise<void> {
    const t = this.host.timings;
    if (!(await this.ensureImage(c))) return;
    await this.after(t.createMs);
    if (this.terminating) return;
    c.containerID = newContainerID();
    this.event(c, 'Normal', 'Created', 'Container created');
    await this.after(t.startMs);
    if (this.terminating) return;
    c.state = 'running';
    c.startedAt = Date.now();
    c.terminated = undefined;
    c.waitingMessage = undefined;
    this.event(c, 'Normal', 'Started', 'Container started');
    this.onStarted(c);
  }

  private onStarted(c: Container, elapsedMs = 0): void {
    const b = c.behaviour;
    const run = ++c.run;
    const current = () => c.state === 'running' && c.run === run;
    const startupDelay = (c.spec.startupProbe?.initialDelaySeconds ?? 0) * 1000;
    const markStarted = () => {
      if (!current()) return;
      c.started = true;
      if (!c.init || c.sidecar) this.scheduleReadiness(c, Math.max(0, startupDelay - elapsedMs), current);
      this.changed();
      // A sidecar counts as done for the init sequence once it has started.
      if (c.sidecar && !this.initialized) void this.runInit(this.initContainers.indexOf(c) + 1);
    };
    if (startupDelay > elapsedMs) void this.after(startupDelay - elapsedMs).then(markStarted);
    else markStarted();
    if (c.init && !c.sidecar) {
      const runMs = b.exitAfterMs ?? this.host.timings.initRunMs;
      void this.after(Math.max(0, runMs - elapsedMs)).then(() => current() && this.onExit(c, b.exitCode));
    } else if (b.exitAfterMs !== undefined) {
      void this.after(Math.max(0, b.exitAfterMs - elapsedMs)).then(() => current() && this.onExit(c, b.exitCode));
    }
  }

  private scheduleReadiness(c: Container, afterStartupMs: number, current: () => boolean): void {
    const probe = c.spec.readinessProbe;
    if (c.behaviour.failReadiness) {
      if (probe) {
        const delay = Math.min(c.behaviour.readyAfterMs ?? (probe.initialDelaySeconds ?? 0) * 1000, 60_000);
        void this.after(afterStartupMs + delay).then(() => {
          if (current()) this.event(c, 'Warning', 'Unhealthy', `Readiness probe failed: ${this.probeFailure(probe)}`);
        });
      }
      return;
    }
    const delay = c.behaviour.readyAfterMs ?? (probe ? (probe.initialDelaySeconds ?? 0) * 1000 : 0);
    const markReady = () => {
      if (!current() || c.ready) return;
      c.ready = true;
      this.changed();
    };
    if (afterStartupMs + delay === 0) markReady();
    else void this.after(afterStartupMs + delay).then(markReady);
  }

  /** What a failing probe of this kind reports. */
  private probeFailure(probe: V1Probe): string {
    const ip = this.podIP ?? '';
    if (probe.httpGet) {
      const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
      const port = String(probe.httpGet.port);
      return `Get "${scheme}://${ip}:${port}${probe.httpGet.path ?? '/'}": dial tcp ${ip}:${port}: connect: connection refused`;
    }
    if (probe.tcpSocket) return `dial tcp ${ip}:${String(probe.tcpSocket.port)}: connect: connection refused`;
    if (probe.grpc) return `timeout: failed to connect service "${ip}:${probe.grpc.port}" within 1s: context deadline exceeded`;
    return '';
  }

  private onExit(c: Container, exitCode: number): void {
    if (this.terminating || c.state !== 'running') return;
    c.state = 'terminated';
    c.ready = false;
    c.started = false;
    c.terminated = {
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      startedAt: c.startedAt,
      finishedAt: Date.now(),
      containerID: c.containerID,
    };
    // A regular init container that completed is "ready" in its status.
    if (c.init && !c.sidecar && exitCode === 0) c.ready = true;
    this.changed();
    const policy = this.pod.spec?.restartPolicy ?? 'Always';
    if (c.init && !c.sidecar) {
      if (exitCode === 0) {
        void this.runInit(this.initContainers.indexOf(c) + 1);
        return;
      }
      if (policy === 'Never') {
        this.finish();
        return;
      }
      this.scheduleRestart(c);
      return;
    }
    const restart = c.sidecar || policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
    if (restart) {
      this.scheduleRestart(c);
      return;
    }
    if (this.containers.every((x) => x.state === 'terminated')) this.finish();
  }

  /** Restart at once, or wait out the back-off (CrashLoopBackOff) when the last restart was recent. */
  private scheduleRestart(c: Container): void {
    const b = c.backoff;
    const finished = c.terminated?.finishedAt ?? Date.now();
    if (b && finished - b.lastUpdate < b.durationMs) {
      const pod = this.pod.metadata!;
      c.lastTerminated = c.terminated;
      c.terminated = undefined;
      c.state = 'waiting';
      c.ready = false;
      c.waitingReason = 'CrashLoopBackOff';
      c.waitingMessage = `back-off ${goDuration(b.durationMs)} restarting failed container=${c.spec.name} pod=${pod.name}_${pod.namespace}(${pod.uid})`;
      this.changed();
      this.event(c, 'Warning', 'BackOff', `Back-off restarting failed container ${c.spec.name} in pod ${pod.name}_${pod.namespace}(${pod.uid})`);
      void this.after(Math.max(0, b.lastUpdate + b.durationMs - Date.now())).then(() => this.restart(c));
      return;
    }
    void this.restart(c);
  }

  private async restart(c: Container): Promise<void> {
    if (this.terminating) return;
    const t = this.host.timings;
    const now = Date.now();
    const b = c.backoff;
    c.backoff =
      !b || now - b.lastUpdate > 2 * t.backoffMaxMs
        ? { durationMs: t.backoffInitialMs, lastUpdate: now }
        : { durationMs: Math.min(b.durationMs * 2, t.backoffMaxMs), lastUpdate: now };
    if (c.terminated) c.lastTerminated = c.terminated;
    c.terminated = undefined;
    c.restartCount++;
    if (c.state !== 'waiting') {
      c.state = 'waiting';
      c.waitingReason = c.waitingReason === 'CrashLoopBackOff' ? 'CrashLoopBackOff' : 'ContainerCreating';
    }
    await this.startContainer(c);
  }

  /** Every container is down for good (restartPolicy let them finish, or an init container failed under Never). */
  private finish(): void {
    this.done = true;
    this.clearTimers();
    this.host.releaseIP(this.uid);
    this.changed();
  }

  private terminate(): void {
    this.terminating = true;
    this.clearTimers();
    const meta = this.pod.metadata!;
    const graceMs = (meta.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    const running = [...this.initContainers, ...this.containers].filter((c) => c.state === 'running');
    let waitMs = 0;
    for (const c of running) {
      this.event(c, 'Normal', 'Killing', `Stopping container ${c.spec.name}`);
      waitMs = Math.max(waitMs, c.behaviour.ignoreSigterm ? graceMs : Math.min(graceMs, this.host.timings.stopMs));
    }
    const stop = () => {
      const now = Date.now();
      for (const c of [...this.initContainers, ...this.containers]) {
        if (c.state === 'running') {
          const killed = c.behaviour.ignoreSigterm;
          c.terminated = {
            exitCode: killed ? 137 : 0,
            reason: killed ? 'Error' : 'Completed',
            startedAt: c.startedAt,
            finishedAt: now,
            containerID: c.containerID,
          };
        } else if (c.state === 'waiting') {
          c.terminated = c.lastTerminated ?? {
            exitCode: 137,
            reason: 'ContainerStatusUnknown',
            message: 'The container could not be located when the pod was terminated',
            finishedAt: now,
          };
          if (c.lastTerminated) c.lastTerminated = undefined;
        }
        c.state = 'terminated';
        c.ready = false;
        c.started = false;
      }
      this.done = true;
      this.host.releaseIP(this.uid);
      this.host.finishDeletion(this);
    };
    const t = setTimeout(stop, waitMs);
    this.timers.add(t);
    this.changed();
  }

  /** Reuse what the API last heard from this node (agent restart): running containers keep running. */
  private adopt(): void {
    const status = this.pod.status!;
    this.startTime = epochMs(status.startTime) ?? Date.now();
    this.podIP = status.podIP;
    if (this.podIP && !this.pod.spec?.hostNetwork) this.host.reserveIP(this.uid, this.podIP);
    this.sandboxReady = true;
    this.initialized = true;
    this.adoptStatuses();
    const now = Date.now();
    for (const c of this.containers) {
      if (c.state === 'running') this.onStarted(c, now - (c.startedAt ?? now));
      else void this.restart(c);
    }
    this.changed();
  }

  private adoptStatuses(): void {
    const status = this.pod.status ?? {};
    const apply = (list: Container[], statuses: typeof status.containerStatuses) => {
      for (const c of list) {
        const s = statuses?.find((x) => x.name === c.spec.name);
        if (!s) continue;
        c.restartCount = s.restartCount ?? 0;
        c.containerID = s.containerID;
        if (s.imageID) c.image = resolveImage(c.spec.image ?? '');
        c.ready = s.ready ?? false;
        c.started = s.started ?? false;
        const term = (t: { exitCode?: number; reason?: string; message?: string; startedAt?: Date; finishedAt?: Date; containerID?: string } | undefined) =>
          t
            ? {
                exitCode: t.exitCode ?? 0,
                reason: t.reason ?? '',
                message: t.message,
                startedAt: epochMs(t.startedAt),
                finishedAt: epochMs(t.finishedAt) ?? Date.now(),
                containerID: t.containerID,
              }
            : undefined;
        c.lastTerminated = term(s.lastState?.terminated);
        if (s.state?.running) {
          c.state = 'running';
          c.startedAt = epochMs(s.state.running.startedAt) ?? Date.now();
        } else if (s.state?.terminated) {
          c.state = 'terminated';
          c.terminated = term(s.state.terminated);
        }
      }
    };
    apply(this.initContainers, status.initContainerStatuses);
    apply(this.containers, status.containerStatuses);
    if (this.done) this.podIP = status.podIP;
    this.startTime = epochMs(status.startTime) ?? this.startTime;
  }

  // -------------------------------------------------------------------------------------------
  // Status

  private containerStatus(c: Container): Json {
    const t = (x: Terminated): Json => {
      const o: Json = { exitCode: x.exitCode, reason: x.reason };
      if (x.containerID) o.containerID = x.containerID;
      if (x.message) o.message = x.message;
      o.startedAt = x.startedAt !== undefined ? rfc3339(x.startedAt) : null;
      o.finishedAt = rfc3339(x.finishedAt);
      return o;
    };
    let state: Json;
    if (c.state === 'running') state = { running: { startedAt: rfc3339(c.startedAt) } };
    else if (c.state === 'terminated' && c.terminated) state = { terminated: t(c.terminated) };
    else state = { waiting: c.waitingMessage ? { reason: c.waitingReason, message: c.waitingMessage } : { reason: c.waitingReason } };
    const out: Json = {
      name: c.spec.name,
      state,
      lastState: c.lastTerminated ? { terminated: t(c.lastTerminated) } : {},
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
  private phase(): string {
    const policy = this.pod.spec?.restartPolicy ?? 'Always';
    let pendingInit = 0;
    let failedInit = 0;
    for (const c of this.initContainers) {
      if (c.sidecar) {
        if (!c.started && !this.initialized) pendingInit++;
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
    for (const c of this.containers) {
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
      if (this.done) return stopped === succeeded ? 'Succeeded' : 'Failed';
      if (policy === 'Always') return 'Running';
      if (stopped === succeeded) return 'Succeeded';
      if (policy === 'Never') return 'Failed';
      return 'Running';
    }
    return 'Pending';
  }

  private condition(type: string, status: string, reason?: string, message?: string): Json {
    const prev = this.conditions.get(type);
    const since = prev && prev.status === status ? prev.since : rfc3339();
    this.conditions.set(type, { status, since });
    const c: Json = { type, status, lastProbeTime: null, lastTransitionTime: since };
    if (this.pod.metadata?.generation !== undefined) c.observedGeneration = this.pod.metadata.generation;
    if (reason) c.reason = reason;
    if (message) c.message = message;
    return c;
  }

  /** The whole pod status as the kubelet would write it now. */
  status(): Json {
    const phase = this.phase();
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    const initStatuses = this.initContainers.map((c) => this.containerStatus(c));
    const statuses = this.containers.map((c) => this.containerStatus(c));

    const conds: Json[] = [];
    conds.push(this.condition('PodReadyToStartContainers', this.sandboxReady && !this.done ? 'True' : 'False'));

    // Initialized
    const incomplete = this.initContainers.filter((c) => (c.sidecar ? !c.started : !c.ready)).map((c) => c.spec.name);
    const anyRegularStarted = this.containers.some((c) => c.state !== 'waiting' || c.lastTerminated !== undefined);
    if (phase === 'Succeeded') conds.push(this.condition('Initialized', 'True', 'PodCompleted'));
    else if (incomplete.length === 0 || anyRegularStarted) conds.push(this.condition('Initialized', 'True'));
    else conds.push(this.condition('Initialized', 'False', 'ContainersNotInitialized', `containers with incomplete status: ${goList(incomplete)}`));

    // ContainersReady, then Ready (which follows it unless readiness gates hold it back)
    let ready: [string, string?, string?];
    if (terminal) ready = ['False', phase === 'Failed' ? 'PodFailed' : 'PodCompleted'];
    else {
      const unready = [...this.initContainers.filter((c) => c.sidecar), ...this.containers].filter((c) => !c.ready).map((c) => c.spec.name);
      ready = unready.length > 0 ? ['False', 'ContainersNotReady', `containers with unready status: ${goList(unready)}`] : ['True'];
    }
    let podReady = ready;
    if (ready[0] === 'True') {
      const gates: string[] = [];
      for (const g of this.pod.spec?.readinessGates ?? []) {
        const c = this.pod.status?.conditions?.find((x) => x.type === g.conditionType);
        if (!c) gates.push(`corresponding condition of pod readiness gate "${g.conditionType}" does not exist.`);
        else if (c.status !== 'True') gates.push(`the status of pod readiness gate "${g.conditionType}" is not "True", but ${c.status}`);
      }
      if (gates.length > 0) podReady = ['False', 'ReadinessGatesNotReady', gates.join(', ')];
    }
    conds.push(this.condition('Ready', ...podReady));
    conds.push(this.condition('ContainersReady', ...ready));
    conds.push(this.condition('PodScheduled', 'True'));
    // Conditions other components own (readiness gates, disruption targets) stay as they are.
    const owned = new Set<string>(CONDITION_ORDER);
    for (const c of this.pod.status?.conditions ?? []) {
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
    const hostIP = this.host.hostIP();
    if (hostIP) {
      out.hostIP = hostIP;
      out.hostIPs = [{ ip: hostIP }];
    }
    if (this.podIP) {
      out.podIP = this.podIP;
      out.podIPs = [{ ip: this.podIP }];
    }
    if (this.startTime !== undefined) out.startTime = rfc3339(this.startTime);
    if (initStatuses.length > 0) out.initContainerStatuses = initStatuses;
    out.containerStatuses = statuses;
    if (this.pod.metadata?.generation !== undefined) out.observedGeneration = this.pod.metadata.generation;
    return out;
  }
}
