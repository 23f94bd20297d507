// networking.k8s.io/v1 through real kubectl (PATH's and the oldest, kubectl.1.27) against `wheelhouse up`:
// create ingress with --rule/--class, get ing, describe ingress, get netpol, get ipaddresses and
// servicecidrs, and `apply --prune -l`, whose default allowlist includes Ingress (kubectl lists every
// kind of the allowlist, so prune failed outright while ingresses were not served).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterForFile } from '../support/cluster.ts';
import { findKubectlBinaries, show, type KubectlBinary, kubectlForSuite } from '../support/kubectl.ts';
import { AGE, expectBlock } from '../support/table.ts';

const binaries = findKubectlBinaries().filter((b) => b.onPath || b.minor === 27);

const cluster = clusterForFile();

const T = { timeout: 90_000 };

function nsFor(bin: KubectlBinary): string {
  return bin.onPath ? 'net-path' : `net-${bin.major}-${bin.minor}`;
}

function pruneManifest(ns: string, withIngress: boolean): string {
  const docs = [
    ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: keep', `  namespace: ${ns}`, '  labels:', '    prune: me', 'data:', '  a: "1"'],
  ];
  if (withIngress) {
    docs.push([
      'apiVersion: networking.k8s.io/v1',
      'kind: Ingress',
      'metadata:',
      '  name: pruned',
      `  namespace: ${ns}`,
      '  labels:',
      '    prune: me',
      'spec:',
      '  defaultBackend:',
      '    service:',
      '      name: web',
      '      port:',
      '        number: 80',
    ]);
  }
  return docs.map((d) => d.join('\n')).join('\n---\n');
}

const NETPOL = (ns: string) =>
  [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    '  name: web-only',
    `  namespace: ${ns}`,
    'spec:',
    '  podSelector:',
    '    matchLabels:',
    '      app: web',
    '  ingress:',
    '  - ports:',
    '    - port: 80',
  ].join('\n');

for (const bin of binaries) {
  const ns = nsFor(bin);

  describe(`${bin.label} ${bin.gitVersion}`, () => {
    const k = kubectlForSuite(bin, cluster, 60_000);

    it('create ingress, get ing, describe ingress', T, async () => {
      await k.okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
      await k.okPrints(
        ['-n', ns, 'create', 'ingress', 'web', '--class=nginx', '--rule=foo.example.com/api*=api:8080', '--rule=bar.example.com/=site:http,tls=bar-cert'],
        'ingress.networking.k8s.io/web created\n',
      );
      const ing = JSON.parse((await k.ok(['-n', ns, 'get', 'ingress', 'web', '-o', 'json'])).stdout);
      assert.equal(ing.spec.ingressClassName, 'nginx');
      assert.deepEqual(ing.spec.rules[0].http.paths[0], { path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 8080 } } } });
      assert.deepEqual(ing.spec.rules[1].http.paths[0], { path: '/', pathType: 'Exact', backend: { service: { name: 'site', port: { name: 'http' } } } });
      assert.deepEqual(ing.spec.tls, [{ hosts: ['bar.example.com'], secretName: 'bar-cert' }]);

      const got = await k.ok(['-n', ns, 'get', 'ing']);
      expectBlock(got.stdout, [
        ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'],
        ['web', 'nginx', 'foo.example.com,bar.example.com', '', '80, 443', AGE],
      ]);

      const described = await k.ok(['-n', ns, 'describe', 'ingress', 'web']);
      const text = described.stdout;
      for (const re of [
        /^Name:\s+web$/m,
        new RegExp(`^Namespace:\\s+${ns}$`, 'm'),
        /^Ingress Class:\s+nginx$/m,
        /^Default backend:\s+<default>$/m,
        /^\s+bar-cert terminates bar\.example\.com$/m,
        /^\s+foo\.example\.com\s*$/m,
        /^\s+\/api\s+api:8080 \(/m,
        /^\s+bar\.example\.com\s*$/m,
        /^\s+\/\s+site:http \(/m,
      ]) {
        assert.match(text, re, show(described));
      }
    });

    it('get netpol, get ipaddresses, get servicecidrs', T, async () => {
      const applied = await k.ok(['apply', '-f', '-'], { stdin: NETPOL(ns) });
      assert.equal(applied.stdout, 'networkpolicy.networking.k8s.io/web-only created\n', show(applied));
      expectBlock((await k.ok(['-n', ns, 'get', 'netpol'])).stdout, [
        ['NAME', 'POD-SELECTOR', 'AGE'],
        ['web-only', 'app=web', AGE],
      ]);
      const ips = await k.ok(['get', 'ipaddresses', '10.96.0.1']);
      expectBlock(ips.stdout, [
        ['NAME', 'PARENTREF'],
        ['10.96.0.1', 'services/default/kubernetes'],
      ]);
      const cidrs = await k.ok(['get', 'servicecidrs']);
      const rows = expectBlock(cidrs.stdout, [
        ['NAME', 'CIDRS', 'AGE'],
        ['kubernetes', '10.96.0.0/12', /^\d+[smh]/],
      ]);
      assert.equal(rows.length, 2, show(cidrs));
    });

    it('apply --prune -l with the default allowlist prunes an Ingress', T, async () => {
      // kubectl warns about its default allowlist on every such run, against any server.
      const prune = async (withIngress: boolean) => {
        const r = await k.run(['apply', '--prune', '-l', 'prune=me', '-f', '-'], { stdin: pruneManifest(ns, withIngress) });
        assert.equal(r.code, 0, show(r));
        for (const line of r.stderr.split('\n').filter(Boolean)) assert.match(line, /prune\.go:\d+\] Deprecated: kubectl apply will no longer prune non-namespaced resources/, show(r));
        return r;
      };
      const first = await prune(true);
      assert.equal(first.stdout, 'configmap/keep created\ningress.networking.k8s.io/pruned created\n', show(first));
      const second = await prune(false);
      assert.equal(second.stdout, 'configmap/keep unchanged\ningress.networking.k8s.io/pruned pruned\n', show(second));
      const left = await k.ok(['-n', ns, 'get', 'ingress', '-l', 'prune=me', '-o', 'name']);
      assert.equal(left.stdout, '', show(left));
    });
  });
}
