// cronjobs.batch: pkg/registry/batch/cronjob/strategy.go, SetDefaults_CronJob,
// ValidateCronJobCreate / validateCronJobSpec, printCronJob. The job template gets pod template
// defaults only (SetDefaults_Job applies to Job objects, not to templates).
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import {
  asObj,
  asString,
  ensureObj,
  formatSelectorCell,
  goInvalid,
  goLabelSelector,
  isObj,
  isSet,
  spec,
  status,
  validateNonnegative,
} from '../apps/common.ts';
import { defaultPodTemplate } from '../apps/podtemplate-defaults.ts';
import { CONTAINERS_COLUMN, IMAGES_COLUMN, keepStatus, resetStatus, templateContainers } from '../apps/workload.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column, containersAndImages, since } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { cronScheduleError, timeZoneLoadError } from './cron.ts';
import { validateJobSpecFields } from './jobs.ts';

export function defaultCronJob(obj: KObject): void {
  const s = ensureObj(obj, 'spec');
  if (!s.concurrencyPolicy) s.concurrencyPolicy = 'Allow';
  if (!isSet(s.suspend)) s.suspend = false;
  if (!isSet(s.successfulJobsHistoryLimit)) s.successfulJobsHistoryLimit = 3;
  if (!isSet(s.failedJobsHistoryLimit)) s.failedJobsHistoryLimit = 1;
  const jobTemplate = ensureObj(s, 'jobTemplate');
  const meta = ensureObj(jobTemplate, 'metadata');
  if (!('creationTimestamp' in meta)) meta.creationTimestamp = null;
  defaultPodTemplate(ensureObj(jobTemplate, 'spec'));
}

const TZ_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

function validateTimeZone(tz: unknown, path: string): FieldError[] {
  if (tz === undefined || tz === null) return [];
  const name = asString(tz);
  if (name === '') return [fieldErrors.invalid(path, name, 'timeZone must be nil or non-empty string')];
  for (const part of name.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !TZ_PART.test(part)) {
      return [fieldErrors.invalid(path, name, `unknown time zone ${name}`)];
    }
  }
  const errs: FieldError[] = [];
  if (name.toLowerCase() === 'local') {
    errs.push(fieldErrors.invalid(path, name, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  }
  const loadErr = timeZoneLoadError(name);
  if (loadErr) errs.push(fieldErrors.invalid(path, name, loadErr));
  return errs;
}

/** validateScheduleFormat (on create, a TZ= prefix in the schedule is never allowed). */
function validateSchedule(schedule: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const err = cronScheduleError(schedule);
  if (err) errs.push(fieldErrors.invalid(path, schedule, err));
  if (schedule.includes('TZ')) {
    errs.push(fieldErrors.invalid(path, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  return errs;
}

/** ValidateCronJobCreate */
export function validateCronJob(obj: KObject): FieldError[] {
  const s = spec(obj);
  const errs: FieldError[] = [];
  const schedule = asString(s.schedule);
  if (schedule === '') errs.push(fieldErrors.required('spec.schedule'));
  else errs.push(...validateSchedule(schedule, 'spec.schedule'));
  if (isSet(s.startingDeadlineSeconds)) errs.push(...validateNonnegative(s.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  errs.push(...validateTimeZone(s.timeZone, 'spec.timeZone'));
  const cp = asString(s.concurrencyPolicy);
  if (cp === '') errs.push(fieldErrors.required('spec.concurrencyPolicy'));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) {
    errs.push(fieldErrors.notSupported('spec.concurrencyPolicy', cp, ['Allow', 'Forbid', 'Replace']));
  }
  const jobSpec = asObj(asObj(s.jobTemplate)?.spec) ?? {};
  errs.push(...validateJobSpecFields(jobSpec, 'spec.jobTemplate.spec'));
  if (isObj(jobSpec.selector)) {
    errs.push(goInvalid('spec.jobTemplate.spec.selector', goLabelSelector(jobSpec.selector), '`selector` will be auto-generated'));
  }
  if (jobSpec.manualSelector === true) {
    errs.push(fieldErrors.notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  }
  if (isSet(s.successfulJobsHistoryLimit)) errs.push(...validateNonnegative(s.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  if (isSet(s.failedJobsHistoryLimit)) errs.push(...validateNonnegative(s.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  // The controller appends an 11-character suffix to job names, which are DNS labels (63).
  const name = obj.metadata.name ?? '';
  if (name.length > 52) errs.push(fieldErrors.invalid('metadata.name', name, 'must be no more than 52 characters'));
  return errs;
}

function printBoolPtr(v: unknown): string {
  if (typeof v !== 'boolean') return '<unset>';
  return v ? 'True' : 'False';
}

export const cronJobStrategy: Strategy = {
  tracksGeneration: true,
  prepareForCreate(obj) {
    resetStatus(obj);
    defaultCronJob(obj);
  },
  prepareForUpdate(obj, old) {
    keepStatus(obj, old);
    defaultCronJob(obj);
  },
  validate: validateCronJob,
  columns: [
    NAME_COLUMN,
    column('Schedule', 'string', 'The cron schedule the jobs run on.'),
    column('Timezone', 'string', 'Time zone the schedule is read in.'),
    column('Suspend', 'boolean', 'Whether new runs are held back.'),
    column('Active', 'integer', 'Number of jobs running now.'),
    column('Last Schedule', 'string', 'Time since a job was last scheduled.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column('Selector', 'string', 'Label selector of the job template.', 1),
  ],
  row(obj, now) {
    const s = spec(obj);
    const st = status(obj);
    const jobSpec = asObj(asObj(s.jobTemplate)?.spec) ?? {};
    const [names, images] = containersAndImages(templateContainers(jobSpec.template));
    const last = st.lastScheduleTime;
    return {
      cells: [
        obj.metadata.name ?? '',
        asString(s.schedule),
        typeof s.timeZone === 'string' ? s.timeZone : '<none>',
        printBoolPtr(s.suspend),
        Array.isArray(st.active) ? st.active.length : 0,
        typeof last === 'string' && last !== '' ? since(last, now) : '<none>',
        age(obj, now),
        names,
        images,
        formatSelectorCell(jobSpec.selector),
      ],
    };
  },
};
