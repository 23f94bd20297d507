import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../src/api/types.ts';
import type { FieldError } from '../../../src/api/field-errors.ts';
import { cronJobStrategy as s } from '../../../src/registry/batch/cronjobs.ts';
import { cronScheduleError, parseGoDuration } from '../../../src/registry/batch/cron.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const msgs = (errs: FieldError[]) => errs.map((e) => e.toString());

function cronjob(extra: Record<string, unknown> = {}, restartPolicy = 'OnFailure'): KObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', namespace: 'default', uid: 'u', creationTimestamp: '2024-05-01T10:00:00Z' },
    spec: {
      schedule: '*/1 * * * *',
      jobTemplate: {
        spec: {
          template: {
            spec: { containers: [{ name: 'hello', image: 'busybox:1.28' }], ...(restartPolicy ? { restartPolicy } : {}) },
          },
        },
      },
      ...extra,
    },
  };
}

test('defaults: policy, history limits, suspend; the job template gets pod defaults only', () => {
  const c = cronjob();
  s.prepareForCreate!(c);
  const spec = c.spec as Record<string, unknown>;
  assert.equal(spec.concurrencyPolicy, 'Allow');
  assert.equal(spec.suspend, false);
  assert.equal(spec.successfulJobsHistoryLimit, 3);
  assert.equal(spec.failedJobsHistoryLimit, 1);
  const jt = spec.jobTemplate as { metadata: unknown; spec: Record<string, unknown> };
  assert.deepEqual(jt.metadata, { creationTimestamp: null });
  assert.equal(jt.spec.backoffLimit, undefined);
  assert.equal(jt.spec.completions, undefined);
  const podSpec = (jt.spec.template as { spec: Record<string, unknown> }).spec;
  assert.equal(podSpec.schedulerName, 'default-scheduler');
  assert.equal(podSpec.restartPolicy, 'OnFailure');
  assert.deepEqual(c.status, {});
  assert.deepEqual(s.validate!(c), []);
});

test('validation: schedule, restart policy, selector, concurrency policy, time zone, name length', () => {
  const missing = cronjob({ schedule: '' });
  s.prepareForCreate!(missing);
  assert.deepEqual(msgs(s.validate!(missing)), ['spec.schedule: Required value']);

  const bad = cronjob({ schedule: 'every minute', concurrencyPolicy: 'Sometimes', timeZone: 'Mars/Olympus' }, '');
  s.prepareForCreate!(bad);
  ((bad.spec as { jobTemplate: { spec: Record<string, unknown> } }).jobTemplate.spec).selector = { matchLabels: { a: 'b' } };
  bad.metadata.name = 'x'.repeat(53);
  assert.deepEqual(msgs(s.validate!(bad)), [
    'spec.schedule: Invalid value: "every minute": expected exactly 5 fields, found 2: [every minute]',
    'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
    'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated',
    `metadata.name: Invalid value: "${'x'.repeat(53)}": must be no more than 52 characters`,
  ]);

  const tz = cronjob({ schedule: 'TZ=UTC 0 * * * *' });
  s.prepareForCreate!(tz);
  assert.deepEqual(msgs(s.validate!(tz)), [
    'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
  ]);
  const zoned = cronjob({ timeZone: 'Europe/Berlin' });
  s.prepareForCreate!(zoned);
  assert.deepEqual(s.validate!(zoned), []);
});

test('cron syntax errors read like robfig/cron', () => {
  const cases: [string, string | undefined][] = [
    ['*/5 * * * *', undefined],
    ['0 0 1,15 jan-jun MON-FRI', undefined],
    ['@hourly', undefined],
    ['@every 1h30m', undefined],
    ['0 0 ? * *', undefined],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['* * * * 7', 'end of range (7) above maximum (6): 7'],
    ['* * * * * *', 'expected exactly 5 fields, found 6: [* * * * * *]'],
    ['@sometimes', 'unrecognized descriptor: @sometimes'],
    ['@every 5x', 'failed to parse duration @every 5x: time: unknown unit "x" in duration "5x"'],
  ];
  for (const [spec, want] of cases) assert.equal(cronScheduleError(spec), want, spec);
  assert.equal(parseGoDuration('5'), 'time: missing unit in duration "5"');
  assert.equal(parseGoDuration('1.5h'), undefined);
});

test('table: columns and cells', () => {
  assert.deepEqual(
    s.columns!.map((c) => [c.name, c.type, c.priority]),
    [
      ['Name', 'string', 0],
      ['Schedule', 'string', 0],
      ['Timezone', 'string', 0],
      ['Suspend', 'boolean', 0],
      ['Active', 'integer', 0],
      ['Last Schedule', 'string', 0],
      ['Age', 'string', 0],
      ['Containers', 'string', 1],
      ['Images', 'string', 1],
      ['Selector', 'string', 1],
    ],
  );
  const c = cronjob();
  s.prepareForCreate!(c);
  assert.deepEqual(s.row!(c, NOW).cells, ['hello', '*/1 * * * *', '<none>', 'False', 0, '<none>', '120m', 'hello', 'busybox:1.28', '<none>']);
  (c.spec as Record<string, unknown>).timeZone = 'Etc/UTC';
  (c.spec as Record<string, unknown>).suspend = true;
  c.status = { active: [{ name: 'hello-1' }], lastScheduleTime: '2024-05-01T11:59:00Z' };
  assert.deepEqual(s.row!(c, NOW).cells.slice(2, 6), ['Etc/UTC', 'True', 1, '60s']);
});
