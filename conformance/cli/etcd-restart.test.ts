// `wheelhouse up --etcd-servers URL` against an etcd that dies and comes back: the whole cluster —
// API server, scheduler, controllers, node agents, all in the `up` process — carries on by itself.
// Nothing written before is lost, and a Deployment created after the outage gets its pods scheduled
// and Running, which needs every component's informers to have re-listed and re-watched.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { restartableEtcd, type RestartableEtcd } from '../../test/support/etcd.ts';
import { startCluster, type RunningCluster } from '../support/cluster.ts';
import { pollUntil } from '../support/poll.ts';

const run = promisify(execFile);

describe('an etcd outage under a running cluster', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wheelhouse-etcd-outage-'));
  const home = mkdtempSync(path.join(os.tmpdir(), 'wheelhouse-home-'));
  let etcd: RestartableEtcd | undefined;
  let cluster: RunningCluster | undefined;
  const kubectl = async (...args: string[]) =>
    (await run('kubectl', args, { env: { ...process.env, KUBECONFIG: cluster!.kubeconfig, HOME: home }, encoding: 'utf8', timeout: 30_000 })).stdout;
  const readyReplicas = async (name: string) => (await kubectl('get', 'deployment', name, '-o', 'jsonpath={.status.readyReplicas}')).trim();

  after(async () => {
    await cluster?.stop();
    await etcd?.kill();
    rmSync(dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it('keeps what it had and runs new work once etcd is back, without a restart', { timeout: 150_000 }, async () => {
    etcd = await restartableEtcd(path.join(dir, 'etcd'));
    await etcd.start();
    cluster = await startCluster({ args: ['--etcd-servers', etcd.url, '--nodes', '2', '--runtime-latency-scale', '0.1'] });
    assert.match(await kubectl('create', 'deployment', 'before', '--image=nginx', '--replicas=2'), /deployment.apps\/before created/);
    await pollUntil('before ready', async () => ((await readyReplicas('before')) === '2' ? true : undefined), { timeoutMs: 60_000, intervalMs: 250 });

    await etcd.kill();
    // Long enough for every watch to notice and every informer to start failing its re-lists.
    await new Promise((r) => setTimeout(r, 3000));
    await etcd.start();

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
