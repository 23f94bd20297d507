// Custom resources through @kubernetes/client-node against `wheelhouse up` (controllers running): a CRD
// created with ApiextensionsV1Api becomes Established; custom objects are created, listed by label,
// patched, watched by an informer through churn, have their /status written; the garbage collector
// deletes a custom object whose owner is gone, namespace deletion removes them, and after a restart on
// the same state dir the resource is served again with its objects.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  makeInformer,
  setHeaderOptions,
  type KubernetesObject,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { loadKubeConfig } from '../support/kubeconfig.ts';
import { startCluster, type RunningCluster } from '../support/cluster.ts';
import { pollUntil } from '../support/poll.ts';

const GROUP = 'ops.example.com';
const PLURAL = 'databases';
const T = { timeout: 60_000 };

const crd: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${PLURAL}.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: PLURAL, singular: 'database', kind: 'Database', shortNames: ['db'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { engine: { type: 'string' }, storageGB: { type: 'integer', _default: 10 } } },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

interface Database extends KubernetesObject {
  spec?: { engine?: string; storageGB?: number };
  status?: { phase?: string };
}

function db(name: string, engine: string, extra: Partial<Database['metadata']> = {}): Database {
  return { apiVersion: `${GROUP}/v1`, kind: 'Database', metadata: { name, ...extra }, spec: { engine } };
}

describe('custom resources through @kubernetes/client-node', () => {
  let cluster: RunningCluster;
  let kc: KubeConfig;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  const stateDir = `/tmp/wheelhouse-cr-${process.pid}`;

  // Whatever failed on the way, no cluster or state dir outlives the file.
  after(async () => {
    await cluster?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const connect = () => {
    kc = loadKubeConfig(cluster.kubeconfig);
    custom = kc.makeApiClient(CustomObjectsApi);
    core = kc.makeApiClient(CoreV1Api);
  };
  const list = async (namespace: string, labelSelector?: string) =>
    ((await custom.listNamespacedCustomObject({ group: GROUP, version: 'v1', namespace, plural: PLURAL, labelSelector })) as { items: Database[] }).items;

  it('creates the CRD and waits for Established', T, async () => {
    cluster = await startCluster({ stateDir, keepStateDir: true, args: ['--nodes', '1'] });
    connect();
    const ext = kc.makeApiClient(ApiextensionsV1Api);
    await ext.createCustomResourceDefinition({ body: crd });
    await pollUntil(
      'Established',
      async () => {
        const got = await ext.readCustomResourceDefinition({ name: `${PLURAL}.${GROUP}` });
        return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
  });

  it('creates, lists by label, patches and writes status', T, async () => {
    const made = (await custom.createNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: 'default',
      plural: PLURAL,
      body: db('orders', 'postgres', { labels: { team: 'shop' } }),
    })) as Database;
    assert.equal(made.spec?.storageGB, 10, 'the schema default applies');
    await custom.createNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: 'default', plural: PLURAL, body: db('logs', 'mysql') });
    assert.deepEqual(
      (await list('default', 'team=shop')).map((d) => d.metadata?.name),
      ['orders'],
    );
    const patched = (await custom.patchNamespacedCustomObject(
      { group: GROUP, version: 'v1', namespace: 'default', plural: PLURAL, name: 'orders', body: { spec: { storageGB: 50 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as Database;
    assert.equal(patched.spec?.storageGB, 50);
    const withStatus = (await custom.replaceNamespacedCustomObjectStatus({
      group: GROUP,
      version: 'v1',
      namespace: 'default',
      plural: PLURAL,
      name: 'orders',
      body: { ...patched, status: { phase: 'Ready' } },
    })) as Database;
    assert.equal(withStatus.status?.phase, 'Ready');
    assert.equal(withStatus.spec?.storageGB, 50);
  });

  it('keeps an informer in sync through churn', T, async () => {
    const path = `/apis/${GROUP}/v1/namespaces/default/${PLURAL}`;
    const informer = makeInformer<Database>(kc, path, () => list('default').then((items) => ({ items }) as never));
    await informer.start();
    try {
      for (let i = 0; i < 20; i++) {
        await custom.createNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: 'default', plural: PLURAL, body: db(`churn-${i}`, 'sqlite') });
      }
      for (let i = 0; i < 20; i += 2) {
        await custom.deleteNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: 'default', plural: PLURAL, name: `churn-${i}` });
      }
      const want = (await list('default')).map((d) => d.metadata?.name).sort();
      await pollUntil(
        'informer in sync',
        async () => {
          const have = informer.list().map((d) => d.metadata?.name).sort();
          return JSON.stringify(have) === JSON.stringify(want) ? true : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 50 },
      );
      assert.equal(want.length, 12);
    } finally {
      await informer.stop();
    }
  });

  it('garbage-collects a custom object whose owner is deleted', T, async () => {
    const owner = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'db-owner' }, data: {} } });
    await custom.createNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: 'default',
      plural: PLURAL,
      body: db('owned', 'redis', { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'db-owner', uid: owner.metadata!.uid! }] }),
    });
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'db-owner' });
    await pollUntil(
      'owned database collected',
      async () => ((await list('default')).some((d) => d.metadata?.name === 'owned') ? undefined : true),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  });

  it('namespace deletion removes the namespace custom objects', T, async () => {
    await core.createNamespace({ body: { metadata: { name: 'tenant-a' } } });
    await custom.createNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: 'tenant-a', plural: PLURAL, body: db('tenant-db', 'postgres') });
    await core.deleteNamespace({ name: 'tenant-a' });
    await pollUntil(
      'namespace gone',
      async () => {
        try {
          await core.readNamespace({ name: 'tenant-a' });
          return undefined;
        } catch {
          return true;
        }
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const everywhere = (await custom.listClusterCustomObject({ group: GROUP, version: 'v1', plural: PLURAL })) as { items: Database[] };
    assert.ok(!everywhere.items.some((d) => d.metadata?.namespace === 'tenant-a'));
  });

  it('serves the resource and its objects again after a restart', T, async () => {
    await cluster.stop();
    cluster = await startCluster({ stateDir, args: ['--nodes', '1'] });
    connect();
    // No wait: the CRD is served before the server answers at all.
    const names = (await list('default')).map((d) => d.metadata?.name);
    assert.ok(names.includes('orders') && names.includes('logs'), JSON.stringify(names));
    await cluster.stop();
  });
});
