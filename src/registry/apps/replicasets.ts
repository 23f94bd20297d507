// replicasets.apps: pkg/registry/apps/replicaset/strategy.go, SetDefaults_ReplicaSet,
// ValidateReplicaSetSpec, printReplicaSet.
import type { FieldError } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column, containersAndImages } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { asNumber, ensureObj, formatSelectorCell, goInvalid, goLabelSelector, isSet, spec, status, validateNonnegative } from './common.ts';
import { defaultPodTemplate } from './podtemplate-defaults.ts';
import {
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  keepStatus,
  resetStatus,
  selectorConverts,
  templateContainers,
  validateReplicaSetTemplate,
  validateSelectorImmutable,
  validateWorkloadSelector,
} from './workload.ts';

export function defaultReplicaSet(obj: KObject): void {
  const s = ensureObj(obj, 'spec');
  if (!isSet(s.replicas)) s.replicas = 1;
  defaultPodTemplate(s);
}

/** ValidateReplicaSetSpec (its empty-selector message says "deployment" upstream too). */
export function validateReplicaSetSpec(obj: KObject): FieldError[] {
  const s = spec(obj);
  const errs: FieldError[] = [];
  errs.push(...validateNonnegative(s.replicas, 'spec.replicas'));
  errs.push(...validateNonnegative(s.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateWorkloadSelector(s.selector, 'spec.selector', 'deployment'));
  if (!selectorConverts(s.selector)) {
    errs.push(goInvalid('spec.selector', goLabelSelector(s.selector), 'invalid label selector'));
  } else {
    errs.push(...validateReplicaSetTemplate(s.selector, s.template, 'spec.template', 'ReplicaSet'));
  }
  return errs;
}

export const replicaSetStrategy: Strategy = {
  tracksGeneration: true,
  prepareForCreate(obj) {
    resetStatus(obj);
    defaultReplicaSet(obj);
  },
  prepareForUpdate(obj, old) {
    keepStatus(obj, old);
    defaultReplicaSet(obj);
  },
  validate: validateReplicaSetSpec,
  validateUpdate(obj, old) {
    return validateSelectorImmutable(spec(obj).selector, spec(old).selector, 'spec.selector');
  },
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', 'Number of pods the replica set should run.'),
    column('Current', 'integer', 'Number of pods the replica set runs now.'),
    column('Ready', 'integer', 'Number of ready pods.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column('Selector', 'string', 'Label selector for the pods the replica set manages.', 1),
  ],
  row(obj, now) {
    const s = spec(obj);
    const st = status(obj);
    const [names, images] = containersAndImages(templateContainers(s.template));
    return {
      cells: [
        obj.metadata.name ?? '',
        asNumber(s.replicas, 1),
        asNumber(st.replicas),
        asNumber(st.readyReplicas),
        age(obj, now),
        names,
        images,
        formatSelectorCell(s.selector),
      ],
    };
  },
  fieldSelectors: {
    'status.replicas': (obj) => String(asNumber(status(obj).replicas)),
  },
};
