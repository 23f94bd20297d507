import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../src/api/types.ts';
import { endpointsStrategy } from '../../../src/registry/core/endpoints.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const msgs = (errs: { toString(): string }[]) => errs.map((e) => e.toString());

function ep(subsets?: unknown[]): KObject {
  return { metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' }, ...(subsets ? { subsets } : {}) };
}

test('endpoints with more than three addresses are truncated', () => {
  const e = ep([
    {
      addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: '10.0.0.3' }, { ip: '10.0.0.4' }, { ip: '10.0.0.5' }],
      notReadyAddresses: [{ ip: '10.0.0.9' }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    },
  ]);
  assert.deepEqual(endpointsStrategy.row!(e, NOW).cells, ['web', '10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 2 more...', '60m']);
});

test('several ports, IPv6, headless and empty endpoints', () => {
  const multi = ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }], ports: [{ name: 'a', port: 80 }, { name: 'b', port: 443 }] }]);
  assert.equal(endpointsStrategy.row!(multi, NOW).cells[1], '10.0.0.1:80,[fd00::1]:80,10.0.0.1:443 + 1 more...');
  const headless = ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] }]);
  assert.equal(endpointsStrategy.row!(headless, NOW).cells[1], '10.0.0.1,10.0.0.2');
  assert.equal(endpointsStrategy.row!(ep(), NOW).cells[1], '<none>');
  assert.equal(endpointsStrategy.row!(ep([{ notReadyAddresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }]), NOW).cells[1], '');
});

test('defaults and validation', () => {
  const e = ep([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }, { name: 'b', port: 70000, protocol: 'TCP' }] }, { addresses: [{ ip: 'nope' }, { ip: '169.254.1.1' }] }, {}]);
  endpointsStrategy.prepareForCreate!(e);
  assert.equal((e.subsets as any)[0].ports[0].protocol, 'TCP');
  assert.deepEqual(msgs(endpointsStrategy.validate!(e)), [
    'subsets[0].ports[0].name: Required value',
    'subsets[0].ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'subsets[1].addresses[0].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'subsets[1].addresses[1].ip: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
    'subsets[2]: Required value: must specify `addresses` or `notReadyAddresses`',
  ]);
});
