// resource.k8s.io v1beta1 and v1beta2 over the stored v1 objects (v1 is the storage version in 1.35),
// after pkg/apis/resource/v1beta1|v1beta2 conversion: v1beta2 has v1's shape, so only apiVersion moves;
// v1beta1 keeps a request's device choice flat on the DeviceRequest (v1 nests it under `exactly`) and a
// slice device's properties under `basic` (v1 has them on the Device itself). Everything else is the
// same JSON in all three versions.
import type { KObject } from '../../api/types.ts';
import type { StorageCodec } from '../../storage/converting.ts';
import { isObj, type Obj } from '../core/util.ts';
import type { Strategy } from '../strategy.ts';

const GROUP = 'resource.k8s.io';
/** ExactDeviceRequest's members, which v1beta1 keeps on the DeviceRequest itself. */
const EXACT_FIELDS = ['deviceClassName', 'selectors', 'allocationMode', 'count', 'adminAccess', 'tolerations', 'capacity'];
/** v1beta1 BasicDevice's members, which v1 keeps on the Device itself. */
const BASIC_FIELDS = [
  'attributes',
  'capacity',
  'consumesCounters',
  'nodeName',
  'nodeSelector',
  'allNodes',
  'taints',
  'bindsToNode',
  'bindingConditions',
  'bindingFailureConditions',
  'allowMultipleAllocations',
];

/**
 * Whether a flat v1beta1 member counts as set: strings and count when non-zero, everything else (lists,
 * pointers such as adminAccess) when present at all, so `selectors: []` and `adminAccess: false` count.
 */
const isSetMember = (k: string, v: unknown) => (k === 'deviceClassName' || k === 'allocationMode' ? v !== undefined && v !== '' : k === 'count' ? v !== undefined && v !== 0 : v !== undefined && v !== null);

function requestFromV1beta1(r: Obj): Obj {
  const out: Obj = {};
  const exactly: Obj = {};
  for (const [k, v] of Object.entries(r)) {
    if (EXACT_FIELDS.includes(k)) exactly[k] = v;
    else out[k] = v;
  }
  // Upstream sets `exactly` only when one of its members is set (a firstAvailable request has none).
  if (Object.entries(exactly).some(([k, v]) => isSetMember(k, v))) out.exactly = exactly;
  return out;
}

function requestToV1beta1(r: Obj): Obj {
  const { exactly, ...rest } = r;
  return isObj(exactly) ? { ...rest, ...exactly } : rest;
}

function deviceFromV1beta1(d: Obj): Obj {
  const { basic, ...rest } = d;
  return isObj(basic) ? { ...rest, ...basic } : rest;
}

function deviceToV1beta1(d: Obj): Obj {
  const out: Obj = {};
  const basic: Obj = {};
  for (const [k, v] of Object.entries(d)) {
    if (BASIC_FIELDS.includes(k)) basic[k] = v;
    else out[k] = v;
  }
  // Every v1 device becomes a basic one (the only kind v1beta1 has).
  out.basic = basic;
  return out;
}

const mapList = (v: unknown, f: (o: Obj) => Obj): unknown => (Array.isArray(v) ? v.map((x) => (isObj(x) ? f(x) : x)) : v);

/** A ResourceClaimSpec (claims, and the spec inside a template) with its requests converted. */
function mapClaimSpec(spec: unknown, f: (r: Obj) => Obj): unknown {
  if (!isObj(spec) || !isObj(spec.devices)) return spec;
  return { ...spec, devices: { ...spec.devices, requests: mapList(spec.devices.requests, f) } };
}

type SpecMap = (spec: unknown, toV1: boolean) => unknown;

/** Per kind, how the spec differs between v1beta1 and v1. */
const V1BETA1_SPECS: Record<string, SpecMap> = {
  DeviceClass: (spec) => spec,
  ResourceClaim: (spec, toV1) => mapClaimSpec(spec, toV1 ? requestFromV1beta1 : requestToV1beta1),
  ResourceClaimTemplate: (spec, toV1) => {
    if (!isObj(spec)) return spec;
    return { ...spec, spec: mapClaimSpec(spec.spec, toV1 ? requestFromV1beta1 : requestToV1beta1) };
  },
  ResourceSlice: (spec, toV1) => {
    if (!isObj(spec) || !Array.isArray(spec.devices)) return spec;
    return { ...spec, devices: mapList(spec.devices, toV1 ? deviceFromV1beta1 : deviceToV1beta1) };
  },
};

function convert(obj: KObject, version: string, kind: string, toV1: boolean): KObject {
  const out: KObject = { ...obj, apiVersion: `${GROUP}/${toV1 ? 'v1' : version}` };
  if (version === 'v1beta1' && obj.spec !== undefined) out.spec = V1BETA1_SPECS[kind]!(obj.spec, toV1);
  return out;
}

/** The storage codec for one served beta version of one kind. */
export function resourceCodec(version: 'v1beta1' | 'v1beta2', kind: string): StorageCodec {
  return {
    toStored: (o) => convert(o, version, kind, true),
    fromStored: (o) => convert(o, version, kind, false),
  };
}

/** Replaces target's members with source's (strategies mutate the object they are handed). */
function replaceContents(target: KObject, source: KObject): void {
  for (const k of Object.keys(target)) delete (target as Obj)[k];
  Object.assign(target, source);
}

/**
 * A beta version's strategy: the v1 strategy run on the object converted to v1, so defaults, checks
 * (with v1 field paths, as upstream validates the internal form) and table rows are v1's.
 */
export function betaStrategy(v1: Strategy, version: 'v1beta1' | 'v1beta2', kind: string): Strategy {
  const codec = resourceCodec(version, kind);
  const inV1 = (f: ((o: KObject, old: KObject) => void) | undefined) =>
    f &&
    ((o: KObject, old?: KObject) => {
      const stored = codec.toStored(o);
      f(stored, old ? codec.toStored(old) : stored);
      replaceContents(o, codec.fromStored(stored));
    });
  const fieldSelectors = v1.fieldSelectors
    ? Object.fromEntries(Object.entries(v1.fieldSelectors).map(([k, read]) => [k, (o: KObject) => read(codec.toStored(o))]))
    : undefined;
  return {
    storageCodec: codec,
    tracksGeneration: v1.tracksGeneration,
    prepareForCreate: inV1(v1.prepareForCreate && ((o: KObject) => v1.prepareForCreate!(o))),
    prepareForUpdate: inV1(v1.prepareForUpdate),
    prepareForStatusUpdate: inV1(v1.prepareForStatusUpdate),
    validate: v1.validate && ((o) => v1.validate!(codec.toStored(o))),
    validateUpdate: v1.validateUpdate && ((o, old) => v1.validateUpdate!(codec.toStored(o), codec.toStored(old))),
    validateStatusUpdate: v1.validateStatusUpdate && ((o, old) => v1.validateStatusUpdate!(codec.toStored(o), codec.toStored(old))),
    fieldSelectors,
    columns: v1.columns,
    row: v1.row && ((o, now) => v1.row!(codec.toStored(o), now)),
  };
}
