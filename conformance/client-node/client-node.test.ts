// @kubernetes/client-node (1.4.x) against a real Wheelhouse on a real etcd: CRUD, selectors, paging,
// apps/coordination groups, Watch (resume without loss or repeats, watch-list bookmarks) and an informer
// kept in sync through 1 000 concurrent writes. Every expectation is what kube-apiserver does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ApiException,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  V1MicroTime,
  Watch,
  makeInformer,
  type KubernetesObject,
  type V1ConfigMap,
  type V1Deployment,
  type V1Lease,
} from '@kubernetes/client-node';
import { startTestCluster, type TestCluster } from '../../test/support/cluster.ts';

// ---------------------------------------------------------------------------------------------
// helpers

function configMap(name: string, labels?: Record<string, string>, data: Record<string, string> = { k: 'v' }): V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: labels ? { name, labels } : { name }, data };
}

function deployment(name: string, replicas: number): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { suite: 'client-node' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
    },
  };
}

/** Runs fn, which must throw an ApiException; returns its code and its body parsed as JSON. */
async function apiError(fn: () => Promise<unknown>, what: string): Promise<{ code: number; body: any; headers: Record<string, string> }> {
  let result: unknown;
  try {
    result = await fn();
  } catch (err) {
    assert.ok(err instanceof ApiException, `${what}: expected ApiException, got ${String(err)}`);
    const raw = err.body as unknown;
    let body: unknown = raw;
    if (typeof raw === 'string') {
      try {
        body = JSON.parse(raw);
      } catch {
        assert.fail(`${what}: error body is not JSON: ${raw}`);
      }
    }
    return { code: err.code, body, headers: err.headers };
  }
  assert.fail(`${what}: expected an ApiException, request succeeded with ${JSON.stringify(result)}`);
}

function rvOf(obj: KubernetesObject | undefined): bigint {
  const rv = obj?.metadata?.resourceVersion;
  assert.match(rv ?? '', /^\d+$/, `resourceVersion must be a decimal etcd revision, got ${JSON.stringify(rv)}`);
  return BigInt(rv!);
}

function names(items: Array<KubernetesObject>): string[] {
  return items.map((i) => i.metadata?.name ?? '<no name>');
}

interface WatchEvent {
  type: string;
  object: any;
}

/** One open watch: collects events in arrival order and lets a test wait for a condition on them. */
class EventStream {
  readonly events: WatchEvent[] = [];
  done = false;
  doneErr: unknown = undefined;
  private controller: AbortController | undefined;
  private wake: Array<() => void> = [];

  private constructor(readonly path: string, readonly query: Record<string, string | number | boolean | undefined>) {}

  static async open(kc: KubeConfig, path: string, query: Record<string, string | number | boolean | undefined>): Promise<EventStream> {
    const s = new EventStream(path, query);
    const w = new Watch(kc);
    s.controller = await w.watch(
      path,
      query,
      (type, object) => {
        s.events.push({ type, object });
        s.notify();
      },
      (err) => {
        s.done = true;
        s.doneErr = err;
        s.notify();
      },
    );
    return s;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = [];
    for (const f of w) f();
  }

  describe(): string {
    return `watch ${this.path}?${new URLSearchParams(Object.entries(this.query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString()}`;
  }

  summary(): string {
    return JSON.stringify(this.events.map((e) => [e.type, e.object?.metadata?.name, e.object?.metadata?.resourceVersion]));
  }

  /** Waits until pred(events) holds; fails with the events seen so far on timeout or an early end of the stream. */
  async waitFor(pred: (events: WatchEvent[]) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (pred(this.events)) return;
      if (this.done) {
        assert.fail(`${this.describe()}: stream ended (err=${String((this.doneErr as any)?.statusCode ?? this.doneErr)}) before ${what}; events: ${this.summary()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`${this.describe()}: timed out after ${timeoutMs} ms waiting for ${what}; events: ${this.summary()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    const deadline = Date.now() + 5_000;
    while (!this.done && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(this.done, `${this.describe()}: done callback not called within 5 s of abort`);
  }
}

/** mulberry32: a small seeded PRNG so the informer workload is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------

describe('@kubernetes/client-node against Wheelhouse', () => {
  let cluster: TestCluster;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let coordination: CoordinationV1Api;

  async function createNamespace(name: string): Promise<void> {
    const ns = await core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
    assert.equal(ns.metadata?.name, name);
  }

  before(async () => {
    cluster = await startTestCluster();
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'wheelhouse', server: cluster.url, skipTLSVerify: true }],
      users: [{ name: 'tester' }],
      contexts: [{ name: 'wheelhouse', cluster: 'wheelhouse', user: 'tester', namespace: 'default' }],
      currentContext: 'wheelhouse',
    });
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    coordination = kc.makeApiClient(CoordinationV1Api);
  });

  after(async () => {
    await cluster?.stop();
  });

  it('does ConfigMap CRUD with optimistic concurrency and upstream Status bodies', async () => {
    const namespace = 'cn-crud';
    await createNamespace(namespace);

    const created = await core.createNamespacedConfigMap({ namespace, body: configMap('x', { app: 'crud' }, { a: '1' }) });
    assert.equal(created.metadata?.name, 'x');
    assert.equal(created.metadata?.namespace, namespace);
    assert.match(created.metadata?.uid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.ok(created.metadata?.creationTimestamp instanceof Date && !Number.isNaN(created.metadata.creationTimestamp.getTime()));
    assert.deepEqual(created.data, { a: '1' });
    const rv1 = rvOf(created);

    const read = await core.readNamespacedConfigMap({ name: 'x', namespace });
    assert.equal(read.metadata?.resourceVersion, created.metadata?.resourceVersion);
    assert.equal(read.metadata?.uid, created.metadata?.uid);
    assert.deepEqual(read.data, { a: '1' });
    assert.deepEqual(read.metadata?.labels, { app: 'crud' });

    // replace with the current resourceVersion succeeds and moves the resourceVersion forward
    const replaced = await core.replaceNamespacedConfigMap({
      name: 'x',
      namespace,
      body: { ...read, data: { a: '2', b: '3' } },
    });
    assert.deepEqual(replaced.data, { a: '2', b: '3' });
    assert.equal(replaced.metadata?.uid, created.metadata?.uid);
    assert.ok(rvOf(replaced) > rv1, `replace must advance resourceVersion (${rv1} -> ${replaced.metadata?.resourceVersion})`);

    // replace with the stale resourceVersion is a 409 Conflict
    const stale = await apiError(
      () => core.replaceNamespacedConfigMap({ name: 'x', namespace, body: { ...read, data: { a: 'stale' } } }),
      `PUT /api/v1/namespaces/${namespace}/configmaps/x with resourceVersion ${rv1}`,
    );
    assert.equal(stale.code, 409);
    assert.deepEqual(stale.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Operation cannot be fulfilled on configmaps "x": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict',
      details: { name: 'x', kind: 'configmaps' },
      code: 409,
    });
    const afterConflict = await core.readNamespacedConfigMap({ name: 'x', namespace });
    assert.deepEqual(afterConflict.data, { a: '2', b: '3' }, 'a conflicting replace must not change the object');
    assert.equal(afterConflict.metadata?.resourceVersion, replaced.metadata?.resourceVersion);

    // delete answers a Success Status naming the object
    const deleted = await core.deleteNamespacedConfigMap({ name: 'x', namespace });
    assert.equal(deleted.kind, 'Status');
    assert.equal(deleted.status, 'Success');
    assert.equal(deleted.details?.name, 'x');
    assert.equal(deleted.details?.kind, 'configmaps');
    assert.equal(deleted.details?.uid, created.metadata?.uid);

    const gone = await apiError(
      () => core.readNamespacedConfigMap({ name: 'x', namespace }),
      `GET /api/v1/namespaces/${namespace}/configmaps/x after delete`,
    );
    assert.equal(gone.code, 404);
    assert.deepEqual(gone.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "x" not found',
      reason: 'NotFound',
      details: { name: 'x', kind: 'configmaps' },
      code: 404,
    });

    const again = await apiError(
      () => core.deleteNamespacedConfigMap({ name: 'x', namespace }),
      `DELETE /api/v1/namespaces/${namespace}/configmaps/x twice`,
    );
    assert.equal(again.code, 404);
    assert.equal(again.body.reason, 'NotFound');
  });

  it('lists with label and field selectors', async () => {
    const namespace = 'cn-select';
    await createNamespace(namespace);
    const fixtures: Array<[string, Record<string, string> | undefined]> = [
      ['a1', { app: 'a' }],
      ['b1', { app: 'b' }],
      ['c1', { app: 'c' }],
      ['n1', undefined],
      ['n2', { tier: 'x' }],
      ['w1', { app: 'web' }],
      ['w2', { app: 'web', tier: 'x' }],
    ];
    for (const [name, labels] of fixtures) await core.createNamespacedConfigMap({ namespace, body: configMap(name, labels) });

    const all = await core.listNamespacedConfigMap({ namespace });
    assert.deepEqual(names(all.items), ['a1', 'b1', 'c1', 'n1', 'n2', 'w1', 'w2']);
    assert.match(all.metadata?.resourceVersion ?? '', /^\d+$/);
    assert.equal(all.metadata?._continue, undefined);
    assert.equal(all.metadata?.remainingItemCount, undefined);

    const cases: Array<[{ labelSelector?: string; fieldSelector?: string }, string[]]> = [
      [{ labelSelector: 'app=web' }, ['w1', 'w2']],
      [{ labelSelector: 'app in (a,b)' }, ['a1', 'b1']],
      [{ labelSelector: '!app' }, ['n1', 'n2']],
      [{ labelSelector: 'app!=web' }, ['a1', 'b1', 'c1', 'n1', 'n2']],
      [{ labelSelector: 'app,tier' }, ['w2']],
      [{ fieldSelector: 'metadata.name=c1' }, ['c1']],
      [{ fieldSelector: 'metadata.name!=c1', labelSelector: 'app' }, ['a1', 'b1', 'w1', 'w2']],
      [{ fieldSelector: `metadata.namespace=${namespace}`, labelSelector: 'tier=x' }, ['n2', 'w2']],
    ];
    for (const [sel, want] of cases) {
      const res = await core.listNamespacedConfigMap({ namespace, ...sel });
      assert.deepEqual(names(res.items), want, `GET /api/v1/namespaces/${namespace}/configmaps?${new URLSearchParams(sel).toString()}`);
      for (const item of res.items) assert.equal(item.metadata?.namespace, namespace);
    }

    // the same label selector across all namespaces
    const everywhere = await core.listConfigMapForAllNamespaces({ labelSelector: 'app=web' });
    assert.deepEqual(
      everywhere.items.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`),
      [`${namespace}/w1`, `${namespace}/w2`],
      'GET /api/v1/configmaps?labelSelector=app%3Dweb',
    );

    const badSel = await apiError(
      () => core.listNamespacedConfigMap({ namespace, fieldSelector: 'data.k=v' }),
      `GET /api/v1/namespaces/${namespace}/configmaps?fieldSelector=data.k%3Dv`,
    );
    assert.equal(badSel.code, 400);
    assert.equal(badSel.body.reason, 'BadRequest');
    // configmaps register no field label conversion, so upstream answers with runtime.DefaultMetaV1FieldSelectorConversion's text
    assert.equal(badSel.body.message, '"data.k" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });

  it('pages with limit/continue: every item exactly once, remainingItemCount counting down', async () => {
    const namespace = 'cn-paging';
    await createNamespace(namespace);
    const total = 23;
    const want: string[] = [];
    for (let i = 0; i < total; i++) {
      const name = `p-${String(i).padStart(2, '0')}`;
      want.push(name);
      await core.createNamespacedConfigMap({ namespace, body: configMap(name, { page: 'yes' }) });
    }

    const seen: string[] = [];
    const remaining: Array<number | undefined> = [];
    const pageSizes: number[] = [];
    const listRVs = new Set<string>();
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedConfigMap({ namespace, limit: 5, _continue: token });
      pages++;
      assert.ok(pages <= 10, 'paging did not terminate');
      pageSizes.push(page.items.length);
      seen.push(...names(page.items));
      remaining.push(page.metadata?.remainingItemCount);
      listRVs.add(page.metadata?.resourceVersion ?? '');
      token = page.metadata?._continue || undefined;
    } while (token);

    assert.deepEqual(pageSizes, [5, 5, 5, 5, 3]);
    assert.deepEqual(seen, want, 'every item exactly once, in key order');
    assert.deepEqual(remaining, [18, 13, 8, 3, undefined]);
    assert.equal(listRVs.size, 1, `all pages are served from one snapshot; got list resourceVersions ${[...listRVs].join(',')}`);
  });

  it('pages from a consistent snapshot while the collection changes', async () => {
    const namespace = 'cn-snapshot';
    await createNamespace(namespace);
    const want: string[] = [];
    for (let i = 0; i < 9; i++) {
      const name = `s-${i}`;
      want.push(name);
      await core.createNamespacedConfigMap({ namespace, body: configMap(name) });
    }
    const first = await core.listNamespacedConfigMap({ namespace, limit: 4 });
    assert.deepEqual(names(first.items), ['s-0', 's-1', 's-2', 's-3']);
    assert.equal(first.metadata?.remainingItemCount, 5);
    assert.ok(first.metadata?._continue);

    // changes after the first page must not show up in later pages
    await core.deleteNamespacedConfigMap({ name: 's-7', namespace });
    await core.createNamespacedConfigMap({ namespace, body: configMap('s-5a') });
    const s5 = await core.readNamespacedConfigMap({ name: 's-5', namespace });
    await core.replaceNamespacedConfigMap({ name: 's-5', namespace, body: { ...s5, data: { k: 'changed' } } });

    const seen = names(first.items);
    let token: string | undefined = first.metadata?._continue;
    while (token) {
      const page = await core.listNamespacedConfigMap({ namespace, limit: 4, _continue: token });
      assert.equal(page.metadata?.resourceVersion, first.metadata?.resourceVersion, 'continued pages keep the first page resourceVersion');
      for (const item of page.items) {
        if (item.metadata?.name === 's-5') assert.deepEqual(item.data, { k: 'v' }, 's-5 as of the snapshot');
      }
      seen.push(...names(page.items));
      token = page.metadata?._continue || undefined;
    }
    assert.deepEqual(seen, want);
  });

  it('creates, gets and lists Deployments across namespaces via AppsV1Api', async () => {
    await createNamespace('cn-apps-a');
    await createNamespace('cn-apps-b');
    const a = await apps.createNamespacedDeployment({ namespace: 'cn-apps-a', body: deployment('web', 2) });
    const b = await apps.createNamespacedDeployment({ namespace: 'cn-apps-b', body: deployment('api', 3) });
    for (const [d, ns, replicas] of [
      [a, 'cn-apps-a', 2],
      [b, 'cn-apps-b', 3],
    ] as const) {
      assert.equal(d.metadata?.namespace, ns);
      assert.equal(d.metadata?.generation, 1);
      assert.equal(d.spec?.replicas, replicas);
      // upstream defaulting for apps/v1 Deployments
      assert.equal(d.spec?.strategy?.type, 'RollingUpdate');
      assert.equal(d.spec?.strategy?.rollingUpdate?.maxSurge, '25%');
      assert.equal(d.spec?.strategy?.rollingUpdate?.maxUnavailable, '25%');
      assert.equal(d.spec?.revisionHistoryLimit, 10);
      assert.equal(d.spec?.progressDeadlineSeconds, 600);
      assert.equal(d.spec?.template.spec?.restartPolicy, 'Always');
      assert.equal(d.spec?.template.spec?.containers[0]?.imagePullPolicy, 'IfNotPresent');
    }

    const got = await apps.readNamespacedDeployment({ name: 'web', namespace: 'cn-apps-a' });
    assert.equal(got.metadata?.uid, a.metadata?.uid);
    assert.equal(got.metadata?.resourceVersion, a.metadata?.resourceVersion);
    assert.deepEqual(JSON.parse(JSON.stringify(got.spec?.selector)), { matchLabels: { app: 'web' } });

    const all = await apps.listDeploymentForAllNamespaces({});
    assert.equal(all.kind, 'DeploymentList');
    assert.equal(all.apiVersion, 'apps/v1');
    assert.deepEqual(
      all.items.map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`).sort(),
      ['cn-apps-a/web', 'cn-apps-b/api'],
      'GET /apis/apps/v1/deployments',
    );
    const selected = await apps.listDeploymentForAllNamespaces({ labelSelector: 'suite=client-node', fieldSelector: 'metadata.namespace=cn-apps-b' });
    assert.deepEqual(names(selected.items), ['api']);

    const missing = await apiError(
      () => apps.readNamespacedDeployment({ name: 'nope', namespace: 'cn-apps-a' }),
      'GET /apis/apps/v1/namespaces/cn-apps-a/deployments/nope',
    );
    assert.equal(missing.code, 404);
    assert.equal(missing.body.message, 'deployments.apps "nope" not found');
    assert.deepEqual(missing.body.details, { name: 'nope', group: 'apps', kind: 'deployments' });
  });

  it('creates, renews and deletes Leases via CoordinationV1Api', async () => {
    const namespace = 'cn-leases';
    await createNamespace(namespace);
    const acquire = new V1MicroTime('2025-01-02T03:04:05.678Z');
    const lease: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'leader' },
      spec: { holderIdentity: 'node-a', leaseDurationSeconds: 15, acquireTime: acquire, renewTime: acquire, leaseTransitions: 0 },
    };
    const created = await coordination.createNamespacedLease({ namespace, body: lease });
    assert.equal(created.metadata?.namespace, namespace);
    assert.equal(created.spec?.holderIdentity, 'node-a');
    assert.equal(created.spec?.leaseDurationSeconds, 15);
    // MicroTime is serialized by the server as RFC3339 with microseconds
    assert.equal(String(created.spec?.acquireTime), '2025-01-02T03:04:05.678000Z');

    const got = await coordination.readNamespacedLease({ name: 'leader', namespace });
    assert.equal(got.metadata?.resourceVersion, created.metadata?.resourceVersion);

    const renew = new V1MicroTime('2025-01-02T03:04:15.123Z');
    const renewed = await coordination.replaceNamespacedLease({
      name: 'leader',
      namespace,
      body: { ...got, spec: { ...got.spec, holderIdentity: 'node-b', renewTime: renew, leaseTransitions: 1 } },
    });
    assert.equal(renewed.spec?.holderIdentity, 'node-b');
    assert.equal(renewed.spec?.leaseTransitions, 1);
    assert.equal(String(renewed.spec?.renewTime), '2025-01-02T03:04:15.123000Z');
    assert.ok(rvOf(renewed) > rvOf(got));

    // a second candidate racing with the stale object loses
    const lost = await apiError(
      () => coordination.replaceNamespacedLease({ name: 'leader', namespace, body: { ...got, spec: { ...got.spec, holderIdentity: 'node-c' } } }),
      `PUT /apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/leader with a stale resourceVersion`,
    );
    assert.equal(lost.code, 409);
    assert.equal(lost.body.reason, 'Conflict');
    assert.equal(
      lost.body.message,
      'Operation cannot be fulfilled on leases.coordination.k8s.io "leader": the object has been modified; please apply your changes to the latest version and try again',
    );

    const list = await coordination.listNamespacedLease({ namespace });
    assert.deepEqual(names(list.items), ['leader']);
    await coordination.deleteNamespacedLease({ name: 'leader', namespace });
    const gone = await apiError(() => coordination.readNamespacedLease({ name: 'leader', namespace }), 'GET lease after delete');
    assert.equal(gone.code, 404);
    assert.equal(gone.body.message, 'leases.coordination.k8s.io "leader" not found');
  });

  it('watches from a resourceVersion and resumes from the last seen one without loss or repeats', async () => {
    const namespace = 'cn-watch';
    await createNamespace(namespace);
    // something that exists before the watch starts and must not be replayed
    await core.createNamespacedConfigMap({ namespace, body: configMap('before') });
    const start = await core.listNamespacedConfigMap({ namespace });
    const path = `/api/v1/namespaces/${namespace}/configmaps`;

    const w1 = await EventStream.open(kc, path, { resourceVersion: start.metadata?.resourceVersion });
    const c = await core.createNamespacedConfigMap({ namespace, body: configMap('w', undefined, { n: '1' }) });
    const u = await core.replaceNamespacedConfigMap({ name: 'w', namespace, body: { ...c, data: { n: '2' } } });
    await core.deleteNamespacedConfigMap({ name: 'w', namespace });
    await w1.waitFor((evs) => evs.some((e) => e.type === 'DELETED'), 'DELETED w');

    assert.deepEqual(
      w1.events.map((e) => [e.type, e.object?.metadata?.name]),
      [
        ['ADDED', 'w'],
        ['MODIFIED', 'w'],
        ['DELETED', 'w'],
      ],
      `${w1.describe()}: events ${w1.summary()}`,
    );
    const [added, modified, removed] = w1.events as [WatchEvent, WatchEvent, WatchEvent];
    assert.equal(added.object.kind, 'ConfigMap');
    assert.equal(added.object.apiVersion, 'v1');
    assert.equal(added.object.metadata.resourceVersion, c.metadata?.resourceVersion);
    assert.deepEqual(added.object.data, { n: '1' });
    assert.equal(modified.object.metadata.resourceVersion, u.metadata?.resourceVersion);
    assert.deepEqual(modified.object.data, { n: '2' });
    assert.deepEqual(removed.object.data, { n: '2' }, 'DELETED carries the last state of the object');
    assert.ok(rvOf(start) < rvOf(added.object), 'ADDED is newer than the watch resourceVersion');
    assert.ok(rvOf(added.object) < rvOf(modified.object), `resourceVersions increase: ${w1.summary()}`);
    assert.ok(rvOf(modified.object) < rvOf(removed.object), `DELETED carries the deletion resourceVersion: ${w1.summary()}`);
    const lastSeen = removed.object.metadata.resourceVersion as string;
    await w1.stop();

    // changes while nobody is watching
    const r1 = await core.createNamespacedConfigMap({ namespace, body: configMap('r1', undefined, { n: '1' }) });
    await core.createNamespacedConfigMap({ namespace, body: configMap('r2') });
    await core.replaceNamespacedConfigMap({ name: 'r1', namespace, body: { ...r1, data: { n: '2' } } });
    await core.deleteNamespacedConfigMap({ name: 'r2', namespace });

    const w2 = await EventStream.open(kc, path, { resourceVersion: lastSeen });
    // a change made after the resumed watch is open; once it arrives, everything before it has too
    await core.createNamespacedConfigMap({ namespace, body: configMap('sentinel') });
    await w2.waitFor((evs) => evs.some((e) => e.object?.metadata?.name === 'sentinel'), 'ADDED sentinel');
    try {
      assert.deepEqual(
        w2.events.map((e) => [e.type, e.object?.metadata?.name]),
        [
          ['ADDED', 'r1'],
          ['ADDED', 'r2'],
          ['MODIFIED', 'r1'],
          ['DELETED', 'r2'],
          ['ADDED', 'sentinel'],
        ],
        `${w2.describe()}: events ${w2.summary()}`,
      );
      assert.deepEqual(w2.events[2]!.object.data, { n: '2' });
      let prev = BigInt(lastSeen);
      for (const e of w2.events) {
        const rv = rvOf(e.object);
        assert.ok(rv > prev, `resourceVersions strictly increase after ${lastSeen}: ${w2.summary()}`);
        prev = rv;
      }
    } finally {
      await w2.stop();
    }
  });

  it('streams initial events then an initial-events-end BOOKMARK (sendInitialEvents)', async () => {
    const namespace = 'cn-watchlist';
    await createNamespace(namespace);
    for (const name of ['i1', 'i2', 'i3']) await core.createNamespacedConfigMap({ namespace, body: configMap(name) });
    // a deleted object is not part of the initial state
    await core.createNamespacedConfigMap({ namespace, body: configMap('gone') });
    await core.deleteNamespacedConfigMap({ name: 'gone', namespace });
    const newest = rvOf(await core.listNamespacedConfigMap({ namespace }));

    const path = `/api/v1/namespaces/${namespace}/configmaps`;
    const s = await EventStream.open(kc, path, {
      allowWatchBookmarks: true,
      sendInitialEvents: true,
      resourceVersionMatch: 'NotOlderThan',
    });
    try {
      await s.waitFor((evs) => evs.some((e) => e.type === 'BOOKMARK'), 'the first BOOKMARK');
      const firstBookmark = s.events.findIndex((e) => e.type === 'BOOKMARK');
      const initial = s.events.slice(0, firstBookmark);
      assert.deepEqual(initial.map((e) => e.type), ['ADDED', 'ADDED', 'ADDED'], `initial events: ${s.summary()}`);
      assert.deepEqual(initial.map((e) => e.object.metadata.name).sort(), ['i1', 'i2', 'i3']);
      for (const e of initial) assert.equal(e.object.kind, 'ConfigMap');

      const bookmark = s.events[firstBookmark]!.object;
      assert.equal(bookmark.kind, 'ConfigMap');
      assert.equal(bookmark.apiVersion, 'v1');
      assert.deepEqual(bookmark.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
      const bookmarkRV = rvOf(bookmark);
      assert.ok(bookmarkRV >= newest, `bookmark resourceVersion ${bookmarkRV} must not be older than the list before the watch (${newest})`);
      for (const e of initial) assert.ok(rvOf(e.object) <= bookmarkRV);

      // the watch goes on after the bookmark
      const later = await core.createNamespacedConfigMap({ namespace, body: configMap('i4') });
      await s.waitFor((evs) => evs.some((e) => e.object?.metadata?.name === 'i4'), 'ADDED i4');
      const after = s.events.slice(firstBookmark + 1).filter((e) => e.type !== 'BOOKMARK');
      assert.deepEqual(after.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'i4']], s.summary());
      assert.equal(after[0]!.object.metadata.resourceVersion, later.metadata?.resourceVersion);
      assert.ok(rvOf(later) > bookmarkRV);
    } finally {
      await s.stop();
    }
  });

  it('keeps an informer in sync across 1 000 concurrent writes', { timeout: 90_000 }, async () => {
    const namespace = 'cn-informer';
    await createNamespace(namespace);
    const workers = 20;
    const opsPerWorker = 50;
    const namesPerWorker = 8;

    // some objects exist before the informer lists
    const existing = new Map<string, V1ConfigMap>();
    for (let w = 0; w < workers; w++) {
      for (let k = 0; k < 2; k++) {
        const cm = await core.createNamespacedConfigMap({ namespace, body: configMap(`inf-${w}-${k}`, { w: String(w) }, { gen: '0' }) });
        existing.set(cm.metadata!.name!, cm);
      }
    }

    const path = `/api/v1/namespaces/${namespace}/configmaps`;
    const informer = makeInformer<V1ConfigMap>(kc, path, () => core.listNamespacedConfigMap({ namespace }));
    const counts = { add: 0, update: 0, delete: 0 };
    const errors: unknown[] = [];
    informer.on('add', () => counts.add++);
    informer.on('update', () => counts.update++);
    informer.on('delete', () => counts.delete++);
    informer.on('error', (err) => errors.push(err));
    await informer.start();

    try {
      assert.deepEqual(
        informer.list(namespace).map((o) => o.metadata?.name).sort(),
        [...existing.keys()].sort(),
        'informer cache after the initial list',
      );
      assert.equal(counts.add, existing.size);

      const done = { create: 0, update: 0, delete: 0 };
      const failures: string[] = [];
      async function worker(w: number): Promise<void> {
        const rand = prng(1000 + w);
        const live = new Map<string, V1ConfigMap>();
        for (const [name, cm] of existing) if (name.startsWith(`inf-${w}-`)) live.set(name, cm);
        for (let op = 0; op < opsPerWorker; op++) {
          const name = `inf-${w}-${Math.floor(rand() * namesPerWorker)}`;
          const cur = live.get(name);
          try {
            if (!cur) {
              live.set(name, await core.createNamespacedConfigMap({ namespace, body: configMap(name, { w: String(w) }, { gen: String(op) }) }));
              done.create++;
            } else if (rand() < 0.65) {
              live.set(name, await core.replaceNamespacedConfigMap({ name, namespace, body: { ...cur, data: { gen: String(op) } } }));
              done.update++;
            } else {
              await core.deleteNamespacedConfigMap({ name, namespace });
              live.delete(name);
              done.delete++;
            }
          } catch (err) {
            failures.push(`worker ${w} op ${op} on ${name}: ${err instanceof ApiException ? `${err.code} ${String(err.body)}` : String(err)}`);
            // resynchronise the local model so the run continues
            try {
              live.set(name, await core.readNamespacedConfigMap({ name, namespace }));
            } catch {
              live.delete(name);
            }
          }
        }
      }
      const t0 = Date.now();
      await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
      const writeMs = Date.now() - t0;
      assert.deepEqual(failures, [], 'every write of the workload succeeds');
      assert.equal(done.create + done.update + done.delete, workers * opsPerWorker);

      // bounded wait until the cache equals a fresh list (names and resourceVersions)
      const snapshot = (items: ReadonlyArray<V1ConfigMap>): Record<string, string> =>
        Object.fromEntries(items.map((i) => [i.metadata!.name!, i.metadata!.resourceVersion!] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      const deadline = Date.now() + 30_000;
      let fresh: Record<string, string> = {};
      let cached: Record<string, string> = {};
      for (;;) {
        fresh = snapshot((await core.listNamespacedConfigMap({ namespace })).items);
        cached = snapshot(informer.list(namespace));
        if (JSON.stringify(fresh) === JSON.stringify(cached) || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(cached, fresh, `informer cache equals a fresh list within 30 s of the last write (writes took ${writeMs} ms)`);
      assert.deepEqual(errors, [], 'informer reported no errors');
      // each watch event delivered exactly once: handler counts match the writes
      assert.deepEqual(counts, { add: existing.size + done.create, update: done.update, delete: done.delete }, `writes: ${JSON.stringify(done)}`);
    } finally {
      await informer.stop();
    }
  });
});
