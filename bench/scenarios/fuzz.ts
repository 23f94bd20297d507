// The fuzz test's long run (issue 10): random and mutated requests against a `wheelhouse up` cluster,
// as many as `--ops` says (default 2000; the test suite runs 400 with a fixed seed). Each run takes a
// new seed unless WHEELHOUSE_FUZZ_SEED fixes one; a failure prints the seed and the counterexample, and
// `node --import tsx` on a script calling fuzzServer with that seed replays it.
import { startCluster, type Cluster } from '../lib/cluster.ts';
import { fuzzServer } from '../../test/support/api-fuzz.ts';
import type { BenchOptions, Case, CaseContext, ResultRow, Scenario } from './types.ts';

export const fuzzScenario: Scenario = {
  name: 'fuzz',
  description: 'random and mutated requests to every kind of endpoint: no 500s, Status bodies, the server stays up, refused requests change nothing',
  columns: ['cases', 'seed', 'seconds', 'cases/s', 'statuses', 'result'],
  legend: [
    'cases: requests sent (--ops); each is followed by /healthz and, for refused writes, a check of the seeded objects',
    'statuses: how many answers had each HTTP status',
    'result: ok, or the first broken property with its request (fast-check stops at the first failure, unshrunk)',
  ],
  cases(options: BenchOptions): Case[] {
    const seed = Number(process.env.WHEELHOUSE_FUZZ_SEED ?? Date.now() % 2 ** 31);
    return [{ label: `${options.ops ?? 2000} cases`, params: { runs: options.ops ?? 2000, seed } }];
  },
  async run(ctx: CaseContext, c: Case): Promise<ResultRow> {
    const runs = c.params.runs as number;
    const seed = c.params.seed as number;
    let cluster: Cluster | undefined;
    const start = performance.now();
    const row = (cells: Record<string, string>, metrics: Record<string, unknown>, error?: string): ResultRow => ({
      scenario: 'fuzz',
      case: c.label,
      cells: { cases: String(runs), seed: String(seed), ...cells },
      metrics: { runs, seed, ...metrics },
      ...(error ? { error } : {}),
    });
    try {
      // No controllers: they would change the seeded objects (a Deployment's status, its revision
      // annotation) between a refused request and the check that nothing changed.
      cluster = await startCluster({ repo: ctx.repo, keepState: ctx.options.keepState, log: ctx.log, upArgs: ['--no-controller-manager', '--disable-admission-plugins', 'ServiceAccount'] });
      const out = await fuzzServer(cluster.url, { seed, numRuns: runs });
      const seconds = (performance.now() - start) / 1000;
      const statuses = Object.entries(out.statuses).map(([k, v]) => `${k}:${v}`).join(' ');
      return row({ seconds: seconds.toFixed(1), 'cases/s': (out.runs / seconds).toFixed(0), statuses, result: 'ok' }, { seconds, statuses: out.statuses });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      ctx.log(`fuzz: ${message}`);
      return row({ seconds: ((performance.now() - start) / 1000).toFixed(1), 'cases/s': '', statuses: '', result: message.split('\n')[0]!.slice(0, 120) }, {}, message);
    } finally {
      await cluster?.stop();
    }
  },
};
