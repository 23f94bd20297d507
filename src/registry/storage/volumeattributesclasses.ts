// volumeattributesclasses.storage.k8s.io (v1 since 1.34): ValidateVolumeAttributesClass(Update) and
// printVolumeAttributesClass. The parameters are opaque to Kubernetes and handed to the CSI driver.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { isQualifiedName } from '../../api/names.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { Path, deepEqual, str } from '../core/util.ts';
import { validateImmutable } from '../core/validation.ts';
import { validateParameters } from './storageclasses.ts';

export const volumeAttributesClassStrategy: Strategy = {
  validate(vac) {
    const errs: FieldError[] = [];
    const driver = str(vac.driverName);
    if (driver === '') errs.push(fieldErrors.required('driverName'));
    else for (const m of isQualifiedName(driver.toLowerCase())) errs.push(fieldErrors.invalid('driverName', driver, m));
    errs.push(...validateParameters(vac.parameters));
    return errs;
  },
  validateUpdate(vac, old) {
    const errs = validateImmutable(vac.driverName, old.driverName, Path.of('driverName'), (a, b) => a === b);
    if (!deepEqual(vac.parameters ?? {}, old.parameters ?? {})) errs.push(fieldErrors.forbidden('parameters', 'updates to parameters are forbidden.'));
    return errs;
  },
  columns: [NAME_COLUMN, column('DriverName', 'string', 'Name of the CSI driver This field is immutable.'), AGE_COLUMN],
  row: (vac, now) => ({ cells: [vac.metadata.name ?? '', str(vac.driverName), age(vac, now)] }),
};
