// LimitRanges: SetDefaults_LimitRangeItem and ValidateLimitRange. Upstream has no printer for
// them, so tables use the generic Name / Created At columns.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { NAME_COLUMN, column } from '../printing.ts';
import type { Strategy, TableRow } from '../strategy.ts';
import { parseQuantity } from '../../api/quantity.ts';
import { type Obj, Path, child, obj, objs, str } from './util.ts';
import { validateEnum } from './validation.ts';

const LIMIT_TYPES = ['Container', 'Pod', 'PersistentVolumeClaim'];

const COLUMNS = [NAME_COLUMN, column('Created At', 'date', 'When the object was created.')];

function row(lr: KObject): TableRow {
  return { cells: [lr.metadata.name ?? '', lr.metadata.creationTimestamp ?? null] };
}

/** SetDefaults_LimitRangeItem: container defaults fall back to max, default requests to default then min. */
function defaultLimitRange(lr: KObject): void {
  for (const item of objs(obj(lr.spec).limits)) {
    if (item.type !== 'Container') continue;
    const def = child(item, 'default');
    const defReq = child(item, 'defaultRequest');
    for (const [k, v] of Object.entries(obj(item.max))) if (!(k in def)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!(k in defReq)) defReq[k] = v;
    for (const [k, v] of Object.entries(obj(item.min))) if (!(k in defReq)) defReq[k] = v;
    // Empty resource lists are omitted on the wire.
    if (Object.keys(def).length === 0) delete item.default;
    if (Object.keys(defReq).length === 0) delete item.defaultRequest;
  }
}

function q(v: unknown): number | undefined {
  return parseQuantity(v);
}

function validateItem(item: Obj, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(item.type);
  errs.push(...validateEnum(type, LIMIT_TYPES, path.child('type')));
  if (type === 'Pod') {
    if (Object.keys(obj(item.default)).length > 0) errs.push(fieldErrors.forbidden(String(path.child('default')), "may not be specified when `type` is 'Pod'"));
    if (Object.keys(obj(item.defaultRequest)).length > 0) {
      errs.push(fieldErrors.forbidden(String(path.child('defaultRequest')), "may not be specified when `type` is 'Pod'"));
    }
  }
  const min = obj(item.min);
  const max = obj(item.max);
  const def = obj(item.default);
  const defReq = obj(item.defaultRequest);
  const keys = new Set([...Object.keys(min), ...Object.keys(max), ...Object.keys(def), ...Object.keys(defReq)]);
  for (const k of keys) {
    const [mn, mx, d, dr] = [q(min[k]), q(max[k]), q(def[k]), q(defReq[k])];
    const s = (m: Obj) => String(m[k]);
    if (mn !== undefined && mx !== undefined && mn > mx) {
      errs.push(fieldErrors.invalid(String(path.child('min').key(k)), s(min), `min value ${s(min)} is greater than max value ${s(max)}`));
    }
    if (dr !== undefined && mn !== undefined && mn > dr) {
      errs.push(
        fieldErrors.invalid(String(path.child('defaultRequest').key(k)), s(defReq), `min value ${s(min)} is greater than default request value ${s(defReq)}`),
      );
    }
    if (dr !== undefined && mx !== undefined && dr > mx) {
      errs.push(
        fieldErrors.invalid(String(path.child('defaultRequest').key(k)), s(defReq), `default request value ${s(defReq)} is greater than max value ${s(max)}`),
      );
    }
    if (dr !== undefined && d !== undefined && dr > d) {
      errs.push(
        fieldErrors.invalid(
          String(path.child('defaultRequest').key(k)),
          s(defReq),
          `default request value ${s(defReq)} is greater than default limit value ${s(def)}`,
        ),
      );
    }
    if (d !== undefined && mn !== undefined && mn > d) {
      errs.push(fieldErrors.invalid(String(path.child('default').key(k)), s(min), `min value ${s(min)} is greater than default value ${s(def)}`));
    }
    if (d !== undefined && mx !== undefined && d > mx) {
      errs.push(fieldErrors.invalid(String(path.child('default').key(k)), s(max), `default value ${s(def)} is greater than max value ${s(max)}`));
    }
  }
  return errs;
}

function validate(lr: KObject): FieldError[] {
  const path = Path.of('spec', 'limits');
  const errs: FieldError[] = [];
  objs(obj(lr.spec).limits).forEach((item, i) => errs.push(...validateItem(item, path.index(i))));
  return errs;
}

export const limitRangeStrategy: Strategy = {
  nameRule: 'subdomain',
  prepareForCreate: defaultLimitRange,
  prepareForUpdate: defaultLimitRange,
  validate,
  columns: COLUMNS,
  row,
};

