// What a scenario is to the runner: a list of cases (sizes × variants) it expands the options into,
// and a function that runs one case on a cluster of its own and returns one result row.

export interface BenchOptions {
  /** Cluster sizes in nodes (scenarios that do not scale with nodes may ignore it). */
  nodes: number[];
  /** Whether --nodes was given (else scenarios with their own default sizes use those). */
  nodesGiven: boolean;
  /** coldstart: starts per size (medians reported). */
  repeat: number;
  /** watch: writes per second of the load, and for how long. */
  writeRate: number;
  writeSeconds: number;
  /** watch: unfiltered pod watches beside the one per node. */
  unfilteredWatches: number;
  /** Pods per size, or undefined for the scenario's default for that size. */
  pods?: number[];
  /** Scenario-specific variants (scheduler: precreated, streaming). */
  modes?: string[];
  /** Requests in flight from the load generator. */
  concurrency: number;
  /** api: concurrent clients, one measurement per value (each its own keep-alive pool of that many sockets). */
  clients?: number[];
  /** api: operations per verb and client count (lists: a quarter of it). */
  ops?: number;
  /** api: pods in the namespace the list calls read. */
  listSize?: number;
  /** Cap on the rate the load generator creates objects at (per second); undefined: only concurrency bounds it. */
  createRate?: number;
  /** Seconds a scenario may take in all; cases past it are skipped. */
  timeoutSeconds: number;
  /** Processes to run under `node --cpu-prof` (scheduler, server). */
  cpuProf: string[];
  profileDir: string;
  keepState: boolean;
  /** Wait up to this long before each measurement for other processes to leave the CPUs alone (0: don't). */
  quietHostSeconds: number;
  verbose: boolean;
}

export interface CaseContext {
  repo: string;
  options: BenchOptions;
  /** Date.now() past which the case must wrap up (the runner kills everything a little after it). */
  deadline: number;
  signal: AbortSignal;
  log: (line: string) => void;
}

export interface ResultRow {
  scenario: string;
  case: string;
  /** Formatted cells, by column name (see Scenario.columns). */
  cells: Record<string, string>;
  /** Everything measured, for the JSON results. */
  metrics: Record<string, unknown>;
  /** Set when the case did not complete (timeout, error); the metrics hold what was measured. */
  error?: string;
}

export interface Case {
  label: string;
  params: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  description: string;
  columns: string[];
  /** Lines printed under the table: what the columns mean, how the run was done. */
  legend: string[];
  cases(options: BenchOptions): Case[];
  /** One row, or several when one case measures several things on one cluster (api: a row per verb and client count). */
  run(ctx: CaseContext, c: Case): Promise<ResultRow | ResultRow[]>;
}
