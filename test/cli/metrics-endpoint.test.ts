// --metrics-bind-address parsing: host:port as Go's listeners read it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bindAddress } from '../../src/cli/metrics-endpoint.ts';

describe('bindAddress', () => {
  const ok: [string, { host: string; port: number }][] = [
    ['127.0.0.1:10259', { host: '127.0.0.1', port: 10259 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    ['[::1]:10257', { host: '::1', port: 10257 }],
    [':10259', { host: '0.0.0.0', port: 10259 }],
  ];
  for (const [input, want] of ok) it(`reads ${input}`, () => assert.deepEqual(bindAddress(input), want));

  for (const bad of ['127.0.0.1', '127.0.0.1:', '127.0.0.1:65536', '::1:80', 'host:port', '']) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => bindAddress(bad), /must be host:port/));
  }
});
