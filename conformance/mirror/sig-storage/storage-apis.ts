// Mirrors of upstream's sig-storage conformance tests that are API lifecycles: StorageClass, CSINode,
// CSIStorageCapacity, VolumeAttachment and PV/PVC objects with their status. No volume is mounted.
// Titles are upstream's codenames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoreV1Api, StorageV1Api, type V1PersistentVolume, type V1PersistentVolumeClaim, type V1VolumeAttachment } from '@kubernetes/client-node';
import { addLabels, eventually, exerciseKindApi, MERGE_PATCH, retryOnConflict, suffix, testNamespace, SUITE, type Mirror } from '../support.ts';

/** Registers these mirrors against the file's cluster `m`. */
export function storageApiMirrors(m: Mirror): void {
  const core = () => m.api(CoreV1Api);
  const storage = () => m.api(StorageV1Api);

  const gone = (what: string, read: () => Promise<unknown>) =>
    eventually(`${what} deleted`, async () => {
      try {
        await read();
        return undefined;
      } catch (err) {
        return (err as { code?: number }).code === 404 ? true : undefined;
      }
    });

  describe('sig-storage: API lifecycles', { ...SUITE, concurrency: true }, () => {
    it('[sig-storage] StorageClasses CSI Conformance should run through the lifecycle of a StorageClass [Conformance]', async () => {
      const run = suffix();
      const label = { 'e2e-sc': run };
      const sc = (name: string) => ({ metadata: { name, labels: label }, provisioner: 'e2e-fake-provisioner' });
      await storage().createStorageClass({ body: sc(`e2e-sc-${run}`) });
      assert.equal((await storage().readStorageClass({ name: `e2e-sc-${run}` })).provisioner, 'e2e-fake-provisioner');
      const patched = await storage().patchStorageClass({ name: `e2e-sc-${run}`, body: { metadata: { labels: { [`e2e-sc-${run}`]: 'patched' } } } }, MERGE_PATCH);
      assert.equal(patched.metadata?.labels?.[`e2e-sc-${run}`], 'patched');
      await storage().deleteStorageClass({ name: `e2e-sc-${run}` });
      await gone('storage class', () => storage().readStorageClass({ name: `e2e-sc-${run}` }));
      await storage().createStorageClass({ body: sc(`e2e-sc-${run}-2`) });
      const updated = await addLabels(() => storage().readStorageClass({ name: `e2e-sc-${run}-2` }), (body) => storage().replaceStorageClass({ name: `e2e-sc-${run}-2`, body }), { updated: 'true' });
      assert.equal(updated.metadata?.labels?.updated, 'true');
      await storage().deleteCollectionStorageClass({ labelSelector: `e2e-sc=${run}` });
      await gone('replacement storage class', () => storage().readStorageClass({ name: `e2e-sc-${run}-2` }));
    });

    it('[sig-storage] CSINodes CSI Conformance should run through the lifecycle of a csinode [Conformance]', async () => {
      const run = suffix();
      const node = (name: string) => ({ metadata: { name, labels: { 'e2e-csinode': run } }, spec: { drivers: [{ name: 'e2e.example.com', nodeID: name }] } });
      const name = `e2e-csinode-${run}`;
      await storage().createCSINode({ body: node(name) });
      assert.equal((await storage().readCSINode({ name })).metadata?.name, name);
      await storage().patchCSINode({ name, body: { metadata: { labels: { patched: 'true' } } } }, MERGE_PATCH);
      assert.equal((await storage().listCSINode({ labelSelector: `e2e-csinode=${run},patched=true` })).items.length, 1);
      await storage().deleteCSINode({ name });
      await gone('csinode', () => storage().readCSINode({ name }));
      await storage().createCSINode({ body: node(name) });
      const updated = await addLabels(() => storage().readCSINode({ name }), (body) => storage().replaceCSINode({ name, body }), { updated: 'true' });
      assert.equal(updated.metadata?.labels?.updated, 'true');
      await storage().deleteCollectionCSINode({ labelSelector: `e2e-csinode=${run}` });
      await gone('replacement csinode', () => storage().readCSINode({ name }));
    });

    it('[sig-storage] CSIStorageCapacity should support CSIStorageCapacities API operations [Conformance]', async () => {
      await exerciseKindApi(m, 'storage.k8s.io/v1', 'CSIStorageCapacity', {
        namespace: 'csistoragecapacity',
        make: () => ({ storageClassName: 'e2e-fake-storage-class', capacity: '1Gi' }),
      });
    });

    const attachment = (name: string, labels: Record<string, string>): V1VolumeAttachment => ({
      metadata: { name, labels },
      spec: { attacher: 'e2e-test.storage.k8s.io', nodeName: 'e2e-fake-node', source: { persistentVolumeName: `pv-${name}` } },
    });

    it('[sig-storage] VolumeAttachment Conformance should run through the lifecycle of a VolumeAttachment [Conformance]', async () => {
      const run = suffix();
      const label = { 'e2e-va': run };
      await storage().createVolumeAttachment({ body: attachment(`va-${run}-1`, label) });
      assert.equal((await storage().readVolumeAttachment({ name: `va-${run}-1` })).metadata?.name, `va-${run}-1`);
      await storage().patchVolumeAttachment({ name: `va-${run}-1`, body: { metadata: { labels: { patched: 'true' } } } }, MERGE_PATCH);
      assert.equal((await storage().listVolumeAttachment({ labelSelector: `e2e-va=${run},patched=true` })).items.length, 1);
      await storage().deleteVolumeAttachment({ name: `va-${run}-1` });
      await gone('volume attachment', () => storage().readVolumeAttachment({ name: `va-${run}-1` }));
      for (const i of [2, 3]) {
        await storage().createVolumeAttachment({ body: attachment(`va-${run}-${i}`, label) });
        const updated = await addLabels(() => storage().readVolumeAttachment({ name: `va-${run}-${i}` }), (body) => storage().replaceVolumeAttachment({ name: `va-${run}-${i}`, body }), { updated: 'true' });
        assert.equal(updated.metadata?.labels?.updated, 'true');
      }
      await storage().deleteCollectionVolumeAttachment({ labelSelector: `e2e-va=${run}` });
      await eventually('both deleted', async () => ((await storage().listVolumeAttachment({ labelSelector: `e2e-va=${run}` })).items.length === 0 ? true : undefined));
    });

    it('[sig-storage] VolumeAttachment Conformance should apply changes to a volumeattachment status [Conformance]', async () => {
      const name = `va-status-${suffix()}`;
      await storage().createVolumeAttachment({ body: attachment(name, {}) });
      await storage().patchVolumeAttachment({ name, body: { metadata: { labels: { patched: 'true' } } } }, MERGE_PATCH);
      assert.equal((await storage().readVolumeAttachmentStatus({ name })).status?.attached ?? false, false);
      const patched = await storage().patchVolumeAttachmentStatus({ name, body: { status: { attached: true } } }, MERGE_PATCH);
      assert.equal(patched.status?.attached, true);
      const updated = await retryOnConflict(async () => {
        const cur = await storage().readVolumeAttachmentStatus({ name });
        cur.status = { attached: false };
        return storage().replaceVolumeAttachmentStatus({ name, body: cur });
      });
      assert.equal(updated.status?.attached, false);
      await storage().deleteVolumeAttachment({ name });
      await gone('volume attachment', () => storage().readVolumeAttachment({ name }));
    });

    const pv = (name: string, labels: Record<string, string>): V1PersistentVolume => ({
      metadata: { name, labels },
      spec: { capacity: { storage: '3Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'e2e-manual', hostPath: { path: '/tmp/e2e' } },
    });
    const pvc = (name: string, labels: Record<string, string>): V1PersistentVolumeClaim => ({
      metadata: { name, labels },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'e2e-manual-claims', resources: { requests: { storage: '1Gi' } } },
    });

    /** A PV and a PVC labelled with the run, then listed back by that label. */
    const createPair = async (ns: string, run: string, tail: string) => {
      const label = { 'e2e-pv': run };
      await core().createPersistentVolume({ body: pv(`pv-${run}${tail}`, label) });
      await core().createNamespacedPersistentVolumeClaim({ namespace: ns, body: pvc(`pvc-${run}${tail}`, label) });
      assert.equal((await core().listPersistentVolume({ labelSelector: `e2e-pv=${run}` })).items.length, 1, 'the PV listed by label');
      assert.equal((await core().listNamespacedPersistentVolumeClaim({ namespace: ns, labelSelector: `e2e-pv=${run}` })).items.length, 1, 'the PVC listed');
    };

    it('[sig-storage] PersistentVolumes CSI Conformance should run through the lifecycle of a PV and a PVC [Conformance]', async () => {
      const ns = await testNamespace(m, 'pv', { waitForServiceAccount: false });
      const run = suffix();
      await createPair(ns, run, '');
      assert.equal((await core().patchPersistentVolume({ name: `pv-${run}`, body: { metadata: { labels: { patched: 'true' } } } }, MERGE_PATCH)).metadata?.labels?.patched, 'true');
      assert.equal((await core().patchNamespacedPersistentVolumeClaim({ namespace: ns, name: `pvc-${run}`, body: { metadata: { labels: { patched: 'true' } } } }, MERGE_PATCH)).metadata?.labels?.patched, 'true');
      assert.ok((await core().readPersistentVolume({ name: `pv-${run}` })).metadata?.uid);
      assert.ok((await core().readNamespacedPersistentVolumeClaim({ namespace: ns, name: `pvc-${run}` })).metadata?.uid);
      await core().deleteNamespacedPersistentVolumeClaim({ namespace: ns, name: `pvc-${run}` });
      await core().deletePersistentVolume({ name: `pv-${run}` });
      await gone('pvc', () => core().readNamespacedPersistentVolumeClaim({ namespace: ns, name: `pvc-${run}` }));
      await gone('pv', () => core().readPersistentVolume({ name: `pv-${run}` }));
      await createPair(ns, run, '-2');
      const upPv = await addLabels(() => core().readPersistentVolume({ name: `pv-${run}-2` }), (body) => core().replacePersistentVolume({ name: `pv-${run}-2`, body }), { updated: 'true' });
      assert.equal(upPv.metadata?.labels?.updated, 'true');
      const upPvc = await addLabels(() => core().readNamespacedPersistentVolumeClaim({ namespace: ns, name: `pvc-${run}-2` }), (body) => core().replaceNamespacedPersistentVolumeClaim({ namespace: ns, name: `pvc-${run}-2`, body }), { updated: 'true' });
      assert.equal(upPvc.metadata?.labels?.updated, 'true');
      await core().deleteCollectionNamespacedPersistentVolumeClaim({ namespace: ns, labelSelector: `e2e-pv=${run}` });
      await core().deleteCollectionPersistentVolume({ labelSelector: `e2e-pv=${run}` });
      await gone('pvc', () => core().readNamespacedPersistentVolumeClaim({ namespace: ns, name: `pvc-${run}-2` }));
      await gone('pv', () => core().readPersistentVolume({ name: `pv-${run}-2` }));
    });

    it('[sig-storage] PersistentVolumes CSI Conformance should apply changes to a pv/pvc status [Conformance]', async () => {
      const ns = await testNamespace(m, 'pv', { waitForServiceAccount: false });
      const run = suffix();
      await createPair(ns, run, '');
      const claimStatus = await eventually('a claim phase', async () => (await core().readNamespacedPersistentVolumeClaimStatus({ namespace: ns, name: `pvc-${run}` })).status?.phase);
      assert.ok(['Pending', 'Bound', 'Lost'].includes(claimStatus));
      const volumePhase = await eventually('a volume phase', async () => (await core().readPersistentVolumeStatus({ name: `pv-${run}` })).status?.phase);
      assert.ok(['Pending', 'Available', 'Bound', 'Released', 'Failed'].includes(volumePhase));
      const cond = { type: 'StatusPatched', status: 'True', reason: 'E2E', message: 'Set from an e2e test' };
      const pc = await core().patchNamespacedPersistentVolumeClaimStatus({ namespace: ns, name: `pvc-${run}`, body: { status: { conditions: [cond] } } }, MERGE_PATCH);
      assert.ok(pc.status?.conditions?.some((c) => c.type === 'StatusPatched'));
      const pp = await core().patchPersistentVolumeStatus({ name: `pv-${run}`, body: { status: { reason: 'E2EStatusPatched', message: 'patched' } } }, MERGE_PATCH);
      assert.deepEqual([pp.status?.reason, pp.status?.message], ['E2EStatusPatched', 'patched']);
      const uc = await retryOnConflict(async () => {
        const cur = await core().readNamespacedPersistentVolumeClaimStatus({ namespace: ns, name: `pvc-${run}` });
        cur.status = { ...cur.status, conditions: [...(cur.status?.conditions ?? []), { type: 'StatusUpdated', status: 'True', reason: 'E2E', message: 'updated' }] };
        return core().replaceNamespacedPersistentVolumeClaimStatus({ namespace: ns, name: `pvc-${run}`, body: cur });
      });
      assert.ok(uc.status?.conditions?.some((c) => c.type === 'StatusUpdated'));
      const up = await retryOnConflict(async () => {
        const cur = await core().readPersistentVolumeStatus({ name: `pv-${run}` });
        cur.status = { ...cur.status, reason: 'E2EStatusUpdated', message: 'updated' };
        return core().replacePersistentVolumeStatus({ name: `pv-${run}`, body: cur });
      });
      assert.deepEqual([up.status?.reason, up.status?.message], ['E2EStatusUpdated', 'updated']);
      await core().deleteNamespacedPersistentVolumeClaim({ namespace: ns, name: `pvc-${run}` });
      await core().deletePersistentVolume({ name: `pv-${run}` });
      await gone('pvc', () => core().readNamespacedPersistentVolumeClaim({ namespace: ns, name: `pvc-${run}` }));
      await gone('pv', () => core().readPersistentVolume({ name: `pv-${run}` }));
    });
  });
}
