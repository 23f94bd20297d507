// The field manager on the built-in schemas: who owns what after creates, updates and applies,
// conflicts and forced transfers, pruning of fields an applier stops applying, list and map types,
// the Update-entry cap, resets, fields the strategy resets, and the client-side-apply upgrade.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CATALOG } from '../../src/api/catalog.ts';
import { StatusError } from '../../src/api/errors.ts';
import { schemaForKind } from '../../src/api/schema/index.ts';
import type { KObject, ManagedFieldsEntry } from '../../src/api/types.ts';
import { FieldSet } from '../../src/managedfields/field-set.ts';
import { applyConfig, fieldsScope, ignoreTimestampOnlyChanges, trackUpdate, type FieldsScope } from '../../src/managedfields/field-manager.ts';
import { LAST_APPLIED } from '../../src/managedfields/last-applied.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function scope(kind: string, subresource = ''): FieldsScope {
  const decl = CATALOG.find((d) => d.kind === kind && d.group !== 'events.k8s.io')!;
  return fieldsScope(decl, schemaForKind(decl.group, decl.version, decl.kind), subresource);
}
const DEPLOY = scope('Deployment');
const CM = scope('ConfigMap');
const POD = scope('Pod');

function deployment(extra: Json = {}): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns', labels: { app: 'web' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1' }] } },
      ...extra,
    },
  };
}

/** A create by `manager`, stored (given a uid) as the store would. */
function created(s: FieldsScope, obj: KObject, manager: string): KObject {
  const o = structuredClone(obj);
  trackUpdate(s, undefined, o, manager);
  o.metadata.uid = 'uid-1';
  return o;
}

function update(s: FieldsScope, live: KObject, change: (o: Json) => void, manager: string): KObject {
  const next = structuredClone(live);
  change(next);
  trackUpdate(s, live, next, manager);
  return next;
}

function owned(obj: KObject, manager: string, operation?: string): string[] {
  const e = (obj.metadata.managedFields ?? []).find((m) => m.manager === manager && (!operation || m.operation === operation));
  return e ? FieldSet.fromFieldsV1(e.fieldsV1).toStrings() : [];
}

const managers = (obj: KObject) => (obj.metadata.managedFields ?? []).map((e) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}`);

function conflictOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  assert.fail('expected a conflict');
}

describe('updates', () => {
  it('a create records what the creator set, with upstream entry fields', () => {
    const o = created(DEPLOY, deployment(), 'kubectl-create');
    const [e] = o.metadata.managedFields as ManagedFieldsEntry[];
    assert.deepEqual(Object.keys(e!), ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']);
    assert.match(e!.time!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // Value structs of the zero Deployment (spec, template, its metadata) get no `.` of their own; labels do.
    assert.equal(
      JSON.stringify(e!.fieldsV1),
      '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}',
    );
  });

  it('an update takes the fields it changes and merges with its earlier entry', () => {
    const o = created(DEPLOY, deployment(), 'creator');
    const u1 = update(DEPLOY, o, (x) => (x.spec.replicas = 3), 'scaler');
    assert.deepEqual(owned(u1, 'scaler'), ['.spec.replicas']);
    assert.ok(!owned(u1, 'creator').includes('.spec.replicas'));
    const u2 = update(DEPLOY, u1, (x) => (x.metadata.labels.tier = 'front'), 'scaler');
    assert.deepEqual(owned(u2, 'scaler'), ['.metadata.labels.tier', '.spec.replicas']);
    // A write that changes nothing leaves the entries as they were.
    const same = update(DEPLOY, u2, () => undefined, 'someone');
    assert.deepEqual(same.metadata.managedFields, u2.metadata.managedFields);
  });

  it('removed fields leave every manager', () => {
    const o = created(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1', b: '2' } }, 'creator');
    const u = update(CM, o, (x) => delete x.data.b, 'editor');
    assert.deepEqual(owned(u, 'creator'), ['.data', '.data.a']);
    assert.deepEqual(owned(u, 'editor'), []);
  });

  it('managedFields [{}] or [] resets them, and an object without them stays so on update', () => {
    const o = created(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } }, 'creator');
    for (const reset of [[{}], []]) {
      const u = update(CM, o, (x) => (x.metadata.managedFields = reset), 'editor');
      assert.equal(u.metadata.managedFields, undefined);
      const again = update(CM, u, (x) => (x.data.a = '2'), 'editor');
      assert.equal(again.metadata.managedFields, undefined);
    }
  });

  it('invalid managedFields in a request fall back to the stored ones; valid ones replace them', () => {
    const o = created(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } }, 'creator');
    const bad = update(CM, o, (x) => (x.metadata.managedFields = [{ manager: 'x', operation: 'Bogus', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} }]), 'editor');
    assert.deepEqual(managers(bad), ['creator/Update']);
    const mine = [{ manager: 'mine', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }];
    const good = update(CM, o, (x) => (x.metadata.managedFields = mine), 'editor');
    assert.deepEqual(managers(good), ['mine/Apply']);
  });

  it('caps Update entries at 10, merging the oldest per version into ancient-changes', () => {
    let o = created(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {} }, 'm0');
    // Entries differ in time only by the second, so order them by giving each a distinct older time.
    for (let i = 1; i <= 11; i++) {
      o = update(CM, o, (x) => (x.data[`k${i}`] = 'v'), `m${i}`);
      const e = o.metadata.managedFields!.find((m) => m.manager === `m${i}`)!;
      e.time = new Date(Date.UTC(2020, 0, 1, 0, 0, i)).toISOString().replace('.000Z', 'Z');
    }
    o = update(CM, o, (x) => (x.data.k12 = 'v'), 'm12');
    const names = o.metadata.managedFields!.map((e) => e.manager);
    assert.equal(names.length, 10);
    assert.ok(names.includes('ancient-changes'));
    // Each merge into the bucket removes one entry: the four oldest end up in it.
    assert.ok(['m1', 'm2', 'm3', 'm4'].every((m) => !names.includes(m)) && names.includes('m5'));
    assert.deepEqual(owned(o, 'ancient-changes'), ['.data.k1', '.data.k2', '.data.k3', '.data.k4']);
  });

  it('a status write owns status only; the main resource never owns status', () => {
    const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] }, status: { phase: 'Pending' } };
    const o = created(POD, pod, 'creator');
    assert.ok(!owned(o, 'creator').some((p) => p.startsWith('.status')));
    const s = update(scope('Pod', 'status'), o, (x) => {
      x.status.phase = 'Running';
      x.spec.nodeName = 'n1';
    }, 'kubelet');
    assert.deepEqual(owned(s, 'kubelet'), ['.status.phase']);
    assert.equal(s.metadata.managedFields!.find((e) => e.manager === 'kubelet')!.subresource, 'status');
  });

  it('a write changing only managed-field times is not a change', () => {
    const o = created(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } }, 'creator');
    const next = structuredClone(o);
    next.metadata.managedFields![0]!.time = '2000-01-01T00:00:00Z';
    ignoreTimestampOnlyChanges(next, o);
    assert.equal(next.metadata.managedFields, o.metadata.managedFields);
  });
});

describe('apply', () => {
  const cfg = (spec: Json, meta: Json = {}): KObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'ns', ...meta }, spec });

  it('creates with exactly the configuration owned', () => {
    const o = applyConfig(DEPLOY, undefined, deployment(), 'kubectl', false);
    assert.deepEqual(managers(o), ['kubectl/Apply']);
    assert.deepEqual(Object.keys(o.metadata.managedFields![0]!), ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']);
    assert.equal(
      JSON.stringify(o.metadata.managedFields![0]!.fieldsV1),
      '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}',
    );
  });

  it('conflicts with another manager, as upstream words it, and moves ownership when forced', () => {
    const live = created(DEPLOY, deployment(), 'kubectl-client-side-apply');
    const err = conflictOf(() => applyConfig(DEPLOY, live, cfg({ replicas: 3 }), 'ssa', false));
    assert.equal(err.code, 409);
    assert.equal(err.status.reason, 'Conflict');
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    assert.deepEqual(err.status.details, {
      causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }],
    });
    // The same value is no conflict: both own it.
    const shared = applyConfig(DEPLOY, live, cfg({ replicas: 1 }), 'ssa', false);
    assert.ok(owned(shared, 'kubectl-client-side-apply').includes('.spec.replicas'));
    const forced = applyConfig(DEPLOY, live, cfg({ replicas: 3 }), 'ssa', true);
    assert.equal((forced.spec as Json).replicas, 3);
    assert.deepEqual(owned(forced, 'ssa'), ['.spec.replicas']);
    assert.ok(!owned(forced, 'kubectl-client-side-apply').includes('.spec.replicas'));
  });

  it('lists several conflicts per manager in name order', () => {
    let live = applyConfig(DEPLOY, undefined, deployment(), 'b-owner', false);
    live.metadata.uid = 'u';
    live = applyConfig(DEPLOY, live, cfg({ minReadySeconds: 5 }, { labels: { x: '1' } }), 'a-owner', false);
    const err = conflictOf(() => applyConfig(DEPLOY, live, cfg({ replicas: 4, minReadySeconds: 6 }, { labels: { x: '2' } }), 'c', false));
    assert.equal(
      err.message,
      'Apply failed with 3 conflicts: conflicts with "a-owner":\n- .metadata.labels.x\n- .spec.minReadySeconds\nconflicts with "b-owner":\n- .spec.replicas',
    );
    assert.equal(err.status.details!.causes!.length, 3);
  });

  it('prunes what an applier stops applying unless someone else owns it', () => {
    let live = applyConfig(CM, undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: '1', b: '2' } }, data: { x: '1', y: '2' } }, 'one', false);
    live.metadata.uid = 'u';
    live = applyConfig(CM, live, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { b: '2' } } }, 'two', false);
    const next = applyConfig(CM, live, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: '1' } }, data: { x: '1' } }, 'one', false);
    assert.deepEqual(next.metadata.labels, { a: '1', b: '2' });
    assert.deepEqual(next.data, { x: '1' });
    // Applying nothing of a map removes the map once no one owns any of it.
    const empty = applyConfig(CM, next, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, 'one', false);
    assert.equal(empty.data, undefined);
    assert.deepEqual(empty.metadata.labels, { b: '2' });
  });

  it('keeps fields other managers own below a field it stops applying whole', () => {
    // A client-side-apply set upgraded to this applier owns `.metadata.labels` itself; the new
    // configuration owns only the label inside, which must survive.
    let live = created(DEPLOY, deployment(), 'kubectl-client-side-apply');
    live.metadata.managedFields = live.metadata.managedFields!.map((e) => ({ ...e, manager: 'kubectl', operation: 'Apply' }));
    live = applyConfig(DEPLOY, live, deployment(), 'kubectl', false);
    assert.deepEqual(live.metadata.labels, { app: 'web' });
    assert.deepEqual((live.spec as Json).template.metadata.labels, { app: 'web' });
  });

  describe('list and map types', () => {
    const podCfg = (containers: Json[], extra: Json = {}): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers, ...extra } });
    it('map lists (containers by name) are shared item by item', () => {
      let live = applyConfig(POD, undefined, podCfg([{ name: 'a', image: 'a:1' }]), 'one', false);
      live.metadata.uid = 'u';
      live = applyConfig(POD, live, podCfg([{ name: 'b', image: 'b:1' }]), 'two', false);
      assert.deepEqual((live.spec as Json).containers.map((c: Json) => c.name), ['a', 'b']);
      assert.deepEqual(owned(live, 'two'), ['.spec.containers[name="b"]', '.spec.containers[name="b"].image', '.spec.containers[name="b"].name']);
      const err = conflictOf(() => applyConfig(POD, live, podCfg([{ name: 'a', image: 'a:2' }]), 'two', false));
      assert.match(err.message, /conflict with "one": \.spec\.containers\[name="a"\]\.image$/);
    });
    it('set lists (finalizers) are shared value by value', () => {
      const meta = (f: string[]) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: f } });
      let live = applyConfig(CM, undefined, meta(['x/a']), 'one', false);
      live.metadata.uid = 'u';
      live = applyConfig(CM, live, meta(['x/b']), 'two', false);
      assert.deepEqual(live.metadata.finalizers, ['x/a', 'x/b']);
      assert.deepEqual(owned(live, 'two'), ['.metadata.finalizers[="x/b"]']);
      live = applyConfig(CM, live, meta([]), 'one', false);
      assert.deepEqual(live.metadata.finalizers, ['x/b']);
    });
    it('atomic lists (args) and atomic structs (selector) are owned whole', () => {
      let live = applyConfig(POD, undefined, podCfg([{ name: 'a', image: 'i', args: ['1', '2'] }]), 'one', false);
      live.metadata.uid = 'u';
      assert.ok(owned(live, 'one').includes('.spec.containers[name="a"].args'));
      const err = conflictOf(() => applyConfig(POD, live, podCfg([{ name: 'a', args: ['1'] }]), 'two', false));
      assert.match(err.message, /\.spec\.containers\[name="a"\]\.args$/);
      const d = applyConfig(DEPLOY, undefined, deployment(), 'one', false);
      assert.ok(owned(d, 'one').includes('.spec.selector'));
      assert.ok(!owned(d, 'one').includes('.spec.selector.matchLabels'));
    });
    it('ports key on containerPort and protocol, protocol defaulting to TCP', () => {
      const live = applyConfig(POD, undefined, podCfg([{ name: 'a', image: 'i', ports: [{ containerPort: 80 }] }]), 'one', false);
      assert.ok(owned(live, 'one').includes('.spec.containers[name="a"].ports[containerPort=80,protocol="TCP"]'));
    });
  });

  it('refuses managedFields, another kind, and items without their keys as upstream does', () => {
    assert.throws(() => applyConfig(CM, undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', managedFields: [] } }, 'm', false), {
      message: 'metadata.managedFields must be nil',
    });
    assert.throws(() => applyConfig(CM, undefined, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c' } }, 'm', false), {
      message: 'invalid object type: /v1, Kind=Secret',
    });
    assert.throws(() => applyConfig(POD, undefined, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd' }, spec: { containers: [{ image: 'x' }], bogus: 1 } }, 'm', false), {
      message:
        'failed to create typed patch object (d/p; /v1, Kind=Pod): errors:\n  .spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)\n  .spec.bogus: field not declared in schema',
    });
  });

  it('refuses repeated list-map keys in a configuration', () => {
    const twice = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a' }, { name: 'a', image: 'x' }] } };
    assert.throws(() => applyConfig(POD, undefined, twice, 'm', false), {
      message: 'failed to create typed patch object (/p; /v1, Kind=Pod): .spec.containers: duplicate entries for key [name="a"]',
    });
  });

  it('fields the main resource resets (status) are neither owned nor conflicting', () => {
    const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    let live = created(POD, pod, 'creator');
    live = update(scope('Pod', 'status'), live, (x) => (x.status = { phase: 'Running' }), 'kubelet');
    const applied = applyConfig(POD, live, { ...pod, status: { phase: 'Failed' } }, 'ssa', false);
    assert.ok(!owned(applied, 'ssa').some((p) => p.startsWith('.status')));
  });

  it('upgrades from client-side apply: kubectl may take what its annotation applied, and the annotation follows', () => {
    const csa = deployment();
    const annotated = structuredClone(csa);
    annotated.metadata.annotations = { [LAST_APPLIED]: JSON.stringify(csa) };
    const live = created(DEPLOY, annotated, 'kubectl-client-side-apply');
    const next = cfg({ replicas: 3, selector: { matchLabels: { app: 'web' } }, template: (csa.spec as Json).template }, { labels: { app: 'web' } });
    // Another manager name gets the conflict; kubectl does not, since the annotation shows it applied replicas.
    assert.equal(conflictOf(() => applyConfig(DEPLOY, live, next, 'other', false)).code, 409);
    const applied = applyConfig(DEPLOY, live, next, 'kubectl', false);
    assert.equal((applied.spec as Json).replicas, 3);
    assert.equal(
      applied.metadata.annotations![LAST_APPLIED],
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"web"},"name":"web","namespace":"ns"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1","name":"nginx"}]}}}}\n',
    );
    // A field the annotation does not show with the live value stays a conflict.
    const changed = structuredClone(live);
    (changed.spec as Json).replicas = 7;
    assert.equal(conflictOf(() => applyConfig(DEPLOY, changed, next, 'kubectl', false)).code, 409);
  });

  it('an object without managed fields gets a before-first-apply owner for what it holds', () => {
    const live = created(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } }, 'x');
    delete live.metadata.managedFields;
    const err = conflictOf(() => applyConfig(CM, live, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '2' } }, 'm', false));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.a');
  });
});
