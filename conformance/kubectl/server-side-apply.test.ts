// `kubectl apply --server-side` with PATH's kubectl and kubectl 1.27 against one Wheelhouse: create,
// change, server dry runs, --field-manager, pruning of fields a manager stops applying, a conflict
// with the client-side-apply manager (stderr exactly as kubectl prints it against kube-apiserver),
// --force-conflicts, the upgrade from client-side apply, and `get --show-managed-fields`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterForFile } from '../support/cluster.ts';
import { CONFLICT_HELP, findKubectlBinaries, show, kubectlForSuite } from '../support/kubectl.ts';

const cluster = clusterForFile({ args: ['--nodes', '0'] });
const binaries = findKubectlBinaries().filter((b) => b.onPath || b.label === 'kubectl.1.27');
const T = { timeout: 60_000 };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

// Manifests as JSON (kubectl reads either): what each apply sends is the object below.
const configMap = (ns: string, data: Record<string, string>, labels: Record<string, string>) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: ns, labels }, data });

const deployment = (ns: string, name: string, replicas: number) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  });


for (const bin of binaries) {
  const ns = bin.onPath ? 'ssa-path' : `ssa-${bin.major}-${bin.minor}`;

  describe(`${bin.label} ${bin.gitVersion} apply --server-side`, () => {
    const k = kubectlForSuite(bin, cluster);
    const get = async (what: string[]): Promise<Json> => JSON.parse((await k.ok(['get', ...what, '-n', ns, '-o', 'json', '--show-managed-fields'])).stdout) as Json;
    const managers = (obj: Json): string[] => (obj.metadata.managedFields ?? []).map((e: Json) => `${e.manager}/${e.operation}`);

    it('creates, changes, dry-runs, names its manager and prunes what it stops applying', T, async () => {
      await k.okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
      const v1 = k.writeFile('cm1.json', configMap(ns, { mode: 'a' }, { team: 'x', tier: 'y' }));
      await k.okPrints(['apply', '--server-side', '-f', v1], 'configmap/settings serverside-applied\n');
      let cm = await get(['configmap', 'settings']);
      assert.deepEqual(managers(cm), ['kubectl/Apply']);
      assert.deepEqual(cm.metadata.managedFields[0].fieldsV1, { 'f:data': { 'f:mode': {} }, 'f:metadata': { 'f:labels': { 'f:team': {}, 'f:tier': {} } } });

      const v2 = k.writeFile('cm2.json', configMap(ns, { mode: 'b' }, { team: 'x' }));
      await k.okPrints(['apply', '--server-side', '--dry-run=server', '-f', v2], 'configmap/settings serverside-applied (server dry run)\n');
      assert.equal((await get(['configmap', 'settings'])).data.mode, 'a');

      await k.okPrints(['apply', '--server-side', '-f', v2], 'configmap/settings serverside-applied\n');
      cm = await get(['configmap', 'settings']);
      assert.deepEqual(cm.data, { mode: 'b' });
      // tier was only kubectl's, and kubectl no longer applies it.
      assert.deepEqual(cm.metadata.labels, { team: 'x' });

      const other = k.writeFile('cm3.json', configMap(ns, { extra: '1' }, { team: 'x' }));
      await k.okPrints(['apply', '--server-side', '--field-manager=tuner', '-f', other], 'configmap/settings serverside-applied\n');
      cm = await get(['configmap', 'settings']);
      assert.deepEqual(cm.data, { extra: '1', mode: 'b' });
      assert.deepEqual(managers(cm), ['kubectl/Apply', 'tuner/Apply']);
    });

    it('conflicts with the client-side-apply manager until forced', T, async () => {
      await k.okPrints(['apply', '-f', k.writeFile('d1.json', deployment(ns, 'web', 1))], 'deployment.apps/web created\n');
      const three = k.writeFile('d3.json', deployment(ns, 'web', 3));
      const r = await k.run(['apply', '--server-side', '--field-manager=ops', '-f', three]);
      assert.equal(r.code, 1, show(r));
      assert.equal(r.stdout, '', show(r));
      assert.equal(
        r.stderr,
        `error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas\n${CONFLICT_HELP}`,
        show(r),
      );
      await k.okPrints(['apply', '--server-side', '--field-manager=ops', '--force-conflicts', '-f', three], 'deployment.apps/web serverside-applied\n');
      const d = await get(['deployment', 'web']);
      assert.equal(d.spec.replicas, 3);
      // kubectl then migrates the client-side-apply entry into its manager and applies again: ops
      // alone owns replicas, and the template's labels survived the re-apply's pruning.
      const entries = d.metadata.managedFields as Json[];
      const ops = entries.find((e) => e.manager === 'ops');
      assert.equal(ops.operation, 'Apply');
      assert.deepEqual(ops.fieldsV1['f:spec']['f:replicas'], {});
      assert.deepEqual(entries.filter((e) => e.fieldsV1['f:spec']?.['f:replicas']).map((e) => e.manager), ['ops']);
      assert.ok(!managers(d).includes('kubectl-client-side-apply/Update'));
      assert.deepEqual(d.spec.template.metadata.labels, { app: 'web' });
    });

    it('upgrades from client-side apply without conflicts and keeps the annotation in sync', T, async () => {
      await k.okPrints(['apply', '-f', k.writeFile('u1.json', deployment(ns, 'up', 1))], 'deployment.apps/up created\n');
      await k.okPrints(['apply', '--server-side', '-f', k.writeFile('u2.json', deployment(ns, 'up', 2))], 'deployment.apps/up serverside-applied\n');
      const d = await get(['deployment', 'up']);
      assert.equal(d.spec.replicas, 2);
      assert.deepEqual(d.spec.template.metadata.labels, { app: 'up' });
      const names = managers(d);
      assert.ok(names.includes('kubectl/Apply'), names.join());
      assert.ok(!names.includes('kubectl-client-side-apply/Update'), names.join());
      const last = JSON.parse(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']) as Json;
      assert.equal(last.spec.replicas, 2);
      // Client-side apply still works from the synced annotation.
      await k.okPrints(['apply', '-f', k.writeFile('u3.json', deployment(ns, 'up', 4))], 'deployment.apps/up configured\n');
      assert.equal((await get(['deployment', 'up'])).spec.replicas, 4);
    });

    it('get --show-managed-fields prints the entries', T, async () => {
      const r = await k.ok(['get', 'configmap', 'settings', '-n', ns, '-o', 'yaml', '--show-managed-fields']);
      assert.match(
        r.stdout,
        /  managedFields:\n  - apiVersion: v1\n    fieldsType: FieldsV1\n    fieldsV1:\n      f:data:\n        f:mode: \{\}\n      f:metadata:\n        f:labels:\n          f:team: \{\}\n    manager: kubectl\n    operation: Apply\n    time: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\n  - apiVersion: v1\n/,
      );
      const plain = await k.ok(['get', 'configmap', 'settings', '-n', ns, '-o', 'yaml']);
      assert.doesNotMatch(plain.stdout, /managedFields/);
    });
  });
}
