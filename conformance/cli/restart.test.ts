// `wheelhouse up --state-dir DIR` keeps everything: a restart on the same dir finds the cluster as it was,
// and SIGTERM stops the embedded etcd with the server.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startCluster } from '../support/cluster.ts';

function kubectl(kubeconfig: string, home: string, ...args: string[]): string {
  return execFileSync('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: home }, encoding: 'utf8', timeout: 30_000 });
}

function etcdRunningFor(stateDir: string): boolean {
  try {
    return execFileSync('pgrep', ['-f', '--', `--data-dir ${path.join(stateDir, 'etcd')}`], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

describe('wheelhouse up', () => {
  it('keeps objects across a restart on the same state dir and stops its etcd', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'wheelhouse-restart-'));
    const home = mkdtempSync(path.join(os.tmpdir(), 'wheelhouse-home-'));
    try {
      const first = await startCluster({ stateDir, keepStateDir: true });
      try {
        assert.match(kubectl(first.kubeconfig, home, 'create', 'configmap', 'keepme', '--from-literal=a=b'), /configmap\/keepme created/);
        assert.ok(etcdRunningFor(stateDir));
      } finally {
        await first.stop();
      }
      assert.equal(etcdRunningFor(stateDir), false);
      const second = await startCluster({ stateDir });
      try {
        const out = kubectl(second.kubeconfig, home, 'get', 'configmap', 'keepme', '-o', 'jsonpath={.data.a}');
        assert.equal(out, 'b');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    }
  });
});
