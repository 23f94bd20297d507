// controllerrevisions.apps: pkg/registry/apps/controllerrevision/strategy.go,
// ValidateControllerRevision(Update), printControllerRevision.
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { asNumber, deepEqual, IMMUTABLE, isSet, validateNonnegative } from './common.ts';

/** "statefulset.apps/web" for the controlling owner, "<none>" without one (formatResourceName). */
export function controllerName(obj: KObject): string {
  const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const apiVersion = ref.apiVersion ?? '';
  const parts = apiVersion.split('/');
  const group = parts.length === 2 ? parts[0]! : '';
  const kind = ref.kind ?? '';
  if (kind === '' && group === '') return ref.name;
  const groupKind = group === '' ? kind : `${kind}.${group}`;
  return `${groupKind.toLowerCase()}/${ref.name}`;
}

export function validateControllerRevision(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!isSet(obj.data)) errs.push(fieldErrors.required('data', 'data is mandatory'));
  errs.push(...validateNonnegative(obj.revision, 'revision'));
  return errs;
}

/** `revision` is a plain int64 in Go: it always serializes, as 0 when unset. */
function defaultRevision(obj: KObject): void {
  if (!isSet(obj.revision)) obj.revision = 0;
}

export const controllerRevisionStrategy: Strategy = {
  prepareForCreate: defaultRevision,
  prepareForUpdate: defaultRevision,
  validate: validateControllerRevision,
  validateUpdate(obj, old) {
    // The data of a revision never changes; upstream prints the raw bytes, so no value here.
    return deepEqual(obj.data, old.data) ? [] : [fieldErrors.withoutValue('FieldValueInvalid', 'data', IMMUTABLE)];
  },
  columns: [
    NAME_COLUMN,
    column('Controller', 'string', 'The object that owns this revision.'),
    column('Revision', 'string', 'The revision number.'),
    AGE_COLUMN,
  ],
  row(obj, now) {
    return { cells: [obj.metadata.name ?? '', controllerName(obj), asNumber(obj.revision), age(obj, now)] };
  },
};
