// `npm run bench -- [flags]`: runs benchmark scenarios against clusters started as a user starts them,
// prints a table per scenario and writes the results (with the machine they ran on) as JSON under
// bench/results/. Not part of `npm test`, and nothing here asserts on timings.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { machine } from './lib/machine.ts';
import { installTeardownHandlers, teardownAll } from './lib/procs.ts';
import { renderTable } from './lib/table.ts';
import { apiScenario } from './scenarios/api.ts';
import { coldstartScenario } from './scenarios/coldstart.ts';
import { fuzzScenario } from './scenarios/fuzz.ts';
import { schedulerScenario } from './scenarios/scheduler.ts';
import type { BenchOptions, ResultRow, Scenario } from './scenarios/types.ts';
import { watchScenario } from './scenarios/watch.ts';

const SCENARIOS: Scenario[] = [schedulerScenario, apiScenario, watchScenario, coldstartScenario, fuzzScenario];
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function intList(v: string): number[] {
  const out = v.split(',').map((s) => Number(s.trim().replace(/_/g, '')));
  if (out.some((n) => !Number.isInteger(n) || n <= 0)) throw new InvalidArgumentError('must be positive integers, comma-separated');
  return out;
}

/** Node counts: 0 is an API-only cluster (coldstart). */
function sizeList(v: string): number[] {
  const out = v.split(',').map((s) => Number(s.trim().replace(/_/g, '')));
  if (out.some((n) => !Number.isInteger(n) || n < 0)) throw new InvalidArgumentError('must be non-negative integers, comma-separated');
  return out;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

const program = new Command('bench')
  .description('Wheelhouse benchmarks')
  .option('--scenario <names>', `comma-separated scenarios (${SCENARIOS.map((s) => s.name).join(', ')})`, list, SCENARIOS.map((s) => s.name))
  .option('--nodes <n,...>', 'cluster sizes in nodes (e.g. 100,1000,5000; default per scenario: scheduler 100,1000, watch 1000, coldstart 0,3,100)', sizeList, [100, 1000])
  .option('--pods <n,...>', 'pods per size (one value for all sizes, or one per size); default depends on the size', intList)
  .option('--mode <modes>', 'scheduler: precreated, streaming (default both)', list)
  .option('--concurrency <n>', 'load generator requests in flight', positiveInt, 32)
  .option('--clients <n,...>', 'api: concurrent clients, one measurement each', intList, [1, 16, 256])
  .option('--ops <n>', 'api: operations per verb and client count (lists: a quarter of it); fuzz: requests to send', positiveInt, 2000)
  .option('--list-size <n>', 'api: pods in the namespace the list calls read', positiveInt, 100)
  .option('--repeat <n>', 'coldstart: starts per size (medians reported)', positiveInt, 3)
  .option('--write-rate <n>', 'watch: writes per second during the load', positiveInt, 500)
  .option('--write-seconds <n>', 'watch: how long the write load lasts', positiveInt, 20)
  .option('--unfiltered-watches <n>', 'watch: unfiltered pod watches beside the one per node', nonNegativeInt, 100)
  .option('--create-rate <n>', 'scheduler streaming: create pods at most n per second (default: as fast as --concurrency allows)', positiveInt)
  .option('--timeout <seconds>', 'budget for each scenario; cases past it are skipped and reported', positiveInt, 600)
  .option('--cpu-prof <procs>', 'run these under node --cpu-prof and print their hot spots: scheduler, server', list, [] as string[])
  .option('--results-dir <dir>', 'where the JSON results (and profiles) go', path.join(REPO, 'bench', 'results'))
  .option('--quiet-host <seconds>', 'before each measurement, wait up to this long for other processes to use < 25% of a core (0: do not wait)', nonNegativeInt, 30)
  .option('--keep-state', 'keep each cluster\'s temp state dir (etcd data, logs) for a post-mortem', false)
  .option('--verbose', 'log progress stalls', false)
  .option('--list', 'list scenarios and exit', false);

program.parse(process.argv);
const opts = program.opts<{
  scenario: string[];
  nodes: number[];
  pods?: number[];
  mode?: string[];
  concurrency: number;
  repeat: number;
  writeRate: number;
  writeSeconds: number;
  unfilteredWatches: number;
  clients: number[];
  ops: number;
  listSize: number;
  createRate?: number;
  timeout: number;
  cpuProf: string[];
  resultsDir: string;
  keepState: boolean;
  quietHost: number;
  verbose: boolean;
  list: boolean;
}>();

if (opts.list) {
  for (const s of SCENARIOS) console.log(`${s.name.padEnd(12)} ${s.description}`);
  process.exit(0);
}

function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

for (const p of opts.cpuProf) if (!['scheduler', 'server'].includes(p)) usage(`--cpu-prof: unknown process ${p} (have: scheduler, server)`);
const scenarios = opts.scenario.map((name) => {
  const s = SCENARIOS.find((x) => x.name === name);
  return s ?? usage(`unknown scenario ${name}; have: ${SCENARIOS.map((x) => x.name).join(', ')}`);
});

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const options: BenchOptions = {
  nodes: opts.nodes,
  nodesGiven: program.getOptionValueSource('nodes') === 'cli',
  repeat: opts.repeat,
  writeRate: opts.writeRate,
  writeSeconds: opts.writeSeconds,
  unfilteredWatches: opts.unfilteredWatches,
  pods: opts.pods,
  modes: opts.mode,
  concurrency: opts.concurrency,
  clients: opts.clients,
  ops: opts.ops,
  listSize: opts.listSize,
  createRate: opts.createRate,
  timeoutSeconds: opts.timeout,
  cpuProf: opts.cpuProf,
  profileDir: path.join(path.resolve(opts.resultsDir), `profiles-${stamp}`),
  keepState: opts.keepState,
  quietHostSeconds: opts.quietHost,
  verbose: opts.verbose,
};
// Validate every scenario's cases before starting any cluster.
const plans = scenarios.map((s) => {
  try {
    return { scenario: s, cases: s.cases(options) };
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err));
  }
});

installTeardownHandlers();
const started = new Date();
const t0 = performance.now();
const log = (line: string) => console.error(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${line}`);
const info = machine(REPO);
log(`${info.cpus} × ${info.cpuModel}, ${(info.memoryBytes / 1024 ** 3).toFixed(1)} GiB, node ${info.node}, etcd ${info.etcd ?? '?'}, commit ${info.gitCommit?.slice(0, 12) ?? '?'} (src ${info.srcDigest ?? '?'})`);
if (options.cpuProf.length) mkdirSync(options.profileDir, { recursive: true });

const results: { scenario: string; rows: ResultRow[]; skipped: string[] }[] = [];
// The runner's own backstop: a case that ignores its deadline is cut off this much after it.
const GRACE_MS = 30_000;

for (const { scenario, cases } of plans) {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const rows: ResultRow[] = [];
  const skipped: string[] = [];
  for (const c of cases) {
    if (Date.now() > deadline) {
      skipped.push(c.label);
      log(`${scenario.name}: skipping ${c.label} (scenario timeout of ${options.timeoutSeconds} s reached)`);
      continue;
    }
    log(`${scenario.name}: ${c.label}`);
    const abort = new AbortController();
    let backstop: NodeJS.Timeout | undefined;
    const cut = new Promise<ResultRow | ResultRow[]>((resolve) => {
      backstop = setTimeout(() => {
        abort.abort();
        void teardownAll().then(() => resolve({ scenario: scenario.name, case: c.label, cells: {}, metrics: {}, error: 'cut off by the runner after the scenario timeout' }));
      }, deadline - Date.now() + GRACE_MS);
    });
    const got = await Promise.race([scenario.run({ repo: REPO, options, deadline, signal: abort.signal, log }, c), cut]);
    clearTimeout(backstop);
    for (const row of Array.isArray(got) ? got : [got]) {
      rows.push(row);
      if (row.error) log(`${scenario.name}: ${c.label}: ${row.error}`);
    }
  }
  results.push({ scenario: scenario.name, rows, skipped });
}
await teardownAll();

const finished = new Date();
mkdirSync(opts.resultsDir, { recursive: true });
const file = path.join(opts.resultsDir, `${stamp}.json`);
writeFileSync(
  file,
  JSON.stringify(
    {
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      machine: info,
      options,
      results,
    },
    null,
    2,
  ) + '\n',
);

for (const { scenario: name, rows, skipped } of results) {
  const scenario = SCENARIOS.find((s) => s.name === name)!;
  console.log(`\n${scenario.name}: ${scenario.description}\n`);
  console.log(renderTable(scenario.columns, rows.map((r) => scenario.columns.map((col) => r.cells[col] ?? (col === 'scenario' ? name : '–')))));
  console.log('');
  for (const l of scenario.legend) console.log(l);
  for (const r of rows) if (r.error) console.log(`! ${r.case}: ${r.error}`);
  for (const s of skipped) console.log(`! skipped: ${s}`);
}
console.log(`\nresults: ${path.relative(process.cwd(), file)} (${((finished.getTime() - started.getTime()) / 1000).toFixed(0)} s)`);
const failed = results.some((r) => r.skipped.length > 0 || r.rows.some((x) => x.error));
process.exit(failed ? 1 : 0);
