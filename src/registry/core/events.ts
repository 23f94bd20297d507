// Core v1 Events: pkg/registry/core/event/strategy.go, legacyValidateEvent (as a v1 request),
// and printEvent.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { byteLength, isDNS1123Subdomain, isQualifiedName } from '../../api/names.ts';
import { NAME_COLUMN, column, since } from '../printing.ts';
import type { Strategy, TableRow } from '../strategy.ts';
import { isObj, num, obj, str } from './util.ts';

const COLUMNS = [
  column('Last Seen', 'string', 'Time since the event was last observed.'),
  column('Type', 'string', 'Normal or Warning.'),
  column('Reason', 'string', 'Short machine-readable reason.'),
  column('Object', 'string', 'The object the event is about.'),
  column('Subobject', 'string', 'The part of the object (fieldPath).', 1),
  column('Source', 'string', 'The component that reported the event.', 1),
  column('Message', 'string', 'Human-readable description.'),
  column('First Seen', 'string', 'Time since the event was first observed.', 1),
  column('Count', 'string', 'How many times the event occurred.', 1),
  { ...NAME_COLUMN, priority: 1 },
];

/** formatEventSource: component (or reportingComponent), then ", host" (or reportingInstance) when known. */
function eventSource(ev: KObject): string {
  const src = obj(ev.source);
  const component = str(src.component) || str(ev.reportingComponent);
  const instance = str(src.host) || str(ev.reportingInstance);
  return instance ? `${component}, ${instance}` : component;
}

function row(ev: KObject, now: number): TableRow {
  const first = ev.firstTimestamp ? since(str(ev.firstTimestamp), now) : since(str(ev.eventTime), now);
  let last = ev.lastTimestamp ? since(str(ev.lastTimestamp), now) : first;
  let count = num(ev.count) ?? 0;
  if (isObj(ev.series)) {
    last = since(str(ev.series.lastObservedTime), now);
    count = num(ev.series.count) ?? 0;
  } else if (count === 0) count = 1;
  const involved = obj(ev.involvedObject);
  const kind = str(involved.kind).toLowerCase();
  const target = str(involved.name) ? `${kind}/${str(involved.name)}` : kind;
  return {
    cells: [
      last,
      str(ev.type),
      str(ev.reason),
      target,
      str(involved.fieldPath),
      eventSource(ev),
      str(ev.message).trim(),
      first,
      count,
      ev.metadata.name ?? '',
    ],
  };
}

/** Members a Go server always serializes for a core/v1 Event (structs, times and non-omitempty strings). */
export function serializationDefaults(ev: KObject): void {
  if (!isObj(ev.involvedObject)) ev.involvedObject = {};
  if (!isObj(ev.source)) ev.source = {};
  if (ev.firstTimestamp === undefined) ev.firstTimestamp = null;
  if (ev.lastTimestamp === undefined) ev.lastTimestamp = null;
  if (ev.eventTime === undefined) ev.eventTime = null;
  if (typeof ev.reportingComponent !== 'string') ev.reportingComponent = '';
  if (typeof ev.reportingInstance !== 'string') ev.reportingInstance = '';
}

const LIMIT_128 = 'can have at most 128 characters';

/** legacyValidateEvent for a core/v1 request. */
function validate(ev: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.metadata.namespace ?? '';
  const involvedNs = str(obj(ev.involvedObject).namespace);
  const mismatch = () => errs.push(fieldErrors.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  if (!ev.eventTime) {
    if (involvedNs === '') {
      if (ns !== '' && ns !== 'default') mismatch();
    } else if (ns !== involvedNs) mismatch();
  } else {
    if (involvedNs === '' && ns !== 'default' && ns !== 'kube-system') mismatch();
    const rc = str(ev.reportingComponent);
    if (!rc) errs.push(fieldErrors.required('reportingComponent'));
    for (const m of isQualifiedName(rc)) errs.push(fieldErrors.invalid('reportingComponent', rc, m));
    const ri = str(ev.reportingInstance);
    if (!ri) errs.push(fieldErrors.required('reportingInstance'));
    if (byteLength(ri) > 128) errs.push(fieldErrors.invalid('reportingInstance', '', LIMIT_128));
    const action = str(ev.action);
    if (!action) errs.push(fieldErrors.required('action'));
    if (byteLength(action) > 128) errs.push(fieldErrors.invalid('action', '', LIMIT_128));
    const reason = str(ev.reason);
    if (!reason) errs.push(fieldErrors.required('reason'));
    if (byteLength(reason) > 128) errs.push(fieldErrors.invalid('reason', '', LIMIT_128));
    if (byteLength(str(ev.message)) > 1024) errs.push(fieldErrors.invalid('message', '', 'can have at most 1024 characters'));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(fieldErrors.invalid('namespace', ns, m));
  return errs;
}

export const eventStrategy: Strategy = {
  nameRule: 'path',
  prepareForCreate: serializationDefaults,
  prepareForUpdate: serializationDefaults,
  validate,
  columns: COLUMNS,
  row,
  fieldSelectors: {
    'involvedObject.kind': (e) => str(obj(e.involvedObject).kind),
    'involvedObject.namespace': (e) => str(obj(e.involvedObject).namespace),
    'involvedObject.name': (e) => str(obj(e.involvedObject).name),
    'involvedObject.uid': (e) => str(obj(e.involvedObject).uid),
    'involvedObject.apiVersion': (e) => str(obj(e.involvedObject).apiVersion),
    'involvedObject.resourceVersion': (e) => str(obj(e.involvedObject).resourceVersion),
    'involvedObject.fieldPath': (e) => str(obj(e.involvedObject).fieldPath),
    reason: (e) => str(e.reason),
    reportingComponent: (e) => str(e.reportingComponent),
    source: (e) => str(obj(e.source).component) || str(e.reportingComponent),
    type: (e) => str(e.type),
  },
};
