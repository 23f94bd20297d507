// statefulsets.apps: pkg/registry/apps/statefulset/strategy.go, SetDefaults_StatefulSet,
// ValidateStatefulSetSpec / ValidateStatefulSetUpdate, printStatefulSet.
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column, containersAndImages } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import {
  asNumber,
  asObj,
  asObjArray,
  asString,
  clone,
  deepEqual,
  ensureObj,
  goIntOrString,
  goInvalid,
  goLabelSelector,
  goPointer,
  goQuote,
  intOrPercentValue,
  isNotMoreThan100Percent,
  isSet,
  spec,
  status,
  validateLabels,
  validateNonnegative,
  validatePositiveIntOrPercent,
} from './common.ts';
import { defaultClaimTemplate, defaultPodTemplate } from './podtemplate-defaults.ts';
import {
  alwaysRestartOnly,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  keepStatus,
  resetStatus,
  selectorConverts,
  templateContainers,
  validateTemplateMatchesSelector,
  validateWorkloadSelector,
} from './workload.ts';

/** SetDefaults_StatefulSet (StatefulSetAutoDeletePVC is GA, so the retention policy is defaulted). */
export function defaultStatefulSet(obj: KObject): void {
  const s = ensureObj(obj, 'spec');
  if (!s.podManagementPolicy) s.podManagementPolicy = 'OrderedReady';
  const us = ensureObj(s, 'updateStrategy');
  if (!us.type) {
    us.type = 'RollingUpdate';
    ensureObj(us, 'rollingUpdate');
  }
  const ru = asObj(us.rollingUpdate);
  if (us.type === 'RollingUpdate' && ru && !isSet(ru.partition)) ru.partition = 0;
  const retention = ensureObj(s, 'persistentVolumeClaimRetentionPolicy');
  if (!retention.whenDeleted) retention.whenDeleted = 'Retain';
  if (!retention.whenScaled) retention.whenScaled = 'Retain';
  if (!isSet(s.replicas)) s.replicas = 1;
  if (!isSet(s.revisionHistoryLimit)) s.revisionHistoryLimit = 10;
  defaultPodTemplate(s);
  for (const pvc of asObjArray(s.volumeClaimTemplates)) defaultClaimTemplate(pvc);
}

const RETENTION_TYPES = ['Retain', 'Delete'];

function validateUpdateStrategy(us: unknown, path: string): FieldError[] {
  const st = asObj(us) ?? {};
  const errs: FieldError[] = [];
  const ru = asObj(st.rollingUpdate);
  switch (asString(st.type)) {
    case '':
      errs.push(fieldErrors.required(path));
      break;
    case 'OnDelete':
      if (ru) {
        errs.push(
          goInvalid(
            `${path}.rollingUpdate`,
            `apps.RollingUpdateStatefulSetStrategy{Partition:${asNumber(ru.partition)}, MaxUnavailable:${goPointer('intstr.IntOrString', ru.maxUnavailable)}}`,
            "only allowed for updateStrategy 'RollingUpdate'",
          ),
        );
      }
      break;
    case 'RollingUpdate':
      if (ru) {
        const rp = `${path}.rollingUpdate`;
        errs.push(...validateNonnegative(ru.partition, `${rp}.partition`));
        if (isSet(ru.maxUnavailable)) {
          errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${rp}.maxUnavailable`));
          if (intOrPercentValue(ru.maxUnavailable) === 0) {
            errs.push(goInvalid(`${rp}.maxUnavailable`, goIntOrString(ru.maxUnavailable), 'cannot be 0'));
          }
          errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${rp}.maxUnavailable`));
        }
      }
      break;
    default:
      errs.push(
        goInvalid(
          path,
          `apps.StatefulSetUpdateStrategy{Type:${goQuote(asString(st.type))}, RollingUpdate:${goPointer('apps.RollingUpdateStatefulSetStrategy', st.rollingUpdate)}}`,
          "must be 'RollingUpdate' or 'OnDelete'",
        ),
      );
  }
  return errs;
}

/** ValidateStatefulSetSpec (the pod spec itself is not validated for statefulsets upstream). */
export function validateStatefulSetSpec(obj: KObject): FieldError[] {
  const s = spec(obj);
  const errs: FieldError[] = [];
  const pmp = asString(s.podManagementPolicy);
  if (pmp === '') errs.push(fieldErrors.required('spec.podManagementPolicy'));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') {
    errs.push(fieldErrors.invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  }
  errs.push(...validateUpdateStrategy(s.updateStrategy, 'spec.updateStrategy'));
  const retention = asObj(s.persistentVolumeClaimRetentionPolicy);
  if (retention) {
    for (const k of ['whenDeleted', 'whenScaled']) {
      const v = asString(retention[k]);
      if (!RETENTION_TYPES.includes(v)) {
        errs.push(fieldErrors.notSupported(`spec.persistentVolumeClaimRetentionPolicy.${k}`, v, RETENTION_TYPES));
      }
    }
  }
  errs.push(...validateNonnegative(s.replicas, 'spec.replicas'));
  errs.push(...validateNonnegative(s.minReadySeconds, 'spec.minReadySeconds'));
  const ordinals = asObj(s.ordinals);
  if (ordinals) errs.push(...validateNonnegative(ordinals.start, 'spec.ordinals.start'));
  errs.push(...validateWorkloadSelector(s.selector, 'spec.selector', 'statefulset'));
  if (!selectorConverts(s.selector)) {
    errs.push(goInvalid('spec.selector', goLabelSelector(s.selector), ''));
  } else if (!asObj(s.template)) {
    errs.push(fieldErrors.required('spec.template'));
  } else {
    errs.push(...validateTemplateMatchesSelector(s.selector, s.template, 'spec.template'));
    errs.push(...validateLabels(asObj(asObj(s.template)?.metadata)?.labels, 'spec.template.labels'));
  }
  errs.push(...alwaysRestartOnly(s.template, 'spec.template', 'StatefulSet'));
  return errs;
}

const UPDATABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

/** ValidateStatefulSetUpdate: only some spec fields may change. */
export function validateStatefulSetUpdate(obj: KObject, old: KObject): FieldError[] {
  const next = clone(spec(obj));
  const prev = clone(spec(old));
  for (const k of UPDATABLE) {
    delete next[k];
    delete prev[k];
  }
  if (deepEqual(next, prev)) return [];
  return [
    fieldErrors.forbidden(
      'spec',
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

export const statefulSetStrategy: Strategy = {
  // ValidateStatefulSetName is NameIsDNSLabel: the name ends up in pod hostnames.
  nameRule: 'label',
  tracksGeneration: true,
  prepareForCreate(obj) {
    resetStatus(obj);
    defaultStatefulSet(obj);
  },
  prepareForUpdate(obj, old) {
    keepStatus(obj, old);
    defaultStatefulSet(obj);
  },
  validate: validateStatefulSetSpec,
  validateUpdate: validateStatefulSetUpdate,
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Ready pods out of the desired replicas.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
  ],
  row(obj, now) {
    const s = spec(obj);
    const [names, images] = containersAndImages(templateContainers(s.template));
    return {
      cells: [
        obj.metadata.name ?? '',
        `${asNumber(status(obj).readyReplicas)}/${asNumber(s.replicas, 1)}`,
        age(obj, now),
        names,
        images,
      ],
    };
  },
};
