// Child processes and temp dirs the bench owns, and their teardown: on normal exit, on failure and on
// Ctrl-C. Children run in their own process group (detached) so a terminal Ctrl-C reaches only the
// bench, which then stops them in order (SIGTERM to the child, whose own handler stops its etcd),
// and only if that stalls kills the child's group (the child plus the etcd it spawned).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Owned {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** SIGTERM, then after graceMs SIGKILL to the whole process group. Idempotent. */
  stop(graceMs?: number): Promise<void>;
  /** How the last stop went: ms from SIGTERM to exit, and whether it had to be killed. */
  stopped?: { ms: number; killed: boolean };
}

const children = new Set<Owned>();
const dirs = new Set<string>();
let tearingDown: Promise<void> | undefined;

export function spawnOwned(name: string, command: string, args: string[], opts: SpawnOptions = {}): Owned {
  const child = spawn(command, args, { ...opts, detached: true });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null)));
    child.once('error', () => resolve(-1));
  });
  let stopping: Promise<void> | undefined;
  const owned: Owned = {
    name,
    child,
    exited,
    stop(graceMs = 15_000) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null && child.pid) {
          try {
            process.kill(child.pid, 'SIGTERM');
          } catch {
            // already gone
          }
          const t0 = performance.now();
          let killed = false;
          const timer = setTimeout(() => {
            killed = true;
            killGroup(child.pid!);
          }, graceMs);
          await exited;
          clearTimeout(timer);
          owned.stopped = { ms: performance.now() - t0, killed };
        }
        // The child may have left its own children behind if it died abruptly.
        if (child.pid) killGroup(child.pid);
        children.delete(owned);
      })();
      return stopping;
    },
  };
  children.add(owned);
  void exited.then(() => {
    if (child.pid) killGroup(child.pid);
  });
  return owned;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // no such group any more
  }
}

export function ownedTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

export function removeOwnedDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

/** Leave a dir behind on purpose (--keep-state): teardown no longer removes it. */
export function releaseOwnedDir(dir: string): void {
  dirs.delete(dir);
}

/** Stop every child (in reverse start order) and remove every temp dir. Safe to call more than once. */
export function teardownAll(): Promise<void> {
  tearingDown ??= (async () => {
    for (const c of [...children].reverse()) await c.stop(5_000);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    dirs.clear();
  })().finally(() => (tearingDown = undefined));
  return tearingDown;
}

/** Tear down on SIGINT/SIGTERM (exit 130/143) and on crashes; a second Ctrl-C kills at once. */
export function installTeardownHandlers(): void {
  let signalled = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) {
      for (const c of children) if (c.child.pid) killGroup(c.child.pid);
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      process.exit(1);
    }
    signalled = true;
    console.error(`\n${sig}: stopping the cluster and removing temp dirs…`);
    void teardownAll().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  const onCrash = (err: unknown) => {
    console.error('bench crashed:', err);
    void teardownAll().finally(() => process.exit(1));
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  // Last resort when the event loop is already gone: no awaiting possible, just kill.
  process.on('exit', () => {
    for (const c of children) if (c.child.pid) killGroup(c.child.pid);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
}

// ---------------------------------------------------------------------------------------------
// /proc readings (Linux only; undefined elsewhere)

const CLK_TCK = 100;

export interface ProcSample {
  rssBytes: number;
  /** user + system CPU time so far. */
  cpuSeconds: number;
}

export function readProc(pid: number): ProcSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may contain spaces): utime is 14th, stime 15th.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(rest[11]) + Number(rest[12]);
    return { rssBytes: rss ? Number(rss[1]) * 1024 : 0, cpuSeconds: ticks / CLK_TCK };
  } catch {
    return undefined;
  }
}

/** Direct children of pid whose command name is `comm` (e.g. the etcd that `wheelhouse up` started). */
export function childPids(pid: number, comm: string): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    let kids: string;
    try {
      kids = readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const k of kids.split(' ').filter(Boolean).map(Number)) {
      try {
        if (readFileSync(`/proc/${k}/comm`, 'utf8').trim() === comm) out.push(k);
      } catch {
        // exited meanwhile
      }
    }
  }
  return out;
}

/** CPU seconds the whole host has spent busy (all CPUs, everything but idle and iowait), from /proc/stat. */
export function readHostBusySeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user/nice)
    const busy = f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!;
    return busy / CLK_TCK;
  } catch {
    return undefined;
  }
}

/**
 * Waits (at most maxWaitMs) until processes other than ours use less than `thresholdPct` of one core,
 * measured over one-second windows: on a shared machine a test suite running next to the bench
 * would otherwise be measured too. Returns the last reading.
 */
export async function waitForQuietHost(ours: () => number[], maxWaitMs: number, thresholdPct: number, log: (l: string) => void): Promise<number | undefined> {
  const deadline = Date.now() + maxWaitMs;
  let logged = false;
  for (;;) {
    const pids = ours();
    const h0 = readHostBusySeconds();
    const o0 = pids.reduce((a, p) => a + (readProc(p)?.cpuSeconds ?? 0), 0);
    await new Promise((r) => setTimeout(r, 1000));
    const h1 = readHostBusySeconds();
    const o1 = pids.reduce((a, p) => a + (readProc(p)?.cpuSeconds ?? 0), 0);
    if (h0 === undefined || h1 === undefined) return undefined;
    const others = 100 * Math.max(0, h1 - h0 - (o1 - o0));
    if (others < thresholdPct) return others;
    if (Date.now() > deadline) {
      log(`host still busy (${others.toFixed(0)}% of a core used by other processes); measuring anyway`);
      return others;
    }
    if (!logged) log(`waiting for the host to quieten (${others.toFixed(0)}% of a core used by other processes)…`);
    logged = true;
  }
}

export interface ProcStats {
  peakRssBytes: number;
  /** CPU time over the whole sampling. */
  cpuSeconds: number;
}

/**
 * Samples RSS (for the peak) and CPU time of a set of processes while a measurement runs, keeping
 * the series so CPU can be read over any sub-range (e.g. first to last bind) afterwards.
 */
export class ProcSampler {
  private readonly series = new Map<string, { t: number; s: ProcSample }[]>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly pids: Record<string, number | undefined>) {}

  /** Start sampling a process that appeared after begin(). */
  add(name: string, pid: number | undefined): void {
    this.pids[name] = pid;
    this.sample();
  }

  begin(intervalMs = 200): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    const t = performance.now();
    const host = readHostBusySeconds();
    if (host !== undefined) {
      const list = this.series.get('host') ?? [];
      list.push({ t, s: { rssBytes: 0, cpuSeconds: host } });
      this.series.set('host', list);
    }
    for (const [name, pid] of Object.entries(this.pids)) {
      if (!pid) continue;
      const s = readProc(pid);
      if (!s) continue;
      const list = this.series.get(name) ?? [];
      list.push({ t, s });
      this.series.set(name, list);
    }
  }

  end(): Record<string, ProcStats> {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const out: Record<string, ProcStats> = {};
    for (const [name, list] of this.series) {
      out[name] = {
        peakRssBytes: Math.max(...list.map((x) => x.s.rssBytes)),
        cpuSeconds: list[list.length - 1]!.s.cpuSeconds - list[0]!.s.cpuSeconds,
      };
    }
    return out;
  }

  /**
   * CPU seconds a process (or `host`: all of them) used between two performance.now() times, from the samples inside the
   * range scaled to its length; undefined when fewer than two samples fall inside.
   */
  cpuBetween(name: string, from: number, to: number): number | undefined {
    const inside = (this.series.get(name) ?? []).filter((x) => x.t >= from && x.t <= to);
    if (inside.length < 2) return undefined;
    const a = inside[0]!;
    const b = inside[inside.length - 1]!;
    if (b.t <= a.t) return undefined;
    return ((b.s.cpuSeconds - a.s.cpuSeconds) * (to - from)) / (b.t - a.t);
  }
}
