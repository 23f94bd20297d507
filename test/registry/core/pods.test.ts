import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../src/api/types.ts';
import { aggregateFieldErrors } from '../../../src/api/field-errors.ts';
import { podQOSClass, podStrategy } from '../../../src/registry/core/pods.ts';
import { imageTag } from '../../../src/registry/core/podspec.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const CREATED = '2024-05-01T11:55:00Z'; // 5m before NOW

function pod(spec: Record<string, unknown>, status: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', creationTimestamp: CREATED, ...meta }, spec, status };
}

const row = (p: KObject) => podStrategy.row!(p, NOW);
const msgs = (errs: { toString(): string }[]) => errs.map((e) => e.toString());

test('pod columns follow printPod', () => {
  assert.deepEqual(
    podStrategy.columns!.map((c) => [c.name, c.type, c.priority, c.format]),
    [
      ['Name', 'string', 0, 'name'],
      ['Ready', 'string', 0, ''],
      ['Status', 'string', 0, ''],
      ['Restarts', 'string', 0, ''],
      ['Age', 'string', 0, ''],
      ['IP', 'string', 1, ''],
      ['Node', 'string', 1, ''],
      ['Nominated Node', 'string', 1, ''],
      ['Readiness Gates', 'string', 1, ''],
    ],
  );
});

test('running pod', () => {
  const p = pod(
    { nodeName: 'node-1', containers: [{ name: 'a' }, { name: 'b' }] },
    {
      phase: 'Running',
      podIP: '10.244.0.5',
      podIPs: [{ ip: '10.244.0.5' }],
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'a', ready: true, restartCount: 0, state: { running: { startedAt: CREATED } } },
        { name: 'b', ready: true, restartCount: 0, state: { running: { startedAt: CREATED } } },
      ],
    },
  );
  const r = row(p);
  assert.deepEqual(r.cells, ['p', '2/2', 'Running', '0', '5m', '10.244.0.5', 'node-1', '<none>', '<none>']);
  assert.equal(r.conditions, undefined);
});

test('pending pod without status has <none> wide cells', () => {
  const r = row(pod({ containers: [{ name: 'a' }] }, { phase: 'Pending' }));
  assert.deepEqual(r.cells, ['p', '0/1', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>']);
});

test('CrashLoopBackOff with restarts shows the last restart time', () => {
  const p = pod(
    { nodeName: 'n', containers: [{ name: 'a' }] },
    {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'a',
          ready: false,
          restartCount: 4,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2024-05-01T11:58:30Z' } },
        },
      ],
    },
  );
  assert.deepEqual(row(p).cells.slice(0, 5), ['p', '0/1', 'CrashLoopBackOff', '4 (90s ago)', '5m']);
});

test('Init:0/2 while the first init container runs', () => {
  const p = pod(
    { nodeName: 'n', initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: [{ name: 'a' }] },
    {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'i1', ready: false, restartCount: 0, state: { running: { startedAt: CREATED } } },
        { name: 'i2', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
      ],
      containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
    },
  );
  assert.deepEqual(row(p).cells.slice(0, 4), ['p', '0/1', 'Init:0/2', '0']);
});

test('init container failures and Init:CrashLoopBackOff', () => {
  const base = { nodeName: 'n', initContainers: [{ name: 'i1' }], containers: [{ name: 'a' }] };
  const exit = pod(base, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 2, state: { terminated: { exitCode: 3 } } }] });
  assert.equal(row(exit).cells[2], 'Init:ExitCode:3');
  assert.equal(row(exit).cells[3], '2');
  const sig = pod(base, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 137, signal: 9 } } }] });
  assert.equal(row(sig).cells[2], 'Init:Signal:9');
  const err = pod(base, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 1, reason: 'Error' } } }] });
  assert.equal(row(err).cells[2], 'Init:Error');
  const clb = pod(base, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { waiting: { reason: 'CrashLoopBackOff' } } }] });
  assert.equal(row(clb).cells[2], 'Init:CrashLoopBackOff');
});

test('started sidecar counts as ready and in the total', () => {
  const p = pod(
    { nodeName: 'n', initContainers: [{ name: 'side', restartPolicy: 'Always' }], containers: [{ name: 'a' }] },
    {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [{ name: 'side', ready: true, started: true, restartCount: 1, state: { running: {} } }],
      containerStatuses: [{ name: 'a', ready: true, restartCount: 0, state: { running: {} } }],
    },
  );
  assert.deepEqual(row(p).cells.slice(1, 4), ['2/2', 'Running', '1']);
});

test('completed pod gets the Completed row condition', () => {
  const p = pod(
    { nodeName: 'n', restartPolicy: 'Never', containers: [{ name: 'a' }] },
    { phase: 'Succeeded', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
  );
  const r = row(p);
  assert.deepEqual(r.cells.slice(1, 4), ['0/1', 'Completed', '0']);
  assert.deepEqual(r.conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);

  const failed = pod(
    { nodeName: 'n', containers: [{ name: 'a' }] },
    { phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 2, reason: 'Error' } } }] },
  );
  const fr = row(failed);
  assert.equal(fr.cells[2], 'Error');
  assert.deepEqual(fr.conditions, [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
});

test('Completed with a container still running reads Running or NotReady', () => {
  const statuses = [
    { name: 'a', ready: true, state: { running: {} } },
    { name: 'b', ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
  ];
  const spec = { nodeName: 'n', containers: [{ name: 'a' }, { name: 'b' }] };
  assert.equal(row(pod(spec, { phase: 'Running', containerStatuses: statuses })).cells[2], 'NotReady');
  assert.equal(
    row(pod(spec, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: statuses })).cells[2],
    'Running',
  );
});

test('terminating, node-lost and gated pods', () => {
  const spec = { nodeName: 'n', containers: [{ name: 'a' }] };
  const running = { phase: 'Running', containerStatuses: [{ name: 'a', ready: true, state: { running: {} } }] };
  assert.equal(row(pod(spec, running, { deletionTimestamp: '2024-05-01T12:00:30Z' })).cells[2], 'Terminating');
  assert.equal(row(pod(spec, { ...running, reason: 'NodeLost' }, { deletionTimestamp: '2024-05-01T12:00:30Z' })).cells[2], 'Unknown');
  assert.equal(row(pod(spec, { phase: 'Succeeded' }, { deletionTimestamp: '2024-05-01T12:00:30Z' })).cells[2], 'Succeeded');
  const gated = pod({ containers: [{ name: 'a' }] }, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] });
  assert.equal(row(gated).cells[2], 'SchedulingGated');
});

test('readiness gates and legacy podIP', () => {
  const p = pod(
    { nodeName: 'n', readinessGates: [{ conditionType: 'x/a' }, { conditionType: 'x/b' }], containers: [{ name: 'a' }] },
    { phase: 'Running', podIP: '10.0.0.9', nominatedNodeName: 'm', conditions: [{ type: 'x/a', status: 'True' }] },
  );
  assert.deepEqual(row(p).cells.slice(5), ['10.0.0.9', 'n', 'm', '1/2']);
});

test('create defaults: scheme, admission and status', () => {
  const p: KObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }, { name: 'side', image: 'busybox:1.36' }] },
  };
  podStrategy.prepareForCreate!(p);
  const spec = p.spec as Record<string, any>;
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.terminationGracePeriodSeconds, 30);
  assert.equal(spec.schedulerName, 'default-scheduler');
  assert.deepEqual(spec.securityContext, {});
  assert.equal(spec.enableServiceLinks, true);
  // priority and preemptionPolicy come from the Priority admission hook (test/registry/scheduling).
  assert.equal(spec.priority, undefined);
  assert.equal(spec.serviceAccountName, 'default');
  assert.equal(spec.serviceAccount, 'default');
  assert.deepEqual(spec.containers[0], {
    name: 'web',
    image: 'nginx',
    ports: [{ containerPort: 80, protocol: 'TCP' }],
    imagePullPolicy: 'Always',
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    resources: {},
  });
  assert.equal(spec.containers[1].imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(spec.tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
  assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'BestEffort' });
  assert.deepEqual(msgs(podStrategy.validate!(p)), []);
});

test('defaults keep explicit values and existing tolerations', () => {
  const p: KObject = {
    metadata: { name: 'p' },
    spec: {
      serviceAccount: 'builder',
      priorityClassName: 'system-node-critical',
      tolerations: [{ operator: 'Exists' }],
      hostNetwork: true,
      containers: [{ name: 'a', image: 'x@sha256:abc', ports: [{ containerPort: 8080 }], resources: { limits: { cpu: '1', memory: '1Gi' } } }],
    },
  };
  podStrategy.prepareForCreate!(p);
  const spec = p.spec as Record<string, any>;
  assert.equal(spec.serviceAccountName, 'builder');
  assert.deepEqual(spec.tolerations, [{ operator: 'Exists' }]);
  assert.equal(spec.containers[0].imagePullPolicy, 'IfNotPresent');
  assert.equal(spec.containers[0].ports[0].hostPort, 8080);
  assert.deepEqual(spec.containers[0].resources.requests, { cpu: '1', memory: '1Gi' });
  assert.equal((p.status as any).qosClass, 'Guaranteed');
});

test('scheduling gates add the PodScheduled condition', () => {
  const p: KObject = { metadata: { name: 'p' }, spec: { schedulingGates: [{ name: 'g' }], containers: [{ name: 'a', image: 'x' }] } };
  podStrategy.prepareForCreate!(p);
  const cond = (p.status as any).conditions[0];
  assert.equal(cond.type, 'PodScheduled');
  assert.equal(cond.reason, 'SchedulingGated');
  assert.equal(cond.message, 'Scheduling is blocked due to non-empty scheduling gates');
});

test('image tags', () => {
  assert.equal(imageTag('nginx'), 'latest');
  assert.equal(imageTag('nginx:latest'), 'latest');
  assert.equal(imageTag('nginx:1.25'), '1.25');
  assert.equal(imageTag('localhost:5000/app'), 'latest');
  assert.equal(imageTag('localhost:5000/app:v2'), 'v2');
  assert.equal(imageTag('repo/app@sha256:0123'), '');
  assert.equal(imageTag('Repo/App'), '');
});

test('QoS classes', () => {
  assert.equal(podQOSClass({ containers: [{ resources: {} }] }), 'BestEffort');
  assert.equal(podQOSClass({ containers: [{ resources: { requests: { cpu: '100m' } } }] }), 'Burstable');
  assert.equal(
    podQOSClass({ containers: [{ resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1024Mi' } } }] }),
    'Guaranteed',
  );
  assert.equal(podQOSClass({ containers: [{ resources: { requests: { cpu: '0' } } }] }), 'BestEffort');
});

test('validation messages', () => {
  const bad: KObject = { metadata: { name: 'p' }, spec: { containers: [] } };
  podStrategy.prepareForCreate!(bad);
  assert.deepEqual(msgs(podStrategy.validate!(bad)), ['spec.containers: Required value']);

  const p: KObject = {
    metadata: { name: 'p' },
    spec: {
      restartPolicy: 'Sometimes',
      containers: [{ name: 'a', image: 'x' }, { name: 'a' }, { image: 'y', ports: [{ containerPort: 70000, protocol: 'tcp' }] }],
    },
  };
  podStrategy.prepareForCreate!(p);
  assert.deepEqual(msgs(podStrategy.validate!(p)), [
    'spec.containers[1].image: Required value',
    'spec.containers[1].name: Duplicate value: "a"',
    'spec.containers[2].name: Required value',
    'spec.containers[2].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[2].ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"',
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  ]);

  const named: KObject = { metadata: { name: 'p' }, spec: { nodeName: 'Node_1', containers: [{ name: 'Web', image: 'x', volumeMounts: [{ name: 'v', mountPath: '/d' }] }] } };
  podStrategy.prepareForCreate!(named);
  const out = msgs(podStrategy.validate!(named));
  assert.ok(out.includes('spec.containers[0].volumeMounts[0].name: Not found: "v"'), out.join('\n'));
  assert.ok(out.some((m) => m.startsWith('spec.containers[0].name: Invalid value: "Web": a lowercase RFC 1123 label')));
  assert.ok(out.some((m) => m.startsWith('spec.nodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain')));
});

function created(): KObject {
  const p: KObject = {
    metadata: { name: 'p', namespace: 'default' },
    spec: { nodeName: 'n', containers: [{ name: 'a', image: 'nginx:1.25', command: ['sleep'] }] },
  };
  podStrategy.prepareForCreate!(p);
  return p;
}

test('update: image, activeDeadlineSeconds and toleration additions are allowed', () => {
  const old = created();
  const next = structuredClone(old);
  const spec = next.spec as Record<string, any>;
  spec.containers[0].image = 'nginx:1.26';
  spec.activeDeadlineSeconds = 100;
  spec.tolerations.push({ key: 'k', operator: 'Exists', effect: 'NoSchedule' });
  spec.tolerations[0].tolerationSeconds = 60;
  podStrategy.prepareForUpdate!(next, old);
  assert.deepEqual(msgs(podStrategy.validateUpdate!(next, old)), []);
});

test('update: other spec changes are forbidden with upstream text', () => {
  const old = created();
  const next = structuredClone(old);
  (next.spec as any).containers[0].command = ['sh'];
  podStrategy.prepareForUpdate!(next, old);
  const errs = podStrategy.validateUpdate!(next, old);
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.field, 'spec');
  assert.equal(errs[0]!.type, 'FieldValueForbidden');
  assert.ok(
    errs[0]!.toString().startsWith(
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n',
    ),
  );

  const fewer = structuredClone(old);
  (fewer.spec as any).containers.push({ name: 'b', image: 'x' });
  podStrategy.prepareForUpdate!(fewer, old);
  assert.deepEqual(msgs(podStrategy.validateUpdate!(fewer, old)), ['spec.containers: Forbidden: pod updates may not add or remove containers']);

  const tol = structuredClone(old);
  (tol.spec as any).tolerations = [];
  assert.deepEqual(msgs(podStrategy.validateUpdate!(tol, old)).slice(0, 1), [
    'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
  ]);

  const ads = structuredClone(old);
  (old.spec as any).activeDeadlineSeconds = 10;
  (ads.spec as any).activeDeadlineSeconds = 20;
  assert.deepEqual(msgs(podStrategy.validateUpdate!(ads, old)), [
    'spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to previous value',
  ]);
});

test('update defaults the body the way decoding does', () => {
  const old = created();
  const next: KObject = structuredClone(old);
  const spec = next.spec as Record<string, any>;
  delete spec.restartPolicy;
  delete spec.containers[0].terminationMessagePath;
  podStrategy.prepareForUpdate!(next, old);
  assert.deepEqual(msgs(podStrategy.validateUpdate!(next, old)), []);
});

test('grace period', () => {
  const p = created();
  assert.equal(podStrategy.gracePeriod!(p, undefined), 30);
  assert.equal(podStrategy.gracePeriod!(p, 5), 5);
  assert.equal(podStrategy.gracePeriod!(p, 0), 0);
  assert.equal(podStrategy.gracePeriod!(p, -3), 1);
  const unscheduled = structuredClone(p);
  delete (unscheduled.spec as any).nodeName;
  assert.equal(podStrategy.gracePeriod!(unscheduled, undefined), 0);
  const done = structuredClone(p);
  (done.status as any).phase = 'Succeeded';
  assert.equal(podStrategy.gracePeriod!(done, 10), 0);
});

test('field selectors', () => {
  const p = created();
  (p.status as any).podIPs = [{ ip: '10.1.1.1' }];
  const f = podStrategy.fieldSelectors!;
  assert.deepEqual(
    Object.fromEntries(Object.entries(f).map(([k, get]) => [k, get(p)])),
    {
      'spec.nodeName': 'n',
      'spec.restartPolicy': 'Always',
      'spec.schedulerName': 'default-scheduler',
      'spec.serviceAccountName': 'default',
      'spec.hostNetwork': 'false',
      'status.phase': 'Pending',
      'status.podIP': '10.1.1.1',
      'status.podIPs': '',
      'status.nominatedNodeName': '',
    },
  );
  assert.equal(podStrategy.tracksGeneration, true);
  assert.equal(podStrategy.nameRule, 'subdomain');
  assert.equal(aggregateFieldErrors([]), '');
});
