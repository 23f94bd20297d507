// ReplicationControllers: SetDefaults_ReplicationController, ValidateReplicationController,
// pkg/registry/core/replicationcontroller/strategy.go and printReplicationController.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column, containersAndImages, formatLabelMap } from '../printing.ts';
import type { Strategy, TableRow } from '../strategy.ts';
import { defaultPodTemplateSpec, validatePodTemplateSpec } from './podspec.ts';
import { Path, goJSONValue, isObj, num, obj, str, strMap } from './util.ts';
import { validateNonnegative } from './validation.ts';

const SPEC = Path.of('spec');

const COLUMNS = [
  NAME_COLUMN,
  column('Desired', 'integer', 'Requested number of replicas.'),
  column('Current', 'integer', 'Replicas the controller has created.'),
  column('Ready', 'integer', 'Replicas that are ready.'),
  AGE_COLUMN,
  column('Containers', 'string', 'Container names of the template.', 1),
  column('Images', 'string', 'Container images of the template.', 1),
  column('Selector', 'string', 'Labels the controller selects pods by.', 1),
];

function row(rc: KObject, now: number): TableRow {
  const spec = obj(rc.spec);
  const status = obj(rc.status);
  const containers = obj(obj(spec.template).spec).containers as { name?: string; image?: string }[] | undefined;
  const [names, images] = containersAndImages(Array.isArray(containers) ? containers : []);
  return {
    cells: [
      rc.metadata.name ?? '',
      num(spec.replicas) ?? 0,
      num(status.replicas) ?? 0,
      num(status.readyReplicas) ?? 0,
      age(rc, now),
      names,
      images,
      formatLabelMap(strMap(spec.selector)),
    ],
  };
}

/** SetDefaults_ReplicationController plus the declarative replicas default and the template's defaults. */
function defaultRC(rc: KObject): void {
  const spec = obj(rc.spec);
  rc.spec = spec;
  const template = spec.template;
  if (isObj(template)) {
    const labels = obj(template.metadata).labels;
    if (isObj(labels)) {
      if (Object.keys(obj(spec.selector)).length === 0) spec.selector = { ...labels };
      if (Object.keys(rc.metadata.labels ?? {}).length === 0) rc.metadata.labels = { ...strMap(labels) };
    }
    defaultPodTemplateSpec(template);
  }
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
}

function prepareForCreate(rc: KObject): void {
  defaultRC(rc);
  // ReplicationControllerStatus.replicas is not omitempty: a new controller shows replicas: 0.
  rc.status = { replicas: 0 };
}

function selectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** ValidateReplicationControllerSpec / ValidatePodTemplateSpecForRC */
function validate(rc: KObject): FieldError[] {
  const spec = obj(rc.spec);
  const errs: FieldError[] = [];
  errs.push(...validateNonnegative(num(spec.minReadySeconds), SPEC.child('minReadySeconds')));
  const selector = strMap(spec.selector);
  if (Object.keys(selector).length === 0) errs.push(fieldErrors.required(String(SPEC.child('selector'))));
  errs.push(...validateNonnegative(num(spec.replicas), SPEC.child('replicas')));
  const tpath = SPEC.child('template');
  const template = spec.template;
  if (!isObj(template)) {
    errs.push(fieldErrors.required(String(tpath)));
    return errs;
  }
  const labels = strMap(obj(template.metadata).labels);
  if (Object.keys(selector).length > 0 && !selectorMatches(selector, labels)) {
    const value = isObj(obj(template.metadata).labels) ? goJSONValue(labels) : null;
    errs.push(fieldErrors.invalid(String(tpath.child('metadata', 'labels')), value, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, tpath));
  const tspec = obj(template.spec);
  const restartPolicy = str(tspec.restartPolicy);
  if (restartPolicy !== 'Always') {
    errs.push(fieldErrors.notSupported(String(tpath.child('spec', 'restartPolicy')), restartPolicy, ['Always']));
  }
  if (tspec.activeDeadlineSeconds !== undefined && tspec.activeDeadlineSeconds !== null) {
    errs.push(
      fieldErrors.forbidden(String(tpath.child('spec', 'activeDeadlineSeconds')), 'activeDeadlineSeconds in ReplicationController is not Supported'),
    );
  }
  return errs;
}

export const replicationControllerStrategy: Strategy = {
  nameRule: 'subdomain',
  tracksGeneration: true,
  prepareForCreate,
  prepareForUpdate: defaultRC,
  validate,
  columns: COLUMNS,
  row,
  fieldSelectors: {
    'status.replicas': (rc) => String(num(obj(rc.status).replicas) ?? 0),
  },
};
