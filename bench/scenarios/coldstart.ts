// Cold start (issue 8, scenario 5; issue 11): how long from typing `wheelhouse up` to a cluster a user
// can use, and what it costs at rest. Per size, `--repeat` times, on a fresh state dir:
//   spawn → (a) the `export KUBECONFIG=` line → (b) /readyz 200 → (c) every node Ready → (d) the
//   PATH `kubectl get nodes` listing every node; then RSS of the server and its etcd, and their CPU
//   over 10 s idle; then a stop and a warm start on the same state dir (the same four times).
// Sizes: 0 nodes is API-only (no scheduler, no controller manager), once with its own embedded etcd
// and once on a shared etcd that is already running (what envtest-style suites would do; a fresh key
// prefix per start keeps it cold). Baseline measured in the same run: a bare `etcd` from spawn to
// healthy, with the flags `wheelhouse up` gives its own — the ratio is ours (/readyz) / raw.
import { execFile } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/cli/etcd-supervisor.ts';
import { ApiClient, sleep } from '../lib/http.ts';
import { childPids, ownedTempDir, readProc, removeOwnedDir, spawnOwned, waitForQuietHost, type Owned } from '../lib/procs.ts';
import { percentile } from '../lib/stats.ts';
import { fmt } from '../lib/table.ts';
import type { BenchOptions, Case, CaseContext, ResultRow, Scenario } from './types.ts';

const CLI = 'src/cli/main.ts';
const MiB = 1024 * 1024;
/** How often the bench polls while a start is under way: fine enough for sub-second starts, cheap enough not to slow them. */
const POLL_MS = 10;
const IDLE_SECONDS = 10;
const DEFAULT_SIZES = [0, 3, 100];

interface Params {
  nodes: number;
  /** API-only on an etcd the bench started beforehand. */
  sharedEtcd: boolean;
}

/** performance.now() offsets from spawn, ms; undefined when not reached. */
interface StartTimes {
  kubeconfigLineMs?: number;
  readyzMs?: number;
  nodesReadyMs?: number;
  kubectlMs?: number;
}

interface Repetition {
  cold: StartTimes;
  warm: StartTimes;
  rawEtcdMs?: number;
  idle?: { serverRssBytes?: number; etcdRssBytes?: number; serverCpuPercent?: number; etcdCpuPercent?: number };
  stopMs?: number;
}

/** A bare etcd, spawn to healthy: the floor any etcd-backed start pays. */
async function rawEtcdStart(ctx: CaseContext): Promise<{ ms: number; owned: Owned; url: string; dir: string }> {
  const dir = ownedTempDir('wheelhouse-bench-etcd-');
  const clientURL = `http://127.0.0.1:${await freePort()}`;
  const peerURL = `http://127.0.0.1:${await freePort()}`;
  const fd = openSync(path.join(dir, 'etcd.log'), 'a');
  const t0 = performance.now();
  const owned = spawnOwned('etcd', process.env.WHEELHOUSE_ETCD_BINARY ?? 'etcd', [
    '--name', 'bench',
    '--data-dir', path.join(dir, 'data'),
    '--listen-client-urls', clientURL,
    '--advertise-client-urls', clientURL,
    '--listen-peer-urls', peerURL,
    '--initial-advertise-peer-urls', peerURL,
    '--initial-cluster', `bench=${peerURL}`,
    '--logger', 'zap',
    '--log-outputs', 'stderr',
  ], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const deadline = Math.min(ctx.deadline, Date.now() + 30_000);
  for (;;) {
    try {
      const res = await fetch(`${clientURL}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok && ((await res.json()) as { health?: string }).health === 'true') break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await owned.stop();
      throw new Error('bare etcd: not healthy after 30 s');
    }
    await sleep(POLL_MS);
  }
  return { ms: performance.now() - t0, owned, url: clientURL, dir };
}

function kubectlNodes(kubeconfig: string): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    execFile('kubectl', ['--kubeconfig', kubeconfig, 'get', 'nodes', '-o', 'name', '--request-timeout', '5s'], { timeout: 10_000 }, (err, stdout) => {
      resolve(err ? undefined : stdout.split('\n').filter(Boolean));
    });
  });
}

/** Nodes whose Ready condition is True. */
async function readyNodes(api: ApiClient): Promise<number> {
  const res = await api.request<{ items?: { status?: { conditions?: { type: string; status: string }[] } }[] }>('GET', '/api/v1/nodes', undefined, 1);
  if (res.status !== 200) return -1;
  return (res.body.items ?? []).filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}

interface Start {
  proc: Owned;
  times: StartTimes;
  url: string;
}

/**
 * One `wheelhouse up`, timed from spawn to each milestone. The port is chosen beforehand so /readyz
 * can be polled before the ready line is printed (the line comes only after every node registered).
 */
async function startOnce(ctx: CaseContext, p: Params, stateDir: string, extra: string[], logName: string): Promise<Start> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ['up', '--port', String(port), '--host', '127.0.0.1', '--nodes', String(p.nodes), '--state-dir', stateDir, ...extra];
  if (p.nodes === 0) args.push('--no-scheduler', '--no-controller-manager');
  const fd = openSync(path.join(stateDir, logName), 'a');
  const t0 = performance.now();
  const proc = spawnOwned('wheelhouse up', process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ctx.repo, stdio: ['ignore', 'pipe', fd] });
  closeSync(fd);
  const times: StartTimes = {};
  let out = '';
  proc.child.stdout!.setEncoding('utf8');
  proc.child.stdout!.on('data', (d: string) => {
    out += d;
    if (times.kubeconfigLineMs === undefined && /export KUBECONFIG=\S+/.test(out)) times.kubeconfigLineMs = performance.now() - t0;
  });
  const deadline = Math.min(ctx.deadline, Date.now() + 120_000);
  const api = new ApiClient(url, 1, 5_000);
  const failIfGone = () => {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`wheelhouse up exited (${proc.child.exitCode ?? proc.child.signalCode}); see ${path.join(stateDir, logName)}`);
    if (Date.now() > deadline) throw new Error(`wheelhouse up with ${p.nodes} nodes: not ready within the time allowed`);
    if (ctx.signal.aborted) throw new Error('aborted');
  };
  try {
    for (;;) {
      failIfGone();
      const res = await api.request<unknown>('GET', '/readyz', undefined, 1).catch(() => undefined);
      if (res?.status === 200) break;
      await sleep(POLL_MS);
    }
    times.readyzMs = performance.now() - t0;
    if (p.nodes > 0) {
      while ((await readyNodes(api).catch(() => -1)) < p.nodes) {
        failIfGone();
        await sleep(50);
      }
      times.nodesReadyMs = performance.now() - t0;
    }
    // kubectl needs the kubeconfig, which comes with the ready line.
    while (times.kubeconfigLineMs === undefined) {
      failIfGone();
      await sleep(POLL_MS);
    }
    for (;;) {
      failIfGone();
      const names = await kubectlNodes(path.join(stateDir, 'kubeconfig'));
      if (names && names.length >= p.nodes) break;
      await sleep(50);
    }
    times.kubectlMs = performance.now() - t0;
  } catch (err) {
    // Not left running into the next start (teardown would get it only at the end of the run).
    await proc.stop(30_000);
    throw err;
  } finally {
    api.close();
  }
  return { proc, times, url };
}

/** RSS and CPU of the server and its etcd over an idle window. */
async function idle(serverPid: number, etcdPid: number | undefined): Promise<Repetition['idle']> {
  const s0 = readProc(serverPid);
  const e0 = etcdPid ? readProc(etcdPid) : undefined;
  await sleep(IDLE_SECONDS * 1000);
  const s1 = readProc(serverPid);
  const e1 = etcdPid ? readProc(etcdPid) : undefined;
  const pct = (a?: { cpuSeconds: number }, b?: { cpuSeconds: number }) => (a && b ? (100 * (b.cpuSeconds - a.cpuSeconds)) / IDLE_SECONDS : undefined);
  return { serverRssBytes: s1?.rssBytes, etcdRssBytes: e1?.rssBytes, serverCpuPercent: pct(s0, s1), etcdCpuPercent: pct(e0, e1) };
}

const med = (xs: (number | undefined)[]) => percentile(xs.filter((x): x is number => x !== undefined && Number.isFinite(x)), 50);
const ms = (x: number | undefined) => fmt(x, 0);

function label(p: Params): string {
  if (p.nodes > 0) return `${p.nodes} nodes`;
  return p.sharedEtcd ? 'API-only, shared etcd' : 'API-only';
}

export const coldstartScenario: Scenario = {
  name: 'coldstart',
  description: '`wheelhouse up` from spawn to usable (KUBECONFIG line, /readyz, nodes Ready, kubectl get nodes), idle cost, warm restart',
  columns: ['scenario', 'cluster', 'starts', 'line ms', 'readyz ms', 'nodes Ready ms', 'kubectl ms', 'raw etcd ms', 'ours/raw', 'warm readyz/kubectl ms', 'idle RSS MB srv/etcd', 'idle CPU % srv/etcd', 'stop ms'],
  legend: [
    'Times from spawning `wheelhouse up` (medians over --repeat starts): line = its `export KUBECONFIG=` line (printed once every node registered); readyz = /readyz answers 200 (polled every 10 ms);',
    'nodes Ready = GET nodes shows every node Ready; kubectl = the PATH `kubectl get nodes` lists every node (includes kubectl\'s own start-up). API-only = --nodes 0 --no-scheduler --no-controller-manager.',
    'raw etcd = a bare etcd from spawn to /health true, measured just before each start; ours/raw = readyz / raw etcd. shared etcd: the bench\'s etcd is already up, the cluster gets a fresh --etcd-prefix.',
    'warm = stop (SIGTERM) and start again on the same state dir. idle: RSS of the `wheelhouse up` process (API server, in-process components and node agents) and of its etcd, CPU over 10 s after kubectl answered.',
  ],

  cases(o: BenchOptions): Case[] {
    const sizes = o.nodesGiven ? o.nodes : DEFAULT_SIZES;
    const out: Case[] = [];
    for (const nodes of sizes) {
      if (nodes === 0) out.push({ label: label({ nodes, sharedEtcd: true }), params: { nodes, sharedEtcd: true } satisfies Params });
      out.push({ label: label({ nodes, sharedEtcd: false }), params: { nodes, sharedEtcd: false } satisfies Params });
    }
    return out;
  },

  async run(ctx: CaseContext, c: Case): Promise<ResultRow> {
    const p = c.params as unknown as Params;
    const o = ctx.options;
    const reps: Repetition[] = [];
    let error: string | undefined;
    let shared: Awaited<ReturnType<typeof rawEtcdStart>> | undefined;
    try {
      if (p.sharedEtcd) shared = await rawEtcdStart(ctx);
      for (let i = 0; i < o.repeat; i++) {
        if (Date.now() > ctx.deadline || ctx.signal.aborted) {
          error = `stopped after ${i} of ${o.repeat} starts (scenario timeout)`;
          break;
        }
        if (o.quietHostSeconds > 0) await waitForQuietHost(() => [process.pid, ...(shared?.owned.child.pid ? [shared.owned.child.pid] : [])], o.quietHostSeconds * 1000, 25, ctx.log);
        const rep: Repetition = { cold: {}, warm: {} };
        reps.push(rep);
        const raw = await rawEtcdStart(ctx);
        rep.rawEtcdMs = raw.ms;
        await raw.owned.stop();
        removeOwnedDir(raw.dir);

        const stateDir = ownedTempDir('wheelhouse-bench-cold-');
        const extra = shared ? ['--etcd-servers', shared.url, '--etcd-prefix', `/cold-${i}`] : [];
        try {
          const cold = await startOnce(ctx, p, stateDir, extra, 'server.log');
          rep.cold = cold.times;
          const serverPid = cold.proc.child.pid!;
          rep.idle = await idle(serverPid, childPids(serverPid, 'etcd')[0]);
          const t0 = performance.now();
          await cold.proc.stop(30_000);
          rep.stopMs = performance.now() - t0;
          const warm = await startOnce(ctx, p, stateDir, extra, 'server-warm.log');
          rep.warm = warm.times;
          await warm.proc.stop(30_000);
        } finally {
          if (o.keepState) ctx.log(`state kept in ${stateDir}`);
          else removeOwnedDir(stateDir);
        }
        ctx.log(
          `  start ${i + 1}: line ${ms(rep.cold.kubeconfigLineMs)} readyz ${ms(rep.cold.readyzMs)} nodes ${ms(rep.cold.nodesReadyMs)} kubectl ${ms(rep.cold.kubectlMs)} ms (raw etcd ${ms(rep.rawEtcdMs)}); warm readyz ${ms(rep.warm.readyzMs)} kubectl ${ms(rep.warm.kubectlMs)} ms`,
        );
      }
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    } finally {
      if (shared) {
        await shared.owned.stop();
        removeOwnedDir(shared.dir);
      }
    }
    const done = reps.filter((r) => r.cold.kubectlMs !== undefined);
    const m = (f: (r: Repetition) => number | undefined) => med(done.map(f));
    const summary = {
      kubeconfigLineMs: m((r) => r.cold.kubeconfigLineMs),
      readyzMs: m((r) => r.cold.readyzMs),
      nodesReadyMs: m((r) => r.cold.nodesReadyMs),
      kubectlMs: m((r) => r.cold.kubectlMs),
      rawEtcdMs: m((r) => r.rawEtcdMs),
      warmReadyzMs: m((r) => r.warm.readyzMs),
      warmKubectlMs: m((r) => r.warm.kubectlMs),
      serverRssMB: m((r) => r.idle?.serverRssBytes) / MiB,
      etcdRssMB: m((r) => r.idle?.etcdRssBytes) / MiB,
      serverIdleCpuPercent: m((r) => r.idle?.serverCpuPercent),
      etcdIdleCpuPercent: m((r) => r.idle?.etcdCpuPercent),
      stopMs: m((r) => r.stopMs),
    };
    return {
      scenario: 'coldstart',
      case: c.label,
      error,
      metrics: { ...p, repeat: o.repeat, summary, repetitions: reps },
      cells: {
        scenario: 'coldstart',
        cluster: c.label,
        starts: `${done.length}/${o.repeat}`,
        'line ms': ms(summary.kubeconfigLineMs),
        'readyz ms': ms(summary.readyzMs),
        'nodes Ready ms': ms(summary.nodesReadyMs),
        'kubectl ms': ms(summary.kubectlMs),
        'raw etcd ms': ms(summary.rawEtcdMs),
        'ours/raw': fmt(summary.readyzMs / summary.rawEtcdMs, 1),
        'warm readyz/kubectl ms': `${ms(summary.warmReadyzMs)}/${ms(summary.warmKubectlMs)}`,
        'idle RSS MB srv/etcd': p.sharedEtcd ? `${fmt(summary.serverRssMB)}/(shared)` : `${fmt(summary.serverRssMB)}/${fmt(summary.etcdRssMB)}`,
        'idle CPU % srv/etcd': p.sharedEtcd ? `${fmt(summary.serverIdleCpuPercent, 1)}/(shared)` : `${fmt(summary.serverIdleCpuPercent, 1)}/${fmt(summary.etcdIdleCpuPercent, 1)}`,
        'stop ms': ms(summary.stopMs),
      },
    };
  },
};
