// Real kubectl binaries against `wheelhouse up` (its controller manager runs the namespace controller
// and the garbage collector): `kubectl delete namespace` of a populated namespace prints what it prints
// on a real cluster and waits until the namespace is gone, `kubectl get ns` shows it Terminating
// meanwhile, and `kubectl delete deployment --cascade=foreground|orphan|background` treats the
// dependents (a ReplicaSet object with a hand-made owner reference, and its Pod) as upstream does.
// Each binary gets its own namespaces (…-1-27, …, …-path) and HOME. The controller manager runs as its
// own `wheelhouse controller-manager` process with only node IPAM, the garbage collector and the
// namespace controller, so that ReplicaSet/Deployment controllers do not adopt or release the
// hand-made dependents.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, startCluster, type RunningCluster } from '../support/cluster.ts';
import { spreadKubectlBinaries, Kubectl, show, type KubectlBinary, kubectlForSuite } from '../support/kubectl.ts';
import { AGE, expectBlock } from '../support/table.ts';

// Oldest, newest and PATH's kubectl: the behaviour under test is the server's (test-time budget).
const binaries = spreadKubectlBinaries();

// Filled in by `before`; the suites' kubectls read its kubeconfig when they run.
const cluster = {} as RunningCluster;
let manager: ChildProcess | undefined;
let managerOutput = '';

before(async () => {
  Object.assign(cluster, await startCluster({ args: ['--nodes', '1', '--no-controller-manager', '--disable-admission-plugins', 'ServiceAccount'] }));
  manager = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'controller-manager',
      '--kubeconfig',
      cluster.kubeconfig,
      '--controllers',
      'node-ipam-controller,garbage-collector-controller,namespace-controller',
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: undefined } },
  );
  manager.stdout!.on('data', (d: Buffer) => (managerOutput += d.toString()));
  manager.stderr!.on('data', (d: Buffer) => (managerOutput += d.toString()));
});

after(async () => {
  if (manager && manager.exitCode === null) {
    const exited = new Promise((r) => manager!.once('exit', r));
    manager.kill('SIGTERM');
    await exited;
  }
  await cluster.stop?.();
});

const T = { timeout: 120_000 };

function suffix(bin: KubectlBinary): string {
  return bin.onPath ? 'path' : `${bin.major}-${bin.minor}`;
}

/** Poll a kubectl read until pred holds (bounded). */
async function until(k: Kubectl, args: string[], pred: (stdout: string) => boolean, what: string, timeoutMs = 45_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await k.run(args);
    if (r.code === 0 && pred(r.stdout)) return r.stdout;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${show(r)}`);
    await new Promise((res) => setTimeout(res, 300));
  }
}

const podYAML = (name: string, ns: string, owner?: { name: string; uid: string }) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    test: ${name}
${
  owner
    ? `  ownerReferences:
  - apiVersion: apps/v1
    kind: ReplicaSet
    name: ${owner.name}
    uid: ${owner.uid}
    controller: true
    blockOwnerDeletion: true
`
    : ''
}spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: nginx:1.27
`;

// replicas: 0 and a selector matching no pod, so a ReplicaSet controller (if one runs) leaves the pod alone.
const rsYAML = (name: string, ns: string, owner: { name: string; uid: string }) => `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: ${name}
  namespace: ${ns}
  ownerReferences:
  - apiVersion: apps/v1
    kind: Deployment
    name: ${owner.name}
    uid: ${owner.uid}
    controller: true
    blockOwnerDeletion: true
spec:
  replicas: 0
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: c
        image: nginx:1.27
`;

for (const bin of binaries) {
  const sfx = suffix(bin);

  describe(`${bin.label} ${bin.gitVersion}`, () => {
    const k = kubectlForSuite(bin, cluster, 90_000);

    it('delete namespace: Terminating while content remains, waits, then NotFound', T, async () => {
      const ns = `nsdel-${sfx}`;
      await k.okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
      await k.okPrints(['create', 'configmap', 'cfg', '-n', ns, '--from-literal=a=b'], 'configmap/cfg created\n');
      await k.okPrints(['create', 'secret', 'generic', 'sec', '-n', ns, '--from-literal=a=b'], 'secret/sec created\n');
      await k.okPrints(['create', 'service', 'clusterip', 'svc', '-n', ns, '--tcp=80:80'], 'service/svc created\n');
      await k.okPrints(['create', 'deployment', 'web', '-n', ns, '--image=nginx:1.27', '--replicas=0'], 'deployment.apps/web created\n');
      await k.okPrints(['create', '-f', k.writeFile(`pod-${ns}.yaml`, podYAML('p1', ns))], 'pod/p1 created\n');
      const held = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  namespace: ${ns}\n  finalizers:\n  - example.com/hold\n`;
      await k.okPrints(['create', '-f', k.writeFile(`held-${ns}.yaml`, held)], 'configmap/held created\n');
      await until(k, ['get', 'pod', 'p1', '-n', ns, '-o', 'jsonpath={.status.phase}'], (s) => s === 'Running', 'p1 Running');

      const del = k.spawn(['delete', 'namespace', ns]);
      try {
      assert.ok(await del.waitFor((s) => s.includes('deleted'), 30_000), `delete printed nothing\n${del.stdout()}${del.stderr()}`);
      assert.equal(del.stdout(), `namespace "${ns}" deleted\n`);
      const got = await k.ok(['get', 'namespace', ns]);
      expectBlock(got.stdout, [['NAME', 'STATUS', 'AGE'], [ns, 'Terminating', AGE]], { context: show(got) });
      // The controller empties it but for the object its finalizer holds, and says so.
      const cond = await until(
        k,
        ['get', 'namespace', ns, '-o', 'jsonpath={range .status.conditions[*]}{.type}={.status}:{.reason}:{.message}{"\\n"}{end}'],
        // Pods may still be stopping for a moment (reported as remaining content, as upstream does).
          (s) =>
            s.includes('NamespaceFinalizersRemaining=True') &&
            s.includes('NamespaceContentRemaining=True:SomeResourcesRemain:Some resources are remaining: configmaps. has 1 resource instances\n'),
        'NamespaceFinalizersRemaining',
      );
      assert.ok(
        cond.includes('NamespaceDeletionContentFailure=False:ContentDeleted:All content successfully deleted, may be waiting on finalization\n'),
        cond,
      );
      assert.ok(cond.includes('NamespaceFinalizersRemaining=True:SomeFinalizerRemain:Some finalizers are remaining: example.com/hold in 1 resource instances\n'), cond);
      const left = await k.ok(['get', 'configmaps,secrets,services,deployments,pods', '-n', ns, '-o', 'name']);
      assert.equal(left.stdout, 'configmap/held\n', show(left));
      assert.equal(del.child.exitCode, null, `kubectl delete namespace is still waiting\n${del.stdout()}${del.stderr()}`);

      await k.okPrints(['patch', 'configmap', 'held', '-n', ns, '--type=merge', '-p', '{"metadata":{"finalizers":null}}'], 'configmap/held patched\n');
      const done = await del.waitFor(() => false, 60_000).then(() => del.stop());
      assert.equal(done.code, 0, show(done));
      assert.equal(done.stdout, `namespace "${ns}" deleted\n`);
      assert.equal(done.stderr, '');
      } finally {
        await del.stop();
      }
      const after = await k.run(['get', 'namespace', ns]);
      assert.equal(after.code, 1, show(after));
      assert.equal(after.stderr, `Error from server (NotFound): namespaces "${ns}" not found\n`);
    });

    /** A Deployment object, a ReplicaSet object it owns and a Pod the ReplicaSet owns. */
    async function chain(ns: string, name: string): Promise<void> {
      await k.okPrints(['create', 'deployment', name, '-n', ns, '--image=nginx:1.27', '--replicas=0'], `deployment.apps/${name} created\n`);
      const depUID = (await k.ok(['get', 'deployment', name, '-n', ns, '-o', 'jsonpath={.metadata.uid}'])).stdout;
      await k.okPrints(['create', '-f', k.writeFile(`rs-${ns}-${name}.yaml`, rsYAML(`${name}-rs`, ns, { name, uid: depUID }))], `replicaset.apps/${name}-rs created\n`);
      const rsUID = (await k.ok(['get', 'rs', `${name}-rs`, '-n', ns, '-o', 'jsonpath={.metadata.uid}'])).stdout;
      await k.okPrints(['create', '-f', k.writeFile(`pod-${ns}-${name}.yaml`, podYAML(`${name}-pod`, ns, { name: `${name}-rs`, uid: rsUID }))], `pod/${name}-pod created\n`);
    }

    async function notFound(kind: string, name: string, ns: string, what: string): Promise<void> {
      const r = await k.run(['get', kind, name, '-n', ns]);
      assert.equal(r.code, 1, `${what}\n${show(r)}`);
      assert.match(r.stderr, /^Error from server \(NotFound\): .* not found\n$/, show(r));
    }

    it('delete deployment --cascade=foreground|orphan|background', T, async () => {
      const ns = `cascade-${sfx}`;
      await k.okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);

      // Foreground: kubectl returns once the deployment is gone, which is after its dependents.
      await chain(ns, 'fg');
      await until(k, ['get', 'pod', 'fg-pod', '-n', ns, '-o', 'jsonpath={.status.phase}'], (s) => s === 'Running', 'fg-pod Running');
      await k.okPrints(['delete', 'deployment', 'fg', '-n', ns, '--cascade=foreground'], 'deployment.apps "fg" deleted\n');
      await notFound('deployment', 'fg', ns, 'the deployment is gone when kubectl returns');
      await notFound('rs', 'fg-rs', ns, 'its replica set went first');
      await notFound('pod', 'fg-pod', ns, 'and the replica set’s pod before it');

      // Orphan: the deployment goes, the replica set and its pod stay, without the reference to it.
      await chain(ns, 'or');
      await k.okPrints(['delete', 'deployment', 'or', '-n', ns, '--cascade=orphan'], 'deployment.apps "or" deleted\n');
      await notFound('deployment', 'or', ns, 'the deployment is gone');
      const refs = await k.ok(['get', 'rs', 'or-rs', '-n', ns, '-o', 'jsonpath={.metadata.deletionTimestamp}|{.metadata.ownerReferences[*].kind}']);
      assert.equal(refs.stdout, '|', show(refs));
      const podRefs = await k.ok(['get', 'pod', 'or-pod', '-n', ns, '-o', 'jsonpath={.metadata.deletionTimestamp}|{.metadata.ownerReferences[*].kind}']);
      assert.equal(podRefs.stdout, '|ReplicaSet', show(podRefs));

      // Background (the default): the deployment goes at once, its dependents after it.
      await chain(ns, 'bg');
      await k.okPrints(['delete', 'deployment', 'bg', '-n', ns], 'deployment.apps "bg" deleted\n');
      await until(k, ['get', 'rs', 'bg-rs', '-n', ns, '--ignore-not-found', '-o', 'name'], (s) => s === '', 'bg-rs gone');
      await until(k, ['get', 'pod', 'bg-pod', '-n', ns, '--ignore-not-found', '-o', 'name'], (s) => s === '', 'bg-pod gone');
      await notFound('rs', 'bg-rs', ns, 'the replica set went after the deployment');
      await notFound('pod', 'bg-pod', ns, 'and its pod');
    });
  });
}
