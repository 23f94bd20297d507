// resourceclaimtemplates.resource.k8s.io (v1): pkg/registry/resource/resourceclaimtemplate,
// ValidateResourceClaimTemplate(Update) (the spec is immutable) and printResourceClaimTemplate.
import type { FieldError } from '../../api/field-errors.ts';
import { AGE_COLUMN, NAME_COLUMN, age } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { Path, deepEqual, obj, strMap } from '../core/util.ts';
import { validateImmutable } from '../core/validation.ts';
import { validateAnnotations, validateLabels } from '../validation/objectmeta.ts';
import { defaultClaimSpec, validateClaimSpec } from './resourceclaims.ts';

/** ValidateTemplateObjectMeta (labels and annotations) plus the claim spec inside the template. */
function validateTemplateSpec(specValue: unknown): FieldError[] {
  const spec = obj(specValue);
  const meta = obj(spec.metadata);
  return [
    ...(meta.labels === undefined ? [] : validateLabels(strMap(meta.labels), 'spec.metadata.labels')),
    ...(meta.annotations === undefined ? [] : validateAnnotations(strMap(meta.annotations), 'spec.metadata.annotations')),
    ...validateClaimSpec(spec.spec, Path.of('spec', 'spec')),
  ];
}

export const resourceClaimTemplateStrategy: Strategy = {
  prepareForCreate: (t) => defaultClaimSpec(obj(t.spec).spec),
  prepareForUpdate: (t) => defaultClaimSpec(obj(t.spec).spec),
  validate: (t) => validateTemplateSpec(t.spec),
  validateUpdate: (t, old) => validateImmutable(t.spec, old.spec, Path.of('spec'), deepEqual),
  columns: [NAME_COLUMN, AGE_COLUMN],
  row: (t, now) => ({ cells: [t.metadata.name, age(t, now)] }),
};
