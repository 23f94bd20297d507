// Times managed-fields bookkeeping per write for a typical ReplicaSet pod, with the real Pod schema:
// the create the controller does and a status update by the node agent.
// Run: node --import tsx test/managedfields/bench-managed-fields.ts
import { CATALOG } from '../../src/api/catalog.ts';
import { schemaForKind } from '../../src/api/schema/index.ts';
import type { KObject } from '../../src/api/types.ts';
import { fieldsScope, trackUpdate } from '../../src/managedfields/field-manager.ts';

const decl = CATALOG.find((d) => d.group === '' && d.kind === 'Pod')!;
const schema = schemaForKind('', 'v1', 'Pod');
const main = fieldsScope(decl, schema);
const status = fieldsScope(decl, schema, 'status');

const pod: KObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d4b9c-x2x9z',
    namespace: 'default',
    labels: { app: 'web', 'pod-template-hash': '7d4b9c' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c', uid: 'u', controller: true, blockOwnerDeletion: true }],
  },
  spec: {
    containers: [
      {
        name: 'nginx',
        image: 'nginx:1.27',
        imagePullPolicy: 'IfNotPresent',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        resources: { requests: { cpu: '100m', memory: '64Mi' } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        volumeMounts: [{ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      },
    ],
    dnsPolicy: 'ClusterFirst',
    enableServiceLinks: true,
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    serviceAccountName: 'default',
    terminationGracePeriodSeconds: 30,
    tolerations: [{ effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 }],
    volumes: [{ name: 'kube-api-access', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }] } }],
  },
  status: { phase: 'Pending', qosClass: 'Burstable' },
};

const N = 5000;
function perOp(fn: (i: number) => void): number {
  for (let i = 0; i < 500; i++) fn(i);
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  return Number(process.hrtime.bigint() - t) / 1000 / N;
}

const clone = perOp(() => structuredClone(pod));
let created = pod;
const create = perOp(() => {
  created = structuredClone(pod);
  trackUpdate(main, undefined, created, 'kube-controller-manager');
});
created.metadata.uid = 'uid';
const update = perOp((i) => {
  const next = structuredClone(created);
  (next.status as { podIP?: string }).podIP = `10.0.0.${i % 200}`;
  trackUpdate(status, created, next, 'kubelet');
});
console.log(`managed fields per write (object clone of ${clone.toFixed(1)} µs excluded):`);
console.log(`  create by the ReplicaSet controller: ${(create - clone).toFixed(1)} µs`);
console.log(`  status update by the node agent:     ${(update - clone).toFixed(1)} µs`);
