// The rate-limited work queue: client-go workqueue semantics, without a server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkQueue } from '../../src/client/workqueue.ts';
import { goDuration, rfc3339 } from '../../src/client/time.ts';
import { milliValue, value } from '../../src/api/quantity.ts';

describe('WorkQueue', () => {
  it('queues a key once until it is taken', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    assert.equal(q.length, 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
    assert.equal(q.length, 0);
  });

  it('never hands a key being processed to a second worker; a re-add runs it again after done', async () => {
    const q = new WorkQueue();
    q.add('a');
    const key = await q.get();
    q.add('a');
    assert.equal(q.length, 0, 'the re-add waits while a is processed');
    q.done(key!);
    assert.equal(q.length, 1);
    assert.equal(await q.get(), 'a');
  });

  it('retries failing keys with growing delays and forgets them after a success', async () => {
    const q = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 40 });
    const seen: number[] = [];
    let calls = 0;
    const running = q.run(1, async () => {
      calls++;
      seen.push(Date.now());
      if (calls < 4) throw new Error('not yet');
    });
    q.add('k');
    const deadline = Date.now() + 5000;
    while (calls < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(calls, 4);
    assert.equal(q.retries('k'), 0, 'a success forgets the back-off');
    q.shutDown();
    await running;
  });

  it('runs delayed keys in due order and keeps the earliest of two delays', async () => {
    const q = new WorkQueue();
    q.addAfter('late', 60);
    q.addAfter('early', 10);
    q.addAfter('late', 20);
    assert.equal(await q.get(), 'early');
    assert.equal(await q.get(), 'late');
    q.shutDown();
    assert.equal(await q.get(), undefined);
  });
});

describe('wire formats', () => {
  it('formats durations as Go does', () => {
    assert.equal(goDuration(431), '431ms');
    assert.equal(goDuration(1500), '1.5s');
    assert.equal(goDuration(10_000), '10s');
    assert.equal(goDuration(123_250), '2m3.25s');
    assert.equal(goDuration(3_600_000), '1h0m0s');
  });

  it('writes times with whole seconds', () => {
    assert.equal(rfc3339(Date.UTC(2025, 0, 2, 3, 4, 5, 678)), '2025-01-02T03:04:05Z');
  });

  it('reads quantities as the scheduler needs them', () => {
    assert.equal(milliValue('100m'), 100);
    assert.equal(milliValue('2'), 2000);
    assert.equal(milliValue('0.5'), 500);
    assert.equal(value('128Mi'), 128 * 1024 * 1024);
    assert.equal(value('1G'), 1e9);
    assert.equal(value('16393476Ki'), 16393476 * 1024);
  });
});
