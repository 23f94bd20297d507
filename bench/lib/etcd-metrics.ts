// etcd's own Prometheus counters around a measurement: how many fsyncs, commits and RPCs the run
// cost and how long the disk took — what tells "waiting for etcd" from "busy elsewhere".
import { readFileSync } from 'node:fs';
import http from 'node:http';

/** The client URL of an etcd process, from its command line (loopback only). */
export function etcdClientURL(pid: number | undefined): string | undefined {
  if (!pid) return undefined;
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const i = args.indexOf('--listen-client-urls');
    const url = i >= 0 ? args[i + 1]?.split(',')[0] : undefined;
    return url && /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(url) ? url : undefined;
  } catch {
    return undefined;
  }
}

export type Metrics = Map<string, number>;

export function scrape(url: string, timeoutMs = 5_000): Promise<Metrics | undefined> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/metrics`, { timeout: timeoutMs, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        const out: Metrics = new Map();
        for (const line of text.split('\n')) {
          if (!line || line.startsWith('#')) continue;
          const sp = line.lastIndexOf(' ');
          out.set(line.slice(0, sp), Number(line.slice(sp + 1)));
        }
        resolve(out);
      });
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

export interface EtcdDelta {
  walFsyncs: number;
  walFsyncAvgMs: number;
  backendCommits: number;
  backendCommitAvgMs: number;
  /** Completed gRPC calls by method (Range, Txn, Put, …). */
  rpcs: Record<string, number>;
}

function sum(m: Metrics, prefix: string): number {
  let s = 0;
  for (const [k, v] of m) if (k === prefix || k.startsWith(`${prefix}{`)) s += v;
  return s;
}

export function delta(before: Metrics, after: Metrics): EtcdDelta {
  const d = (name: string) => sum(after, name) - sum(before, name);
  const fsyncs = d('etcd_disk_wal_fsync_duration_seconds_count');
  const commits = d('etcd_disk_backend_commit_duration_seconds_count');
  const rpcs: Record<string, number> = {};
  for (const [k, v] of after) {
    const m = /^grpc_server_handled_total\{.*grpc_method="([^"]+)".*\}$/.exec(k);
    if (!m) continue;
    rpcs[m[1]!] = (rpcs[m[1]!] ?? 0) + v - (before.get(k) ?? 0);
  }
  for (const k of Object.keys(rpcs)) if (rpcs[k] === 0) delete rpcs[k];
  return {
    walFsyncs: fsyncs,
    walFsyncAvgMs: fsyncs ? (1000 * d('etcd_disk_wal_fsync_duration_seconds_sum')) / fsyncs : Number.NaN,
    backendCommits: commits,
    backendCommitAvgMs: commits ? (1000 * d('etcd_disk_backend_commit_duration_seconds_sum')) / commits : Number.NaN,
    rpcs,
  };
}
