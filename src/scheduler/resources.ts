// Resource arithmetic of kube-scheduler: a pod's effective requests (resource.PodRequests, with
// sidecar and init container rules and overhead), the "non-zero" requests used for scoring, a node's
// allocatable, and the host ports a pod asks for.
import type { V1Container, V1Node, V1Pod } from '@kubernetes/client-node';
import { milliValue, value } from '../api/quantity.ts';

export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Pod slots (allocatable only). */
  pods: number;
}

export function emptyResources(): Resources {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, pods: 0 };
}

/** Scoring defaults for containers that request no cpu / memory (schedutil.DefaultMilliCPURequest, DefaultMemoryRequest). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

type ResourceMap = { [key: string]: unknown } | undefined;

function requestOf(list: ResourceMap, limits: ResourceMap, name: string): unknown {
  // Defaulting copies limits into missing requests; objects written without it still mean the same.
  if (list && list[name] !== undefined) return list[name];
  return limits?.[name];
}

function containerRequests(c: V1Container): Resources {
  const req = c.resources?.requests as ResourceMap;
  const lim = c.resources?.limits as ResourceMap;
  return {
    milliCPU: milliValue(requestOf(req, lim, 'cpu')),
    memory: value(requestOf(req, lim, 'memory')),
    ephemeralStorage: value(requestOf(req, lim, 'ephemeral-storage')),
    pods: 0,
  };
}

function nonZeroContainerRequests(c: V1Container): Resources {
  const req = c.resources?.requests as ResourceMap;
  const lim = c.resources?.limits as ResourceMap;
  const cpu = requestOf(req, lim, 'cpu');
  const mem = requestOf(req, lim, 'memory');
  return {
    milliCPU: cpu === undefined ? DEFAULT_MILLI_CPU_REQUEST : milliValue(cpu),
    memory: mem === undefined ? DEFAULT_MEMORY_REQUEST : value(mem),
    ephemeralStorage: 0,
    pods: 0,
  };
}

function add(a: Resources, b: Resources): Resources {
  return {
    milliCPU: a.milliCPU + b.milliCPU,
    memory: a.memory + b.memory,
    ephemeralStorage: a.ephemeralStorage + b.ephemeralStorage,
    pods: a.pods + b.pods,
  };
}

function max(a: Resources, b: Resources): Resources {
  return {
    milliCPU: Math.max(a.milliCPU, b.milliCPU),
    memory: Math.max(a.memory, b.memory),
    ephemeralStorage: Math.max(a.ephemeralStorage, b.ephemeralStorage),
    pods: Math.max(a.pods, b.pods),
  };
}

function isSidecar(c: V1Container): boolean {
  return c.restartPolicy === 'Always';
}

/**
 * The pod's requests: regular containers plus sidecars run together; each regular init container
 * runs alone beside the sidecars started before it; the pod needs the larger of the two, plus overhead.
 */
function podRequestsWith(pod: V1Pod, per: (c: V1Container) => Resources): Resources {
  let reqs = emptyResources();
  for (const c of pod.spec?.containers ?? []) reqs = add(reqs, per(c));
  let sidecars = emptyResources();
  let initMax = emptyResources();
  for (const c of pod.spec?.initContainers ?? []) {
    const r = per(c);
    let during: Resources;
    if (isSidecar(c)) {
      reqs = add(reqs, r);
      sidecars = add(sidecars, r);
      during = sidecars;
    } else {
      during = add(r, sidecars);
    }
    initMax = max(initMax, during);
  }
  reqs = max(reqs, initMax);
  const overhead = pod.spec?.overhead as ResourceMap;
  if (overhead) {
    reqs = add(reqs, {
      milliCPU: milliValue(overhead.cpu),
      memory: value(overhead.memory),
      ephemeralStorage: value(overhead['ephemeral-storage']),
      pods: 0,
    });
  }
  return reqs;
}

export function podRequests(pod: V1Pod): Resources {
  return podRequestsWith(pod, containerRequests);
}

export function nonZeroPodRequests(pod: V1Pod): Resources {
  return podRequestsWith(pod, nonZeroContainerRequests);
}

export function nodeAllocatable(node: V1Node): Resources {
  const a = (node.status?.allocatable ?? node.status?.capacity ?? {}) as ResourceMap;
  return {
    milliCPU: milliValue(a?.cpu),
    memory: value(a?.memory),
    ephemeralStorage: value(a?.['ephemeral-storage']),
    pods: value(a?.pods),
  };
}

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** Host ports the pod's containers (and init containers) bind on the node. */
export function podHostPorts(pod: V1Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return out;
}
