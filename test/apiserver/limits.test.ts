// Limits and bad input against a real server on a real etcd: body size (413, also chunked), objects
// over etcd's request limit, deeply nested and malformed JSON/YAML (400, and the server lives on),
// metadata size limits (422), and the max-in-flight limit on held-open uploads (429), with watches
// not counted.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';

const CM = '/api/v1/namespaces/default/configmaps';
const PT = '/api/v1/namespaces/default/podtemplates';
const LIMIT = 3 * 1024 * 1024;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

describe('request limits and bad input', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ maxRequestsInFlight: 2, maxMutatingRequestsInFlight: 2 });
  });
  after(async () => c.stop());

  async function send(method: string, path: string, body?: string, type = 'application/json'): Promise<Answer> {
    const res = await fetch(`${c.url}${path}`, { method, body, headers: body === undefined ? {} : { 'content-type': type } });
    return { status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() };
  }

  function status(code: number, reason: string, message: string): Record<string, unknown> {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  }

  async function healthy(): Promise<void> {
    const res = await send('GET', '/healthz');
    assert.equal(res.status, 200);
  }

  /** A request whose body is streamed without Content-Length; resolves with the answer the server gives. */
  function chunkedUpload(path: string, total: number): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${c.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      });
      // The server closes the connection once it has answered; writes after that fail, as they should.
      req.on('error', (err) => (req.writableEnded ? reject(err) : undefined));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
  }

  it('refuses a body over 3 MiB with 413 and upstream\'s Status, announced or chunked', async () => {
    const want = status(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    const big = await send('POST', CM, ' '.repeat(LIMIT + 1));
    assert.equal(big.status, 413);
    assert.equal(big.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(big.text), want);
    const chunked = await chunkedUpload(CM, 2 * LIMIT);
    assert.equal(chunked.status, 413);
    assert.deepEqual(JSON.parse(chunked.text), want);
    // Exactly at the limit is fine.
    const obj = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"at-limit"}}';
    const edge = await send('POST', CM, obj + ' '.repeat(LIMIT - obj.length));
    assert.equal(edge.status, 201, edge.text);
    await healthy();
  });

  it('passes etcd\'s refusal of an object over its request limit on as upstream does, and keeps the object', async () => {
    const created = await send('POST', PT, JSON.stringify({ apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'grows' }, template: { spec: { containers: [{ name: 'c', image: 'x', args: [] }] } } }));
    assert.equal(created.status, 201);
    const rv = JSON.parse(created.text).metadata.resourceVersion;
    // A JSON patch that copies a value grows the object past what its body weighs.
    const grow = (kib: number, copies: number) =>
      JSON.stringify([
        { op: 'add', path: '/template/spec/containers/0/args/-', value: 'y'.repeat(kib * 1024) },
        ...Array.from({ length: copies }, () => ({ op: 'copy', from: '/template/spec/containers/0/args/0', path: '/template/spec/containers/0/args/-' })),
      ]);
    // Over --max-request-bytes: etcd's own error.
    const over = await send('PATCH', `${PT}/grows`, grow(820, 3), 'application/json-patch+json');
    assert.equal(over.status, 500);
    assert.deepEqual(JSON.parse(over.text), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'etcdserver: request is too large', code: 500 });
    // Past etcd's gRPC slack the client does not send it, as Go's etcd client would not.
    const far = await send('PATCH', `${PT}/grows`, grow(1000, 3), 'application/json-patch+json');
    assert.equal(far.status, 500);
    assert.match(JSON.parse(far.text).message, /^rpc error: code = ResourceExhausted desc = trying to send message larger than max \(\d+ vs\. 3670016\)$/);
    const got = await send('GET', `${PT}/grows`);
    assert.equal(got.status, 200, got.text);
    const after = JSON.parse(got.text);
    assert.equal(after.metadata.resourceVersion, rv);
    assert.deepEqual(after.template.spec.containers[0].args, []);
  });

  it('answers deeply nested and malformed bodies with 400 and stays up', async () => {
    const cases: [string, string, string, RegExp][] = [
      ['a megabyte of [', '['.repeat(1_000_000), 'application/json', /^couldn't get version\/kind; json parse error: invalid character '\[' exceeded max depth$/],
      ['objects 10001 deep', '{"a":'.repeat(10_001) + '1' + '}'.repeat(10_001), 'application/json', /exceeded max depth$/],
      ['truncated JSON', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":', 'application/json', /^the object provided is unrecognized/],
      ['YAML flow nesting', `a: ${'['.repeat(501)}${']'.repeat(501)}`, 'application/yaml', /^error converting YAML to JSON: yaml: exceeded max depth of 500$/],
      ['YAML billion laughs', billionLaughs(), 'application/yaml', /^the object provided is unrecognized/],
      ['YAML tabs and junk', 'a:\n\t- : : [', 'application/yaml', /^the object provided is unrecognized/],
    ];
    for (const [name, body, type, message] of cases) {
      const res = await send('POST', CM, body, type);
      assert.equal(res.status, 400, name);
      const s = JSON.parse(res.text);
      assert.equal(s.reason, 'BadRequest', name);
      assert.match(s.message, message, name);
    }
    // Just under the limits the bodies reach the decoders, which refuse them for their types.
    const deepButAllowed = await send('POST', CM, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":${'['.repeat(9_990)}${']'.repeat(9_990)}}`);
    assert.equal(deepButAllowed.status, 400);
    assert.doesNotMatch(JSON.parse(deepButAllowed.text).message, /max depth/);
    for (let i = 0; i < 5; i++) {
      const yaml = await send('POST', CM, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y${i}}\nbinaryData: ${'['.repeat(500)}${']'.repeat(500)}\n`, 'application/yaml');
      assert.ok(yaml.status >= 400 && yaml.status < 500, yaml.text);
    }
    await healthy();
  });

  it('answers names, labels and annotations over their limits with 422', async () => {
    const long = (n: number) => 'a'.repeat(n);
    const cases: [string, string, Record<string, unknown>, string][] = [
      [CM, 'ConfigMap', { name: long(254) }, `metadata.name: Invalid value: "${long(254)}": must be no more than 253 characters`],
      ['/api/v1/namespaces/default/services', 'Service', { name: long(64) }, `metadata.name: Invalid value: "${long(64)}": must be no more than 63 characters`],
      [CM, 'ConfigMap', { name: 'l1', labels: { k: long(64) } }, `metadata.labels: Invalid value: "${long(64)}": must be no more than 63 characters`],
      [CM, 'ConfigMap', { name: 'l2', labels: { [long(64)]: 'v' } }, `metadata.labels: Invalid value: "${long(64)}": name part must be no more than 63 characters`],
      [CM, 'ConfigMap', { name: 'l3', labels: { [`${long(254)}/k`]: 'v' } }, `metadata.labels: Invalid value: "${long(254)}/k": prefix part must be no more than 253 characters`],
      [CM, 'ConfigMap', { name: 'a1', annotations: { k: long(256 * 1024) } }, 'metadata.annotations: Too long: may not be more than 262144 bytes'],
    ];
    for (const [path, kind, metadata, cause] of cases) {
      const body: Record<string, unknown> = { apiVersion: 'v1', kind, metadata };
      if (kind === 'Service') body.spec = { ports: [{ port: 80 }] };
      const res = await send('POST', path, JSON.stringify(body));
      assert.equal(res.status, 422, res.text);
      const s = JSON.parse(res.text);
      assert.equal(s.reason, 'Invalid');
      assert.ok(s.message.includes(cause), `${s.message}\n  should include\n${cause}`);
    }
  });

  it('answers 429 with Retry-After past the mutating limit; watches do not count', async () => {
    // Uploads whose bodies are half sent stay in flight until the rest comes.
    const held = [0, 1].map(() => {
      const req = http.request(`${c.url}${CM}`, { agent: false, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '100' } });
      req.on('error', () => undefined);
      req.write('{"apiVersion":"v1",');
      return req;
    });
    // Wait until the server holds both (their headers may take a moment to arrive on a busy host).
    const deadline = Date.now() + 20_000;
    let counted = '';
    while (Date.now() < deadline) {
      counted = /apiserver_current_inflight_requests\{request_kind="mutating"\} (\d+)/.exec((await send('GET', '/metrics')).text)?.[1] ?? '';
      if (counted === '2') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(counted, '2', 'the two held uploads are counted in flight');
    const refused = await send('DELETE', `${CM}/nothing`);
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal(refused.text, 'Too many requests, please try again later.\n');
    // Reads have their own limit, and long-running watches are outside it.
    const watches = [0, 1, 2].map(() => new AbortController());
    const opened = await Promise.all(watches.map((ac) => fetch(`${c.url}${CM}?watch=true`, { signal: ac.signal })));
    for (const w of opened) assert.equal(w.status, 200);
    const list = await send('GET', CM);
    assert.equal(list.status, 200, list.text);
    const metrics = (await send('GET', '/metrics')).text;
    assert.match(metrics, /apiserver_current_inflight_requests\{request_kind="mutating"\} 2/);
    assert.match(metrics, /apiserver_dropped_requests_total\{request_kind="mutating"\} [1-9]/);
    for (const ac of watches) ac.abort();
    for (const req of held) req.destroy();
    // Once the uploads are gone, writes go through again.
    const until = Date.now() + 10_000;
    let code = 429;
    while (code === 429 && Date.now() < until) code = (await send('DELETE', `${CM}/nothing`)).status;
    assert.equal(code, 404);
  });
});

function billionLaughs(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = 'bcdefghi';
  for (let i = 0; i < names.length; i++) {
    const prev = i === 0 ? 'a' : names[i - 1]!;
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return `${lines.join('\n')}\n`;
}
