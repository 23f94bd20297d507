// The ServiceAccount controller against a real API server: a `default` ServiceAccount in every
// namespace, the bootstrap ones and new ones, and back after it is deleted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;

before(async () => {
  c = await startNodesCluster({ nodes: [], scheduler: false, controllers: ['serviceaccount-controller'] });
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 30_000 };

async function defaultSA(namespace: string) {
  return waitFor(`serviceaccount ${namespace}/default`, async () => {
    try {
      return await c.core.readNamespacedServiceAccount({ name: 'default', namespace });
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  });
}

describe('serviceaccount controller', () => {
  it('the namespaces the cluster starts with get a default ServiceAccount', T, async () => {
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      const sa = await defaultSA(ns);
      assert.equal(sa.metadata?.namespace, ns);
    }
  });

  it('a new namespace gets one, with nothing but its name', T, async () => {
    await c.core.createNamespace({ body: { metadata: { name: 'sa-new' } } });
    const sa = await defaultSA('sa-new');
    assert.equal(sa.metadata?.name, 'default');
    assert.equal(sa.metadata?.labels, undefined);
    assert.equal(sa.secrets, undefined);
    const list = await c.core.listNamespacedServiceAccount({ namespace: 'sa-new' });
    assert.deepEqual(
      list.items.map((s) => s.metadata?.name),
      ['default'],
    );
  });

  it('a deleted default ServiceAccount is created again; other ServiceAccounts are not touched', T, async () => {
    await c.core.createNamespace({ body: { metadata: { name: 'sa-again' } } });
    const first = await defaultSA('sa-again');
    await c.core.createNamespacedServiceAccount({ namespace: 'sa-again', body: { metadata: { name: 'builder' } } });
    await c.core.deleteNamespacedServiceAccount({ name: 'default', namespace: 'sa-again' });
    const second = await waitFor('a new default ServiceAccount', async () => {
      const sa = await defaultSA('sa-again');
      return sa.metadata?.uid !== first.metadata?.uid ? sa : undefined;
    });
    assert.ok(second.metadata?.uid);
    await c.core.deleteNamespacedServiceAccount({ name: 'builder', namespace: 'sa-again' });
    // Once the controller has had the chance to react (a later change it handles), builder stays gone.
    await c.core.createNamespace({ body: { metadata: { name: 'sa-marker' } } });
    await defaultSA('sa-marker');
    const names = (await c.core.listNamespacedServiceAccount({ namespace: 'sa-again' })).items.map((s) => s.metadata?.name);
    assert.deepEqual(names, ['default']);
  });
});
