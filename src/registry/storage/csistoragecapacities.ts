// csistoragecapacities.storage.k8s.io (namespaced): ValidateCSIStorageCapacity(Update) and
// printCSIStorageCapacity.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { isDNS1123Subdomain } from '../../api/names.ts';
import { parseQuantity, quantityString } from '../../api/quantity.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { Path, semanticEqual, str } from '../core/util.ts';
import { validateImmutable } from '../core/validation.ts';

function validateNonNegativeQuantity(q: unknown, path: Path): FieldError[] {
  if (q === undefined || q === null) return [];
  const v = parseQuantity(q);
  if (v !== undefined && v < 0) return [fieldErrors.invalid(String(path), quantityString(q), 'must be greater than or equal to 0')];
  return [];
}

export const csiStorageCapacityStrategy: Strategy = {
  validate(c) {
    const errs: FieldError[] = [];
    const cls = str(c.storageClassName);
    for (const m of isDNS1123Subdomain(cls)) errs.push(fieldErrors.invalid('storageClassName', cls, m));
    errs.push(...validateNonNegativeQuantity(c.capacity, Path.of('capacity')));
    errs.push(...validateNonNegativeQuantity(c.maximumVolumeSize, Path.of('maximumVolumeSize')));
    return errs;
  },
  validateUpdate(c, old) {
    return [
      ...validateImmutable(c.nodeTopology, old.nodeTopology, Path.of('nodeTopology'), semanticEqual),
      ...validateImmutable(c.storageClassName, old.storageClassName, Path.of('storageClassName'), semanticEqual),
    ];
  },
  columns: [
    NAME_COLUMN,
    column('StorageClassName', 'string', 'storageClassName represents the name of the StorageClass that the reported capacity applies to.'),
    column('Capacity', 'string', 'capacity is the value reported by the CSI driver in its GetCapacityResponse for a GetCapacityRequest with topology and parameters that match the previous fields.'),
    AGE_COLUMN,
  ],
  row(c, now) {
    const capacity = c.capacity === undefined || c.capacity === null ? '<unset>' : quantityString(c.capacity);
    return { cells: [c.metadata.name ?? '', str(c.storageClassName), capacity, age(c, now)] };
  },
};
