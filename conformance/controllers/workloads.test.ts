// DaemonSets and StatefulSets through real kubectl (PATH's and the oldest, kubectl.1.27) against
// `wheelhouse up` with its three nodes: apply, rollout status (upstream's exact lines), set image,
// rollout history and undo (read from and written through ControllerRevisions), `get ds,sts`
// columns, and a StatefulSet scaled up and down in ordinal order. Each binary gets its own namespace.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clusterForFile } from '../support/cluster.ts';
import { findKubectlBinaries, Kubectl, show, type KubectlBinary, type KubectlResult } from '../support/kubectl.ts';

const binaries = findKubectlBinaries().filter((b) => b.onPath || b.minor === 27);

const cluster = clusterForFile({ args: ['--runtime-latency-scale', '0.1'] });

const T = { timeout: 120_000 };
const NODES = 3;

const nsFor = (bin: KubectlBinary): string => (bin.onPath ? 'wl-path' : `wl-${bin.major}-${bin.minor}`);

function daemonSetYAML(ns: string): string {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: logs
  namespace: ${ns}
spec:
  selector:
    matchLabels: {app: logs}
  template:
    metadata:
      labels: {app: logs}
    spec:
      containers:
      - name: logs
        image: busybox:1.36
`;
}

function statefulSetYAML(ns: string): string {
  return `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: ${ns}
spec:
  replicas: 2
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - name: db
        image: postgres:16
`;
}

/** Every line kubectl rollout status prints for a daemon set (DaemonSetStatusViewer), the last the success line. */
function checkDaemonSetStatus(r: KubectlResult, name: string): void {
  const lines = r.stdout.replace(/\n$/, '').split('\n');
  assert.equal(lines.at(-1), `daemon set "${name}" successfully rolled out`, show(r));
  const waiting = [
    new RegExp(`^Waiting for daemon set "${name}" rollout to finish: \\d+ out of ${NODES} new pods have been updated\\.\\.\\.$`),
    new RegExp(`^Waiting for daemon set "${name}" rollout to finish: \\d+ of ${NODES} updated pods are available\\.\\.\\.$`),
    /^Waiting for daemon set spec update to be observed\.\.\.$/,
  ];
  for (const l of lines.slice(0, -1)) assert.ok(waiting.some((re) => re.test(l)), `unexpected line ${JSON.stringify(l)}\n${show(r)}`);
}

/**
 * The same for a stateful set (StatefulSetStatusViewer). apps/v1 defaulting always fills
 * updateStrategy.rollingUpdate.partition, and kubectl then reports every RollingUpdate set as a
 * partitioned roll out, as it does against a real cluster.
 */
function checkStatefulSetStatus(r: KubectlResult, replicas: number): void {
  const lines = r.stdout.replace(/\n$/, '').split('\n');
  assert.equal(lines.at(-1), `partitioned roll out complete: ${replicas} new pods have been updated...`, show(r));
  const waiting = [
    /^Waiting for \d+ pods to be ready\.\.\.$/,
    /^Waiting for statefulset spec update to be observed\.\.\.$/,
    new RegExp(`^Waiting for partitioned roll out to finish: \\d+ out of ${replicas} new pods have been updated\\.\\.\\.$`),
  ];
  for (const l of lines.slice(0, -1)) assert.ok(waiting.some((re) => re.test(l)), `unexpected line ${JSON.stringify(l)}\n${show(r)}`);
}

/** `kubectl get` table rows as cells (wide columns split on runs of 2+ spaces). */
function table(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}

for (const bin of binaries) {
  const ns = nsFor(bin);

  describe(`${bin.label} ${bin.gitVersion}`, () => {
    let k: Kubectl;

    before(async () => {
      k = new Kubectl(bin, cluster.kubeconfig, 90_000);
      await k.okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
    });
    after(() => {
      k?.cleanup();
    });

    it('daemon set on every node: apply, rollout status, set image, rollout history and undo', T, async () => {
      const file = k.writeFile('ds.yaml', daemonSetYAML(ns));
      await k.okPrints(['apply', '-f', file], 'daemonset.apps/logs created\n');
      checkDaemonSetStatus(await k.ok(['-n', ns, 'rollout', 'status', 'ds/logs', '--timeout=60s']), 'logs');
      const nodes = (await k.ok(['-n', ns, 'get', 'pods', '-l', 'app=logs', '-o', 'jsonpath={range .items[*]}{.spec.nodeName}{"\\n"}{end}'])).stdout;
      assert.deepEqual(nodes.trim().split('\n').sort(), ['node-1', 'node-2', 'node-3']);

      await k.okPrints(['-n', ns, 'set', 'image', 'ds/logs', 'logs=busybox:1.37'], 'daemonset.apps/logs image updated\n');
      checkDaemonSetStatus(await k.ok(['-n', ns, 'rollout', 'status', 'ds/logs', '--timeout=60s']), 'logs');
      await k.okPrints(['-n', ns, 'rollout', 'history', 'ds/logs'], 'daemonset.apps/logs \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
      const images = async () => (await k.ok(['-n', ns, 'get', 'pods', '-l', 'app=logs', '-o', 'jsonpath={.items[*].spec.containers[0].image}'])).stdout;
      assert.deepEqual((await images()).split(' '), ['busybox:1.37', 'busybox:1.37', 'busybox:1.37']);

      await k.okPrints(['-n', ns, 'rollout', 'undo', 'ds/logs'], 'daemonset.apps/logs rolled back\n');
      checkDaemonSetStatus(await k.ok(['-n', ns, 'rollout', 'status', 'ds/logs', '--timeout=60s']), 'logs');
      await k.okPrints(['-n', ns, 'rollout', 'history', 'ds/logs'], 'daemonset.apps/logs \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
      assert.equal(await images(), 'busybox:1.36 busybox:1.36 busybox:1.36');
      const detail = await k.ok(['-n', ns, 'rollout', 'history', 'ds/logs', '--revision=2']);
      assert.match(detail.stdout, /^daemonset\.apps\/logs with revision #2\nPod Template:\n/, show(detail));
      assert.match(detail.stdout, /Image:\s+busybox:1\.37\n/, show(detail));
    });

    it('stateful set scaled up and down in order, rollout status, history and undo', T, async () => {
      const file = k.writeFile('sts.yaml', statefulSetYAML(ns));
      await k.okPrints(['apply', '-f', file], 'statefulset.apps/db created\n');
      checkStatefulSetStatus(await k.ok(['-n', ns, 'rollout', 'status', 'sts/db', '--timeout=60s']), 2);
      const revision = async () => (await k.ok(['-n', ns, 'get', 'sts', 'db', '-o', 'jsonpath={.status.currentRevision} {.status.updateRevision}'])).stdout;
      const [rev1, upd1] = (await revision()).split(' ');
      assert.equal(rev1, upd1);
      assert.match(rev1!, /^db-[a-z0-9]+$/);

      const watch = k.spawn(['-n', ns, 'get', 'pods', '-l', 'app=db', '-w', '-o', 'jsonpath={.metadata.name} {.metadata.deletionTimestamp}{"\\n"}']);
      try {
        await k.okPrints(['-n', ns, 'scale', 'sts', 'db', '--replicas=4'], 'statefulset.apps/db scaled\n');
        checkStatefulSetStatus(await k.ok(['-n', ns, 'rollout', 'status', 'sts/db', '--timeout=60s']), 4);
        assert.equal(await revision(), `${rev1} ${rev1}`);
        await k.okPrints(['-n', ns, 'scale', 'sts', 'db', '--replicas=1'], 'statefulset.apps/db scaled\n');
        const lines = () => watch.stdout().split('\n');
        const gone = await watch.waitFor(() => ['db-1', 'db-2', 'db-3'].every((n) => lines().some((l) => l.startsWith(`${n} 2`))), 60_000);
        assert.ok(gone, watch.stdout());
      } finally {
        await watch.stop();
      }
      const lines = watch.stdout().split('\n');
      const first = (re: RegExp) => lines.findIndex((l) => re.test(l));
      // Up: db-2 appears before db-3. Down: db-3 terminates first, then db-2, then db-1.
      assert.ok(first(/^db-2 $/) >= 0 && first(/^db-2 $/) < first(/^db-3 $/), watch.stdout());
      const down = ['db-3', 'db-2', 'db-1'].map((n) => first(new RegExp(`^${n} \\d`)));
      assert.ok(down[0]! < down[1]! && down[1]! < down[2]!, watch.stdout());
      // rollout status does not wait for a scale-down: read the status until the last pod is gone.
      const deadline = Date.now() + 30_000;
      let counts = '';
      while (Date.now() < deadline) {
        counts = (await k.ok(['-n', ns, 'get', 'sts', 'db', '-o', 'jsonpath={.status.replicas} {.status.readyReplicas} {.status.updatedReplicas}'])).stdout;
        if (counts === '1 1 1') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(counts, '1 1 1');
      checkStatefulSetStatus(await k.ok(['-n', ns, 'rollout', 'status', 'sts/db', '--timeout=60s']), 1);

      await k.okPrints(['-n', ns, 'scale', 'sts', 'db', '--replicas=2'], 'statefulset.apps/db scaled\n');
      await k.okPrints(['-n', ns, 'set', 'image', 'sts/db', 'db=postgres:17'], 'statefulset.apps/db image updated\n');
      checkStatefulSetStatus(await k.ok(['-n', ns, 'rollout', 'status', 'sts/db', '--timeout=60s']), 2);
      const [rev2, upd2] = (await revision()).split(' ');
      assert.equal(rev2, upd2);
      assert.notEqual(rev2, rev1);
      await k.okPrints(['-n', ns, 'rollout', 'history', 'sts/db'], 'statefulset.apps/db \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
      await k.okPrints(['-n', ns, 'rollout', 'undo', 'sts/db'], 'statefulset.apps/db rolled back\n');
      checkStatefulSetStatus(await k.ok(['-n', ns, 'rollout', 'status', 'sts/db', '--timeout=60s']), 2);
      assert.equal(await revision(), `${rev1} ${rev1}`);
      await k.okPrints(['-n', ns, 'rollout', 'history', 'sts/db'], 'statefulset.apps/db \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');

      // A partition: only ordinals at or above it move.
      await k.ok(['-n', ns, 'patch', 'sts', 'db', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":1}}}}']);
      await k.okPrints(['-n', ns, 'set', 'image', 'sts/db', 'db=postgres:18'], 'statefulset.apps/db image updated\n');
      const part = await k.ok(['-n', ns, 'rollout', 'status', 'sts/db', '--timeout=60s']);
      assert.equal(part.stdout.replace(/\n$/, '').split('\n').at(-1), 'partitioned roll out complete: 1 new pods have been updated...', show(part));
    });

    it('kubectl get ds,sts columns', T, async () => {
      const r = await k.ok(['-n', ns, 'get', 'ds,sts']);
      const rows = table(r.stdout);
      const dsHeader = rows.findIndex((x) => x[0] === 'NAME' && x[1] === 'DESIRED');
      assert.deepEqual(rows[dsHeader], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'], show(r));
      assert.deepEqual(rows[dsHeader + 1]!.slice(0, 7), ['daemonset.apps/logs', '3', '3', '3', '3', '3', '<none>'], show(r));
      const stsHeader = rows.findIndex((x) => x[0] === 'NAME' && x[1] === 'READY');
      assert.deepEqual(rows[stsHeader], ['NAME', 'READY', 'AGE'], show(r));
      assert.deepEqual(rows[stsHeader + 1]!.slice(0, 2), ['statefulset.apps/db', '2/2'], show(r));
    });
  });
}
