// The environment a container gets, resolved as the kubelet resolves it and shown at the start of its
// synthetic log: env values with $(VAR) expansion, ConfigMap/Secret keys, the downward API (fields and
// resources), envFrom with prefixes, the service variables, and command/args expansion.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { expand } from '../../src/kubelet/env.ts';
import { containerLogs, pod, startNodesCluster, waitFor, type NodesCluster } from './cluster.ts';

let c: NodesCluster;

before(async () => {
  c = await startNodesCluster({ nodes: ['node-1'] });
  await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'env-cfg' }, data: { color: 'blue', size: 'L', multi: 'a\nb' } } });
  await c.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'env-sec' }, stringData: { password: 's3cret' } } });
  await c.core.createNamespacedService({
    namespace: NS,
    body: { metadata: { name: 'my-svc' }, spec: { ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090, protocol: 'UDP' }] } },
  });
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 30_000 };
const NS = 'default';

async function startLog(name: string, container = 'app'): Promise<{ pod: V1Pod; lines: string[] }> {
  const p = await waitFor(`${name} running`, async () => {
    const x = await c.core.readNamespacedPod({ name, namespace: NS });
    return x.status?.containerStatuses?.find((s) => s.name === container)?.state?.running ? x : undefined;
  });
  const r = await containerLogs(c.core, NS, name, container);
  assert.equal(r.status, 200, r.body);
  return { pod: p, lines: r.body.split('\n').slice(0, -1) };
}

/** The variables of the log's environment block, in order. */
function environment(lines: string[]): [string, string][] {
  const start = lines.findIndex((l) => l.startsWith('environment ('));
  const count = Number(/\((\d+) variables\)/.exec(lines[start]!)![1]);
  return lines.slice(start + 1, start + 1 + count).map((l) => {
    const eq = l.indexOf('=');
    return [l.slice(0, eq), l.slice(eq + 1)];
  });
}

describe('$(VAR) expansion', () => {
  it('expands known names, keeps unknown ones, unescapes $$', () => {
    const vars: Record<string, string> = { A: 'x', B: 'y' };
    const f = (n: string) => vars[n];
    assert.equal(expand('$(A)-$(B)', f), 'x-y');
    assert.equal(expand('$(C)', f), '$(C)');
    assert.equal(expand('$$(A)', f), '$(A)');
    assert.equal(expand('$$$(A)', f), '$x');
    assert.equal(expand('a$b', f), 'a$b');
    assert.equal(expand('$(A', f), '$(A');
    assert.equal(expand('tail$', f), 'tail$');
    assert.equal(expand('$()', f), '$()');
    assert.equal(expand('', f), '');
  });
});

describe('container environment', () => {
  it('resolves every env source and shows it at the start of the log', T, async () => {
    await c.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'env-all', labels: { app: 'shop' }, annotations: { note: 'hi there' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'busybox:1.36',
              command: ['/bin/app', '--pod=$(POD_NAME)'],
              args: ['$(PLAIN)', '$$HOME', '$(MY_SVC_SERVICE_PORT)'],
              resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m', memory: '32Mi' } },
              envFrom: [
                { configMapRef: { name: 'env-cfg' }, prefix: 'CM_' },
                { secretRef: { name: 'env-sec' } },
                { configMapRef: { name: 'env-nope', optional: true } },
              ],
              env: [
                { name: 'PLAIN', value: 'hello' },
                { name: 'EXPANDED', value: '$(PLAIN)-world' },
                { name: 'ESCAPED', value: '$$(PLAIN)' },
                { name: 'UNKNOWN', value: '$(NOPE)' },
                { name: 'FROM_SVC', value: 'https://$(KUBERNETES_SERVICE_HOST):$(KUBERNETES_SERVICE_PORT)' },
                { name: 'EMPTY', value: '' },
                { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'env-cfg', key: 'color' } } },
                { name: 'MULTI', valueFrom: { configMapKeyRef: { name: 'env-cfg', key: 'multi' } } },
                { name: 'OPT_KEY', valueFrom: { configMapKeyRef: { name: 'env-cfg', key: 'nope', optional: true } } },
                { name: 'OPT_CM', valueFrom: { configMapKeyRef: { name: 'env-nope', key: 'x', optional: true } } },
                { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'env-sec', key: 'password' } } },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'POD_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
                { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
                { name: 'NOTE', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['note']" } } },
                { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
                { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
                { name: 'HOST_IPS', valueFrom: { fieldRef: { fieldPath: 'status.hostIPs' } } },
                { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
                { name: 'POD_IPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } },
                { name: 'CPU_LIMIT_M', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
                { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
                { name: 'CPU_REQUEST_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
                { name: 'MEM_LIMIT_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
                { name: 'MEM_REQUEST', valueFrom: { resourceFieldRef: { containerName: 'app', resource: 'requests.memory' } } },
                { name: 'DISK_LIMIT_GI', valueFrom: { resourceFieldRef: { resource: 'limits.ephemeral-storage', divisor: '1Gi' } } },
                { name: 'CM_color', value: 'overridden' },
              ],
            },
          ],
        },
      },
    });
    const { pod: p, lines } = await startLog('env-all');
    const node = await c.core.readNode({ name: p.spec!.nodeName! });
    const hostIP = node.status!.addresses!.find((a) => a.type === 'InternalIP')!.address;
    const svc = await c.core.readNamespacedService({ name: 'my-svc', namespace: NS });
    const ip = svc.spec!.clusterIP!;
    const env = environment(lines);
    const vars = new Map(env);

    assert.equal(lines[0], 'started app: image docker.io/library/busybox:1.36, restartCount 0');
    assert.equal(lines[1], `command: ["/bin/app","--pod=env-all"]`);
    assert.equal(lines[2], `args: ["hello","$HOME","8080"]`);

    // envFrom first (in order, with the prefix; a later env of the same name keeps the first position).
    assert.deepEqual(
      env.slice(0, 4),
      [
        ['CM_color', 'overridden'],
        ['CM_multi', '"a\\nb"'],
        ['CM_size', 'L'],
        ['password', 's3cret'],
      ],
    );
    const expected: Record<string, string> = {
      PLAIN: 'hello',
      EXPANDED: 'hello-world',
      ESCAPED: '$(PLAIN)',
      UNKNOWN: '$(NOPE)',
      FROM_SVC: 'https://10.96.0.1:443',
      EMPTY: '',
      COLOR: 'blue',
      MULTI: '"a\\nb"',
      PASSWORD: 's3cret',
      POD_NAME: 'env-all',
      POD_NS: NS,
      POD_UID: p.metadata!.uid!,
      APP: 'shop',
      NOTE: 'hi there',
      NODE: p.spec!.nodeName!,
      SA: 'default',
      HOST_IP: hostIP,
      HOST_IPS: hostIP,
      POD_IP: p.status!.podIP!,
      POD_IPS: p.status!.podIP!,
      CPU_LIMIT_M: '500',
      CPU_LIMIT: '1',
      CPU_REQUEST_M: '250',
      MEM_LIMIT_MI: '64',
      MEM_REQUEST: String(32 * 1024 * 1024),
      // Unset limits are node allocatable: 100Gi of ephemeral storage less the 10% eviction threshold.
      DISK_LIMIT_GI: '90',
    };
    for (const [k, v] of Object.entries(expected)) assert.equal(vars.get(k), v, k);
    assert.ok(!vars.has('OPT_KEY') && !vars.has('OPT_CM'), 'optional references that do not resolve are left out');
    // env follows envFrom, in declared order.
    const declared = env.map(([k]) => k).filter((k) => k in expected);
    assert.deepEqual(declared, Object.keys(expected));

    // Then the service variables: the master service and, with service links, those of the namespace.
    const service: Record<string, string> = {
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_443_TCP_PORT: '443',
      KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
      MY_SVC_SERVICE_HOST: ip,
      MY_SVC_SERVICE_PORT: '8080',
      MY_SVC_SERVICE_PORT_HTTP: '8080',
      MY_SVC_SERVICE_PORT_METRICS: '9090',
      MY_SVC_PORT: `tcp://${ip}:8080`,
      MY_SVC_PORT_8080_TCP: `tcp://${ip}:8080`,
      MY_SVC_PORT_8080_TCP_PROTO: 'tcp',
      MY_SVC_PORT_8080_TCP_PORT: '8080',
      MY_SVC_PORT_8080_TCP_ADDR: ip,
      MY_SVC_PORT_9090_UDP: `udp://${ip}:9090`,
      MY_SVC_PORT_9090_UDP_PROTO: 'udp',
      MY_SVC_PORT_9090_UDP_PORT: '9090',
      MY_SVC_PORT_9090_UDP_ADDR: ip,
    };
    for (const [k, v] of Object.entries(service)) assert.equal(vars.get(k), v, k);
    const tail = env.slice(-Object.keys(service).length).map(([k]) => k);
    assert.deepEqual(tail, [...Object.keys(service)].sort(), 'service variables come last, sorted');
  });

  it('enableServiceLinks: false keeps only the master service variables', T, async () => {
    await c.core.createNamespacedPod({ namespace: NS, body: pod('env-nolinks', { enableServiceLinks: false }) });
    const names = environment((await startLog('env-nolinks')).lines).map(([k]) => k);
    assert.ok(names.includes('KUBERNETES_SERVICE_HOST'));
    assert.ok(!names.some((n) => n.startsWith('MY_SVC_')), names.join(' '));
  });
});
