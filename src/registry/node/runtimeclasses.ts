// runtimeclasses.node.k8s.io: ValidateRuntimeClass(Update) and printRuntimeClass; the pod half of the
// RuntimeClass admission plugin (plugin/pkg/admission/runtimeclass) lives in runtimeclass-admission.ts.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { isDNS1123Label } from '../../api/names.ts';
import { parseQuantity } from '../../api/quantity.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { Path, goJSONValue, isObj, obj, objs, str, strMap } from '../core/util.ts';
import { validateImmutable, validateLabels } from '../core/validation.ts';
import { validateTolerations } from '../core/podspec.ts';

function validateOverhead(overhead: unknown): FieldError[] {
  if (!isObj(overhead)) return [];
  const errs: FieldError[] = [];
  const path = Path.of('overhead', 'podFixed');
  for (const [name, q] of Object.entries(obj(overhead.podFixed))) {
    const v = parseQuantity(q);
    if (v !== undefined && v < 0) errs.push(fieldErrors.invalid(String(path.key(name)), q, 'must be greater than or equal to 0'));
  }
  return errs;
}

/** The toleration list must not repeat a (key, operator, value, effect) tuple. */
function validateSchedulingTolerations(tolerations: Record<string, unknown>[], path: Path): FieldError[] {
  // Upstream appends "tolerations" to a path that already ends in it; clients see the doubled segment.
  const errs = validateTolerations(tolerations, path.child('tolerations'));
  const seen = new Set<string>();
  tolerations.forEach((t, i) => {
    const listKey = JSON.stringify([str(t.key), str(t.operator), str(t.value), str(t.effect)]);
    if (seen.has(listKey)) errs.push(fieldErrors.duplicate(String(path.index(i)), goJSONValue(t)));
    seen.add(listKey);
  });
  return errs;
}

export const runtimeClassStrategy: Strategy = {
  validate(rc) {
    const handler = str(rc.handler);
    const errs = isDNS1123Label(handler).map((m) => fieldErrors.invalid('handler', handler, m));
    errs.push(...validateOverhead(rc.overhead));
    if (isObj(rc.scheduling)) {
      const path = Path.of('scheduling');
      errs.push(...validateLabels(strMap(rc.scheduling.nodeSelector), path.child('nodeSelector')));
      errs.push(...validateSchedulingTolerations(objs(rc.scheduling.tolerations), path.child('tolerations')));
    }
    return errs;
  },
  validateUpdate: (rc, old) => validateImmutable(rc.handler, old.handler, Path.of('handler'), (a, b) => a === b),
  columns: [
    NAME_COLUMN,
    column('Handler', 'string', 'handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class.'),
    AGE_COLUMN,
  ],
  row: (rc, now) => ({ cells: [rc.metadata.name ?? '', str(rc.handler), age(rc, now)] }),
};
