import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../src/api/types.ts';
import type { FieldError } from '../../../src/api/field-errors.ts';
import { batchStrategies } from '../../../src/registry/batch/index.ts';
import { jobStrategy as s } from '../../../src/registry/batch/jobs.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const UID = '6f1c2a8e-0000-4000-8000-000000000001';
const msgs = (errs: FieldError[]) => errs.map((e) => e.toString());

function job(extra: Record<string, unknown> = {}, podSpec: Record<string, unknown> = { restartPolicy: 'Never' }): KObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid: UID, creationTimestamp: '2024-05-01T11:00:00Z' },
    spec: {
      template: { spec: { containers: [{ name: 'pi', image: 'perl:5.34' }], ...podSpec } },
      ...extra,
    },
  };
}

test('index', () => {
  assert.deepEqual(Object.keys(batchStrategies).sort(), ['cronjobs', 'jobs']);
  assert.equal(batchStrategies.jobs!.tracksGeneration, true);
  assert.equal(batchStrategies.cronjobs!.tracksGeneration, true);
});

test('create: defaults, generated selector and labels', () => {
  const j = job();
  s.prepareForCreate!(j);
  const spec = j.spec as Record<string, unknown>;
  assert.equal(spec.completions, 1);
  assert.equal(spec.parallelism, 1);
  assert.equal(spec.backoffLimit, 6);
  assert.equal(spec.completionMode, 'NonIndexed');
  assert.equal(spec.suspend, false);
  assert.equal(spec.podReplacementPolicy, 'TerminatingOrFailed');
  assert.equal(spec.manualSelector, false);
  assert.deepEqual(spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': UID } });
  const labels = {
    'batch.kubernetes.io/controller-uid': UID,
    'batch.kubernetes.io/job-name': 'pi',
    'controller-uid': UID,
    'job-name': 'pi',
  };
  const template = spec.template as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
  assert.deepEqual(template.metadata, { creationTimestamp: null, labels });
  assert.deepEqual(j.metadata.labels, labels);
  assert.equal(template.spec.restartPolicy, 'Never');
  assert.equal(template.spec.terminationGracePeriodSeconds, 30);
  assert.deepEqual(j.status, {});
  assert.deepEqual(s.validate!(j), []);
});

test('create: a job with template labels keeps them as its own labels', () => {
  const j = job();
  (j.spec as { template: Record<string, unknown> }).template.metadata = { labels: { app: 'pi' } };
  s.prepareForCreate!(j);
  assert.deepEqual(j.metadata.labels, { app: 'pi' });
});

test('defaults: parallelism without completions; backoffLimitPerIndex; podFailurePolicy', () => {
  const a = job({ parallelism: 3 });
  s.prepareForCreate!(a);
  assert.equal((a.spec as Record<string, unknown>).completions, undefined);
  const b = job({ completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 1 });
  s.prepareForCreate!(b);
  assert.equal((b.spec as Record<string, unknown>).backoffLimit, 2147483647);
  const c = job({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } });
  s.prepareForCreate!(c);
  const cs = c.spec as { podReplacementPolicy: string; podFailurePolicy: { rules: { onPodConditions: { status: string }[] }[] } };
  assert.equal(cs.podReplacementPolicy, 'Failed');
  assert.equal(cs.podFailurePolicy.rules[0]!.onPodConditions[0]!.status, 'True');
  assert.deepEqual(s.validate!(c), []);
});

test('validation: restartPolicy must be OnFailure or Never', () => {
  const j = job({}, {});
  s.prepareForCreate!(j);
  assert.deepEqual(msgs(s.validate!(j)), [
    'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
  ]);
  const k = job({ parallelism: -1, backoffLimit: -2 }, { restartPolicy: 'OnFailure' });
  (k.spec as { template: { spec: Record<string, unknown> } }).template.spec.containers = [];
  s.prepareForCreate!(k);
  assert.deepEqual(msgs(s.validate!(k)), [
    'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
    'spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0',
    'spec.template.spec.containers: Required value',
  ]);
});

test('validation: manual selector must match; generated labels must agree', () => {
  const m = job({ manualSelector: true, selector: { matchLabels: { app: 'x' } } });
  (m.spec as { template: Record<string, unknown> }).template.metadata = { labels: { app: 'y' } };
  s.prepareForCreate!(m);
  assert.deepEqual(msgs(s.validate!(m)), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: `selector` does not match template `labels`',
  ]);
  const g = job();
  (g.spec as { template: Record<string, unknown> }).template.metadata = { labels: { 'job-name': 'other' } };
  s.prepareForCreate!(g);
  const errs = msgs(s.validate!(g));
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /^spec\.template\.metadata\.labels\[job-name\]: Invalid value: map\[string\]string\{.*"job-name":"other"\}: must be 'pi'$/);
});

test('update: immutable fields', () => {
  const old = job({ completions: 2 });
  s.prepareForCreate!(old);
  const next = structuredClone(old);
  const ns = next.spec as Record<string, unknown> & { template: { spec: { containers: Record<string, unknown>[] } } };
  ns.completions = 3;
  ns.template.spec.containers[0]!.image = 'perl:5.36';
  ns.selector = { matchLabels: { a: 'b' } };
  s.prepareForUpdate!(next, old);
  assert.deepEqual(msgs(s.validateUpdate!(next, old)), [
    'spec.completions: Invalid value: 3: field is immutable',
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    'spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable',
  ]);
  // A suspended job that never started may change scheduling directives.
  const sus = job({ suspend: true });
  s.prepareForCreate!(sus);
  const moved = structuredClone(sus);
  (moved.spec as { template: { spec: Record<string, unknown> } }).template.spec.nodeSelector = { zone: 'a' };
  assert.deepEqual(s.validateUpdate!(moved, sus), []);
  // Parallelism may change freely.
  const par = structuredClone(old);
  (par.spec as Record<string, unknown>).parallelism = 5;
  assert.deepEqual(s.validateUpdate!(par, old), []);
});

test('table: status, completions, duration', () => {
  assert.deepEqual(
    s.columns!.map((c) => [c.name, c.priority]),
    [
      ['Name', 0],
      ['Status', 0],
      ['Completions', 0],
      ['Duration', 0],
      ['Age', 0],
      ['Containers', 1],
      ['Images', 1],
      ['Selector', 1],
    ],
  );
  const j = job({ completions: 3 });
  s.prepareForCreate!(j);
  assert.deepEqual(s.row!(j, NOW).cells, ['pi', 'Running', '0/3', '', '60m', 'pi', 'perl:5.34', `batch.kubernetes.io/controller-uid=${UID}`]);
  j.status = {
    succeeded: 3,
    startTime: '2024-05-01T11:00:00Z',
    completionTime: '2024-05-01T11:00:42Z',
    conditions: [
      { type: 'SuccessCriteriaMet', status: 'True' },
      { type: 'Complete', status: 'True' },
    ],
  };
  assert.deepEqual(s.row!(j, NOW).cells.slice(1, 4), ['Complete', '3/3', '42s']);
  j.status = { startTime: '2024-05-01T11:57:00Z', conditions: [{ type: 'Failed', status: 'True' }] };
  assert.deepEqual(s.row!(j, NOW).cells.slice(1, 4), ['Failed', '0/3', '3m']);
  j.status = { conditions: [{ type: 'Suspended', status: 'True' }] };
  assert.equal(s.row!(j, NOW).cells[1], 'Suspended');
  j.metadata.deletionTimestamp = '2024-05-01T11:59:00Z';
  assert.equal(s.row!(j, NOW).cells[1], 'Terminating');
  const q = job({ parallelism: 4 });
  s.prepareForCreate!(q);
  q.status = { succeeded: 1 };
  assert.equal(s.row!(q, NOW).cells[2], '1/1 of 4');
  const one = job({ parallelism: 1 });
  s.prepareForCreate!(one);
  delete (one.spec as Record<string, unknown>).completions;
  assert.equal(s.row!(one, NOW).cells[2], '0/1');
  assert.equal(s.fieldSelectors!['status.successful']!(j), '0');
  assert.equal(s.fieldSelectors!['status.successful']!({ ...j, status: { succeeded: 2 } }), '2');
});
