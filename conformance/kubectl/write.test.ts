// The everyday write commands of every kubectl on the machine (1.27-1.33 and PATH's), against one
// Wheelhouse started as a user starts it, with kubectl's default validation (no --validate=false
// except where a check is about it). Expected outputs are what the same kubectl prints against a real
// cluster; each binary works in its own namespace (kw-1-27, ..., kw-path) and HOME.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { clusterForFile } from '../support/cluster.ts';
import { findKubectlBinaries, show, type KubectlResult, kubectlForSuite } from '../support/kubectl.ts';

const binaries = findKubectlBinaries();
const cluster = clusterForFile({ args: ['--runtime-latency-scale', '0.1'] });

const T = { timeout: 90_000 };

/** Parsed `kubectl get -o json` output; the checks read it loosely, as a test of shapes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

function configMap(ns: string, name: string, data: Record<string, string>, labels?: Record<string, string>): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${name}`, `  namespace: ${ns}`];
  if (labels) {
    lines.push('  labels:');
    for (const [k, v] of Object.entries(labels)) lines.push(`    ${k}: ${v}`);
  }
  lines.push('data:');
  for (const [k, v] of Object.entries(data)) lines.push(`  ${k}: "${v}"`);
  return `${lines.join('\n')}\n`;
}

function deployment(ns: string, name: string, image: string, env: Record<string, string>, extraSpec = ''): string {
  const envLines = Object.entries(env).flatMap(([k, v]) => [`        - name: ${k}`, `          value: "${v}"`]);
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${ns}`,
    'spec:',
    '  replicas: 1',
    ...(extraSpec ? [extraSpec] : []),
    '  selector:',
    '    matchLabels:',
    `      app: ${name}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: ${name}`,
    '    spec:',
    '      containers:',
    '      - name: main',
    `        image: ${image}`,
    ...(envLines.length ? ['        env:', ...envLines] : []),
    '',
  ].join('\n');
}

for (const bin of binaries) {
  const ns = bin.onPath ? 'kw-path' : `kw-${bin.major}-${bin.minor}`;

  describe(`${bin.label} ${bin.gitVersion} write commands`, () => {
    const k = kubectlForSuite(bin, cluster);

    const ok = (args: string[], opts: { env?: Record<string, string> } = {}) => k.ok(args, opts);
    const okPrints = (args: string[], stdout: string) => k.okPrints(args, stdout);
    async function getJSON(args: string[]): Promise<Json> {
      const r = await ok(['get', ...args, '-n', ns, '-o', 'json']);
      return JSON.parse(r.stdout) as Json;
    }

    it('create -f with default validation', T, async () => {
      await okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
      const file = k.writeFile('web.yaml', deployment(ns, 'web', 'nginx:1.25', { A: '1', B: '2' }));
      await okPrints(['create', '-f', file], 'deployment.apps/web created\n');
    });

    it('an unknown field is refused by default and accepted with --validate=false', T, async () => {
      const file = k.writeFile('bad.yaml', deployment(ns, 'bad', 'nginx', {}, '  replica: 2'));
      const r = await k.run(['create', '-f', file]);
      assert.equal(r.code, 1, show(r));
      assert.equal(r.stdout, '', show(r));
      assert.equal(
        r.stderr,
        `Error from server (BadRequest): error when creating "${file}": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"\n`,
        show(r),
      );
      await okPrints(['create', '-f', file, '--validate=false'], 'deployment.apps/bad created\n');
      const stored = await getJSON(['deployment', 'bad']);
      assert.equal(stored.spec.replica, undefined);
      // --validate=warn: the server accepts, and kubectl prints the server's Warning header.
      const warnFile = k.writeFile('warn.yaml', deployment(ns, 'warn', 'nginx', {}, '  replica: 2'));
      const w = await k.run(['create', '-f', warnFile, '--validate=warn']);
      assert.equal(w.code, 0, show(w));
      assert.equal(w.stdout, 'deployment.apps/warn created\n', show(w));
      assert.equal(w.stderr, 'Warning: unknown field "spec.replica"\n', show(w));
    });

    it('apply: create, change, remove a field, unchanged', T, async () => {
      const file = k.writeFile('ap.yaml', configMap(ns, 'ap', { a: '1', b: '2' }));
      await okPrints(['apply', '-f', file], 'configmap/ap created\n');
      const created = await getJSON(['configmap', 'ap']);
      const last = JSON.parse(created.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
      assert.deepEqual(last.data, { a: '1', b: '2' });
      writeFileSync(file, configMap(ns, 'ap', { a: '9', b: '2' }));
      await okPrints(['apply', '-f', file], 'configmap/ap configured\n');
      writeFileSync(file, configMap(ns, 'ap', { a: '9' }));
      await okPrints(['apply', '-f', file], 'configmap/ap configured\n');
      assert.deepEqual((await getJSON(['configmap', 'ap'])).data, { a: '9' });
      await okPrints(['apply', '-f', file], 'configmap/ap unchanged\n');
    });

    it('apply a Deployment change: image updated, one env var removed (strategic merge)', T, async () => {
      const file = k.writeFile('web-apply.yaml', deployment(ns, 'web2', 'nginx:1.25', { A: '1', B: '2' }));
      await okPrints(['apply', '-f', file], 'deployment.apps/web2 created\n');
      writeFileSync(file, deployment(ns, 'web2', 'nginx:1.26', { B: '2' }));
      await okPrints(['apply', '-f', file], 'deployment.apps/web2 configured\n');
      const d = await getJSON(['deployment', 'web2']);
      const c = d.spec.template.spec.containers[0];
      assert.equal(c.image, 'nginx:1.26');
      assert.deepEqual(c.env, [{ name: 'B', value: '2' }]);
      assert.equal(d.metadata.generation, 2);
    });

    it('apply -f dir/ and apply --prune -l', T, async () => {
      const dir = path.join(k.home, 'manifests');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'p1.yaml'), configMap(ns, 'p1', { a: '1' }, { set: 'prune' }));
      writeFileSync(path.join(dir, 'p2.yaml'), configMap(ns, 'p2', { a: '1' }, { set: 'prune' }));
      await okPrints(['apply', '-f', dir], 'configmap/p1 created\nconfigmap/p2 created\n');
      writeFileSync(path.join(dir, 'p2.yaml'), '');
      // The default allowlist includes kinds Wheelhouse does not serve yet (Ingress), so name the kind to prune.
      const r = await k.run(['apply', '--prune', '--prune-allowlist=core/v1/ConfigMap', '-l', 'set=prune', '-n', ns, '-f', dir]);
      assert.equal(r.code, 0, show(r));
      assert.equal(r.stdout, 'configmap/p1 unchanged\nconfigmap/p2 pruned\n', show(r));
      const gone = await k.run(['get', 'configmap', 'p2', '-n', ns]);
      assert.equal(gone.code, 1, show(gone));
    });

    it('diff -f shows the server dry-run difference', T, async () => {
      const file = k.writeFile('ap-diff.yaml', configMap(ns, 'ap', { a: '10' }));
      const r = await k.run(['diff', '-f', file]);
      assert.equal(r.code, 1, show(r));
      assert.match(r.stdout, /^-  a: "9"$/m, show(r));
      assert.match(r.stdout, /^\+  a: "10"$/m, show(r));
      assert.equal((await getJSON(['configmap', 'ap'])).data.a, '9', 'diff must not change the object');
    });

    it('edit with an EDITOR script', T, async () => {
      await okPrints(['create', 'configmap', 'ed', '--from-literal=a=1', '-n', ns], 'configmap/ed created\n');
      const editor = k.writeFile('editor.sh', '#!/bin/sh\nsed -i \'s/^  a: "1"$/  a: "7"/\' "$1"\n');
      chmodSync(editor, 0o755);
      const r = await k.run(['edit', 'configmap', 'ed', '-n', ns], { env: { EDITOR: editor, KUBE_EDITOR: editor } });
      assert.equal(r.code, 0, show(r));
      assert.equal(r.stdout, 'configmap/ed edited\n', show(r));
      assert.equal((await getJSON(['configmap', 'ed'])).data.a, '7');
    });

    it('patch with each --type', T, async () => {
      await okPrints(['create', 'configmap', 'pt', '--from-literal=a=1', '-n', ns], 'configmap/pt created\n');
      await okPrints(['patch', 'configmap', 'pt', '-n', ns, '-p', '{"data":{"b":"2"}}'], 'configmap/pt patched\n');
      await okPrints(['patch', 'configmap', 'pt', '-n', ns, '--type=merge', '-p', '{"data":{"a":null}}'], 'configmap/pt patched\n');
      await okPrints(
        ['patch', 'configmap', 'pt', '-n', ns, '--type=json', '-p', '[{"op":"add","path":"/data/c","value":"3"}]'],
        'configmap/pt patched\n',
      );
      assert.deepEqual((await getJSON(['configmap', 'pt'])).data, { b: '2', c: '3' });
      await okPrints(['patch', 'configmap', 'pt', '-n', ns, '-p', '{"data":{"b":"2"}}'], 'configmap/pt patched (no change)\n');
      const strategic = '{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"nginx:1.27"}]}}}}';
      await okPrints(['patch', 'deployment', 'web', '-n', ns, '-p', strategic], 'deployment.apps/web patched\n');
      const c = (await getJSON(['deployment', 'web'])).spec.template.spec.containers[0];
      assert.equal(c.image, 'nginx:1.27');
      assert.deepEqual(c.env, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], 'strategic merge keeps the env list');
    });

    it('label and annotate: add, overwrite, remove', T, async () => {
      await okPrints(['label', 'configmap', 'pt', '-n', ns, 'tier=web'], 'configmap/pt labeled\n');
      const refused = await k.run(['label', 'configmap', 'pt', '-n', ns, 'tier=db']);
      assert.equal(refused.code, 1, show(refused));
      assert.equal(refused.stderr, "error: 'tier' already has a value (web), and --overwrite is false\n", show(refused));
      await okPrints(['label', 'configmap', 'pt', '-n', ns, 'tier=db', '--overwrite'], 'configmap/pt labeled\n');
      await okPrints(['label', 'configmap', 'pt', '-n', ns, 'tier-'], 'configmap/pt unlabeled\n');
      // kubectl 1.27 itself prints the verb without the "d" (fixed in 1.28).
      const annotated = bin.minor === 27 && !bin.onPath ? 'annotate' : 'annotated';
      await okPrints(['annotate', 'configmap', 'pt', '-n', ns, 'note=hi'], `configmap/pt ${annotated}\n`);
      await okPrints(['annotate', 'configmap', 'pt', '-n', ns, 'note=bye', '--overwrite'], `configmap/pt ${annotated}\n`);
      const cm = await getJSON(['configmap', 'pt']);
      assert.equal(cm.metadata.labels?.tier, undefined);
      assert.equal(cm.metadata.annotations.note, 'bye');
      await okPrints(['annotate', 'configmap', 'pt', '-n', ns, 'note-'], `configmap/pt ${annotated}\n`);
    });

    it('scale, set image, set env', T, async () => {
      await okPrints(['scale', 'deployment', 'web', '-n', ns, '--replicas=3'], 'deployment.apps/web scaled\n');
      await okPrints(['set', 'image', 'deployment/web', '-n', ns, 'main=nginx:1.28'], 'deployment.apps/web image updated\n');
      await okPrints(['set', 'env', 'deployment/web', '-n', ns, 'C=3'], 'deployment.apps/web env updated\n');
      const d = await getJSON(['deployment', 'web']);
      assert.equal(d.spec.replicas, 3);
      assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.28');
      assert.deepEqual(d.spec.template.spec.containers[0].env, [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
        { name: 'C', value: '3' },
      ]);
    });

    it('create deployment, create service clusterip, expose, run', T, async () => {
      await okPrints(['create', 'deployment', 'cd', '--image=nginx', '-n', ns], 'deployment.apps/cd created\n');
      await okPrints(['create', 'service', 'clusterip', 'cs', '--tcp=80:8080', '-n', ns], 'service/cs created\n');
      await okPrints(['expose', 'deployment', 'cd', '--port=80', '-n', ns], 'service/cd exposed\n');
      await okPrints(['run', 'pod1', '--image=nginx', '-n', ns], 'pod/pod1 created\n');
      const svc = await getJSON(['service', 'cd']);
      assert.deepEqual(svc.spec.selector, { app: 'cd' });
      assert.match(svc.spec.clusterIP, /^10\./);
    });

    it('replace -f and delete -f', T, async () => {
      const file = k.writeFile('rp.yaml', configMap(ns, 'rp', { a: '1' }));
      await okPrints(['create', '-f', file], 'configmap/rp created\n');
      writeFileSync(file, configMap(ns, 'rp', { a: '2' }));
      await okPrints(['replace', '-f', file], 'configmap/rp replaced\n');
      assert.equal((await getJSON(['configmap', 'rp'])).data.a, '2');
      await okPrints(['delete', '-f', file], 'configmap "rp" deleted\n');
    });

    it('--dry-run=server and --dry-run=client on create and apply change nothing', T, async () => {
      const file = k.writeFile('dry.yaml', configMap(ns, 'dry', { a: '1' }));
      await okPrints(['create', '-f', file, '--dry-run=server'], 'configmap/dry created (server dry run)\n');
      await okPrints(['create', '-f', file, '--dry-run=client'], 'configmap/dry created (dry run)\n');
      await okPrints(['apply', '-f', file, '--dry-run=server'], 'configmap/dry created (server dry run)\n');
      await okPrints(['apply', '-f', file, '--dry-run=client'], 'configmap/dry created (dry run)\n');
      const r = await k.run(['get', 'configmap', 'dry', '-n', ns]);
      assert.equal(r.code, 1, show(r));
      assert.equal(r.stderr, 'Error from server (NotFound): configmaps "dry" not found\n', show(r));
    });
  });
}
