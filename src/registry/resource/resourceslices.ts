// resourceslices.resource.k8s.io (v1): pkg/registry/resource/resourceslice (generation bumped on spec
// changes; field selectors spec.nodeName and spec.driver), ValidateResourceSlice(Update) and
// printResourceSlice (Name, Node, Driver, Pool, Age).
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { Path, arr, deepEqual, isObj, obj, objs, str } from '../core/util.ts';
import { validateImmutable } from '../core/validation.ts';
import { dnsLabel, dnsSubdomain, validateDriverName, validatePoolName, validateSet } from './validation.ts';

const MAX_DEVICES = 128;
/** Slices whose devices carry taints or consume counters hold fewer devices. */
const MAX_DEVICES_ADVANCED = 64;
const MAX_COUNTER_SETS = 8;
const ATTRIBUTE_VALUE_MAX_LENGTH = 64;
const NODE_SELECTION = 'exactly one of `nodeName`, `nodeSelector`, `allNodes`, `perDeviceNodeSelection` is required';
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?(\+[0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*)?$/;

function validateAttribute(a: Record<string, unknown>, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const set = ['bool', 'int', 'string', 'version'].filter((k) => a[k] !== undefined && a[k] !== null);
  if (typeof a.string === 'string' && a.string.length > ATTRIBUTE_VALUE_MAX_LENGTH) errs.push(fieldErrors.tooLong(String(path.child('string')), ATTRIBUTE_VALUE_MAX_LENGTH));
  if (typeof a.version === 'string') {
    if (!SEMVER.test(a.version)) errs.push(fieldErrors.invalid(String(path.child('version')), a.version, 'must be a string compatible with semver.org spec 2.0.0'));
    if (a.version.length > ATTRIBUTE_VALUE_MAX_LENGTH) errs.push(fieldErrors.tooLong(String(path.child('version')), ATTRIBUTE_VALUE_MAX_LENGTH));
  }
  if (set.length === 0) errs.push(fieldErrors.invalid(String(path), '', 'exactly one value must be specified'));
  else if (set.length > 1) errs.push(fieldErrors.invalid(String(path), a, 'exactly one value must be specified'));
  return errs;
}

function validateDevice(d: Record<string, unknown>, path: Path, perDevice: boolean): FieldError[] {
  const errs = dnsLabel(str(d.name), path.child('name'));
  for (const [k, v] of Object.entries(obj(d.attributes))) errs.push(...validateAttribute(obj(v), path.child('attributes').key(k)));
  const placed = d.nodeName !== undefined || d.nodeSelector !== undefined || d.allNodes !== undefined;
  if (!perDevice && placed) {
    errs.push(fieldErrors.invalid(String(path), null, '`nodeName`, `nodeSelector` and `allNodes` can only be set if `perDeviceNodeSelection` is set to true in the ResourceSlice spec'));
  }
  return errs;
}

/** The node selection fields: exactly one of them, each in its valid form. */
function validateNodeSelection(spec: Record<string, unknown>, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const set: string[] = [];
  if (typeof spec.nodeName === 'string') {
    if (spec.nodeName !== '') {
      set.push('`nodeName`');
      errs.push(...dnsSubdomain(spec.nodeName, path.child('nodeName')));
    } else errs.push(fieldErrors.invalid(String(path.child('nodeName')), '', 'must be either unset or set to a non-empty string'));
  }
  if (isObj(spec.nodeSelector)) {
    set.push('`nodeSelector`');
    const terms = arr(spec.nodeSelector.nodeSelectorTerms);
    if (terms.length !== 1) errs.push(fieldErrors.invalid(String(path.child('nodeSelector', 'nodeSelectorTerms')), terms, 'must have exactly one node selector term'));
  }
  for (const k of ['allNodes', 'perDeviceNodeSelection']) {
    if (typeof spec[k] !== 'boolean') continue;
    if (spec[k]) set.push(`\`${k}\``);
    else errs.push(fieldErrors.invalid(String(path.child(k)), false, 'must be either unset or set to true'));
  }
  if (set.length === 0) errs.push(fieldErrors.required(String(path), NODE_SELECTION));
  else if (set.length > 1) errs.push(fieldErrors.invalid(String(path), `{${set.join(', ')}}`, `${NODE_SELECTION}, but multiple fields are set`));
  return errs;
}

export function validateSliceSpec(specValue: unknown): FieldError[] {
  const spec = obj(specValue);
  const path = Path.of('spec');
  const pool = obj(spec.pool);
  const errs = [...validateDriverName(str(spec.driver), path.child('driver')), ...validatePoolName(str(pool.name), path.child('pool', 'name'))];
  const count = typeof pool.resourceSliceCount === 'number' ? pool.resourceSliceCount : 0;
  if (count <= 0) errs.push(fieldErrors.invalid(String(path.child('pool', 'resourceSliceCount')), count, 'must be greater than zero'));
  const generation = typeof pool.generation === 'number' ? pool.generation : 0;
  if (generation < 0) errs.push(fieldErrors.invalid(String(path.child('pool', 'generation')), generation, 'must be greater than or equal to zero'));
  errs.push(...validateNodeSelection(spec, path));
  if (spec.sharedCounters !== undefined && spec.devices !== undefined) errs.push(fieldErrors.invalid(String(path), '', 'only one of `sharedCounters` or `devices` is allowed'));
  const devices = objs(spec.devices);
  const advanced = devices.some((d) => arr(d.taints).length > 0 || arr(d.consumesCounters).length > 0);
  const perDevice = spec.perDeviceNodeSelection === true;
  errs.push(...validateSet(devices, advanced ? MAX_DEVICES_ADVANCED : MAX_DEVICES, path.child('devices'), (d, p) => validateDevice(d, p, perDevice), (d) => str(d.name)));
  errs.push(
    ...validateSet(objs(spec.sharedCounters), MAX_COUNTER_SETS, path.child('sharedCounters'), (c, p) => (str(c.name) === '' ? [fieldErrors.required(String(p.child('name')))] : dnsLabel(str(c.name), p.child('name'))), (c) => str(c.name)),
  );
  return errs;
}

function validateSliceUpdate(slice: KObject, old: KObject): FieldError[] {
  const spec = obj(slice.spec);
  const oldSpec = obj(old.spec);
  const path = Path.of('spec');
  return [
    ...validateImmutable(obj(spec.pool).name, obj(oldSpec.pool).name, path.child('pool', 'name'), deepEqual),
    ...validateImmutable(spec.driver, oldSpec.driver, path.child('driver'), deepEqual),
    ...validateImmutable(spec.nodeName, oldSpec.nodeName, path.child('nodeName'), deepEqual),
  ];
}

export const resourceSliceStrategy: Strategy = {
  tracksGeneration: true,
  validate: (slice) => validateSliceSpec(slice.spec),
  validateUpdate: validateSliceUpdate,
  fieldSelectors: {
    'spec.nodeName': (slice) => str(obj(slice.spec).nodeName),
    'spec.driver': (slice) => str(obj(slice.spec).driver),
  },
  columns: [
    NAME_COLUMN,
    column(
      'Node',
      'string',
      'NodeName identifies the node which provides the resources in this pool. A field selector can be used to list only ResourceSlice objects belonging to a certain node.\n\nThis field can be used to limit access from nodes to ResourceSlices with the same node name. It also indicates to autoscalers that adding new nodes of the same type as some old node might also make new resources available.\n\nExactly one of NodeName, NodeSelector, AllNodes, and PerDeviceNodeSelection must be set. This field is immutable.',
    ),
    column(
      'Driver',
      'string',
      'Driver identifies the DRA driver providing the capacity information. A field selector can be used to list only ResourceSlice objects with a certain driver name.\n\nMust be a DNS subdomain and should end with a DNS domain owned by the vendor of the driver. It should use only lower case characters. This field is immutable.',
    ),
    column(
      'Pool',
      'string',
      'Name is used to identify the pool. For node-local devices, this is often the node name, but this is not required.\n\nIt must not be longer than 253 characters and must consist of one or more DNS sub-domains separated by slashes. This field is immutable.',
    ),
    AGE_COLUMN,
  ],
  // An unset node name is a nil pointer upstream, which a Table cell carries as null.
  row: (slice, now) => {
    const spec = obj(slice.spec);
    return { cells: [slice.metadata.name, typeof spec.nodeName === 'string' ? spec.nodeName : null, str(spec.driver), str(obj(spec.pool).name), age(slice, now)] };
  },
};
