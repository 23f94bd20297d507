// The informer against a real API server: one object shape for list and watch, and update handlers that
// get the object as it was before the change (what controllers compare to decide what to requeue).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import { Clients, MERGE_PATCH } from '../../src/client/clients.ts';
import { kubeConfigForServer } from '../../src/client/kubeconfig.ts';
import { Informer } from '../../src/client/informer.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { waitFor } from '../kubelet/cluster.ts';

describe('Informer', () => {
  let c: TestCluster;
  let clients: Clients;
  let core: CoreV1Api;
  let informer: Informer<V1ConfigMap>;
  const updates: { now?: string; before?: string }[] = [];

  before(async () => {
    c = await startTestCluster();
    const kc = kubeConfigForServer(c.url);
    clients = new Clients(kc);
    core = clients.core;
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'listed' }, data: { v: '1' } } });
    informer = new Informer<V1ConfigMap>(kc, { path: '/api/v1/configmaps', type: 'V1ConfigMap', list: () => core.listConfigMapForAllNamespaces() });
    informer.on('update', (cm, old) => updates.push({ now: cm.data?.v, before: old?.data?.v }));
    await informer.start();
    await informer.synced;
  });
  after(async () => {
    await informer.stop();
    clients.close();
    await c.stop();
  });

  it('hands update handlers the previous version of the object', async () => {
    await core.patchNamespacedConfigMap({ name: 'listed', namespace: 'default', body: { data: { v: '2' } } }, MERGE_PATCH);
    await waitFor('the first update', async () => updates.length >= 1);
    await core.replaceNamespacedConfigMap({ name: 'listed', namespace: 'default', body: { metadata: { name: 'listed' }, data: { v: '3' } } });
    await waitFor('the second update', async () => updates.length >= 2);
    assert.deepEqual(updates, [
      { now: '2', before: '1' },
      { now: '3', before: '2' },
    ]);
    assert.equal(informer.get('listed', 'default')?.data?.v, '3');
  });
});
