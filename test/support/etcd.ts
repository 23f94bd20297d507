// A real etcd for a test file; nothing is mocked.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, startEtcd, type EmbeddedEtcd } from '../../src/cli/etcd-supervisor.ts';
import { waitFor } from './wait.ts';

export interface TestEtcd {
  etcd: EmbeddedEtcd;
  dir: string;
  stop(): Promise<void>;
}

export async function startTestEtcd(): Promise<TestEtcd> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wheelhouse-test-'));
  const etcd = await startEtcd({ dataDir: path.join(dir, 'etcd'), logFile: path.join(dir, 'etcd.log'), quotaBytes: 512 * 1024 * 1024 });
  return {
    etcd,
    dir,
    stop: async () => {
      await etcd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}


/**
 * An etcd process on fixed loopback ports that a test can kill (SIGKILL) and start again on the same
 * ports and data, to play an outage under a running server.
 */
export interface RestartableEtcd {
  url: string;
  start(): Promise<void>;
  kill(): Promise<void>;
}

export async function restartableEtcd(dataDir: string): Promise<RestartableEtcd> {
  const url = `http://127.0.0.1:${await freePort()}`;
  const peer = `http://127.0.0.1:${await freePort()}`;
  let child: ChildProcess | undefined;
  return {
    url,
    start: async () => {
      child = spawn(
        'etcd',
        ['--name', 'restartable', '--data-dir', dataDir, '--listen-client-urls', url, '--advertise-client-urls', url,
          '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `restartable=${peer}`],
        { stdio: 'ignore' },
      );
      await waitFor(
        'etcd healthy',
        async () => {
          try {
            return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(500) })).ok ? true : undefined;
          } catch {
            return undefined;
          }
        },
        30_000,
      );
    },
    kill: async () => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGKILL');
      });
    },
  };
}
