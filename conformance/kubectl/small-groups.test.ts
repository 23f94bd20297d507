// The small built-in groups through real kubectl (PATH's and the oldest kubectl.1.27) against
// `wheelhouse up`: `kubectl get runtimeclass,csidrivers,flowschemas,prioritylevelconfigurations,apiservices`
// with upstream's columns and bootstrap objects, and a pod run with a RuntimeClass (overhead and node
// selector from the class, then Ready; a missing class refused with upstream's Forbidden message).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterForFile } from '../support/cluster.ts';
import { findKubectlBinaries, show, type KubectlBinary, kubectlForSuite } from '../support/kubectl.ts';
import { AGE, parseBlock, renderBlock } from '../support/table.ts';

const all = findKubectlBinaries();
const binaries = all.filter((b, i) => b.onPath || i === 0);

const cluster = clusterForFile({ args: ['--runtime-latency-scale', '0.1'] });

const T = { timeout: 90_000 };

function suffix(bin: KubectlBinary): string {
  return bin.onPath ? 'path' : `${bin.major}-${bin.minor}`;
}

function manifests(sfx: string): string {
  return `apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata:
  name: sandbox-${sfx}
handler: runsc
overhead:
  podFixed:
    cpu: 100m
    memory: 64Mi
scheduling:
  nodeSelector:
    kubernetes.io/os: linux
---
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata:
  name: csi-${sfx}.example.com
spec:
  attachRequired: false
  volumeLifecycleModes: [Persistent, Ephemeral]
`;
}

/** Splits `kubectl get a,b,…` output into its per-kind tables, each checked for kubectl's column layout. */
function tables(stdout: string, ctx: string): string[][][] {
  return stdout
    .replace(/\n$/, '')
    .split('\n\n')
    .map((b) => {
      const rows = parseBlock(`${b}\n`);
      assert.equal(`${b}\n`, renderBlock(rows), `column layout differs from kubectl's tabwriter output\n${ctx}`);
      return rows;
    });
}

function row(block: string[][], name: string, ctx: string): string[] {
  const r = block.find((x) => x[0] === name);
  assert.ok(r, `no row ${name}\n${ctx}`);
  return r;
}

for (const bin of binaries) {
  const sfx = suffix(bin);
  const ns = `small-${sfx}`;

  describe(`${bin.label} ${bin.gitVersion}`, () => {
    const k = kubectlForSuite(bin, cluster, 60_000);

    it('get runtimeclass,csidrivers,flowschemas,prioritylevelconfigurations,apiservices', T, async () => {
      await k.okPrints(['apply', '-f', k.writeFile('small.yaml', manifests(sfx))], `runtimeclass.node.k8s.io/sandbox-${sfx} created\ncsidriver.storage.k8s.io/csi-${sfx}.example.com created\n`);
      const r = await k.ok(['get', 'runtimeclass,csidrivers,flowschemas,prioritylevelconfigurations,apiservices']);
      const ctx = show(r);
      const [rcs, drivers, schemas, levels, services] = tables(r.stdout, ctx);
      assert.ok(rcs && drivers && schemas && levels && services, ctx);
      assert.deepEqual(rcs[0], ['NAME', 'HANDLER', 'AGE'], ctx);
      const rc = row(rcs, `runtimeclass.node.k8s.io/sandbox-${sfx}`, ctx);
      assert.equal(rc[1], 'runsc', ctx);
      assert.match(rc[2]!, AGE, ctx);
      assert.deepEqual(drivers[0], ['NAME', 'ATTACHREQUIRED', 'PODINFOONMOUNT', 'STORAGECAPACITY', 'TOKENREQUESTS', 'REQUIRESREPUBLISH', 'MODES', 'AGE'], ctx);
      assert.deepEqual(row(drivers, `csidriver.storage.k8s.io/csi-${sfx}.example.com`, ctx).slice(1, 7), ['false', 'false', 'false', '<unset>', 'false', 'Persistent,Ephemeral'], ctx);
      assert.deepEqual(schemas[0], ['NAME', 'PRIORITYLEVEL', 'MATCHINGPRECEDENCE', 'DISTINGUISHERMETHOD', 'AGE', 'MISSINGPL'], ctx);
      const fs = (name: string) => {
        const x = row(schemas, `flowschema.flowcontrol.apiserver.k8s.io/${name}`, ctx);
        assert.match(x[4]!, AGE, ctx);
        return [x[1], x[2], x[3], x[5]];
      };
      assert.deepEqual(fs('exempt'), ['exempt', '1', '<none>', 'False'], ctx);
      assert.deepEqual(fs('probes'), ['exempt', '2', '<none>', 'False'], ctx);
      assert.deepEqual(fs('system-leader-election'), ['leader-election', '100', 'ByUser', 'False'], ctx);
      assert.deepEqual(fs('kube-controller-manager'), ['workload-high', '800', 'ByNamespace', 'False'], ctx);
      assert.deepEqual(fs('global-default'), ['global-default', '9900', 'ByUser', 'False'], ctx);
      assert.deepEqual(fs('catch-all'), ['catch-all', '10000', 'ByUser', 'False'], ctx);
      assert.deepEqual(
        schemas.slice(1).map((x) => x[0]!.replace('flowschema.flowcontrol.apiserver.k8s.io/', '')),
        ['exempt', 'probes', 'system-leader-election', 'system-node-high', 'system-nodes', 'kube-controller-manager', 'kube-scheduler', 'kube-system-service-accounts', 'service-accounts', 'global-default', 'catch-all'],
        ctx,
      );
      assert.deepEqual(levels[0], ['NAME', 'TYPE', 'NOMINALCONCURRENCYSHARES', 'QUEUES', 'HANDSIZE', 'QUEUELENGTHLIMIT', 'AGE'], ctx);
      const pl = (name: string) => row(levels, `prioritylevelconfiguration.flowcontrol.apiserver.k8s.io/${name}`, ctx).slice(1, 6);
      assert.deepEqual(pl('catch-all'), ['Limited', '5', '<none>', '<none>', '<none>'], ctx);
      assert.deepEqual(pl('exempt'), ['Exempt', '<none>', '<none>', '<none>', '<none>'], ctx);
      assert.deepEqual(pl('workload-low'), ['Limited', '100', '128', '6', '50'], ctx);
      assert.deepEqual(pl('leader-election'), ['Limited', '10', '16', '4', '50'], ctx);
      assert.equal(levels.length - 1, 8, ctx);
      assert.deepEqual(services[0], ['NAME', 'SERVICE', 'AVAILABLE', 'AGE'], ctx);
      // A second apply goes through kubectl's three-way strategic merge patch, steered by the served schema.
      const changed = manifests(sfx).replace('attachRequired: false', 'attachRequired: false\n  podInfoOnMount: true');
      await k.okPrints(['apply', '-f', k.writeFile('small.yaml', changed)], `runtimeclass.node.k8s.io/sandbox-${sfx} unchanged\ncsidriver.storage.k8s.io/csi-${sfx}.example.com configured\n`);
      for (const name of ['v1.', 'v1.apps', 'v2.autoscaling', 'v1.storage.k8s.io', 'v1.node.k8s.io', 'v1.flowcontrol.apiserver.k8s.io', 'v1.apiregistration.k8s.io', 'v1beta1.metrics.k8s.io']) {
        assert.deepEqual(row(services, `apiservice.apiregistration.k8s.io/${name}`, ctx).slice(1, 3), ['Local', 'True'], ctx);
      }
    });

    it('a pod with a RuntimeClass gets its overhead and node selector and runs; a missing class is refused', T, async () => {
      await k.okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
      const overrides = JSON.stringify({ spec: { runtimeClassName: `sandbox-${sfx}` } });
      await k.okPrints(['-n', ns, 'run', 'sandboxed', '--image=nginx', `--overrides=${overrides}`], 'pod/sandboxed created\n');
      const pod = JSON.parse((await k.ok(['-n', ns, 'get', 'pod', 'sandboxed', '-o', 'json'])).stdout) as { spec: Record<string, unknown> };
      assert.deepEqual(pod.spec.overhead, { cpu: '100m', memory: '64Mi' });
      assert.deepEqual(pod.spec.nodeSelector, { 'kubernetes.io/os': 'linux' });
      await k.okPrints(['-n', ns, 'wait', '--for=condition=Ready', 'pod/sandboxed', '--timeout=60s'], 'pod/sandboxed condition met\n');
      const missing = await k.run(['-n', ns, 'run', 'ghost', '--image=nginx', `--overrides=${JSON.stringify({ spec: { runtimeClassName: 'nope' } })}`]);
      assert.equal(missing.code, 1, show(missing));
      assert.equal(missing.stderr, 'Error from server (Forbidden): pods "ghost" is forbidden: pod rejected: RuntimeClass "nope" not found\n', show(missing));
    });
  });
}
