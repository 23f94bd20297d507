import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../src/api/types.ts';
import type { FieldError } from '../../../src/api/field-errors.ts';
import { coordinationStrategies } from '../../../src/registry/coordination/index.ts';

const s = coordinationStrategies.leases!;
const NOW = Date.parse('2024-05-01T12:00:00Z');
const msgs = (errs: FieldError[]) => errs.map((e) => e.toString());

function lease(spec?: Record<string, unknown>): KObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'kube-scheduler', namespace: 'kube-system', creationTimestamp: '2024-05-01T11:00:00Z' },
    ...(spec ? { spec } : {}),
  };
}

test('leases: micro times, empty spec, disabled fields', () => {
  const l = lease({ holderIdentity: 'node-1', renewTime: '2024-05-01T12:00:00Z', acquireTime: '2024-05-01T13:00:00.1234567+01:00', strategy: 'OldestEmulationVersion' });
  s.prepareForCreate!(l);
  assert.deepEqual(l.spec, { holderIdentity: 'node-1', renewTime: '2024-05-01T12:00:00.000000Z', acquireTime: '2024-05-01T12:00:00.123456Z' });
  const empty = lease();
  s.prepareForCreate!(empty);
  assert.deepEqual(empty.spec, {});
  assert.equal(s.tracksGeneration, undefined);
});

test('leases: validation', () => {
  const l = lease({ leaseDurationSeconds: 0, leaseTransitions: -1 });
  assert.deepEqual(msgs(s.validate!(l)), [
    'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
  ]);
  assert.deepEqual(s.validate!(lease({ leaseDurationSeconds: 15, holderIdentity: 'x' })), []);
});

test('leases: table', () => {
  assert.deepEqual(
    s.columns!.map((c) => c.name),
    ['Name', 'Holder', 'Age'],
  );
  assert.deepEqual(s.row!(lease({ holderIdentity: 'node-1_abc' }), NOW).cells, ['kube-scheduler', 'node-1_abc', '60m']);
  assert.deepEqual(s.row!(lease({}), NOW).cells, ['kube-scheduler', '', '60m']);
});
