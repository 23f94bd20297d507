// PersistentVolumes: SetDefaults_PersistentVolume, pkg/registry/core/persistentvolume/strategy.go,
// ValidatePersistentVolume(Update) and printPersistentVolume.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { isDNS1123Subdomain } from '../../api/names.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy, TableRow } from '../strategy.ts';
import { quantityString } from '../../api/quantity.ts';
import { type Obj, Path, arr, jsonDiff, obj, semanticEqual, str } from './util.ts';
import { validateEnum, validateImmutable } from './validation.ts';
import { ACCESS_MODES, VOLUME_MODES, accessModesString, storageClassOf } from './volumes.ts';

const SPEC = Path.of('spec');
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
/** PersistentVolumeSpec members that are not the volume source. */
const NON_SOURCE = new Set([
  'accessModes',
  'capacity',
  'claimRef',
  'persistentVolumeReclaimPolicy',
  'storageClassName',
  'mountOptions',
  'volumeMode',
  'nodeAffinity',
  'volumeAttributesClassName',
]);

const COLUMNS = [
  NAME_COLUMN,
  column('Capacity', 'string', 'Storage capacity.'),
  column('Access Modes', 'string', 'How the volume may be mounted.'),
  column('Reclaim Policy', 'string', 'What happens to the volume when its claim goes away.'),
  column('Status', 'string', 'The volume phase.'),
  column('Claim', 'string', 'The claim bound to the volume.'),
  column('StorageClass', 'string', 'The storage class of the volume.'),
  column('VolumeAttributesClass', 'string', 'The volume attributes class of the volume.'),
  column('Reason', 'string', 'Why the volume is in its phase.'),
  AGE_COLUMN,
  column('VolumeMode', 'string', 'Filesystem or Block.', 1),
];

function row(pv: KObject, now: number): TableRow {
  const spec = obj(pv.spec);
  const status = obj(pv.status);
  const claimRef = spec.claimRef;
  const claim = claimRef && typeof claimRef === 'object' ? `${str(obj(claimRef).namespace)}/${str(obj(claimRef).name)}` : '';
  const phase = pv.metadata.deletionTimestamp ? 'Terminating' : str(status.phase);
  return {
    cells: [
      pv.metadata.name ?? '',
      quantityString(obj(spec.capacity).storage),
      accessModesString(spec.accessModes),
      str(spec.persistentVolumeReclaimPolicy),
      phase,
      claim,
      storageClassOf(pv),
      typeof spec.volumeAttributesClassName === 'string' ? spec.volumeAttributesClassName : '<unset>',
      str(status.reason),
      age(pv, now),
      typeof spec.volumeMode === 'string' ? spec.volumeMode : '<unset>',
    ],
  };
}

function defaultSpec(pv: KObject): void {
  const spec = obj(pv.spec);
  pv.spec = spec;
  if (!spec.persistentVolumeReclaimPolicy) spec.persistentVolumeReclaimPolicy = 'Retain';
  if (spec.volumeMode === undefined || spec.volumeMode === null) spec.volumeMode = 'Filesystem';
  const hostPath = obj(spec.hostPath);
  if (spec.hostPath && hostPath.type === undefined) hostPath.type = '';
}

function nowRFC3339(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function prepareForCreate(pv: KObject): void {
  defaultSpec(pv);
  pv.status = { phase: 'Pending', lastPhaseTransitionTime: nowRFC3339() };
}

function sourceKeys(spec: Obj): string[] {
  return Object.keys(spec).filter((k) => !NON_SOURCE.has(k) && spec[k] !== undefined && spec[k] !== null);
}

function validate(pv: KObject): FieldError[] {
  const spec = obj(pv.spec);
  const errs: FieldError[] = [];
  const modes = arr(spec.accessModes).map(str);
  if (modes.length === 0) errs.push(fieldErrors.required(String(SPEC.child('accessModes'))));
  for (const m of modes) {
    if (!ACCESS_MODES.includes(m)) errs.push(fieldErrors.notSupported(String(SPEC.child('accessModes')), m, ACCESS_MODES));
  }
  if (Object.keys(obj(spec.capacity)).length === 0) errs.push(fieldErrors.required(String(SPEC.child('capacity'))));
  const sources = sourceKeys(spec);
  if (sources.length === 0) errs.push(fieldErrors.required(String(SPEC), 'must specify a volume type'));
  else if (sources.length > 1) errs.push(fieldErrors.forbidden(String(SPEC.child(sources[1]!)), 'may not specify more than 1 volume type'));
  errs.push(...validateEnum(str(spec.persistentVolumeReclaimPolicy), RECLAIM_POLICIES, SPEC.child('persistentVolumeReclaimPolicy'), false));
  const sc = str(spec.storageClassName);
  if (sc) for (const m of isDNS1123Subdomain(sc)) errs.push(fieldErrors.invalid(String(SPEC.child('storageClassName')), sc, m));
  if (typeof spec.volumeMode === 'string') errs.push(...validateEnum(spec.volumeMode, VOLUME_MODES, SPEC.child('volumeMode')));
  return errs;
}

function source(spec: Obj): Obj {
  const out: Obj = {};
  for (const k of sourceKeys(spec)) out[k] = spec[k];
  return out;
}

function validateUpdate(pv: KObject, old: KObject): FieldError[] {
  const spec = obj(pv.spec);
  const oldSpec = obj(old.spec);
  const errs: FieldError[] = [];
  if (!semanticEqual(source(spec), source(oldSpec))) {
    errs.push(
      fieldErrors.forbidden(
        'spec.persistentvolumesource',
        `spec.persistentvolumesource is immutable after creation\n${jsonDiff(source(oldSpec), source(spec))}`,
      ),
    );
  }
  // Upstream reports this one without the "spec." prefix.
  errs.push(...validateImmutable(spec.volumeMode, oldSpec.volumeMode, Path.of('volumeMode'), semanticEqual));
  return errs;
}

export const persistentVolumeStrategy: Strategy = {
  nameRule: 'subdomain',
  prepareForCreate,
  prepareForUpdate: defaultSpec,
  validate,
  validateUpdate,
  columns: COLUMNS,
  row,
};
