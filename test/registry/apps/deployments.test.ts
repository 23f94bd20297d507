import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../src/api/types.ts';
import type { FieldError } from '../../../src/api/field-errors.ts';
import { deploymentStrategy as s } from '../../../src/registry/apps/deployments.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');

function deploy(extra: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', creationTimestamp: '2024-05-01T11:55:00Z' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } },
      ...extra,
    },
  };
}

const msgs = (errs: FieldError[]) => errs.map((e) => e.toString());

test('defaults: strategy, history, deadline, replicas, pod template', () => {
  const d = deploy();
  s.prepareForCreate!(d);
  assert.deepEqual(d.status, {});
  assert.deepEqual(d.spec, {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    template: {
      metadata: { labels: { app: 'web' }, creationTimestamp: null },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx:1.25',
            imagePullPolicy: 'IfNotPresent',
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            resources: {},
          },
        ],
        dnsPolicy: 'ClusterFirst',
        restartPolicy: 'Always',
        securityContext: {},
        terminationGracePeriodSeconds: 30,
        schedulerName: 'default-scheduler',
      },
    },
  });
  assert.deepEqual(s.validate!(d), []);
});

test('defaults: Recreate gets no rollingUpdate; :latest and untagged images pull Always', () => {
  const d = deploy({ strategy: { type: 'Recreate' } });
  const spec = d.spec as { template: { spec: { containers: Record<string, unknown>[] } } };
  spec.template.spec.containers.push({ name: 'b', image: 'busybox' }, { name: 'c', image: 'r.io/x:latest' }, { name: 'd', image: 'x@sha256:abc' });
  s.prepareForCreate!(d);
  assert.deepEqual((d.spec as Record<string, unknown>).strategy, { type: 'Recreate' });
  assert.deepEqual(
    spec.template.spec.containers.map((c) => c.imagePullPolicy),
    ['IfNotPresent', 'Always', 'Always', 'IfNotPresent'],
  );
});

test('validation: selector required, must match template labels', () => {
  const d = deploy({ selector: undefined });
  s.prepareForCreate!(d);
  assert.deepEqual(msgs(s.validate!(d)), [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);

  const d2 = deploy({ selector: { matchLabels: { app: 'other' } } });
  s.prepareForCreate!(d2);
  assert.deepEqual(msgs(s.validate!(d2)), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);

  const d3 = deploy({ selector: {} });
  s.prepareForCreate!(d3);
  assert.deepEqual(msgs(s.validate!(d3)), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
  ]);
});

test('validation: replicas, containers, restart policy, strategy', () => {
  const d = deploy({ replicas: -1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } });
  const spec = d.spec as { template: { spec: Record<string, unknown> } };
  spec.template.spec.containers = [];
  spec.template.spec.restartPolicy = 'OnFailure';
  s.prepareForCreate!(d);
  assert.deepEqual(msgs(s.validate!(d)), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.template.spec.containers: Required value',
    'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
  ]);
  const d2 = deploy({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }, progressDeadlineSeconds: 5, minReadySeconds: 10 });
  s.prepareForCreate!(d2);
  assert.deepEqual(msgs(s.validate!(d2)), [
    "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    'spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds',
  ]);
});

test('validation: container names and images', () => {
  const d = deploy();
  const spec = d.spec as { template: { spec: Record<string, unknown> } };
  spec.template.spec.containers = [{ name: 'Bad_Name', image: '' }, { name: 'Bad_Name', image: 'x', ports: [{ containerPort: 70000 }] }];
  s.prepareForCreate!(d);
  assert.deepEqual(msgs(s.validate!(d)), [
    `spec.template.spec.containers[0].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    'spec.template.spec.containers[0].image: Required value',
    `spec.template.spec.containers[1].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    'spec.template.spec.containers[1].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.template.spec.containers[1].name: Duplicate value: "Bad_Name"',
  ]);
});

test('update: selector is immutable, status is kept', () => {
  const old = deploy();
  s.prepareForCreate!(old);
  old.status = { replicas: 1 };
  const next = deploy({ selector: { matchLabels: { app: 'web', tier: 'x' } } });
  s.prepareForUpdate!(next, old);
  assert.deepEqual(next.status, { replicas: 1 });
  assert.deepEqual(msgs(s.validateUpdate!(next, old)), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
});

test('table: columns and cells', () => {
  assert.deepEqual(
    s.columns!.map((c) => [c.name, c.type, c.priority]),
    [
      ['Name', 'string', 0],
      ['Ready', 'string', 0],
      ['Up-to-date', 'string', 0],
      ['Available', 'string', 0],
      ['Age', 'string', 0],
      ['Containers', 'string', 1],
      ['Images', 'string', 1],
      ['Selector', 'string', 1],
    ],
  );
  assert.equal(s.columns![0]!.format, 'name');
  const d = deploy({ replicas: 3 });
  (d.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers.push({ name: 'side', image: 'busybox' });
  (d.spec as Record<string, unknown>).selector = {
    matchLabels: { app: 'web' },
    matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }],
  };
  d.status = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
  assert.deepEqual(s.row!(d, NOW).cells, ['web', '2/3', 3, 2, '5m', 'nginx,side', 'nginx:1.25,busybox', 'app=web,tier in (a,b)']);
  const empty = deploy({ selector: undefined });
  assert.deepEqual(s.row!(empty, NOW).cells.slice(1, 4), ['0/1', 0, 0]);
  assert.equal(s.row!(empty, NOW).cells[7], '');
});
