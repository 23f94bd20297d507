// The embedded default: start an etcd child process on free loopback ports, wait until it answers,
// and stop it with the cluster. Used by `wheelhouse up` and by the test suites.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedEtcd {
  endpoints: string[];
  dataDir: string;
  stop(): Promise<void>;
}

export interface EtcdOptions {
  dataDir: string;
  binary?: string;
  logFile?: string;
  /** Quota in bytes; etcd's 2 GiB default is fine for clusters, tests use less disk with smaller. */
  quotaBytes?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    if (!res.ok) return false;
    const body = (await res.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}

export async function startEtcd(opts: EtcdOptions): Promise<EmbeddedEtcd> {
  mkdirSync(opts.dataDir, { recursive: true });
  const binary = opts.binary ?? process.env.WHEELHOUSE_ETCD_BINARY ?? 'etcd';
  // Retry on the rare race where another process grabs a port between probing and binding.
  for (let attempt = 0; ; attempt++) {
    const clientPort = await freePort();
    const peerPort = await freePort();
    const clientURL = `http://127.0.0.1:${clientPort}`;
    const logFd = openSync(opts.logFile ?? path.join(opts.dataDir, '..', 'etcd.log'), 'a');
    const child: ChildProcess = spawn(
      binary,
      [
        '--name', 'wheelhouse',
        '--data-dir', opts.dataDir,
        '--listen-client-urls', clientURL,
        '--advertise-client-urls', clientURL,
        '--listen-peer-urls', `http://127.0.0.1:${peerPort}`,
        '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
        '--initial-cluster', `wheelhouse=http://127.0.0.1:${peerPort}`,
        '--quota-backend-bytes', String(opts.quotaBytes ?? 2 * 1024 * 1024 * 1024),
        '--max-request-bytes', String(3 * 1024 * 1024),
        '--logger', 'zap',
        '--log-outputs', 'stderr',
      ],
      { stdio: ['ignore', logFd, logFd] },
    );
    closeSync(logFd);
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + 30_000;
    while (!exited && Date.now() < deadline) {
      // A child that lost the port race exits at once, while /health may be answered by whoever won it.
      if ((await healthy(clientURL)) && !(await exitsWithin(child, 200))) {
        return {
          endpoints: [clientURL],
          dataDir: opts.dataDir,
          stop: () => stopChild(child),
        };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await stopChild(child);
    if (attempt >= 2) throw new Error(`etcd did not become healthy (see ${opts.dataDir}/../etcd.log)`);
  }
}

function exitsWithin(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
