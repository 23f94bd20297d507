// volumeattachments.storage.k8s.io: ValidateVolumeAttachment(V1/Update), the status split of
// pkg/registry/storage/volumeattachment and printVolumeAttachment. Nothing attaches volumes here: an
// external attacher (or a test) writes status through the status subresource.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { isDNS1123Subdomain } from '../../api/names.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { Path, goJSONValue, isObj, obj, semanticEqual, str } from '../core/util.ts';
import { IMMUTABLE } from '../core/validation.ts';
import { validateCSIDriverName } from './csidrivers.ts';

const EXACTLY_ONE = 'must specify exactly one of inlineVolumeSpec and persistentVolumeName';

function validateSource(source: Record<string, unknown>, path: Path): FieldError[] {
  const pvName = source.persistentVolumeName;
  const inline = source.inlineVolumeSpec;
  const hasPV = typeof pvName === 'string';
  if (!hasPV && !isObj(inline)) return [fieldErrors.required(String(path), EXACTLY_ONE)];
  if (hasPV && isObj(inline)) return [fieldErrors.forbidden(String(path), EXACTLY_ONE)];
  if (hasPV && pvName === '') return [fieldErrors.required(String(path.child('persistentVolumeName')), 'must specify non empty persistentVolumeName')];
  return [];
}

function validate(va: KObject): FieldError[] {
  const spec = obj(va.spec);
  const path = Path.of('spec');
  const errs: FieldError[] = [];
  const attacher = str(spec.attacher);
  if (attacher === '') errs.push(fieldErrors.required(String(path.child('attacher'))));
  else errs.push(...validateCSIDriverName(attacher, path.child('attacher')));
  errs.push(...validateSource(obj(spec.source), path.child('source')));
  const node = str(spec.nodeName);
  if (node === '') errs.push(fieldErrors.required(String(path.child('nodeName'))));
  else for (const m of isDNS1123Subdomain(node)) errs.push(fieldErrors.invalid(String(path.child('nodeName')), node, m));
  return errs;
}

export const volumeAttachmentStrategy: Strategy = {
  // Status is the attacher's to write; a create starts with the zero status ("attached" is not omitempty).
  prepareForCreate(va) {
    va.status = { attached: false };
  },
  validate,
  validateUpdate(va, old) {
    if (semanticEqual(va.spec, old.spec)) return [];
    return [fieldErrors.invalid('spec', goJSONValue(va.spec), IMMUTABLE)];
  },
  prepareForStatusUpdate(va) {
    const status = obj(va.status);
    status.attached = status.attached === true;
    va.status = status;
  },
  columns: [
    NAME_COLUMN,
    column('Attacher', 'string', 'attacher indicates the name of the volume driver that MUST handle this request. This is the name returned by GetPluginName().', 0, 'name'),
    column('PV', 'string', 'persistentVolumeName represents the name of the persistent volume to attach.'),
    column('Node', 'string', 'nodeName represents the node that the volume should be attached to.'),
    column('Attached', 'boolean', 'attached indicates the volume is successfully attached. This field must only be set by the entity completing the attach operation, i.e. the external-attacher.'),
    AGE_COLUMN,
  ],
  row(va, now) {
    const spec = obj(va.spec);
    return {
      cells: [va.metadata.name ?? '', str(spec.attacher), str(obj(spec.source).persistentVolumeName), str(spec.nodeName), obj(va.status).attached === true, age(va, now)],
    };
  },
};
