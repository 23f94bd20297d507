// How a simulated container behaves, steered per pod by annotations (documented in the README).
// Each key applies to every container of the pod; `<key>.<container-name>` overrides it for one
// container (container names are DNS labels, so the dot is unambiguous).
import type { V1Pod } from '@kubernetes/client-node';

export const ANNOTATION_PREFIX = 'sim.wheelhouse.io/';

export const ANNOTATIONS = {
  /** Exit with this code after `exit-after` (default 0; with no `exit-after`, 1 s). */
  exitCode: `${ANNOTATION_PREFIX}exit-code`,
  /** Run this long, then exit (a Go duration: `500ms`, `5s`, `1m30s`). */
  exitAfter: `${ANNOTATION_PREFIX}exit-after`,
  /** `"true"`: exit 1 shortly after every start, so the container crash-loops. */
  crashLoop: `${ANNOTATION_PREFIX}crash-loop`,
  /** `"true"`: the readiness probe never succeeds (the container runs, never Ready). */
  failReadiness: `${ANNOTATION_PREFIX}fail-readiness`,
  /** Become ready this long after starting (default: at once, or the probe's initialDelaySeconds). */
  readyAfter: `${ANNOTATION_PREFIX}ready-after`,
  /** Readiness probes succeed until this long after starting, then fail (the container turns unready). */
  failReadinessAfter: `${ANNOTATION_PREFIX}fail-readiness-after`,
  /** `"true"`: the liveness probe fails from the start, so the kubelet restarts the container. */
  failLiveness: `${ANNOTATION_PREFIX}fail-liveness`,
  /** The liveness probe starts failing this long after the container started. */
  failLivenessAfter: `${ANNOTATION_PREFIX}fail-liveness-after`,
  /** `"true"`: the startup probe never succeeds (the container is restarted after failureThreshold). */
  failStartup: `${ANNOTATION_PREFIX}fail-startup`,
  /** The startup probe succeeds from this long after starting (default: its first probe). */
  startupAfter: `${ANNOTATION_PREFIX}startup-after`,
  /** `"true"`: ignore SIGTERM, so stopping takes the whole grace period and ends with exit 137. */
  ignoreSigterm: `${ANNOTATION_PREFIX}ignore-sigterm`,
  /** CPU the running container uses, a quantity (`250m`); read live, default 1m. Reported by /metrics/resource. */
  cpuUsage: `${ANNOTATION_PREFIX}cpu-usage`,
  /** Working-set memory of the running container, a quantity (`64Mi`); read live, default 4Mi. */
  memoryUsage: `${ANNOTATION_PREFIX}memory-usage`,
} as const;

/** Shared with the API server, which dials it for pods/log. */
export { KUBELET_HOST_ANNOTATION } from '../api/well-known.ts';

export interface ContainerBehaviour {
  /** When the container exits on its own after starting, in ms; undefined: it runs until stopped. */
  exitAfterMs?: number;
  exitCode: number;
  failReadiness: boolean;
  readyAfterMs?: number;
  failReadinessAfterMs?: number;
  failLiveness: boolean;
  failLivenessAfterMs?: number;
  failStartup: boolean;
  startupAfterMs?: number;
  ignoreSigterm: boolean;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration (`1m30s`, `250ms`) or a plain number of seconds, in ms; undefined if malformed. */
export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    matched = re.lastIndex;
  }
  return matched === s.length && matched > 0 ? total : undefined;
}

export function lookup(pod: V1Pod, key: string, container: string): string | undefined {
  const a = pod.metadata?.annotations ?? {};
  return a[`${key}.${container}`] ?? a[key];
}

function flag(v: string | undefined): boolean {
  return v !== undefined && v.toLowerCase() === 'true';
}

export function containerBehaviour(pod: V1Pod, container: string): ContainerBehaviour {
  const crash = flag(lookup(pod, ANNOTATIONS.crashLoop, container));
  const codeText = lookup(pod, ANNOTATIONS.exitCode, container);
  const parsedCode = codeText === undefined ? undefined : Number.parseInt(codeText, 10);
  let exitAfterMs = parseDuration(lookup(pod, ANNOTATIONS.exitAfter, container));
  let exitCode = parsedCode !== undefined && !Number.isNaN(parsedCode) ? parsedCode : 0;
  if (crash) {
    exitAfterMs ??= 1000;
    if (parsedCode === undefined || Number.isNaN(parsedCode) || parsedCode === 0) exitCode = 1;
  } else if (exitAfterMs === undefined && parsedCode !== undefined && !Number.isNaN(parsedCode)) {
    exitAfterMs = 1000;
  }
  return {
    exitAfterMs,
    exitCode,
    failReadiness: flag(lookup(pod, ANNOTATIONS.failReadiness, container)),
    readyAfterMs: parseDuration(lookup(pod, ANNOTATIONS.readyAfter, container)),
    failReadinessAfterMs: parseDuration(lookup(pod, ANNOTATIONS.failReadinessAfter, container)),
    failLiveness: flag(lookup(pod, ANNOTATIONS.failLiveness, container)),
    failLivenessAfterMs: parseDuration(lookup(pod, ANNOTATIONS.failLivenessAfter, container)),
    failStartup: flag(lookup(pod, ANNOTATIONS.failStartup, container)),
    startupAfterMs: parseDuration(lookup(pod, ANNOTATIONS.startupAfter, container)),
    ignoreSigterm: flag(lookup(pod, ANNOTATIONS.ignoreSigterm, container)),
  };
}
