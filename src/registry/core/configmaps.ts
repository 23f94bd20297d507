// ConfigMaps: ValidateConfigMap(Update) and printConfigMap.
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { byteLength, isConfigMapKey } from '../../api/names.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy, TableRow } from '../strategy.ts';
import { Path, obj, semanticEqual } from './util.ts';

/** core.MaxSecretSize, which also bounds a ConfigMap's data. */
export const MAX_DATA_SIZE = 1024 * 1024;
export const IMMUTABLE_WHEN_SET = 'field is immutable when `immutable` is set';

const COLUMNS = [NAME_COLUMN, column('Data', 'string', 'Number of data and binaryData keys.'), AGE_COLUMN];

function row(cm: KObject, now: number): TableRow {
  const count = Object.keys(obj(cm.data)).length + Object.keys(obj(cm.binaryData)).length;
  return { cells: [cm.metadata.name ?? '', count, age(cm, now)] };
}

function validate(cm: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = obj(cm.data);
  const binary = obj(cm.binaryData);
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    const path = String(Path.of('data').key(key));
    for (const m of isConfigMapKey(key)) errs.push(fieldErrors.invalid(path, key, m));
    if (key in binary) errs.push(fieldErrors.invalid(path, key, 'duplicate of key present in binaryData'));
    total += typeof value === 'string' ? byteLength(value) : 0;
  }
  for (const [key, value] of Object.entries(binary)) {
    const path = String(Path.of('binaryData').key(key));
    for (const m of isConfigMapKey(key)) errs.push(fieldErrors.invalid(path, key, m));
    if (key in data) errs.push(fieldErrors.invalid(path, key, 'duplicate of key present in data'));
    total += typeof value === 'string' ? Buffer.from(value, 'base64').length : 0;
  }
  // The whole object is at fault: upstream reports it on the empty path.
  if (total > MAX_DATA_SIZE) errs.push(new FieldError('FieldValueTooLong', '', '', `may not be more than ${MAX_DATA_SIZE} bytes`));
  return errs;
}

function validateUpdate(cm: KObject, old: KObject): FieldError[] {
  const errs: FieldError[] = [];
  if (old.immutable === true) {
    if (cm.immutable !== true) errs.push(fieldErrors.forbidden('immutable', IMMUTABLE_WHEN_SET));
    if (!semanticEqual(cm.data, old.data)) errs.push(fieldErrors.forbidden('data', IMMUTABLE_WHEN_SET));
    if (!semanticEqual(cm.binaryData, old.binaryData)) errs.push(fieldErrors.forbidden('binaryData', IMMUTABLE_WHEN_SET));
  }
  return errs;
}

export const configMapStrategy: Strategy = {
  nameRule: 'subdomain',
  validate,
  validateUpdate,
  columns: COLUMNS,
  row,
};
