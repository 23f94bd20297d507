// The load generator's HTTP client: plain node:http on one keep-alive agent with a bounded socket pool
// (the request rate, not connection setup, is what a benchmark should measure), JSON in and out,
// per-request timeouts, and a watch stream reader. Loopback servers only.
import http from 'node:http';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export class ApiClient {
  readonly base: URL;
  private readonly agent: http.Agent;
  /** Requests retried after a transport error or a 429/5xx, for the report (not hidden). */
  retries = 0;

  constructor(
    server: string,
    readonly maxSockets: number,
    private readonly timeoutMs = 30_000,
  ) {
    this.base = new URL(server);
    if (this.base.protocol !== 'http:' || !LOOPBACK.has(this.base.hostname)) {
      throw new Error(`the bench only talks to a plain-HTTP loopback server, not ${server}`);
    }
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
  }

  close(): void {
    this.agent.destroy();
  }

  /**
   * One request exactly as sent: no retry, the body as text (no parse unless the caller wants it),
   * and a content type of choice (patches). What a measured call uses.
   */
  raw(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiResponse<string>> {
    return this.once(method, path, body, contentType);
  }

  private once(method: string, path: string, body: unknown, contentType = 'application/json'): Promise<ApiResponse<string>> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method,
          path,
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: {
            accept: 'application/json',
            ...(payload !== undefined ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** One API call; transport errors, 429 and 5xx are retried (at most `attempts` times in all). */
  async request<T>(method: string, path: string, body?: unknown, attempts = 3): Promise<ApiResponse<T>> {
    for (let attempt = 1; ; attempt++) {
      let res: ApiResponse<string>;
      try {
        res = await this.once(method, path, body);
      } catch (err) {
        if (attempt >= attempts) throw err;
        this.retries++;
        await sleep(100 * attempt);
        continue;
      }
      if ((res.status === 429 || res.status >= 500) && attempt < attempts) {
        this.retries++;
        await sleep(100 * attempt);
        continue;
      }
      // Health endpoints answer text; everything else JSON.
      return { status: res.status, body: safeParse(res.body) as T };
    }
  }

  /** Like request, but a status other than the expected ones is an error. */
  async must<T>(method: string, path: string, body?: unknown, ok: number[] = [200, 201]): Promise<T> {
    const res = await this.request<T>(method, path, body);
    if (!ok.includes(res.status)) throw new HttpError(res.status, JSON.stringify(res.body), `${method} ${path}`);
    return res.body;
  }

  /**
   * A watch stream: calls onEvent for every event line until the server ends the stream, abort() is
   * called or the stream fails. Resolves with how it ended. Runs on its own connection (not the pool).
   */
  watch(path: string, onEvent: (ev: WatchEvent) => void): { done: Promise<'ended' | 'aborted'>; abort: () => void } {
    return this.watchLines(path, (line) => onEvent(JSON.parse(line) as WatchEvent));
  }

  /**
   * A watch stream as raw event lines (JSON text, not parsed): for readers of many streams that only
   * need a field or two and cannot afford a full parse per event. Otherwise as watch().
   */
  watchLines(path: string, onLine: (line: string) => void): { done: Promise<'ended' | 'aborted'>; abort: () => void } {
    let req: http.ClientRequest | undefined;
    let aborted = false;
    const done = new Promise<'ended' | 'aborted'>((resolve, reject) => {
      req = http.get({ host: this.base.hostname, port: this.base.port, path, headers: { accept: 'application/json' }, agent: false }, (res) => {
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => reject(new HttpError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), `watch ${path}`)));
          return;
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          const lines = buf.split('\n');
          buf = lines.pop()!;
          for (const line of lines) if (line.trim()) onLine(line);
        });
        res.on('end', () => resolve(aborted ? 'aborted' : 'ended'));
        res.on('error', (err) => (aborted ? resolve('aborted') : reject(err)));
      });
      req.on('error', (err) => (aborted ? resolve('aborted') : reject(err)));
    });
    return {
      done,
      abort: () => {
        aborted = true;
        req?.destroy();
      },
    };
  }
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: { metadata?: { name?: string; resourceVersion?: string }; spec?: { nodeName?: string }; code?: number; [k: string]: unknown };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Run fn over items with at most `limit` in flight. Stops starting new items once the deadline has
 * passed or one fails (the first failure is rethrown after the in-flight ones settle).
 */
export async function pool<T>(items: readonly T[], limit: number, deadline: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      if (Date.now() > deadline) {
        failure = new Error(`deadline passed after ${next} of ${items.length} items`);
        return;
      }
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== undefined) throw failure;
}
