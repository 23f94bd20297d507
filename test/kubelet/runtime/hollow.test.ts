// The runtime latency scale (`up --runtime-latency-scale`): it speeds up what the simulated runtime
// takes, and leaves the kubelet's back-off policy — which clients observe — at upstream's values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TIMINGS, scaleRuntimeLatencies } from '../../../src/kubelet/runtime/hollow.ts';

describe('scaleRuntimeLatencies', () => {
  it('multiplies the runtime latencies and rounds them to whole milliseconds', () => {
    const t = scaleRuntimeLatencies(0.1);
    assert.equal(t.sandboxMs, Math.round(DEFAULT_TIMINGS.sandboxMs * 0.1));
    assert.equal(t.pullMs, Math.round(DEFAULT_TIMINGS.pullMs * 0.1));
    assert.equal(t.createMs, Math.round(DEFAULT_TIMINGS.createMs * 0.1));
    assert.equal(t.startMs, Math.round(DEFAULT_TIMINGS.startMs * 0.1));
    assert.equal(t.stopMs, Math.round(DEFAULT_TIMINGS.stopMs * 0.1));
    assert.equal(t.initRunMs, Math.round(DEFAULT_TIMINGS.initRunMs * 0.1));
    assert.ok(t.pullMs < DEFAULT_TIMINGS.pullMs);
  });

  it('keeps crash-loop, mount and config back-offs at the kubelet durations', () => {
    const t = scaleRuntimeLatencies(0);
    assert.equal(t.sandboxMs, 0);
    assert.equal(t.backoffInitialMs, 10_000);
    assert.equal(t.backoffMaxMs, 300_000);
    assert.equal(t.mountRetryInitialMs, DEFAULT_TIMINGS.mountRetryInitialMs);
    assert.equal(t.mountRetryMaxMs, DEFAULT_TIMINGS.mountRetryMaxMs);
    assert.equal(t.configRetryMs, 10_000);
  });

  it('scales a given base instead of the defaults', () => {
    const t = scaleRuntimeLatencies(2, { ...DEFAULT_TIMINGS, pullMs: 10 });
    assert.equal(t.pullMs, 20);
  });
});
