// Expectations under watch lag: a ReplicaSet controller whose pod informer sees everything a second
// late still creates exactly spec.replicas pods, although its ReplicaSet's own status writes make it
// sync again (and list no pods) well within that second.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { AppsV1Api, CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { Clients } from '../../src/client/clients.ts';
import type { Informer, InformerEvent } from '../../src/client/informer.ts';
import { kubeConfigForServer } from '../../src/client/kubeconfig.ts';
import { SharedInformers } from '../../src/client/shared-informers.ts';
import { DEFAULT_TIMINGS, type Controller, type ControllerContext } from '../../src/controllers/controller.ts';
import { newReplicaSetController } from '../../src/controllers/replicaset.ts';
import { waitFor } from '../kubelet/cluster.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';

const LAG_MS = 1500;

/** The pods informer as seen over a slow watch: every event (and the cache) LAG_MS late. */
class LaggingPods {
  private readonly cache = new Map<string, V1Pod>();
  private readonly handlers: Record<InformerEvent, ((p: V1Pod) => void)[]> = { add: [], update: [], delete: [] };
  readonly synced: Promise<void>;

  constructor(private readonly inner: Informer<V1Pod>) {
    this.synced = inner.synced;
    for (const ev of ['add', 'update', 'delete'] as const) {
      inner.on(ev, (p) => {
        const t = setTimeout(() => {
          const key = `${p.metadata?.namespace}/${p.metadata?.name}`;
          if (ev === 'delete') this.cache.delete(key);
          else this.cache.set(key, p);
          for (const h of this.handlers[ev]) h(p);
        }, LAG_MS);
        t.unref();
      });
    }
  }

  get isSynced(): boolean {
    return this.inner.isSynced;
  }
  on(ev: InformerEvent, h: (p: V1Pod) => void): void {
    this.handlers[ev].push(h);
  }
  get(name: string, namespace?: string): V1Pod | undefined {
    return this.cache.get(`${namespace}/${name}`);
  }
  list(namespace?: string): V1Pod[] {
    return [...this.cache.values()].filter((p) => namespace === undefined || p.metadata?.namespace === namespace);
  }
}

let cluster: TestCluster;
let kc: KubeConfig;
let clients: Clients;
let informers: SharedInformers;
let controller: Controller;

before(async () => {
  cluster = await startTestCluster();
  kc = kubeConfigForServer(cluster.url);
  clients = new Clients(kc);
  informers = new SharedInformers(clients);
  const pods = new LaggingPods(informers.get('pods'));
  const ctx: ControllerContext = {
    kubeConfig: kc,
    clients,
    informers: { get: (r: string) => (r === 'pods' ? pods : informers.get(r as 'replicasets')) } as unknown as SharedInformers,
    timings: DEFAULT_TIMINGS,
    clusterCIDR: '10.244.0.0/16',
    log: () => {},
  };
  controller = newReplicaSetController(ctx);
  await informers.start();
  await controller.start();
});

after(async () => {
  await controller?.stop();
  await informers?.stop();
  clients?.close();
  await cluster?.stop();
});

it('never creates more pods than replicas while the pod watch lags', { timeout: 30_000 }, async () => {
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  await apps.createNamespacedReplicaSet({
    namespace: 'default',
    body: {
      metadata: { name: 'lag' },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'lag' } },
        template: { metadata: { labels: { app: 'lag' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } },
      },
    },
  });
  // No scheduler or nodes: the pods stay Pending, which is all this needs.
  await waitFor('status counts 4 replicas', async () => {
    const rs = await apps.readNamespacedReplicaSet({ name: 'lag', namespace: 'default' });
    return rs.status?.replicas === 4;
  });
  // Twice the lag more: anything created by a sync that did not wait would be visible by now.
  await new Promise((r) => setTimeout(r, 2 * LAG_MS));
  const pods = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=lag' })).items;
  assert.equal(pods.length, 4);
  const events = (await core.listNamespacedEvent({ namespace: 'default', fieldSelector: 'involvedObject.name=lag,reason=SuccessfulCreate' })).items;
  assert.equal(events.reduce((n, e) => n + (e.count ?? 1), 0), 4);
});
