// The address the kubernetes Service's endpoints get: never a wildcard, which Endpoints validation refuses
// (`up --host 0.0.0.0`, as docker-compose runs it, failed at bootstrap before).
import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { advertiseAddress } from '../../src/apiserver/server.ts';

test('a specific listen address is advertised as it is', () => {
  assert.equal(advertiseAddress('127.0.0.1'), '127.0.0.1');
  assert.equal(advertiseAddress('127.0.0.2'), '127.0.0.2');
});

test('a wildcard listen address advertises an interface address instead', () => {
  const external = Object.values(os.networkInterfaces())
    .flatMap((l) => l ?? [])
    .find((a) => a.family === 'IPv4' && !a.internal)?.address;
  for (const wildcard of ['0.0.0.0', '::']) {
    const a = advertiseAddress(wildcard);
    assert.equal(a, external ?? '127.0.0.1');
    assert.notEqual(a, wildcard);
  }
});
