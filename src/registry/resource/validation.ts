// What the resource.k8s.io strategies share: the device claim checks (requests, sub-requests,
// selectors, constraints, opaque configuration) that ResourceClaims, ResourceClaimTemplates and
// DeviceClasses all run, after pkg/apis/resource/validation, with upstream's texts. CEL selector
// expressions are length-checked and stored as given: DRA's CEL environment (device.attributes,
// device.capacity, semver) is not the apiextensions one, so nothing here compiles them.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { isDNS1123Label, isDNS1123Subdomain } from '../../api/names.ts';
import { Path, arr, isObj, obj, objs, str } from '../core/util.ts';
import { validateCSIDriverName } from '../storage/csidrivers.ts';

export const DEVICE_REQUESTS_MAX = 32;
export const FIRST_AVAILABLE_MAX = 8;
export const DEVICE_SELECTORS_MAX = 32;
export const DEVICE_CONFIG_MAX = 32;
export const DEVICE_CONSTRAINTS_MAX = 32;
export const CEL_EXPRESSION_MAX_LENGTH = 10 * 1024;
export const OPAQUE_PARAMETERS_MAX_LENGTH = 10 * 1024;
export const POOL_NAME_MAX_LENGTH = 253;

const ALLOCATION_MODES = ['All', 'ExactCount'];
const TOLERATION_OPERATORS = ['Equal', 'Exists'];
const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'None'];
const REQUEST_REF = "must be the name of a request in the claim or the name of a request and a subrequest separated by '/'";

/** corevalidation.ValidateDNS1123Label / ValidateDNS1123Subdomain as field errors. */
export function dnsLabel(value: string, path: Path): FieldError[] {
  return isDNS1123Label(value).map((m) => fieldErrors.invalid(String(path), value, m));
}

export function dnsSubdomain(value: string, path: Path): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => fieldErrors.invalid(String(path), value, m));
}

export const validateDriverName = validateCSIDriverName;

/** validateSlice: too many items short-circuits (the list is not dumped into the message). */
export function validateList<T>(items: T[], max: number, path: Path, each: (item: T, p: Path) => FieldError[]): FieldError[] {
  if (items.length > max) return [fieldErrors.tooMany(String(path), items.length, max)];
  return items.flatMap((item, i) => each(item, path.index(i)));
}

/** validateSet: validateList plus a Duplicate error for every repeated key. */
export function validateSet<T>(items: T[], max: number, path: Path, each: (item: T, p: Path) => FieldError[], key: (item: T) => string): FieldError[] {
  if (items.length > max) return [fieldErrors.tooMany(String(path), items.length, max)];
  const errs = items.flatMap((item, i) => each(item, path.index(i)));
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) errs.push(fieldErrors.duplicate(String(path.index(i)), k));
    else seen.add(k);
  });
  return errs;
}

export function validatePoolName(name: string, path: Path): FieldError[] {
  if (name === '') return [fieldErrors.required(String(path))];
  const errs: FieldError[] = [];
  if (name.length > POOL_NAME_MAX_LENGTH) errs.push(fieldErrors.tooLong(String(path), POOL_NAME_MAX_LENGTH));
  for (const part of name.split('/')) errs.push(...dnsSubdomain(part, path));
  return errs;
}

function validateDeviceClassName(name: string, path: Path): FieldError[] {
  return name === '' ? [fieldErrors.required(String(path))] : dnsSubdomain(name, path);
}

/** validateCELExpression without compiling: only the length limit. */
function validateSelector(sel: Record<string, unknown>, path: Path): FieldError[] {
  if (!isObj(sel.cel)) return [fieldErrors.required(String(path.child('cel')))];
  const expr = str(sel.cel.expression);
  const p = path.child('cel', 'expression');
  return expr.length > CEL_EXPRESSION_MAX_LENGTH ? [fieldErrors.tooLong(String(p), CEL_EXPRESSION_MAX_LENGTH)] : [];
}

export function validateSelectors(selectors: unknown, path: Path): FieldError[] {
  return validateList(objs(selectors), DEVICE_SELECTORS_MAX, path, validateSelector);
}

function validateAllocationMode(mode: string, count: number, modePath: Path, countPath: Path): FieldError[] {
  switch (mode) {
    case 'All':
      return count !== 0 ? [fieldErrors.invalid(String(countPath), count, `must not be specified when allocationMode is '${mode}'`)] : [];
    case 'ExactCount':
      return count <= 0 ? [fieldErrors.invalid(String(countPath), count, 'must be greater than zero')] : [];
    default:
      return [fieldErrors.notSupported(String(modePath), mode, ALLOCATION_MODES)];
  }
}

function validateToleration(t: Record<string, unknown>, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const op = str(t.operator);
  const value = str(t.value);
  if (op === 'Exists') {
    if (value !== '') errs.push(fieldErrors.invalid(String(path.child('value')), value, 'must be empty for operator `Exists`'));
  } else if (op === '') errs.push(fieldErrors.required(String(path.child('operator'))));
  else if (!TOLERATION_OPERATORS.includes(op)) errs.push(fieldErrors.notSupported(String(path.child('operator')), op, TOLERATION_OPERATORS));
  const effect = str(t.effect);
  if (effect !== '' && !TAINT_EFFECTS.includes(effect)) errs.push(fieldErrors.notSupported(String(path.child('effect')), effect, TAINT_EFFECTS));
  return errs;
}

/** The fields ExactDeviceRequest and DeviceSubRequest share (class, selectors, mode/count, tolerations). */
function validateDeviceChoice(r: Record<string, unknown>, path: Path): FieldError[] {
  return [
    ...validateDeviceClassName(str(r.deviceClassName), path.child('deviceClassName')),
    ...validateSelectors(r.selectors, path.child('selectors')),
    ...validateAllocationMode(str(r.allocationMode), typeof r.count === 'number' ? r.count : 0, path.child('allocationMode'), path.child('count')),
    ...objs(r.tolerations).flatMap((t, i) => validateToleration(t, path.child('tolerations').index(i))),
  ];
}

function validateDeviceRequest(req: Record<string, unknown>, path: Path): FieldError[] {
  const errs = dnsLabel(str(req.name), path.child('name'));
  const firstAvailable = objs(req.firstAvailable);
  const hasExactly = isObj(req.exactly);
  if (firstAvailable.length === 0 && !hasExactly) {
    errs.push(fieldErrors.required(String(path), 'exactly one of `exactly` or `firstAvailable` is required'));
  } else if (firstAvailable.length > 0 && hasExactly) {
    errs.push(fieldErrors.invalid(String(path), null, 'exactly one of `exactly` or `firstAvailable` is required, but multiple fields are set'));
  } else if (hasExactly) {
    errs.push(...validateDeviceChoice(obj(req.exactly), path.child('exactly')));
  } else {
    errs.push(
      ...validateSet(
        firstAvailable,
        FIRST_AVAILABLE_MAX,
        path.child('firstAvailable'),
        (sub, p) => [...dnsLabel(str(sub.name), p.child('name')), ...validateDeviceChoice(sub, p)],
        (sub) => str(sub.name),
      ),
    );
  }
  return errs;
}

/** Request names of a claim: each request, and for firstAvailable ones its sub-requests. */
type RequestNames = Map<string, Set<string> | null>;

function requestNames(devices: Record<string, unknown>): RequestNames {
  const names: RequestNames = new Map();
  for (const r of objs(devices.requests)) {
    const subs = objs(r.firstAvailable);
    names.set(str(r.name), subs.length === 0 ? null : new Set(subs.map((s) => str(s.name))));
  }
  return names;
}

function validateRequestRef(name: string, path: Path, names: RequestNames): FieldError[] {
  const segments = name.split('/');
  if (segments.length > 2) return [fieldErrors.invalid(String(path), name, REQUEST_REF)];
  const errs = segments.flatMap((s) => dnsLabel(s, path));
  const subs = names.get(segments[0]!);
  const found = names.has(segments[0]!) && (segments.length === 1 || (subs !== null && subs !== undefined && subs.has(segments[1]!)));
  if (!found) errs.push(fieldErrors.invalid(String(path), name, REQUEST_REF));
  return errs;
}

function validateRequestRefs(refs: unknown, path: Path, names: RequestNames): FieldError[] {
  const list = arr(refs).map(str);
  return validateSet(list, DEVICE_REQUESTS_MAX, path, (n, p) => validateRequestRef(n, p, names), (n) => n);
}

/** validateRawExtension: present, within the limit, and a JSON object. */
function validateParameters(params: unknown, path: Path): FieldError[] {
  if (params === undefined || params === null) return [fieldErrors.required(String(path))];
  if (JSON.stringify(params).length > OPAQUE_PARAMETERS_MAX_LENGTH) return [fieldErrors.tooLong(String(path), OPAQUE_PARAMETERS_MAX_LENGTH)];
  if (!isObj(params)) return [fieldErrors.invalid(String(path), '<value omitted>', 'must be a valid JSON object')];
  return [];
}

/** validateDeviceConfiguration: the opaque member is the only kind of configuration there is. */
export function validateDeviceConfiguration(config: Record<string, unknown>, path: Path): FieldError[] {
  if (!isObj(config.opaque)) return [fieldErrors.required(String(path.child('opaque')))];
  const p = path.child('opaque');
  return [...validateDriverName(str(config.opaque.driver), p.child('driver')), ...validateParameters(config.opaque.parameters, p.child('parameters'))];
}

function validateConstraint(c: Record<string, unknown>, path: Path, names: RequestNames): FieldError[] {
  const errs = validateRequestRefs(c.requests, path.child('requests'), names);
  if (typeof c.matchAttribute !== 'string' && typeof c.distinctAttribute !== 'string') errs.push(fieldErrors.required(String(path.child('matchAttribute'))));
  return errs;
}

/** validateDeviceClaim: spec.devices of a ResourceClaim (or of a template's claim spec). */
export function validateDeviceClaim(devices: Record<string, unknown>, path: Path): FieldError[] {
  const names = requestNames(devices);
  return [
    ...validateSet(objs(devices.requests), DEVICE_REQUESTS_MAX, path.child('requests'), validateDeviceRequest, (r) => str(r.name)),
    ...validateList(objs(devices.constraints), DEVICE_CONSTRAINTS_MAX, path.child('constraints'), (c, p) => validateConstraint(c, p, names)),
    ...validateList(objs(devices.config), DEVICE_CONFIG_MAX, path.child('config'), (c, p) => [
      ...validateRequestRefs(c.requests, p.child('requests'), names),
      ...validateDeviceConfiguration(c, p),
    ]),
  ];
}

/** SetDefaults_ExactDeviceRequest / SetDefaults_DeviceSubRequest and SetDefaults_DeviceToleration (v1). */
export function defaultDeviceChoice(r: Record<string, unknown>): void {
  if (r.allocationMode === undefined || r.allocationMode === '') r.allocationMode = 'ExactCount';
  if (r.allocationMode === 'ExactCount' && (r.count === undefined || r.count === 0)) r.count = 1;
  for (const t of objs(r.tolerations)) if (t.operator === undefined || t.operator === '') t.operator = 'Equal';
}

/** Defaults every request of a v1 claim spec's devices. */
export function defaultDeviceClaim(devices: unknown): void {
  for (const r of objs(obj(devices).requests)) {
    if (isObj(r.exactly)) defaultDeviceChoice(r.exactly);
    for (const sub of objs(r.firstAvailable)) defaultDeviceChoice(sub);
  }
}
