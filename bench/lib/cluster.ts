// A cluster started the way a user starts one — `wheelhouse up` in a child process — plus components
// (`wheelhouse scheduler`, later others) as further child processes against it. Each gets a fresh
// temp state dir, its output in log files there, and is torn down by procs.ts whatever happens.
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiClient, sleep } from './http.ts';
import { childPids, ownedTempDir, releaseOwnedDir, removeOwnedDir, spawnOwned, type Owned } from './procs.ts';

export interface ClusterOptions {
  repo: string;
  /** Extra `wheelhouse up` flags (the defaults: no node agents, no scheduler, a /9 pod range). */
  upArgs?: string[];
  /** Node flags for the server process, e.g. ['--cpu-prof', '--cpu-prof-dir', dir]. */
  nodeFlags?: string[];
  startTimeoutMs?: number;
  /** Keep the state dir (etcd data, logs) after stop, for a post-mortem. */
  keepState?: boolean;
  log?: (line: string) => void;
}

export interface Component {
  proc: Owned;
  pid: number;
  logPath: string;
  /** When the component printed its ready line (performance.now() ms). */
  readyAt: number;
  /** The match of its ready pattern in its output (groups: addresses it printed). */
  readyMatch?: RegExpExecArray;
  stop(): Promise<void>;
}

export interface Cluster {
  url: string;
  kubeconfig: string;
  stateDir: string;
  /** The `wheelhouse up` process: API server, node IPAM controller. */
  serverPid: number;
  /** Its embedded etcd, when found. */
  etcdPid?: number;
  api(maxSockets: number): ApiClient;
  /** `node --import tsx src/cli/main.ts <args>`, resolved once it prints a line matching `ready`. */
  spawnComponent(name: string, args: string[], ready: RegExp, opts?: { nodeFlags?: string[]; timeoutMs?: number }): Promise<Component>;
  /** Tail of a log file of this cluster, for failure reports. */
  tail(file: string, lines?: number): string;
  stop(): Promise<void>;
}

const CLI = 'src/cli/main.ts';

/** Resolves with the first match of `pattern` in the child's stdout; rejects if it exits first or time runs out. */
function waitForLine(proc: Owned, pattern: RegExp, timeoutMs: number, what: string, logPath: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what}: not ready after ${timeoutMs} ms; see ${logPath}`)), timeoutMs);
    proc.child.stdout!.setEncoding('utf8');
    proc.child.stdout!.on('data', (d: string) => {
      out += d;
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    void proc.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was ready; log:\n${tailFile(logPath, 20)}`));
    });
  });
}

function tailFile(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const log = opts.log ?? (() => {});
  const stateDir = ownedTempDir('wheelhouse-bench-');
  const serverLog = path.join(stateDir, 'server.log');
  const fd = openSync(serverLog, 'a');
  const startTimeout = opts.startTimeoutMs ?? 60_000;
  const upArgs = ['up', '--port', '0', '--host', '127.0.0.1', '--nodes', '0', '--no-scheduler', '--state-dir', stateDir, '--cluster-cidr', '10.128.0.0/9', ...(opts.upArgs ?? [])];
  const server = spawnOwned('wheelhouse up', process.execPath, [...(opts.nodeFlags ?? []), '--import', 'tsx', CLI, ...upArgs], {
    cwd: opts.repo,
    stdio: ['ignore', 'pipe', fd],
  });
  closeSync(fd);
  const components: Component[] = [];
  const stop = async () => {
    for (const c of components.reverse()) {
      await c.stop();
      // A component that ignores SIGTERM also loses its --cpu-prof profile; say so.
      if (c.proc.stopped?.killed) log(`${c.proc.name} did not exit within its grace period after SIGTERM; killed`);
    }
    await server.stop();
    if (server.stopped?.killed) log('wheelhouse up did not exit within its grace period after SIGTERM; killed');
    if (!opts.keepState) removeOwnedDir(stateDir);
    else {
      releaseOwnedDir(stateDir);
      log(`state kept in ${stateDir}`);
    }
  };
  try {
    const m = await waitForLine(server, /Wheelhouse is up at (\S+); use it with: export KUBECONFIG=(\S+)/, startTimeout, 'wheelhouse up', serverLog);
    const url = m[1]!.replace(/;$/, '');
    const kubeconfig = m[2]!;
    // The ready line comes after the listener is up; /readyz also checks etcd.
    const probe = new ApiClient(url, 1, 5_000);
    const deadline = Date.now() + startTimeout;
    for (;;) {
      const res = await probe.request<unknown>('GET', '/readyz', undefined, 1).catch(() => undefined);
      if (res?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`wheelhouse up at ${url}: /readyz not OK after ${startTimeout} ms`);
      await sleep(100);
    }
    probe.close();
    const serverPid = server.child.pid!;
    const etcdPid = childPids(serverPid, 'etcd')[0];
    log(`cluster up at ${url} (server pid ${serverPid}, etcd pid ${etcdPid ?? '?'}), state in ${stateDir}`);
    return {
      url,
      kubeconfig,
      stateDir,
      serverPid,
      etcdPid,
      api: (maxSockets) => new ApiClient(url, maxSockets),
      tail: (file, lines) => tailFile(path.join(stateDir, file), lines),
      stop,
      async spawnComponent(name, args, ready, copts = {}) {
        const logPath = path.join(stateDir, `${name}.log`);
        const cfd = openSync(logPath, 'a');
        const proc = spawnOwned(name, process.execPath, [...(copts.nodeFlags ?? []), '--import', 'tsx', CLI, ...args], {
          cwd: opts.repo,
          stdio: ['ignore', 'pipe', cfd],
        });
        closeSync(cfd);
        // Generous: a scheduler drains its queued Event writes before exiting, and --cpu-prof needs a clean exit.
        const component: Component = { proc, pid: proc.child.pid!, logPath, readyAt: 0, stop: () => proc.stop(60_000) };
        components.push(component);
        component.readyMatch = await waitForLine(proc, ready, copts.timeoutMs ?? startTimeout, name, logPath);
        component.readyAt = performance.now();
        return component;
      },
    };
  } catch (err) {
    log(`server log:\n${tailFile(serverLog)}`);
    await stop();
    throw err;
  }
}
