import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KObject } from '../../src/api/types.ts';
import { StorageError, type StorageEvent } from '../../src/storage/interface.ts';
import { EtcdStorage } from '../../src/storage/etcd/store.ts';
import { startTestEtcd, type TestEtcd } from '../support/etcd.ts';

const cm = (name: string, data: Record<string, string> = {}): KObject => ({
  kind: 'ConfigMap',
  apiVersion: 'v1',
  metadata: { name, namespace: 'default' },
  data,
});

describe('storage/etcd', () => {
  let etcd: TestEtcd;
  let s: EtcdStorage;
  before(async () => {
    etcd = await startTestEtcd();
    s = new EtcdStorage(etcd.etcd.endpoints, '/registry');
  });
  after(async () => {
    await s.close();
    await etcd.stop();
  });

  it('creates with the revision as resourceVersion and refuses an existing key', async () => {
    const created = await s.create('/registry/configmaps/default/a', cm('a'));
    const rev = Number(created.metadata.resourceVersion);
    assert.ok(rev > 0);
    const got = await s.get('/registry/configmaps/default/a');
    assert.equal(got?.metadata.resourceVersion, String(rev));
    await assert.rejects(s.create('/registry/configmaps/default/a', cm('a')), (e: unknown) => e instanceof StorageError && e.code === 'KeyExists');
  });

  it('stores no resourceVersion in the value', async () => {
    await s.create('/registry/configmaps/default/raw', cm('raw'));
    const res = await s.client.get('/registry/configmaps/default/raw').string();
    assert.ok(res && !res.includes('resourceVersion'));
  });

  it('updates only at the expected revision', async () => {
    const a = await s.get('/registry/configmaps/default/a');
    const rev = Number(a!.metadata.resourceVersion);
    const updated = await s.update('/registry/configmaps/default/a', cm('a', { x: '1' }), rev);
    assert.ok(Number(updated.metadata.resourceVersion) > rev);
    await assert.rejects(s.update('/registry/configmaps/default/a', cm('a', { x: '2' }), rev), (e: unknown) => e instanceof StorageError && e.code === 'Conflict');
    await assert.rejects(s.update('/registry/configmaps/default/missing', cm('missing'), 1), (e: unknown) => e instanceof StorageError && e.code === 'KeyNotFound');
  });

  it('lists in pages at one snapshot revision, with remaining counts', async () => {
    for (let i = 0; i < 7; i++) await s.create(`/registry/pages/ns/item-${i}`, cm(`item-${i}`));
    const p1 = await s.list('/registry/pages/', { limit: 3 });
    assert.deepEqual(p1.items.map((o) => o.metadata.name), ['item-0', 'item-1', 'item-2']);
    assert.equal(p1.remaining, 4);
    await s.create('/registry/pages/ns/item-7', cm('item-7')); // after the snapshot: must not appear
    const p2 = await s.list('/registry/pages/', { limit: 3, startKey: p1.nextKey, revision: p1.revision });
    assert.deepEqual(p2.items.map((o) => o.metadata.name), ['item-3', 'item-4', 'item-5']);
    const p3 = await s.list('/registry/pages/', { limit: 3, startKey: p2.nextKey, revision: p1.revision });
    assert.deepEqual(p3.items.map((o) => o.metadata.name), ['item-6']);
    assert.equal(p3.nextKey, undefined);
  });

  it('lists more items than one etcd page without an unbounded range', async () => {
    const n = 1200;
    const ops = [];
    for (let i = 0; i < n; i++) ops.push(s.create(`/registry/many/ns/m-${String(i).padStart(5, '0')}`, cm(`m-${i}`)));
    await Promise.all(ops);
    const all = await s.list('/registry/many/', {});
    assert.equal(all.items.length, n);
    const filtered = await s.list('/registry/many/', { limit: 5, filter: (o) => o.metadata.name!.endsWith('7') });
    assert.equal(filtered.items.length, 5);
    assert.equal(filtered.remaining, undefined);
  });

  it('watches from a revision and reports deletes with the delete revision', async () => {
    const start = await s.currentRevision();
    const events: StorageEvent[] = [];
    const w = await s.watch('/registry/watched/', start + 1, { onEvents: (ev) => events.push(...ev), onError: () => undefined });
    const c = await s.create('/registry/watched/ns/w', cm('w'));
    const u = await s.update('/registry/watched/ns/w', cm('w', { a: 'b' }), Number(c.metadata.resourceVersion));
    const d = await s.delete('/registry/watched/ns/w');
    for (let i = 0; i < 50 && events.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    w.close();
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.equal(events[1]!.obj.metadata.resourceVersion, u.metadata.resourceVersion);
    assert.equal(events[2]!.obj.metadata.resourceVersion, d.metadata.resourceVersion);
    assert.deepEqual(events[2]!.obj.data, { a: 'b' });
  });

  it('reports a compacted revision on list', async () => {
    const r1 = await s.currentRevision();
    await s.create('/registry/compact/ns/x', cm('x'));
    const r2 = await s.currentRevision();
    await s.compact(r2);
    await assert.rejects(s.list('/registry/compact/', { revision: r1 }), (e: unknown) => e instanceof StorageError && e.code === 'Compacted');
  });
});
