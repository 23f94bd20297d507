// deployments.apps: pkg/registry/apps/deployment/strategy.go, defaults from
// pkg/apis/apps/v1/defaults.go (SetDefaults_Deployment), validation from
// pkg/apis/apps/validation (ValidateDeploymentSpec), printing from printDeployment.
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column, containersAndImages } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import {
  asNumber,
  asObj,
  asString,
  ensureObj,
  goIntOrString,
  goInvalid,
  goLabelSelector,
  goNotSupported,
  goPointer,
  goQuote,
  intOrPercentValue,
  isNotMoreThan100Percent,
  isSet,
  selectorString,
  spec,
  status,
  validateNonnegative,
  validatePositiveIntOrPercent,
} from './common.ts';
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

/** SetDefaults_Deployment plus the pod template defaults. */
export function defaultDeployment(obj: KObject): void {
  const s = ensureObj(obj, 'spec');
  if (!isSet(s.replicas)) s.replicas = 1;
  const strategy = ensureObj(s, 'strategy');
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObj(strategy, 'rollingUpdate');
    if (!isSet(ru.maxUnavailable)) ru.maxUnavailable = '25%';
    if (!isSet(ru.maxSurge)) ru.maxSurge = '25%';
  }
  if (!isSet(s.revisionHistoryLimit)) s.revisionHistoryLimit = 10;
  if (!isSet(s.progressDeadlineSeconds)) s.progressDeadlineSeconds = 600;
  defaultPodTemplate(s);
}

function validateStrategy(strategy: unknown, path: string): FieldError[] {
  const st = asObj(strategy) ?? {};
  const errs: FieldError[] = [];
  switch (st.type) {
    case 'Recreate':
      if (isSet(st.rollingUpdate)) {
        errs.push(fieldErrors.forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'"));
      }
      break;
    case 'RollingUpdate': {
      const ru = asObj(st.rollingUpdate);
      if (!ru) {
        errs.push(fieldErrors.required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil'));
        break;
      }
      const rp = `${path}.rollingUpdate`;
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${rp}.maxUnavailable`));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, `${rp}.maxSurge`));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(goInvalid(`${rp}.maxUnavailable`, goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${rp}.maxUnavailable`));
      break;
    }
    default:
      errs.push(
        goNotSupported(
          path,
          `apps.DeploymentStrategy{Type:${goQuote(asString(st.type))}, RollingUpdate:${goPointer('apps.RollingUpdateDeployment', st.rollingUpdate)}}`,
          ['Recreate', 'RollingUpdate'],
        ),
      );
  }
  return errs;
}

/** ValidateDeploymentSpec */
export function validateDeploymentSpec(obj: KObject): FieldError[] {
  const s = spec(obj);
  const errs: FieldError[] = [];
  errs.push(...validateNonnegative(s.replicas, 'spec.replicas'));
  errs.push(...validateWorkloadSelector(s.selector, 'spec.selector', 'deployment'));
  if (!selectorConverts(s.selector)) {
    errs.push(goInvalid('spec.selector', goLabelSelector(s.selector), 'invalid label selector'));
  } else {
    errs.push(...validateReplicaSetTemplate(s.selector, s.template, 'spec.template', 'ReplicaSet'));
  }
  errs.push(...validateStrategy(s.strategy, 'spec.strategy'));
  errs.push(...validateNonnegative(s.minReadySeconds, 'spec.minReadySeconds'));
  if (isSet(s.revisionHistoryLimit)) errs.push(...validateNonnegative(s.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (isSet(s.progressDeadlineSeconds)) {
    errs.push(...validateNonnegative(s.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (asNumber(s.progressDeadlineSeconds) <= asNumber(s.minReadySeconds)) {
      errs.push(fieldErrors.invalid('spec.progressDeadlineSeconds', s.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

export const deploymentStrategy: Strategy = {
  tracksGeneration: true,
  prepareForCreate(obj) {
    resetStatus(obj);
    defaultDeployment(obj);
  },
  prepareForUpdate(obj, old) {
    keepStatus(obj, old);
    defaultDeployment(obj);
    // TODO(lead): upstream also bumps metadata.generation when only the annotations change
    // (they are copied to the deployment's replica sets); the store decides generation from the
    // spec alone, after this hook.
  },
  validate: validateDeploymentSpec,
  validateUpdate(obj, old) {
    return validateSelectorImmutable(spec(obj).selector, spec(old).selector, 'spec.selector');
  },
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Ready pods out of the desired replicas.'),
    column('Up-to-date', 'string', 'Pods running the latest pod template.'),
    column('Available', 'string', 'Pods ready for at least minReadySeconds.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column('Selector', 'string', 'Label selector for the pods the deployment manages.', 1),
  ],
  row(obj, now) {
    const s = spec(obj);
    const st = status(obj);
    const [names, images] = containersAndImages(templateContainers(s.template));
    return {
      cells: [
        obj.metadata.name ?? '',
        `${asNumber(st.readyReplicas)}/${asNumber(s.replicas, 1)}`,
        asNumber(st.updatedReplicas),
        asNumber(st.availableReplicas),
        age(obj, now),
        names,
        images,
        selectorString(s.selector),
      ],
    };
  },
};
