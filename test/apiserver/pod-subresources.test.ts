// The pod, node and service subresources that need a node or a network behind them, against a real etcd
// and API server: pods/ephemeralcontainers (kubectl debug) and pods/resize write only their part of the
// pod with upstream's checks; exec/attach/portforward/proxy answer upstream's Status errors instead of
// 404; nodes/proxy reaches the node's kubelet endpoint; the deprecated /watch/ paths stream.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KUBELET_HOST_ANNOTATION } from '../../src/api/well-known.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';

const NS = '/api/v1/namespaces/default';

/** The PATH kubectl and the oldest one beside it. */
function kubectlBinaries(): string[] {
  const real = spawnSync('sh', ['-c', 'readlink -f "$(command -v kubectl)"'], { encoding: 'utf8' }).stdout.trim();
  return ['kubectl', path.join(path.dirname(real), 'kubectl.1.27')];
}

describe('pod, node and service subresources', () => {
  let c: TestCluster;
  let kubelet: http.Server;
  let kubectls: string[];
  const call = async (method: string, url: string, body?: unknown, type = 'application/json') => {
    const res = await fetch(c.url + url, {
      method,
      headers: { 'content-type': type, accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = { text };
    }
    return { status: res.status, body: json as Record<string, any> };
  };
  // Asynchronous: the API server answering kubectl runs in this process.
  const kubectl = (bin: string, ...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(bin, [`--server=${c.url}`, ...args], { encoding: 'utf8', timeout: 20_000 }, (err, out, errOut) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out, err: errOut });
      });
    });
  const pod = (name: string, resources: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: { containers: [{ name: 'c', image: 'nginx', resources }] },
  });

  before(async () => {
    c = await startTestCluster();
    kubectls = kubectlBinaries();
    // Stands in for a node's kubelet server: it echoes what reached it.
    kubelet = http.createServer((req, res) => {
      res.setHeader('Content-Type', 'text/plain');
      res.end(`kubelet saw ${req.method} ${req.url}`);
    });
    await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', () => r()));
    const port = (kubelet.address() as AddressInfo).port;
    assert.equal(
      (
        await call('POST', '/api/v1/nodes', {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: 'n1', annotations: { [KUBELET_HOST_ANNOTATION]: '127.0.0.1' } },
          status: { daemonEndpoints: { kubeletEndpoint: { Port: port } } },
        })
      ).status,
      201,
    );
    for (const p of [pod('dbg'), pod('sized', { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } }), pod('placed')]) {
      assert.equal((await call('POST', `${NS}/pods`, p)).status, 201);
    }
    const bound = await call('POST', `${NS}/pods/placed/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'placed' }, target: { kind: 'Node', name: 'n1' } });
    assert.equal(bound.status, 201, JSON.stringify(bound.body));
  });
  after(async () => {
    kubelet?.close();
    await c?.stop();
  });

  it('pods/ephemeralcontainers: kubectl debug adds one; existing ones are immutable, restricted fields refused', async () => {
    for (const bin of kubectls) {
      const r = await kubectl(bin, 'debug', 'dbg', '--image=busybox', `--container=dbg-${kubectls.indexOf(bin)}`);
      assert.equal(r.code, 0, `${bin}: ${r.err}`);
    }
    const got = await call('GET', `${NS}/pods/dbg/ephemeralcontainers`);
    assert.equal(got.status, 200);
    assert.equal(got.body.kind, 'Pod');
    const eph = got.body.spec.ephemeralContainers as { name: string; image: string; terminationMessagePolicy: string }[];
    assert.deepEqual(eph.map((e) => e.name), ['dbg-0', 'dbg-1']);
    assert.equal(eph[0]!.terminationMessagePolicy, 'File', 'defaulted like any container');

    // Only spec.ephemeralContainers comes from the request: the label and image changes are dropped.
    const changed = structuredClone(got.body);
    changed.metadata.labels = { app: 'other' };
    changed.spec.containers[0].image = 'httpd';
    changed.spec.ephemeralContainers[0].image = 'alpine';
    const refused = await call('PUT', `${NS}/pods/dbg/ephemeralcontainers`, changed);
    assert.equal(refused.status, 422);
    assert.match(refused.body.message, /^Pod "dbg" is invalid: spec\.ephemeralContainers: Forbidden: existing ephemeral containers "dbg-0" may not be changed\n/);

    // Strategic merge lists the patch's items first, so the new container is [0].
    const withPorts = await call('PATCH', `${NS}/pods/dbg/ephemeralcontainers`, { spec: { ephemeralContainers: [{ name: 'p', image: 'busybox', ports: [{ containerPort: 80 }], targetContainerName: 'nope' }] } }, 'application/strategic-merge-patch+json');
    assert.equal(withPorts.status, 422);
    assert.equal(
      withPorts.body.message,
      'Pod "dbg" is invalid: [spec.ephemeralContainers[0].targetContainerName: Not found: "nope", spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container]',
    );
    const after = await call('PUT', `${NS}/pods/dbg/ephemeralcontainers`, { ...got.body, metadata: { ...got.body.metadata, labels: { app: 'other' } } });
    assert.equal(after.status, 200);
    assert.deepEqual(after.body.metadata.labels, { app: 'dbg' }, 'metadata is not written through this subresource');
  });

  it('pods/resize: writes container resources only and keeps the QoS class', async () => {
    const before = await call('GET', `${NS}/pods/sized/resize`);
    assert.equal(before.status, 200);
    const resized = await call(
      'PATCH',
      `${NS}/pods/sized/resize`,
      { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', resources: { requests: { cpu: '150m' } } }] } },
      'application/strategic-merge-patch+json',
    );
    assert.equal(resized.status, 200, JSON.stringify(resized.body));
    assert.equal(resized.body.spec.containers[0].resources.requests.cpu, '150m');
    assert.deepEqual(resized.body.metadata.labels, { app: 'sized' });
    assert.equal(resized.body.metadata.generation, before.body.metadata.generation + 1);
    const qos = await call(
      'PATCH',
      `${NS}/pods/sized/resize`,
      { spec: { containers: [{ name: 'c', resources: { requests: { cpu: '200m', memory: '128Mi' } } }] } },
      'application/strategic-merge-patch+json',
    );
    assert.equal(qos.status, 422);
    assert.equal(qos.body.message, 'Pod "sized" is invalid: spec: Invalid value: "Burstable": Pod QOS Class may not change as a result of resizing');
    const plain = await call('PATCH', `${NS}/pods/sized`, { spec: { containers: [{ name: 'c', resources: { requests: { cpu: '120m' } } }] } }, 'application/strategic-merge-patch+json');
    assert.equal(plain.status, 422, 'resources change only through pods/resize');
  });

  it('exec, attach and port-forward answer upstream errors; kubectl prints them', async () => {
    for (const bin of kubectls) {
      const r = await kubectl(bin, 'exec', 'dbg', '--', 'ls');
      assert.notEqual(r.code, 0);
      assert.match(r.err, /Error from server \(BadRequest\): pod dbg does not have a host assigned/, `${bin}: ${r.err}`);
    }
    const wrong = await call('POST', `${NS}/pods/placed/exec?command=ls&container=nope`);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.message, 'container nope is not valid for pod placed');
    const placed = await call('GET', `${NS}/pods/placed/attach?stdout=1`);
    assert.equal(placed.status, 500);
    assert.match(placed.body.message, /^error dialing backend: /);
    const pf = await call('POST', `${NS}/pods/dbg/portforward?ports=80`);
    assert.equal(pf.body.message, 'pod dbg does not have a host assigned');
    const missing = await call('GET', `${NS}/pods/ghost/exec?command=ls`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'pods "ghost" not found');
    const put = await call('PUT', `${NS}/pods/dbg/exec`);
    assert.equal(put.status, 405);
  });

  it('pods/proxy and services/proxy: no address, no endpoints, as upstream says', async () => {
    const noIP = await call('GET', `${NS}/pods/dbg/proxy/`);
    assert.equal(noIP.status, 400);
    assert.equal(noIP.body.message, 'address not allowed');
    assert.equal((await call('POST', `${NS}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } })).status, 201);
    const noEndpoints = await call('GET', `${NS}/services/web/proxy/x`);
    assert.equal(noEndpoints.status, 404);
    assert.equal(noEndpoints.body.message, 'endpoints "web" not found');
    assert.equal((await call('POST', `${NS}/endpoints`, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets: [] })).status, 201);
    const empty = await call('GET', `${NS}/services/web/proxy/x`);
    assert.equal(empty.status, 503);
    assert.equal(empty.body.reason, 'ServiceUnavailable');
    assert.equal(empty.body.message, 'no endpoints available for service "web"');
    const badPort = await call('GET', `${NS}/services/web:81/proxy/`);
    assert.equal(badPort.body.message, 'no service port 81 found for service "web"');
  });

  it('nodes/proxy reaches the kubelet endpoint the node reports', async () => {
    const r = await fetch(`${c.url}/api/v1/nodes/n1/proxy/metrics/resource?x=1`);
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'kubelet saw GET /metrics/resource?x=1');
    const raw = await kubectl(kubectls[0]!, 'get', '--raw', '/api/v1/nodes/n1/proxy/healthz');
    assert.equal(raw.out, 'kubelet saw GET /healthz');
    const gone = await call('GET', '/api/v1/nodes/ghost/proxy/x');
    assert.equal(gone.status, 404);
    // A kubelet that does not listen: a port just freed.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const closed = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2', annotations: { [KUBELET_HOST_ANNOTATION]: '127.0.0.1' } } };
    assert.equal((await call('POST', '/api/v1/nodes', { ...node, status: { daemonEndpoints: { kubeletEndpoint: { Port: closed } } } })).status, 201);
    const down = await call('GET', '/api/v1/nodes/n2/proxy/healthz');
    assert.equal(down.status, 503);
    assert.equal(down.body.message, `error trying to reach service: dial tcp 127.0.0.1:${closed}: connect: connection refused`);
  });

  it('the deprecated /watch/ paths watch one object or a collection', async () => {
    const ac = new AbortController();
    const res = await fetch(`${c.url}/api/v1/watch/namespaces/default/pods/sized`, { signal: ac.signal });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    ac.abort();
    const event = JSON.parse(first.split('\n')[0]!) as { type: string; object: { metadata: { name: string } } };
    assert.equal(event.type, 'ADDED');
    assert.equal(event.object.metadata.name, 'sized');
    const post = await call('POST', '/api/v1/watch/namespaces/default/pods');
    assert.equal(post.status, 405);
    const sub = await call('GET', '/api/v1/watch/namespaces/default/pods/sized/status');
    assert.equal(sub.status, 404);
    assert.equal((await call('GET', '/api/v1/watch/namespaces/default/status')).status, 404, 'watch paths have no subresources');
    const unknown = await call('GET', `${NS}/pods/sized/nonsense`);
    assert.equal(unknown.status, 404, 'undeclared subresources are unknown paths');
  });
});
