// Server-side apply through @kubernetes/client-node 1.4 (PatchStrategy.ServerSideApply) against a real
// Wheelhouse on a real etcd: two managers sharing, conflicting over and forcing a ConfigMap's fields,
// create-on-apply, dry runs, and the option errors kube-apiserver answers with.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
  type V1ManagedFieldsEntry,
} from '@kubernetes/client-node';
import { kubeConfigForServer } from '../../src/client/kubeconfig.ts';
import { startTestCluster, type TestCluster } from '../../test/support/cluster.ts';

const APPLY = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const NS = 'default';

function cm(name: string, data: Record<string, string>, labels?: Record<string, string>): V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: labels ? { name, labels } : { name }, data };
}

/** The fieldsV1 of one manager's entry, and the entry's operation. */
function entry(obj: V1ConfigMap, manager: string): V1ManagedFieldsEntry | undefined {
  return obj.metadata?.managedFields?.find((e) => e.manager === manager);
}

async function apiError(fn: () => Promise<unknown>): Promise<{ code: number; body: { message?: string; reason?: string; details?: { causes?: unknown[] } } }> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof ApiException, `expected ApiException, got ${String(err)}`);
    const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
    return { code: err.code, body };
  }
  assert.fail('expected the request to fail');
}

describe('server-side apply with client-node', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  before(async () => {
    cluster = await startTestCluster();
    const kc = kubeConfigForServer(cluster.url);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
  });
  after(async () => cluster?.stop());

  const apply = (body: V1ConfigMap, fieldManager: string, force?: boolean, dryRun?: string) =>
    core.patchNamespacedConfigMap({ name: body.metadata!.name!, namespace: NS, body, fieldManager, force, dryRun }, APPLY);

  it('two managers share, conflict and force over one ConfigMap', async () => {
    const created = await apply(cm('shared', { a: '1' }, { team: 'x' }), 'alice');
    assert.deepEqual(created.data, { a: '1' });
    const a = entry(created, 'alice')!;
    assert.equal(a.operation, 'Apply');
    assert.equal(a.fieldsType, 'FieldsV1');
    assert.deepEqual(a.fieldsV1, { 'f:data': { 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:team': {} } } });

    const both = await apply(cm('shared', { b: '2' }), 'bob');
    assert.deepEqual(both.data, { a: '1', b: '2' });
    assert.deepEqual(entry(both, 'bob')!.fieldsV1, { 'f:data': { 'f:b': {} } });

    const clash = await apiError(() => apply(cm('shared', { a: '9', b: '2' }), 'bob'));
    assert.equal(clash.code, 409);
    assert.equal(clash.body.reason, 'Conflict');
    assert.equal(clash.body.message, 'Apply failed with 1 conflict: conflict with "alice": .data.a');
    assert.deepEqual(clash.body.details, { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.data.a' }] });

    const forced = await apply(cm('shared', { a: '9', b: '2' }), 'bob', true);
    assert.deepEqual(forced.data, { a: '9', b: '2' });
    assert.deepEqual(entry(forced, 'bob')!.fieldsV1, { 'f:data': { 'f:a': {}, 'f:b': {} } });
    assert.deepEqual(entry(forced, 'alice')!.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:team': {} } } });

    // Alice stops applying her label: no one else owns it, so it goes; bob's data stays.
    const pruned = await apply(cm('shared', {}), 'alice');
    assert.equal(pruned.metadata?.labels, undefined);
    assert.deepEqual(pruned.data, { a: '9', b: '2' });
  });

  it('a dry run computes but stores nothing', async () => {
    await apply(cm('dry', { a: '1' }), 'alice');
    const dry = await apply(cm('dry', { a: '2' }), 'alice', undefined, 'All');
    assert.deepEqual(dry.data, { a: '2' });
    const stored = await core.readNamespacedConfigMap({ name: 'dry', namespace: NS });
    assert.deepEqual(stored.data, { a: '1' });
    const none = await apply(cm('dry-new', { a: '1' }), 'alice', undefined, 'All');
    assert.equal(none.metadata?.name, 'dry-new');
    assert.equal((await apiError(() => core.readNamespacedConfigMap({ name: 'dry-new', namespace: NS }))).code, 404);
  });

  it('updates record their manager, and managedFields [{}] clears them', async () => {
    const made = await core.createNamespacedConfigMap({ namespace: NS, body: cm('upd', { a: '1' }), fieldManager: 'maker' });
    assert.equal(entry(made, 'maker')!.operation, 'Update');
    assert.equal(entry(made, 'maker')!.apiVersion, 'v1');
    const edited = await core.patchNamespacedConfigMap({ name: 'upd', namespace: NS, body: { data: { a: '2' } }, fieldManager: 'editor' }, MERGE);
    assert.deepEqual(entry(edited, 'editor')!.fieldsV1, { 'f:data': { 'f:a': {} } });
    // The creator keeps the map it added; the key it set moved to the editor.
    assert.deepEqual(entry(edited, 'maker')!.fieldsV1, { 'f:data': {} });
    const reset = await core.patchNamespacedConfigMap({ name: 'upd', namespace: NS, body: { metadata: { managedFields: [{}] } } }, MERGE);
    assert.equal(reset.metadata?.managedFields, undefined);
  });

  it('records the status and scale subresources, and the server\'s own writes', async () => {
    const body = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'sub' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'sub' } }, template: { metadata: { labels: { app: 'sub' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    };
    await apps.patchNamespacedDeployment({ name: 'sub', namespace: NS, body, fieldManager: 'deployer' }, APPLY);
    await apps.patchNamespacedDeploymentScale({ name: 'sub', namespace: NS, body: { spec: { replicas: 4 } }, fieldManager: 'scaler' }, MERGE);
    const status = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'sub' }, status: { observedGeneration: 2, replicas: 4 } };
    const d = await apps.patchNamespacedDeploymentStatus({ name: 'sub', namespace: NS, body: status, fieldManager: 'reporter' }, APPLY);
    const byManager = Object.fromEntries((d.metadata?.managedFields ?? []).map((e) => [e.manager!, e]));
    assert.deepEqual(Object.keys(byManager).sort(), ['deployer', 'reporter', 'scaler']);
    assert.equal(byManager.scaler!.subresource, 'scale');
    assert.equal(byManager.scaler!.operation, 'Update');
    assert.deepEqual(byManager.scaler!.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    // The scale write took replicas from the applier.
    assert.equal(byManager.deployer!.fieldsV1['f:spec']['f:replicas'], undefined);
    assert.equal(byManager.reporter!.subresource, 'status');
    assert.deepEqual(byManager.reporter!.fieldsV1, { 'f:status': { 'f:observedGeneration': {}, 'f:replicas': {} } });
    // Applying a Scale conflicts with the scale writer, and owns replicas once forced.
    const scale = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'sub' }, spec: { replicas: 6 } };
    const clash = await apiError(() => apps.patchNamespacedDeploymentScale({ name: 'sub', namespace: NS, body: scale, fieldManager: 'hpa' }, APPLY));
    assert.equal(clash.code, 409);
    assert.equal(clash.body.message, 'Apply failed with 1 conflict: conflict with "scaler" with subresource "scale" using apps/v1: .spec.replicas');
    const scaled = await apps.patchNamespacedDeploymentScale({ name: 'sub', namespace: NS, body: scale, fieldManager: 'hpa', force: true }, APPLY);
    assert.equal(scaled.spec?.replicas, 6);
    const after6 = await apps.readNamespacedDeployment({ name: 'sub', namespace: NS });
    const hpa = after6.metadata?.managedFields?.find((e) => e.manager === 'hpa');
    assert.deepEqual([hpa?.operation, hpa?.subresource, hpa?.fieldsV1], ['Apply', 'scale', { 'f:spec': { 'f:replicas': {} } }]);
    assert.equal(after6.metadata?.managedFields?.find((e) => e.manager === 'scaler'), undefined);
    const ns = await core.readNamespace({ name: 'default' });
    assert.deepEqual(ns.metadata?.managedFields?.map((e) => [e.manager, e.operation]), [['kube-apiserver', 'Update']]);
  });

  it('answers option errors as kube-apiserver does', async () => {
    const noManager = await apiError(() => core.patchNamespacedConfigMap({ name: 'x', namespace: NS, body: cm('x', {}) }, APPLY));
    assert.equal(noManager.code, 422);
    assert.equal(noManager.body.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const force = await apiError(() => core.patchNamespacedConfigMap({ name: 'x', namespace: NS, body: {}, force: true }, MERGE));
    assert.equal(force.body.message, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
    const long = await apiError(() => core.createNamespacedConfigMap({ namespace: NS, body: cm('y', {}), fieldManager: 'm'.repeat(129) }));
    assert.equal(long.code, 422);
    assert.match(long.body.message!, /^CreateOptions\.meta\.k8s\.io "" is invalid: fieldManager: Too long: /);
    const managed = await apiError(() => apply({ ...cm('z', {}), metadata: { name: 'z', managedFields: [] } }, 'alice'));
    assert.equal(managed.code, 400);
    assert.equal(managed.body.message, 'metadata.managedFields must be nil');
    const cbor = await apiError(() =>
      core.patchNamespacedConfigMap({ name: 'z', namespace: NS, body: {}, fieldManager: 'a' }, setHeaderOptions('Content-Type', 'application/apply-patch+cbor')),
    );
    assert.equal(cbor.code, 415);
    // YAML the client library would not send: repeated keys, and an item without its list-map key.
    const raw = async (yaml: string, query = 'fieldManager=m&fieldValidation=Strict', resource = 'pods') => {
      const res = await fetch(`${cluster.url}/api/v1/namespaces/${NS}/${resource}/raw?${query}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/apply-patch+yaml' },
        body: yaml,
      });
      return { code: res.status, warning: res.headers.get('warning'), body: (await res.json()) as { message: string } };
    };
    const dup = await raw('apiVersion: v1\nkind: Pod\nmetadata:\n  name: raw\nspec:\n  containers:\n  - name: c\n    image: a\n    image: b\n');
    assert.equal(dup.code, 400);
    assert.equal(dup.body.message, 'error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  line 9: key "image" already set in map');
    const warned = await raw('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: raw\ndata:\n  a: "1"\n  a: "2"\n', 'fieldManager=m&fieldValidation=Warn', 'configmaps');
    assert.equal(warned.code, 201);
    assert.equal(warned.warning, '299 - "line 7: key \\"a\\" already set in map"');
    const keyless = await raw('apiVersion: v1\nkind: Pod\nmetadata:\n  name: raw\nspec:\n  containers:\n  - image: a\n');
    assert.equal(keyless.code, 500);
    assert.equal(
      keyless.body.message,
      'failed to create typed patch object (/raw; /v1, Kind=Pod): .spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    );
  });
});
