// deviceclasses.resource.k8s.io (v1): pkg/registry/resource/deviceclass (generation bumped on spec
// changes), ValidateDeviceClass(Update) and printDeviceClass (Name, Age).
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { isQualifiedName } from '../../api/names.ts';
import { AGE_COLUMN, NAME_COLUMN, age } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { Path, obj, objs } from '../core/util.ts';
import { DEVICE_CONFIG_MAX, validateDeviceConfiguration, validateList, validateSelectors } from './validation.ts';

/** v1helper.IsExtendedResourceName: a prefixed qualified name outside kubernetes.io, also valid with `requests.` in front. */
function isExtendedResourceName(name: string): boolean {
  const slash = name.indexOf('/');
  if (slash <= 0 || name.startsWith('requests.')) return false;
  const domain = name.slice(0, slash);
  if (domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io')) return false;
  return isQualifiedName(name).length === 0 && isQualifiedName(`requests.${name}`).length === 0;
}

export function validateDeviceClassSpec(specValue: unknown): FieldError[] {
  const spec = obj(specValue);
  const path = Path.of('spec');
  const errs = [
    ...validateSelectors(spec.selectors, path.child('selectors')),
    ...validateList(objs(spec.config), DEVICE_CONFIG_MAX, path.child('config'), validateDeviceConfiguration),
  ];
  const ext = spec.extendedResourceName;
  if (typeof ext === 'string' && !isExtendedResourceName(ext)) {
    errs.push(fieldErrors.invalid(String(path.child('extendedResourceName')), ext, 'must be a valid extended resource name'));
  }
  return errs;
}

export const deviceClassStrategy: Strategy = {
  tracksGeneration: true,
  validate: (dc) => validateDeviceClassSpec(dc.spec),
  columns: [NAME_COLUMN, AGE_COLUMN],
  row: (dc, now) => ({ cells: [dc.metadata.name, age(dc, now)] }),
};
