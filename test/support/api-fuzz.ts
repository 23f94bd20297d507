// Random and mutated requests for every kind of endpoint, and what every answer must be: a proper HTTP
// status (no 500s; 503/504 only with a Status body), a Status for errors when JSON is asked, no stack
// trace anywhere, and seeded objects untouched by requests that were refused. Shared by the fuzz test
// (fixed seed, few runs) and the `fuzz` bench scenario (many runs).
import fc from 'fast-check';
import YAML from 'yaml';

export const FUZZ_NS = 'fuzz';

/** Objects created before fuzzing; a refused request must leave each as it was. */
export const SEEDS: { path: string; body: Record<string, unknown> }[] = [
  { path: `/api/v1/namespaces/${FUZZ_NS}/configmaps/seed-cm`, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'seed-cm', labels: { app: 'seed' } }, data: { k: 'v' } } },
  { path: `/api/v1/namespaces/${FUZZ_NS}/secrets/seed-secret`, body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'seed-secret' }, stringData: { password: 'x' } } },
  {
    path: `/apis/apps/v1/namespaces/${FUZZ_NS}/deployments/seed-deploy`,
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'seed-deploy' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'seed' } }, template: { metadata: { labels: { app: 'seed' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    },
  },
  {
    path: `/api/v1/namespaces/${FUZZ_NS}/services/seed-svc`,
    body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'seed-svc' }, spec: { selector: { app: 'seed' }, ports: [{ port: 80 }] } },
  },
];

const POD = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'fz-pod' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
const JOB = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'fz-job' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } };
const ROLE = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'fz-role' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] };
const VALID_OBJECTS: Record<string, unknown>[] = [...SEEDS.map((s) => s.body), POD, JOB, ROLE];

const PREFIXES = [
  ...SEEDS.map((s) => s.path),
  ...SEEDS.map((s) => s.path.slice(0, s.path.lastIndexOf('/'))),
  `/apis/apps/v1/namespaces/${FUZZ_NS}/deployments/seed-deploy/scale`,
  `/apis/apps/v1/namespaces/${FUZZ_NS}/deployments/seed-deploy/status`,
  `/api/v1/namespaces/${FUZZ_NS}/pods`,
  `/api/v1/namespaces/${FUZZ_NS}/pods/fz-pod`,
  `/api/v1/namespaces/${FUZZ_NS}/pods/fz-pod/log`,
  `/api/v1/namespaces/${FUZZ_NS}/pods/fz-pod/eviction`,
  `/api/v1/namespaces/${FUZZ_NS}/pods/fz-pod/binding`,
  `/api/v1/namespaces/${FUZZ_NS}/serviceaccounts/default/token`,
  `/apis/batch/v1/namespaces/${FUZZ_NS}/jobs`,
  `/apis/rbac.authorization.k8s.io/v1/namespaces/${FUZZ_NS}/roles`,
  `/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`,
  `/api/v1/watch/namespaces/${FUZZ_NS}/configmaps`,
  '/api/v1/namespaces',
  `/api/v1/namespaces/${FUZZ_NS}`,
  `/api/v1/namespaces/${FUZZ_NS}/status`,
  '/api/v1/nodes',
  '/api/v1/componentstatuses',
  '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
  '/apis/metrics.k8s.io/v1beta1/nodes',
  '/api',
  '/api/v1',
  '/apis',
  '/apis/apps',
  '/apis/apps/v1',
  '/version',
  '/healthz',
  '/readyz',
  '/metrics',
  '/openapi/v2',
  '/openapi/v3',
  '/openapi/v3/api/v1',
  '/',
];

const CONTENT_TYPES = [
  'application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
  'application/json; charset=utf-8',
  'text/plain',
  'multipart/form-data; boundary=x',
];
const ACCEPTS = [
  'application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
  'application/json;as=Table;v=v1;g=meta.k8s.io',
  'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
  '*/*',
  'text/html',
  'application/json, */*',
];
const QUERY_KEYS = [
  'labelSelector', 'fieldSelector', 'resourceVersion', 'resourceVersionMatch', 'limit', 'continue', 'fieldValidation',
  'dryRun', 'watch', 'timeoutSeconds', 'allowWatchBookmarks', 'sendInitialEvents', 'propagationPolicy',
  'gracePeriodSeconds', 'orphanDependents', 'fieldManager', 'force', 'pretty', 'follow', 'container', 'tailLines',
  'includeObject',
];
const QUERY_VALUES = [
  '', '0', '1', '-1', '2', '99999999999999999999', 'true', 'false', 'All', 'Strict', 'Warn', 'Ignore', 'Exact', 'NotOlderThan',
  'app=seed', 'app in (a,b)', '!app', 'a=b,,', 'metadata.name=seed-cm', 'metadata.namespace!=x', 'spec.nodeName=', 'x==y==z',
  'Foreground', 'Background', 'Orphan', 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiJ4In0', '%zz', 'Object', 'None',
];

export interface FuzzRequest {
  method: string;
  path: string;
  query: [string, string][];
  contentType?: string;
  accept?: string;
  body?: string | Uint8Array;
}

const segment = fc.oneof(
  fc.constantFrom('x', '..', '.', '%2F', '%00', '%', '%zz', 'seed-cm', 'status', 'scale', 'log', 'finalize', 'watch', 'namespaces', 'a'.repeat(300), 'UPPER', 'a:b', '~'),
  fc.string({ maxLength: 12 }).map((s) => encodeURIComponent(s)),
);

// Mostly known paths, so that bodies and parameters reach the handlers; sometimes with random segments.
const extraSegments = fc.oneof({ arbitrary: fc.constant([] as string[]), weight: 3 }, { arbitrary: fc.array(segment, { minLength: 1, maxLength: 3 }), weight: 1 });
const pathArb = fc.tuple(fc.constantFrom(...PREFIXES), extraSegments, fc.boolean()).map(([p, extra, slash]) =>
  `${p === '/' ? '' : p}${extra.map((e) => `/${e}`).join('')}${slash ? '/' : ''}` || '/',
);

const queryArb = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 6 })), fc.oneof(fc.constantFrom(...QUERY_VALUES), fc.string({ maxLength: 10 }))), { maxLength: 4 });

/** A valid object with one place changed to something random. */
const mutatedObject = fc
  .tuple(fc.constantFrom(...VALID_OBJECTS), fc.array(fc.constantFrom('metadata', 'spec', 'data', 'name', 'labels', 'template', 'containers', '0', 'replicas', 'kind', 'apiVersion', 'image', 'selector', 'ports'), { minLength: 1, maxLength: 4 }), fc.jsonValue({ maxDepth: 3 }))
  .map(([obj, path, value]) => {
    const copy = structuredClone(obj) as Record<string, unknown>;
    let at: Record<string, unknown> = copy;
    for (const k of path.slice(0, -1)) {
      const next = at[k];
      if (next === null || typeof next !== 'object') at[k] = {};
      at = at[k] as Record<string, unknown>;
    }
    at[path[path.length - 1]!] = value;
    return copy;
  });

const jsonPatch = fc.array(
  fc.record({
    op: fc.oneof(fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'), fc.string({ maxLength: 5 })),
    path: fc.oneof(fc.constantFrom('/metadata/labels/x', '/data/k', '/spec/replicas', '/metadata/name', '/', '', '/metadata/resourceVersion', '/spec/template/spec/containers/0'), fc.string({ maxLength: 10 })),
    value: fc.jsonValue({ maxDepth: 2 }),
    from: fc.constantFrom('/data/k', '/metadata', '/nope'),
  }),
  { maxLength: 3 },
);

const bodyArb: fc.Arbitrary<string | Uint8Array | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(...VALID_OBJECTS).map((o) => JSON.stringify(o)),
  mutatedObject.map((o) => JSON.stringify(o)),
  mutatedObject.map((o) => YAML.stringify(o)),
  jsonPatch.map((p) => JSON.stringify(p)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  // Valid JSON cut short, or with bytes flipped.
  fc.tuple(fc.constantFrom(...VALID_OBJECTS), fc.nat()).map(([o, n]) => {
    const s = JSON.stringify(o);
    return s.slice(0, n % s.length);
  }),
  fc.tuple(fc.constantFrom(...VALID_OBJECTS), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([o, n, b]) => {
    const bytes = Buffer.from(JSON.stringify(o));
    bytes[n % bytes.length] = b;
    return new Uint8Array(bytes);
  }),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
  fc.integer({ min: 1, max: 12_000 }).map((n) => '['.repeat(n)),
);

export const requestArb: fc.Arbitrary<FuzzRequest> = fc.record(
  {
    method: fc.constantFrom('GET', 'GET', 'POST', 'POST', 'PUT', 'PUT', 'PATCH', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
    path: pathArb,
    query: queryArb,
    contentType: fc.option(fc.oneof(fc.constantFrom(...CONTENT_TYPES), fc.string({ maxLength: 20 })), { nil: undefined }),
    accept: fc.option(fc.oneof(fc.constantFrom(...ACCEPTS), fc.string({ maxLength: 20 })), { nil: undefined }),
    body: bodyArb,
  },
  { requiredKeys: ['method', 'path', 'query'] },
);

export interface FuzzAnswer {
  status: number;
  contentType: string;
  body: string;
  /** The body was still streaming (a watch, a followed log) when we stopped reading. */
  streaming: boolean;
}

function headerSafe(v: string): string | undefined {
  return /^[\t\x20-\x7e]*$/.test(v) ? v : undefined;
}

export function requestURL(base: string, r: FuzzRequest): string {
  const qs = r.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return `${base}${r.path}${qs ? `?${qs}` : ''}`;
}

/** Sends it; the answer's headers must come within 10 s, and a body still streaming after 1 s is cut. */
export async function send(base: string, r: FuzzRequest): Promise<FuzzAnswer> {
  const headers: Record<string, string> = {};
  const ct = r.contentType === undefined ? undefined : headerSafe(r.contentType);
  const accept = r.accept === undefined ? undefined : headerSafe(r.accept);
  if (ct !== undefined) headers['content-type'] = ct;
  if (accept !== undefined) headers.accept = accept;
  const hasBody = r.body !== undefined && !['GET', 'HEAD'].includes(r.method);
  const ac = new AbortController();
  const headerTimer = setTimeout(() => ac.abort(new Error('no answer within 10 s')), 10_000);
  let res: Response;
  try {
    res = await fetch(requestURL(base, r), { method: r.method, headers, body: hasBody ? (r.body as BodyInit) : undefined, signal: ac.signal });
  } finally {
    clearTimeout(headerTimer);
  }
  const chunks: Uint8Array[] = [];
  let streaming = false;
  const reader = res.body?.getReader();
  if (reader) {
    const stop = setTimeout(() => {
      streaming = true;
      void reader.cancel().catch(() => undefined);
    }, 1000);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
      }
    } catch {
      streaming = true;
    } finally {
      clearTimeout(stop);
    }
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: Buffer.concat(chunks).toString('utf8'), streaming };
}

const STACK_TRACE = /\n\s+at [^\n]+:\d+:\d+|node:internal|\/src\/[\w/-]+\.ts/;

function wantsJSON(accept: string | undefined): boolean {
  return accept === undefined || /application\/json|\*\/\*/.test(accept) || accept.trim() === '';
}

/** What is wrong with this answer, or undefined. */
export function problem(r: FuzzRequest, a: FuzzAnswer): string | undefined {
  if (!Number.isInteger(a.status) || a.status < 100 || a.status > 599) return `status ${a.status}`;
  if (STACK_TRACE.test(a.body)) return 'a stack trace in the body';
  if (/<html|<!DOCTYPE/i.test(a.body)) return 'an HTML body';
  if (a.status === 500) return `500: ${a.body.slice(0, 300)}`;
  if (a.status > 500 && a.status !== 503 && a.status !== 504) return `${a.status}: ${a.body.slice(0, 300)}`;
  // Upstream's max-in-flight 429 is plain text, and so are kube-openapi's /openapi/v3 404s; every other
  // error is a Status.
  const plainText = a.status === 429 || (a.status === 404 && r.path.startsWith('/openapi/v3'));
  if (a.status >= 400 && !plainText && r.method !== 'HEAD' && wantsJSON(r.accept)) {
    let s: { kind?: unknown; code?: unknown; status?: unknown } | undefined;
    try {
      s = JSON.parse(a.body) as typeof s;
    } catch {
      return `${a.status} without a JSON body: ${a.body.slice(0, 200)}`;
    }
    if (s?.kind !== 'Status' || s.code !== a.status || s.status !== 'Failure') return `${a.status} with a body that is not its Status: ${a.body.slice(0, 200)}`;
  }
  if (a.status < 300 && !a.streaming && r.method !== 'HEAD' && a.contentType.startsWith('application/json') && a.body !== '') {
    try {
      JSON.parse(a.body);
    } catch {
      return `${a.status} application/json that does not parse: ${a.body.slice(0, 200)}`;
    }
  }
  return undefined;
}

/** The seeds as stored now: resourceVersion per path. */
export async function seedVersions(base: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const s of SEEDS) {
    const res = await fetch(`${base}${s.path}`);
    const body = (await res.json()) as { metadata?: { resourceVersion?: string } };
    out.set(s.path, res.status === 200 ? (body.metadata?.resourceVersion ?? '') : `gone (${res.status})`);
  }
  return out;
}

/** Creates the namespace and the seeds (again, if a fuzzed request deleted them). */
export async function plantSeeds(base: string): Promise<void> {
  const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: FUZZ_NS } });
  for (const s of SEEDS) await post(s.path.slice(0, s.path.lastIndexOf('/')), s.body);
}

export interface FuzzOutcome {
  runs: number;
  statuses: Record<string, number>;
}

/**
 * Runs the property: every answer is proper, the server stays healthy, and a refused mutating request
 * leaves the seeds as they were. Throws fast-check's report (seed, path, counterexample) on failure.
 */
export async function fuzzServer(base: string, opts: { seed: number; numRuns: number }): Promise<FuzzOutcome> {
  await plantSeeds(base);
  let versions = await seedVersions(base);
  const statuses: Record<string, number> = {};
  let runs = 0;
  let last = '';
  const fail = (message: string): never => {
    last = message;
    throw new Error(message);
  };
  try {
    await fc.assert(
    fc.asyncProperty(requestArb, async (r) => {
      runs++;
      const a = await send(base, r);
      statuses[a.status] = (statuses[a.status] ?? 0) + 1;
      const bad = problem(r, a);
      if (bad) fail(`${r.method} ${requestURL('', r)}: ${bad}`);
      const health = await fetch(`${base}/healthz`);
      if (health.status !== 200) fail(`healthz answered ${health.status} after ${r.method} ${r.path}`);
      if (['GET', 'HEAD', 'OPTIONS'].includes(r.method)) return;
      const now = await seedVersions(base);
      if (a.status >= 400) {
        for (const [path, rv] of versions) {
          if (now.get(path) !== rv) fail(`${r.method} ${requestURL('', r)} was refused (${a.status}) but changed ${path}: ${rv} → ${now.get(path)}`);
        }
      }
      if ([...now.values()].some((v) => v.startsWith('gone'))) {
        await plantSeeds(base);
        versions = await seedVersions(base);
      } else versions = now;
    }),
    { seed: opts.seed, numRuns: opts.numRuns, endOnFailure: true },
    );
  } catch (err) {
    throw new Error(`${last}\n${err instanceof Error ? err.message : String(err)}`);
  }
  return { runs, statuses };
}
