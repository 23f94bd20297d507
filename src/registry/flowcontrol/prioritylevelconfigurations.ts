// prioritylevelconfigurations.flowcontrol.apiserver.k8s.io: the v1 defaults (SetDefaults_*
// in pkg/apis/flowcontrol/v1), ValidatePriorityLevelConfiguration and printPriorityLevelConfiguration.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { apfStrategyBase } from './strategy-base.ts';
import { type Obj, Path, isObj, obj, str } from '../core/util.ts';
import { validateEnum } from '../core/validation.ts';

const TYPES = ['Exempt', 'Limited'];
const RESPONSE_TYPES = ['Queue', 'Reject'];
const PERCENT = 'must be between 0 and 100, inclusive';

function defaults(plc: KObject): void {
  const spec = obj(plc.spec);
  if (isObj(spec.limited)) {
    const limited = spec.limited;
    limited.nominalConcurrencyShares ??= 30;
    limited.lendablePercent ??= 0;
    const response = obj(limited.limitResponse);
    if (isObj(response.queuing)) {
      const q = response.queuing;
      if (!q.queues) q.queues = 64;
      if (!q.handSize) q.handSize = 8;
      if (!q.queueLengthLimit) q.queueLengthLimit = 50;
    }
    limited.limitResponse = response;
  }
  if (isObj(spec.exempt)) {
    spec.exempt.nominalConcurrencyShares ??= 0;
    spec.exempt.lendablePercent ??= 0;
  }
  plc.spec = spec;
}

function validatePercent(v: unknown, path: Path): FieldError[] {
  return typeof v === 'number' && (v < 0 || v > 100) ? [fieldErrors.invalid(String(path), v, PERCENT)] : [];
}

function validateShares(v: unknown, path: Path): FieldError[] {
  return typeof v === 'number' && v < 0 ? [fieldErrors.invalid(String(path), v, 'must be a non-negative integer')] : [];
}

function validateQueuing(q: Obj, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const queues = Number(q.queues ?? 0);
  const handSize = Number(q.handSize ?? 0);
  const limit = Number(q.queueLengthLimit ?? 0);
  if (limit <= 0) errs.push(fieldErrors.invalid(String(path.child('queueLengthLimit')), limit, 'must be positive'));
  if (queues <= 0) errs.push(fieldErrors.invalid(String(path.child('queues')), queues, 'must be positive'));
  if (handSize <= 0) errs.push(fieldErrors.invalid(String(path.child('handSize')), handSize, 'must be positive'));
  else if (handSize > queues) errs.push(fieldErrors.invalid(String(path.child('handSize')), handSize, `should not be greater than queues (${queues})`));
  return errs;
}

function validateLimited(limited: Obj, path: Path): FieldError[] {
  const errs = validateShares(limited.nominalConcurrencyShares, path.child('nominalConcurrencyShares'));
  errs.push(...validatePercent(limited.lendablePercent, path.child('lendablePercent')));
  const borrowing = limited.borrowingLimitPercent;
  if (typeof borrowing === 'number' && borrowing < 0) {
    errs.push(fieldErrors.invalid(String(path.child('borrowingLimitPercent')), borrowing, 'if specified, must be a non-negative integer'));
  }
  const response = obj(limited.limitResponse);
  const rp = path.child('limitResponse');
  const type = str(response.type);
  errs.push(...validateEnum(type, RESPONSE_TYPES, rp.child('type')));
  if (type === 'Queue') {
    if (!isObj(response.queuing)) errs.push(fieldErrors.required(String(rp.child('queuing')), 'must not be empty if type is Queue'));
    else errs.push(...validateQueuing(response.queuing, rp.child('queuing')));
  } else if (type === 'Reject' && isObj(response.queuing)) {
    errs.push(fieldErrors.forbidden(String(rp.child('queuing')), 'must be nil if limited.limitResponse.type is not Limited'));
  }
  return errs;
}

function validate(plc: KObject): FieldError[] {
  const spec = obj(plc.spec);
  const path = Path.of('spec');
  const type = str(spec.type);
  const errs = validateEnum(type, TYPES, path.child('type'));
  if ((plc.metadata.name === 'exempt') !== (type === 'Exempt') && TYPES.includes(type)) {
    errs.push(fieldErrors.invalid(String(path.child('type')), type, "type must be 'Exempt' if and only if name is 'exempt'"));
  }
  if (type === 'Exempt') {
    if (isObj(spec.limited)) errs.push(fieldErrors.forbidden(String(path.child('limited')), 'must be nil if the type is not Limited'));
    if (isObj(spec.exempt)) {
      errs.push(...validateShares(spec.exempt.nominalConcurrencyShares, path.child('exempt', 'nominalConcurrencyShares')));
      errs.push(...validatePercent(spec.exempt.lendablePercent, path.child('exempt', 'lendablePercent')));
    }
  } else if (type === 'Limited') {
    if (isObj(spec.exempt)) errs.push(fieldErrors.forbidden(String(path.child('exempt')), 'must be nil if the type is Limited'));
    if (!isObj(spec.limited)) errs.push(fieldErrors.required(String(path.child('limited')), 'must not be empty when type is Limited'));
    else errs.push(...validateLimited(spec.limited, path.child('limited')));
  }
  return errs;
}

export const priorityLevelConfigurationStrategy: Strategy = {
  ...apfStrategyBase(defaults, validate),
  columns: [
    NAME_COLUMN,
    column('Type', 'string', '`type` indicates whether this priority level is subject to limitation on request execution.'),
    column('NominalConcurrencyShares', 'string', '`nominalConcurrencyShares` (NCS) contributes to the computation of the NominalConcurrencyLimit (NominalCL) of this level.'),
    column('Queues', 'string', '`queues` is the number of queues for this priority level.'),
    column('HandSize', 'string', '`handSize` is a small positive number that configures the shuffle sharding of requests into queues.'),
    column('QueueLengthLimit', 'string', '`queueLengthLimit` is the maximum number of requests allowed to be waiting in a given queue of this priority level at a time.'),
    AGE_COLUMN,
  ],
  row(plc, now) {
    const spec = obj(plc.spec);
    // Exempt levels and levels that reject instead of queueing print <none> where they have no value.
    let shares: unknown = '<none>';
    let queuing: unknown[] = ['<none>', '<none>', '<none>'];
    if (isObj(spec.limited)) {
      shares = spec.limited.nominalConcurrencyShares ?? 0;
      const q = obj(spec.limited.limitResponse).queuing;
      if (isObj(q)) queuing = [q.queues ?? 0, q.handSize ?? 0, q.queueLengthLimit ?? 0];
    }
    return { cells: [plc.metadata.name ?? '', str(spec.type), shares, ...queuing, age(plc, now)] };
  },
};
