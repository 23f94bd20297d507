// Starts Wheelhouse exactly as a user does: `node --import tsx src/cli/main.ts up --port 0 --state-dir DIR`
// from the repository root, waits for the `export KUBECONFIG=<path>` line, and stops it with SIGTERM.
// Nothing is mocked or imported from src/: the suites talk to the running process only over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RunningCluster {
  /** Path of the kubeconfig the server wrote (inside the state dir). */
  kubeconfig: string;
  /** The API server URL as printed on the `up` line. */
  url: string;
  stateDir: string;
  /** The last part of the server's stdout+stderr, for failure messages. */
  output(): string;
  /** SIGTERM, wait for a clean exit (SIGKILL to the process group after a grace period), remove the state dir. */
  stop(): Promise<void>;
  /** SIGKILL to the whole process group at once (a crash: nothing gets to clean up), then wait for the exit. */
  crash(): Promise<void>;
}

export interface StartOptions {
  /** How long to wait for the `export KUBECONFIG=` line. */
  startTimeoutMs?: number;
  /** Keep the state dir after stop() (for debugging, or to restart on it). */
  keepStateDir?: boolean;
  /** Use this state dir instead of a fresh temporary one. */
  stateDir?: string;
  /** More `up` flags, e.g. `--nodes 0`. */
  args?: string[];
}

const MAX_OUTPUT = 64 * 1024;

export async function startCluster(opts: StartOptions = {}): Promise<RunningCluster> {
  const stateDir = opts.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'wheelhouse-conformance-'));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'up', '--port', '0', '--state-dir', stateDir, ...(opts.args ?? [])],
    {
      cwd: REPO_ROOT,
      // Own process group, so a last-resort SIGKILL also reaches the etcd child it started.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KUBECONFIG: undefined },
    },
  );
  let out = '';
  const append = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > MAX_OUTPUT) out = out.slice(out.length - MAX_OUTPUT);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  let exited = false;
  let exitCode: number | null = null;
  let exitSignal: NodeJS.Signals | null = null;
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      exitCode = code;
      exitSignal = signal;
      resolve();
    });
  });

  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`wheelhouse up did not print "export KUBECONFIG=" within ${timeoutMs} ms; output:\n${out}`));
    }, timeoutMs);
    const check = () => {
      const m = out.match(/up at (\S+);.*export KUBECONFIG=(\S+)/) ?? out.match(/()export KUBECONFIG=(\S+)/);
      if (m) {
        cleanup();
        resolve(m);
      }
    };
    const onExit = () => {
      cleanup();
      reject(new Error(`wheelhouse up exited early (code ${exitCode}, signal ${exitSignal}); output:\n${out}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout!.on('data', check);
    child.on('exit', onExit);
    check();
  }).catch(async (err: unknown) => {
    await killGroup(child, exitPromise, () => exited);
    if (!opts.keepStateDir) rmSync(stateDir, { recursive: true, force: true });
    throw err;
  });

  let stopped = false;
  return {
    kubeconfig: match[2]!,
    url: match[1] ?? '',
    stateDir,
    output: () => out,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await killGroup(child, exitPromise, () => exited);
      if (!opts.keepStateDir) rmSync(stateDir, { recursive: true, force: true });
    },
    crash: async () => {
      if (stopped) return;
      stopped = true;
      if (!exited && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }
      await Promise.race([exitPromise, sleep(5_000)]);
      if (!opts.keepStateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

async function killGroup(child: ChildProcess, exitPromise: Promise<void>, hasExited: () => boolean): Promise<void> {
  if (hasExited() || child.pid === undefined) return;
  child.kill('SIGTERM');
  const graceful = await Promise.race([exitPromise.then(() => true), sleep(15_000).then(() => false)]);
  if (graceful) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
  await Promise.race([exitPromise, sleep(5_000)]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * One `wheelhouse up` for a whole test file: started in the file's `before`, stopped in its `after`. The
 * handle is empty until then; tests read it from inside their bodies.
 */
export function clusterForFile(opts: StartOptions = {}): RunningCluster {
  const handle = {} as RunningCluster;
  before(async () => {
    Object.assign(handle, await startCluster(opts));
  });
  after(async () => {
    await handle.stop?.();
  });
  return handle;
}
