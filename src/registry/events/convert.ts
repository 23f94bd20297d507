// events.k8s.io/v1 Event <-> core/v1 Event. Upstream stores both APIs' events in one place
// (/registry/events, as core Events) and converts on the way in and out
// (pkg/apis/events/v1/conversion.go): involvedObject is `regarding`, message is `note`,
// reportingComponent is `reportingController`, and source/firstTimestamp/lastTimestamp/count
// become the `deprecated*` fields.
import type { KObject } from '../../api/types.ts';

/** [events.k8s.io/v1 field, core/v1 field] */
export const EVENT_FIELD_PAIRS: readonly (readonly [string, string])[] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

/** Fields with the same name in both versions. */
const SHARED = ['eventTime', 'series', 'related', 'action', 'reason', 'type', 'reportingInstance'];

function rename(obj: KObject, apiVersion: string, pairs: readonly (readonly [string, string])[]): KObject {
  const out: KObject = { apiVersion, kind: 'Event', metadata: structuredClone(obj.metadata) };
  for (const k of SHARED) if (k in obj) out[k] = structuredClone(obj[k]);
  for (const [from, to] of pairs) if (from in obj) out[to] = structuredClone(obj[from]);
  return out;
}

/** An events.k8s.io/v1 Event as a core/v1 Event. */
export function eventsV1ToCore(obj: KObject): KObject {
  return rename(obj, 'v1', EVENT_FIELD_PAIRS);
}

/** A core/v1 Event as an events.k8s.io/v1 Event. */
export function coreToEventsV1(obj: KObject): KObject {
  return rename(
    obj,
    'events.k8s.io/v1',
    EVENT_FIELD_PAIRS.map(([v1, core]) => [core, v1] as const),
  );
}
