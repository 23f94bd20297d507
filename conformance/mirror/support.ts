// What the mirrored upstream conformance tests share: one `wheelhouse up` per file, typed client-node
// clients on its kubeconfig, a namespace per test, watch collection and API error checks. Everything goes
// over HTTP to the running process, as upstream's e2e framework does against a real cluster.
import assert from 'node:assert/strict';
import { loadKubeConfig } from '../support/kubeconfig.ts';
import { randomBytes } from 'node:crypto';
import { ApiException, CoreV1Api, KubeConfig, PatchStrategy, Watch, setHeaderOptions, type KubernetesObject } from '@kubernetes/client-node';
import { clusterForFile, type RunningCluster } from '../support/cluster.ts';
import { pollUntil } from '../support/poll.ts';

export interface Mirror {
  cluster: RunningCluster;
  kc(): KubeConfig;
  /** A typed client of the given API class, made once per file. */
  api<T>(cls: new (...args: never[]) => T): T;
}

/**
 * Options for every mirror suite: a stuck suite fails after two minutes instead of holding the whole run
 * (a suite takes seconds; the run's budget is minutes).
 */
export const SUITE = { timeout: 120_000 } as const;

/** The file's cluster: pods start ten times faster than the default simulated runtime. */
export function mirrorCluster(extraArgs: string[] = []): Mirror {
  const cluster = clusterForFile({ args: ['--runtime-latency-scale', '0.1', ...extraArgs] });
  let kc: KubeConfig | undefined;
  const clients = new Map<unknown, unknown>();
  const getKc = () => {
    if (!kc) {
      kc = loadKubeConfig(cluster.kubeconfig);
    }
    return kc;
  };
  return {
    cluster,
    kc: getKc,
    api<T>(cls: new (...args: never[]) => T): T {
      if (!clients.has(cls)) clients.set(cls, getKc().makeApiClient(cls as never));
      return clients.get(cls) as T;
    },
  };
}

/** Request options for typed patch calls: client-node sends JSON patch unless told otherwise. */
export const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
export const STRATEGIC_MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

/** A short random suffix, so objects of one test never meet another's. */
export function suffix(): string {
  return randomBytes(3).toString('hex');
}

/**
 * A fresh namespace (upstream's framework gives each test one); waits for its default ServiceAccount
 * because pod creation is refused until the ServiceAccount controller has made it.
 */
export async function testNamespace(m: Mirror, base: string, opts: { waitForServiceAccount?: boolean } = {}): Promise<string> {
  const name = `${base}-${suffix()}`;
  const core = m.api(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name } } });
  if (opts.waitForServiceAccount ?? true) {
    await eventually(`default ServiceAccount in ${name}`, async () => (await core.readNamespacedServiceAccount({ name: 'default', namespace: name })) ?? undefined);
  }
  return name;
}

/** Polls fn until it returns a value (throws count as not yet), within timeoutMs. */
export function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  return pollUntil(what, fn, { timeoutMs, intervalMs: 100 });
}

/** Polls until pred holds on a fresh read; returns the object read last. */
export function waitForObject<T>(what: string, read: () => Promise<T>, pred: (o: T) => boolean, timeoutMs = 30_000): Promise<T> {
  return eventually(
    what,
    async () => {
      const o = await read();
      return pred(o) ? o : undefined;
    },
    timeoutMs,
  );
}

/** Read-modify-write with retries on 409 Conflict, as client-go's RetryOnConflict (a controller may write in between). */
export async function retryOnConflict<T>(fn: () => Promise<T>, attempts = 10): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ApiException && err.code === 409) || i >= attempts) throw err;
    }
  }
}

/** Read, add these labels, write back (retrying on conflicts); returns what the server stored. */
export function addLabels<T extends KubernetesObject>(read: () => Promise<T>, replace: (obj: T) => Promise<T>, labels: Record<string, string>): Promise<T> {
  return retryOnConflict(async () => {
    const cur = await read();
    cur.metadata = { ...cur.metadata, labels: { ...cur.metadata?.labels, ...labels } };
    return replace(cur);
  });
}

export interface StatusBody {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; group?: string; causes?: Array<{ reason?: string; message?: string; field?: string }> };
}

/** Awaits a call that must fail with an ApiException of this code; returns the Status body. */
export async function apiFailure(call: Promise<unknown>, code: number, what: string): Promise<StatusBody> {
  let ok: unknown;
  try {
    ok = await call;
  } catch (err) {
    assert.ok(err instanceof ApiException, `${what}: expected an ApiException, got ${String(err)}`);
    const raw: unknown = err.body;
    const body = (typeof raw === 'string' ? JSON.parse(raw) : raw) as StatusBody;
    assert.equal(err.code, code, `${what}: HTTP code; body ${JSON.stringify(body)}`);
    return body;
  }
  assert.fail(`${what}: expected HTTP ${code}, the call succeeded: ${JSON.stringify(ok).slice(0, 300)}`);
}

export interface WatchEvent {
  type: string;
  object: KubernetesObject & Record<string, unknown>;
}

/** An open watch that keeps its events in order; tests wait for conditions on them. */
export class WatchLog {
  readonly events: WatchEvent[] = [];
  private ended: unknown = undefined;
  private isEnded = false;
  private abort: AbortController | undefined;
  private waiters = new Set<() => void>();

  private constructor(readonly description: string) {}

  static async open(kc: KubeConfig, path: string, query: Record<string, string | number | boolean>): Promise<WatchLog> {
    const log = new WatchLog(`watch ${path} ${JSON.stringify(query)}`);
    log.abort = await new Watch(kc).watch(path, query, log.onEvent, log.onEnd);
    return log;
  }

  private readonly onEvent = (type: string, object: unknown): void => {
    this.events.push({ type, object: object as WatchEvent['object'] });
    this.wakeAll();
  };

  private readonly onEnd = (err: unknown): void => {
    this.isEnded = true;
    this.ended = err;
    this.wakeAll();
  };

  private wakeAll(): void {
    for (const w of [...this.waiters]) w();
  }

  /** [type, name] pairs, for assertions and messages. */
  seen(): Array<[string, string]> {
    return this.events.map((e) => [e.type, e.object.metadata?.name ?? '']);
  }

  /** Resolves once pred holds over the events so far; fails on timeout or when the stream ends first. */
  async until(what: string, pred: (events: WatchEvent[]) => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.events)) {
      if (this.isEnded) assert.fail(`${this.description} ended (${String(this.ended)}) before ${what}; saw ${JSON.stringify(this.seen())}`);
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`${this.description}: no ${what} within ${timeoutMs} ms; saw ${JSON.stringify(this.seen())}`);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.waiters.add(done);
      });
    }
  }

  /** Waits until at least n events arrived. */
  count(n: number, what = `${n} events`, timeoutMs?: number): Promise<void> {
    return this.until(what, (ev) => ev.length >= n, timeoutMs);
  }

  stop(): void {
    this.abort?.abort();
  }
}

/** GET/POST/... with a raw body and headers against the cluster (for what typed clients cannot send). */
export async function rawRequest(
  m: Mirror,
  method: string,
  path: string,
  opts: { body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; text: string; json<T = unknown>(): T }> {
  const res = await fetch(`${m.cluster.url}${path}`, { method, headers: opts.headers, body: opts.body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
}

export interface ResourceApiSpec {
  apiVersion: string;
  kind: string;
  /** The plural resource name, as discovery lists it. */
  resource: string;
  /** Set for namespaced resources: the namespace to work in. */
  namespace?: string;
  /** A valid object of this kind with this name and these labels. */
  make(name: string, labels: Record<string, string>): KubernetesObject & Record<string, unknown>;
  /** A merge patch for the status subresource; when set, status get/patch/update are exercised too. */
  statusPatch?: Record<string, unknown>;
}

export interface ResourceApiOptions {
  /** For namespaced kinds: the base name of a fresh namespace to work in. */
  namespace?: string;
  make: ResourceApiSpec['make'];
  statusPatch?: ResourceApiSpec['statusPatch'];
}

/** The resource name of a kind, for the kinds these tests use (Ingress → ingresses, …Capacity → …capacities). */
function plural(kind: string): string {
  const k = kind.toLowerCase();
  return k.endsWith('s') ? `${k}es` : k.endsWith('y') ? `${k.slice(0, -1)}ies` : `${k}s`;
}

/** exerciseResourceApi for apiVersion and kind, in a fresh namespace when the kind is namespaced. */
export async function exerciseKindApi(m: Mirror, apiVersion: string, kind: string, opts: ResourceApiOptions): Promise<void> {
  const namespace = opts.namespace ? await testNamespace(m, opts.namespace, { waitForServiceAccount: false }) : undefined;
  await exerciseResourceApi(m, { apiVersion, kind, resource: plural(kind), namespace, make: opts.make, statusPatch: opts.statusPatch });
}

function basePath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** The URL path of a resource collection, or of one object when name is given. */
export function resourcePath(spec: Pick<ResourceApiSpec, 'apiVersion' | 'resource' | 'namespace'>, name?: string): string {
  const ns = spec.namespace ? `/namespaces/${spec.namespace}` : '';
  return `${basePath(spec.apiVersion)}${ns}/${spec.resource}${name ? `/${name}` : ''}`;
}

/**
 * What upstream's "should support <Kind> API operations" tests share: the resource (and its status) is in
 * discovery; create, get, list (in the namespace and across namespaces), watch, patch, update, status
 * get/patch/update, delete and deletecollection all work, and a watch sees each change. Through
 * client-node's generic object client; deletecollection and status through plain HTTP, which that client
 * does not offer.
 */
export async function exerciseResourceApi(m: Mirror, spec: ResourceApiSpec): Promise<void> {
  const { KubernetesObjectApi } = await import('@kubernetes/client-node');
  const client = KubernetesObjectApi.makeApiClient(m.kc());
  const disc = await rawRequest(m, 'GET', basePath(spec.apiVersion));
  assert.equal(disc.status, 200, `discovery of ${spec.apiVersion}`);
  const listed = disc.json<{ groupVersion: string; resources: Array<{ name: string; verbs: string[] }> }>();
  assert.equal(listed.groupVersion, spec.apiVersion);
  const found = listed.resources.find((r) => r.name === spec.resource);
  assert.ok(found, `${spec.resource} in ${spec.apiVersion} discovery`);
  for (const verb of ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete', 'deletecollection']) {
    assert.ok(found.verbs.includes(verb), `${spec.resource} discovery verbs ${JSON.stringify(found.verbs)} lack ${verb}`);
  }
  if (spec.statusPatch) assert.ok(listed.resources.some((r) => r.name === `${spec.resource}/status`), `${spec.resource}/status in discovery`);

  const run = suffix();
  const labels = { 'e2e-run': run };
  const selector = `e2e-run=${run}`;
  const names = [1, 2, 3].map((i) => `${spec.resource.slice(0, 20)}-${run}-${i}`);
  const created = [];
  for (const n of names) {
    const obj = spec.make(n, labels);
    created.push(await client.create({ ...obj, apiVersion: spec.apiVersion, kind: spec.kind, metadata: { ...obj.metadata, name: n, namespace: spec.namespace, labels } }));
  }
  const header = (name: string) => ({ apiVersion: spec.apiVersion, kind: spec.kind, metadata: { name, namespace: spec.namespace } });
  const got = await client.read(header(names[0]!));
  assert.equal(got.metadata?.uid, created[0]!.metadata?.uid, 'get returns the created object');

  const list = await client.list(spec.apiVersion, spec.kind, spec.namespace, undefined, undefined, undefined, undefined, selector);
  assert.deepEqual(list.items.map((i) => i.metadata?.name).sort(), [...names].sort(), 'list by label');
  if (spec.namespace) {
    const all = await client.list(spec.apiVersion, spec.kind, undefined, undefined, undefined, undefined, undefined, selector);
    assert.equal(all.items.length, 3, 'list across all namespaces');
  }

  const watchPath = resourcePath({ ...spec });
  const watch = await WatchLog.open(m.kc(), watchPath, { labelSelector: selector, resourceVersion: list.metadata?.resourceVersion ?? '0' });
  try {
    const patched = await client.patch(
      { ...header(names[0]!), metadata: { ...header(names[0]!).metadata, annotations: { patched: 'true' } } },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    assert.equal(patched.metadata?.annotations?.patched, 'true', 'patch applied');
    await watch.until('MODIFIED for the patch', (ev) => ev.some((e) => e.type === 'MODIFIED' && e.object.metadata?.annotations?.patched === 'true'));

    const fresh = await client.read(header(names[0]!));
    const updated = await client.replace({ ...fresh, metadata: { ...fresh.metadata, annotations: { ...fresh.metadata?.annotations, updated: 'true' } } });
    assert.equal(updated.metadata?.annotations?.updated, 'true', 'update applied');
    await watch.until('MODIFIED for the update', (ev) => ev.some((e) => e.type === 'MODIFIED' && e.object.metadata?.annotations?.updated === 'true'));

    if (spec.statusPatch) {
      const statusPath = `${resourcePath(spec, names[0])}/status`;
      const st = await rawRequest(m, 'GET', statusPath);
      assert.equal(st.status, 200, `GET ${statusPath}: ${st.text}`);
      const sp = await rawRequest(m, 'PATCH', statusPath, {
        body: JSON.stringify({ metadata: { annotations: { 'status-patched': 'true' } }, status: spec.statusPatch }),
        headers: { 'content-type': 'application/merge-patch+json' },
      });
      assert.equal(sp.status, 200, `PATCH ${statusPath}: ${sp.text}`);
      assert.equal(sp.json<KubernetesObject>().metadata?.annotations?.['status-patched'], 'true', 'status patch keeps metadata changes');
      const current = sp.json<KubernetesObject & Record<string, unknown>>();
      const su = await rawRequest(m, 'PUT', statusPath, {
        body: JSON.stringify({ ...current, metadata: { ...current.metadata, annotations: { ...current.metadata?.annotations, 'status-updated': 'true' } } }),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(su.status, 200, `PUT ${statusPath}: ${su.text}`);
      assert.equal(su.json<KubernetesObject>().metadata?.annotations?.['status-updated'], 'true', 'status update applied');
    }

    await client.delete(header(names[0]!));
    await watch.until('DELETED', (ev) => ev.some((e) => e.type === 'DELETED' && e.object.metadata?.name === names[0]));
  } finally {
    watch.stop();
  }
  await eventually(`${names[0]} gone`, async () => {
    try {
      await client.read(header(names[0]!));
      return undefined;
    } catch (err) {
      return err instanceof ApiException && err.code === 404 ? true : undefined;
    }
  });
  const dc = await rawRequest(m, 'DELETE', `${watchPath}?labelSelector=${encodeURIComponent(selector)}`);
  assert.equal(dc.status, 200, `deletecollection: ${dc.text}`);
  await eventually('deletecollection emptied the list', async () => {
    const left = await client.list(spec.apiVersion, spec.kind, spec.namespace, undefined, undefined, undefined, undefined, selector);
    return left.items.length === 0 ? true : undefined;
  });
}
