// resource.k8s.io v1beta1/v1beta2 ↔ stored v1 conversion (pure): each beta object goes to v1 in the
// expected shape and comes back unchanged, and the beta strategies default and validate through v1.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../../../src/api/types.ts';
import { betaStrategy, resourceCodec } from '../../../src/registry/resource/conversion.ts';
import { resourceStrategies } from '../../../src/registry/resource/index.ts';

const meta = { name: 'x', namespace: 'default' };
const exact = { deviceClassName: 'gpu', selectors: [{ cel: { expression: 'true' } }], allocationMode: 'ExactCount', count: 2, adminAccess: true, tolerations: [{ key: 'k', operator: 'Exists' }] };
const sub = { name: 'small', deviceClassName: 'gpu', allocationMode: 'ExactCount', count: 1 };
const status = { allocation: { devices: { results: [{ request: 'gpu', driver: 'gpu.example.com', pool: 'p', device: 'd0' }] } }, reservedFor: [{ resource: 'pods', name: 'p', uid: 'u' }] };
const basic = { attributes: { model: { string: 'a100' } }, capacity: { memory: { value: '40Gi' } }, taints: [{ key: 'k', effect: 'NoSchedule' }] };

const cases: { name: string; kind: string; beta: Record<string, unknown>; v1: Record<string, unknown> }[] = [
  {
    name: 'claim with a flat request and a firstAvailable one',
    kind: 'ResourceClaim',
    beta: { spec: { devices: { requests: [{ name: 'gpu', ...exact }, { name: 'any', firstAvailable: [sub] }], config: [{ opaque: { driver: 'd', parameters: { a: 1 } } }] } }, status },
    v1: { spec: { devices: { requests: [{ name: 'gpu', exactly: exact }, { name: 'any', firstAvailable: [sub] }], config: [{ opaque: { driver: 'd', parameters: { a: 1 } } }] } }, status },
  },
  {
    name: 'claim template',
    kind: 'ResourceClaimTemplate',
    beta: { spec: { metadata: { labels: { a: 'b' } }, spec: { devices: { requests: [{ name: 'gpu', deviceClassName: 'gpu' }] } } } },
    v1: { spec: { metadata: { labels: { a: 'b' } }, spec: { devices: { requests: [{ name: 'gpu', exactly: { deviceClassName: 'gpu' } }] } } } },
  },
  {
    name: 'slice with basic devices',
    kind: 'ResourceSlice',
    beta: { spec: { driver: 'gpu.example.com', nodeName: 'n1', pool: { name: 'p', generation: 1, resourceSliceCount: 1 }, devices: [{ name: 'd0', basic }, { name: 'd1', basic: {} }] } },
    v1: { spec: { driver: 'gpu.example.com', nodeName: 'n1', pool: { name: 'p', generation: 1, resourceSliceCount: 1 }, devices: [{ name: 'd0', ...basic }, { name: 'd1' }] } },
  },
  {
    name: 'device class (same shape)',
    kind: 'DeviceClass',
    beta: { spec: { selectors: [{ cel: { expression: 'true' } }], config: [{ opaque: { driver: 'd', parameters: {} } }] } },
    v1: { spec: { selectors: [{ cel: { expression: 'true' } }], config: [{ opaque: { driver: 'd', parameters: {} } }] } },
  },
];

const obj = (apiVersion: string, kind: string, rest: Record<string, unknown>): KObject => ({ apiVersion, kind, metadata: { ...meta }, ...rest });

describe('v1beta1 ↔ v1', () => {
  for (const c of cases) {
    it(c.name, () => {
      const codec = resourceCodec('v1beta1', c.kind);
      const beta = obj('resource.k8s.io/v1beta1', c.kind, c.beta);
      const stored = codec.toStored(structuredClone(beta));
      assert.deepEqual(stored, obj('resource.k8s.io/v1', c.kind, c.v1));
      assert.deepEqual(codec.fromStored(stored), beta);
    });
  }
});

describe('v1beta2 ↔ v1', () => {
  for (const c of cases) {
    it(`${c.name}: only apiVersion changes`, () => {
      const codec = resourceCodec('v1beta2', c.kind);
      const beta = obj('resource.k8s.io/v1beta2', c.kind, c.v1);
      const stored = codec.toStored(structuredClone(beta));
      assert.deepEqual(stored, obj('resource.k8s.io/v1', c.kind, c.v1));
      assert.deepEqual(codec.fromStored(stored), beta);
    });
  }
});

describe('beta strategies', () => {
  it('default a v1beta1 request in its flat form and report v1 field paths', () => {
    const s = resourceStrategies['v1beta1/resourceclaims']!;
    const claim = obj('resource.k8s.io/v1beta1', 'ResourceClaim', { spec: { devices: { requests: [{ name: 'gpu', deviceClassName: 'gpu' }] } } });
    s.prepareForCreate!(claim);
    assert.deepEqual(claim.spec, { devices: { requests: [{ name: 'gpu', deviceClassName: 'gpu', allocationMode: 'ExactCount', count: 1 }] } });
    assert.deepEqual(claim.status, {});
    const bad = obj('resource.k8s.io/v1beta1', 'ResourceClaim', { spec: { devices: { requests: [{ name: 'gpu', deviceClassName: 'gpu', allocationMode: 'All', count: 3 }] } } });
    assert.deepEqual(
      s.validate!(bad).map(String),
      ["spec.devices.requests[0].exactly.count: Invalid value: 3: must not be specified when allocationMode is 'All'"],
    );
  });

  it('read v1beta1 slices through v1 field selectors and rows', () => {
    const s = betaStrategy(resourceStrategies['resourceslices']!, 'v1beta1', 'ResourceSlice');
    const slice = obj('resource.k8s.io/v1beta1', 'ResourceSlice', { spec: { driver: 'gpu.example.com', nodeName: 'n1', pool: { name: 'p', resourceSliceCount: 1 } } });
    assert.equal(s.fieldSelectors!['spec.nodeName']!(slice), 'n1');
    assert.deepEqual(s.row!(slice, Date.now()).cells.slice(0, 4), ['x', 'n1', 'gpu.example.com', 'p']);
    assert.deepEqual(s.validate!(slice), []);
  });
});
