// csinodes.storage.k8s.io: ValidateCSINode(Update) and printCSINode. A node's agent owns its CSINode
// (named after the Node); Wheelhouse's simulated nodes register no CSI drivers, so users create these.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { isQualifiedName } from '../../api/names.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { Path, obj, objs, semanticEqual, str } from '../core/util.ts';
import { validateCSIDriverName } from './csidrivers.ts';

const NODE_ID_MAX = 192;

function validateDriver(d: Record<string, unknown>, path: Path): FieldError[] {
  const errs = validateCSIDriverName(str(d.name), path.child('name'));
  const nodeID = str(d.nodeID);
  if (nodeID === '') errs.push(fieldErrors.required(String(path.child('nodeID'))));
  else if (nodeID.length > NODE_ID_MAX) errs.push(fieldErrors.invalid(String(path.child('nodeID')), nodeID, `must be ${NODE_ID_MAX} characters or less`));
  const keys = new Set<string>();
  (Array.isArray(d.topologyKeys) ? d.topologyKeys : []).forEach((k, i) => {
    const key = str(k);
    const kp = path.child('topologyKeys').index(i);
    if (key === '') errs.push(fieldErrors.required(String(kp)));
    else for (const m of isQualifiedName(key)) errs.push(fieldErrors.invalid(String(kp), key, m));
    if (keys.has(key)) errs.push(fieldErrors.duplicate(String(kp), key));
    keys.add(key);
  });
  const count = obj(d.allocatable).count;
  if (typeof count === 'number' && count < 0) errs.push(fieldErrors.invalid(String(path.child('allocatable', 'count')), count, 'must be greater than or equal to 0'));
  return errs;
}

function withoutAllocatable(d: Record<string, unknown>): Record<string, unknown> {
  const { allocatable: _a, ...rest } = d;
  return rest;
}

export const csiNodeStrategy: Strategy = {
  validate(n) {
    const errs: FieldError[] = [];
    const names = new Set<string>();
    const path = Path.of('spec', 'drivers');
    objs(obj(n.spec).drivers).forEach((d, i) => {
      errs.push(...validateDriver(d, path.index(i)));
      if (names.has(str(d.name))) errs.push(fieldErrors.duplicate(String(path.index(i).child('name')), str(d.name)));
      names.add(str(d.name));
    });
    return errs;
  },
  validateUpdate(n, old) {
    // A registered driver keeps its identity; only its allocatable count may be refreshed (MutableCSINodeAllocatableCount).
    const errs: FieldError[] = [];
    const next = objs(obj(n.spec).drivers);
    for (const was of objs(obj(old.spec).drivers)) {
      const now = next.find((d) => str(d.name) === str(was.name));
      if (now && !semanticEqual(withoutAllocatable(now), withoutAllocatable(was))) errs.push(fieldErrors.invalid('CSINodeDriver', now, 'field is immutable'));
    }
    return errs;
  },
  columns: [NAME_COLUMN, column('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'), AGE_COLUMN],
  row: (n, now) => ({ cells: [n.metadata.name ?? '', objs(obj(n.spec).drivers).length, age(n, now)] }),
};
