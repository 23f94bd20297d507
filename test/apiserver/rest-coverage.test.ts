// Every (path, verb) pair kube-apiserver v1.35 documents in its OpenAPI v2 document
// (../shared/k8s-reference/swagger.json, read there as a test oracle and never copied), tried against a
// running Wheelhouse. A pair is served unless the answer is 405, or a 404 that names no object (the
// "could not find the requested resource" of an unknown path): a 404 for a missing object, a 400 for an
// empty body or a 415 for a missing patch type all show the path and verb are known. The rate is
// printed for the issue note, the unserved pairs listed by group-version, and the count has a floor.
//
//   node --import tsx --test test/apiserver/rest-coverage.test.ts
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';

/** Pairs served when this floor was last raised (765 of 1 067; resource.k8s.io/v1 added 44): raise it whenever more are served, never lower it. */
const SERVED_FLOOR = 765;

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SWAGGER = path.resolve(REPO, '..', 'shared', 'k8s-reference', 'swagger.json');
const VERBS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const CONCURRENCY = 12;

const NS = 'rest-coverage';
/** Objects the test creates, so subresources of pods, nodes and services reach a real object. */
const REAL: Record<string, string> = { namespaces: NS, pods: 'cov-pod', nodes: 'cov-node', services: 'cov-svc' };
/** Any other name: the answer is then a NotFound that names the object, which still shows the route exists. */
const MISSING = 'cov-missing';
/** Deleting collections must not empty the namespace the other requests use. */
const NOTHING = 'labelSelector=rest-coverage-none%3Dnone';

interface Pair {
  template: string;
  verb: (typeof VERBS)[number];
}

function swaggerPairs(): Pair[] {
  const doc = JSON.parse(readFileSync(SWAGGER, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  const out: Pair[] = [];
  for (const [template, ops] of Object.entries(doc.paths)) {
    for (const verb of VERBS) if (ops[verb] !== undefined) out.push({ template, verb });
  }
  return out;
}

/** The group-version a path belongs to, for grouping the unserved list. */
function groupVersion(template: string): string {
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\//.exec(template);
  if (!m) return '(non-resource)';
  return m[1] ?? `${m[2]}/${m[3]}`;
}

/** A concrete URL for a template: real objects where the test made them, a missing name elsewhere. */
function concrete(p: Pair): string {
  const segs = p.template.split('/');
  // A DELETE of an object itself gets a missing one, so the real objects outlive the run.
  const objectDelete = p.verb === 'delete' && segs[segs.length - 1] === '{name}';
  const filled = segs.map((s, i) => {
    if (s === '{namespace}') return NS;
    if (s === '{name}') return objectDelete ? MISSING : (REAL[segs[i - 1] ?? ''] ?? MISSING);
    if (s === '{path}') return 'healthz';
    if (s === '{logpath}') return 'coverage.log';
    return s;
  });
  let url = filled.join('/');
  const collection = !p.template.includes('{name}') && !p.template.includes('{path}') && segs.length > 3;
  if (p.verb === 'delete' && collection) url += `?${NOTHING}`;
  return url;
}

interface Outcome {
  pair: Pair;
  url: string;
  code: number;
  served: boolean;
}

async function probe(base: string, pair: Pair): Promise<Outcome> {
  const url = concrete(pair);
  const ac = new AbortController();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (pair.verb === 'patch') headers['content-type'] = 'application/merge-patch+json';
  // No body: creates and updates answer 400 without touching anything, patches of real objects change nothing.
  const body = pair.verb === 'patch' ? '{}' : undefined;
  const timer = setTimeout(() => ac.abort(), 5000);
  try {
    const res = await fetch(base + url, { method: pair.verb.toUpperCase(), headers, body, signal: ac.signal });
    let served = res.status !== 405;
    if (res.status === 404) {
      // Watches stream: only the status line matters, and a 404 here is short.
      const text = await res.text().catch(() => '');
      served = namesObject(text);
    }
    return { pair, url, code: res.status, served };
  } catch {
    return { pair, url, code: 0, served: false };
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
}

/** A NotFound Status for a missing object carries its name in details; an unknown path's does not. */
function namesObject(text: string): boolean {
  try {
    const s = JSON.parse(text) as { kind?: string; details?: { name?: string } };
    return s.kind === 'Status' && typeof s.details?.name === 'string' && s.details.name !== '';
  } catch {
    return false;
  }
}

async function pool<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

async function post(base: string, url: string, obj: unknown): Promise<void> {
  const res = await fetch(base + url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(obj) });
  assert.equal(res.status, 201, `${url}: ${await res.text()}`);
}

describe('REST coverage against upstream OpenAPI', { skip: !existsSync(SWAGGER) && 'no ../shared/k8s-reference' }, () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
    await post(c.url, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await post(c.url, '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: REAL.nodes } });
    await post(c.url, `/api/v1/namespaces/${NS}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: REAL.pods },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    await post(c.url, `/api/v1/namespaces/${NS}/services`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: REAL.services },
      spec: { selector: { app: 'none' }, ports: [{ port: 80 }] },
    });
    // An endpoint, so services/proxy gets as far as the backend (HEAD answers carry no body to tell a missing Endpoints by).
    await post(c.url, `/api/v1/namespaces/${NS}/endpoints`, {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: REAL.services },
      subsets: [{ addresses: [{ ip: '10.244.0.5' }], ports: [{ port: 80 }] }],
    });
  });
  after(async () => c?.stop());

  it('serves every path and verb kube-apiserver documents (rate printed, floor asserted)', async () => {
    const pairs = swaggerPairs();
    assert.ok(pairs.length > 1000, `expected upstream's ~1067 pairs, read ${pairs.length}`);
    const outcomes = await pool(pairs, CONCURRENCY, (p) => probe(c.url, p));
    const served = outcomes.filter((o) => o.served);
    const byGV = new Map<string, string[]>();
    for (const o of outcomes) {
      if (o.served) continue;
      const gv = groupVersion(o.pair.template);
      const list = byGV.get(gv) ?? [];
      list.push(`${o.pair.verb.toUpperCase()} ${o.pair.template} → ${o.code}`);
      byGV.set(gv, list);
    }
    const lines = [...byGV.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([gv, l]) => `  ${gv} (${l.length}):\n${l.map((x) => `    ${x}`).join('\n')}`);
    const servedByGV = new Map<string, number>();
    for (const o of served) servedByGV.set(groupVersion(o.pair.template), (servedByGV.get(groupVersion(o.pair.template)) ?? 0) + 1);
    const pct = ((100 * served.length) / pairs.length).toFixed(1);
    console.log(`REST coverage: ${served.length}/${pairs.length} (path, verb) pairs served (${pct}%)`);
    console.log(`served, by group-version: ${[...servedByGV.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([gv, n]) => `${gv} ${n}`).join(', ')}`);
    if (process.env.REST_COVERAGE_LIST !== '0') console.log(`unserved, by group-version:\n${lines.join('\n')}`);
    assert.ok(served.length >= SERVED_FLOOR, `served ${served.length} < floor ${SERVED_FLOOR}`);
  });
});
