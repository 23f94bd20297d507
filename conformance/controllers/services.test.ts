// Real kubectl binaries against `wheelhouse up` (its controller manager runs the endpoints,
// endpointslice and serviceaccount controllers): a new namespace gets its `default` ServiceAccount,
// an exposed pod shows up in `get endpoints`, `get endpointslices` and `describe service` exactly as on
// a real cluster, a not-ready pod only in the slice (and in kubectl 1.31's describe, which lists
// not-ready endpoints too), and a deleted pod leaves them.
// Each binary gets its own namespace (svc-1-27, …, svc-path).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clusterForFile } from '../support/cluster.ts';
import { spreadKubectlBinaries, Kubectl, show, type KubectlBinary, type KubectlResult } from '../support/kubectl.ts';
import { AGE, expectBlock, parseBlock } from '../support/table.ts';

// Oldest, newest and PATH's kubectl: the behaviour under test is the server's (test-time budget).
const binaries = spreadKubectlBinaries();

const cluster = clusterForFile({ args: ['--runtime-latency-scale', '0.1'] });

const T = { timeout: 90_000 };
const FAIL_READINESS = 'sim.wheelhouse.io/fail-readiness';

function nsFor(bin: KubectlBinary): string {
  return bin.onPath ? 'svc-path' : `svc-${bin.major}-${bin.minor}`;
}

/** `Key:   value` of a describe output's top level (the value may be empty). */
function field(out: string, key: string): string | undefined {
  const m = new RegExp(`^${key}:[ \\t]*(.*)$`, 'm').exec(out);
  return m?.[1]?.trim();
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

for (const bin of binaries) {
  const ns = nsFor(bin);

  describe(`${bin.label} ${bin.gitVersion}`, () => {
    let k: Kubectl;
    let webIP = '';
    let slowIP = '';
    // kubectl 1.31 describes a service from its EndpointSlices and lists every endpoint, ready or
    // not (kubernetes/kubernetes#126922, fixed in 1.32 by #126932); older ones read the Endpoints.
    const lists31 = bin.major === 1 && bin.minor === 31;

    before(() => {
      k = new Kubectl(bin, cluster.kubeconfig, 60_000);
    });
    after(() => {
      k?.cleanup();
    });

    /** Run args until check(result) holds (bounded), returning the last result. */
    async function until(args: string[], what: string, check: (r: KubectlResult) => boolean, timeoutMs = 30_000): Promise<KubectlResult> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const r = await k.run(args);
        if (r.code === 0 && check(r)) return r;
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}\n${show(r)}`);
        await new Promise((res) => setTimeout(res, 250));
      }
    }

    const cell = (r: KubectlResult, row: number, col: number) => parseBlock(r.stdout)[row]?.[col];

    it('get sa: a new namespace has its default ServiceAccount', T, async () => {
      await k.okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
      const r = await until(['get', 'sa', '-n', ns], 'the default ServiceAccount', (x) => x.stdout.includes('default'));
      expectBlock(
        r.stdout,
        [
          ['NAME', 'SECRETS', 'AGE'],
          ['default', '0', AGE],
        ],
        { context: show(r) },
      );
    });

    it('get endpoints: the ready pod of an exposed pod, at its target port', T, async () => {
      await k.okPrints(['run', 'web', '--image=nginx', '-n', ns], 'pod/web created\n');
      await k.okPrints(['run', 'slow', '--image=nginx', '--labels=run=web', `--annotations=${FAIL_READINESS}=true`, '-n', ns], 'pod/slow created\n');
      await k.okPrints(['expose', 'pod', 'web', '--port=80', '--target-port=8080', '-n', ns], 'service/web exposed\n');
      await k.okPrints(['wait', '--for=condition=Ready', 'pod/web', '-n', ns, '--timeout=60s'], 'pod/web condition met\n');
      webIP = (await k.ok(['get', 'pod', 'web', '-n', ns, '-o', 'jsonpath={.status.podIP}'])).stdout;
      slowIP = (
        await until(['get', 'pod', 'slow', '-n', ns, '-o', 'jsonpath={.status.podIP}'], 'an IP for slow', (x) => /^10\.244\./.test(x.stdout))
      ).stdout;
      const r = await until(['get', 'endpoints', '-n', ns], 'web in the endpoints', (x) => cell(x, 1, 1) === `${webIP}:8080`);
      expectBlock(
        r.stdout,
        [
          ['NAME', 'ENDPOINTS', 'AGE'],
          ['web', `${webIP}:8080`, AGE],
        ],
        { context: show(r) },
      );
    });

    it('get endpointslices: one slice with both pods (ready or not)', T, async () => {
      const both = new RegExp(`^(?:${escape(webIP)},${escape(slowIP)}|${escape(slowIP)},${escape(webIP)})$`);
      const r = await until(['get', 'endpointslices', '-n', ns], 'both pods in the slice', (x) => both.test(cell(x, 1, 3) ?? ''));
      expectBlock(
        r.stdout,
        [
          ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'],
          [/^web-[a-z0-9]{5}$/, 'IPv4', '8080', both, AGE],
        ],
        { context: show(r) },
      );
      const labels = await k.ok(['get', 'endpointslices', '-n', ns, '-o', 'jsonpath={.items[0].metadata.labels}']);
      assert.deepEqual(
        JSON.parse(labels.stdout),
        { 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': 'web', run: 'web' },
        show(labels),
      );
    });

    it('describe service: the Endpoints line', T, async () => {
      const r = await k.ok(['describe', 'service', 'web', '-n', ns]);
      assert.equal(field(r.stdout, 'Selector'), 'run=web', show(r));
      assert.equal(field(r.stdout, 'TargetPort'), '8080/TCP', show(r));
      if (lists31) {
        const both = new RegExp(`^(?:${escape(webIP)}:8080,${escape(slowIP)}:8080|${escape(slowIP)}:8080,${escape(webIP)}:8080)$`);
        assert.match(field(r.stdout, 'Endpoints') ?? '', both, show(r));
      } else assert.equal(field(r.stdout, 'Endpoints'), `${webIP}:8080`, show(r));
    });

    it('a deleted pod leaves the endpoints; only the not-ready one is left in the slice', T, async () => {
      await k.okPrints(['delete', 'pod', 'web', '-n', ns], 'pod "web" deleted\n');
      const r = await until(['get', 'endpoints', 'web', '-n', ns], 'no ready address', (x) => cell(x, 1, 1) === '');
      expectBlock(
        r.stdout,
        [
          ['NAME', 'ENDPOINTS', 'AGE'],
          ['web', '', AGE],
        ],
        { context: show(r) },
      );
      const s = await until(['get', 'endpointslices', '-n', ns], 'only slow in the slice', (x) => cell(x, 1, 3) === slowIP);
      expectBlock(
        s.stdout,
        [
          ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'],
          [/^web-[a-z0-9]{5}$/, 'IPv4', '8080', slowIP, AGE],
        ],
        { context: show(s) },
      );
      const d = await k.ok(['describe', 'service', 'web', '-n', ns]);
      assert.equal(field(d.stdout, 'Endpoints'), lists31 ? `${slowIP}:8080` : '', show(d));
    });
  });
}
