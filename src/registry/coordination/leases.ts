// leases.coordination.k8s.io: pkg/registry/coordination/lease/strategy.go,
// pkg/apis/coordination/validation (ValidateLeaseSpec), printLease.
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { asObj, ensureObj, isSet, normalizeMicroTime, spec } from '../apps/common.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';

/** acquireTime and renewTime are MicroTime: the server writes them with six fractional digits. */
function normalizeTimes(obj: KObject): void {
  // LeaseSpec is a plain struct: it always serializes, as `spec: {}` when empty.
  const s = ensureObj(obj, 'spec');
  for (const k of ['acquireTime', 'renewTime']) if (typeof s[k] === 'string') s[k] = normalizeMicroTime(s[k]);
}

/**
 * strategy and preferredHolder belong to CoordinatedLeaderElection, an alpha feature (off) in
 * v1.32: dropped on create, and on update unless the stored lease already uses them.
 */
function dropDisabledFields(obj: KObject, old: KObject | undefined): void {
  const s = asObj(obj.spec);
  if (!s) return;
  const o = old ? asObj(old.spec) : undefined;
  if (!isSet(o?.strategy)) delete s.strategy;
  if (!isSet(o?.preferredHolder)) delete s.preferredHolder;
}

/** ValidateLeaseSpec */
export function validateLease(obj: KObject): FieldError[] {
  const s = spec(obj);
  const errs: FieldError[] = [];
  if (typeof s.leaseDurationSeconds === 'number' && s.leaseDurationSeconds <= 0) {
    errs.push(fieldErrors.invalid('spec.leaseDurationSeconds', s.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (typeof s.leaseTransitions === 'number' && s.leaseTransitions < 0) {
    errs.push(fieldErrors.invalid('spec.leaseTransitions', s.leaseTransitions, 'must be greater than or equal to 0'));
  }
  if (isSet(s.strategy) && s.strategy !== 'OldestEmulationVersion') {
    errs.push(fieldErrors.notSupported('spec.strategy', s.strategy, ['OldestEmulationVersion']));
  }
  if (typeof s.preferredHolder === 'string' && s.preferredHolder !== '' && !s.strategy) {
    errs.push(fieldErrors.forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  }
  return errs;
}

export const leaseStrategy: Strategy = {
  prepareForCreate(obj) {
    dropDisabledFields(obj, undefined);
    normalizeTimes(obj);
  },
  prepareForUpdate(obj, old) {
    dropDisabledFields(obj, old);
    normalizeTimes(obj);
  },
  validate: validateLease,
  columns: [NAME_COLUMN, column('Holder', 'string', 'Identity of the current holder of the lease.'), AGE_COLUMN],
  row(obj, now) {
    const holder = spec(obj).holderIdentity;
    return { cells: [obj.metadata.name ?? '', typeof holder === 'string' ? holder : '', age(obj, now)] };
  },
};
