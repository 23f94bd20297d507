// The garbage collector against a real etcd, API server and hollow nodes: owners and dependents are
// created directly through the API (ConfigMaps owning ConfigMaps, a ReplicaSet object owning Pods —
// no ReplicaSet controller runs), then deleted with each propagation policy.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;
const T = { timeout: 60_000 };

before(async () => {
  c = await startNodesCluster({ nodes: ['node-1'], controllers: ['garbage-collector-controller'] });
  for (const ns of ['gc-a', 'gc-b', 'gc-c']) await api('POST', '/api/v1/namespaces', { metadata: { name: ns } });
});

after(async () => {
  await c?.stop();
});

type Obj = { metadata: { name: string; uid: string; namespace?: string; deletionTimestamp?: string; finalizers?: string[]; ownerReferences?: Ref[] }; [k: string]: unknown };
type Ref = { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean };

async function api<T = Obj>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
  const res = await fetch(`${c.cluster.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const out = (await res.json()) as T;
  if (res.status >= 300) throw Object.assign(new Error(`${method} ${path}: ${res.status} ${JSON.stringify(out)}`), { status: res.status });
  return out;
}

async function exists(path: string): Promise<Obj | undefined> {
  const res = await fetch(`${c.cluster.url}${path}`);
  if (res.status === 404) return undefined;
  return (await res.json()) as Obj;
}

const cmPath = (ns: string, name = '') => `/api/v1/namespaces/${ns}/configmaps${name ? `/${name}` : ''}`;

function ref(o: Obj, kind: string, apiVersion = 'v1', extra: Partial<Ref> = {}): Ref {
  return { apiVersion, kind, name: o.metadata.name, uid: o.metadata.uid, ...extra };
}

async function cm(ns: string, name: string, owners: Ref[] = [], finalizers?: string[]): Promise<Obj> {
  return api('POST', cmPath(ns), { metadata: { name, ownerReferences: owners.length ? owners : undefined, finalizers }, data: { a: 'b' } });
}

async function gone(path: string, what: string): Promise<void> {
  await waitFor(`${what} gone`, async () => (await exists(path)) === undefined, 20_000);
}

describe('garbage collector', () => {
  it('background: dependents go once the owner is gone', T, async () => {
    const owner = await cm('gc-a', 'bg-owner');
    await cm('gc-a', 'bg-dep-1', [ref(owner, 'ConfigMap')]);
    await cm('gc-a', 'bg-dep-2', [ref(owner, 'ConfigMap', 'v1', { controller: true, blockOwnerDeletion: true })]);
    const other = await cm('gc-a', 'bg-unrelated');
    await api('DELETE', cmPath('gc-a', 'bg-owner'), { propagationPolicy: 'Background' });
    assert.equal(await exists(cmPath('gc-a', 'bg-owner')), undefined, 'background deletion removes the owner at once');
    await gone(cmPath('gc-a', 'bg-dep-1'), 'bg-dep-1');
    await gone(cmPath('gc-a', 'bg-dep-2'), 'bg-dep-2');
    assert.equal((await exists(cmPath('gc-a', 'bg-unrelated')))?.metadata.uid, other.metadata.uid);
  });

  it('background: a ReplicaSet object takes its pods along (graceful pod deletion on the node)', T, async () => {
    const rs = await api('POST', '/apis/apps/v1/namespaces/gc-a/replicasets', {
      metadata: { name: 'web' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    for (const name of ['web-1', 'web-2']) {
      await api('POST', '/api/v1/namespaces/gc-a/pods', {
        metadata: { name, labels: { app: 'web' }, ownerReferences: [ref(rs, 'ReplicaSet', 'apps/v1', { controller: true, blockOwnerDeletion: true })] },
        spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'nginx' }] },
      });
    }
    await waitFor('pods running', async () => {
      const pods = await api<{ items: { status?: { phase?: string } }[] }>('GET', '/api/v1/namespaces/gc-a/pods?labelSelector=app%3Dweb');
      return pods.items.length === 2 && pods.items.every((p) => p.status?.phase === 'Running');
    });
    await api('DELETE', '/apis/apps/v1/namespaces/gc-a/replicasets/web');
    await gone('/api/v1/namespaces/gc-a/pods/web-1', 'web-1');
    await gone('/api/v1/namespaces/gc-a/pods/web-2', 'web-2');
  });

  it('foreground: the owner stays with deletionTimestamp until blocking dependents are gone', T, async () => {
    const owner = await cm('gc-a', 'fg-owner');
    // The dependent holds a finalizer of its own, so it stays (being deleted) until the test lets it go.
    await cm('gc-a', 'fg-dep', [ref(owner, 'ConfigMap', 'v1', { blockOwnerDeletion: true })], ['example.com/hold']);
    await cm('gc-a', 'fg-dep-nonblocking', [ref(owner, 'ConfigMap')]);
    const res = await api('DELETE', cmPath('gc-a', 'fg-owner'), { propagationPolicy: 'Foreground' });
    assert.ok(res.metadata.deletionTimestamp, 'answered with the owner, being deleted');
    assert.deepEqual(res.metadata.finalizers, ['foregroundDeletion']);
    const dep = await waitFor('fg-dep being deleted', async () => {
      const d = await exists(cmPath('gc-a', 'fg-dep'));
      return d?.metadata.deletionTimestamp ? d : undefined;
    });
    await gone(cmPath('gc-a', 'fg-dep-nonblocking'), 'the non-blocking dependent');
    const stillOwner = await exists(cmPath('gc-a', 'fg-owner'));
    assert.ok(stillOwner?.metadata.deletionTimestamp, 'the owner is still there while a blocking dependent remains');
    assert.deepEqual(stillOwner?.metadata.finalizers, ['foregroundDeletion']);
    await api('PATCH', cmPath('gc-a', 'fg-dep'), { metadata: { finalizers: null, resourceVersion: (dep as Obj & { metadata: { resourceVersion: string } }).metadata.resourceVersion } }, 'application/merge-patch+json');
    await gone(cmPath('gc-a', 'fg-dep'), 'fg-dep');
    await gone(cmPath('gc-a', 'fg-owner'), 'fg-owner');
  });

  it('foreground: a dependent with dependents of its own is deleted in the foreground too', T, async () => {
    const top = await cm('gc-a', 'chain-top');
    const mid = await cm('gc-a', 'chain-mid', [ref(top, 'ConfigMap', 'v1', { blockOwnerDeletion: true })]);
    await cm('gc-a', 'chain-leaf', [ref(mid, 'ConfigMap', 'v1', { blockOwnerDeletion: true })], ['example.com/hold']);
    await api('DELETE', cmPath('gc-a', 'chain-top'), { propagationPolicy: 'Foreground' });
    const m = await waitFor('chain-mid deleting in the foreground', async () => {
      const o = await exists(cmPath('gc-a', 'chain-mid'));
      return o?.metadata.deletionTimestamp ? o : undefined;
    });
    assert.deepEqual(m.metadata.finalizers, ['foregroundDeletion']);
    const leaf = await waitFor('chain-leaf being deleted', async () => {
      const o = await exists(cmPath('gc-a', 'chain-leaf'));
      return o?.metadata.deletionTimestamp ? o : undefined;
    });
    assert.ok((await exists(cmPath('gc-a', 'chain-top')))?.metadata.deletionTimestamp);
    await api('PATCH', cmPath('gc-a', 'chain-leaf'), { metadata: { finalizers: null } }, 'application/merge-patch+json');
    assert.ok(leaf);
    await gone(cmPath('gc-a', 'chain-leaf'), 'chain-leaf');
    await gone(cmPath('gc-a', 'chain-mid'), 'chain-mid');
    await gone(cmPath('gc-a', 'chain-top'), 'chain-top');
  });

  it('foreground: a dependent with another live owner only loses its reference', T, async () => {
    const a = await cm('gc-a', 'two-a');
    const b = await cm('gc-a', 'two-b');
    await cm('gc-a', 'two-dep', [ref(a, 'ConfigMap', 'v1', { blockOwnerDeletion: true }), ref(b, 'ConfigMap')]);
    await api('DELETE', cmPath('gc-a', 'two-a'), { propagationPolicy: 'Foreground' });
    await gone(cmPath('gc-a', 'two-a'), 'two-a');
    const dep = await exists(cmPath('gc-a', 'two-dep'));
    assert.ok(dep && !dep.metadata.deletionTimestamp);
    assert.deepEqual(dep.metadata.ownerReferences?.map((r) => r.name), ['two-b']);
  });

  it('orphan: dependents keep running without the owner reference', T, async () => {
    const rs = await api('POST', '/apis/apps/v1/namespaces/gc-a/replicasets', {
      metadata: { name: 'orph' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'orph' } }, template: { metadata: { labels: { app: 'orph' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    await api('POST', '/api/v1/namespaces/gc-a/pods', {
      metadata: { name: 'orph-1', labels: { app: 'orph' }, ownerReferences: [ref(rs, 'ReplicaSet', 'apps/v1', { controller: true, blockOwnerDeletion: true })] },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    const owner = await cm('gc-a', 'orph-owner');
    await cm('gc-a', 'orph-dep', [ref(owner, 'ConfigMap', 'v1', { controller: true })]);
    const res = await api('DELETE', '/apis/apps/v1/namespaces/gc-a/replicasets/orph', { propagationPolicy: 'Orphan' });
    assert.deepEqual(res.metadata.finalizers, ['orphan']);
    await api('DELETE', cmPath('gc-a', 'orph-owner'), { propagationPolicy: 'Orphan' });
    await gone('/apis/apps/v1/namespaces/gc-a/replicasets/orph', 'the ReplicaSet');
    await gone(cmPath('gc-a', 'orph-owner'), 'orph-owner');
    const p = await exists('/api/v1/namespaces/gc-a/pods/orph-1');
    assert.ok(p && !p.metadata.deletionTimestamp, 'the pod stays');
    assert.deepEqual(p.metadata.ownerReferences ?? [], []);
    const d = await exists(cmPath('gc-a', 'orph-dep'));
    assert.ok(d && !d.metadata.deletionTimestamp);
    assert.deepEqual(d.metadata.ownerReferences ?? [], []);
  });

  it('dangling references: an absent owner or a uid mismatch gets the dependent deleted', T, async () => {
    await cm('gc-a', 'dangling', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'never-there', uid: '6a7c1f5e-0000-4000-8000-000000000001' }]);
    const real = await cm('gc-a', 'same-name');
    await cm('gc-a', 'mismatch', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'same-name', uid: '6a7c1f5e-0000-4000-8000-000000000002' }]);
    await cm('gc-a', 'one-good-one-bad', [ref(real, 'ConfigMap'), { apiVersion: 'v1', kind: 'ConfigMap', name: 'gone-too', uid: '6a7c1f5e-0000-4000-8000-000000000003' }]);
    await gone(cmPath('gc-a', 'dangling'), 'the dependent of an absent owner');
    await gone(cmPath('gc-a', 'mismatch'), 'the dependent of a uid mismatch');
    assert.equal((await exists(cmPath('gc-a', 'same-name')))?.metadata.uid, real.metadata.uid, 'the unrelated object of that name stays');
    // With one live owner, the dependent stays (its dangling reference is left alone).
    const kept = await exists(cmPath('gc-a', 'one-good-one-bad'));
    assert.ok(kept && !kept.metadata.deletionTimestamp);
  });

  it('owners in another namespace are absent (OwnerRefInvalidNamespace); cluster-scoped owners are fine', T, async () => {
    const owner = await cm('gc-b', 'ns-owner');
    const node = await api('GET', '/api/v1/nodes/node-1');
    const nsObj = await api('GET', '/api/v1/namespaces/gc-c');
    await cm('gc-c', 'cross', [ref(owner, 'ConfigMap')]);
    await cm('gc-c', 'owned-by-node', [ref(node, 'Node')]);
    await cm('gc-c', 'owned-by-namespace', [ref(nsObj, 'Namespace')]);
    await gone(cmPath('gc-c', 'cross'), 'the dependent of an owner in another namespace');
    const ev = await waitFor('an OwnerRefInvalidNamespace event', async () => {
      const list = await api<{ items: { reason: string; message: string; type: string; involvedObject: { name: string } }[] }>(
        'GET',
        '/api/v1/namespaces/gc-c/events?fieldSelector=reason%3DOwnerRefInvalidNamespace',
      );
      return list.items.find((e) => e.involvedObject.name === 'cross');
    });
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.message, `ownerRef [v1/ConfigMap, namespace: gc-c, name: ns-owner, uid: ${owner.metadata.uid}] does not exist in namespace "gc-c"`);
    assert.ok(await exists(cmPath('gc-b', 'ns-owner')), 'the owner itself is untouched');
    assert.ok(await exists(cmPath('gc-c', 'owned-by-node')));
    assert.ok(await exists(cmPath('gc-c', 'owned-by-namespace')));
  });

  it('a cluster-scoped dependent naming a namespaced owner kind is never collected', T, async () => {
    await api('POST', '/api/v1/persistentvolumes', {
      metadata: { name: 'pv-bad-owner', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'nothing', uid: '6a7c1f5e-0000-4000-8000-000000000004' }] },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/x' } },
    });
    // A cluster-scoped dependent of an absent cluster-scoped owner, created after: once it is gone, the
    // collector has had its chance at the first one.
    await api('POST', '/api/v1/persistentvolumes', {
      metadata: { name: 'pv-sentinel', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'no-such-node', uid: '6a7c1f5e-0000-4000-8000-000000000005' }] },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/y' } },
    });
    await gone('/api/v1/persistentvolumes/pv-sentinel', 'the sentinel');
    const pv = await exists('/api/v1/persistentvolumes/pv-bad-owner');
    assert.ok(pv && !pv.metadata.deletionTimestamp, 'still there');
  });

  it('a background delete of an owner waiting in the foreground lets it go at once', T, async () => {
    const owner = await cm('gc-a', 'switch-owner');
    await cm('gc-a', 'switch-dep', [ref(owner, 'ConfigMap', 'v1', { blockOwnerDeletion: true })], ['example.com/hold']);
    await api('DELETE', cmPath('gc-a', 'switch-owner'), { propagationPolicy: 'Foreground' });
    assert.ok((await exists(cmPath('gc-a', 'switch-owner')))?.metadata.deletionTimestamp);
    const res = await fetch(`${c.cluster.url}${cmPath('gc-a', 'switch-owner')}`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ propagationPolicy: 'Background' }),
    });
    assert.equal(res.status, 200);
    assert.equal(await exists(cmPath('gc-a', 'switch-owner')), undefined);
    await waitFor('switch-dep being deleted', async () => (await exists(cmPath('gc-a', 'switch-dep')))?.metadata.deletionTimestamp);
    await api('PATCH', cmPath('gc-a', 'switch-dep'), { metadata: { finalizers: null } }, 'application/merge-patch+json');
    await gone(cmPath('gc-a', 'switch-dep'), 'switch-dep');
  });
});
