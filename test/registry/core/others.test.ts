import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../src/api/types.ts';
import { CATALOG } from '../../../src/api/catalog.ts';
import { coreStrategies } from '../../../src/registry/core/index.ts';
import { namespaceStrategy } from '../../../src/registry/core/namespaces.ts';
import { configMapStrategy } from '../../../src/registry/core/configmaps.ts';
import { secretStrategy } from '../../../src/registry/core/secrets.ts';
import { serviceAccountStrategy } from '../../../src/registry/core/serviceaccounts.ts';
import { eventStrategy } from '../../../src/registry/core/events.ts';
import { replicationControllerStrategy } from '../../../src/registry/core/replicationcontrollers.ts';
import { persistentVolumeStrategy } from '../../../src/registry/core/persistentvolumes.ts';
import { persistentVolumeClaimStrategy } from '../../../src/registry/core/persistentvolumeclaims.ts';
import { resourceQuotaStrategy } from '../../../src/registry/core/resourcequotas.ts';
import { limitRangeStrategy } from '../../../src/registry/core/limitranges.ts';
import { podTemplateStrategy } from '../../../src/registry/core/podtemplates.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const CREATED = '2024-05-01T11:00:00Z';
const msgs = (errs: { toString(): string }[]) => errs.map((e) => e.toString());
const m = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: CREATED, ...extra });

test('every core resource in the catalog has a strategy', () => {
  const core = CATALOG.filter((d) => d.group === '' && d.resource !== 'bindings').map((d) => d.resource).sort();
  assert.deepEqual(Object.keys(coreStrategies).sort(), core);
  for (const [name, s] of Object.entries(coreStrategies)) {
    assert.ok(s.columns && s.row, `${name} prints a table`);
  }
});

test('namespaces', () => {
  const ns: KObject = { metadata: { name: 'team-a', labels: { env: 'dev' } } };
  namespaceStrategy.prepareForCreate!(ns);
  assert.deepEqual(ns.metadata.labels, { env: 'dev', 'kubernetes.io/metadata.name': 'team-a' });
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(ns.status, { phase: 'Active' });
  ns.metadata.creationTimestamp = CREATED;
  assert.deepEqual(namespaceStrategy.row!(ns, NOW).cells, ['team-a', 'Active', '60m']);
  assert.equal(namespaceStrategy.fieldSelectors!['status.phase']!(ns), 'Active');
  assert.equal(namespaceStrategy.nameRule, 'label');

  const upd: KObject = { metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'other' } }, spec: { finalizers: [] }, status: { phase: 'Terminating' } };
  namespaceStrategy.prepareForUpdate!(upd, ns);
  assert.deepEqual(upd.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' });
  assert.deepEqual(upd.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(upd.status, { phase: 'Active' });
});

test('configmaps', () => {
  const cm: KObject = { metadata: m('cfg'), data: { a: '1', 'b.txt': 'x' }, binaryData: { c: 'AAEC' } };
  assert.deepEqual(configMapStrategy.row!(cm, NOW).cells, ['cfg', 3, '60m']);
  assert.deepEqual(msgs(configMapStrategy.validate!(cm)), []);
  const bad: KObject = { metadata: m('cfg'), data: { 'bad key': 'x', dup: '1' }, binaryData: { dup: 'AA==' } };
  assert.deepEqual(msgs(configMapStrategy.validate!(bad)), [
    "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    'data[dup]: Invalid value: "dup": duplicate of key present in binaryData',
    'binaryData[dup]: Invalid value: "dup": duplicate of key present in data',
  ]);
  const old: KObject = { metadata: m('cfg'), immutable: true, data: { a: '1' } };
  const next: KObject = { metadata: m('cfg'), data: { a: '2' } };
  assert.deepEqual(msgs(configMapStrategy.validateUpdate!(next, old)), [
    'immutable: Forbidden: field is immutable when `immutable` is set',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  assert.equal(configMapStrategy.tracksGeneration, undefined);
});

test('secrets', () => {
  const s: KObject = { metadata: m('tok'), stringData: { password: 'hunter2' }, data: { user: 'YWRtaW4=' } };
  secretStrategy.prepareForCreate!(s);
  assert.equal(s.type, 'Opaque');
  assert.equal(s.stringData, undefined);
  assert.deepEqual(s.data, { user: 'YWRtaW4=', password: Buffer.from('hunter2').toString('base64') });
  assert.deepEqual(secretStrategy.row!(s, NOW).cells, ['tok', 'Opaque', 2, '60m']);
  assert.equal(secretStrategy.fieldSelectors!.type!(s), 'Opaque');

  const tls: KObject = { metadata: m('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } };
  assert.deepEqual(msgs(secretStrategy.validate!(tls)), ['data[tls.key]: Required value']);
  const sa: KObject = { metadata: m('sa'), type: 'kubernetes.io/service-account-token' };
  assert.deepEqual(msgs(secretStrategy.validate!(sa)), ['metadata.annotations[kubernetes.io/service-account.name]: Required value']);
  const docker: KObject = { metadata: m('d'), type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from('{oops').toString('base64') } };
  assert.deepEqual(msgs(secretStrategy.validate!(docker)), [
    'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character \'{\' looking for beginning of value',
  ]);
  assert.deepEqual(msgs(secretStrategy.validateUpdate!(tls, s)), ['type: Invalid value: "kubernetes.io/tls": field is immutable']);
});

test('serviceaccounts', () => {
  const sa: KObject = { metadata: m('builder'), secrets: [{ name: 'a', namespace: 'x', uid: 'u' }, { name: 'b' }] };
  serviceAccountStrategy.prepareForCreate!(sa);
  assert.deepEqual(sa.secrets, [{ name: 'a' }, { name: 'b' }]);
  assert.deepEqual(serviceAccountStrategy.row!(sa, NOW).cells, ['builder', 2, '60m']);
});

test('events', () => {
  const ev: KObject = {
    metadata: m('p.17c'),
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'p', fieldPath: 'spec.containers{a}' },
    reason: 'Pulled',
    message: 'Successfully pulled image  \n',
    type: 'Normal',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2024-05-01T11:50:00Z',
    lastTimestamp: '2024-05-01T11:58:00Z',
    count: 3,
  };
  eventStrategy.prepareForCreate!(ev);
  assert.deepEqual(eventStrategy.columns!.map((c) => [c.name, c.priority]), [
    ['Last Seen', 0],
    ['Type', 0],
    ['Reason', 0],
    ['Object', 0],
    ['Subobject', 1],
    ['Source', 1],
    ['Message', 0],
    ['First Seen', 1],
    ['Count', 1],
    ['Name', 1],
  ]);
  assert.deepEqual(eventStrategy.row!(ev, NOW).cells, [
    '2m',
    'Normal',
    'Pulled',
    'pod/p',
    'spec.containers{a}',
    'kubelet, node-1',
    'Successfully pulled image',
    '10m',
    3,
    'p.17c',
  ]);
  assert.equal(ev.reportingComponent, '');
  assert.equal(ev.eventTime, null);
  assert.deepEqual(msgs(eventStrategy.validate!(ev)), []);

  const modern: KObject = {
    metadata: m('x'),
    involvedObject: { kind: 'Node', name: 'node-1' },
    eventTime: '2024-05-01T11:59:00.123456Z',
    reportingComponent: 'kubelet',
    reportingInstance: 'node-1',
    series: { count: 5, lastObservedTime: '2024-05-01T11:59:30.000000Z' },
    reason: 'Ready',
    action: 'Check',
  };
  eventStrategy.prepareForCreate!(modern);
  assert.deepEqual(eventStrategy.row!(modern, NOW).cells.slice(0, 9), ['30s', '', 'Ready', 'node/node-1', '', 'kubelet, node-1', '', '59s', 5]);
  assert.equal(eventStrategy.fieldSelectors!.source!(modern), 'kubelet');
  assert.equal(eventStrategy.fieldSelectors!['involvedObject.kind']!(modern), 'Node');

  const wrongNs: KObject = { metadata: m('x', { namespace: 'team' }), involvedObject: { kind: 'Pod', namespace: 'other', name: 'p' } };
  assert.deepEqual(msgs(eventStrategy.validate!(wrongNs)), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
  const incomplete: KObject = { metadata: m('x'), involvedObject: { namespace: 'default' }, eventTime: '2024-05-01T11:59:00.000000Z' };
  assert.deepEqual(msgs(eventStrategy.validate!(incomplete)), [
    'reportingComponent: Required value',
    "reportingComponent: Invalid value: \"\": name part must be non-empty",
    "reportingComponent: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    'reportingInstance: Required value',
    'action: Required value',
    'reason: Required value',
  ]);
  assert.equal(eventStrategy.nameRule, 'path');
});

test('replicationcontrollers', () => {
  const rc: KObject = {
    metadata: m('web'),
    spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'redis:7' }] } } },
  };
  replicationControllerStrategy.prepareForCreate!(rc);
  const spec = rc.spec as Record<string, any>;
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.selector, { app: 'web' });
  assert.deepEqual(rc.metadata.labels, { app: 'web' });
  assert.equal(spec.template.spec.restartPolicy, 'Always');
  assert.equal(spec.template.spec.enableServiceLinks, undefined);
  assert.equal(spec.template.spec.containers[0].imagePullPolicy, 'Always');
  assert.deepEqual(rc.status, { replicas: 0 });
  assert.deepEqual(msgs(replicationControllerStrategy.validate!(rc)), []);
  (rc.status as any).readyReplicas = 0;
  assert.deepEqual(replicationControllerStrategy.row!(rc, NOW).cells, ['web', 1, 0, 0, '60m', 'a,b', 'nginx,redis:7', 'app=web']);
  assert.equal(replicationControllerStrategy.fieldSelectors!['status.replicas']!(rc), '0');
  assert.equal(replicationControllerStrategy.tracksGeneration, true);

  const bad: KObject = {
    metadata: m('web'),
    spec: { replicas: -1, selector: { app: 'x' }, template: { metadata: { labels: { app: 'web', tier: 'a' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'a', image: 'x' }] } } },
  };
  replicationControllerStrategy.prepareForCreate!(bad);
  assert.deepEqual(msgs(replicationControllerStrategy.validate!(bad)), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.template.metadata.labels: Invalid value: {"app":"web","tier":"a"}: `selector` does not match template `labels`',
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
  ]);
  const none: KObject = { metadata: m('web'), spec: {} };
  replicationControllerStrategy.prepareForCreate!(none);
  assert.deepEqual(msgs(replicationControllerStrategy.validate!(none)), ['spec.selector: Required value', 'spec.template: Required value']);
});

test('persistentvolumes', () => {
  const pv: KObject = {
    metadata: { name: 'pv1', creationTimestamp: CREATED },
    spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], hostPath: { path: '/data' }, storageClassName: 'manual' },
  };
  persistentVolumeStrategy.prepareForCreate!(pv);
  assert.equal((pv.spec as any).persistentVolumeReclaimPolicy, 'Retain');
  assert.equal((pv.spec as any).volumeMode, 'Filesystem');
  assert.equal((pv.status as any).phase, 'Pending');
  assert.match((pv.status as any).lastPhaseTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(msgs(persistentVolumeStrategy.validate!(pv)), []);
  (pv.spec as any).claimRef = { namespace: 'default', name: 'data' };
  (pv.status as any).phase = 'Bound';
  assert.deepEqual(persistentVolumeStrategy.row!(pv, NOW).cells, [
    'pv1', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'manual', '<unset>', '', '60m', 'Filesystem',
  ]);
  const bad: KObject = { metadata: { name: 'pv2' }, spec: { persistentVolumeReclaimPolicy: 'Keep' } };
  persistentVolumeStrategy.prepareForCreate!(bad);
  assert.deepEqual(msgs(persistentVolumeStrategy.validate!(bad)), [
    'spec.accessModes: Required value',
    'spec.capacity: Required value',
    'spec: Required value: must specify a volume type',
    'spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"',
  ]);
  const moved = structuredClone(pv);
  (moved.spec as any).hostPath = { path: '/other', type: '' };
  (moved.spec as any).volumeMode = 'Block';
  const errs = msgs(persistentVolumeStrategy.validateUpdate!(moved, pv));
  assert.equal(errs.length, 2);
  assert.ok(errs[0]!.startsWith('spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n'));
  assert.equal(errs[1], 'volumeMode: Invalid value: "Block": field is immutable');
});

test('persistentvolumeclaims', () => {
  const pvc: KObject = {
    metadata: m('data', { annotations: { 'volume.beta.kubernetes.io/storage-class': 'fast' } }),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  };
  persistentVolumeClaimStrategy.prepareForCreate!(pvc);
  assert.deepEqual(pvc.status, { phase: 'Pending' });
  assert.equal((pvc.spec as any).volumeMode, 'Filesystem');
  assert.deepEqual(msgs(persistentVolumeClaimStrategy.validate!(pvc)), []);
  assert.deepEqual(persistentVolumeClaimStrategy.row!(pvc, NOW).cells, ['data', 'Pending', '', '', '', 'fast', '<unset>', '60m', 'Filesystem']);

  const bound = structuredClone(pvc);
  (bound.spec as any).volumeName = 'pv1';
  bound.status = { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } };
  assert.deepEqual(persistentVolumeClaimStrategy.row!(bound, NOW).cells.slice(1, 5), ['Bound', 'pv1', '10Gi', 'RWO']);
  assert.deepEqual(msgs(persistentVolumeClaimStrategy.validateUpdate!(bound, pvc)), []);
  const grown = structuredClone(bound);
  (grown.spec as any).resources.requests.storage = '20Gi';
  assert.deepEqual(msgs(persistentVolumeClaimStrategy.validateUpdate!(grown, bound)), []);
  const changed = structuredClone(bound);
  (changed.spec as any).accessModes = ['ReadWriteMany'];
  const errs = msgs(persistentVolumeClaimStrategy.validateUpdate!(changed, bound));
  assert.equal(errs.length, 1);
  assert.ok(errs[0]!.startsWith('spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n'));

  const bad: KObject = { metadata: m('d'), spec: {} };
  persistentVolumeClaimStrategy.prepareForCreate!(bad);
  assert.deepEqual(msgs(persistentVolumeClaimStrategy.validate!(bad)), [
    'spec.accessModes: Required value: at least 1 access mode is required',
    'spec.resources[storage]: Required value',
  ]);
});

test('resourcequotas', () => {
  const q: KObject = { metadata: m('quota'), spec: { hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi' } } };
  resourceQuotaStrategy.prepareForCreate!(q);
  assert.deepEqual(q.status, {});
  assert.deepEqual(msgs(resourceQuotaStrategy.validate!(q)), []);
  q.status = { hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi' }, used: { pods: '3', 'requests.cpu': '500m' } };
  assert.deepEqual(resourceQuotaStrategy.row!(q, NOW).cells, ['quota', 'pods: 3/10, requests.cpu: 500m/4', 'limits.memory: 0/8Gi', '60m']);
  const bad: KObject = { metadata: m('quota'), spec: { hard: { widgets: '1', pods: '1.5', cpu: '-1' } } };
  assert.deepEqual(msgs(resourceQuotaStrategy.validate!(bad)), [
    'spec.hard[widgets]: Invalid value: "widgets": must be a standard resource for quota',
    'spec.hard[pods]: Invalid value: "1.5": must be an integer',
    'spec.hard[cpu]: Invalid value: "-1": must be greater than or equal to 0',
  ]);
});

test('limitranges', () => {
  const lr: KObject = { metadata: m('limits'), spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }, { type: 'Pod', max: { cpu: '4' } }] } };
  limitRangeStrategy.prepareForCreate!(lr);
  assert.deepEqual((lr.spec as any).limits[0], {
    type: 'Container',
    max: { cpu: '2' },
    min: { memory: '64Mi' },
    default: { cpu: '2' },
    defaultRequest: { cpu: '2', memory: '64Mi' },
  });
  assert.deepEqual((lr.spec as any).limits[1], { type: 'Pod', max: { cpu: '4' } });
  assert.deepEqual(msgs(limitRangeStrategy.validate!(lr)), []);
  assert.deepEqual(limitRangeStrategy.columns!.map((c) => [c.name, c.type]), [['Name', 'string'], ['Created At', 'date']]);
  assert.deepEqual(limitRangeStrategy.row!(lr, NOW).cells, ['limits', CREATED]);
  const bad: KObject = { metadata: m('l'), spec: { limits: [{ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }] } };
  assert.deepEqual(msgs(limitRangeStrategy.validate!(bad)), [
    'spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1',
  ]);
});

test('podtemplates', () => {
  const pt: KObject = { metadata: m('tmpl'), template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'a', image: 'nginx:1' }] } } };
  podTemplateStrategy.prepareForCreate!(pt);
  assert.equal((pt.template as any).spec.dnsPolicy, 'ClusterFirst');
  assert.deepEqual(podTemplateStrategy.columns!.map((c) => c.name), ['Name', 'Containers', 'Images', 'Pod Labels']);
  assert.deepEqual(podTemplateStrategy.row!(pt, NOW).cells, ['tmpl', 'a', 'nginx:1', 'app=x']);
  assert.deepEqual(msgs(podTemplateStrategy.validate!(pt)), []);
  const bad: KObject = { metadata: m('t'), template: { metadata: { labels: { 'bad key': 'v' } }, spec: { containers: [] } } };
  podTemplateStrategy.prepareForCreate!(bad);
  const out = msgs(podTemplateStrategy.validate!(bad));
  assert.equal(out.length, 2);
  assert.ok(out[0]!.startsWith('template.labels: Invalid value: "bad key": name part must consist of'));
  assert.equal(out[1], 'template.spec.containers: Required value');
  assert.equal(podTemplateStrategy.tracksGeneration, true);
});
