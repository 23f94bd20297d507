// Mirrors of upstream's sig-auth ServiceAccount conformance tests that stay in the API (no token is
// mounted or used). Titles are upstream's codenames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { MERGE_PATCH, retryOnConflict, suffix, testNamespace, WatchLog, SUITE, type Mirror } from '../support.ts';

/** Registers these mirrors against the file's cluster `m`. */
export function serviceAccountMirrors(m: Mirror): void {
  const core = () => m.api(CoreV1Api);

  describe('sig-auth: ServiceAccounts', { ...SUITE, concurrency: true }, () => {
    it('[sig-auth] ServiceAccounts should run through the lifecycle of a ServiceAccount [Conformance]', async () => {
      const ns = await testNamespace(m, 'svcaccounts', { waitForServiceAccount: false });
      const name = `testserviceaccount-${suffix()}`;
      const w = await WatchLog.open(m.kc(), `/api/v1/namespaces/${ns}/serviceaccounts`, { labelSelector: 'test-serviceaccount-static=true' });
      try {
        await core().createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name, labels: { 'test-serviceaccount-static': 'true' } } } });
        await w.until('ADDED', (ev) => ev.some((e) => e.type === 'ADDED' && e.object.metadata?.labels?.['test-serviceaccount-static'] === 'true'));
        const patched = await core().patchNamespacedServiceAccount({ namespace: ns, name, body: { automountServiceAccountToken: false } }, MERGE_PATCH);
        assert.equal(patched.automountServiceAccountToken, false);
        const listed = await core().listServiceAccountForAllNamespaces({ labelSelector: 'test-serviceaccount-static=true' });
        assert.equal(listed.items.find((s) => s.metadata?.name === name)?.automountServiceAccountToken, false, 'listed with its patched value');
        await core().deleteCollectionNamespacedServiceAccount({ namespace: ns, labelSelector: 'test-serviceaccount-static=true' });
        await w.until('DELETED', (ev) => ev.some((e) => e.type === 'DELETED' && e.object.metadata?.name === name));
      } finally {
        w.stop();
      }
    });

    it('[sig-auth] ServiceAccounts should update a ServiceAccount [Conformance]', async () => {
      const ns = await testNamespace(m, 'svcaccounts', { waitForServiceAccount: false });
      await core().createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'e2e-sa-update' } } });
      const updated = await retryOnConflict(async () => {
        const cur = await core().readNamespacedServiceAccount({ namespace: ns, name: 'e2e-sa-update' });
        cur.automountServiceAccountToken = true;
        return core().replaceNamespacedServiceAccount({ namespace: ns, name: 'e2e-sa-update', body: cur });
      });
      assert.equal(updated.automountServiceAccountToken, true);
      assert.equal((await core().readNamespacedServiceAccount({ namespace: ns, name: 'e2e-sa-update' })).automountServiceAccountToken, true);
    });
  });
}
