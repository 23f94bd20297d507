// kubectl reading Wheelhouse's OpenAPI: `explain` and client-side validation, with every kubectl binary.
//
// The oracle is kube-apiserver's own v3 documents (../shared/k8s-reference/v3, read by this test only): a
// small proxy in front of the same Wheelhouse serves them at /openapi/v3 and passes every other request
// through, so one kubectl renders the same explain template over upstream's schemas and over ours.
// - `explain deployment --recursive` prints names and types only: it must be identical.
// - `explain pod.spec.containers` also prints descriptions: headings and field lines must be identical;
//   descriptions must agree for most fields (the client's model descriptions predate the served release
//   in a few places, and flatten paragraph breaks).
// - `create -f` without --validate=false must succeed, and kubectl must have found the fieldValidation
//   parameter in the OpenAPI document (it then sends fieldValidation=Strict).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, startCluster, type RunningCluster } from '../support/cluster.ts';
import { findKubectlBinaries, Kubectl, show, type KubectlResult } from '../support/kubectl.ts';

const REFERENCE_V3 = path.resolve(REPO_ROOT, '..', 'shared', 'k8s-reference', 'v3');
const haveReference = existsSync(REFERENCE_V3);

const binaries = findKubectlBinaries();
const T = { timeout: 60_000 };

let cluster: RunningCluster;
let proxy: http.Server | undefined;
let proxyKubeconfig = '';
/** Whether the server answers protobuf on /openapi/v2 (kubectl 1.27 and 1.28 read only that). */
let v2Protobuf = false;

/** Serves upstream's v3 documents under /openapi/v3; forwards everything else to Wheelhouse. */
function startReferenceProxy(target: string): Promise<http.Server> {
  const docs = new Map<string, { body: Buffer; hash: string }>();
  for (const f of readdirSync(REFERENCE_V3).filter((n) => n.endsWith('_openapi.json'))) {
    const body = readFileSync(path.join(REFERENCE_V3, f));
    const gv = f.slice(0, -'_openapi.json'.length).replace(/__/g, '/');
    docs.set(gv, { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() });
  }
  const index = JSON.stringify({
    paths: Object.fromEntries([...docs].map(([gv, d]) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=${d.hash}` }])),
  });
  const up = new URL(target);
  const server = http.createServer((req, res) => {
    const p = (req.url ?? '/').split('?')[0]!;
    if (p === '/openapi/v3') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(index);
      return;
    }
    if (p.startsWith('/openapi/v3/')) {
      const d = docs.get(p.slice('/openapi/v3/'.length));
      if (!d) res.writeHead(404).end();
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end(d.body);
      return;
    }
    const forward = http.request(
      { host: up.hostname, port: up.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

before(async () => {
  cluster = await startCluster();
  const pb = await fetch(`${cluster.url}/openapi/v2`, {
    headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
  });
  await pb.arrayBuffer();
  v2Protobuf = pb.status === 200;
  if (haveReference) {
    proxy = await startReferenceProxy(cluster.url);
    const port = (proxy.address() as AddressInfo).port;
    proxyKubeconfig = path.join(cluster.stateDir, 'kubeconfig-reference');
    writeFileSync(proxyKubeconfig, readFileSync(cluster.kubeconfig, 'utf8').split(cluster.url).join(`http://127.0.0.1:${port}`));
  }
});

after(async () => {
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await cluster?.stop();
});

/** Lines that name a field: `  <indent>name\t<type>[ -required-]`. */
const fieldLines = (out: string) => out.split('\n').filter((l) => /^\s+\S+\t<.*>/.test(l));
/** KIND/GROUP/VERSION/FIELD headings. */
const headings = (out: string) => out.split('\n').filter((l) => /^(GROUP|KIND|VERSION|FIELD):/.test(l));
const words = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Field name → its description as one line, from a non-recursive explain. */
function fieldDescriptions(out: string): Map<string, string> {
  const lines = out.split('\n');
  const start = lines.indexOf('FIELDS:');
  const map = new Map<string, string>();
  let current: string | undefined;
  for (const line of lines.slice(start + 1)) {
    const m = /^ {2}(\S+)\t</.exec(line);
    if (m) {
      current = m[1]!;
      map.set(current, '');
    } else if (current) map.set(current, words(`${map.get(current)} ${line}`));
  }
  return map;
}

/** Whether `-v=6` output logs a request: `GET http://…` (≤1.32) or `verb="GET" url="http://…"` (1.33). */
function requested(log: string, verb: string, url: RegExp): boolean {
  return log.split('\n').some((l) => {
    const m = new RegExp(`(?:\\b${verb} |verb="${verb}" url=")(\\S+)`).exec(l);
    return m !== null && url.test(m[1]!);
  });
}

/** The block under DESCRIPTION:, as one line. */
function description(out: string): string {
  const m = /\nDESCRIPTION:\n([\s\S]*?)\n(?:FIELDS:|$)/.exec(out);
  return words(m?.[1] ?? '');
}

for (const bin of binaries) {
  // 1.27 and 1.28 read /openapi/v2 as protobuf only; that encoding is a separate piece of the server.
  const needsV2Protobuf = bin.minor < 29;

  describe(`${bin.label} ${bin.gitVersion}`, () => {
    let k: Kubectl;
    let ref: Kubectl;

    before(() => {
      k = new Kubectl(bin, cluster.kubeconfig);
      ref = new Kubectl(bin, proxyKubeconfig || cluster.kubeconfig);
    });
    after(() => {
      k?.cleanup();
      ref?.cleanup();
    });

    async function ok(kc: Kubectl, args: string[]): Promise<KubectlResult> {
      const r = await kc.run(args);
      assert.equal(r.code, 0, `kubectl failed\n${show(r)}`);
      return r;
    }

    it('explain pod.spec.containers', T, async (t) => {
      if (needsV2Protobuf && !v2Protobuf) return t.skip('/openapi/v2 protobuf is not served');
      const r = await ok(k, ['explain', 'pod.spec.containers']);
      assert.deepEqual(headings(r.stdout), ['KIND:       Pod', 'VERSION:    v1', 'FIELD: containers <[]Container>'], show(r));
      assert.match(r.stdout, /\nFIELDS:\n {2}args\t<\[\]string>\n/, show(r));
      assert.match(r.stdout, /\n {2}name\t<string> -required-\n/, show(r));
      assert.match(r.stdout, /\n {2}ports\t<\[\]ContainerPort>\n/, show(r));
      if (!haveReference) return;
      const u = await ok(ref, ['explain', 'pod.spec.containers']);
      assert.deepEqual(headings(r.stdout), headings(u.stdout));
      assert.deepEqual(fieldLines(r.stdout), fieldLines(u.stdout), `field lines differ from upstream's\n${show(r)}\n${show(u)}`);
      assert.equal(description(r.stdout), description(u.stdout), 'DESCRIPTION of containers');
      const ours = fieldDescriptions(r.stdout);
      const theirs = fieldDescriptions(u.stdout);
      const differ = [...theirs].filter(([f, d]) => ours.get(f) !== d).map(([f]) => f);
      // Container has ~25 fields; a few descriptions changed in the release after the client's models.
      assert.ok(differ.length <= 4, `descriptions differ from upstream for: ${differ.join(', ')}`);
      for (const f of ['args', 'command', 'env', 'image', 'name', 'ports', 'livenessProbe', 'lifecycle', 'resources']) {
        assert.equal(ours.get(f), theirs.get(f), `description of ${f}`);
      }
    });

    it('explain deployment --recursive', T, async (t) => {
      if (needsV2Protobuf && !v2Protobuf) return t.skip('/openapi/v2 protobuf is not served');
      const r = await ok(k, ['explain', 'deployment', '--recursive']);
      assert.deepEqual(headings(r.stdout), ['GROUP:      apps', 'KIND:       Deployment', 'VERSION:    v1'], show(r));
      const lines = fieldLines(r.stdout);
      for (const expected of [
        '  apiVersion\t<string>',
        '  metadata\t<ObjectMeta>',
        '  spec\t<DeploymentSpec>',
        '    replicas\t<integer>',
        '    selector\t<LabelSelector> -required-',
        '    strategy\t<DeploymentStrategy>',
        '    template\t<PodTemplateSpec> -required-',
        '        containers\t<[]Container> -required-',
        '  status\t<DeploymentStatus>',
      ]) {
        assert.ok(lines.includes(expected), `missing line ${JSON.stringify(expected)}\n${show(r)}`);
      }
      if (!haveReference) return;
      const u = await ok(ref, ['explain', 'deployment', '--recursive']);
      assert.equal(r.stdout, u.stdout, 'explain --recursive differs from its output over upstream documents');
    });

    it('create -f without --validate=false sends fieldValidation=Strict', T, async (t) => {
      if (needsV2Protobuf && !v2Protobuf) return t.skip('/openapi/v2 protobuf is not served');
      const name = `explain-${bin.onPath ? 'path' : `${bin.major}-${bin.minor}`}`;
      const file = k.writeFile(`${name}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: b\n`);
      const r = await ok(k, ['create', '-f', file, '-v=6']);
      assert.equal(r.stdout, `configmap/${name} created\n`, show(r));
      assert.ok(requested(r.stderr, 'POST', /\/api\/v1\/namespaces\/default\/configmaps\?\S*fieldValidation=Strict/), show(r));
      assert.ok(requested(r.stderr, 'GET', needsV2Protobuf ? /\/openapi\/v2\b/ : /\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}/), show(r));
      await ok(k, ['delete', 'configmap', name, '--wait=false']);
    });
  });
}
