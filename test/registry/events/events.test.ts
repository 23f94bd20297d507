import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../src/api/types.ts';
import type { FieldError } from '../../../src/api/field-errors.ts';
import { eventsStrategies } from '../../../src/registry/events/index.ts';
import { coreToEventsV1, eventsV1ToCore } from '../../../src/registry/events/convert.ts';

const s = eventsStrategies.events!;
const NOW = Date.parse('2024-05-01T12:00:00Z');
const msgs = (errs: FieldError[]) => errs.map((e) => e.toString());

function event(extra: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'web.17c', namespace: 'default', creationTimestamp: '2024-05-01T11:50:00Z' },
    eventTime: '2024-05-01T11:50:00.5Z',
    reportingController: 'kubelet',
    reportingInstance: 'node-1',
    action: 'Pulling',
    reason: 'Pulling',
    type: 'Normal',
    note: 'Pulling image "nginx"  ',
    regarding: { kind: 'Pod', namespace: 'default', name: 'web', apiVersion: 'v1', fieldPath: 'spec.containers{nginx}' },
    ...extra,
  };
}

test('events: normalization and validation', () => {
  const e = event();
  s.prepareForCreate!(e);
  assert.equal(e.eventTime, '2024-05-01T11:50:00.500000Z');
  assert.equal(e.deprecatedFirstTimestamp, null);
  assert.deepEqual(e.deprecatedSource, {});
  assert.deepEqual(s.validate!(e), []);

  const bad = event({ type: 'Info', action: '', deprecatedCount: 3, series: { count: 1 } });
  delete bad.reportingInstance;
  assert.deepEqual(msgs(s.validate!(bad)), [
    'reportingInstance: Required value',
    'action: Required value',
    'series.count: Invalid value: "": should be at least 2',
    'series.lastObservedTime: Required value',
    'type: Invalid value: "": has invalid value: Info',
    'deprecatedCount: Invalid value: "": needs to be unset',
  ]);
  const noTime = event({ eventTime: null });
  assert.deepEqual(msgs(s.validate!(noTime)), ['eventTime: Required value']);
});

test('events: immutable fields on update', () => {
  const old = event();
  s.prepareForCreate!(old);
  const next = structuredClone(old);
  next.note = 'other';
  next.reason = 'Pulled';
  assert.deepEqual(msgs(s.validateUpdate!(next, old)), [
    'reason: Invalid value: "Pulled": field is immutable',
    'message: Invalid value: "other": field is immutable',
  ]);
  const moved = structuredClone(old);
  moved.eventTime = '2024-05-01T11:51:00.000001Z';
  assert.deepEqual(msgs(s.validateUpdate!(moved, old)), ['eventTime: Invalid value: 2024-05-01 11:51:00.000001 +0000 UTC: field is immutable']);
});

test('events: table shares the core event columns', () => {
  assert.deepEqual(
    s.columns!.map((c) => [c.name, c.priority, c.format]),
    [
      ['Last Seen', 0, ''],
      ['Type', 0, ''],
      ['Reason', 0, ''],
      ['Object', 0, ''],
      ['Subobject', 1, ''],
      ['Source', 1, ''],
      ['Message', 0, ''],
      ['First Seen', 1, ''],
      ['Count', 1, ''],
      ['Name', 1, 'name'],
    ],
  );
  const e = event();
  s.prepareForCreate!(e);
  assert.deepEqual(s.row!(e, NOW).cells, [
    '9m59s',
    'Normal',
    'Pulling',
    'pod/web',
    'spec.containers{nginx}',
    'kubelet, node-1',
    'Pulling image "nginx"',
    '9m59s',
    1,
    'web.17c',
  ]);
  const series = event({ series: { count: 5, lastObservedTime: '2024-05-01T11:59:00.000000Z' } });
  assert.deepEqual([s.row!(series, NOW).cells[0], s.row!(series, NOW).cells[8]], ['60s', 5]);
  // A stored core event (old API fields) prints the same way once served as events.k8s.io/v1.
  const legacy: KObject = {
    metadata: { name: 'x', namespace: 'default' },
    involvedObject: { kind: 'Node', name: 'n1' },
    reason: 'Starting',
    message: 'Starting kubelet.',
    source: { component: 'kubelet', host: 'n1' },
    firstTimestamp: '2024-05-01T10:00:00Z',
    lastTimestamp: '2024-05-01T11:00:00Z',
    count: 2,
    type: 'Normal',
  };
  assert.deepEqual(s.row!(s.storageCodec!.fromStored(legacy), NOW).cells, ['60m', 'Normal', 'Starting', 'node/n1', '', 'kubelet, n1', 'Starting kubelet.', '120m', 2, 'x']);
});

test('events: field selectors and conversion', () => {
  const e = event({ deprecatedSource: { component: 'scheduler' } });
  const f = s.fieldSelectors!;
  assert.equal(f['regarding.name']!(e), 'web');
  assert.equal(f['regarding.kind']!(e), 'Pod');
  assert.equal(f.reportingController!(e), 'kubelet');
  assert.equal(f.source!(e), 'scheduler');
  assert.equal(f.source!(event()), 'kubelet');
  assert.equal(f.type!(e), 'Normal');
  const core = eventsV1ToCore(e);
  assert.equal(core.apiVersion, 'v1');
  assert.deepEqual(core.involvedObject, e.regarding);
  assert.equal(core.message, e.note);
  assert.equal(core.reportingComponent, 'kubelet');
  assert.deepEqual(core.source, { component: 'scheduler' });
  const back = coreToEventsV1(core);
  assert.equal(back.apiVersion, 'events.k8s.io/v1');
  assert.deepEqual(back.regarding, e.regarding);
  assert.equal(back.note, e.note);
});
