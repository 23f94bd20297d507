// csidrivers.storage.k8s.io: SetDefaults_CSIDriver, ValidateCSIDriver(Update) and printCSIDriver.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { isDNS1123Subdomain } from '../../api/names.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { Path, deepEqual, obj, objs, str } from '../core/util.ts';
import { validateImmutable } from '../core/validation.ts';

const FS_GROUP_POLICIES = ['File', 'None', 'ReadWriteOnceWithFSType'];
const LIFECYCLE_MODES = ['Ephemeral', 'Persistent'];
const MIN_TOKEN_SECONDS = 600;
const MAX_TOKEN_SECONDS = 2 ** 32;

/** ValidateCSIDriverName, shared with CSINode drivers, VolumeAttachment attachers and VolumeAttributesClasses. */
export function validateCSIDriverName(name: string, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  if (name.length === 0) errs.push(fieldErrors.required(String(path)));
  if (name.length > 63) errs.push(fieldErrors.tooLong(String(path), 63));
  // Upstream lowercases first: driver names such as "Foo.Bar" are legal.
  for (const m of isDNS1123Subdomain(name.toLowerCase())) errs.push(fieldErrors.invalid(String(path), name, m));
  return errs;
}

function defaults(d: KObject): void {
  const spec = obj(d.spec);
  spec.attachRequired ??= true;
  spec.podInfoOnMount ??= false;
  spec.storageCapacity ??= false;
  spec.fsGroupPolicy ??= 'ReadWriteOnceWithFSType';
  if (!Array.isArray(spec.volumeLifecycleModes) || spec.volumeLifecycleModes.length === 0) spec.volumeLifecycleModes = ['Persistent'];
  spec.requiresRepublish ??= false;
  // SELinuxMountReadWriteOncePod is on by default in the releases Wheelhouse serves.
  spec.seLinuxMount ??= false;
  d.spec = spec;
}

function validateTokenRequests(spec: Record<string, unknown>, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  objs(spec.tokenRequests).forEach((t, i) => {
    const ip = path.index(i);
    const audience = str(t.audience);
    if (seen.has(audience)) errs.push(fieldErrors.duplicate(String(ip.child('audience')), audience));
    seen.add(audience);
    const secs = t.expirationSeconds;
    if (typeof secs === 'number') {
      if (secs < MIN_TOKEN_SECONDS) errs.push(fieldErrors.invalid(String(ip.child('expirationSeconds')), secs, 'may not specify a duration less than 10 minutes'));
      if (secs > MAX_TOKEN_SECONDS) errs.push(fieldErrors.invalid(String(ip.child('expirationSeconds')), secs, 'may not specify a duration larger than 2^32 seconds'));
    }
  });
  return errs;
}

function validateSpec(spec: Record<string, unknown>): FieldError[] {
  const path = Path.of('spec');
  const errs: FieldError[] = [];
  for (const f of ['attachRequired', 'podInfoOnMount', 'storageCapacity', 'requiresRepublish', 'seLinuxMount']) {
    if (spec[f] === undefined || spec[f] === null) errs.push(fieldErrors.required(String(path.child(f))));
  }
  const policy = spec.fsGroupPolicy;
  if (typeof policy === 'string' && !FS_GROUP_POLICIES.includes(policy)) errs.push(fieldErrors.notSupported(String(path.child('fsGroupPolicy')), policy, FS_GROUP_POLICIES));
  (Array.isArray(spec.volumeLifecycleModes) ? spec.volumeLifecycleModes : []).forEach((m, i) => {
    if (!LIFECYCLE_MODES.includes(str(m))) errs.push(fieldErrors.notSupported(String(path.child('volumeLifecycleModes').index(i)), m, LIFECYCLE_MODES));
  });
  errs.push(...validateTokenRequests(spec, path.child('tokenRequests')));
  return errs;
}

export const csiDriverStrategy: Strategy = {
  prepareForCreate: defaults,
  prepareForUpdate: defaults,
  validate(d) {
    return [...validateCSIDriverName(d.metadata.name ?? '', Path.of('name')), ...validateSpec(obj(d.spec))];
  },
  validateUpdate(d, old) {
    const spec = obj(d.spec);
    const was = obj(old.spec);
    // "attachedRequired" is upstream's own spelling of this path.
    return [
      ...validateImmutable(spec.attachRequired, was.attachRequired, Path.of('spec', 'attachedRequired'), deepEqual),
      ...validateImmutable(spec.fsGroupPolicy, was.fsGroupPolicy, Path.of('spec', 'fsGroupPolicy'), deepEqual),
      ...validateImmutable(spec.volumeLifecycleModes, was.volumeLifecycleModes, Path.of('spec', 'volumeLifecycleModes'), deepEqual),
    ];
  },
  columns: [
    NAME_COLUMN,
    column('AttachRequired', 'boolean', 'attachRequired indicates this CSI volume driver requires an attach operation.'),
    column('PodInfoOnMount', 'boolean', 'podInfoOnMount indicates this CSI volume driver requires additional pod information (like podName, podUID, etc.) during mount operations, if set to true.'),
    column('StorageCapacity', 'boolean', 'storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity that the driver deployment will report by creating CSIStorageCapacity objects with capacity information, if set to true.'),
    column('TokenRequests', 'string', "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for to do necessary authentication."),
    column('RequiresRepublish', 'boolean', 'requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to reflect any possible change in the mounted volume.'),
    column('Modes', 'string', 'volumeLifecycleModes defines what kind of volumes this CSI volume driver supports.'),
    AGE_COLUMN,
  ],
  row(d, now) {
    const spec = obj(d.spec);
    const modes = (Array.isArray(spec.volumeLifecycleModes) ? spec.volumeLifecycleModes : []).map(str).join(',');
    const tokens = Array.isArray(spec.tokenRequests) ? objs(spec.tokenRequests).map((t) => str(t.audience)).join(',') : '<unset>';
    return {
      cells: [
        d.metadata.name ?? '',
        spec.attachRequired !== false,
        spec.podInfoOnMount === true,
        spec.storageCapacity === true,
        tokens,
        spec.requiresRepublish === true,
        modes || '<none>',
        age(d, now),
      ],
    };
  },
};
