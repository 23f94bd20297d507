// What the node agent knows of one container of a pod: its current state, its last termination and
// the synthetic logs of both runs (what the kubelet's status manager and the runtime's log files hold).
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { containerBehaviour, type ContainerBehaviour } from './behaviour.ts';
import type { ContainerLog } from './logs.ts';
import type { ResolvedImage } from './runtime/hollow.ts';

export interface Terminated {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt?: number;
  finishedAt: number;
  containerID?: string;
  /** The log of the run that ended (`kubectl logs --previous` once it is the last termination). */
  log?: ContainerLog;
}

export interface Backoff {
  durationMs: number;
  lastUpdate: number;
}

export class Container {
  state: 'waiting' | 'running' | 'terminated' = 'waiting';
  waitingReason = 'ContainerCreating';
  waitingMessage?: string;
  startedAt?: number;
  terminated?: Terminated;
  lastTerminated?: Terminated;
  restartCount = 0;
  containerID?: string;
  /** The log of the run `containerID` names. */
  log?: ContainerLog;
  image?: ResolvedImage;
  ready = false;
  started = false;
  /** Being stopped by the kubelet (a failed liveness or startup probe); probes no longer act. */
  stopping = false;
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
