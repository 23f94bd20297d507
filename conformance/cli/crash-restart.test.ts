// `wheelhouse up` killed with SIGKILL in the middle of a write load, three times at seeded random
// moments, and restarted against the same etcd: every write that was answered 2xx is there with the
// data it was answered for, resourceVersions only grow, and watching clients carry on (a watch resumed
// from before the crash continues or is told to re-list, as upstream's; an informer sees new writes).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CoreV1Api, Watch, makeInformer, type V1ConfigMap } from '@kubernetes/client-node';
import { loadKubeConfig } from '../support/kubeconfig.ts';
import { restartableEtcd, type RestartableEtcd } from '../../test/support/etcd.ts';
import { startCluster, type RunningCluster } from '../support/cluster.ts';
import { pollUntil } from '../support/poll.ts';

const ROUNDS = 3;
const WRITERS = 8;
/** Writes per writer per round at most (the kill usually comes first). */
const MAX_WRITES = 400;

/** mulberry32: a small seeded PRNG, so the kill moments are the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}


describe('SIGKILL during writes', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wheelhouse-crash-'));
  let etcd: RestartableEtcd | undefined;
  let cluster: RunningCluster | undefined;

  after(async () => {
    await cluster?.stop();
    await etcd?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no acknowledged write and resumes watches', { timeout: 180_000 }, async () => {
    etcd = await restartableEtcd(path.join(dir, 'etcd'));
    await etcd.start();
    const clientURL = etcd.url;
    const up = () => startCluster({ args: ['--etcd-servers', clientURL, '--nodes', '0', '--no-scheduler'] });
    const random = prng(20261123);
    /** name → [resourceVersion, data] as answered. */
    const acknowledged = new Map<string, { rv: number; value: string }>();
    let lastSeenRV = 0;
    let failed = 0;

    for (let round = 0; round < ROUNDS; round++) {
      cluster = await up();
      const api = loadKubeConfig(cluster.kubeconfig).makeApiClient(CoreV1Api);
      let killed = false;
      const writer = async (w: number) => {
        for (let i = 0; i < MAX_WRITES && !killed; i++) {
          const name = `r${round}-w${w}-${i}`;
          const value = `${round}/${w}/${i}`;
          try {
            const made: V1ConfigMap = await api.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name }, data: { value } } });
            const rv = Number(made.metadata!.resourceVersion);
            acknowledged.set(name, { rv, value });
            lastSeenRV = Math.max(lastSeenRV, rv);
          } catch {
            failed++;
            return;
          }
        }
      };
      const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
      await new Promise((r) => setTimeout(r, 300 + Math.floor(random() * 1200)));
      killed = true;
      await cluster.crash();
      await Promise.all(writers);
    }

    cluster = await up();
    const kc = loadKubeConfig(cluster.kubeconfig);
    const api = kc.makeApiClient(CoreV1Api);
    const { items } = await api.listNamespacedConfigMap({ namespace: 'default' });
    const stored = new Map(items.map((c) => [c.metadata!.name!, c]));
    let lost = 0;
    for (const [name, ack] of acknowledged) {
      const got = stored.get(name);
      if (!got || got.data?.value !== ack.value) lost++;
      // Unchanged since it was written: the version is the one the create answered.
      else assert.equal(Number(got.metadata!.resourceVersion), ack.rv, name);
    }
    console.log(`# crash-restart: ${acknowledged.size} acknowledged writes checked, ${lost} lost, ${failed} writes cut off by the kills`);
    assert.ok(acknowledged.size > 0, 'writes were acknowledged');
    assert.equal(lost, 0, 'acknowledged writes lost');
    // Later rounds only ever got higher versions.
    const byRound = [0, 1, 2].map((r) => [...acknowledged].filter(([n]) => n.startsWith(`r${r}-`)).map(([, a]) => a.rv));
    for (let r = 1; r < ROUNDS; r++) {
      if (byRound[r]!.length && byRound[r - 1]!.length) assert.ok(Math.min(...byRound[r]!) > Math.max(...byRound[r - 1]!), `round ${r} versions grow`);
    }

    // A client that watched from before the crash: its resumed watch either continues (its version is
    // still in the new server's window) or is told 410 Expired, upstream's cue to re-list; an informer
    // does that by itself and sees writes made after the restart.
    let abort: (() => void) | undefined;
    const outcome = new Promise<string>((resolve) => {
      void new Watch(kc)
        .watch(
          '/api/v1/namespaces/default/configmaps',
          { resourceVersion: String(lastSeenRV) },
          (type, obj: { code?: number }) => resolve(type === 'ERROR' ? `ERROR ${obj.code}` : 'events'),
          (err: unknown) => resolve(`ended ${String(err)}`),
        )
        .then((ctl) => (abort = () => ctl.abort()));
    });
    // Something to see for a watch that continued (one that did not sees 410 first).
    await new Promise((r) => setTimeout(r, 200));
    await api.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'after-restart' }, data: { value: 'x' } } });
    const resumed = await Promise.race([outcome, new Promise<string>((r) => setTimeout(() => r('nothing within 10 s'), 10_000).unref())]);
    abort?.();
    console.log(`# crash-restart: resumed watch: ${resumed}`);
    assert.ok(resumed === 'events' || resumed === 'ERROR 410', resumed);
    const informer = makeInformer<V1ConfigMap>(kc, '/api/v1/namespaces/default/configmaps', () => api.listNamespacedConfigMap({ namespace: 'default' }));
    await informer.start();
    try {
      await pollUntil('informer sees the new write', async () => (informer.get('after-restart', 'default') ? true : undefined), { timeoutMs: 10_000, intervalMs: 50 });
      assert.ok(acknowledged.size > 0 && [...acknowledged.keys()].every((n) => informer.get(n, 'default') !== undefined), 'the informer lists every acknowledged write');
    } finally {
      await informer.stop();
    }
  });
});
