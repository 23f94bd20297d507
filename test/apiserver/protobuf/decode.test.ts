// Decoding Kubernetes protobuf bodies into the JSON Go would print for the same object: real kubectl
// request bodies (golden vectors) and hand-built messages for everything kubectl does not send.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { StatusError } from '../../../src/api/errors.ts';
import {
  ProtobufDecodeError,
  decodeProtobufObject,
  decodeProtobufObjectDetailed,
  decodeProtobufRequestBody,
  formatTime,
} from '../../../src/apiserver/protobuf/decode.ts';
import { MESSAGES, supportedKinds } from '../../../src/apiserver/protobuf/schema.ts';
import { entries, entry, envelope, int, intOrString, ld, msg, packed, quantity, str, sub, time } from './encoder.ts';

interface Vector {
  command: string;
  hex: string;
  expected?: Record<string, unknown>;
}
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/kubectl-v1.32.json', import.meta.url), 'utf8')) as {
  vectors: Record<string, Vector>;
};

// ObjectMeta as gogo-protobuf writes it for a new object: every non-pointer scalar is present, even empty.
function meta(name: string, extra: Buffer[] = []): Buffer {
  return msg(str(1, name), str(2, ''), str(3, ''), str(4, ''), str(5, ''), str(6, ''), int(7, 0), sub(8, Buffer.alloc(0)), ...extra);
}

const T1 = 1700000000; // 2023-11-14T22:13:20Z

describe('protobuf decoding: kubectl request bodies', () => {
  for (const [name, v] of Object.entries(fixtures.vectors)) {
    if (!v.expected) continue;
    it(`${name}: ${v.command}`, () => {
      const got = decodeProtobufObjectDetailed(Buffer.from(v.hex, 'hex'));
      assert.deepEqual(got.object, v.expected);
      assert.deepEqual(got.unknownFields, []);
    });
  }

  it('kubectl create role: an rbac Role decodes', () => {
    const got = decodeProtobufObject(Buffer.from(fixtures.vectors.role!.hex, 'hex'));
    assert.equal(got.kind, 'Role');
    assert.deepEqual(got.rules, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]);
  });

  it('a kind without a schema is reported as unsupported', () => {
    // The Role vector with its kind renamed ("Role" → "Nope", same length).
    const body = Buffer.from(fixtures.vectors.role!.hex.replace('1204526f6c65', '12044e6f7065'), 'hex');
    assert.throws(
      () => decodeProtobufObject(body),
      (e: unknown) => e instanceof ProtobufDecodeError && e.reason === 'unsupported-kind' && /rbac\.authorization\.k8s\.io\/v1, Kind=Nope/.test(e.message),
    );
  });
});

describe('protobuf decoding: hand-built messages', () => {
  it('decodes a Pod with most PodSpec features into Go-shaped JSON', () => {
    const metadata = meta('p', [
      sub(9, time(T1)),
      int(10, 0),
      entries(11, { app: 'x' }),
      entries(12, { k: 'v' }),
      sub(13, msg(str(5, 'apps/v1'), str(1, 'ReplicaSet'), str(3, 'rs'), str(4, 'u1'), int(6, true), int(7, false))),
      str(14, 'f1'),
      sub(17, msg(str(1, 'kubectl'), str(2, 'Update'), str(3, 'v1'), sub(4, time(T1)), str(6, 'FieldsV1'), sub(7, msg(ld(1, '{"f:metadata":{"f:labels":{}}}'))), str(8, ''))),
    ]);
    const lor = (name: string) => sub(1, msg(str(1, name)));
    // VolumeProjection{serviceAccountToken} and VolumeProjection{downwardAPI{items: [{path, fieldRef}]}}.
    const saTokenProjection = msg(sub(4, msg(str(1, ''), int(2, 3607), str(3, 'token'))));
    const labelsFile = msg(str(1, 'labels'), sub(2, msg(str(1, 'v1'), str(2, 'metadata.labels'))));
    const downwardProjection = msg(sub(2, msg(sub(1, labelsFile))));
    const volumes = [
      sub(1, msg(str(1, 'cfg'), sub(2, msg(sub(19, msg(lor('cm'), sub(2, msg(str(1, 'a'), str(2, 'a.txt'), int(3, 256))), int(3, 420))))))),
      sub(1, msg(str(1, 'scratch'), sub(2, msg(sub(2, msg(str(1, ''), sub(2, quantity('1Gi')))))))),
      sub(1, msg(str(1, 'empty'), sub(2, msg(sub(2, Buffer.alloc(0)))))),
      sub(1, msg(str(1, 'sec'), sub(2, msg(sub(6, msg(str(1, 's'), int(4, false))))))),
      sub(1, msg(str(1, 'host'), sub(2, msg(sub(1, msg(str(1, '/var/log'), str(2, ''))))))),
      sub(
        1,
        msg(
          str(1, 'proj'),
          sub(
            2,
            msg(
              sub(
                26,
                msg(
                  sub(1, saTokenProjection),
                  sub(1, downwardProjection),
                  int(2, 420),
                ),
              ),
            ),
          ),
        ),
      ),
    ];
    const container = msg(
      str(1, 'c'),
      str(2, 'nginx'),
      sub(6, msg(str(1, ''), int(2, 0), int(3, 80), str(4, 'TCP'), str(5, ''))),
      sub(7, msg(str(1, 'A'), str(2, 'B'))),
      sub(7, msg(str(1, 'POD'), str(2, ''), sub(3, msg(sub(1, msg(str(1, 'v1'), str(2, 'metadata.name'))))))),
      sub(7, msg(str(1, 'S'), str(2, ''), sub(3, msg(sub(4, msg(lor('s'), str(2, 'k'), int(3, true))))))),
      sub(19, msg(str(1, 'P_'), sub(2, msg(lor('cm'))))),
      sub(8, msg(entry(1, 'cpu', quantity('500m')), entry(1, 'memory', quantity('128Mi')), entry(2, 'cpu', quantity('250m')))),
      sub(9, msg(str(1, 'cfg'), int(2, true), str(3, '/etc/cfg'), str(4, ''))),
      sub(10, msg(sub(1, msg(sub(2, msg(str(1, '/healthz'), sub(2, intOrString('http')), str(3, ''), str(4, 'HTTP'))))), int(2, 5), int(3, 0), int(4, 10))),
      sub(11, msg(sub(1, msg(sub(3, msg(sub(1, intOrString(8080)), str(2, ''))))))),
      sub(22, msg(sub(1, msg(sub(1, msg(str(1, 'cat'), str(1, '/tmp/ok'))))), int(6, 30), int(7, 0))),
      sub(12, msg(sub(2, msg(sub(4, msg(int(1, 5))))))),
      str(13, '/dev/termination-log'),
      str(14, 'IfNotPresent'),
      sub(15, msg(sub(1, msg(str(2, 'ALL'))), int(2, false), int(4, 0), int(5, false), int(7, false), sub(11, msg(str(1, 'RuntimeDefault'))))),
      int(16, false),
      int(18, false),
    );
    const spec = msg(
      ...volumes,
      sub(20, msg(str(1, 'init'), str(2, 'busybox'), str(3, 'sh'), str(3, '-c'), str(3, 'true'))),
      sub(2, container),
      str(3, 'Always'),
      int(4, 30),
      str(6, 'ClusterFirst'),
      entries(7, { disk: 'ssd' }),
      str(8, 'default'),
      int(21, false),
      int(11, false),
      sub(14, msg(int(2, 1000), int(6, 3000), int(5, 2000), packed(4, [4000, 5000]), sub(7, msg(str(1, 'net.core.somaxconn'), str(2, '1024'))))),
      sub(15, msg(str(1, 'regcred'))),
      sub(
        18,
        msg(
          sub(
            1,
            msg(
              sub(1, msg(sub(1, msg(sub(1, msg(str(1, 'zone'), str(2, 'In'), str(3, 'a'), str(3, 'b'))))))),
              sub(2, msg(int(1, 10), sub(2, msg(sub(1, msg(str(1, 'disk'), str(2, 'Exists'))))))),
            ),
          ),
          sub(3, msg(sub(2, msg(int(1, 100), sub(2, msg(sub(1, msg(entry(1, 'app', 'x'))), str(3, 'kubernetes.io/hostname'))))))),
        ),
      ),
      str(19, 'default-scheduler'),
      sub(22, msg(str(1, 'k'), str(2, 'Equal'), str(3, 'v'), str(4, 'NoSchedule'))),
      sub(22, msg(str(1, ''), str(2, 'Exists'), str(3, ''), str(4, 'NoExecute'), int(5, 300))),
      int(25, 0),
      int(30, true),
      sub(33, msg(int(1, 1), str(2, 'zone'), str(3, 'DoNotSchedule'), sub(4, msg(entry(1, 'app', 'x'))), int(5, 2))),
      sub(36, msg(str(1, 'linux'))),
    );
    const status = msg(
      str(1, 'Pending'),
      sub(2, msg(str(1, 'PodScheduled'), str(2, 'True'), sub(3, Buffer.alloc(0)), sub(4, time(T1)), str(5, ''), str(6, ''))),
      sub(7, time(T1 + 60)),
      str(9, 'Burstable'),
      sub(
        8,
        msg(
          str(1, 'c'),
          sub(2, msg(sub(1, msg(str(1, 'ContainerCreating'), str(2, ''))))),
          sub(3, Buffer.alloc(0)),
          int(4, false),
          int(5, 0),
          str(6, 'nginx'),
          str(7, ''),
          str(8, ''),
          int(9, false),
        ),
      ),
    );
    const raw = msg(sub(1, msg(metadata, int(99, 1))), sub(2, spec), sub(3, status));
    const got = decodeProtobufObjectDetailed(envelope('v1', 'Pod', raw));
    assert.deepEqual(got.unknownFields, ['metadata#99']);
    assert.deepEqual(got.object, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        creationTimestamp: null,
        deletionTimestamp: '2023-11-14T22:13:20Z',
        deletionGracePeriodSeconds: 0,
        labels: { app: 'x' },
        annotations: { k: 'v' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true, blockOwnerDeletion: false }],
        finalizers: ['f1'],
        managedFields: [
          {
            manager: 'kubectl',
            operation: 'Update',
            apiVersion: 'v1',
            time: '2023-11-14T22:13:20Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:metadata': { 'f:labels': {} } },
          },
        ],
      },
      spec: {
        volumes: [
          { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'a', path: 'a.txt', mode: 256 }], defaultMode: 420 } },
          { name: 'scratch', emptyDir: { sizeLimit: '1Gi' } },
          { name: 'empty', emptyDir: {} },
          { name: 'sec', secret: { secretName: 's', optional: false } },
          { name: 'host', hostPath: { path: '/var/log', type: '' } },
          {
            name: 'proj',
            projected: {
              sources: [
                { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
                { downwardAPI: { items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }] } },
              ],
              defaultMode: 420,
            },
          },
        ],
        initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'true'] }],
        containers: [
          {
            name: 'c',
            image: 'nginx',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            envFrom: [{ prefix: 'P_', configMapRef: { name: 'cm' } }],
            env: [
              { name: 'A', value: 'B' },
              { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
              { name: 'S', valueFrom: { secretKeyRef: { name: 's', key: 'k', optional: true } } },
            ],
            resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m' } },
            volumeMounts: [{ name: 'cfg', readOnly: true, mountPath: '/etc/cfg' }],
            livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 5, periodSeconds: 10 },
            readinessProbe: { tcpSocket: { port: 8080 } },
            startupProbe: { exec: { command: ['cat', '/tmp/ok'] }, failureThreshold: 30, terminationGracePeriodSeconds: 0 },
            lifecycle: { preStop: { sleep: { seconds: 5 } } },
            terminationMessagePath: '/dev/termination-log',
            imagePullPolicy: 'IfNotPresent',
            securityContext: {
              capabilities: { drop: ['ALL'] },
              privileged: false,
              runAsUser: 0,
              runAsNonRoot: false,
              allowPrivilegeEscalation: false,
              seccompProfile: { type: 'RuntimeDefault' },
            },
          },
        ],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        nodeSelector: { disk: 'ssd' },
        serviceAccountName: 'default',
        automountServiceAccountToken: false,
        securityContext: {
          runAsUser: 1000,
          runAsGroup: 3000,
          supplementalGroups: [4000, 5000],
          fsGroup: 2000,
          sysctls: [{ name: 'net.core.somaxconn', value: '1024' }],
        },
        imagePullSecrets: [{ name: 'regcred' }],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
            },
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } },
            ],
          },
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'x' } }, topologyKey: 'kubernetes.io/hostname' } },
            ],
          },
        },
        schedulerName: 'default-scheduler',
        tolerations: [
          { key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' },
          { operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
        priority: 0,
        enableServiceLinks: true,
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'x' } }, minDomains: 2 },
        ],
        os: { name: 'linux' },
      },
      status: {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2023-11-14T22:13:20Z' }],
        startTime: '2023-11-14T22:14:20Z',
        containerStatuses: [
          {
            name: 'c',
            state: { waiting: { reason: 'ContainerCreating' } },
            lastState: {},
            ready: false,
            restartCount: 0,
            image: 'nginx',
            imageID: '',
            started: false,
          },
        ],
        qosClass: 'Burstable',
      },
    });
  });

  it('keeps explicit zeros of pointer fields and IntOrString forms (Deployment)', () => {
    const raw = msg(
      sub(1, meta('d')),
      sub(
        2,
        msg(
          int(1, 0),
          sub(2, msg(entry(1, 'app', 'd'))),
          sub(3, msg(sub(1, meta('', [entries(11, { app: 'd' })])), sub(2, msg(sub(2, msg(str(1, 'c'), str(2, 'nginx'))))))),
          sub(4, msg(str(1, 'RollingUpdate'), sub(2, msg(sub(1, intOrString(0)), sub(2, intOrString('25%')))))),
          int(5, 0),
          int(6, 0),
          int(7, false),
          int(9, 600),
        ),
      ),
      sub(3, msg(int(1, 3), int(2, 2), sub(6, msg(str(1, 'Available'), str(2, 'True'), sub(6, time(T1)), sub(7, time(T1)), str(4, 'MinimumReplicasAvailable'), str(5, ''))))),
    );
    assert.deepEqual(decodeProtobufObject(envelope('apps/v1', 'Deployment', raw)), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', creationTimestamp: null },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'd' } },
        template: { metadata: { creationTimestamp: null, labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
        revisionHistoryLimit: 0,
        progressDeadlineSeconds: 600,
      },
      status: {
        observedGeneration: 3,
        replicas: 2,
        conditions: [
          {
            type: 'Available',
            status: 'True',
            lastUpdateTime: '2023-11-14T22:13:20Z',
            lastTransitionTime: '2023-11-14T22:13:20Z',
            reason: 'MinimumReplicasAvailable',
          },
        ],
      },
    });
  });

  it('base64-encodes bytes maps and keeps non-UTF-8 data intact (Secret, ConfigMap binaryData)', () => {
    const bin = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41]);
    const secret = msg(sub(1, meta('s')), int(5, false), entry(2, 'bin', bin), entry(2, 'empty', Buffer.alloc(0)), entries(4, { plain: 'text' }), str(3, 'Opaque'));
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'Secret', secret)), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', creationTimestamp: null },
      immutable: false,
      data: { bin: bin.toString('base64'), empty: '' },
      stringData: { plain: 'text' },
      type: 'Opaque',
    });
    const cm = msg(sub(1, meta('c')), entry(3, 'b', bin), entry(2, 'novalue', undefined), int(4, true));
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'ConfigMap', cm)), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', creationTimestamp: null },
      immutable: true,
      data: { novalue: '' },
      binaryData: { b: 'AP/+gEE=' },
    });
  });

  it('formats Time with second precision and MicroTime with six digits; empty times are null (Event)', () => {
    const raw = msg(
      sub(1, meta('e')),
      sub(2, msg(str(1, 'Pod'), str(2, 'default'), str(3, 'p'))),
      str(3, 'Started'),
      sub(5, msg(str(1, 'kubelet'))),
      sub(6, time(T1, 999_000_000)),
      sub(7, Buffer.alloc(0)),
      int(8, 1),
      str(9, 'Normal'),
      sub(10, time(T1, 123_456_789)),
      sub(11, msg(int(1, 2), sub(2, time(0, 5000)))),
    );
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'Event', raw)), {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', creationTimestamp: null },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'p' },
      reason: 'Started',
      source: { component: 'kubelet' },
      firstTimestamp: '2023-11-14T22:13:20Z',
      lastTimestamp: null,
      count: 1,
      type: 'Normal',
      eventTime: '2023-11-14T22:13:20.123456Z',
      series: { count: 2, lastObservedTime: '1970-01-01T00:00:00.000005Z' },
      reportingComponent: '',
      reportingInstance: '',
    });
    assert.equal(formatTime(-62135596800n, 0, false), '0001-01-01T00:00:00Z');
  });

  it('decodes Services with named and numeric target ports and the empty load-balancer status', () => {
    const port = (name: string, p: number, target: number | string) =>
      sub(1, msg(str(1, name), str(2, 'TCP'), int(3, p), sub(4, intOrString(target)), int(5, 0)));
    const raw = msg(
      sub(1, meta('s')),
      sub(2, msg(port('http', 80, 8080), port('https', 443, 'https'), entries(2, { app: 's' }), str(3, ''), str(4, 'ClusterIP'), str(7, ''), int(13, false))),
      sub(3, msg(sub(1, Buffer.alloc(0)))),
    );
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'Service', raw)), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', creationTimestamp: null },
      spec: {
        ports: [
          { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 },
          { name: 'https', protocol: 'TCP', port: 443, targetPort: 'https' },
        ],
        selector: { app: 's' },
        type: 'ClusterIP',
      },
      status: { loadBalancer: {} },
    });
  });

  it('decodes Jobs, CronJobs and ResourceQuotas', () => {
    const podTemplate = sub(6, msg(sub(1, meta('')), sub(2, msg(sub(2, msg(str(1, 'j'), str(2, 'busybox'))), str(3, 'Never')))));
    const job = msg(
      sub(1, meta('j')),
      sub(2, msg(int(1, 2), int(2, 4), int(7, 0), podTemplate, int(8, 100), str(9, 'Indexed'), int(10, true))),
      sub(3, msg(int(4, 1), str(7, ''), sub(8, msg(str(1, 'uid-1'))), int(9, 0))),
    );
    assert.deepEqual(decodeProtobufObject(envelope('batch/v1', 'Job', job)), {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j', creationTimestamp: null },
      spec: {
        parallelism: 2,
        completions: 4,
        backoffLimit: 0,
        template: { metadata: { creationTimestamp: null }, spec: { containers: [{ name: 'j', image: 'busybox' }], restartPolicy: 'Never' } },
        ttlSecondsAfterFinished: 100,
        completionMode: 'Indexed',
        suspend: true,
      },
      status: { active: 1, uncountedTerminatedPods: { succeeded: ['uid-1'] }, ready: 0 },
    });
    const cron = msg(
      sub(1, meta('cj')),
      sub(2, msg(str(1, '@hourly'), str(8, 'Etc/UTC'), str(3, 'Forbid'), int(4, false), sub(5, msg(sub(1, meta('cj')), sub(2, msg(podTemplate)))), int(6, 0))),
      sub(3, msg(sub(4, time(T1)))),
    );
    assert.deepEqual(decodeProtobufObject(envelope('batch/v1', 'CronJob', cron)), {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'cj', creationTimestamp: null },
      spec: {
        schedule: '@hourly',
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        suspend: false,
        jobTemplate: {
          metadata: { name: 'cj', creationTimestamp: null },
          spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [{ name: 'j', image: 'busybox' }], restartPolicy: 'Never' } } },
        },
        successfulJobsHistoryLimit: 0,
      },
      status: { lastScheduleTime: '2023-11-14T22:13:20Z' },
    });
    const quota = msg(
      sub(1, meta('q')),
      sub(2, msg(entry(1, 'pods', quantity('2')), entry(1, 'requests.cpu', Buffer.alloc(0)), str(2, 'NotTerminating'), sub(3, msg(sub(1, msg(str(1, 'PriorityClass'), str(2, 'In'), str(3, 'high'))))))),
    );
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'ResourceQuota', quota)), {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'q', creationTimestamp: null },
      spec: {
        hard: { pods: '2', 'requests.cpu': '0' },
        scopes: ['NotTerminating'],
        scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] },
      },
    });
  });

  it('decodes the objects controllers write: Lease, EndpointSlice, events.k8s.io Event', () => {
    const lease = msg(sub(1, meta('l')), sub(2, msg(str(1, 'node-a'), int(2, 15), sub(3, time(T1, 1000)), sub(4, time(T1 + 5, 250_000_000)), int(5, 0))));
    assert.deepEqual(decodeProtobufObject(envelope('coordination.k8s.io/v1', 'Lease', lease)), {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'l', creationTimestamp: null },
      spec: {
        holderIdentity: 'node-a',
        leaseDurationSeconds: 15,
        acquireTime: '2023-11-14T22:13:20.000001Z',
        renewTime: '2023-11-14T22:13:25.250000Z',
        leaseTransitions: 0,
      },
    });
    const slice = msg(
      sub(1, meta('s-abc')),
      str(4, 'IPv4'),
      sub(2, msg(str(1, '10.0.0.1'), sub(2, msg(int(1, true), int(2, true), int(3, false))), sub(4, msg(str(1, 'Pod'), str(3, 'p'))), str(6, 'n1'))),
      sub(3, msg(str(1, 'http'), str(2, 'TCP'), int(3, 8080))),
    );
    assert.deepEqual(decodeProtobufObject(envelope('discovery.k8s.io/v1', 'EndpointSlice', slice)), {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 's-abc', creationTimestamp: null },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', name: 'p' }, nodeName: 'n1' }],
      ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
    });
    const ev = msg(sub(1, meta('e')), sub(2, time(T1, 7000)), str(4, 'kubelet'), str(5, 'n1'), str(6, 'Pull'), str(7, 'Pulled'), sub(8, msg(str(1, 'Pod'), str(3, 'p'))), str(10, 'done'), str(11, 'Normal'), sub(12, Buffer.alloc(0)), sub(13, Buffer.alloc(0)), int(15, 0));
    assert.deepEqual(decodeProtobufObject(envelope('events.k8s.io/v1', 'Event', ev)), {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e', creationTimestamp: null },
      eventTime: '2023-11-14T22:13:20.000007Z',
      reportingController: 'kubelet',
      reportingInstance: 'n1',
      action: 'Pull',
      reason: 'Pulled',
      regarding: { kind: 'Pod', name: 'p' },
      note: 'done',
      type: 'Normal',
      deprecatedSource: {},
      deprecatedFirstTimestamp: null,
    });
  });

  it('follows protobuf merge rules: last scalar wins, repeated message occurrences merge', () => {
    const raw = msg(sub(1, msg(str(1, 'first'))), sub(1, msg(str(1, 'second'), str(3, 'ns'))), entry(2, 'k', 'v1'), entry(2, 'k', 'v2'));
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'ConfigMap', raw)), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'second', namespace: 'ns' },
      data: { k: 'v2' },
    });
  });

  it('reads packed and unpacked repeated ints, and negative int32/int64', () => {
    const rule = (values: Buffer) => sub(25, msg(str(1, 'Restart'), sub(2, msg(str(1, 'In'), values))));
    const raw = msg(
      sub(1, meta('p')),
      sub(
        2,
        msg(
          sub(2, msg(str(1, 'c'), rule(packed(2, [1, 42])), rule(msg(int(2, 3), int(2, -7))))),
          sub(14, msg(int(2, -1), int(4, 1), int(4, 2))),
          int(25, -5),
        ),
      ),
    );
    const pod = decodeProtobufObject(envelope('v1', 'Pod', raw)) as { spec: Record<string, unknown> };
    assert.deepEqual(pod.spec, {
      containers: [
        {
          name: 'c',
          restartPolicyRules: [
            { action: 'Restart', exitCodes: { operator: 'In', values: [1, 42] } },
            { action: 'Restart', exitCodes: { operator: 'In', values: [3, -7] } },
          ],
        },
      ],
      securityContext: { runAsUser: -1, supplementalGroups: [1, 2] },
      priority: -5,
    });
  });

  it('collects unknown field numbers with their path and still decodes the rest', () => {
    const raw = msg(sub(1, msg(str(1, 'c'), str(16, 'legacy'))), entries(2, { a: 'b' }), int(42, 7), sub(43, msg(str(1, 'x'))));
    const got = decodeProtobufObjectDetailed(envelope('v1', 'ConfigMap', raw));
    assert.deepEqual(got.object, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } });
    assert.deepEqual([...got.unknownFields].sort(), ['<root>#42', '<root>#43', 'metadata#16']);
  });

  it('accepts DeleteOptions under any group version', () => {
    const raw = msg(int(1, 0), sub(2, msg(str(1, 'uid-1'))), str(4, 'Foreground'), str(5, 'All'));
    for (const gv of ['v1', 'meta.k8s.io/v1', 'apps/v1']) {
      assert.deepEqual(decodeProtobufObject(envelope(gv, 'DeleteOptions', raw)), {
        apiVersion: gv,
        kind: 'DeleteOptions',
        gracePeriodSeconds: 0,
        preconditions: { uid: 'uid-1' },
        propagationPolicy: 'Foreground',
        dryRun: ['All'],
      });
    }
  });

  it('passes through a JSON payload carried in the envelope', () => {
    const body = envelope('v1', 'ConfigMap', Buffer.from('{"metadata":{"name":"j"},"data":{"a":"b"}}'), 'application/json');
    assert.deepEqual(decodeProtobufObject(body), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'j' }, data: { a: 'b' } });
  });

  it('rejects malformed bodies with a descriptive error', () => {
    const bad = (body: Buffer, re: RegExp) =>
      assert.throws(() => decodeProtobufObject(body), (e: unknown) => e instanceof ProtobufDecodeError && e.reason === 'malformed' && re.test(e.message));
    bad(Buffer.from('{"kind":"ConfigMap"}'), /magic prefix/);
    bad(Buffer.from('k8s\0', 'binary'), /no kind/);
    const good = envelope('v1', 'ConfigMap', msg(sub(1, meta('c'))));
    bad(good.subarray(0, good.length - 6), /malformed protobuf/);
    bad(envelope('v1', 'ConfigMap', msg(int(1, 5))), /expected a length-delimited field/);
    bad(envelope('v1', 'ConfigMap', msg(sub(1, msg(int(1, 3))))), /expected a length-delimited field/);
    bad(Buffer.concat([Buffer.from('k8s\0', 'binary'), msg(sub(1, msg(str(1, 'v1'), str(2, 'ConfigMap'))), ld(2, Buffer.alloc(0)), str(3, 'gzip'))]), /content encoding/);
    bad(envelope('v1', 'ConfigMap', Buffer.from('x'), 'application/cbor'), /content type/);
  });

  it('maps errors to API statuses: 415 for kinds without a schema, 400 for bad bytes', () => {
    const unknownKind = Buffer.from(fixtures.vectors.role!.hex.replace('1204526f6c65', '12044e6f7065'), 'hex');
    assert.throws(
      () => decodeProtobufRequestBody(unknownKind),
      (e: unknown) =>
        e instanceof StatusError &&
        e.code === 415 &&
        e.reason === 'UnsupportedMediaType' &&
        e.message.includes('application/json, application/yaml, application/vnd.kubernetes.protobuf'),
    );
    assert.throws(() => decodeProtobufRequestBody(Buffer.from('nope')), (e: unknown) => e instanceof StatusError && e.code === 400);
    assert.throws(() => decodeProtobufRequestBody(Buffer.alloc(0)), (e: unknown) => e instanceof StatusError && e.code === 400);
  });

  it('drops unknown fields by default, warns about them, and rejects them when strict', () => {
    const body = envelope('v1', 'ConfigMap', msg(sub(1, msg(str(1, 'c'))), int(42, 7)));
    const warnings: string[] = [];
    assert.deepEqual(decodeProtobufRequestBody(body, { warn: (m) => warnings.push(m) }), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    assert.deepEqual(warnings, ['unknown field "<root>#42"']);
    assert.throws(
      () => decodeProtobufRequestBody(body, { strict: true }),
      (e: unknown) => e instanceof StatusError && e.code === 400 && /unknown field "<root>#42"/.test(e.message),
    );
  });

  it('has a consistent schema table', () => {
    assert.ok(Object.keys(MESSAGES).length > 150);
    for (const k of ['v1/ConfigMap', 'v1/Secret', 'v1/Namespace', 'v1/ServiceAccount', 'v1/ResourceQuota', 'v1/Service', 'v1/Pod', 'apps/v1/Deployment', 'batch/v1/Job', 'batch/v1/CronJob']) {
      assert.ok(supportedKinds().includes(k), k);
    }
  });
});
