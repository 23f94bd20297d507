// The StatefulSet controller against a real API server, scheduler, hollow nodes, PV binder and
// simulated provisioner: ordinal pods with their identity labels, hostname and subdomain; OrderedReady
// creates one at a time after its predecessor is Ready and removes the highest first; Parallel does
// not wait; RollingUpdate replaces pods highest first (a partition stops it), revisions are recorded;
// OnDelete waits; volumeClaimTemplates make per-ordinal claims whose owner references follow
// persistentVolumeClaimRetentionPolicy.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, PatchStrategy, setHeaderOptions, type V1Pod, type V1StatefulSet } from '@kubernetes/client-node';
import { startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;
let apps: AppsV1Api;

before(async () => {
  c = await startNodesCluster({
    nodes: ['node-1', 'node-2'],
    controllers: ['statefulset-controller', 'garbage-collector-controller', 'persistentvolume-binder-controller', 'wheelhouse-simulated-provisioner'],
    controllerTimings: { pvClaimBinderSyncPeriodMs: 500 },
  });
  apps = c.kc.makeApiClient(AppsV1Api);
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 60_000 };
const NS = 'default';
const SMP = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const FAIL_READINESS = 'sim.wheelhouse.io/fail-readiness';

function sts(name: string, replicas: number, spec: Partial<NonNullable<V1StatefulSet['spec']>> = {}, annotations?: Record<string, string>): V1StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name }, annotations }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
      ...spec,
    },
  };
}

const ready = (p: V1Pod | undefined) => !!p && p.status?.phase === 'Running' && (p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false);

async function podsByName(app: string): Promise<Map<string, V1Pod>> {
  const items = (await c.core.listNamespacedPod({ namespace: NS, labelSelector: `app=${app}` })).items;
  return new Map(items.map((p) => [p.metadata!.name!, p]));
}

/** Poll pods every 30 ms while fn runs, checking an invariant on every snapshot. */
async function watching<T>(app: string, check: (pods: Map<string, V1Pod>) => string | undefined, fn: () => Promise<T>): Promise<T> {
  const violations: string[] = [];
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const v = check(await podsByName(app));
      if (v) violations.push(v);
      await new Promise((r) => setTimeout(r, 30));
    }
  })();
  try {
    return await fn();
  } finally {
    stop = true;
    await loop;
    assert.deepEqual(violations.slice(0, 3), []);
  }
}

async function settled(name: string, replicas: number): Promise<V1StatefulSet> {
  return waitFor(
    `${name} settled at ${replicas}`,
    async () => {
      const s = await apps.readNamespacedStatefulSet({ name, namespace: NS });
      const st = s.status;
      const live = [...(await podsByName(name)).values()].filter((p) => !p.metadata?.deletionTimestamp);
      return st?.observedGeneration === s.metadata?.generation &&
        st?.replicas === replicas &&
        st.readyReplicas === replicas &&
        st.availableReplicas === replicas &&
        st.updatedReplicas === replicas &&
        st.currentReplicas === replicas &&
        st.currentRevision === st.updateRevision &&
        live.length === replicas
        ? s
        : false;
    },
    40_000,
  );
}

/** OrderedReady: pod i exists only once pod i-1 is Running and Ready (unless i-1 is on its way out). */
const orderedUp = (name: string, n: number) => (pods: Map<string, V1Pod>) => {
  for (let i = 1; i < n; i++) {
    const p = pods.get(`${name}-${i}`);
    const prev = pods.get(`${name}-${i - 1}`);
    if (p && !p.metadata?.deletionTimestamp && !ready(prev)) return `${name}-${i} exists while ${name}-${i - 1} is not ready`;
  }
  return undefined;
};

describe('StatefulSet controller', () => {
  it('creates ordinal pods one at a time with their identity, and scales down highest first', T, async () => {
    const created = await apps.createNamespacedStatefulSet({ namespace: NS, body: sts('web', 3) });
    const s = await watching('web', orderedUp('web', 3), () => settled('web', 3));
    assert.match(s.status!.currentRevision!, /^web-[a-z0-9]+$/);
    assert.equal(s.status?.collisionCount, 0);
    const revs = (await apps.listNamespacedControllerRevision({ namespace: NS, labelSelector: 'app=web' })).items;
    assert.deepEqual(revs.map((r) => [r.metadata?.name, Number(r.revision)]), [[s.status!.currentRevision, 1]]);
    const pods = await podsByName('web');
    assert.deepEqual([...pods.keys()].sort(), ['web-0', 'web-1', 'web-2']);
    for (const [name, p] of pods) {
      const i = name.slice(4);
      assert.equal(p.metadata?.labels?.['statefulset.kubernetes.io/pod-name'], name);
      assert.equal(p.metadata?.labels?.['apps.kubernetes.io/pod-index'], i);
      assert.equal(p.metadata?.labels?.['controller-revision-hash'], s.status?.currentRevision);
      assert.equal(p.spec?.hostname, name);
      assert.equal(p.spec?.subdomain, 'web');
      assert.deepEqual(p.metadata?.ownerReferences?.map((r) => [r.kind, r.name, r.uid, r.controller]), [['StatefulSet', 'web', created.metadata?.uid, true]]);
    }
    const evs = (await c.core.listNamespacedEvent({ namespace: NS, fieldSelector: 'involvedObject.name=web' })).items;
    assert.ok(evs.some((e) => e.reason === 'SuccessfulCreate' && e.message === 'create Pod web-0 in StatefulSet web successful'), JSON.stringify(evs.map((e) => e.message)));

    // Scale down: web-2 goes before web-1 is touched.
    await apps.patchNamespacedStatefulSet({ name: 'web', namespace: NS, body: { spec: { replicas: 1 } } }, SMP);
    await watching(
      'web',
      (pods) => (pods.has('web-2') && pods.get('web-1')?.metadata?.deletionTimestamp ? 'web-1 terminating while web-2 still exists' : undefined),
      () => settled('web', 1),
    );
    assert.deepEqual([...(await podsByName('web')).keys()], ['web-0']);
  });

  it('rolls pods to a new revision highest ordinal first, honouring the partition', T, async () => {
    await apps.patchNamespacedStatefulSet({ name: 'web', namespace: NS, body: { spec: { replicas: 3 } } }, SMP);
    const before = await settled('web', 3);
    const oldRev = before.status!.currentRevision!;
    await apps.patchNamespacedStatefulSet(
      { name: 'web', namespace: NS, body: { spec: { updateStrategy: { rollingUpdate: { partition: 2 } }, template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } } } },
      SMP,
    );
    const part = await waitFor('partitioned update of web-2', async () => {
      const s = await apps.readNamespacedStatefulSet({ name: 'web', namespace: NS });
      return s.status?.observedGeneration === s.metadata?.generation && s.status?.updatedReplicas === 1 && s.status.readyReplicas === 3 ? s : false;
    });
    const newRev = part.status!.updateRevision!;
    assert.notEqual(newRev, oldRev);
    assert.equal(part.status?.currentRevision, oldRev);
    assert.equal(part.status?.currentReplicas, 2);
    let pods = await podsByName('web');
    assert.equal(pods.get('web-2')?.metadata?.labels?.['controller-revision-hash'], newRev);
    assert.equal(pods.get('web-2')?.spec?.containers[0]?.image, 'nginx:1.28');
    assert.equal(pods.get('web-1')?.metadata?.labels?.['controller-revision-hash'], oldRev);
    // Partition 0: web-1 then web-0, never both down at once.
    await apps.patchNamespacedStatefulSet({ name: 'web', namespace: NS, body: { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } } }, SMP);
    const done = await watching(
      'web',
      (p) => {
        const down = ['web-0', 'web-1', 'web-2'].filter((n) => !ready(p.get(n)) || p.get(n)?.metadata?.deletionTimestamp);
        if (down.length > 1) return `${down.join(',')} down together`;
        if (p.get('web-0')?.metadata?.labels?.['controller-revision-hash'] === newRev && p.get('web-1')?.metadata?.labels?.['controller-revision-hash'] !== newRev)
          return 'web-0 updated before web-1';
        return undefined;
      },
      () => settled('web', 3),
    );
    assert.equal(done.status?.currentRevision, newRev);
    pods = await podsByName('web');
    assert.ok([...pods.values()].every((p) => p.spec?.containers[0]?.image === 'nginx:1.28'));
    const revs = (await apps.listNamespacedControllerRevision({ namespace: NS, labelSelector: 'app=web' })).items;
    assert.deepEqual(revs.map((r) => Number(r.revision)).sort(), [1, 2]);
  });

  it('replaces up to maxUnavailable pods at once', T, async () => {
    await apps.createNamespacedStatefulSet({
      namespace: NS,
      body: sts(
        'wide',
        3,
        { podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } },
        { 'sim.wheelhouse.io/ready-after': '1s' },
      ),
    });
    await settled('wide', 3);
    await apps.patchNamespacedStatefulSet({ name: 'wide', namespace: NS, body: { spec: { template: { metadata: { labels: { app: 'wide', v: '2' } } } } } }, SMP);
    let most = 0;
    await watching(
      'wide',
      (pods) => {
        const down = ['wide-0', 'wide-1', 'wide-2'].filter((n) => !ready(pods.get(n)) || pods.get(n)?.metadata?.deletionTimestamp).length;
        most = Math.max(most, down);
        return down > 2 ? `${down} pods down` : undefined;
      },
      () => settled('wide', 3),
    );
    assert.equal(most, 2, 'two pods replaced together');
    assert.ok([...(await podsByName('wide')).values()].every((p) => p.metadata?.labels?.v === '2'));
  });

  it('Parallel creates every pod without waiting for readiness', T, async () => {
    await apps.createNamespacedStatefulSet({ namespace: NS, body: sts('par', 3, { podManagementPolicy: 'Parallel' }, { [FAIL_READINESS]: 'true' }) });
    await waitFor('3 par pods running', async () => {
      const pods = [...(await podsByName('par')).values()];
      return pods.length === 3 && pods.every((p) => p.status?.phase === 'Running');
    });
    const s = await waitFor('par status', async () => {
      const x = await apps.readNamespacedStatefulSet({ name: 'par', namespace: NS });
      return x.status?.replicas === 3 ? x : false;
    });
    assert.equal(s.status?.readyReplicas ?? 0, 0);
    // OrderedReady with the same never-ready pods stops at the first.
    await apps.createNamespacedStatefulSet({ namespace: NS, body: sts('ord', 3, {}, { [FAIL_READINESS]: 'true' }) });
    await waitFor('ord-0 running', async () => (await podsByName('ord')).get('ord-0')?.status?.phase === 'Running');
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual([...(await podsByName('ord')).keys()], ['ord-0']);
  });

  it('numbers pods from spec.ordinals.start', T, async () => {
    await apps.createNamespacedStatefulSet({ namespace: NS, body: sts('from5', 2, { ordinals: { start: 5 } }) });
    await settled('from5', 2);
    const pods = await podsByName('from5');
    assert.deepEqual([...pods.keys()].sort(), ['from5-5', 'from5-6']);
    assert.equal(pods.get('from5-6')?.metadata?.labels?.['apps.kubernetes.io/pod-index'], '6');
    await apps.patchNamespacedStatefulSet({ name: 'from5', namespace: NS, body: { spec: { ordinals: { start: 4 } } } }, SMP);
    await settled('from5', 2);
    assert.deepEqual([...(await podsByName('from5')).keys()].sort(), ['from5-4', 'from5-5']);
  });

  it('OnDelete replaces a pod only when it is deleted', T, async () => {
    await apps.createNamespacedStatefulSet({ namespace: NS, body: sts('man', 2, { updateStrategy: { type: 'OnDelete' } }) });
    const first = await settled('man', 2);
    await apps.patchNamespacedStatefulSet({ name: 'man', namespace: NS, body: { spec: { template: { metadata: { labels: { app: 'man', v: '2' } } } } } }, SMP);
    const s = await waitFor('man observed', async () => {
      const x = await apps.readNamespacedStatefulSet({ name: 'man', namespace: NS });
      return x.status?.observedGeneration === x.metadata?.generation && x.status?.updateRevision !== first.status?.updateRevision ? x : false;
    });
    assert.equal(s.status?.updatedReplicas, 0);
    await new Promise((r) => setTimeout(r, 400));
    assert.ok([...(await podsByName('man')).values()].every((p) => p.metadata?.labels?.v === undefined));
    await c.core.deleteNamespacedPod({ name: 'man-0', namespace: NS, gracePeriodSeconds: 0 });
    await waitFor('man-0 recreated at the update revision', async () => (await podsByName('man')).get('man-0')?.metadata?.labels?.v === '2' && ready((await podsByName('man')).get('man-0')));
    assert.equal((await podsByName('man')).get('man-1')?.metadata?.labels?.v, undefined);
  });

  it('creates a claim per template and ordinal, owned as the retention policy says', T, async () => {
    const created = await apps.createNamespacedStatefulSet({
      namespace: NS,
      body: sts('db', 2, {
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' },
        volumeClaimTemplates: [{ metadata: { name: 'data', labels: { tier: 'storage' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      }),
    });
    await settled('db', 2);
    const pods = await podsByName('db');
    for (const i of [0, 1]) {
      const claim = await c.core.readNamespacedPersistentVolumeClaim({ name: `data-db-${i}`, namespace: NS });
      assert.deepEqual(claim.metadata?.labels, { tier: 'storage', app: 'db' });
      assert.equal(claim.status?.phase, 'Bound');
      assert.deepEqual(claim.metadata?.ownerReferences?.map((r) => [r.kind, r.name, r.uid, r.controller ?? false]), [['StatefulSet', 'db', created.metadata?.uid, false]]);
      const vol = pods.get(`db-${i}`)?.spec?.volumes?.find((v) => v.name === 'data');
      assert.equal(vol?.persistentVolumeClaim?.claimName, `data-db-${i}`);
    }
    // whenScaled Delete: the claim of the removed ordinal is handed to its pod, and goes with it.
    await apps.patchNamespacedStatefulSet({ name: 'db', namespace: NS, body: { spec: { replicas: 1 } } }, SMP);
    await settled('db', 1);
    await waitFor('data-db-1 deleted', async () => {
      try {
        const cl = await c.core.readNamespacedPersistentVolumeClaim({ name: 'data-db-1', namespace: NS });
        return !!cl.metadata?.deletionTimestamp;
      } catch {
        return true;
      }
    });
    const kept = await c.core.readNamespacedPersistentVolumeClaim({ name: 'data-db-0', namespace: NS });
    assert.equal(kept.metadata?.deletionTimestamp, undefined);
    // whenDeleted Delete: the remaining claim goes with the set.
    await apps.deleteNamespacedStatefulSet({ name: 'db', namespace: NS });
    await waitFor('data-db-0 deleted with the set', async () => {
      try {
        const cl = await c.core.readNamespacedPersistentVolumeClaim({ name: 'data-db-0', namespace: NS });
        return !!cl.metadata?.deletionTimestamp;
      } catch {
        return true;
      }
    });
  });
});
