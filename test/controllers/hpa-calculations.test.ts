// The HPA's arithmetic on its own, with the cases of upstream's replica_calculator_test.go and
// horizontal_test.go (scale up, scale up with an unready pod, scale down, tolerance, missing metrics,
// a missing request) and the stabilization / rate-limit rules with and without behavior.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { ReplicaCalcError, plainReplicas, resourceReplicas, type PodMetricsInfo } from '../../src/controllers/hpa-replica-calculator.ts';
import { ScalingHistory } from '../../src/controllers/hpa-scaling.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const LONG_AGO = new Date(NOW - 3_600_000);
const T = { cpuInitializationPeriodMs: 300_000, initialReadinessDelayMs: 30_000 };

function pods(n: number, opts: { request?: string; ready?: boolean[]; phase?: string[] } = {}): V1Pod[] {
  return Array.from({ length: n }, (_, i) => ({
    metadata: { name: `p${i}` },
    spec: { containers: [{ name: 'app', image: 'x', resources: opts.request === undefined ? {} : { requests: { cpu: opts.request } } }] },
    status: {
      phase: opts.phase?.[i] ?? 'Running',
      startTime: LONG_AGO,
      conditions: [{ type: 'Ready', status: (opts.ready?.[i] ?? true) ? 'True' : 'False', lastTransitionTime: LONG_AGO }],
    },
  }));
}

function metrics(values: (number | undefined)[]): PodMetricsInfo {
  const m: PodMetricsInfo = new Map();
  values.forEach((v, i) => {
    if (v !== undefined) m.set(`p${i}`, { value: v, timestamp: NOW - 1000, windowMs: 30_000 });
  });
  return m;
}

describe('replica calculator', () => {
  it('scales up to the ratio of utilization to target', () => {
    const r = resourceReplicas(3, 30, 'cpu', '', metrics([300, 500, 700]), pods(3, { request: '1' }), T, NOW);
    assert.deepEqual(r, { replicas: 5, utilization: 50, rawAverage: 500 });
  });

  it('counts an unready pod as idle on a scale-up', () => {
    const r = resourceReplicas(3, 30, 'cpu', '', metrics([300, 500, 700]), pods(3, { request: '1', ready: [false, true, true] }), T, NOW);
    assert.equal(r.replicas, 4);
    assert.equal(r.utilization, 60);
  });

  it('scales down, and keeps the count within the tolerance', () => {
    assert.equal(resourceReplicas(5, 50, 'cpu', '', metrics([100, 300, 500, 250, 250]), pods(5, { request: '1' }), T, NOW).replicas, 3);
    assert.equal(resourceReplicas(3, 50, 'cpu', '', metrics([520, 540, 480]), pods(3, { request: '1' }), T, NOW).replicas, 3);
  });

  it('treats a pod without metrics as fully busy on a scale-down, and never reverses the direction', () => {
    // Two pods at 10 %, one without metrics counted at 100 %: the ratio rises to 0.8, ceil(0.8 × 3) = 3, no change.
    assert.equal(resourceReplicas(3, 50, 'cpu', '', metrics([100, 100, undefined]), pods(3, { request: '1' }), T, NOW).replicas, 3);
    // Pending pods on a scale-up count as idle.
    assert.equal(resourceReplicas(2, 50, 'cpu', '', metrics([1000, undefined]), pods(2, { request: '1', phase: ['Running', 'Pending'] }), T, NOW).replicas, 2);
  });

  it('fails as upstream does without requests, pods or metrics', () => {
    assert.throws(() => resourceReplicas(1, 50, 'cpu', '', metrics([100]), pods(1), T, NOW), new ReplicaCalcError('missing request for cpu in container app of Pod p0'));
    assert.throws(() => resourceReplicas(1, 50, 'cpu', '', metrics([]), [], T, NOW), /no pods returned by selector while calculating replica count/);
    assert.throws(() => resourceReplicas(1, 50, 'cpu', '', metrics([]), pods(1, { request: '1', phase: ['Pending'] }), T, NOW), /did not receive metrics for targeted pods \(pods might be unready\)/);
  });

  it('scales on an average value', () => {
    assert.deepEqual(plainReplicas(2, 200, 'memory', metrics([400, 400]), pods(2), T, NOW), { replicas: 4, usage: 400 });
  });
});

describe('stabilization and rate limits', () => {
  it('without behavior: the highest recent recommendation, and at most max(2×, 4) up', () => {
    const h = new ScalingHistory(300_000);
    h.recordInitial('a', 5, NOW);
    const down = h.normalize('a', 5, 1, 1, 10, NOW + 1000);
    assert.equal(down.replicas, 5);
    assert.deepEqual(down.able, ['ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation']);
    // After the window only the latest recommendations count.
    assert.equal(h.normalize('a', 5, 1, 1, 10, NOW + 400_000).replicas, 1);
    const up = new ScalingHistory(300_000).normalize('b', 1, 10, 1, 20, NOW);
    assert.equal(up.replicas, 4);
    assert.deepEqual(up.limited, ['True', 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate']);
    const capped = new ScalingHistory(300_000).normalize('c', 4, 10, 1, 5, NOW);
    assert.deepEqual([capped.replicas, capped.limited[1]], [5, 'TooManyReplicas']);
    const within = new ScalingHistory(300_000).normalize('d', 3, 3, 1, 5, NOW);
    assert.deepEqual(within.limited, ['False', 'DesiredWithinRange', 'the desired count is within the acceptable range']);
  });

  it('with behavior: policies over their periods, select policy, scale-down window', () => {
    const up = { stabilizationWindowSeconds: 0, selectPolicy: 'Max' as const, policies: [{ type: 'Pods' as const, value: 4, periodSeconds: 15 }, { type: 'Percent' as const, value: 100, periodSeconds: 15 }] };
    const down = { selectPolicy: 'Max' as const, policies: [{ type: 'Percent' as const, value: 50, periodSeconds: 60 }] };
    const h = new ScalingHistory(0);
    const first = h.normalizeWithBehavior('k', 2, 20, 1, 30, up, down, NOW);
    assert.equal(first.replicas, 6); // max(2 + 4, 2 × 2)
    h.recordScale('k', 2, 6, { up, down }, NOW);
    // Within the same period the added pods count against the limit: still max(2 + 4, 4) = 6.
    assert.equal(h.normalizeWithBehavior('k', 6, 20, 1, 30, up, down, NOW + 5000).replicas, 6);
    const min = h.normalizeWithBehavior('m', 10, 1, 1, 30, up, { ...down, stabilizationWindowSeconds: 0 }, NOW);
    assert.deepEqual([min.replicas, min.limited[1]], [5, 'ScaleDownLimit']);
    const disabled = h.normalizeWithBehavior('n', 10, 1, 1, 30, up, { ...down, selectPolicy: 'Disabled', stabilizationWindowSeconds: 0 }, NOW);
    assert.equal(disabled.replicas, 10);
  });
});
