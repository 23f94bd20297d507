// A real etcd for a test file; nothing is mocked.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEtcd, type EmbeddedEtcd } from '../../src/cli/etcd-supervisor.ts';

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

