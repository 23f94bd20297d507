import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KObject } from '../../src/api/types.ts';
import { Cacher, TooOldError, type CacheWatchSink } from '../../src/storage/cacher/cacher.ts';
import { EtcdStorage } from '../../src/storage/etcd/store.ts';
import type { WatchEventType } from '../../src/storage/interface.ts';
import { startTestEtcd, type TestEtcd } from '../support/etcd.ts';

const pod = (name: string, node = '', labels: Record<string, string> = {}): KObject => ({
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: { name, namespace: 'ns', labels },
  spec: { nodeName: node },
});

function collector() {
  const events: { type: WatchEventType; name: string; rv: string }[] = [];
  const sink: CacheWatchSink = {
    event: (type, obj) => {
      events.push({ type, name: obj.metadata.name!, rv: obj.metadata.resourceVersion! });
      return true;
    },
    bookmark: () => undefined,
    terminate: () => undefined,
  };
  return { events, sink };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'condition not reached');
}

describe('storage/cacher', () => {
  let etcd: TestEtcd;
  let s: EtcdStorage;
  let cacher: Cacher;
  before(async () => {
    etcd = await startTestEtcd();
    s = new EtcdStorage(etcd.etcd.endpoints, '/registry');
    await s.create('/registry/pods/ns/pre', pod('pre', 'n1'));
    cacher = new Cacher(s, '/registry/pods/', {
      capacity: 5,
      index: { field: 'spec.nodeName', get: (o) => (o.spec as { nodeName?: string }).nodeName ?? '' },
    });
    await cacher.ready();
  });
  after(async () => {
    cacher.close();
    await s.close();
    await etcd.stop();
  });

  it('lists the snapshot and follows writes', async () => {
    const first = await cacher.list({ matches: () => true });
    assert.deepEqual(first.items.map((o) => o.metadata.name), ['pre']);
    const c = await s.create('/registry/pods/ns/a', pod('a', 'n2'));
    await cacher.waitFor(Number(c.metadata.resourceVersion), 2000);
    const second = await cacher.list({ matches: () => true });
    assert.deepEqual(second.items.map((o) => o.metadata.name), ['a', 'pre']);
    const byNode = await cacher.list({ indexValue: 'n2', matches: () => true });
    assert.deepEqual(byNode.items.map((o) => o.metadata.name), ['a']);
  });

  it('lists one namespace exactly, also beside namespaces whose names extend it, and peeks only when running', async () => {
    const inNs = (ns: string, name: string): KObject => ({ ...pod(name), metadata: { name, namespace: ns } });
    let last = 0;
    for (const [ns, name] of [['a', 'x'], ['a-b', 'y'], ['ab', 'z'], ['a', 'w'], ['b', 'v'], ['0', 'u']]) {
      last = Number((await s.create(`/registry/pods/${ns}/${name}`, inNs(ns!, name!))).metadata.resourceVersion);
    }
    await cacher.waitFor(last, 2000);
    const names = async (prefix: string) => (await cacher.list({ keyPrefix: prefix, matches: () => true })).items.map((o) => o.metadata.name);
    assert.deepEqual(await names('/registry/pods/a/'), ['w', 'x']);
    assert.deepEqual(await names('/registry/pods/a-b/'), ['y']);
    assert.deepEqual(await names('/registry/pods/ab/'), ['z']);
    assert.deepEqual(await names('/registry/pods/0/'), ['u']);
    assert.deepEqual(await names('/registry/pods/zz/'), []);
    assert.equal(cacher.peek('/registry/pods/a/x')?.metadata.name, 'x');
    const idle = new Cacher(s, '/registry/pods/');
    assert.equal(idle.peek('/registry/pods/a/x'), undefined, 'a cache that has not started answers nothing');
    idle.close();
  });

  it('resumes a watch from a resourceVersion without losing or repeating events', async () => {
    const r0 = cacher.revision;
    const b = await s.create('/registry/pods/ns/b', pod('b'));
    const b2 = await s.update('/registry/pods/ns/b', pod('b', '', { x: 'y' }), Number(b.metadata.resourceVersion));
    await cacher.waitFor(Number(b2.metadata.resourceVersion), 2000);
    const { events, sink } = collector();
    const w = await cacher.watch(r0, { matches: () => true }, sink);
    await s.delete('/registry/pods/ns/b');
    await until(() => events.length === 3);
    w.stop();
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.equal(events[1]!.rv, b2.metadata.resourceVersion);
  });

  it('turns selector transitions into ADDED and DELETED', async () => {
    const { events, sink } = collector();
    const w = await cacher.watch(cacher.revision, { matches: (o) => o.metadata.labels?.['app'] === 'web' }, sink);
    const c = await s.create('/registry/pods/ns/t', pod('t'));
    const u = await s.update('/registry/pods/ns/t', pod('t', '', { app: 'web' }), Number(c.metadata.resourceVersion));
    const u2 = await s.update('/registry/pods/ns/t', pod('t', '', { app: 'db' }), Number(u.metadata.resourceVersion));
    await until(() => events.length === 2);
    w.stop();
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'DELETED']);
    assert.equal(events[1]!.rv, u2.metadata.resourceVersion);
  });

  it('delivers to index watchers only their own objects, including moves', async () => {
    const { events, sink } = collector();
    const w = await cacher.watch(cacher.revision, { indexValue: 'n9', matches: (o) => (o.spec as { nodeName?: string }).nodeName === 'n9' }, sink);
    const other = await s.create('/registry/pods/ns/other', pod('other', 'n8'));
    await s.update('/registry/pods/ns/other', pod('other', 'n9'), Number(other.metadata.resourceVersion));
    await until(() => events.length === 1);
    w.stop();
    assert.deepEqual(events.map((e) => [e.type, e.name]), [['ADDED', 'other']]);
  });

  it('answers too old once the window has moved past a revision', async () => {
    const old = cacher.revision;
    let last = 0;
    for (let i = 0; i < 8; i++) last = Number((await s.create(`/registry/pods/ns/f${i}`, pod(`f${i}`))).metadata.resourceVersion);
    await cacher.waitFor(last, 2000);
    const { sink } = collector();
    await assert.rejects(cacher.watch(old, { matches: () => true }, sink), (e: unknown) => e instanceof TooOldError && /^too old resource version: \d+ \(\d+\)$/.test((e as Error).message));
  });
});
