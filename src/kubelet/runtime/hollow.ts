// The hollow container runtime: no processes, only what a CRI runtime would report — image references
// and digests as containerd resolves them, container IDs, a per-node image store that makes the
// second pull of an image "already present", and how long each step takes.
import { createHash, randomBytes } from 'node:crypto';

export interface RuntimeTimings {
  /** Creating the pod sandbox and its network. */
  sandboxMs: number;
  /** Pulling an image that is not on the node yet (scaled by image size, see pullMs). */
  pullMs: number;
  /** Creating, then starting, one container. */
  createMs: number;
  startMs: number;
  /** How long a container that honours SIGTERM takes to exit. */
  stopMs: number;
  /** How long an init container runs when nothing steers it. */
  initRunMs: number;
  /** CrashLoopBackOff: first delay and cap (kubelet: 10 s and 5 min). */
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** FailedMount retries: exponential back-off of volume operations (kubelet: 500 ms doubling to 2m2s). */
  mountRetryInitialMs: number;
  mountRetryMaxMs: number;
  /** CreateContainerConfigError: the pod is synced again after this (kubelet's sync back-off: 10 s). */
  configRetryMs: number;
}

export const DEFAULT_TIMINGS: RuntimeTimings = {
  sandboxMs: 300,
  pullMs: 800,
  createMs: 60,
  startMs: 60,
  stopMs: 200,
  initRunMs: 500,
  backoffInitialMs: 10_000,
  backoffMaxMs: 300_000,
  mountRetryInitialMs: 500,
  mountRetryMaxMs: 122_000,
  configRetryMs: 10_000,
};

/**
 * The runtime's own latencies (sandbox, pull, create, start, stop, init containers) multiplied by
 * `factor`, for clusters in tests that want pods Running in milliseconds. Kubelet policy — crash-loop
 * and mount back-offs, config retries — keeps upstream's durations: clients observe those.
 */
export function scaleRuntimeLatencies(factor: number, base: RuntimeTimings = DEFAULT_TIMINGS): RuntimeTimings {
  const scale = (ms: number) => Math.round(ms * factor);
  return {
    ...base,
    sandboxMs: scale(base.sandboxMs),
    pullMs: scale(base.pullMs),
    createMs: scale(base.createMs),
    startMs: scale(base.startMs),
    stopMs: scale(base.stopMs),
    initRunMs: scale(base.initRunMs),
  };
}

export interface ResolvedImage {
  /** What the container status reports as `image`, e.g. `docker.io/library/nginx:latest`. */
  ref: string;
  /** What it reports as `imageID`, e.g. `docker.io/library/nginx@sha256:…`. */
  id: string;
  size: number;
}

function hex(seed: string, bytes = 32): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, bytes * 2);
}

/** Docker reference normalization: a default registry and `library/` for official images, `:latest` when untagged. */
export function resolveImage(image: string): ResolvedImage {
  let name = image;
  let digest = '';
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
  }
  let tag = '';
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  const first = name.split('/')[0]!;
  const hasRegistry = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) name = name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`;
  if (!tag && !digest) tag = 'latest';
  const ref = digest ? `${name}@${digest}` : `${name}:${tag}`;
  const id = `${name}@${digest || `sha256:${hex(`image:${name}:${tag}`)}`}`;
  // A stable, plausible compressed size between ~3 MB and ~200 MB.
  const size = 3_000_000 + (Number.parseInt(hex(`size:${ref}`, 4), 16) % 197_000_000);
  return { ref, id, size };
}

export function newContainerID(): string {
  return `containerd://${randomBytes(32).toString('hex')}`;
}

/** The images present on one node. */
export class ImageStore {
  private readonly present = new Set<string>();

  has(ref: string): boolean {
    return this.present.has(ref);
  }

  add(ref: string): void {
    this.present.add(ref);
  }
}

/** Simulated pull time: the base time stretched a little by image size, so different images differ. */
export function pullDurationMs(t: RuntimeTimings, image: ResolvedImage): number {
  return Math.round(t.pullMs * (0.5 + image.size / 200_000_000));
}
