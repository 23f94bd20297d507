// The ClusterRole aggregation controller against a real API server: the bootstrap admin/edit/view
// roles filled from their aggregate-to-* roles, a new labelled role joining (and leaving) them, and
// no write when nothing changed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RbacAuthorizationV1Api, Watch, type V1ClusterRole, type V1PolicyRule } from '@kubernetes/client-node';
import { startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;
let rbac: RbacAuthorizationV1Api;

before(async () => {
  c = await startNodesCluster({ nodes: [], scheduler: false, controllers: ['clusterrole-aggregation-controller'] });
  rbac = c.kc.makeApiClient(RbacAuthorizationV1Api);
});
after(async () => c?.stop());

const T = { timeout: 30_000 };
const key = (r: V1PolicyRule) => JSON.stringify([r.apiGroups ?? [], r.resources ?? [], r.verbs, r.resourceNames ?? [], r.nonResourceURLs ?? []]);
const rulesOf = async (name: string) => (await rbac.readClusterRole({ name })).rules ?? [];

describe('clusterrole-aggregation controller', () => {
  it('fills view, edit and admin in upstream order: selector by selector, roles by name', T, async () => {
    const toView = await rulesOf('system:aggregate-to-view');
    const view = await waitFor('view aggregated', async () => {
      const r = await rulesOf('view');
      return r.length > 0 ? r : undefined;
    });
    assert.deepEqual(view.map(key), toView.map(key));
    // edit = rules of the roles labelled aggregate-to-edit, by name: system:aggregate-to-edit, then view.
    const toEdit = await rulesOf('system:aggregate-to-edit');
    const edit = await waitFor('edit aggregated', async () => {
      const r = await rulesOf('edit');
      return r.length === new Set([...toEdit, ...toView].map(key)).size ? r : undefined;
    });
    assert.deepEqual(edit.map(key), [...new Set([...toEdit, ...view].map(key))]);
    const admin = await waitFor('admin aggregated', async () => {
      const r = await rulesOf('admin');
      return r.length >= edit.length ? r : undefined;
    });
    const adminKeys = new Set(admin.map(key));
    for (const r of edit) assert.ok(adminKeys.has(key(r)), `admin lacks ${key(r)}`);
    assert.ok(admin.some((r) => r.resources?.includes('rolebindings')), 'admin has its own aggregate-to-admin rules');
  });

  it('a role labelled aggregate-to-view joins view (and so edit and admin), and leaves when unlabelled', T, async () => {
    const widgets: V1PolicyRule = { apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get', 'list', 'watch'] };
    await rbac.createClusterRole({
      body: { metadata: { name: 'widget-viewer', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }, rules: [widgets] },
    });
    for (const name of ['view', 'edit', 'admin']) {
      await waitFor(`${name} has the widget rule`, async () => (await rulesOf(name)).some((r) => key(r) === key(widgets)));
    }
    const cur = await rbac.readClusterRole({ name: 'widget-viewer' });
    cur.metadata!.labels = {};
    await rbac.replaceClusterRole({ name: 'widget-viewer', body: cur });
    await waitFor('view loses the widget rule', async () => !(await rulesOf('view')).some((r) => key(r) === key(widgets)));
  });

  it('a custom aggregated role is written once per change of its rules, not for unrelated roles', T, async () => {
    await rbac.createClusterRole({ body: { metadata: { name: 'part-a', labels: { team: 'a' } }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] } });
    await rbac.createClusterRole({ body: { metadata: { name: 'team-a' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { team: 'a' } }] } } });
    const filled = await waitFor('team-a aggregated', async () => {
      const r = await rbac.readClusterRole({ name: 'team-a' });
      return (r.rules ?? []).length === 1 ? r : undefined;
    });
    // Every write to team-a from here on, seen through a watch from the filled state.
    const writes: string[] = [];
    const watch = await new Watch(c.kc).watch(
      '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      { fieldSelector: 'metadata.name=team-a', resourceVersion: filled.metadata!.resourceVersion! },
      (type: string, obj: V1ClusterRole) => writes.push(`${type} ${(obj.rules ?? []).map((r) => r.resources?.[0]).join(',')}`),
      () => undefined,
    );
    try {
      // Picked by no selector: the controller wakes for it (any role may feed any aggregate) and finds nothing to do.
      await rbac.createClusterRole({ body: { metadata: { name: 'unrelated' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] } });
      await rbac.createClusterRole({ body: { metadata: { name: 'part-b', labels: { team: 'a' } }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] } });
      await waitFor('team-a grows', async () => writes.length > 0);
      // Roles by name within a selector: part-a's rules, then part-b's.
      assert.deepEqual(writes, ['MODIFIED configmaps,secrets']);
    } finally {
      watch.abort();
    }
  });
});
