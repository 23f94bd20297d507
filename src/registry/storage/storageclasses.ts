// storageclasses.storage.k8s.io: pkg/registry/storage/storageclass (strategy), SetDefaults_StorageClass,
// pkg/apis/storage/validation (ValidateStorageClass, ValidateStorageClassUpdate) and printStorageClass.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { isQualifiedName } from '../../api/names.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, column, NAME_COLUMN, age } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { Path, deepEqual, isObj, obj, str } from '../core/util.ts';
import { validateEnum, validateImmutable } from '../core/validation.ts';

export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const BETA_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';
const RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
const MAX_PARAMETERS = 512;
const MAX_PARAMETERS_BYTES = 256 * 1024;

/** The provisioner the simulated provisioner controller answers for. */
export const SIMULATED_PROVISIONER = 'wheelhouse.io/simulated';

/** The class every cluster starts with, shaped like kind's `standard` (delayed binding, volumes deleted with their claim). */
export const DEFAULT_STORAGE_CLASS: KObject = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: {
    name: 'standard',
    annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' },
    labels: { 'addonmanager.kubernetes.io/mode': 'EnsureExists' },
  },
  provisioner: SIMULATED_PROVISIONER,
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
};

/** storageutil.IsDefaultAnnotation: either annotation set to exactly "true". */
export function isDefaultClass(sc: KObject): boolean {
  const ann = sc.metadata.annotations ?? {};
  return ann[DEFAULT_CLASS_ANNOTATION] === 'true' || ann[BETA_DEFAULT_CLASS_ANNOTATION] === 'true';
}

function defaults(sc: KObject): void {
  if (!str(sc.reclaimPolicy)) sc.reclaimPolicy = 'Delete';
  if (!str(sc.volumeBindingMode)) sc.volumeBindingMode = 'Immediate';
}

export function validateParameters(params: unknown): FieldError[] {
  if (!isObj(params)) return [];
  const entries = Object.entries(params);
  if (entries.length > MAX_PARAMETERS) return [fieldErrors.tooLong('parameters', MAX_PARAMETERS)];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of entries) {
    if (k.length === 0) errs.push(fieldErrors.invalid('parameters', k, 'field can not be empty.'));
    size += k.length + str(v).length;
  }
  if (size > MAX_PARAMETERS_BYTES) errs.push(fieldErrors.tooLong('parameters', MAX_PARAMETERS_BYTES));
  return errs;
}

function validate(sc: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = str(sc.provisioner);
  if (provisioner === '') errs.push(fieldErrors.required('provisioner'));
  // Upstream checks the lowercased name: provisioners such as kubernetes.io/AWS-EBS are legal.
  else for (const m of isQualifiedName(provisioner.toLowerCase())) errs.push(fieldErrors.invalid('provisioner', provisioner, m));
  errs.push(...validateParameters(sc.parameters));
  errs.push(...validateEnum(str(sc.reclaimPolicy), RECLAIM_POLICIES, Path.of('reclaimPolicy'), false));
  errs.push(...validateEnum(str(sc.volumeBindingMode), BINDING_MODES, Path.of('volumeBindingMode')));
  return errs;
}

function validateUpdate(sc: KObject, old: KObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!deepEqual(sc.parameters ?? {}, old.parameters ?? {})) errs.push(fieldErrors.forbidden('parameters', 'updates to parameters are forbidden.'));
  if (str(sc.provisioner) !== str(old.provisioner)) errs.push(fieldErrors.forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (str(sc.reclaimPolicy) !== str(old.reclaimPolicy)) errs.push(fieldErrors.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  errs.push(...validateImmutable(sc.volumeBindingMode, old.volumeBindingMode, Path.of('volumeBindingMode'), (a, b) => a === b));
  return errs;
}

export const storageClassStrategy: Strategy = {
  prepareForCreate: defaults,
  prepareForUpdate: defaults,
  validate,
  validateUpdate,
  columns: [
    NAME_COLUMN,
    column('Provisioner', 'string', 'provisioner indicates the type of the provisioner.'),
    column('ReclaimPolicy', 'string', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.'),
    column('VolumeBindingMode', 'string', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.'),
    column('AllowVolumeExpansion', 'boolean', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
    AGE_COLUMN,
  ],
  row(sc, now) {
    const name = sc.metadata.name ?? '';
    return {
      cells: [
        isDefaultClass(sc) ? `${name} (default)` : name,
        str(sc.provisioner),
        str(sc.reclaimPolicy) || 'Delete',
        str(sc.volumeBindingMode) || 'Immediate',
        sc.allowVolumeExpansion === true,
        age(sc, now),
      ],
    };
  },
};

/**
 * The DefaultStorageClass admission plugin (plugin/pkg/admission/storage/storageclass/setdefault): a
 * claim that names no class, by field or beta annotation, gets the default one. With several defaults
 * the newest wins (then the first by name), as GetDefaultClass picks.
 */
export function admitDefaultStorageClass(pvc: KObject, classes: readonly KObject[]): void {
  const spec = obj(pvc.spec);
  if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
  if (pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] !== undefined) return;
  const defaults = classes.filter(isDefaultClass);
  if (defaults.length === 0) return;
  defaults.sort((a, b) => {
    const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
    const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
    if (ta !== tb) return tb - ta;
    return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
  });
  pvc.spec = { ...spec, storageClassName: defaults[0]!.metadata.name };
}
