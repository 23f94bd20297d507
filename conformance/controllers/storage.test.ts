// Storage through real kubectl (PATH's kubectl and the oldest, kubectl.1.27) against `wheelhouse up`:
// the default StorageClass with its (default) marker, `kubectl explain storageclass`, a claim and a
// pod applied together (WaitForFirstConsumer: the claim binds once the pod is scheduled, to a volume
// the simulated provisioner made for the pod's node), `kubectl get pvc,pv` with upstream's columns,
// and reclaim on release: Delete removes the volume, Retain leaves it Released.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { clusterForFile } from '../support/cluster.ts';
import { findKubectlBinaries, show, type KubectlBinary, kubectlForSuite } from '../support/kubectl.ts';
import { AGE, expectBlock, expectTables } from '../support/table.ts';

const binaries = findKubectlBinaries().filter((b) => b.onPath || (b.major === 1 && b.minor === 27));

const cluster = clusterForFile({ args: ['--runtime-latency-scale', '0.1'] });

const T = { timeout: 120_000 };

function nsFor(bin: KubectlBinary): string {
  return bin.onPath ? 'storage-path' : `storage-${bin.major}-${bin.minor}`;
}

function manifest(ns: string, keepClass: string): string {
  return `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
  namespace: ${ns}
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: Pod
metadata:
  name: app
  namespace: ${ns}
spec:
  containers:
  - name: app
    image: nginx
    volumeMounts:
    - name: data
      mountPath: /data
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: data
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: ${keepClass}
provisioner: wheelhouse.io/simulated
reclaimPolicy: Retain
volumeBindingMode: Immediate
`;
}

for (const bin of binaries) {
  const ns = nsFor(bin);

  describe(`${bin.label} ${bin.gitVersion}`, () => {
    const k = kubectlForSuite(bin, cluster, 90_000);

    /** Poll a jsonpath until pred holds (kubectl wait --for=jsonpath is not in 1.27). */
    const until = async (args: string[], pred: (out: string) => boolean, what: string): Promise<string> => {
      const deadline = Date.now() + 60_000;
      let last = '';
      while (Date.now() < deadline) {
        const r = await k.run(args);
        last = `${r.stdout}${r.stderr}`;
        if (pred(last)) return last;
        await new Promise((res) => setTimeout(res, 200));
      }
      throw new Error(`timed out waiting for ${what}; last output: ${last}`);
    };

    it('get sc, explain, apply a claim with its pod, get pvc,pv Bound, reclaim Delete and Retain', T, async () => {
      const sc = await k.ok(['get', 'sc', 'standard']);
      expectBlock(
        sc.stdout,
        [
          ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'],
          ['standard (default)', 'wheelhouse.io/simulated', 'Delete', 'WaitForFirstConsumer', 'false', AGE],
        ],
        { context: show(sc) },
      );
      const explain = await k.ok(['explain', 'storageclass']);
      assert.match(explain.stdout, /KIND:\s+StorageClass/, show(explain));
      assert.match(explain.stdout, /provisioner\s+<string>/, show(explain));
      assert.match(explain.stdout, /volumeBindingMode\s+<string>/, show(explain));

      const keepClass = `keep-${ns}`;
      await k.okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
      const file = k.writeFile('storage.yaml', manifest(ns, keepClass));
      await k.okPrints(
        ['apply', '-f', file],
        `persistentvolumeclaim/data created\npod/app created\nstorageclass.storage.k8s.io/${keepClass} created\n`,
      );
      await until(['-n', ns, 'get', 'pod', 'app', '-o', 'jsonpath={.status.phase}'], (o) => o === 'Running', 'pod app Running');
      const pv = (await k.ok(['-n', ns, 'get', 'pvc', 'data', '-o', 'jsonpath={.spec.volumeName}'])).stdout;
      assert.match(pv, /^pvc-[0-9a-f-]{36}$/);
      const node = (await k.ok(['-n', ns, 'get', 'pod', 'app', '-o', 'jsonpath={.spec.nodeName}'])).stdout;
      const selected = (await k.ok(['-n', ns, 'get', 'pvc', 'data', '-o', 'jsonpath={.metadata.annotations.volume\\.kubernetes\\.io/selected-node}'])).stdout;
      assert.equal(selected, node);

      const both = await k.ok(['-n', ns, 'get', 'pvc,pv']);
      expectTables(
        both.stdout,
        [
          [
            ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'],
            ['persistentvolumeclaim/data', 'Bound', pv, '1Gi', 'RWO', 'standard', '<unset>', AGE],
          ],
          [
            ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE'],
            [`persistentvolume/${pv}`, '1Gi', 'RWO', 'Delete', 'Bound', `${ns}/data`, 'standard', '<unset>', '', AGE],
          ],
        ],
        // Volumes are cluster-scoped: the other kubectl's run may have some too.
        { context: show(both), optionalRow: (r) => r[0]!.startsWith('persistentvolume/') && r[0] !== `persistentvolume/${pv}` },
      );

      // Delete: the claim goes, so does the volume the provisioner made for it.
      await k.okPrints(['-n', ns, 'delete', 'pod', 'app'], 'pod "app" deleted\n');
      await k.okPrints(['-n', ns, 'delete', 'pvc', 'data'], 'persistentvolumeclaim "data" deleted\n');
      await until(['get', 'pv', pv], (o) => o.includes(`persistentvolumes "${pv}" not found`), `${pv} deleted`);

      // Retain: an Immediate class provisions at once; after the claim goes the volume stays Released.
      const claim = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: keep
  namespace: ${ns}
spec:
  storageClassName: ${keepClass}
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 2Gi
`;
      await k.okPrints(['apply', '-f', k.writeFile('keep.yaml', claim)], 'persistentvolumeclaim/keep created\n');
      await until(['-n', ns, 'get', 'pvc', 'keep', '-o', 'jsonpath={.status.phase}'], (o) => o === 'Bound', 'keep Bound');
      const kept = (await k.ok(['-n', ns, 'get', 'pvc', 'keep', '-o', 'jsonpath={.spec.volumeName}'])).stdout;
      await k.okPrints(['-n', ns, 'delete', 'pvc', 'keep'], 'persistentvolumeclaim "keep" deleted\n');
      await until(['get', 'pv', kept, '-o', 'jsonpath={.status.phase}'], (o) => o === 'Released', `${kept} Released`);
      const released = await k.ok(['get', 'pv', kept]);
      expectBlock(
        released.stdout,
        [
          ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE'],
          [kept, '2Gi', 'RWO', 'Retain', 'Released', `${ns}/keep`, keepClass, '<unset>', '', AGE],
        ],
        { context: show(released) },
      );
      await k.okPrints(['delete', 'pv', kept], `persistentvolume "${kept}" deleted\n`);
    });
  });
}
