// Synthetic container logs. A simulated container has no process to write output, so the hollow runtime
// writes the lines a user would want from `kubectl logs`: the start (image, command, restart count), the
// environment the kubelet resolved, probe failures the kubelet reported, SIGTERM and the exit.
//
// Each run of a container (each container ID) has its own bounded log, like the CRI log file of that
// container: only the current run and the last terminated one are kept (what `kubectl logs` and
// `kubectl logs --previous` can reach), each capped in lines and bytes with the oldest lines dropped
// first, so 150 000 pods stay cheap. A block of lines written at once may be a shared array (the
// service environment of a namespace is the same for every pod in it) and is stored only once.
//
// Reading follows pkg/kubelet/kuberuntime/logs: tailLines first, then sinceTime, then the optional
// RFC 3339 timestamp prefix (nine fractional digits), then limitBytes counted over what is written.
import type { Container } from './container.ts';

export const LOG_MAX_LINES = 300;
/** Counted in UTF-16 code units: a bound on memory, not an exact byte count. */
export const LOG_MAX_BYTES = 32 * 1024;

interface Entry {
  /** Epoch milliseconds and the nanoseconds within that millisecond. */
  at: number;
  nano: number;
  text: string | readonly string[];
}

export interface LogLine {
  at: number;
  nano: number;
  text: string;
}

export interface LogFollower {
  line(l: LogLine): void;
  /** The run ended (the container stopped) or its log was dropped. */
  end(): void;
}

function lineCount(e: Entry): number {
  return typeof e.text === 'string' ? 1 : e.text.length;
}

function byteCount(e: Entry): number {
  if (typeof e.text === 'string') return e.text.length + 1;
  let n = 0;
  for (const l of e.text) n += l.length + 1;
  return n;
}

/** Now, with sub-millisecond digits from the monotonic clock so lines written together stay ordered. */
export function logTime(): { at: number; nano: number } {
  const t = performance.timeOrigin + performance.now();
  const at = Math.floor(t);
  return { at, nano: Math.min(999_999, Math.floor((t - at) * 1e6)) };
}

/** RFC 3339 with nine fractional digits, as the kubelet prints `--timestamps` (RFC3339NanoFixed). */
export function formatLogTime(at: number, nano: number): string {
  const iso = new Date(at).toISOString(); // 2006-01-02T15:04:05.000Z
  return `${iso.slice(0, 23)}${String(nano).padStart(6, '0')}Z`;
}

/** One value as one log line: printable text as is, anything with control characters JSON-quoted. */
export function logValue(v: string): string {
  return /[\u0000-\u001f\u007f]/.test(v) ? JSON.stringify(v) : v;
}

export class ContainerLog {
  private entries: Entry[] = [];
  private lines = 0;
  private bytes = 0;
  private followers?: Set<LogFollower>;
  private ended = false;

  constructor(readonly containerID: string) {}

  get isEnded(): boolean {
    return this.ended;
  }

  /** Append one line, or a block of lines written at the same moment. */
  write(text: string | readonly string[]): void {
    if (this.ended) return;
    if (typeof text !== 'string' && text.length === 0) return;
    const { at, nano } = logTime();
    const e: Entry = { at, nano, text };
    this.entries.push(e);
    this.lines += lineCount(e);
    this.bytes += byteCount(e);
    while (this.entries.length > 1 && (this.lines > LOG_MAX_LINES || this.bytes > LOG_MAX_BYTES)) {
      const old = this.entries.shift()!;
      this.lines -= lineCount(old);
      this.bytes -= byteCount(old);
    }
    if (!this.followers) return;
    for (const f of [...this.followers]) {
      if (typeof text === 'string') f.line({ at, nano, text });
      else for (const t of text) f.line({ at, nano, text: t });
    }
  }

  /** The container stopped: no more lines; followers are done. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const followers = this.followers;
    this.followers = undefined;
    for (const f of followers ?? []) f.end();
  }

  /** Every line kept, oldest first. */
  snapshot(): LogLine[] {
    const out: LogLine[] = [];
    for (const e of this.entries) {
      if (typeof e.text === 'string') out.push({ at: e.at, nano: e.nano, text: e.text });
      else for (const t of e.text) out.push({ at: e.at, nano: e.nano, text: t });
    }
    return out;
  }

  /** Lines written from now on, until the run ends; returns the unsubscribe function. */
  follow(f: LogFollower): () => void {
    if (this.ended) {
      f.end();
      return () => {};
    }
    this.followers ??= new Set();
    this.followers.add(f);
    return () => this.followers?.delete(f);
  }
}

/** The PodLogOptions the kubelet acts on. */
export interface LogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  /** Lines before this moment (epoch ms and nanoseconds within it) are skipped. */
  since?: { at: number; nano: number };
  limitBytes?: number;
}

/**
 * Writes log lines under the options: since, timestamps, and limitBytes (counted over what is written,
 * timestamps included; the last line is cut to fit, as the kubelet's log writer does).
 */
export class LogWriter {
  private remain: number;

  constructor(
    private readonly opts: LogOptions,
    private readonly sink: (chunk: Buffer) => void,
  ) {
    this.remain = opts.limitBytes ?? Infinity;
  }

  get full(): boolean {
    return this.remain <= 0;
  }

  /** Write one line; false once the byte limit is reached. */
  line(l: LogLine): boolean {
    if (this.remain <= 0) return false;
    const since = this.opts.since;
    if (since && (l.at < since.at || (l.at === since.at && l.nano < since.nano))) return true;
    const text = this.opts.timestamps ? `${formatLogTime(l.at, l.nano)} ${l.text}\n` : `${l.text}\n`;
    let buf = Buffer.from(text, 'utf8');
    if (buf.length > this.remain) buf = buf.subarray(0, this.remain);
    this.remain -= buf.length;
    this.sink(buf);
    return this.remain > 0;
  }

  /** The lines already written, tailLines applied first. */
  backlog(lines: LogLine[]): boolean {
    const tail = this.opts.tailLines;
    const start = tail === undefined ? 0 : Math.max(0, lines.length - tail);
    for (let i = start; i < lines.length; i++) if (!this.line(lines[i]!)) return false;
    return true;
  }
}

/**
 * Which run's log `kubectl logs` reads, or the kubelet's error (validateContainerLogStatus in
 * pkg/kubelet/kubelet_pods.go): --previous reads the last termination; otherwise the running
 * container, else the terminated one, else the last termination; a container that never ran is
 * "waiting to start".
 */
export function selectLog(c: Container, podName: string, previous: boolean): ContainerLog | string {
  const name = c.spec.name;
  const q = (s: string) => JSON.stringify(s);
  const last = c.lastTerminated;
  // A run whose log did not survive an agent restart reads as empty, and as over (follow must not hang).
  const empty = (id: string) => {
    const log = new ContainerLog(id);
    log.end();
    return log;
  };
  if (previous) {
    if (!last?.containerID) return `previous terminated container ${q(name)} in pod ${q(podName)} not found`;
    return last.log ?? empty(last.containerID);
  }
  if (c.state === 'running') return c.log ?? empty(c.containerID ?? '');
  if (c.state === 'terminated' && c.terminated) {
    if (c.terminated.containerID) return c.terminated.log ?? empty(c.terminated.containerID);
    if (last?.containerID) return last.log ?? empty(last.containerID);
    return `container ${q(name)} in pod ${q(podName)} is terminated`;
  }
  if (last) {
    if (!last.containerID) return `container ${q(name)} in pod ${q(podName)} is terminated`;
    return last.log ?? empty(last.containerID);
  }
  switch (c.waitingReason) {
    case 'ErrImagePull':
      return `container ${q(name)} in pod ${q(podName)} is waiting to start: image can't be pulled`;
    case 'ImagePullBackOff':
      return `container ${q(name)} in pod ${q(podName)} is waiting to start: trying and failing to pull image`;
    default:
      return `container ${q(name)} in pod ${q(podName)} is waiting to start: ${c.waitingReason}`;
  }
}
