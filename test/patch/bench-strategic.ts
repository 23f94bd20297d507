// Times strategic merge patch on a 100-container pod with the real Pod schema.
// Run: node --import tsx test/patch/bench-strategic.ts
import { applyStrategicMergePatch } from '../../src/patch/strategic.ts';
import { swaggerResolver } from './swagger-schema.ts';

const podSchema = swaggerResolver()('io.k8s.api.core.v1.Pod');
const names = Array.from({ length: 100 }, (_, i) => `c${i}`);

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'big', namespace: 'default', labels: { app: 'big' }, finalizers: ['example.com/f'] },
  spec: {
    containers: names.map((name) => ({
      name,
      image: `registry.example.com/${name}:1.0`,
      env: Array.from({ length: 10 }, (_, i) => ({ name: `VAR_${i}`, value: String(i) })),
      ports: [{ containerPort: 8080, protocol: 'TCP' }],
      volumeMounts: [{ name: 'data', mountPath: '/data' }],
      resources: { limits: { cpu: '100m', memory: '64Mi' }, requests: { cpu: '50m', memory: '32Mi' } },
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    })),
    volumes: [{ name: 'data', emptyDir: {} }],
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
  },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
};

const patches: Record<string, unknown> = {
  'kubectl apply (image + env var removed)': {
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    spec: {
      '$setElementOrder/containers': names.map((name) => ({ name })),
      containers: [
        {
          name: 'c57',
          image: 'registry.example.com/c57:1.1',
          '$setElementOrder/env': Array.from({ length: 9 }, (_, i) => ({ name: `VAR_${i}` })),
          env: [{ $patch: 'delete', name: 'VAR_9' }],
        },
      ],
    },
  },
  'kubectl set image (one container)': {
    spec: { '$setElementOrder/containers': names.map((name) => ({ name })), containers: [{ name: 'c3', image: 'x:2' }] },
  },
  'label change': { metadata: { labels: { tier: 'front', app: null } } },
};

function time(label: string, fn: () => unknown, iterations = 2000): void {
  for (let i = 0; i < 200; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const us = Number(process.hrtime.bigint() - start) / 1000 / iterations;
  console.log(`${label.padEnd(44)} ${us.toFixed(1).padStart(8)} µs/op`);
}

console.log(`pod JSON: ${JSON.stringify(pod).length} bytes, ${names.length} containers`);
for (const [label, patch] of Object.entries(patches)) time(label, () => applyStrategicMergePatch(pod, patch, podSchema));
time('baseline: structuredClone(pod)', () => structuredClone(pod));
time('baseline: JSON.parse(JSON.stringify(pod))', () => JSON.parse(JSON.stringify(pod)));
