// PersistentVolumeClaims: SetDefaults_PersistentVolumeClaim(Spec), the claim strategy,
// ValidatePersistentVolumeClaim(Update) and printPersistentVolumeClaim.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { isDNS1123Subdomain } from '../../api/names.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy, TableRow } from '../strategy.ts';
import { parseQuantity, quantityString } from '../../api/quantity.ts';
import { Path, arr, clone, isObj, jsonDiff, obj, semanticEqual, str } from './util.ts';
import { validateEnum } from './validation.ts';
import { ACCESS_MODES, VOLUME_MODES, accessModesString, storageClassOf } from './volumes.ts';

const SPEC = Path.of('spec');

const COLUMNS = [
  NAME_COLUMN,
  column('Status', 'string', 'The claim phase.'),
  column('Volume', 'string', 'The volume bound to the claim.'),
  column('Capacity', 'string', 'Capacity of the bound volume.'),
  column('Access Modes', 'string', 'Access modes of the bound volume.'),
  column('StorageClass', 'string', 'The storage class of the claim.'),
  column('VolumeAttributesClass', 'string', 'The volume attributes class of the claim.'),
  AGE_COLUMN,
  column('VolumeMode', 'string', 'Filesystem or Block.', 1),
];

function row(pvc: KObject, now: number): TableRow {
  const spec = obj(pvc.spec);
  const status = obj(pvc.status);
  const volumeName = str(spec.volumeName);
  const phase = pvc.metadata.deletionTimestamp ? 'Terminating' : str(status.phase);
  return {
    cells: [
      pvc.metadata.name ?? '',
      phase,
      volumeName,
      volumeName ? quantityString(obj(status.capacity).storage) : '',
      volumeName ? accessModesString(status.accessModes) : '',
      storageClassOf(pvc),
      typeof spec.volumeAttributesClassName === 'string' ? spec.volumeAttributesClassName : '<unset>',
      age(pvc, now),
      typeof spec.volumeMode === 'string' ? spec.volumeMode : '<unset>',
    ],
  };
}

function defaultSpec(pvc: KObject): void {
  const spec = obj(pvc.spec);
  pvc.spec = spec;
  if (spec.volumeMode === undefined || spec.volumeMode === null) spec.volumeMode = 'Filesystem';
  // VolumeResourceRequirements is a struct: it always serializes.
  if (!isObj(spec.resources)) spec.resources = {};
}

function prepareForCreate(pvc: KObject): void {
  defaultSpec(pvc);
  pvc.status = { phase: 'Pending' };
}

function validate(pvc: KObject): FieldError[] {
  const spec = obj(pvc.spec);
  const errs: FieldError[] = [];
  const modes = arr(spec.accessModes).map(str);
  if (modes.length === 0) errs.push(fieldErrors.required(String(SPEC.child('accessModes')), 'at least 1 access mode is required'));
  for (const m of modes) {
    if (!ACCESS_MODES.includes(m)) errs.push(fieldErrors.notSupported(String(SPEC.child('accessModes')), m, ACCESS_MODES));
  }
  const storagePath = String(SPEC.child('resources').key('storage'));
  const requests = obj(obj(spec.resources).requests);
  if (!('storage' in requests)) errs.push(fieldErrors.required(storagePath));
  else {
    const v = parseQuantity(requests.storage);
    if (v !== undefined && v <= 0) errs.push(fieldErrors.invalid(storagePath, String(requests.storage), 'must be greater than zero'));
  }
  const sc = str(spec.storageClassName);
  if (sc) for (const m of isDNS1123Subdomain(sc)) errs.push(fieldErrors.invalid(String(SPEC.child('storageClassName')), sc, m));
  if (typeof spec.volumeMode === 'string') {
    errs.push(...validateEnum(spec.volumeMode, VOLUME_MODES, SPEC.child('volumeMode')));
  }
  return errs;
}

/** ValidatePersistentVolumeClaimUpdate: the spec is fixed apart from binding, storage requests and the attributes class. */
function validateUpdate(pvc: KObject, old: KObject): FieldError[] {
  const next = clone(obj(pvc.spec));
  const prev = clone(obj(old.spec));
  // The binder may set volumeName once.
  if (!str(prev.volumeName)) {
    if (next.volumeName === undefined) delete prev.volumeName;
    else prev.volumeName = next.volumeName;
  }
  // A class may be set on a claim that has none yet and is not bound.
  if ((prev.storageClassName === undefined || prev.storageClassName === null) && !str(obj(old.spec).volumeName)) {
    if (next.storageClassName === undefined) delete prev.storageClassName;
    else prev.storageClassName = next.storageClassName;
  }
  // Bound claims may change their storage request (expansion).
  if (str(obj(pvc.status).phase) === 'Bound' && isObj(obj(next.resources).requests)) {
    const reqs = obj(obj(next.resources).requests);
    const oldStorage = obj(obj(prev.resources).requests).storage;
    if (oldStorage === undefined) delete reqs.storage;
    else reqs.storage = oldStorage;
  }
  delete next.volumeAttributesClassName;
  delete prev.volumeAttributesClassName;
  const errs: FieldError[] = [];
  if (!semanticEqual(next, prev)) {
    errs.push(
      fieldErrors.forbidden(
        String(SPEC),
        `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${jsonDiff(prev, next)}`,
      ),
    );
  }
  // Shrinking is allowed only back down to (above) the recorded capacity, to recover from a failed expansion.
  const newSize = parseQuantity(obj(obj(obj(pvc.spec).resources).requests).storage);
  const oldSize = parseQuantity(obj(obj(obj(old.spec).resources).requests).storage);
  const statusSize = parseQuantity(obj(obj(old.status).capacity).storage) ?? 0;
  if (newSize !== undefined && oldSize !== undefined && newSize < oldSize && newSize <= statusSize) {
    errs.push(fieldErrors.forbidden(String(SPEC.child('resources', 'requests', 'storage')), 'field can not be less than status.capacity'));
  }
  return errs;
}

export const persistentVolumeClaimStrategy: Strategy = {
  nameRule: 'subdomain',
  prepareForCreate,
  prepareForUpdate: defaultSpec,
  validate,
  validateUpdate,
  columns: COLUMNS,
  row,
};
