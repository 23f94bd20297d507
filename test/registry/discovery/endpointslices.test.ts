import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../src/api/types.ts';
import type { FieldError } from '../../../src/api/field-errors.ts';
import { discoveryStrategies } from '../../../src/registry/discovery/index.ts';

const s = discoveryStrategies.endpointslices!;
const NOW = Date.parse('2024-05-01T12:00:00Z');
const msgs = (errs: FieldError[]) => errs.map((e) => e.toString());

function slice(extra: Record<string, unknown>): KObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abcde', namespace: 'default', creationTimestamp: '2024-05-01T11:59:30Z' },
    addressType: 'IPv4',
    ...extra,
  };
}

test('endpointslices: defaults', () => {
  const e = slice({ ports: [{ port: 80 }] });
  s.prepareForCreate!(e);
  assert.deepEqual(e.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
  assert.equal(e.endpoints, null);
  assert.deepEqual(s.validate!(e), []);
  assert.equal(s.tracksGeneration, true);
});

test('endpointslices: validation', () => {
  const e = slice({
    addressType: 'IPv4',
    endpoints: [{ addresses: [] }, { addresses: ['10.0.0.300', '127.0.0.1', '169.254.1.1'] }],
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'http', port: 81, protocol: 'ICMP' }],
  });
  assert.deepEqual(msgs(s.validate!(e)), [
    'endpoints[0].addresses: Required value: must contain at least 1 address',
    'endpoints[1].addresses[0]: Invalid value: "10.0.0.300": must be a valid IPv4 address',
    'endpoints[1].addresses[1]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'endpoints[1].addresses[2]: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
    'ports[1].name: Duplicate value: "http"',
    'ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
  ]);
  assert.deepEqual(msgs(s.validate!(slice({ addressType: 'IPv5' }))), [
    'addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"',
  ]);
  assert.deepEqual(msgs(s.validate!(slice({ addressType: 'IPv6', endpoints: [{ addresses: ['::1', 'fe80::1', '2001:db8::1'] }] }))), [
    'endpoints[0].addresses[0]: Invalid value: "::1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'endpoints[0].addresses[1]: Invalid value: "fe80::1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
  ]);
  assert.deepEqual(msgs(s.validate!(slice({ addressType: 'FQDN', endpoints: [{ addresses: ['example', 'a.example.com'] }] }))), [
    'endpoints[0].addresses[0]: Invalid value: "example": should be a domain with at least two segments separated by dots',
  ]);
  assert.deepEqual(msgs(s.validateUpdate!(slice({ addressType: 'IPv6' }), slice({}))), [
    'addressType: Invalid value: "IPv6": field is immutable',
  ]);
});

test('endpointslices: table', () => {
  assert.deepEqual(
    s.columns!.map((c) => c.name),
    ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age'],
  );
  const e = slice({
    ports: [{ port: 80 }, { port: 443 }, { name: 'dns' }, { port: 9090 }],
    endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2', '10.0.0.3'] }, { addresses: ['10.0.0.4'] }],
  });
  s.prepareForCreate!(e);
  assert.deepEqual(s.row!(e, NOW).cells, ['web-abcde', 'IPv4', '80,443,dns + 1 more...', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '30s']);
  const empty = slice({});
  s.prepareForCreate!(empty);
  assert.deepEqual(s.row!(empty, NOW).cells.slice(2, 4), ['<unset>', '<unset>']);
});
