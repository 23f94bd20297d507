// The PV binder and the simulated provisioner against a real API server, scheduler and hollow nodes:
// static volumes bound by size, access modes, class and selector (with upstream's annotations and
// phases), a claim naming its volume, Retain leaving a Released volume, Delete of a static volume
// failing as upstream's does without a deleter, provisioning for Immediate and WaitForFirstConsumer
// classes (the latter placed by the scheduler, with node affinity to the pod's node), and the
// provisioned volume deleted with its claim.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PatchStrategy, StorageV1Api, setHeaderOptions, type CoreV1Event, type V1PersistentVolume, type V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { pod, startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;
let storage: StorageV1Api;

before(async () => {
  c = await startNodesCluster({
    nodes: ['node-1', 'node-2'],
    controllers: ['persistentvolume-binder-controller', 'wheelhouse-simulated-provisioner'],
    controllerTimings: { pvClaimBinderSyncPeriodMs: 1000 },
  });
  storage = c.kc.makeApiClient(StorageV1Api);
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 30_000 };
const NS = 'default';

function volume(name: string, size: string, opts: { className?: string; modes?: string[]; labels?: Record<string, string>; reclaim?: string } = {}): V1PersistentVolume {
  return {
    metadata: { name, labels: opts.labels },
    spec: {
      capacity: { storage: size },
      accessModes: opts.modes ?? ['ReadWriteOnce'],
      hostPath: { path: `/tmp/${name}` },
      storageClassName: opts.className ?? 'manual',
      persistentVolumeReclaimPolicy: opts.reclaim ?? 'Retain',
    },
  };
}

function claim(name: string, size: string, opts: { className?: string; modes?: string[]; selector?: Record<string, string>; volumeName?: string } = {}): V1PersistentVolumeClaim {
  return {
    metadata: { name },
    spec: {
      accessModes: opts.modes ?? ['ReadWriteOnce'],
      resources: { requests: { storage: size } },
      storageClassName: opts.className ?? 'manual',
      selector: opts.selector ? { matchLabels: opts.selector } : undefined,
      volumeName: opts.volumeName,
    },
  };
}

const createPV = (pv: V1PersistentVolume) => c.core.createPersistentVolume({ body: pv });
const createPVC = (pvc: V1PersistentVolumeClaim) => c.core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: pvc });
const readPV = (name: string) => c.core.readPersistentVolume({ name });
const readPVC = (name: string) => c.core.readNamespacedPersistentVolumeClaim({ name, namespace: NS });

async function boundClaim(name: string): Promise<V1PersistentVolumeClaim> {
  return waitFor(`${name} Bound`, async () => {
    const pvc = await readPVC(name);
    return pvc.status?.phase === 'Bound' ? pvc : undefined;
  });
}

async function volumePhase(name: string, phase: string): Promise<V1PersistentVolume> {
  return waitFor(`${name} ${phase}`, async () => {
    const pv = await readPV(name);
    return pv.status?.phase === phase ? pv : undefined;
  });
}

async function events(name: string, reason: string): Promise<CoreV1Event[]> {
  return waitFor(`${reason} event for ${name}`, async () => {
    const list = (await c.core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name}` })).items;
    const hits = list.filter((e) => e.reason === reason);
    return hits.length > 0 ? hits : undefined;
  });
}

describe('persistentvolume-binder-controller', () => {
  it('binds the smallest Available volume that fits the size, access modes, class and selector', T, async () => {
    await createPV(volume('static-1g', '1Gi'));
    await createPV(volume('static-5g', '5Gi'));
    await createPV(volume('static-10g', '10Gi'));
    await createPV(volume('static-rwx', '2Gi', { modes: ['ReadWriteMany'] }));
    await createPV(volume('static-fast', '20Gi', { labels: { tier: 'fast' } }));
    await createPV(volume('static-other', '3Gi', { className: 'other' }));
    await volumePhase('static-1g', 'Available');

    await createPVC(claim('three', '3Gi'));
    const three = await boundClaim('three');
    assert.equal(three.spec?.volumeName, 'static-5g');
    assert.equal(three.metadata?.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(three.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.deepEqual(three.status?.capacity, { storage: '5Gi' });
    assert.deepEqual(three.status?.accessModes, ['ReadWriteOnce']);
    const pv = await volumePhase('static-5g', 'Bound');
    assert.equal(pv.spec?.claimRef?.name, 'three');
    assert.equal(pv.spec?.claimRef?.uid, three.metadata?.uid);
    assert.equal(pv.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');

    await createPVC(claim('shared', '1Gi', { modes: ['ReadWriteMany'] }));
    assert.equal((await boundClaim('shared')).spec?.volumeName, 'static-rwx');
    await createPVC(claim('picky', '1Gi', { selector: { tier: 'fast' } }));
    assert.equal((await boundClaim('picky')).spec?.volumeName, 'static-fast');
    await createPVC(claim('other', '1Gi', { className: 'other' }));
    assert.equal((await boundClaim('other')).spec?.volumeName, 'static-other');

    // Nothing big enough in the class: Pending, with upstream's event for a claim nobody provisions for.
    await createPVC(claim('huge', '100Gi', { className: '' }));
    const failed = await events('huge', 'FailedBinding');
    assert.equal(failed[0]!.message, 'no persistent volumes available for this claim and no storage class is set');
    assert.equal((await readPVC('huge')).status?.phase, 'Pending');
    // A claim naming a volume gets exactly that one, without the bound-by-controller mark.
    await createPVC(claim('named', '1Gi', { volumeName: 'static-10g' }));
    const named = await boundClaim('named');
    assert.equal(named.spec?.volumeName, 'static-10g');
    assert.equal(named.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined);
  });

  it('Retain leaves the volume Released; Delete of a static volume fails without a deleter', T, async () => {
    await createPV(volume('keep-me', '1Gi', { className: 'reclaim' }));
    await createPVC(claim('keeper', '1Gi', { className: 'reclaim' }));
    await boundClaim('keeper');
    await c.core.deleteNamespacedPersistentVolumeClaim({ name: 'keeper', namespace: NS });
    const released = await volumePhase('keep-me', 'Released');
    assert.equal(released.spec?.claimRef?.name, 'keeper');

    await createPV(volume('static-delete', '1Gi', { className: 'reclaim-delete', reclaim: 'Delete' }));
    await createPVC(claim('deleter', '1Gi', { className: 'reclaim-delete' }));
    await boundClaim('deleter');
    await c.core.deleteNamespacedPersistentVolumeClaim({ name: 'deleter', namespace: NS });
    const failed = await volumePhase('static-delete', 'Failed');
    assert.equal(failed.status?.message, 'error getting deleter volume plugin for volume "static-delete": no deletable volume plugin matched');
  });

  it('provisions for an Immediate class and deletes the volume with its claim', T, async () => {
    await storage.createStorageClass({
      body: { metadata: { name: 'instant' }, provisioner: 'wheelhouse.io/simulated', volumeBindingMode: 'Immediate', reclaimPolicy: 'Delete' },
    });
    await createPVC(claim('dyn', '2Gi', { className: 'instant' }));
    const dyn = await boundClaim('dyn');
    const pvName = `pvc-${dyn.metadata?.uid}`;
    assert.equal(dyn.spec?.volumeName, pvName);
    assert.equal(dyn.metadata?.annotations?.['volume.kubernetes.io/storage-provisioner'], 'wheelhouse.io/simulated');
    assert.equal(dyn.metadata?.annotations?.['volume.beta.kubernetes.io/storage-provisioner'], 'wheelhouse.io/simulated');
    const pv = await volumePhase(pvName, 'Bound');
    assert.equal(pv.metadata?.annotations?.['pv.kubernetes.io/provisioned-by'], 'wheelhouse.io/simulated');
    assert.equal(pv.spec?.persistentVolumeReclaimPolicy, 'Delete');
    assert.equal(pv.spec?.storageClassName, 'instant');
    assert.deepEqual(pv.spec?.capacity, { storage: '2Gi' });
    assert.equal(pv.spec?.nodeAffinity, undefined);
    const waiting = await events('dyn', 'ExternalProvisioning');
    assert.match(waiting[0]!.message ?? '', /^Waiting for a volume to be created either by the external provisioner 'wheelhouse\.io\/simulated' or manually by the system administrator\./);
    assert.equal((await events('dyn', 'ProvisioningSucceeded'))[0]!.message, `Successfully provisioned volume ${pvName}`);

    await c.core.deleteNamespacedPersistentVolumeClaim({ name: 'dyn', namespace: NS });
    await waitFor(`${pvName} deleted`, async () => {
      try {
        await readPV(pvName);
        return false;
      } catch {
        return true;
      }
    });
  });

  it('waits for the first consumer, then provisions on the node the scheduler picked and the pod runs', T, async () => {
    // No class named: the default class `standard` (WaitForFirstConsumer) is filled in on create.
    await c.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: { metadata: { name: 'wffc' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    });
    const waiting = await events('wffc', 'WaitForFirstConsumer');
    assert.equal(waiting[0]!.message, 'waiting for first consumer to be created before binding');
    const pending = await readPVC('wffc');
    assert.equal(pending.spec?.storageClassName, 'standard');
    assert.equal(pending.status?.phase, 'Pending');

    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod('consumer', { nodeSelector: { 'kubernetes.io/hostname': 'node-2' }, volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'wffc' } }] }),
    });
    const bound = await boundClaim('wffc');
    assert.equal(bound.metadata?.annotations?.['volume.kubernetes.io/selected-node'], 'node-2');
    const pv = await readPV(bound.spec!.volumeName!);
    assert.deepEqual(JSON.parse(JSON.stringify(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms)), [
      { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-2'] }] },
    ]);
    const running = await waitFor('consumer Running', async () => {
      const p = await c.core.readNamespacedPod({ name: 'consumer', namespace: NS });
      return p.status?.phase === 'Running' ? p : undefined;
    });
    assert.equal(running.spec?.nodeName, 'node-2');
  });

  it('the scheduler binds a matching static volume of a WaitForFirstConsumer class on a node it fits', T, async () => {
    await storage.createStorageClass({ body: { metadata: { name: 'local' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' } });
    const onNode1: V1PersistentVolume = volume('local-1', '1Gi', { className: 'local' });
    onNode1.spec!.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }] }] } };
    await createPV(onNode1);
    await createPVC(claim('local-claim', '1Gi', { className: 'local' }));
    await events('local-claim', 'WaitForFirstConsumer');
    await c.core.createNamespacedPod({ namespace: NS, body: pod('local-user', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'local-claim' } }] }) });
    const bound = await boundClaim('local-claim');
    assert.equal(bound.spec?.volumeName, 'local-1');
    const placed = await waitFor('local-user scheduled', async () => (await c.core.readNamespacedPod({ name: 'local-user', namespace: NS })).spec?.nodeName);
    assert.equal(placed, 'node-1');
  });

  it('gives a claim made while no class was default the default class once there is one', T, async () => {
    const setDefault = (value: string) =>
      storage.patchStorageClass(
        { name: 'standard', body: { metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': value } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    await setDefault('false');
    try {
      // The admission plugin reads the watch cache: retry until it has seen the change.
      const made = await waitFor('a claim created without a default class', async () => {
        const name = `late-${Date.now()}`;
        const pvc = await c.core.createNamespacedPersistentVolumeClaim({
          namespace: NS,
          body: { metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
        });
        return pvc.spec?.storageClassName === undefined ? pvc : undefined;
      });
      assert.equal((await readPVC(made.metadata!.name!)).spec?.storageClassName, undefined);
      await setDefault('true');
      await waitFor('the default class filled in', async () => (await readPVC(made.metadata!.name!)).spec?.storageClassName === 'standard');
    } finally {
      await setDefault('true');
    }
  });
});
