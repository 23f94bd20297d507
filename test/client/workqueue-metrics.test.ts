// The workqueue_* metrics of named queues, read back from the registry they report to, without a server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { WorkQueue } from '../../src/client/workqueue.ts';
import { WorkQueueMetricsProvider, withWorkQueueMetrics } from '../../src/client/workqueue-metrics.ts';

/** Sample values by `metric{labels}` as the text format prints them. */
async function samples(registry: Registry): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const line of (await registry.metrics()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    out.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return out;
}

function setup(name?: string): { registry: Registry; queue: WorkQueue<string> } {
  const registry = new Registry();
  const provider = new WorkQueueMetricsProvider(registry);
  const queue = withWorkQueueMetrics(provider, () => new WorkQueue<string>({ name, baseDelayMs: 1, maxDelayMs: 1 }));
  return { registry, queue };
}

describe('workqueue metrics', () => {
  const cases: { what: string; work: (q: WorkQueue<string>) => Promise<void>; want: Record<string, number> }[] = [
    {
      what: 'a new queue shows zeroes',
      work: async () => {},
      want: { adds: 0, depth: 0, retries: 0, queued: 0, worked: 0 },
    },
    {
      what: 'adds of a dirty key count once; depth follows the queue',
      work: async (q) => {
        q.add('a');
        q.add('a');
        q.add('b');
      },
      want: { adds: 2, depth: 2, retries: 0, queued: 0, worked: 0 },
    },
    {
      what: 'taking a key observes its wait, done observes the work',
      work: async (q) => {
        q.add('a');
        q.add('b');
        const k = await q.get();
        q.done(k!);
      },
      want: { adds: 2, depth: 1, retries: 0, queued: 1, worked: 1 },
    },
    {
      what: 'a re-add while processing counts as an add and in depth until taken again',
      work: async (q) => {
        q.add('a');
        const k = await q.get();
        q.add('a');
        q.done(k!);
        q.done(await q.get() as string);
      },
      want: { adds: 2, depth: 0, retries: 0, queued: 2, worked: 2 },
    },
    {
      what: 'rate-limited and delayed adds are retries',
      work: async (q) => {
        q.addRateLimited('a');
        q.addAfter('b', 0);
        q.done((await q.get())!);
        q.done((await q.get())!);
      },
      want: { adds: 2, depth: 0, retries: 2, queued: 2, worked: 2 },
    },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const { registry, queue } = setup('things');
      await c.work(queue);
      const s = await samples(registry);
      const got = {
        adds: s.get('workqueue_adds_total{name="things"}'),
        depth: s.get('workqueue_depth{name="things"}'),
        retries: s.get('workqueue_retries_total{name="things"}'),
        queued: s.get('workqueue_queue_duration_seconds_count{name="things"}'),
        worked: s.get('workqueue_work_duration_seconds_count{name="things"}') ?? 0,
      };
      assert.deepEqual(got, c.want);
      queue.shutDown();
    });
  }

  it('reports work in progress: unfinished seconds and the longest running processor', async () => {
    const { registry, queue } = setup('slow');
    queue.add('a');
    await queue.get();
    const t0 = performance.now();
    while (performance.now() - t0 < 20) await new Promise((r) => setTimeout(r, 5));
    const s = await samples(registry);
    assert.ok(s.get('workqueue_unfinished_work_seconds{name="slow"}')! >= 0.015);
    assert.ok(s.get('workqueue_longest_running_processor_seconds{name="slow"}')! >= 0.015);
    queue.done('a');
    const after = await samples(registry);
    assert.equal(after.get('workqueue_unfinished_work_seconds{name="slow"}'), 0);
    assert.equal(after.get('workqueue_longest_running_processor_seconds{name="slow"}'), 0);
  });

  it('uses upstream buckets: 10 ns to 10 s', async () => {
    const { registry, queue } = setup('b');
    queue.add('a');
    const les = [...(await samples(registry)).keys()]
      .filter((k) => k.startsWith('workqueue_queue_duration_seconds_bucket{'))
      .map((k) => /le="([^"]+)"/.exec(k)![1]);
    assert.deepEqual(les, ['1e-8', '1e-7', '0.000001', '0.00001', '0.0001', '0.001', '0.01', '0.1', '1', '10', '+Inf']);
  });

  it('records nothing for unnamed queues or queues built outside a provider scope', async () => {
    const { registry, queue } = setup(undefined);
    queue.add('a');
    const outside = new WorkQueue<string>({ name: 'outside' });
    outside.add('a');
    const text = await registry.metrics();
    assert.doesNotMatch(text, /name="/);
  });

  it('keeps two providers apart', async () => {
    const one = setup('q');
    const two = setup('q');
    one.queue.add('a');
    assert.equal((await samples(one.registry)).get('workqueue_adds_total{name="q"}'), 1);
    assert.equal((await samples(two.registry)).get('workqueue_adds_total{name="q"}'), 0);
  });
});
