// Mirrors of upstream's CustomResourceDefinition conformance tests about the CRD objects themselves:
// create/delete, list and deletecollection, discovery and watch. Titles are
// upstream's codenames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiextensionsV1Api, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { eventually, MERGE_PATCH, rawRequest, retryOnConflict, suffix, WatchLog, SUITE, type Mirror } from '../support.ts';

/** A random namespaced CRD in a test group, as upstream's fixtures make them. */
function randomCrd(labels: Record<string, string> = {}): V1CustomResourceDefinition {
  const kind = `E2e${suffix()}`;
  const plural = `${kind.toLowerCase()}s`;
  const group = 'mygroup.example.com';
  return {
    metadata: { name: `${plural}.${group}`, labels },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      versions: [{ name: 'v1beta1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } } }],
    },
  };
}

/** Registers these mirrors against the file's cluster `m`. */
export function crdMirrors(m: Mirror): void {
  const ext = () => m.api(ApiextensionsV1Api);
  const gone = (name: string) =>
    eventually(`CRD ${name} deleted`, async () => {
      try {
        await ext().readCustomResourceDefinition({ name });
        return undefined;
      } catch (err) {
        return (err as { code?: number }).code === 404 ? true : undefined;
      }
    });

  describe('sig-api-machinery: CustomResourceDefinition', { ...SUITE, concurrency: true }, () => {
    it('[sig-api-machinery] CustomResourceDefinition resources [Privileged:ClusterAdmin] Simple CustomResourceDefinition creating/deleting custom resource definition objects works [Conformance]', async () => {
      const crd = await ext().createCustomResourceDefinition({ body: randomCrd() });
      assert.ok(crd.metadata?.uid);
      await ext().deleteCustomResourceDefinition({ name: crd.metadata!.name! });
      await gone(crd.metadata!.name!);
    });

    it('[sig-api-machinery] CustomResourceDefinition resources [Privileged:ClusterAdmin] Simple CustomResourceDefinition getting/updating/patching custom resource definition status sub-resource works [Conformance]', async () => {
      const crd = await ext().createCustomResourceDefinition({ body: randomCrd() });
      const name = crd.metadata!.name!;
      const condition = (type: string) => ({ type, status: 'True', reason: 'E2E', message: 'Set from e2e test' });
      const has = async (type: string) => (await ext().readCustomResourceDefinitionStatus({ name })).status?.conditions?.some((c) => c.type === type);
      await retryOnConflict(async () => {
        const cur = await ext().readCustomResourceDefinitionStatus({ name });
        cur.status = { ...cur.status!, conditions: [...(cur.status?.conditions ?? []), condition('StatusUpdated')] };
        return ext().replaceCustomResourceDefinitionStatus({ name, body: cur });
      });
      assert.ok(await has('StatusUpdated'), 'the updated condition is read back');
      await ext().patchCustomResourceDefinitionStatus({ name, body: { status: { conditions: [condition('StatusPatched')] } } }, MERGE_PATCH);
      // Visible to subsequent reads, whatever the CRD controllers write meanwhile.
      for (let i = 0; i < 5; i++) {
        assert.ok(await has('StatusPatched'), `the patched condition is read back (read ${i + 1})`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await ext().deleteCustomResourceDefinition({ name });
      await gone(name);
    });

    it('[sig-api-machinery] CustomResourceDefinition resources [Privileged:ClusterAdmin] Simple CustomResourceDefinition listing custom resource definition objects works [Conformance]', async () => {
      const label = `e2e-list-test-${suffix()}`;
      const labelled = [];
      for (let i = 0; i < 10; i++) labelled.push(await ext().createCustomResourceDefinition({ body: randomCrd({ [label]: 'true' }) }));
      const other = await ext().createCustomResourceDefinition({ body: randomCrd() });
      const listed = await ext().listCustomResourceDefinition({ labelSelector: `${label}=true` });
      assert.deepEqual(listed.items.map((c) => c.metadata?.name).sort(), labelled.map((c) => c.metadata!.name!).sort(), 'only the labelled CRDs');
      await ext().deleteCollectionCustomResourceDefinition({ labelSelector: `${label}=true` });
      await eventually('labelled CRDs deleted', async () => ((await ext().listCustomResourceDefinition({ labelSelector: `${label}=true` })).items.length === 0 ? true : undefined));
      assert.ok(await ext().readCustomResourceDefinition({ name: other.metadata!.name! }), 'the unlabelled CRD stays');
      await ext().deleteCustomResourceDefinition({ name: other.metadata!.name! });
    });

    it('[sig-api-machinery] CustomResourceDefinition resources [Privileged:ClusterAdmin] should include custom resource definition resources in discovery documents [Conformance]', async () => {
      const apis = (await rawRequest(m, 'GET', '/apis')).json<{ groups: Array<{ name: string; preferredVersion: { version: string } }> }>();
      assert.equal(apis.groups.find((g) => g.name === 'apiextensions.k8s.io')?.preferredVersion.version, 'v1');
      const group = (await rawRequest(m, 'GET', '/apis/apiextensions.k8s.io')).json<{ versions: Array<{ groupVersion: string }> }>();
      assert.ok(group.versions.some((v) => v.groupVersion === 'apiextensions.k8s.io/v1'));
      const res = (await rawRequest(m, 'GET', '/apis/apiextensions.k8s.io/v1')).json<{ resources: Array<{ name: string }> }>();
      assert.ok(res.resources.some((r) => r.name === 'customresourcedefinitions'));
    });

    it('[sig-api-machinery] CustomResourceDefinition Watch [Privileged:ClusterAdmin] CustomResourceDefinition Watch watch on custom resource definition objects [Conformance]', async () => {
      const body = randomCrd();
      const name = body.metadata!.name!;
      const w = await WatchLog.open(m.kc(), '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { fieldSelector: `metadata.name=${name}` });
      try {
        await ext().createCustomResourceDefinition({ body });
        await w.until('ADDED', (ev) => ev.some((e) => e.type === 'ADDED'));
        await ext().patchCustomResourceDefinition({ name, body: { metadata: { labels: { modified: 'true' } } } }, MERGE_PATCH);
        await w.until('MODIFIED with the label', (ev) => ev.some((e) => e.type === 'MODIFIED' && e.object.metadata?.labels?.modified === 'true'));
        await ext().deleteCustomResourceDefinition({ name });
        await w.until('DELETED', (ev) => ev.some((e) => e.type === 'DELETED'));
      } finally {
        w.stop();
      }
    });
  });
}
