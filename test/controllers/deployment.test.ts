// The Deployment controller (with the ReplicaSet controller) against a real API server, scheduler and
// hollow nodes: replica sets with the pod-template-hash, revisions, rolling updates that never break
// maxSurge/maxUnavailable (watched pod by pod), Recreate, rollback, the history limit, pause/resume,
// the progress deadline, and proportional scaling of a rollout in flight.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, Watch, type CoreV1Event, type V1Deployment, type V1Pod, type V1ReplicaSet } from '@kubernetes/client-node';
import { MERGE_PATCH } from '../../src/client/clients.ts';
import { computeHash } from '../../src/controllers/deployment-util.ts';
import { startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;
let apps: AppsV1Api;

before(async () => {
  c = await startNodesCluster({ nodes: ['node-1', 'node-2'], controllers: ['replicaset-controller', 'deployment-controller'] });
  apps = c.kc.makeApiClient(AppsV1Api);
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 90_000 };
const NS = 'default';
const REVISION = 'deployment.kubernetes.io/revision';

interface Opts {
  replicas: number;
  image?: string;
  strategy?: V1Deployment['spec'] extends infer S ? (S extends { strategy?: infer X } ? X : never) : never;
  annotations?: Record<string, string>;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
}

function deployment(name: string, o: Opts): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { app: name } },
      strategy: o.strategy,
      revisionHistoryLimit: o.revisionHistoryLimit,
      progressDeadlineSeconds: o.progressDeadlineSeconds,
      template: {
        metadata: { labels: { app: name }, annotations: o.annotations },
        spec: { containers: [{ name: 'app', image: o.image ?? 'nginx:1.26' }] },
      },
    },
  };
}

async function setsOf(d: V1Deployment): Promise<V1ReplicaSet[]> {
  const all = (await apps.listNamespacedReplicaSet({ namespace: NS })).items;
  return all.filter((s) => s.metadata?.ownerReferences?.some((r) => r.uid === d.metadata?.uid && r.controller));
}

async function events(name: string): Promise<CoreV1Event[]> {
  return (await c.core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name}` })).items;
}

const cond = (d: V1Deployment, type: string) => d.status?.conditions?.find((x) => x.type === type);

/** kubectl rollout status's idea of done. */
async function rolledOut(name: string, timeoutMs = 30_000): Promise<V1Deployment> {
  return waitFor(
    `${name} rolled out`,
    async () => {
      const d = await apps.readNamespacedDeployment({ name, namespace: NS });
      const s = d.status ?? {};
      const r = d.spec?.replicas ?? 1;
      const done =
        (d.metadata?.generation ?? 0) <= (s.observedGeneration ?? 0) &&
        (s.updatedReplicas ?? 0) === r &&
        (s.replicas ?? 0) === (s.updatedReplicas ?? 0) &&
        (s.availableReplicas ?? 0) === (s.updatedReplicas ?? 0) &&
        cond(d, 'Progressing')?.reason === 'NewReplicaSetAvailable';
      return done ? d : undefined;
    },
    timeoutMs,
  );
}

async function setImage(name: string, image: string): Promise<void> {
  await apps.patchNamespacedDeployment({ name, namespace: NS, body: { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } } }, MERGE_PATCH);
}

const podReady = (p: V1Pod) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;

describe('Deployment controller', () => {
  it('creates a replica set with the pod-template-hash, revision 1, events and conditions', T, async () => {
    const d = await apps.createNamespacedDeployment({ namespace: NS, body: deployment('web', { replicas: 3 }) });
    const done = await rolledOut('web');
    const [rs, ...rest] = await setsOf(d);
    assert.equal(rest.length, 0);
    const hash = rs!.metadata!.labels!['pod-template-hash']!;
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(rs!.metadata!.name, `web-${hash}`);
    assert.deepEqual({ ...rs!.spec!.selector!.matchLabels }, { app: 'web', 'pod-template-hash': hash });
    assert.equal(rs!.spec!.template!.metadata!.labels!['pod-template-hash'], hash);
    assert.equal(rs!.metadata!.annotations![REVISION], '1');
    assert.equal(rs!.metadata!.annotations!['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(rs!.metadata!.annotations!['deployment.kubernetes.io/max-replicas'], '4');
    assert.equal(done.metadata!.annotations![REVISION], '1');
    const s = done.status!;
    assert.deepEqual([s.replicas, s.updatedReplicas, s.readyReplicas, s.availableReplicas, s.unavailableReplicas ?? 0], [3, 3, 3, 3, 0]);
    assert.equal(s.observedGeneration, done.metadata!.generation);
    const avail = cond(done, 'Available')!;
    assert.deepEqual([avail.status, avail.reason, avail.message], ['True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.']);
    const prog = cond(done, 'Progressing')!;
    assert.deepEqual([prog.status, prog.reason, prog.message], ['True', 'NewReplicaSetAvailable', `ReplicaSet "web-${hash}" has successfully progressed.`]);
    const evs = (await events('web')).filter((e) => e.reason === 'ScalingReplicaSet');
    assert.deepEqual(
      evs.map((e) => [e.type, e.message, e.source?.component]),
      [['Normal', `Scaled up replica set web-${hash} from 0 to 3`, 'deployment-controller']],
    );
    const pods = (await c.core.listNamespacedPod({ namespace: NS, labelSelector: `pod-template-hash=${hash}` })).items;
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.metadata?.generateName === `web-${hash}-`));
  });

  it('rolling update stays within maxSurge and maxUnavailable', T, async () => {
    const d = await apps.createNamespacedDeployment({
      namespace: NS,
      body: deployment('roll', {
        replicas: 4,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
        annotations: { 'sim.wheelhouse.io/ready-after': '300ms' },
      }),
    });
    await rolledOut('roll');
    const pods = new Map<string, V1Pod>();
    let maxAlive = 0;
    let minReady = Infinity;
    let watching = false;
    const w = new Watch(c.kc);
    const ac = await w.watch(
      `/api/v1/namespaces/${NS}/pods`,
      { labelSelector: 'app=roll' },
      (type, p: V1Pod) => {
        if (type === 'DELETED') pods.delete(p.metadata!.name!);
        else pods.set(p.metadata!.name!, p);
        if (!watching) return;
        const alive = [...pods.values()].filter((x) => !x.metadata?.deletionTimestamp);
        maxAlive = Math.max(maxAlive, alive.length);
        minReady = Math.min(minReady, alive.filter(podReady).length);
      },
      () => {},
    );
    try {
      await waitFor('initial pods seen', async () => pods.size === 4 && [...pods.values()].every(podReady));
      watching = true;
      await setImage('roll', 'nginx:1.27');
      const done = await rolledOut('roll');
      assert.equal(done.metadata!.annotations![REVISION], '2');
      assert.ok(maxAlive <= 5, `at most replicas+maxSurge=5 pods, saw ${maxAlive}`);
      assert.ok(maxAlive === 5, `the surge was used (saw ${maxAlive})`);
      assert.ok(minReady >= 3, `at least replicas-maxUnavailable=3 ready pods, saw ${minReady}`);
    } finally {
      ac.abort();
    }
    const sets = await setsOf(d);
    const byRev = Object.fromEntries(sets.map((s) => [s.metadata!.annotations![REVISION], s.spec!.replicas]));
    assert.deepEqual(byRev, { '1': 0, '2': 4 });
    const msgs = (await events('roll')).filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message!);
    assert.ok(msgs.some((m) => /^Scaled down replica set roll-\w+ from 4 to 3$/.test(m)), msgs.join('\n'));
    assert.ok(msgs.some((m) => /^Scaled up replica set roll-\w+ from 0 to 1$/.test(m)), msgs.join('\n'));
  });

  it('rollback (the template patched back, as kubectl rollout undo does) reuses the old set as a new revision', T, async () => {
    const d = await apps.readNamespacedDeployment({ name: 'roll', namespace: NS });
    const before = await setsOf(d);
    await setImage('roll', 'nginx:1.26');
    const done = await rolledOut('roll');
    assert.equal(done.metadata!.annotations![REVISION], '3');
    const after = await setsOf(d);
    assert.deepEqual(after.map((s) => s.metadata!.name).sort(), before.map((s) => s.metadata!.name).sort(), 'no new replica set');
    const reused = after.find((s) => s.spec!.replicas === 4)!;
    assert.equal(reused.metadata!.annotations![REVISION], '3');
    assert.equal(reused.metadata!.annotations!['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(reused.spec!.template!.spec!.containers[0]!.image, 'nginx:1.26');
  });

  it('keeps at most revisionHistoryLimit old replica sets', T, async () => {
    const d = await apps.createNamespacedDeployment({ namespace: NS, body: deployment('hist', { replicas: 1, revisionHistoryLimit: 1 }) });
    await rolledOut('hist');
    for (const tag of ['1.27', '1.28', '1.29']) {
      await setImage('hist', `nginx:${tag}`);
      await rolledOut('hist');
    }
    const sets = await waitFor('old sets cleaned up', async () => {
      const s = await setsOf(d);
      return s.length === 2 ? s : undefined;
    });
    assert.deepEqual(sets.map((s) => s.metadata!.annotations![REVISION]).sort(), ['3', '4']);
  });

  it('Recreate: the new pods start only once no old pod runs', T, async () => {
    await apps.createNamespacedDeployment({ namespace: NS, body: deployment('recreate', { replicas: 2, strategy: { type: 'Recreate' } }) });
    const first = await rolledOut('recreate');
    const oldHash = (await setsOf(first))[0]!.metadata!.labels!['pod-template-hash'];
    const pods = new Map<string, V1Pod>();
    let violation = '';
    const w = new Watch(c.kc);
    const ac = await w.watch(
      `/api/v1/namespaces/${NS}/pods`,
      { labelSelector: 'app=recreate' },
      (type, p: V1Pod) => {
        if (type === 'DELETED') pods.delete(p.metadata!.name!);
        else pods.set(p.metadata!.name!, p);
        const all = [...pods.values()];
        const newer = all.filter((x) => x.metadata?.labels?.['pod-template-hash'] !== oldHash);
        // An old pod whose containers have stopped (final phase reported, object about to go) no longer runs.
        const older = all.filter(
          (x) => x.metadata?.labels?.['pod-template-hash'] === oldHash && x.status?.phase !== 'Succeeded' && x.status?.phase !== 'Failed',
        );
        if (newer.length && older.length) violation ||= `${newer.map((x) => x.metadata!.name).join()} alongside ${older.map((x) => x.metadata!.name).join()}`;
      },
      () => {},
    );
    try {
      await waitFor('initial pods seen', async () => pods.size === 2);
      await setImage('recreate', 'nginx:1.27');
      const done = await rolledOut('recreate');
      assert.equal(done.metadata!.annotations![REVISION], '2');
      assert.equal(violation, '');
    } finally {
      ac.abort();
    }
    const msgs = (await events('recreate')).filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message!);
    assert.ok(msgs.some((m) => /^Scaled down replica set recreate-\w+ from 2 to 0$/.test(m)), msgs.join('\n'));
  });

  it('pause holds template changes back; resume rolls them out', T, async () => {
    const d = await apps.createNamespacedDeployment({ namespace: NS, body: deployment('paused', { replicas: 1 }) });
    await rolledOut('paused');
    await apps.patchNamespacedDeployment({ name: 'paused', namespace: NS, body: { spec: { paused: true } } }, MERGE_PATCH);
    const p = await waitFor('DeploymentPaused', async () => {
      const x = await apps.readNamespacedDeployment({ name: 'paused', namespace: NS });
      return cond(x, 'Progressing')?.reason === 'DeploymentPaused' ? x : undefined;
    });
    assert.deepEqual([cond(p, 'Progressing')!.status, cond(p, 'Progressing')!.message], ['Unknown', 'Deployment is paused']);
    await setImage('paused', 'nginx:1.27');
    await waitFor('generation observed', async () => {
      const x = await apps.readNamespacedDeployment({ name: 'paused', namespace: NS });
      return x.status?.observedGeneration === x.metadata?.generation;
    });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await setsOf(d)).length, 1, 'no new replica set while paused');
    await apps.patchNamespacedDeployment({ name: 'paused', namespace: NS, body: { spec: { paused: false } } }, MERGE_PATCH);
    const done = await rolledOut('paused');
    assert.equal(done.metadata!.annotations![REVISION], '2');
    assert.equal((await setsOf(d)).length, 2);
  });

  it('a replica set name taken by another template bumps status.collisionCount', T, async () => {
    const body = deployment('clash', { replicas: 1 });
    body.spec!.paused = true;
    const d = await apps.createNamespacedDeployment({ namespace: NS, body });
    // Paused, it creates no replica set: take the name its template hashes to.
    const hash = computeHash(d.spec!.template);
    await apps.createNamespacedReplicaSet({
      namespace: NS,
      body: {
        metadata: { name: `clash-${hash}` },
        spec: {
          replicas: 0,
          selector: { matchLabels: { squatter: 'yes' } },
          template: { metadata: { labels: { squatter: 'yes' } }, spec: { containers: [{ name: 'other', image: 'busybox' }] } },
        },
      },
    });
    await apps.patchNamespacedDeployment({ name: 'clash', namespace: NS, body: { spec: { paused: false } } }, MERGE_PATCH);
    const done = await rolledOut('clash');
    assert.equal(done.status?.collisionCount, 1);
    const [rs] = await setsOf(d);
    assert.equal(rs!.metadata!.name, `clash-${computeHash(d.spec!.template, 1)}`);
    assert.notEqual(rs!.metadata!.name, `clash-${hash}`);
  });

  it('adopts a matching orphan replica set as its new one, and releases it when it stops matching', T, async () => {
    const tpl = deployment('adopt', { replicas: 2 }).spec!.template;
    const rsTemplate = structuredClone(tpl);
    rsTemplate.metadata!.labels = { app: 'adopt', 'pod-template-hash': 'handmade' };
    await apps.createNamespacedReplicaSet({
      namespace: NS,
      body: {
        metadata: { name: 'adopt-handmade', labels: { app: 'adopt', 'pod-template-hash': 'handmade' } },
        spec: { replicas: 2, selector: { matchLabels: { app: 'adopt', 'pod-template-hash': 'handmade' } }, template: rsTemplate },
      },
    });
    const d = await apps.createNamespacedDeployment({ namespace: NS, body: deployment('adopt', { replicas: 2 }) });
    const done = await rolledOut('adopt');
    const sets = await setsOf(d);
    assert.deepEqual(sets.map((x) => x.metadata!.name), ['adopt-handmade'], 'adopted, no new replica set');
    const ref = sets[0]!.metadata!.ownerReferences![0]!;
    assert.deepEqual({ ...ref }, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'adopt', uid: d.metadata!.uid, controller: true, blockOwnerDeletion: true });
    assert.equal(sets[0]!.metadata!.annotations![REVISION], '1');
    assert.equal(done.metadata!.annotations![REVISION], '1');
    await apps.patchNamespacedReplicaSet({ name: 'adopt-handmade', namespace: NS, body: { metadata: { labels: { app: 'elsewhere' } } } }, MERGE_PATCH);
    await waitFor('released', async () => {
      const x = await apps.readNamespacedReplicaSet({ name: 'adopt-handmade', namespace: NS });
      return (x.metadata?.ownerReferences ?? []).length === 0;
    });
    // Without its set the deployment makes a new one.
    await waitFor('a new replica set', async () => (await setsOf(d)).some((x) => x.metadata!.name !== 'adopt-handmade'));
  });

  it('ProgressDeadlineExceeded when the new pods never become ready', T, async () => {
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: deployment('stuck', { replicas: 1, progressDeadlineSeconds: 2, annotations: { 'sim.wheelhouse.io/fail-readiness': 'true' } }),
    });
    const d = await waitFor(
      'timed out',
      async () => {
        const x = await apps.readNamespacedDeployment({ name: 'stuck', namespace: NS });
        return cond(x, 'Progressing')?.reason === 'ProgressDeadlineExceeded' ? x : undefined;
      },
      20_000,
    );
    const rs = (await setsOf(d))[0]!;
    const prog = cond(d, 'Progressing')!;
    assert.deepEqual([prog.status, prog.message], ['False', `ReplicaSet "${rs.metadata!.name}" has timed out progressing.`]);
    const avail = cond(d, 'Available')!;
    assert.deepEqual([avail.status, avail.reason, avail.message], ['False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.']);
    assert.equal(d.status?.unavailableReplicas, 1);
  });

  it("a replica set's ReplicaFailure shows on the deployment", T, async () => {
    const body = deployment('nopods', { replicas: 1 });
    body.spec!.template.spec!.priorityClassName = 'no-such-class';
    await apps.createNamespacedDeployment({ namespace: NS, body });
    const d = await waitFor('ReplicaFailure', async () => {
      const x = await apps.readNamespacedDeployment({ name: 'nopods', namespace: NS });
      return cond(x, 'ReplicaFailure') ? x : undefined;
    });
    const f = cond(d, 'ReplicaFailure')!;
    assert.deepEqual([f.status, f.reason], ['True', 'FailedCreate']);
    assert.match(f.message!, /is forbidden: no PriorityClass with name no-such-class was found$/);
    await apps.deleteNamespacedDeployment({ name: 'nopods', namespace: NS });
  });

  it('scaling during a stuck rollout is proportional across the replica sets', T, async () => {
    const d = await apps.createNamespacedDeployment({
      namespace: NS,
      body: deployment('prop', { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }),
    });
    await rolledOut('prop');
    await apps.patchNamespacedDeployment(
      {
        name: 'prop',
        namespace: NS,
        body: { spec: { template: { metadata: { annotations: { 'sim.wheelhouse.io/fail-readiness': 'true' } } } } },
      },
      MERGE_PATCH,
    );
    // old 10 → 8 (2 unavailable allowed), new 0 → 3 → 5 (13 = 10 + surge), then stuck: the new pods never get ready.
    const sizes = async () => {
      const s = await setsOf(d);
      return Object.fromEntries(s.map((x) => [x.metadata!.annotations![REVISION], x.spec!.replicas]));
    };
    await waitFor('stuck at 8 + 5', async () => {
      const z = await sizes();
      return z['1'] === 8 && z['2'] === 5;
    });
    await apps.patchNamespacedDeploymentScale({ name: 'prop', namespace: NS, body: { spec: { replicas: 20 } } }, MERGE_PATCH);
    // 23 allowed, 10 to add: old round(8*23/13)=14 (+6), new round(5*23/13)=9 (+4).
    await waitFor('scaled proportionally', async () => {
      const z = await sizes();
      return z['1'] === 14 && z['2'] === 9;
    });
    const sets = await setsOf(d);
    for (const s of sets) {
      assert.equal(s.metadata!.annotations!['deployment.kubernetes.io/desired-replicas'], '20');
      assert.equal(s.metadata!.annotations!['deployment.kubernetes.io/max-replicas'], '23');
    }
    await apps.deleteNamespacedDeployment({ name: 'prop', namespace: NS });
    for (const s of sets) await apps.deleteNamespacedReplicaSet({ name: s.metadata!.name!, namespace: NS }).catch(() => undefined);
  });
});
