// `wheelhouse up --etcd-servers URL` against an etcd that dies and comes back: the whole cluster —
// API server, scheduler, controllers, node agents, all in the `up` process — carries on by itself.
// Nothing written before is lost, and a Deployment created after the outage gets its pods scheduled
// and Running, which needs every component's informers to have re-listed and re-watched.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { freePort } from '../../src/cli/etcd-supervisor.ts';
import { startCluster, type RunningCluster } from '../support/cluster.ts';
import { pollUntil } from '../support/poll.ts';

const run = promisify(execFile);

describe('an etcd outage under a running cluster', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wheelhouse-etcd-outage-'));
  const home = mkdtempSync(path.join(os.tmpdir(), 'wheelhouse-home-'));
  let etcd: ChildProcess | undefined;
  let cluster: RunningCluster | undefined;
  let clientURL = '';
  let peerURL = '';

  const startEtcd = async () => {
    etcd = spawn(
      'etcd',
      ['--name', 'outage', '--data-dir', path.join(dir, 'etcd'), '--listen-client-urls', clientURL, '--advertise-client-urls', clientURL,
        '--listen-peer-urls', peerURL, '--initial-advertise-peer-urls', peerURL, '--initial-cluster', `outage=${peerURL}`],
      { stdio: 'ignore' },
    );
    await pollUntil(
      'etcd healthy',
      async () => ((await fetch(`${clientURL}/health`, { signal: AbortSignal.timeout(500) })).ok ? true : undefined),
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  };
  const killEtcd = async () => {
    const child = etcd!;
    if (child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  };
  const kubectl = async (...args: string[]) =>
    (await run('kubectl', args, { env: { ...process.env, KUBECONFIG: cluster!.kubeconfig, HOME: home }, encoding: 'utf8', timeout: 30_000 })).stdout;
  const readyReplicas = async (name: string) => (await kubectl('get', 'deployment', name, '-o', 'jsonpath={.status.readyReplicas}')).trim();

  after(async () => {
    await cluster?.stop();
    if (etcd) await killEtcd();
    rmSync(dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it('keeps what it had and runs new work once etcd is back, without a restart', { timeout: 150_000 }, async () => {
    clientURL = `http://127.0.0.1:${await freePort()}`;
    peerURL = `http://127.0.0.1:${await freePort()}`;
    await startEtcd();
    cluster = await startCluster({ args: ['--etcd-servers', clientURL, '--nodes', '2', '--runtime-latency-scale', '0.1'] });
    assert.match(await kubectl('create', 'deployment', 'before', '--image=nginx', '--replicas=2'), /deployment.apps\/before created/);
    await pollUntil('before ready', async () => ((await readyReplicas('before')) === '2' ? true : undefined), { timeoutMs: 60_000, intervalMs: 250 });

    await killEtcd();
    // Long enough for every watch to notice and every informer to start failing its re-lists.
    await new Promise((r) => setTimeout(r, 3000));
    await startEtcd();

    // The first write may meet the client's open circuit breaker for a few seconds: kubectl is retried.
    await pollUntil(
      'create accepted after the outage',
      async () => ((await kubectl('create', 'deployment', 'after', '--image=nginx', '--replicas=2')).includes('created') ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    await pollUntil('after ready', async () => ((await readyReplicas('after')) === '2' ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 250,
      context: () => cluster!.output(),
    });
    assert.equal(await readyReplicas('before'), '2', 'what ran before the outage still runs');
  });
});
