// The Job and TTL-after-finished controllers against a real API server, scheduler and hollow nodes:
// completions and parallelism (NonIndexed and Indexed), pod tracking with the job-tracking finalizer
// (a deleted pod still counts), backoffLimit with the back-off between recreations, restarts under
// OnFailure, activeDeadlineSeconds, the pod failure policy (exit codes, DisruptionTarget after a taint
// eviction), backoffLimitPerIndex with FailIndex, successPolicy, suspend/resume, the interim and terminal conditions, events, and deletion
// ttlSecondsAfterFinished after the Job finished.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchV1Api, type CoreV1Event, type V1Job, type V1Pod } from '@kubernetes/client-node';
import { startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;
let batch: BatchV1Api;

before(async () => {
  c = await startNodesCluster({
    nodes: ['node-1', 'node-2'],
    controllers: ['job-controller', 'ttl-after-finished-controller', 'garbage-collector-controller', 'serviceaccount-controller', 'taint-eviction-controller'],
    controllerTimings: { jobPodFailureBackoffMs: 200, jobPodFailureBackoffMaxMs: 1000 },
  });
  batch = c.kc.makeApiClient(BatchV1Api);
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 60_000 };
const NS = 'default';
const EXIT_AFTER = 'sim.wheelhouse.io/exit-after';
const EXIT_CODE = 'sim.wheelhouse.io/exit-code';
const CRASH_LOOP = 'sim.wheelhouse.io/crash-loop';
const FINALIZER = 'batch.kubernetes.io/job-tracking';

interface JobOpts {
  completions?: number;
  parallelism?: number;
  backoffLimit?: number;
  indexed?: boolean;
  annotations?: Record<string, string>;
  restartPolicy?: 'Never' | 'OnFailure';
  suspend?: boolean;
  activeDeadlineSeconds?: number;
  podFailurePolicy?: NonNullable<V1Job['spec']>['podFailurePolicy'];
  ttlSecondsAfterFinished?: number;
}

function job(name: string, o: JobOpts = {}): V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      completions: o.completions,
      parallelism: o.parallelism,
      backoffLimit: o.backoffLimit,
      completionMode: o.indexed ? 'Indexed' : undefined,
      suspend: o.suspend,
      activeDeadlineSeconds: o.activeDeadlineSeconds,
      podFailurePolicy: o.podFailurePolicy,
      ttlSecondsAfterFinished: o.ttlSecondsAfterFinished,
      template: {
        metadata: { annotations: o.annotations },
        spec: { restartPolicy: o.restartPolicy ?? 'Never', containers: [{ name: 'app', image: 'busybox:1.36' }] },
      },
    },
  };
}

async function podsOf(uid: string): Promise<V1Pod[]> {
  const all = (await c.core.listNamespacedPod({ namespace: NS })).items;
  return all.filter((p) => p.metadata?.ownerReferences?.some((r) => r.uid === uid && r.controller));
}

async function events(name: string): Promise<CoreV1Event[]> {
  return (await c.core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name}` })).items;
}

async function condition(name: string, type: string, timeoutMs = 20_000): Promise<V1Job> {
  return waitFor(
    `job ${name} ${type}`,
    async () => {
      const j = await batch.readNamespacedJob({ name, namespace: NS });
      return j.status?.conditions?.some((x) => x.type === type && x.status === 'True') ? j : undefined;
    },
    timeoutMs,
  );
}

const types = (j: V1Job) => (j.status?.conditions ?? []).map((x) => `${x.type}=${x.status}`);

describe('Job controller', () => {
  it('runs a NonIndexed Job to completion, counting every pod once', T, async () => {
    const created = await batch.createNamespacedJob({ namespace: NS, body: job('pi', { completions: 3, parallelism: 2, annotations: { [EXIT_AFTER]: '300ms' } }) });
    const uid = created.metadata!.uid!;
    const done = await condition('pi', 'Complete');
    const s = done.status!;
    assert.equal(s.succeeded, 3);
    assert.equal(s.failed ?? 0, 0);
    assert.equal(s.active ?? 0, 0);
    assert.equal(s.ready, 0);
    assert.equal(s.terminating, 0);
    assert.deepEqual({ ...s.uncountedTerminatedPods }, {});
    assert.ok(s.startTime && s.completionTime && s.completionTime >= s.startTime);
    assert.deepEqual(types(done), ['SuccessCriteriaMet=True', 'Complete=True']);
    for (const cond of done.status!.conditions!) {
      assert.equal(cond.reason, 'CompletionsReached');
      assert.equal(cond.message, 'Reached expected number of succeeded pods');
    }
    const pods = await podsOf(uid);
    assert.equal(pods.length, 3);
    for (const p of pods) {
      assert.match(p.metadata!.name!, /^pi-[a-z0-9]{5}$/);
      assert.equal(p.status?.phase, 'Succeeded');
      assert.equal(p.metadata?.labels?.['batch.kubernetes.io/job-name'], 'pi');
      assert.equal(p.metadata?.labels?.['batch.kubernetes.io/controller-uid'], uid);
      assert.equal(p.metadata?.labels?.['job-name'], 'pi');
      assert.equal(p.metadata?.labels?.['controller-uid'], uid);
      assert.ok(!p.metadata?.finalizers?.includes(FINALIZER), `${p.metadata?.name} still holds the tracking finalizer`);
      assert.deepEqual(
        p.metadata?.ownerReferences?.map((r) => ({ ...r })),
        [{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid, controller: true, blockOwnerDeletion: true }],
      );
    }
    const evs = await waitFor('Job events', async () => {
      const e = await events('pi');
      return e.filter((x) => x.reason === 'SuccessfulCreate').length === 3 && e.some((x) => x.reason === 'Completed') ? e : undefined;
    });
    const completed = evs.find((x) => x.reason === 'Completed')!;
    assert.equal(completed.message, 'Job completed');
    assert.equal(completed.source?.component, 'job-controller');
    assert.ok(evs.filter((x) => x.reason === 'SuccessfulCreate').every((x) => /^Created pod: pi-[a-z0-9]{5}$/.test(x.message ?? '')));
  });

  it('gives Indexed pods their index: name, annotation, label, hostname, env; status.completedIndexes', T, async () => {
    await batch.createNamespacedJob({ namespace: NS, body: job('idx', { completions: 3, parallelism: 3, indexed: true, annotations: { [EXIT_AFTER]: '300ms' } }) });
    const done = await condition('idx', 'Complete');
    assert.equal(done.status?.completedIndexes, '0-2');
    assert.equal(done.status?.succeeded, 3);
    const pods = await podsOf(done.metadata!.uid!);
    assert.equal(pods.length, 3);
    const seen = new Set<string>();
    for (const p of pods) {
      const m = /^idx-(\d)-[a-z0-9]{5}$/.exec(p.metadata!.name!);
      assert.ok(m, p.metadata!.name);
      const ix = m[1]!;
      seen.add(ix);
      assert.equal(p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'], ix);
      assert.equal(p.metadata?.labels?.['batch.kubernetes.io/job-completion-index'], ix);
      assert.equal(p.spec?.hostname, `idx-${ix}`);
      assert.deepEqual(
        p.spec?.containers[0]?.env?.map((e) => ({ name: e.name, path: e.valueFrom?.fieldRef?.fieldPath })),
        [{ name: 'JOB_COMPLETION_INDEX', path: "metadata.annotations['batch.kubernetes.io/job-completion-index']" }],
      );
    }
    assert.deepEqual([...seen].sort(), ['0', '1', '2']);
  });

  it('fails at backoffLimit with FailureTarget then Failed, recreating pods in between', T, async () => {
    await batch.createNamespacedJob({ namespace: NS, body: job('boom', { backoffLimit: 2, annotations: { [EXIT_AFTER]: '200ms', [EXIT_CODE]: '1' } }) });
    const failed = await condition('boom', 'Failed');
    assert.equal(failed.status?.failed, 3);
    assert.equal(failed.status?.succeeded ?? 0, 0);
    assert.equal(failed.status?.active ?? 0, 0);
    assert.deepEqual(types(failed), ['FailureTarget=True', 'Failed=True']);
    for (const cond of failed.status!.conditions!) {
      assert.equal(cond.reason, 'BackoffLimitExceeded');
      assert.equal(cond.message, 'Job has reached the specified backoff limit');
    }
    assert.equal(failed.status?.completionTime, undefined);
    const pods = await podsOf(failed.metadata!.uid!);
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.status?.phase === 'Failed'));
    const ev = await waitFor('BackoffLimitExceeded event', async () => (await events('boom')).find((x) => x.reason === 'BackoffLimitExceeded'));
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.message, 'Job has reached the specified backoff limit');
  });

  it('counts container restarts toward backoffLimit under restartPolicy OnFailure', T, async () => {
    await batch.createNamespacedJob({ namespace: NS, body: job('flaky', { backoffLimit: 2, restartPolicy: 'OnFailure', annotations: { [CRASH_LOOP]: 'true' } }) });
    const failed = await condition('flaky', 'Failed', 30_000);
    assert.equal(failed.status?.conditions?.find((x) => x.type === 'Failed')?.reason, 'BackoffLimitExceeded');
    // One pod, restarted in place by the kubelet, then deleted by the controller and counted as failed.
    assert.equal(failed.status?.failed, 1);
    const evs = await waitFor('SuccessfulDelete event', async () => {
      const e = await events('flaky');
      return e.some((x) => x.reason === 'SuccessfulDelete') ? e : undefined;
    });
    assert.equal(evs.filter((x) => x.reason === 'SuccessfulCreate').length, 1);
  });

  it('counts a deleted running pod as failed and replaces it (tracking finalizer)', T, async () => {
    const created = await batch.createNamespacedJob({ namespace: NS, body: job('keep', { backoffLimit: 6 }) });
    const uid = created.metadata!.uid!;
    const first = await waitFor('a running pod with the finalizer', async () => {
      const p = (await podsOf(uid)).find((x) => x.status?.phase === 'Running');
      return p?.metadata?.finalizers?.includes(FINALIZER) ? p : undefined;
    });
    await c.core.deleteNamespacedPod({ name: first.metadata!.name!, namespace: NS });
    const j = await waitFor('failed=1 and a replacement', async () => {
      const x = await batch.readNamespacedJob({ name: 'keep', namespace: NS });
      const pods = await podsOf(uid);
      const replacement = pods.find((p) => p.metadata?.name !== first.metadata?.name && !p.metadata?.deletionTimestamp);
      return x.status?.failed === 1 && x.status?.active === 1 && replacement ? x : undefined;
    });
    assert.deepEqual(j.status?.uncountedTerminatedPods?.failed ?? [], []);
    // The deleted pod is gone for good once its finalizer was removed.
    await waitFor('deleted pod gone', async () => !(await podsOf(uid)).some((p) => p.metadata?.name === first.metadata?.name));
    // Deleting the Job: its pods lose the finalizer, so the garbage collector can remove them.
    await batch.deleteNamespacedJob({ name: 'keep', namespace: NS, propagationPolicy: 'Background' });
    await waitFor('the Job\'s pods gone', async () => (await podsOf(uid)).length === 0);
  });

  it('fails a Job past activeDeadlineSeconds and stops its pods', T, async () => {
    await batch.createNamespacedJob({ namespace: NS, body: job('slow', { parallelism: 2, completions: 2, activeDeadlineSeconds: 1 }) });
    const failed = await condition('slow', 'Failed');
    const cond = failed.status!.conditions!.find((x) => x.type === 'Failed')!;
    assert.equal(cond.reason, 'DeadlineExceeded');
    assert.equal(cond.message, 'Job was active longer than specified deadline');
    assert.equal(failed.status?.active ?? 0, 0);
    assert.equal(failed.status?.terminating, 0);
    assert.equal(failed.status?.failed, 2);
    await waitFor('pods stopped', async () => (await podsOf(failed.metadata!.uid!)).every((p) => p.status?.phase === 'Failed' || p.metadata?.deletionTimestamp));
    const ev = await waitFor('DeadlineExceeded event', async () => (await events('slow')).find((x) => x.reason === 'DeadlineExceeded'));
    assert.equal(ev.message, 'Job was active longer than specified deadline');
  });

  it('applies the pod failure policy: Ignore does not count, FailJob fails at once', T, async () => {
    const policy = {
      rules: [
        { action: 'Ignore', onExitCodes: { operator: 'In', values: [3] } },
        { action: 'FailJob', onExitCodes: { containerName: 'app', operator: 'In', values: [42] } },
      ],
    };
    await batch.createNamespacedJob({ namespace: NS, body: job('fatal', { backoffLimit: 6, podFailurePolicy: policy, annotations: { [EXIT_AFTER]: '200ms', [EXIT_CODE]: '42' } }) });
    const failed = await condition('fatal', 'Failed');
    const pods = await podsOf(failed.metadata!.uid!);
    assert.equal(pods.length, 1);
    const cond = failed.status!.conditions!.find((x) => x.type === 'Failed')!;
    assert.equal(cond.reason, 'PodFailurePolicy');
    assert.equal(cond.message, `Container app for pod ${NS}/${pods[0]!.metadata!.name} failed with exit code 42 matching FailJob rule at index 1`);

    const ignored = await batch.createNamespacedJob({
      namespace: NS,
      body: job('ignored', { backoffLimit: 0, podFailurePolicy: policy, annotations: { [EXIT_AFTER]: '200ms', [EXIT_CODE]: '3' } }),
    });
    await waitFor('three ignored failures', async () => (await podsOf(ignored.metadata!.uid!)).filter((p) => p.status?.phase === 'Failed').length >= 3);
    const j = await batch.readNamespacedJob({ name: 'ignored', namespace: NS });
    assert.equal(j.status?.failed ?? 0, 0);
    assert.ok(!j.status?.conditions?.some((x) => x.type === 'Failed' || x.type === 'FailureTarget'), JSON.stringify(types(j)));
    await batch.deleteNamespacedJob({ name: 'ignored', namespace: NS, propagationPolicy: 'Background' });
  });

  it('retries each index up to backoffLimitPerIndex, then fails it (FailedIndexes); FailIndex fails it at once', T, async () => {
    const body = job('per-index', { completions: 2, parallelism: 2, indexed: true, annotations: { [EXIT_AFTER]: '200ms', [EXIT_CODE]: '1' } });
    body.spec!.backoffLimitPerIndex = 1;
    const created = await batch.createNamespacedJob({ namespace: NS, body });
    const failed = await condition('per-index', 'Failed');
    const cond = failed.status!.conditions!.find((x) => x.type === 'Failed')!;
    assert.deepEqual([cond.reason, cond.message], ['FailedIndexes', 'Job has failed indexes']);
    assert.equal(failed.status?.failedIndexes, '0,1');
    assert.equal(failed.status?.failed, 4);
    const counts = (await podsOf(created.metadata!.uid!))
      .map((p) => `${p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']}:${p.metadata?.annotations?.['batch.kubernetes.io/job-index-failure-count']}`)
      .sort();
    assert.deepEqual(counts, ['0:0', '0:1', '1:0', '1:1']);

    const fatal = job('fail-index', { completions: 2, parallelism: 2, indexed: true, annotations: { [EXIT_AFTER]: '200ms', [EXIT_CODE]: '7' } });
    fatal.spec!.backoffLimitPerIndex = 3;
    fatal.spec!.podFailurePolicy = { rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [7] } }] };
    const created2 = await batch.createNamespacedJob({ namespace: NS, body: fatal });
    const failed2 = await condition('fail-index', 'Failed');
    assert.equal(failed2.status?.failedIndexes, '0,1');
    assert.equal(failed2.status?.failed, 2);
    assert.equal((await podsOf(created2.metadata!.uid!)).length, 2);
  });

  it('completes an Indexed Job early when its successPolicy is met', T, async () => {
    const body = job('lead', { completions: 3, parallelism: 1, indexed: true, annotations: { [EXIT_AFTER]: '200ms' } });
    body.spec!.successPolicy = { rules: [{ succeededCount: 1 }] };
    const created = await batch.createNamespacedJob({ namespace: NS, body });
    const done = await condition('lead', 'Complete');
    assert.deepEqual(types(done), ['SuccessCriteriaMet=True', 'Complete=True']);
    for (const cond of done.status!.conditions!) assert.deepEqual([cond.reason, cond.message], ['SuccessPolicy', 'Matched rules at index 0']);
    assert.equal(done.status?.completedIndexes, '0');
    assert.equal(done.status?.succeeded, 1);
    assert.equal((await podsOf(created.metadata!.uid!)).length, 1);
  });

  it('suspends and resumes: no pods while suspended, Suspended condition and events', T, async () => {
    const created = await batch.createNamespacedJob({ namespace: NS, body: job('later', { suspend: true, annotations: { [EXIT_AFTER]: '200ms' } }) });
    const suspended = await condition('later', 'Suspended');
    const sc = suspended.status!.conditions!.find((x) => x.type === 'Suspended')!;
    assert.equal(sc.reason, 'JobSuspended');
    assert.equal(sc.message, 'Job suspended');
    assert.equal(suspended.status?.startTime, undefined);
    assert.equal((await podsOf(created.metadata!.uid!)).length, 0);
    await batch.patchNamespacedJob({ name: 'later', namespace: NS, body: [{ op: 'replace', path: '/spec/suspend', value: false }] });
    const done = await condition('later', 'Complete');
    const resumed = done.status!.conditions!.find((x) => x.type === 'Suspended')!;
    assert.equal(resumed.status, 'False');
    assert.equal(resumed.reason, 'JobResumed');
    assert.ok(done.status?.startTime);
    const evs = await waitFor('Suspended and Resumed events', async () => {
      const e = await events('later');
      return e.some((x) => x.reason === 'Suspended') && e.some((x) => x.reason === 'Resumed') ? e : undefined;
    });
    assert.equal(evs.find((x) => x.reason === 'Resumed')?.message, 'Job resumed');
  });

  it('ignores a pod failure with the DisruptionTarget condition (taint eviction) when the policy says so', T, async () => {
    const policy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] };
    // Ignoring SIGTERM, the container is killed (exit 137) when the grace period ends: the pod fails.
    const body = job('evicted', { backoffLimit: 0, podFailurePolicy: policy, annotations: { 'sim.wheelhouse.io/ignore-sigterm': 'true' } });
    body.spec!.template.spec!.terminationGracePeriodSeconds = 1;
    const created = await batch.createNamespacedJob({ namespace: NS, body });
    const uid = created.metadata!.uid!;
    const first = await waitFor('a running pod', async () => (await podsOf(uid)).find((p) => p.status?.phase === 'Running'));
    const nodeName = first.spec!.nodeName!;
    const taint = { key: 'test/evict', value: 'now', effect: 'NoExecute' };
    await c.core.patchNode({ name: nodeName, body: [{ op: 'add', path: '/spec/taints', value: [taint] }] });
    try {
      const j = await waitFor('a replacement elsewhere, the failure not counted', async () => {
        const x = await batch.readNamespacedJob({ name: 'evicted', namespace: NS });
        const replacement = (await podsOf(uid)).find((p) => p.metadata?.name !== first.metadata?.name && p.spec?.nodeName && p.spec.nodeName !== nodeName);
        return replacement && x.status?.active === 1 ? x : undefined;
      });
      // Without the Ignore rule, backoffLimit 0 would have failed the Job here.
      assert.equal(j.status?.failed ?? 0, 0, JSON.stringify(j.status));
      assert.ok(!j.status?.conditions?.some((x) => x.type === 'Failed' || x.type === 'FailureTarget'), JSON.stringify(types(j)));
    } finally {
      await c.core.patchNode({ name: nodeName, body: [{ op: 'remove', path: '/spec/taints' }] });
      await batch.deleteNamespacedJob({ name: 'evicted', namespace: NS, propagationPolicy: 'Background' });
    }
  });

  it('deletes a finished Job after ttlSecondsAfterFinished, and the garbage collector its pods', T, async () => {
    const created = await batch.createNamespacedJob({ namespace: NS, body: job('brief', { ttlSecondsAfterFinished: 1, annotations: { [EXIT_AFTER]: '200ms' } }) });
    await waitFor(
      'job deleted',
      async () => {
        try {
          await batch.readNamespacedJob({ name: 'brief', namespace: NS });
          return false;
        } catch {
          return true;
        }
      },
      20_000,
    );
    await waitFor('its pods deleted', async () => (await podsOf(created.metadata!.uid!)).length === 0);
  });
});
