// resourceclaims.resource.k8s.io (v1): pkg/registry/resource/resourceclaim (status reset on create and
// kept by spec writes, spec kept by status writes), ValidateResourceClaim(Update|StatusUpdate) and
// printResourceClaim (Name, State, Age). Nothing allocates claims here: status is whatever a client
// (a DRA scheduler or driver) writes through /status.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { Path, arr, deepEqual, isObj, obj, objs, str } from '../core/util.ts';
import { validateImmutable } from '../core/validation.ts';
import { keepStatus, resetStatus } from '../apps/workload.ts';
import { DEVICE_REQUESTS_MAX, defaultDeviceClaim, dnsLabel, validateDeviceClaim, validateDriverName, validatePoolName, validateSet } from './validation.ts';

const RESERVED_FOR_MAX = 256;

/** ResourceClaimSpec defaults (the requests' allocation mode, count and toleration operators). */
export function defaultClaimSpec(spec: unknown): void {
  defaultDeviceClaim(obj(spec).devices);
}

export function validateClaimSpec(spec: unknown, path: Path): FieldError[] {
  return validateDeviceClaim(obj(obj(spec).devices), path.child('devices'));
}

function validateConsumer(ref: Record<string, unknown>, path: Path): FieldError[] {
  return ['resource', 'name', 'uid'].filter((k) => str(ref[k]) === '').map((k) => fieldErrors.required(String(path.child(k))));
}

function validateAllocation(allocation: Record<string, unknown>, path: Path): FieldError[] {
  const results = objs(obj(allocation.devices).results);
  const p = path.child('devices', 'results');
  if (results.length > DEVICE_REQUESTS_MAX) return [fieldErrors.tooMany(String(p), results.length, DEVICE_REQUESTS_MAX)];
  return results.flatMap((r, i) => [
    ...(str(r.request) === '' ? [fieldErrors.required(String(p.index(i).child('request')))] : []),
    ...validateDriverName(str(r.driver), p.index(i).child('driver')),
    ...validatePoolName(str(r.pool), p.index(i).child('pool')),
    ...dnsLabel(str(r.device), p.index(i).child('device')),
  ]);
}

function validateStatus(claim: KObject, old: KObject): FieldError[] {
  const status = obj(claim.status);
  const oldStatus = obj(old.status);
  const path = Path.of('status');
  const reservedFor = objs(status.reservedFor);
  const errs = validateSet(reservedFor, RESERVED_FOR_MAX, path.child('reservedFor'), validateConsumer, (r) => str(r.uid));
  if (reservedFor.length > 0) {
    if (!isObj(status.allocation)) {
      errs.push(fieldErrors.forbidden(String(path.child('reservedFor')), 'may not be specified when `allocated` is not set'));
    } else if (claim.metadata.deletionTimestamp) {
      const before = new Set(objs(oldStatus.reservedFor).map((r) => JSON.stringify(r)));
      if (reservedFor.some((r) => !before.has(JSON.stringify(r)))) {
        errs.push(fieldErrors.forbidden(String(path.child('reservedFor')), 'new entries may not be added while `deallocationRequested` or `deletionTimestamp` are set'));
      }
    }
  }
  if (isObj(oldStatus.allocation) && isObj(status.allocation)) {
    errs.push(...validateImmutable(status.allocation, oldStatus.allocation, path.child('allocation'), deepEqual));
  } else if (isObj(status.allocation)) {
    errs.push(...validateAllocation(status.allocation, path.child('allocation')));
  }
  return errs;
}

/** resourceClaimState: deleted / pending / allocated / reserved, comma-joined. */
export function claimState(claim: KObject): string {
  const status = obj(claim.status);
  const states: string[] = [];
  if (claim.metadata.deletionTimestamp) states.push('deleted');
  if (!isObj(status.allocation)) {
    if (!claim.metadata.deletionTimestamp) states.push('pending');
  } else {
    states.push('allocated');
    if (arr(status.reservedFor).length > 0) states.push('reserved');
  }
  return states.join(',');
}

export const resourceClaimStrategy: Strategy = {
  prepareForCreate(claim) {
    resetStatus(claim);
    defaultClaimSpec(claim.spec);
  },
  prepareForUpdate(claim, old) {
    keepStatus(claim, old);
    defaultClaimSpec(claim.spec);
  },
  validate: (claim) => validateClaimSpec(claim.spec, Path.of('spec')),
  // The spec is immutable: an update is only checked for that.
  validateUpdate: (claim, old) => validateImmutable(claim.spec, old.spec, Path.of('spec'), deepEqual),
  validateStatusUpdate: validateStatus,
  columns: [NAME_COLUMN, column('State', 'string', 'A summary of the current state (allocated, pending, reserved, etc.).'), AGE_COLUMN],
  row: (claim, now) => ({ cells: [claim.metadata.name, claimState(claim), age(claim, now)] }),
};
