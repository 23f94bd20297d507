// ConfigMaps and Secrets a pod refers to, checked as a kubelet checks them: a missing volume source keeps
// the pod in ContainerCreating with FailedMount events until it appears; a missing env source makes the
// container CreateContainerConfigError with a Failed event until it resolves.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { pod, startNodesCluster, waitFor, type NodesCluster } from './cluster.ts';

let c: NodesCluster;

before(async () => {
  c = await startNodesCluster({ nodes: ['node-1'] });
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 30_000 };
const NS = 'default';

async function podWhen(name: string, what: string, pred: (p: V1Pod) => boolean): Promise<V1Pod> {
  return waitFor(`${name}: ${what}`, async () => {
    const p = await c.core.readNamespacedPod({ name, namespace: NS });
    return pred(p) ? p : undefined;
  });
}

async function eventWhen(name: string, reason: string, message: string): Promise<CoreV1Event> {
  return waitFor(`${name}: ${reason} "${message}"`, async () => {
    const list = await c.core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name}` });
    return list.items.find((e) => e.reason === reason && e.message === message);
  });
}

const running = (p: V1Pod) => p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.state?.running !== undefined;
const waiting = (p: V1Pod) => p.status?.containerStatuses?.[0]?.state?.waiting;

function withVolume(name: string, volume: NonNullable<V1Pod['spec']>['volumes']): V1Pod {
  return pod(name, {
    containers: [{ name: 'app', image: 'nginx:1.27', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    volumes: volume,
  });
}

describe('volume references', () => {
  it('a missing ConfigMap volume: ContainerCreating with FailedMount, then it starts once the ConfigMap exists', T, async () => {
    await c.core.createNamespacedPod({ namespace: NS, body: withVolume('vol-cm', [{ name: 'data', configMap: { name: 'late-cfg' } }]) });
    const ev = await eventWhen('vol-cm', 'FailedMount', 'MountVolume.SetUp failed for volume "data" : configmap "late-cfg" not found');
    assert.equal(ev.type, 'Warning');
    assert.deepEqual({ ...ev.source }, { component: 'kubelet', host: 'node-1' });
    assert.equal(ev.involvedObject.fieldPath, undefined);
    // Retried with back-off: the same event counted again.
    await waitFor('the FailedMount event repeated', async () => {
      const list = await c.core.listNamespacedEvent({ namespace: NS, fieldSelector: 'involvedObject.name=vol-cm' });
      return (list.items.find((e) => e.reason === 'FailedMount')?.count ?? 0) >= 2;
    });
    const p = await c.core.readNamespacedPod({ name: 'vol-cm', namespace: NS });
    assert.equal(p.status!.phase, 'Pending');
    assert.equal(waiting(p)?.reason, 'ContainerCreating');
    assert.equal(p.status!.podIP, undefined, 'no sandbox before the volumes are set up');
    assert.equal(p.status!.conditions!.find((x) => x.type === 'PodReadyToStartContainers')!.status, 'False');

    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'late-cfg' }, data: { a: 'b' } } });
    await podWhen('vol-cm', 'Running', running);
  });

  it('Secret and projected volumes, missing keys, and optional sources', T, async () => {
    await c.core.createNamespacedPod({ namespace: NS, body: withVolume('vol-secret', [{ name: 'data', secret: { secretName: 'late-secret' } }]) });
    await eventWhen('vol-secret', 'FailedMount', 'MountVolume.SetUp failed for volume "data" : secret "late-secret" not found');

    await c.core.createNamespacedPod({
      namespace: NS,
      body: withVolume('vol-projected', [
        { name: 'data', projected: { sources: [{ configMap: { name: 'proj-cfg' } }, { secret: { name: 'proj-secret' } }, { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } }] } },
      ]),
    });
    await eventWhen('vol-projected', 'FailedMount', 'MountVolume.SetUp failed for volume "data" : [configmap "proj-cfg" not found, secret "proj-secret" not found]');

    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'keyed-cfg' }, data: { present: 'yes' } } });
    await c.core.createNamespacedPod({
      namespace: NS,
      body: withVolume('vol-key', [{ name: 'data', configMap: { name: 'keyed-cfg', items: [{ key: 'absent', path: 'f' }] } }]),
    });
    await eventWhen('vol-key', 'FailedMount', 'MountVolume.SetUp failed for volume "data" : configmap references non-existent config key: absent');

    await c.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'keyed-secret' }, stringData: { present: 'yes' } } });
    await c.core.createNamespacedPod({
      namespace: NS,
      body: withVolume('vol-secret-key', [{ name: 'data', secret: { secretName: 'keyed-secret', items: [{ key: 'absent', path: 'f' }] } }]),
    });
    await eventWhen('vol-secret-key', 'FailedMount', 'MountVolume.SetUp failed for volume "data" : references non-existent secret key: absent');

    // Optional sources and volumes no container mounts do not hold the pod back.
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod('vol-optional', {
        containers: [{ name: 'app', image: 'nginx:1.27', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
        volumes: [
          { name: 'data', configMap: { name: 'nope', optional: true } },
          { name: 'unused', secret: { secretName: 'nope' } },
        ],
      }),
    });
    await podWhen('vol-optional', 'Running', running);

    // The projected volume starts once both sources exist.
    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'proj-cfg' }, data: { a: 'b' } } });
    await c.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'proj-secret' }, stringData: { a: 'b' } } });
    await podWhen('vol-projected', 'Running', running);
  });
});

describe('env references', () => {
  it('CreateContainerConfigError until the ConfigMap and its key exist', T, async () => {
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod('env-missing', { containers: [{ name: 'app', image: 'nginx:1.27', env: [{ name: 'K', valueFrom: { configMapKeyRef: { name: 'env-cfg2', key: 'k' } } }] }] }),
    });
    let p = await podWhen('env-missing', 'CreateContainerConfigError', (x) => waiting(x)?.reason === 'CreateContainerConfigError');
    assert.equal(waiting(p)!.message, 'configmap "env-cfg2" not found');
    assert.equal(p.status!.phase, 'Pending');
    assert.equal(p.status!.containerStatuses![0]!.restartCount, 0);
    assert.ok(p.status!.podIP, 'the sandbox exists; only the container cannot be created');
    const failed = await eventWhen('env-missing', 'Failed', 'Error: configmap "env-cfg2" not found');
    assert.equal(failed.type, 'Warning');
    assert.equal(failed.involvedObject.fieldPath, 'spec.containers{app}');

    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'env-cfg2' }, data: { other: 'x' } } });
    p = await podWhen('env-missing', 'missing key', (x) => waiting(x)?.message === "couldn't find key k in ConfigMap default/env-cfg2");
    assert.equal(waiting(p)!.reason, 'CreateContainerConfigError');
    await eventWhen('env-missing', 'Failed', "Error: couldn't find key k in ConfigMap default/env-cfg2");

    await c.core.patchNamespacedConfigMap(
      { name: 'env-cfg2', namespace: NS, body: [{ op: 'add', path: '/data/k', value: 'v' }] },
    );
    await podWhen('env-missing', 'Running', running);
  });

  it('a missing Secret (envFrom or key) blocks only its own container', T, async () => {
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod('env-secret', {
        containers: [
          { name: 'app', image: 'nginx:1.27', envFrom: [{ secretRef: { name: 'env-sec2' } }] },
          { name: 'other', image: 'nginx:1.27' },
          { name: 'keyed', image: 'nginx:1.27', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'env-sec3', key: 'p' } } }] },
        ],
      }),
    });
    await c.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'env-sec3' }, stringData: { q: 'x' } } });
    const p = await podWhen('env-secret', 'the others running', (x) => {
      const s = Object.fromEntries((x.status?.containerStatuses ?? []).map((cs) => [cs.name, cs]));
      return s.app?.state?.waiting?.reason === 'CreateContainerConfigError' && s.other?.state?.running !== undefined && s.keyed?.state?.waiting?.reason === 'CreateContainerConfigError';
    });
    const s = Object.fromEntries(p.status!.containerStatuses!.map((cs) => [cs.name, cs]));
    assert.equal(s.app!.state!.waiting!.message, 'secret "env-sec2" not found');
    assert.equal(s.keyed!.state!.waiting!.message, "couldn't find key p in Secret default/env-sec3");
    assert.equal(p.status!.phase, 'Pending');

    await c.core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'env-sec2' }, stringData: { a: 'b' } } });
    await c.core.replaceNamespacedSecret({ name: 'env-sec3', namespace: NS, body: { metadata: { name: 'env-sec3' }, stringData: { p: 'y' } } });
    await podWhen('env-secret', 'Running', (x) => x.status?.phase === 'Running' && (x.status.containerStatuses ?? []).every((cs) => cs.state?.running));
  });
});
