import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../src/api/types.ts';
import type { FieldError } from '../../../src/api/field-errors.ts';
import { appsStrategies } from '../../../src/registry/apps/index.ts';
import { replicaSetStrategy as rs } from '../../../src/registry/apps/replicasets.ts';
import { statefulSetStrategy as sts } from '../../../src/registry/apps/statefulsets.ts';
import { daemonSetStrategy as ds } from '../../../src/registry/apps/daemonsets.ts';
import { controllerRevisionStrategy as cr } from '../../../src/registry/apps/controllerrevisions.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const msgs = (errs: FieldError[]) => errs.map((e) => e.toString());

function workload(kind: string, extra: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'web', namespace: 'default', uid: 'u1', creationTimestamp: '2024-04-30T12:00:00Z' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      ...extra,
    },
  };
}

test('index covers every apps resource', () => {
  assert.deepEqual(Object.keys(appsStrategies).sort(), ['controllerrevisions', 'daemonsets', 'deployments', 'replicasets', 'statefulsets']);
  for (const r of ['deployments', 'replicasets', 'statefulsets', 'daemonsets']) assert.equal(appsStrategies[r]!.tracksGeneration, true, r);
});

test('replicasets: defaults, validation, row, field selector', () => {
  const o = workload('ReplicaSet');
  rs.prepareForCreate!(o);
  assert.equal((o.spec as Record<string, unknown>).replicas, 1);
  assert.deepEqual(rs.validate!(o), []);
  o.status = { replicas: 2, readyReplicas: 1 };
  assert.deepEqual(rs.row!(o, NOW).cells, ['web', 1, 2, 1, '24h', 'c', 'nginx', 'app=web']);
  assert.equal(rs.fieldSelectors!['status.replicas']!(o), '2');
  const bad = workload('ReplicaSet', { selector: { matchExpressions: [{ key: 'app', operator: 'Bogus' }] } });
  rs.prepareForCreate!(bad);
  assert.deepEqual(msgs(rs.validate!(bad)), [
    'spec.selector.matchExpressions[0].operator: Invalid value: "Bogus": not a valid selector operator',
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"Bogus", Values:[]string(nil)}}}: invalid label selector',
  ]);
  assert.equal(rs.row!(bad, NOW).cells[7], '<error>');
  const noSel = workload('ReplicaSet', { selector: undefined });
  assert.equal(rs.row!(noSel, NOW).cells[7], '<none>');
});

test('statefulsets: defaults and printing', () => {
  const o = workload('StatefulSet', {
    serviceName: 'web',
    volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
  });
  sts.prepareForCreate!(o);
  const spec = o.spec as Record<string, unknown>;
  assert.equal(spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(spec.replicas, 1);
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.deepEqual(spec.volumeClaimTemplates, [
    {
      metadata: { name: 'www', creationTimestamp: null },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    },
  ]);
  assert.deepEqual(sts.validate!(o), []);
  assert.equal(sts.nameRule, 'label');
  o.status = { readyReplicas: 1 };
  assert.deepEqual(sts.row!(o, NOW).cells, ['web', '1/1', '24h', 'c', 'nginx']);
  assert.deepEqual(
    sts.columns!.map((c) => c.name),
    ['Name', 'Ready', 'Age', 'Containers', 'Images'],
  );
  // OnDelete keeps no rollingUpdate.
  const od = workload('StatefulSet', { updateStrategy: { type: 'OnDelete' } });
  sts.prepareForCreate!(od);
  assert.deepEqual((od.spec as Record<string, unknown>).updateStrategy, { type: 'OnDelete' });
});

test('statefulsets: validation and forbidden updates', () => {
  const o = workload('StatefulSet', { podManagementPolicy: 'Sometimes', selector: { matchLabels: { app: 'x' } } });
  sts.prepareForCreate!(o);
  (o.spec as { template: { spec: Record<string, unknown> } }).template.spec.restartPolicy = 'Never';
  assert.deepEqual(msgs(sts.validate!(o)), [
    `spec.podManagementPolicy: Invalid value: "Sometimes": must be 'OrderedReady' or 'Parallel'`,
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
  ]);
  const old = workload('StatefulSet', { serviceName: 'a' });
  sts.prepareForCreate!(old);
  const next = workload('StatefulSet', { serviceName: 'b', replicas: 5 });
  sts.prepareForUpdate!(next, old);
  assert.deepEqual(msgs(sts.validateUpdate!(next, old)), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
  const scaled = workload('StatefulSet', { serviceName: 'a', replicas: 5 });
  sts.prepareForUpdate!(scaled, old);
  assert.deepEqual(sts.validateUpdate!(scaled, old), []);
});

test('daemonsets: defaults, template generation annotation, validation, printing', () => {
  const o = workload('DaemonSet');
  (o.spec as { template: { spec: Record<string, unknown> } }).template.spec.nodeSelector = { 'kubernetes.io/os': 'linux', disk: 'ssd' };
  ds.prepareForCreate!(o);
  const spec = o.spec as Record<string, unknown>;
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(o.metadata.annotations?.['deprecated.daemonset.template.generation'], '1');
  assert.deepEqual(ds.validate!(o), []);
  o.status = { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 };
  assert.deepEqual(ds.row!(o, NOW).cells, ['web', 3, 3, 2, 3, 2, 'disk=ssd,kubernetes.io/os=linux', '24h', 'c', 'nginx', 'app=web']);
  assert.equal(ds.columns!.length, 11);
  assert.equal(ds.columns![6]!.name, 'Node Selector');

  // Template change bumps the annotation; other changes keep it.
  const next = structuredClone(o);
  delete next.metadata.annotations;
  ((next.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0]!).image = 'nginx:2';
  ds.prepareForUpdate!(next, o);
  assert.equal(next.metadata.annotations?.['deprecated.daemonset.template.generation'], '2');
  const same = structuredClone(o);
  ds.prepareForUpdate!(same, o);
  assert.equal(same.metadata.annotations?.['deprecated.daemonset.template.generation'], '1');

  const bad = workload('DaemonSet', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '10%' } } });
  ds.prepareForCreate!(bad);
  assert.deepEqual(msgs(ds.validate!(bad)), [
    'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"10%"}: may not be set when maxUnavailable is non-zero',
  ]);
  const noSel = workload('DaemonSet', { selector: undefined });
  ds.prepareForCreate!(noSel);
  assert.deepEqual(msgs(ds.validate!(noSel)), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
});

test('controllerrevisions: validation and printing', () => {
  const o: KObject = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: 'web-5d9f',
      namespace: 'default',
      creationTimestamp: '2024-05-01T11:00:00Z',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }],
    },
    data: { spec: {} },
    revision: 2,
  };
  assert.deepEqual(cr.validate!(o), []);
  assert.deepEqual(cr.row!(o, NOW).cells, ['web-5d9f', 'statefulset.apps/web', 2, '60m']);
  assert.deepEqual(
    cr.columns!.map((c) => c.name),
    ['Name', 'Controller', 'Revision', 'Age'],
  );
  const orphan: KObject = { metadata: { name: 'x' }, revision: -1 };
  cr.prepareForCreate!(orphan);
  assert.deepEqual(msgs(cr.validate!(orphan)), [
    'data: Required value: data is mandatory',
    'revision: Invalid value: -1: must be greater than or equal to 0',
  ]);
  assert.equal(cr.row!(orphan, NOW).cells[1], '<none>');
  const core: KObject = { metadata: { name: 'y', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u', controller: true }] } };
  assert.equal(cr.row!(core, NOW).cells[1], 'pod/p');
  const changed = structuredClone(o);
  changed.data = { spec: { x: 1 } };
  assert.deepEqual(msgs(cr.validateUpdate!(changed, o)), ['data: Invalid value: field is immutable']);
});
