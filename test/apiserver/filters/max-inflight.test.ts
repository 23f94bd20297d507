// The max-in-flight filter on its own: an express app with the real filter in front of handlers the test
// releases when it wants, so "N requests in flight" is exact rather than timed.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { maxInFlight, TOO_MANY_REQUESTS_TEXT, type RequestKind } from '../../../src/apiserver/filters/max-inflight.ts';

describe('maxInFlight', () => {
  let server: http.Server;
  let base: string;
  const gates: (() => void)[] = [];
  const arrived: string[] = [];
  const counts: Record<RequestKind, number> = { readOnly: 0, mutating: 0 };
  const dropped: RequestKind[] = [];
  before(async () => {
    const app = express();
    app.use(
      maxInFlight(
        { maxRequestsInFlight: 2, maxMutatingRequestsInFlight: 1 },
        { inFlight: (k, n) => (counts[k] = n), droppedRequest: (k) => dropped.push(k) },
      ),
    );
    // Every request waits here until the test opens its gate.
    app.use((req, res) => {
      arrived.push(`${req.method} ${req.path}`);
      gates.push(() => res.end('done'));
    });
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  async function until(cond: () => boolean): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it('answers 429 past the limit of each kind, and not for long-running requests', async () => {
    const held = [fetch(`${base}/api/v1/pods`), fetch(`${base}/api/v1/namespaces/d/configmaps/x`), fetch(`${base}/api/v1/namespaces/d/pods`, { method: 'POST' })];
    await until(() => arrived.length === 3);
    assert.deepEqual(counts, { readOnly: 2, mutating: 1 });

    const read = await fetch(`${base}/api/v1/nodes`);
    assert.equal(read.status, 429);
    assert.equal(read.headers.get('retry-after'), '1');
    assert.equal(read.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(await read.text(), TOO_MANY_REQUESTS_TEXT);
    const write = await fetch(`${base}/api/v1/namespaces/d/configmaps/x`, { method: 'DELETE' });
    assert.equal(write.status, 429);
    assert.deepEqual(dropped, ['readOnly', 'mutating']);

    // Watches and logs hold connections for minutes: they pass whatever the counts.
    const watch = fetch(`${base}/api/v1/pods?watch=true`);
    const log = fetch(`${base}/api/v1/namespaces/d/pods/p/log?follow=true`);
    await until(() => arrived.length === 5);
    assert.deepEqual(counts, { readOnly: 2, mutating: 1 });

    // A finished request frees its place.
    gates.shift()!();
    assert.equal((await held[0])!.status, 200);
    await until(() => counts.readOnly === 1);
    const again = fetch(`${base}/api/v1/nodes`);
    await until(() => arrived.length === 6);
    for (const open of gates.splice(0)) open();
    await Promise.all([...held, watch, log, again]);
    await until(() => counts.readOnly === 0 && counts.mutating === 0);
  });

  it('frees the place of a client that goes away before the answer', async () => {
    arrived.length = 0;
    const ac = new AbortController();
    const gone = fetch(`${base}/api/v1/namespaces/d/pods`, { method: 'POST', signal: ac.signal }).catch(() => undefined);
    await until(() => arrived.length === 1);
    assert.equal(counts.mutating, 1);
    ac.abort();
    await gone;
    await until(() => counts.mutating === 0);
    gates.splice(0);
  });
});
