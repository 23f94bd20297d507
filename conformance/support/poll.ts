// Small HTTP and polling helpers for suites that talk to a running cluster without a client library.

/** GET a path of the cluster and parse the JSON body (the suites read it loosely). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function getJSON(cluster: { url: string }, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${cluster.url}${path}`);
  return { status: res.status, body: await res.json() };
}

export interface PollOptions {
  timeoutMs: number;
  intervalMs: number;
  /** Appended to the timeout error: the output of the processes involved. */
  context?: () => string;
}

/** Calls fn until it returns a value (a throw counts as not yet); fails after the timeout with the last error. */
export async function pollUntil<T>(what: string, fn: () => Promise<T | undefined>, opts: PollOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? ` (${String(last)})` : ''}${opts.context ? `\n${opts.context()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs));
  }
}
