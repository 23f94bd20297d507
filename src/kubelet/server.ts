// The kubelet's HTTP server, as much of it as `kubectl logs` and metrics-server need (/metrics/resource): one per process running node agents
// (NodeHost), serving every agent of that process. The API server's pods/log proxies to
// `http://<sim.wheelhouse.io/kubelet-host>:<status.daemonEndpoints.kubeletEndpoint.Port>/containerLogs/…`
// of the pod's Node, passing the query through unchanged; pods are unique by namespace and name, so the
// path alone finds the agent that runs the pod.
//
// Answers follow pkg/kubelet/server/server.go (getContainerLogs): plain-text error bodies, 404 for an
// unknown pod or container, 400 for a container with no logs to show (the kubelet's own messages),
// 400/422 with the kubelet's literal JSON-looking texts for an undecodable or invalid query; logs are
// streamed chunked, and with follow until the container stops or the client goes away.
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { type ContainerLog, type LogOptions, LogWriter } from './logs.ts';
import { PROMETHEUS_TEXT } from './usage.ts';

export interface KubeletServerOptions {
  /** Listen address (kubelet --address); default 127.0.0.1. */
  address?: string;
  /** Listen port (kubelet --port); default 0, a free one. */
  port?: number;
}

export interface KubeletEndpoint {
  /** What other processes dial: the listen address, or this machine's hostname for a wildcard address. */
  host: string;
  port: number;
}

/** What the server needs from the pod a request names. */
export interface PodLogSource {
  hasContainer(name: string): boolean;
  /** The log to read, or the kubelet's reason why there is none. */
  containerLog(name: string, previous: boolean): ContainerLog | string;
}

export type PodFinder = (namespace: string, name: string) => PodLogSource | undefined;

class QueryError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** runtime.Convert_Slice_string_To_bool: anything but 0/f/false/n/no (any case) is true. */
function queryBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null) return false;
  return !(v === '0' || ['f', 'false', 'n', 'no'].includes(v.toLowerCase()));
}

function queryInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (!/^[+-]?\d{1,18}$/.test(v)) throw new QueryError(400, '{"message": "Unable to decode query."}');
  return Number(v);
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

type Instant = { at: number; nano: number };

/** An RFC 3339 time to the nanosecond (Date keeps milliseconds; the rest of the fraction is kept apart). */
function queryTime(q: URLSearchParams, name: string): Instant | undefined {
  const v = q.get(name);
  if (v === null || v === '' || v === 'null') return undefined;
  const m = RFC3339.exec(v);
  const at = m ? Date.parse(v) : NaN;
  if (!m || Number.isNaN(at)) throw new QueryError(400, '{"message": "Unable to decode query."}');
  const digits = (m[1] ?? '').slice(1).padEnd(9, '0');
  return { at, nano: Number(digits.slice(3, 9)) };
}

const before = (a: Instant, b: Instant) => a.at < b.at || (a.at === b.at && a.nano < b.nano);

/** Decode and validate the PodLogOptions of a request (the kubelet's v1 parameter codec and ValidatePodLogOptions). */
export function parseLogOptions(q: URLSearchParams, now = Date.now()): LogOptions {
  const query = new URLSearchParams(q);
  // The kubelet still takes the old "tail" parameter; "all" means no limit.
  const tail = query.get('tail');
  if (tail) {
    if (tail === 'all') query.delete('tailLines');
    else query.set('tailLines', tail);
  }
  const tailLines = queryInt(query, 'tailLines');
  const sinceSeconds = queryInt(query, 'sinceSeconds');
  const limitBytes = queryInt(query, 'limitBytes');
  const sinceTimeSet = query.has('sinceTime');
  const sinceTime = queryTime(query, 'sinceTime');
  const invalid =
    (tailLines !== undefined && tailLines < 0) ||
    (limitBytes !== undefined && limitBytes < 1) ||
    (sinceSeconds !== undefined && sinceTimeSet) ||
    (sinceSeconds !== undefined && sinceSeconds < 1);
  if (invalid) throw new QueryError(422, '{"message": "Invalid request."}');
  let since: Instant | undefined;
  if (sinceSeconds !== undefined) since = { at: now - sinceSeconds * 1000, nano: 0 };
  if (sinceTime !== undefined && (since === undefined || before(since, sinceTime))) since = sinceTime;
  return {
    follow: queryBool(query, 'follow'),
    previous: queryBool(query, 'previous'),
    timestamps: queryBool(query, 'timestamps'),
    tailLines,
    since,
    limitBytes,
  };
}

function plain(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export class KubeletServer {
  private readonly server: http.Server;
  private bound?: KubeletEndpoint;

  constructor(
    private readonly find: PodFinder,
    private readonly opts: KubeletServerOptions = {},
    /** The /metrics/resource document of every node this server stands for. */
    private readonly resourceMetrics?: () => string,
  ) {
    this.server = http.createServer({ noDelay: true }, (req, res) => this.handle(req, res));
    // Follow streams are long-lived; idle keep-alive sockets must not hold the process open.
    this.server.keepAliveTimeout = 5000;
  }

  /** Listen; resolves with what to advertise in the Node. */
  async start(): Promise<KubeletEndpoint> {
    if (this.bound) return this.bound;
    const address = this.opts.address ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 0, address, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.server.unref();
    const port = (this.server.address() as AddressInfo).port;
    const wildcard = address === '0.0.0.0' || address === '::' || address === '';
    this.bound = { host: wildcard ? os.hostname() : address, port };
    return this.bound;
  }

  get endpoint(): KubeletEndpoint | undefined {
    return this.bound;
  }

  async close(): Promise<void> {
    if (!this.bound) return;
    this.bound = undefined;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const parts = url.pathname.split('/');
    if (url.pathname === '/healthz') {
      plain(res, 200, 'ok');
      return;
    }
    if (url.pathname === '/metrics/resource' && this.resourceMetrics) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, '405: Method Not Allowed');
      const body = this.resourceMetrics();
      res.writeHead(200, { 'Content-Type': PROMETHEUS_TEXT, 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (parts[1] !== 'containerLogs' || parts.length !== 5) {
      plain(res, 404, '404 page not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      plain(res, 405, '405: Method Not Allowed');
      return;
    }
    let namespace: string, podName: string, container: string;
    try {
      [namespace, podName, container] = parts.slice(2).map(decodeURIComponent) as [string, string, string];
    } catch {
      plain(res, 400, '{"message": "Unable to decode query."}');
      return;
    }
    if (!podName) return plain(res, 400, '{"message": "Missing podID."}');
    if (!container) return plain(res, 400, '{"message": "Missing container name."}');
    if (!namespace) return plain(res, 400, '{"message": "Missing podNamespace."}');
    let opts: LogOptions;
    try {
      opts = parseLogOptions(url.searchParams);
    } catch (err) {
      if (err instanceof QueryError) return plain(res, err.status, err.message);
      throw err;
    }
    const pod = this.find(namespace, podName);
    if (!pod) return plain(res, 404, `pod ${JSON.stringify(podName)} does not exist`);
    if (!pod.hasContainer(container)) return plain(res, 404, `container ${JSON.stringify(container)} not found in pod ${JSON.stringify(podName)}`);
    const log = pod.containerLog(container, opts.previous);
    if (typeof log === 'string') return plain(res, 400, log);
    this.stream(req, res, log, opts);
  }

  private stream(req: http.IncomingMessage, res: http.ServerResponse, log: ContainerLog, opts: LogOptions): void {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Transfer-Encoding': 'chunked' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // A client that went away must not take the process down with a write error.
    res.on('error', () => {});
    const writer = new LogWriter(opts, (chunk) => {
      if (!res.destroyed) res.write(chunk);
    });
    const more = writer.backlog(log.snapshot());
    if (!opts.follow || !more || log.isEnded) {
      res.end();
      return;
    }
    // Headers now, so the client sees the stream open even before the next line.
    res.flushHeaders();
    let unfollow = () => {};
    const finish = () => {
      unfollow();
      if (!res.writableEnded) res.end();
    };
    unfollow = log.follow({
      line: (l) => {
        if (!writer.line(l)) finish();
      },
      end: finish,
    });
    res.on('close', () => unfollow());
  }
}
