// A latency probe: one cheap request at a time, on its own connection, while a load runs. Its
// latency is the API server's queueing + event-loop delay as any client would see it then.
import { ApiClient, sleep } from './http.ts';
import { percentile } from './stats.ts';

export interface ProbeResult {
  count: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export class LatencyProbe {
  private readonly samples: { t: number; ms: number }[] = [];
  private errors = 0;
  private running = false;
  private done?: Promise<void>;
  private readonly client: ApiClient;

  constructor(
    server: string,
    private readonly path: string,
    private readonly everyMs = 50,
  ) {
    this.client = new ApiClient(server, 1, 10_000);
  }

  start(): void {
    this.running = true;
    this.done = (async () => {
      // Bounded by stop() and, as a backstop, by a sample count no run reaches.
      for (let i = 0; this.running && i < 1_000_000; i++) {
        const t = performance.now();
        try {
          const res = await this.client.request('GET', this.path, undefined, 1);
          if (res.status >= 400) this.errors++;
          else this.samples.push({ t, ms: performance.now() - t });
        } catch {
          this.errors++;
        }
        await sleep(this.everyMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    this.client.close();
  }

  /** Latencies of probes sent between two performance.now() times. */
  between(from: number, to: number): ProbeResult {
    const ms = this.samples.filter((s) => s.t >= from && s.t <= to).map((s) => s.ms);
    return { count: ms.length, errors: this.errors, p50Ms: percentile(ms, 50), p99Ms: percentile(ms, 99), maxMs: percentile(ms, 100) };
  }
}
