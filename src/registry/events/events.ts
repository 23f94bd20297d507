// events.events.k8s.io (v1): the Event strategy of pkg/registry/core/event, validation from
// pkg/apis/core/validation/events.go for the events.k8s.io/v1 request version, columns and cells of
// the core printEvent. Objects are stored as core/v1 Events under the same keys as the core API
// (storageCodec, convert.ts), so each API sees every event in its own shape.
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import {
  asNumber,
  asObj,
  asString,
  deepEqual,
  goInvalid,
  goQuote,
  IMMUTABLE,
  isDNS1123Subdomain,
  isQualifiedName,
  isSet,
  normalizeMicroTime,
  normalizeTime,
  validateImmutable,
  type Obj,
} from '../apps/common.ts';
import { serializationDefaults as coreSerializationDefaults } from '../core/events.ts';
import { column, since } from '../printing.ts';
import { coreToEventsV1, eventsV1ToCore } from './convert.ts';
import type { Strategy, TableColumn } from '../strategy.ts';

const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;


const regarding = (o: KObject): Obj => asObj(o.regarding) ?? {};
const note = (o: KObject): string => asString(o.note);
const reportingController = (o: KObject): string => asString(o.reportingController);
const deprecatedSource = (o: KObject): Obj => asObj(o.deprecatedSource) ?? {};
const firstTimestamp = (o: KObject): string => asString(o.deprecatedFirstTimestamp);
const lastTimestamp = (o: KObject): string => asString(o.deprecatedLastTimestamp);
const deprecatedCount = (o: KObject): number => asNumber(o.deprecatedCount);

/**
 * Times in their wire form, and the fields Go always serializes: `eventTime`, the deprecated
 * timestamps (null when unset), `regarding` and `deprecatedSource` ({} when unset).
 */
export function normalizeEvent(obj: KObject): void {
  obj.eventTime = isSet(obj.eventTime) ? normalizeMicroTime(obj.eventTime) : null;
  const series = asObj(obj.series);
  if (series && isSet(series.lastObservedTime)) series.lastObservedTime = normalizeMicroTime(series.lastObservedTime);
  for (const k of ['deprecatedFirstTimestamp', 'deprecatedLastTimestamp']) {
    obj[k] = isSet(obj[k]) ? normalizeTime(obj[k]) : null;
  }
  if (!asObj(obj.regarding)) obj.regarding = {};
  if (!asObj(obj.deprecatedSource)) obj.deprecatedSource = {};
}

/** legacyValidateEvent for the events.k8s.io/v1 request version. */
function legacyValidate(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const ns = obj.metadata.namespace ?? '';
  const regNs = asString(regarding(obj).namespace);
  if (!isSet(obj.eventTime)) {
    if (regNs === '') {
      if (ns !== '' && ns !== 'default') errs.push(fieldErrors.invalid('involvedObject.namespace', regNs, 'does not match event.namespace'));
    } else if (ns !== regNs) {
      errs.push(fieldErrors.invalid('involvedObject.namespace', regNs, 'does not match event.namespace'));
    }
  } else {
    if (regNs === '' && ns !== 'default' && ns !== 'kube-system') {
      errs.push(fieldErrors.invalid('involvedObject.namespace', regNs, 'does not match event.namespace'));
    }
    const rc = reportingController(obj);
    if (rc === '') errs.push(fieldErrors.required('reportingController'));
    for (const m of isQualifiedName(rc)) errs.push(fieldErrors.invalid('reportingController', rc, m));
    const ri = asString(obj.reportingInstance);
    if (ri === '') errs.push(fieldErrors.required('reportingInstance'));
    if (ri.length > REPORTING_INSTANCE_LIMIT) {
      errs.push(fieldErrors.invalid('reportingInstance', '', `can have at most ${REPORTING_INSTANCE_LIMIT} characters`));
    }
    const action = asString(obj.action);
    if (action === '') errs.push(fieldErrors.required('action'));
    if (action.length > ACTION_LIMIT) errs.push(fieldErrors.invalid('action', '', `can have at most ${ACTION_LIMIT} characters`));
    const reason = asString(obj.reason);
    if (reason === '') errs.push(fieldErrors.required('reason'));
    if (reason.length > REASON_LIMIT) errs.push(fieldErrors.invalid('reason', '', `can have at most ${REASON_LIMIT} characters`));
    if (note(obj).length > NOTE_LIMIT) errs.push(fieldErrors.invalid('message', '', `can have at most ${NOTE_LIMIT} characters`));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(fieldErrors.invalid('namespace', ns, m));
  return errs;
}

/** validateV1EventSeries */
function validateSeries(obj: KObject): FieldError[] {
  const series = asObj(obj.series);
  if (!series) return [];
  const errs: FieldError[] = [];
  if (asNumber(series.count) < 2) errs.push(fieldErrors.invalid('series.count', '', 'should be at least 2'));
  if (!isSet(series.lastObservedTime)) errs.push(fieldErrors.required('series.lastObservedTime'));
  return errs;
}

/** ValidateEventCreate for events.k8s.io/v1. */
export function validateEvent(obj: KObject): FieldError[] {
  const errs = legacyValidate(obj);
  errs.push(...validateSeries(obj));
  if (!isSet(obj.eventTime)) errs.push(fieldErrors.required('eventTime'));
  const type = asString(obj.type);
  if (type !== 'Normal' && type !== 'Warning') errs.push(fieldErrors.invalid('type', '', `has invalid value: ${type}`));
  if (firstTimestamp(obj) !== '') errs.push(fieldErrors.invalid('deprecatedFirstTimestamp', '', 'needs to be unset'));
  if (lastTimestamp(obj) !== '') errs.push(fieldErrors.invalid('deprecatedLastTimestamp', '', 'needs to be unset'));
  if (deprecatedCount(obj) !== 0) errs.push(fieldErrors.invalid('deprecatedCount', '', 'needs to be unset'));
  const src = deprecatedSource(obj);
  if (asString(src.component) !== '' || asString(src.host) !== '') {
    errs.push(fieldErrors.invalid('deprecatedSource', '', 'needs to be unset'));
  }
  return errs;
}

/** %#v of a core.ObjectReference. */
function goObjectReference(ref: unknown): string {
  const r = asObj(ref) ?? {};
  const f = (k: string) => goQuote(asString(r[k]));
  return `core.ObjectReference{Kind:${f('kind')}, Namespace:${f('namespace')}, Name:${f('name')}, UID:${f('uid')}, APIVersion:${f('apiVersion')}, ResourceVersion:${f('resourceVersion')}, FieldPath:${f('fieldPath')}}`;
}

/** Go's time.Time.String() of an RFC 3339 timestamp in UTC. */
function goTime(ts: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(ts);
  if (!m) return ts === '' ? '0001-01-01 00:00:00 +0000 UTC' : ts;
  const frac = (m[3] ?? '').replace(/0+$/, '');
  return `${m[1]} ${m[2]}${frac ? `.${frac}` : ''} +0000 UTC`;
}

/** ValidateEventUpdate for events.k8s.io/v1: what an event may not change. */
export function validateEventUpdate(obj: KObject, old: KObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!deepEqual(obj.series, old.series)) errs.push(...validateSeries(obj));
  if (!deepEqual(regarding(obj), regarding(old))) errs.push(goInvalid('involvedObject', goObjectReference(regarding(obj)), IMMUTABLE));
  errs.push(...validateImmutable(asString(obj.reason), asString(old.reason), 'reason'));
  errs.push(...validateImmutable(note(obj), note(old), 'message'));
  const src = deprecatedSource(obj);
  if (!deepEqual(src, deprecatedSource(old))) {
    errs.push(goInvalid('source', `core.EventSource{Component:${goQuote(asString(src.component))}, Host:${goQuote(asString(src.host))}}`, IMMUTABLE));
  }
  if (firstTimestamp(obj) !== firstTimestamp(old)) errs.push(goInvalid('firstTimestamp', goTime(firstTimestamp(obj)), IMMUTABLE));
  if (lastTimestamp(obj) !== lastTimestamp(old)) errs.push(goInvalid('lastTimestamp', goTime(lastTimestamp(obj)), IMMUTABLE));
  errs.push(...validateImmutable(deprecatedCount(obj), deprecatedCount(old), 'count'));
  errs.push(...validateImmutable(asString(obj.type), asString(old.type), 'type'));
  const et = asString(normalizeMicroTime(obj.eventTime));
  if (et !== asString(normalizeMicroTime(old.eventTime))) errs.push(goInvalid('eventTime', goTime(et), IMMUTABLE));
  errs.push(...validateImmutable(asString(obj.action), asString(old.action), 'action'));
  if (!deepEqual(obj.related, old.related)) {
    errs.push(goInvalid('related', isSet(obj.related) ? goObjectReference(obj.related) : 'null', IMMUTABLE));
  }
  errs.push(...validateImmutable(reportingController(obj), reportingController(old), 'reportingController'));
  errs.push(...validateImmutable(asString(obj.reportingInstance), asString(old.reportingInstance), 'reportingInstance'));
  return errs;
}

/** formatEventSource: component (or reportingController), then ", host" (or reportingInstance). */
function eventSource(obj: KObject): string {
  const src = deprecatedSource(obj);
  const component = asString(src.component) || reportingController(obj);
  const instance = asString(src.host) || asString(obj.reportingInstance);
  return instance === '' ? component : `${component}, ${instance}`;
}

/** Columns shared with core/v1 events (printEvent). */
export const EVENT_COLUMNS: TableColumn[] = [
  column('Last Seen', 'string', 'Time since the event was last observed.'),
  column('Type', 'string', 'Normal or Warning.'),
  column('Reason', 'string', 'Short machine-readable reason for the event.'),
  column('Object', 'string', 'The object the event is about.'),
  column('Subobject', 'string', 'The part of the object the event is about.', 1),
  column('Source', 'string', 'The component that reported the event.', 1),
  column('Message', 'string', 'Human-readable description of the event.'),
  column('First Seen', 'string', 'Time since the event was first observed.', 1),
  column('Count', 'string', 'How many times the event occurred.', 1),
  column('Name', 'string', 'The event name.', 1, 'name'),
];

export const eventStrategy: Strategy = {
  storageCodec: {
    toStored: (obj) => {
      const core = eventsV1ToCore(obj);
      coreSerializationDefaults(core);
      return core;
    },
    fromStored: (obj) => {
      const ev = coreToEventsV1(obj);
      normalizeEvent(ev);
      return ev;
    },
  },
  prepareForCreate: normalizeEvent,
  prepareForUpdate: normalizeEvent,
  validate: validateEvent,
  validateUpdate: validateEventUpdate,
  columns: EVENT_COLUMNS,
  row(obj, now) {
    const eventTime = asString(obj.eventTime);
    const first = firstTimestamp(obj);
    const firstSeen = first !== '' ? since(first, now) : since(eventTime, now);
    const last = lastTimestamp(obj);
    let lastSeen = last !== '' ? since(last, now) : firstSeen;
    let count = deprecatedCount(obj);
    const series = asObj(obj.series);
    if (series) {
      lastSeen = since(asString(series.lastObservedTime), now);
      count = asNumber(series.count);
    } else if (count === 0) {
      count = 1; // singleton events carry no count in the new API
    }
    const reg = regarding(obj);
    const kind = asString(reg.kind).toLowerCase();
    const name = asString(reg.name);
    return {
      cells: [
        lastSeen,
        asString(obj.type),
        asString(obj.reason),
        name !== '' ? `${kind}/${name}` : kind,
        asString(reg.fieldPath),
        eventSource(obj),
        note(obj).trim(),
        firstSeen,
        count,
        obj.metadata.name ?? '',
      ],
    };
  },
  fieldSelectors: {
    'regarding.kind': (o) => asString(regarding(o).kind),
    'regarding.namespace': (o) => asString(regarding(o).namespace),
    'regarding.name': (o) => asString(regarding(o).name),
    'regarding.uid': (o) => asString(regarding(o).uid),
    'regarding.apiVersion': (o) => asString(regarding(o).apiVersion),
    'regarding.resourceVersion': (o) => asString(regarding(o).resourceVersion),
    'regarding.fieldPath': (o) => asString(regarding(o).fieldPath),
    reason: (o) => asString(o.reason),
    reportingController: (o) => reportingController(o),
    source: (o) => asString(deprecatedSource(o).component) || reportingController(o),
    type: (o) => asString(o.type),
  },
};
