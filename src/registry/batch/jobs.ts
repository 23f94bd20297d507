// jobs.batch: pkg/registry/batch/job/strategy.go (selector generation, status reset),
// pkg/apis/batch/v1/defaults.go (SetDefaults_Job), pkg/apis/batch/validation (ValidateJob,
// ValidateJobSpecUpdate), printJob.
import { randomUUID } from 'node:crypto';
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import {
  asArray,
  asNumber,
  asObj,
  asObjArray,
  asString,
  clone,
  convertSelector,
  deepEqual,
  ensureObj,
  formatSelectorCell,
  goInvalid,
  goLabelSelector,
  goStringMap,
  IMMUTABLE,
  isDNS1123Label,
  isObj,
  isSet,
  spec,
  status,
  validateImmutable,
  validateLabelSelector,
  validateNonnegative,
  type Obj,
} from '../apps/common.ts';
import { defaultPodTemplate, validatePodTemplate } from '../apps/podtemplate-defaults.ts';
import {
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  keepStatus,
  resetStatus,
  templateContainers,
  validateSelectorImmutable,
  validateTemplateMatchesSelector,
} from '../apps/workload.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column, containersAndImages, humanDuration, since } from '../printing.ts';
import type { Strategy } from '../strategy.ts';

export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

const MAX_INT32 = 2147483647;
const MAX_PARALLELISM_INDEXED = 100000;

/** SetDefaults_Job minus the label copy (pod template defaults included). */
export function defaultJobSpec(s: Obj): void {
  if (!isSet(s.completions) && !isSet(s.parallelism)) {
    s.completions = 1;
    s.parallelism = 1;
  }
  if (!isSet(s.parallelism)) s.parallelism = 1;
  if (!isSet(s.backoffLimit)) s.backoffLimit = isSet(s.backoffLimitPerIndex) ? MAX_INT32 : 6;
  if (!isSet(s.completionMode)) s.completionMode = 'NonIndexed';
  if (!isSet(s.suspend)) s.suspend = false;
  const pfp = asObj(s.podFailurePolicy);
  for (const rule of asObjArray(pfp?.rules)) {
    for (const pattern of asObjArray(rule.onPodConditions)) if (!pattern.status) pattern.status = 'True';
  }
  if (!isSet(s.podReplacementPolicy)) s.podReplacementPolicy = pfp ? 'Failed' : 'TerminatingOrFailed';
  if (!isSet(s.manualSelector)) s.manualSelector = false;
  defaultPodTemplate(s);
}

/** The part of SetDefaults_Job that copies the template labels onto a job without labels. */
export function copyTemplateLabels(obj: KObject): void {
  const labels = asObj(asObj(asObj(spec(obj).template)?.metadata)?.labels);
  if (labels && Object.keys(obj.metadata.labels ?? {}).length === 0) {
    obj.metadata.labels = { ...(labels as Record<string, string>) };
  }
}

export function defaultJob(obj: KObject): void {
  defaultJobSpec(ensureObj(obj, 'spec'));
  copyTemplateLabels(obj);
}

/**
 * generateSelector: the pod template gets the job-name and controller-uid labels (legacy and
 * batch.kubernetes.io/ forms, unless already present) and the selector selects the uid.
 */
export function generateSelector(obj: KObject): void {
  const s = ensureObj(obj, 'spec');
  const template = ensureObj(s, 'template');
  const meta = ensureObj(template, 'metadata');
  const labels = ensureObj(meta, 'labels');
  const name = obj.metadata.name ?? '';
  const uid = obj.metadata.uid ?? '';
  for (const k of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(k in labels)) labels[k] = name;
  for (const k of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!(k in labels)) labels[k] = uid;
  const selector = ensureObj(s, 'selector');
  const matchLabels = ensureObj(selector, 'matchLabels');
  if (!(CONTROLLER_UID_LABEL in matchLabels)) matchLabels[CONTROLLER_UID_LABEL] = uid;
}

/** ValidateHasLabel */
function validateHasLabel(meta: Obj, path: string, key: string, expected: string): FieldError[] {
  const labels = asObj(meta.labels) ?? {};
  if (!(key in labels)) return [fieldErrors.required(`${path}.labels[${key}]`, `must be '${expected}'`)];
  if (labels[key] !== expected) return [goInvalid(`${path}.labels[${key}]`, goStringMap(labels), `must be '${expected}'`)];
  return [];
}

/** validateGeneratedSelector */
function validateGeneratedSelector(obj: KObject): FieldError[] {
  const s = spec(obj);
  if (s.manualSelector === true || !isObj(s.selector)) return [];
  const errs: FieldError[] = [];
  const uid = obj.metadata.uid ?? '';
  const name = obj.metadata.name ?? '';
  if (uid === '') errs.push(fieldErrors.required('metadata.uid'));
  const meta = asObj(asObj(s.template)?.metadata) ?? {};
  const mp = 'spec.template.metadata';
  errs.push(...validateHasLabel(meta, mp, LEGACY_CONTROLLER_UID_LABEL, uid));
  errs.push(...validateHasLabel(meta, mp, LEGACY_JOB_NAME_LABEL, name));
  errs.push(...validateHasLabel(meta, mp, CONTROLLER_UID_LABEL, uid));
  errs.push(...validateHasLabel(meta, mp, JOB_NAME_LABEL, name));
  const expected = {
    [CONTROLLER_UID_LABEL]: uid,
    [JOB_NAME_LABEL]: name,
    [LEGACY_CONTROLLER_UID_LABEL]: uid,
    [LEGACY_JOB_NAME_LABEL]: name,
  };
  // Only a selector that converts is compared with the expected labels.
  const selector = convertSelector(s.selector);
  if (selector && !selector.matches(expected)) {
    errs.push(goInvalid('spec.selector', goLabelSelector(s.selector), '`selector` not auto-generated'));
  }
  return errs;
}

const POD_FAILURE_ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const EXIT_CODE_OPERATORS = ['In', 'NotIn'];
const CONDITION_STATUSES = ['False', 'True', 'Unknown'];

function validatePodFailurePolicy(s: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const rules = asArray(asObj(s.podFailurePolicy)?.rules);
  const rp = `${path}.rules`;
  if (rules.length > 20) errs.push(fieldErrors.tooMany(rp, rules.length, 20));
  rules.forEach((raw, i) => {
    const rule = asObj(raw) ?? {};
    const p = `${rp}[${i}]`;
    const action = asString(rule.action);
    if (action === '') {
      errs.push(fieldErrors.required(`${p}.action`, `valid values: ${goSliceQ(POD_FAILURE_ACTIONS)}`));
    } else if (action === 'FailIndex') {
      if (!isSet(s.backoffLimitPerIndex)) errs.push(fieldErrors.invalid(`${p}.action`, action, 'requires the backoffLimitPerIndex to be set'));
    } else if (!POD_FAILURE_ACTIONS.includes(action)) {
      errs.push(fieldErrors.notSupported(`${p}.action`, action, POD_FAILURE_ACTIONS));
    }
    const onExitCodes = asObj(rule.onExitCodes);
    if (onExitCodes) {
      const op = asString(onExitCodes.operator);
      if (op === '') errs.push(fieldErrors.required(`${p}.onExitCodes.operator`, `valid values: ${goSliceQ(EXIT_CODE_OPERATORS)}`));
      else if (!EXIT_CODE_OPERATORS.includes(op)) errs.push(fieldErrors.notSupported(`${p}.onExitCodes.operator`, op, EXIT_CODE_OPERATORS));
      const values = asArray(onExitCodes.values);
      if (values.length === 0) {
        errs.push(goInvalid(`${p}.onExitCodes.values`, '[]int32(nil)', 'at least one value is required'));
      }
    }
    const conds = asObjArray(rule.onPodConditions);
    conds.forEach((pattern, j) => {
      const st = asString(pattern.status);
      const sp = `${p}.onPodConditions[${j}].status`;
      if (st === '') errs.push(fieldErrors.required(sp, `valid values: ${goSliceQ(CONDITION_STATUSES)}`));
      else if (!CONDITION_STATUSES.includes(st)) errs.push(fieldErrors.notSupported(sp, st, CONDITION_STATUSES));
    });
    if (onExitCodes && conds.length > 0) {
      errs.push(fieldErrors.withoutValue('FieldValueInvalid', p, 'specifying both OnExitCodes and OnPodConditions is not supported'));
    }
    if (!onExitCodes && conds.length === 0) {
      errs.push(fieldErrors.withoutValue('FieldValueInvalid', p, 'specifying one of OnExitCodes and OnPodConditions is required'));
    }
  });
  return errs;
}

/** Go's %q of a []string: `["a" "b"]`. */
function goSliceQ(values: string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
}

/**
 * validateJobSpec: counts, completion mode, policies, the pod template, and the restart policy
 * (OnFailure or Never). `path` is "spec" for jobs and "spec.jobTemplate.spec" for cron jobs.
 */
export function validateJobSpecFields(s: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex']) {
    if (isSet(s[k])) errs.push(...validateNonnegative(s[k], `${path}.${k}`));
  }
  if (isSet(s.maxFailedIndexes)) {
    errs.push(...validateNonnegative(s.maxFailedIndexes, `${path}.maxFailedIndexes`));
    if (!isSet(s.backoffLimitPerIndex)) errs.push(fieldErrors.required(`${path}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  }
  const mode = s.completionMode;
  if (isSet(mode)) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') {
      errs.push(fieldErrors.notSupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
    }
    if (mode === 'Indexed') {
      if (!isSet(s.completions)) errs.push(fieldErrors.required(`${path}.completions`, 'when completion mode is Indexed'));
      if (asNumber(s.parallelism) > MAX_PARALLELISM_INDEXED) {
        errs.push(
          fieldErrors.invalid(`${path}.parallelism`, s.parallelism, `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`),
        );
      }
      if (isSet(s.completions) && isSet(s.maxFailedIndexes) && asNumber(s.maxFailedIndexes) > asNumber(s.completions)) {
        errs.push(fieldErrors.invalid(`${path}.maxFailedIndexes`, s.maxFailedIndexes, 'must be less than or equal to completions'));
      }
    }
  }
  if (!isSet(mode) || mode === 'NonIndexed') {
    if (isSet(s.backoffLimitPerIndex)) errs.push(fieldErrors.invalid(`${path}.backoffLimitPerIndex`, s.backoffLimitPerIndex, 'requires indexed completion mode'));
    if (isSet(s.maxFailedIndexes)) errs.push(fieldErrors.invalid(`${path}.maxFailedIndexes`, s.maxFailedIndexes, 'requires indexed completion mode'));
  }
  if (isSet(s.podFailurePolicy)) errs.push(...validatePodFailurePolicy(s, `${path}.podFailurePolicy`));
  if (isSet(s.successPolicy) && mode !== 'Indexed') {
    errs.push(goInvalid(`${path}.successPolicy`, 'batch.SuccessPolicy{...}', 'requires indexed completion mode'));
  }
  if (isSet(s.podReplacementPolicy)) {
    const prp = s.podReplacementPolicy;
    if (isSet(s.podFailurePolicy)) {
      if (prp !== 'Failed') errs.push(fieldErrors.notSupported(`${path}.podReplacementPolicy`, prp, ['Failed']));
    } else if (prp !== 'Failed' && prp !== 'TerminatingOrFailed') {
      errs.push(fieldErrors.notSupported(`${path}.podReplacementPolicy`, prp, ['Failed', 'TerminatingOrFailed']));
    }
  }
  errs.push(...validatePodTemplate(s.template, `${path}.template`));
  const rp = asString(asObj(asObj(s.template)?.spec)?.restartPolicy);
  const rpPath = `${path}.template.spec.restartPolicy`;
  if (rp === 'Always' || rp === '') {
    errs.push(fieldErrors.required(rpPath, 'valid values: "OnFailure", "Never"'));
  } else if (rp !== 'OnFailure' && rp !== 'Never') {
    errs.push(fieldErrors.notSupported(rpPath, rp, ['OnFailure', 'Never']));
  } else if (isSet(s.podFailurePolicy) && rp !== 'Never') {
    errs.push(fieldErrors.invalid(rpPath, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

/** ValidateJob */
export function validateJob(obj: KObject): FieldError[] {
  const s = spec(obj);
  const errs: FieldError[] = [];
  errs.push(...validateGeneratedSelector(obj));
  errs.push(...validateJobSpecFields(s, 'spec'));
  if (!isObj(s.selector)) errs.push(fieldErrors.required('spec.selector'));
  else errs.push(...validateLabelSelector(s.selector, 'spec.selector'));
  if (convertSelector(s.selector)) errs.push(...validateTemplateMatchesSelector(s.selector, s.template, 'spec.template'));
  if (s.completionMode === 'Indexed' && asNumber(s.completions) > 0) {
    const host = `${obj.metadata.name ?? ''}-${asNumber(s.completions) - 1}`;
    if (isDNS1123Label(host).length > 0) {
      errs.push(
        fieldErrors.invalid('metadata.name', obj.metadata.name ?? '', `will not able to create pod with invalid DNS label: ${host}`),
      );
    }
  }
  return errs;
}

/** The template, with what a suspended, never-started job may change copied over from `next`. */
function comparableOldTemplate(next: Obj, old: Obj): unknown {
  const t = clone(asObj(next.template) ?? {});
  const o = clone(asObj(old.template) ?? {});
  const ts = asObj(t.spec) ?? {};
  const os = ensureObj(o, 'spec');
  const tm = asObj(t.metadata) ?? {};
  const om = ensureObj(o, 'metadata');
  const affinity = asObj(ts.affinity);
  const oldAffinity = asObj(os.affinity);
  if (!affinity && oldAffinity) {
    delete oldAffinity.nodeAffinity;
    if (Object.keys(oldAffinity).length === 0) delete os.affinity;
  } else if (affinity && !oldAffinity) {
    os.affinity = isSet(affinity.nodeAffinity) ? { nodeAffinity: affinity.nodeAffinity } : {};
  } else if (affinity && oldAffinity) {
    if (isSet(affinity.nodeAffinity)) oldAffinity.nodeAffinity = affinity.nodeAffinity;
    else delete oldAffinity.nodeAffinity;
  }
  for (const k of ['nodeSelector', 'tolerations', 'schedulingGates']) {
    if (isSet(ts[k])) os[k] = ts[k];
    else delete os[k];
  }
  for (const k of ['annotations', 'labels']) {
    if (isSet(tm[k])) om[k] = tm[k];
    else delete om[k];
  }
  return o;
}

/** ValidateJobSpecUpdate: what may not change on a job. */
export function validateJobUpdate(obj: KObject, old: KObject): FieldError[] {
  const s = spec(obj);
  const o = spec(old);
  const errs: FieldError[] = [];
  // Completions: elastic indexed jobs may scale completions together with parallelism.
  if (s.completionMode === 'Indexed') {
    if (!deepEqual(s.completions, o.completions) && isSet(s.completions) && s.completions !== s.parallelism) {
      errs.push(fieldErrors.invalid('spec.completions', s.completions, 'can only be modified in tandem with spec.parallelism'));
    }
  } else {
    errs.push(...validateImmutable(s.completions, o.completions, 'spec.completions'));
  }
  errs.push(...validateSelectorImmutable(s.selector, o.selector, 'spec.selector'));
  const suspended = o.suspend === true;
  const notStarted = !isSet(status(old).startTime);
  const oldTemplate = suspended && notStarted ? comparableOldTemplate(s, o) : o.template;
  if (!deepEqual(s.template, oldTemplate)) errs.push(goInvalid('spec.template', 'core.PodTemplateSpec{...}', IMMUTABLE));
  errs.push(...validateImmutable(s.completionMode, o.completionMode, 'spec.completionMode'));
  if (!deepEqual(s.podFailurePolicy, o.podFailurePolicy)) {
    errs.push(goInvalid('spec.podFailurePolicy', isSet(s.podFailurePolicy) ? 'batch.PodFailurePolicy{...}' : 'null', IMMUTABLE));
  }
  errs.push(...validateImmutable(s.backoffLimitPerIndex, o.backoffLimitPerIndex, 'spec.backoffLimitPerIndex'));
  errs.push(...validateImmutable(s.managedBy, o.managedBy, 'spec.managedBy'));
  if (!deepEqual(s.successPolicy, o.successPolicy)) {
    errs.push(goInvalid('spec.successPolicy', isSet(s.successPolicy) ? 'batch.SuccessPolicy{...}' : 'null', IMMUTABLE));
  }
  return errs;
}

function hasCondition(obj: KObject, type: string): boolean {
  // hasJobCondition: the first condition of the type decides.
  const c = asObjArray(status(obj).conditions).find((x) => x.type === type);
  return c !== undefined && c.status === 'True';
}

/** The Status cell of `kubectl get jobs`. */
export function jobStatus(obj: KObject): string {
  if (hasCondition(obj, 'Complete')) return 'Complete';
  if (hasCondition(obj, 'Failed')) return 'Failed';
  if (obj.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(obj, 'Suspended')) return 'Suspended';
  if (hasCondition(obj, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(obj, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

/** The Completions cell: "s/n", or "s/1 of p" for a work queue with parallelism p > 1. */
export function jobCompletions(obj: KObject): string {
  const s = spec(obj);
  const succeeded = asNumber(status(obj).succeeded);
  if (isSet(s.completions)) return `${succeeded}/${asNumber(s.completions)}`;
  const parallelism = asNumber(s.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** The Duration cell: empty before the start, running time, or start-to-completion. */
export function jobDuration(obj: KObject, now: number): string {
  const st = status(obj);
  const start = asString(st.startTime);
  if (!start) return '';
  const completion = asString(st.completionTime);
  if (!completion) return since(start, now);
  return humanDuration(Date.parse(completion) - Date.parse(start));
}

export const jobStrategy: Strategy = {
  tracksGeneration: true,
  prepareForCreate(obj) {
    defaultJob(obj);
    if (!obj.metadata.uid) obj.metadata.uid = randomUUID();
    if (spec(obj).manualSelector !== true) generateSelector(obj);
    resetStatus(obj);
    // Reads default the object again: a job created without labels shows its template's.
    copyTemplateLabels(obj);
  },
  prepareForUpdate(obj, old) {
    keepStatus(obj, old);
    defaultJob(obj);
  },
  validate: validateJob,
  validateUpdate: validateJobUpdate,
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'The state the job is in.'),
    column('Completions', 'string', 'Succeeded pods out of the completions wanted.'),
    column('Duration', 'string', 'How long the job ran or has been running.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column('Selector', 'string', 'Label selector for the pods the job manages.', 1),
  ],
  row(obj, now) {
    const s = spec(obj);
    const [names, images] = containersAndImages(templateContainers(s.template));
    return {
      cells: [
        obj.metadata.name ?? '',
        jobStatus(obj),
        jobCompletions(obj),
        jobDuration(obj, now),
        age(obj, now),
        names,
        images,
        formatSelectorCell(s.selector),
      ],
    };
  },
  fieldSelectors: {
    'status.successful': (obj) => String(asNumber(status(obj).succeeded)),
  },
};
