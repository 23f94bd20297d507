// Random and mutated requests (bodies, paths, query parameters, headers) against a real server on a
// real etcd: every answer is a proper status with a Status body for errors, never a 500 or a stack
// trace; the server stays up; refused requests leave stored objects unchanged. A fixed seed and a
// bounded number of runs keep it repeatable and quick; `npm run bench -- --scenario fuzz` runs longer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { fuzzServer } from '../support/api-fuzz.ts';

const SEED = 20261123;
const RUNS = 400;

describe('fuzzed requests', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => c.stop());

  it(`answers ${RUNS} random requests properly (seed ${SEED})`, async () => {
    const out = await fuzzServer(c.url, { seed: SEED, numRuns: RUNS });
    assert.equal(out.runs, RUNS);
    // The mix reached the handlers, not only the router: successes and several kinds of refusal.
    const codes = Object.keys(out.statuses).map(Number);
    assert.ok(codes.some((s) => s >= 200 && s < 300), JSON.stringify(out.statuses));
    for (const code of [400, 404, 405]) assert.ok(codes.includes(code), `no ${code} among ${JSON.stringify(out.statuses)}`);
  });
});
