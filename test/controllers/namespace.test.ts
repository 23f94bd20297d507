// Namespace deletion against a real etcd, API server and hollow nodes: the API server's side (the
// first DELETE marks the namespace Terminating, new content is refused, the namespace goes once its
// finalizers are empty) and the namespace controller emptying it through the API, with the status
// conditions it reports while content remains.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Clients } from '../../src/client/clients.ts';
import { SharedInformers } from '../../src/client/shared-informers.ts';
import { DEFAULT_TIMINGS, type ControllerContext } from '../../src/controllers/controller.ts';
import { NamespaceController } from '../../src/controllers/namespace.ts';
import { startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;
let clients: Clients;
let informers: SharedInformers;
let controller: NamespaceController | undefined;
const T = { timeout: 90_000 };

before(async () => {
  c = await startNodesCluster({ nodes: ['node-1'] });
  clients = new Clients(c.kc);
  informers = new SharedInformers(clients);
});

after(async () => {
  await controller?.stop();
  await informers?.stop();
  clients?.close();
  await c?.stop();
});

/** The namespace controller with a short processing delay (upstream waits 5 s after each event). */
async function startController(): Promise<void> {
  if (controller) return;
  const ctx: ControllerContext = { kubeConfig: c.kc, clients, informers, timings: DEFAULT_TIMINGS, clusterCIDR: '10.244.0.0/16', log: () => {} };
  controller = new NamespaceController(ctx, { deletionGracePeriodMs: 100 });
  await informers.start();
  await controller.start();
}

type Obj = {
  metadata: { name: string; uid: string; deletionTimestamp?: string; finalizers?: string[]; resourceVersion?: string };
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: { type: string; status: string; reason: string; message: string }[] };
  [k: string]: unknown;
};

async function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: Obj & { message?: string } }> {
  const res = await fetch(`${c.cluster.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Obj & { message?: string } };
}

async function api(method: string, path: string, body?: unknown, contentType?: string): Promise<Obj> {
  const r = await call(method, path, body, contentType);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function populate(ns: string): Promise<void> {
  await api('POST', '/api/v1/namespaces', { metadata: { name: ns } });
  const p = (kind: string) => `/api/v1/namespaces/${ns}/${kind}`;
  await api('POST', p('configmaps'), { metadata: { name: 'cfg' }, data: { a: 'b' } });
  await api('POST', p('secrets'), { metadata: { name: 'sec' }, stringData: { a: 'b' } });
  await api('POST', p('services'), { metadata: { name: 'svc' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
  await api('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
    metadata: { name: 'web' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
  for (const name of ['web-1', 'web-2']) {
    await api('POST', p('pods'), {
      metadata: { name, labels: { app: 'web' } },
      spec: { terminationGracePeriodSeconds: 2, containers: [{ name: 'c', image: 'nginx' }] },
    });
  }
  await waitFor(`pods of ${ns} running`, async () => {
    const pods = (await api('GET', p('pods'))) as unknown as { items: Obj[] };
    return pods.items.length === 2 && pods.items.every((x) => x.status?.phase === 'Running');
  });
}

async function namespaceGone(ns: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(`namespace ${ns} gone`, async () => (await call('GET', `/api/v1/namespaces/${ns}`)).status === 404, timeoutMs);
}

describe('namespace deletion', () => {
  it('the API server marks the namespace Terminating, refuses new content and keeps it while spec.finalizers remain', T, async () => {
    await populate('ns-server');
    const del = await call('DELETE', '/api/v1/namespaces/ns-server', { propagationPolicy: 'Background' });
    assert.equal(del.status, 200);
    assert.equal(del.body.kind, 'Namespace');
    assert.ok(del.body.metadata.deletionTimestamp);
    assert.equal(del.body.status?.phase, 'Terminating');
    assert.deepEqual(del.body.spec?.finalizers, ['kubernetes']);
    assert.equal(del.body.metadata.finalizers, undefined);
    // Again: answered with the namespace, unchanged.
    const again = await call('DELETE', '/api/v1/namespaces/ns-server');
    assert.equal(again.status, 200);
    assert.equal(again.body.metadata.resourceVersion, del.body.metadata.resourceVersion);
    // Status writes (as the namespace controller makes) do not remove it while spec.finalizers remain.
    const st = await api('GET', '/api/v1/namespaces/ns-server');
    st.status = { ...st.status, conditions: [{ type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: 'x' }] };
    await api('PUT', '/api/v1/namespaces/ns-server/status', st);
    assert.equal((await api('GET', '/api/v1/namespaces/ns-server')).status?.phase, 'Terminating');
    const refused = await call('POST', '/api/v1/namespaces/ns-server/configmaps', { metadata: { name: 'late' } });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.message, 'configmaps "late" is forbidden: unable to create new content in namespace ns-server because it is being terminated');
    assert.deepEqual(refused.body.details, {
      name: 'late',
      kind: 'configmaps',
      causes: [{ reason: 'NamespaceTerminating', message: 'namespace ns-server is being terminated', field: 'metadata.namespace' }],
    });
    const immortal = await call('DELETE', '/api/v1/namespaces/default');
    assert.equal(immortal.status, 403);
    assert.equal(immortal.body.message, 'namespaces "default" is forbidden: this namespace may not be deleted');
    assert.equal((await api('GET', '/api/v1/namespaces/default')).metadata.deletionTimestamp, undefined);
    // Nothing deletes the content without the controller.
    assert.equal((await call('GET', '/api/v1/namespaces/ns-server/configmaps/cfg')).status, 200);
    // Finalizing it by hand removes it (the content is left, as upstream's storage does).
    const fin = await call('PUT', '/api/v1/namespaces/ns-server/finalize', { ...st, spec: { finalizers: [] } });
    assert.equal(fin.status, 200);
    await namespaceGone('ns-server', 5_000);
  });

  it('the namespace controller deletes everything in it, then the namespace goes', T, async () => {
    await startController();
    await populate('ns-full');
    await api('DELETE', '/api/v1/namespaces/ns-full');
    await namespaceGone('ns-full');
    for (const path of [
      '/api/v1/namespaces/ns-full/configmaps',
      '/api/v1/namespaces/ns-full/secrets',
      '/api/v1/namespaces/ns-full/services',
      '/api/v1/namespaces/ns-full/pods',
      '/apis/apps/v1/namespaces/ns-full/deployments',
    ]) {
      const list = (await api('GET', path)) as unknown as { items: unknown[] };
      assert.deepEqual(list.items, [], path);
    }
  });

  it('content held by a finalizer keeps the namespace Terminating, with upstream conditions', T, async () => {
    await startController();
    await api('POST', '/api/v1/namespaces', { metadata: { name: 'ns-held' } });
    await api('POST', '/api/v1/namespaces/ns-held/configmaps', { metadata: { name: 'held', finalizers: ['example.com/block'] } });
    await api('POST', '/api/v1/namespaces/ns-held/secrets', { metadata: { name: 'free' } });
    await api('DELETE', '/api/v1/namespaces/ns-held');
    const ns = await waitFor('the conditions', async () => {
      const n = await api('GET', '/api/v1/namespaces/ns-held');
      return n.status?.conditions?.some((x) => x.type === 'NamespaceFinalizersRemaining' && x.status === 'True') ? n : undefined;
    });
    const byType = Object.fromEntries((ns.status?.conditions ?? []).map((x) => [x.type, { status: x.status, reason: x.reason, message: x.message }]));
    assert.deepEqual(byType, {
      NamespaceDeletionDiscoveryFailure: { status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
      NamespaceDeletionGroupVersionParsingFailure: { status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
      NamespaceDeletionContentFailure: {
        status: 'False',
        reason: 'ContentDeleted',
        message: 'All content successfully deleted, may be waiting on finalization',
      },
      NamespaceContentRemaining: { status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: configmaps. has 1 resource instances' },
      NamespaceFinalizersRemaining: { status: 'True', reason: 'SomeFinalizerRemain', message: 'Some finalizers are remaining: example.com/block in 1 resource instances' },
    });
    assert.equal(ns.status?.phase, 'Terminating');
    assert.deepEqual(ns.spec?.finalizers, ['kubernetes']);
    assert.equal((await call('GET', '/api/v1/namespaces/ns-held/secrets/free')).status, 404, 'the rest is gone');
    const held = await api('GET', '/api/v1/namespaces/ns-held/configmaps/held');
    assert.ok(held.metadata.deletionTimestamp);
    await api('PATCH', '/api/v1/namespaces/ns-held/configmaps/held', { metadata: { finalizers: null } }, 'application/merge-patch+json');
    await namespaceGone('ns-held');
  });

  it('a namespace with metadata finalizers of its own goes once they are removed too', T, async () => {
    await startController();
    await api('POST', '/api/v1/namespaces', { metadata: { name: 'ns-meta', finalizers: ['example.com/keep'] } });
    await api('DELETE', '/api/v1/namespaces/ns-meta');
    await waitFor('spec.finalizers emptied by the controller', async () => {
      const n = await api('GET', '/api/v1/namespaces/ns-meta');
      return (n.spec?.finalizers ?? []).length === 0;
    });
    const n = await api('GET', '/api/v1/namespaces/ns-meta');
    assert.equal(n.status?.phase, 'Terminating');
    await api('PATCH', '/api/v1/namespaces/ns-meta', { metadata: { finalizers: null } }, 'application/merge-patch+json');
    await namespaceGone('ns-meta', 5_000);
  });
});
