// The pure pieces of the ReplicaSet and Deployment controllers, checked against upstream's rules:
// slow-start batches, the scale-down ranking, maxSurge/maxUnavailable rounding, proportional
// scaling fractions, revision history, the hash alphabet.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import {
  computeHash,
  equalIgnoreHash,
  maxSurge,
  maxUnavailable,
  proportion,
  resolveFenceposts,
  safeEncodeString,
  scaledValue,
  setNewReplicaSetAnnotations,
} from '../../src/controllers/deployment-util.ts';
import { ControllerExpectations } from '../../src/controllers/expectations.ts';
import { podsToDelete, slowStartBatch } from '../../src/controllers/pod-control.ts';

describe('slowStartBatch', () => {
  it('runs batches of 1, 2, 4, … and stops after a batch with an error', async () => {
    const batches: number[] = [];
    let inFlight = 0;
    let calls = 0;
    const run = async (failAt?: number) => {
      calls = 0;
      batches.length = 0;
      return slowStartBatch(10, 1, async () => {
        const n = ++calls;
        if (inFlight === 0) batches.push(0);
        inFlight++;
        batches[batches.length - 1]!++;
        await new Promise((r) => setImmediate(r));
        inFlight--;
        if (n === failAt) throw new Error('boom');
      });
    };
    assert.deepEqual(await run(), { successes: 10 });
    assert.deepEqual(batches, [1, 2, 4, 3]);
    const r = await run(2);
    assert.equal(r.successes, 2);
    assert.equal((r.error as Error).message, 'boom');
    assert.deepEqual(batches, [1, 2], 'no batch after the failing one');
  });
});

describe('expectations', () => {
  it('hold a sync back until every create and delete was observed, once each', () => {
    const e = new ControllerExpectations();
    assert.ok(e.satisfied('ns/rs'));
    e.expectCreations('ns/rs', 2);
    assert.ok(!e.satisfied('ns/rs'));
    e.creationObserved('ns/rs');
    assert.ok(!e.satisfied('ns/rs'));
    e.creationObserved('ns/rs');
    assert.ok(e.satisfied('ns/rs'));
    e.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
    e.deletionObserved('ns/rs', 'ns/a');
    e.deletionObserved('ns/rs', 'ns/a');
    assert.ok(!e.satisfied('ns/rs'), 'the same pod observed twice counts once');
    e.deletionObserved('ns/rs', 'ns/b');
    assert.ok(e.satisfied('ns/rs'));
  });

  it('expire', async () => {
    const e = new ControllerExpectations(20);
    e.expectCreations('ns/rs', 1);
    assert.ok(!e.satisfied('ns/rs'));
    await new Promise((r) => setTimeout(r, 40));
    assert.ok(e.satisfied('ns/rs'));
  });
});

function p(name: string, o: { node?: string; phase?: string; ready?: boolean; readySince?: number; created?: number; restarts?: number; cost?: string }): V1Pod {
  const now = Date.now();
  return {
    metadata: {
      name,
      uid: name,
      creationTimestamp: new Date(now - (o.created ?? 3600) * 1000),
      annotations: o.cost ? { 'controller.kubernetes.io/pod-deletion-cost': o.cost } : undefined,
    },
    spec: { containers: [], nodeName: o.node },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: new Date(now - (o.readySince ?? 3600) * 1000) }],
      containerStatuses: [{ name: 'c', image: 'x', imageID: '', ready: true, restartCount: o.restarts ?? 0 }],
    },
  };
}

describe('scale-down ranking (ActivePodsWithRanks)', () => {
  const pick = (pods: V1Pod[], n = 1, related = pods) => podsToDelete(pods, related, n).map((x) => x.metadata!.name);

  it('unscheduled, then pending, then not ready, then cheaper, then doubled up, then newer', () => {
    assert.deepEqual(pick([p('run', { node: 'a' }), p('unscheduled', { phase: 'Pending' })]), ['unscheduled']);
    assert.deepEqual(pick([p('run', { node: 'a' }), p('pending', { node: 'a', phase: 'Pending' })]), ['pending']);
    assert.deepEqual(pick([p('ready', { node: 'a' }), p('unready', { node: 'b', ready: false, created: 99999 })]), ['unready']);
    assert.deepEqual(pick([p('cheap', { node: 'a', cost: '-5' }), p('dear', { node: 'b', created: 1 })]), ['cheap']);
    const doubled = [p('alone', { node: 'a', created: 1 }), p('d1', { node: 'b', created: 9000 }), p('d2', { node: 'b', created: 9000 })];
    assert.ok(['d1', 'd2'].includes(pick(doubled)[0]!));
    assert.deepEqual(pick([p('old', { node: 'a', readySince: 100000 }), p('new', { node: 'b', readySince: 10 })]), ['new']);
    assert.deepEqual(pick([p('calm', { node: 'a' }), p('crashy', { node: 'b', restarts: 3 })]), ['crashy']);
    assert.deepEqual(pick([p('old', { node: 'a', created: 100000 }), p('young', { node: 'b', created: 10 })]), ['young']);
  });

  it('takes all pods when asked for as many', () => {
    assert.equal(pick([p('a', {}), p('b', {})], 5).length, 2);
  });
});

function dep(replicas: number, maxSurgeV?: number | string, maxUnavailableV?: number | string, type = 'RollingUpdate'): V1Deployment {
  return {
    metadata: { name: 'd', annotations: { 'kubernetes.io/change-cause': 'why', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    spec: {
      replicas,
      selector: {},
      template: {},
      strategy: { type, rollingUpdate: type === 'RollingUpdate' ? { maxSurge: maxSurgeV, maxUnavailable: maxUnavailableV } : undefined },
    },
  };
}

describe('maxSurge / maxUnavailable', () => {
  it('percentages round surge up and unavailability down', () => {
    assert.equal(scaledValue('25%', 10, true), 3);
    assert.equal(scaledValue('25%', 10, false), 2);
    assert.deepEqual(resolveFenceposts(dep(10, '25%', '25%')), { surge: 3, unavailable: 2 });
    assert.deepEqual(resolveFenceposts(dep(3, '25%', '25%')), { surge: 1, unavailable: 0 });
    // Both zero after rounding: one pod may be unavailable.
    assert.deepEqual(resolveFenceposts(dep(1, 0, '25%')), { surge: 0, unavailable: 1 });
    assert.equal(maxUnavailable(dep(2, 0, 5)), 2, 'capped at replicas');
    assert.equal(maxSurge(dep(4, undefined, undefined, 'Recreate')), 0);
    assert.equal(maxUnavailable(dep(0, 1, 1)), 0);
  });

  it('proportional scaling shares out by the max-replicas annotation, rounding half away from zero', () => {
    const rs = (n: number, max: number): V1ReplicaSet => ({ metadata: { annotations: { 'deployment.kubernetes.io/max-replicas': String(max) } }, spec: { replicas: n, selector: {} } });
    const d = dep(20, 3, 2);
    assert.equal(proportion(rs(8, 13), d, 10, 0), 6);
    assert.equal(proportion(rs(5, 13), d, 10, 6), 4);
    assert.equal(proportion(rs(5, 13), d, 10, 8), 2, 'never more than what is left to add');
    const down = dep(5, 3, 2);
    assert.equal(proportion(rs(8, 13), down, -5, 0), -3);
  });
});

describe('revisions and hashes', () => {
  it('a reused replica set keeps its earlier revisions in revision-history; deployment annotations are copied', () => {
    const d = dep(3, 1, 0);
    const rs: V1ReplicaSet = { metadata: { annotations: { 'deployment.kubernetes.io/revision': '1' } }, spec: { replicas: 0, selector: {} } };
    assert.ok(setNewReplicaSetAnnotations(d, rs, '3', true));
    assert.equal(rs.metadata!.annotations!['deployment.kubernetes.io/revision'], '3');
    assert.equal(rs.metadata!.annotations!['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(rs.metadata!.annotations!['kubernetes.io/change-cause'], 'why');
    assert.equal(rs.metadata!.annotations!['kubectl.kubernetes.io/last-applied-configuration'], undefined);
    setNewReplicaSetAnnotations(d, rs, '5', true);
    assert.equal(rs.metadata!.annotations!['deployment.kubernetes.io/revision-history'], '1,3');
    assert.ok(!setNewReplicaSetAnnotations(d, rs, '4', true), 'an older revision changes nothing');
    const fresh: V1ReplicaSet = { metadata: {}, spec: { replicas: 0, selector: {} } };
    setNewReplicaSetAnnotations(d, fresh, '1', false);
    assert.equal(fresh.metadata!.annotations!['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(fresh.metadata!.annotations!['deployment.kubernetes.io/max-replicas'], '4');
  });

  it('hashes use the SafeEncodeString alphabet and change with the collision count; equality ignores the hash label', () => {
    assert.equal(safeEncodeString('0123456789'), '456789bcdf');
    const t = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    assert.match(computeHash(t), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(computeHash(t), computeHash(structuredClone(t)));
    assert.notEqual(computeHash(t), computeHash(t, 1));
    assert.ok(equalIgnoreHash(t, { metadata: { labels: { app: 'x', 'pod-template-hash': 'abc' } }, spec: t.spec }));
    assert.ok(!equalIgnoreHash(t, { metadata: { labels: { app: 'y' } }, spec: t.spec }));
  });
});
