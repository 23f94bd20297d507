// Mirrors of upstream's Job, CronJob (API operations) and PodDisruptionBudget conformance tests: job pod
// adoption and release, pod failure policy, Indexed jobs, status and lifecycle APIs, eviction blocked by a
// budget, and the disruption controller's status. Titles are upstream's codenames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchV1Api, CoreV1Api, PolicyV1Api, type V1Job, type V1Pod, type V1PodDisruptionBudget } from '@kubernetes/client-node';
import { apiFailure, eventually, exerciseKindApi, MERGE_PATCH, retryOnConflict, testNamespace, waitForObject, SUITE, type Mirror } from '../support.ts';

/** Registers these mirrors against the file's cluster `m`. */
export function jobDisruptionMirrors(m: Mirror): void {
  const core = () => m.api(CoreV1Api);
  const batch = () => m.api(BatchV1Api);
  const policy = () => m.api(PolicyV1Api);

  const EXIT = (code: number, after = '200ms') => ({ 'sim.wheelhouse.io/exit-code': String(code), 'sim.wheelhouse.io/exit-after': after });

  function job(name: string, spec: Partial<V1Job['spec']> & { annotations?: Record<string, string> } = {}): V1Job {
    const { annotations, ...rest } = spec;
    return {
      metadata: { name },
      spec: {
        parallelism: 2,
        completions: 4,
        backoffLimit: 6,
        template: {
          metadata: { ...(annotations ? { annotations } : {}) },
          spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'registry.k8s.io/e2e-test-images/busybox:1.37.0-1' }], terminationGracePeriodSeconds: 0 },
        },
        ...rest,
      },
    };
  }

  const livePods = async (ns: string, selector: string) =>
    (await core().listNamespacedPod({ namespace: ns, labelSelector: selector })).items.filter((p) => !p.metadata?.deletionTimestamp);

  async function activePods(ns: string, jobName: string, n: number): Promise<V1Pod[]> {
    return eventually(`${n} running pods of job ${jobName}`, async () => {
      const pods = await livePods(ns, `job-name=${jobName}`);
      return pods.length === n && pods.every((p) => p.status?.phase === 'Running') ? pods : undefined;
    });
  }

  const hasCondition = (j: V1Job, type: string) => j.status?.conditions?.some((c) => c.type === type && c.status === 'True') === true;

  describe('sig-apps: Job', { ...SUITE, concurrency: true }, () => {
    it('[sig-apps] Job should adopt matching orphans and release non-matching pods [Conformance]', async () => {
      const ns = await testNamespace(m, 'job');
      const created = await batch().createNamespacedJob({ namespace: ns, body: job('adopt-release') });
      const pods = await activePods(ns, 'adopt-release', 2);
      const victim = pods[0]!.metadata!.name!;
      // Orphan it: no owner references any more; the Job must take it back.
      await core().patchNamespacedPod({ namespace: ns, name: victim, body: { metadata: { ownerReferences: null } } }, MERGE_PATCH);
      await waitForObject(
        'the orphan re-adopted',
        () => core().readNamespacedPod({ namespace: ns, name: victim }),
        (p) => p.metadata?.ownerReferences?.some((o) => o.uid === created.metadata?.uid && o.controller) === true,
      );
      // Take it out of the selector: the Job must let it go.
      await core().patchNamespacedPod(
        { namespace: ns, name: victim, body: { metadata: { labels: { 'controller-uid': null, 'batch.kubernetes.io/controller-uid': null } } } },
        MERGE_PATCH,
      );
      await waitForObject(
        'the pod released',
        () => core().readNamespacedPod({ namespace: ns, name: victim }),
        (p) => !p.metadata?.ownerReferences?.some((o) => o.uid === created.metadata?.uid),
      );
    });

    it('[sig-apps] Job should allow to use the pod failure policy on exit code to fail the job early [Conformance]', async () => {
      const ns = await testNamespace(m, 'job');
      await batch().createNamespacedJob({
        namespace: ns,
        body: job('fail-early', {
          parallelism: 1,
          completions: 1,
          annotations: EXIT(42),
          podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] },
        }),
      });
      const failed = await waitForObject('the job failed', () => batch().readNamespacedJob({ namespace: ns, name: 'fail-early' }), (j) => hasCondition(j, 'Failed'), 45_000);
      const cond = failed.status!.conditions!.find((c) => c.type === 'Failed')!;
      assert.equal(cond.reason, 'PodFailurePolicy');
      assert.equal(failed.status?.failed, 1, 'failed after exactly one pod, not the backoff limit');
    });

    it('[sig-apps] Job should apply changes to a job status [Conformance]', async () => {
      const ns = await testNamespace(m, 'job');
      await batch().createNamespacedJob({ namespace: ns, body: job('status-job') });
      await activePods(ns, 'status-job', 2);
      const patched = await batch().patchNamespacedJobStatus({ namespace: ns, name: 'status-job', body: { metadata: { annotations: { patchedstatus: 'true' } } } }, MERGE_PATCH);
      assert.equal(patched.metadata?.annotations?.patchedstatus, 'true');
      const start = new Date(Date.UTC(2024, 0, 1, 0, 0, 0));
      const updated = await retryOnConflict(async () => {
        const cur = await batch().readNamespacedJobStatus({ namespace: ns, name: 'status-job' });
        cur.status = { ...cur.status, startTime: start };
        return batch().replaceNamespacedJobStatus({ namespace: ns, name: 'status-job', body: cur });
      });
      assert.equal(new Date(updated.status!.startTime!).getTime(), start.getTime());
      const read = await batch().readNamespacedJobStatus({ namespace: ns, name: 'status-job' });
      assert.equal(read.metadata?.annotations?.patchedstatus, 'true');
    });

    it('[sig-apps] Job should create pods for an Indexed job with completion indexes and specified hostname [Conformance]', async () => {
      const ns = await testNamespace(m, 'job');
      await batch().createNamespacedJob({ namespace: ns, body: job('indexed-job', { completionMode: 'Indexed', annotations: EXIT(0) }) });
      await waitForObject('the indexed job complete', () => batch().readNamespacedJob({ namespace: ns, name: 'indexed-job' }), (j) => hasCondition(j, 'Complete'), 45_000);
      const pods = (await core().listNamespacedPod({ namespace: ns, labelSelector: 'job-name=indexed-job' })).items.filter((p) => p.status?.phase === 'Succeeded');
      const indexes = new Set<string>();
      for (const p of pods) {
        const index = p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'];
        assert.ok(index !== undefined, `${p.metadata?.name} has a completion index`);
        indexes.add(index);
        assert.equal(p.spec?.hostname, `indexed-job-${index}`, 'hostname from the job name and index');
        const env = p.spec?.containers[0]?.env?.find((e) => e.name === 'JOB_COMPLETION_INDEX');
        assert.equal(env?.valueFrom?.fieldRef?.fieldPath, "metadata.annotations['batch.kubernetes.io/job-completion-index']");
      }
      assert.deepEqual([...indexes].sort(), ['0', '1', '2', '3']);
    });

    it('[sig-apps] Job should delete a job [Conformance]', async () => {
      const ns = await testNamespace(m, 'job');
      await batch().createNamespacedJob({ namespace: ns, body: job('foo') });
      await activePods(ns, 'foo', 2);
      await batch().deleteNamespacedJob({ namespace: ns, name: 'foo', propagationPolicy: 'Foreground' });
      await eventually('job gone', async () => {
        try {
          await batch().readNamespacedJob({ namespace: ns, name: 'foo' });
          return undefined;
        } catch (err) {
          return (err as { code?: number }).code === 404 ? true : undefined;
        }
      });
      assert.equal((await core().listNamespacedPod({ namespace: ns, labelSelector: 'job-name=foo' })).items.length, 0, 'its pods are gone');
    });

    it('[sig-apps] Job should manage the lifecycle of a job [Conformance]', async () => {
      const ns = await testNamespace(m, 'job');
      const label = `e2e-job-label-${ns}`;
      await batch().createNamespacedJob({ namespace: ns, body: { ...job('suspended-job', { suspend: true }), metadata: { name: 'suspended-job', labels: { [label]: 'true' } } } });
      const patched = await batch().patchNamespacedJob({ namespace: ns, name: 'suspended-job', body: { metadata: { labels: { 'e2e-patched': 'true' } } } }, MERGE_PATCH);
      assert.equal(patched.metadata?.labels?.['e2e-patched'], 'true');
      const replaced = await retryOnConflict(async () => {
        const cur = await batch().readNamespacedJob({ namespace: ns, name: 'suspended-job' });
        cur.metadata!.annotations = { ...cur.metadata!.annotations, updated: 'true' };
        return batch().replaceNamespacedJob({ namespace: ns, name: 'suspended-job', body: cur });
      });
      assert.equal(replaced.metadata?.annotations?.updated, 'true');
      assert.equal((await batch().listJobForAllNamespaces({ labelSelector: `${label}=true` })).items.length, 1);
      assert.equal((await livePods(ns, 'job-name=suspended-job')).length, 0, 'a suspended job runs no pods');
      await batch().deleteCollectionNamespacedJob({ namespace: ns, labelSelector: `${label}=true` });
      await eventually('jobs deleted', async () => ((await batch().listNamespacedJob({ namespace: ns, labelSelector: `${label}=true` })).items.length === 0 ? true : undefined));
    });
  });

  describe('sig-apps: CronJob', SUITE, () => {
    it('[sig-apps] CronJob should support CronJob API operations [Conformance]', async () => {
      await exerciseKindApi(m, 'batch/v1', 'CronJob', {
        namespace: 'cronjob',
        make: () => ({ spec: { schedule: '@hourly', suspend: true, jobTemplate: { spec: job('x').spec } } }),
        statusPatch: { lastScheduleTime: '2024-01-01T00:00:00Z' },
      });
    });
  });

  function pdb(name: string, spec: V1PodDisruptionBudget['spec'], labels?: Record<string, string>): V1PodDisruptionBudget {
    return { metadata: { name, ...(labels ? { labels } : {}) }, spec };
  }

  async function runningPod(ns: string, name: string, labels: Record<string, string>): Promise<V1Pod> {
    await core().createNamespacedPod({ namespace: ns, body: { metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }], terminationGracePeriodSeconds: 0 } } });
    return waitForObject(`${name} Running`, () => core().readNamespacedPod({ namespace: ns, name }), (p) => p.status?.phase === 'Running');
  }

  describe('sig-apps: DisruptionController', { ...SUITE, concurrency: true }, () => {
    it('[sig-apps] DisruptionController should create a PodDisruptionBudget [Conformance]', async () => {
      const ns = await testNamespace(m, 'disruption', { waitForServiceAccount: false });
      await policy().createNamespacedPodDisruptionBudget({ namespace: ns, body: pdb('foo', { minAvailable: 2, selector: { matchLabels: { foo: 'bar' } } }) });
      const updated = await retryOnConflict(async () => {
        const cur = await policy().readNamespacedPodDisruptionBudget({ namespace: ns, name: 'foo' });
        cur.spec!.minAvailable = 3;
        return policy().replaceNamespacedPodDisruptionBudget({ namespace: ns, name: 'foo', body: cur });
      });
      assert.equal(updated.spec?.minAvailable, 3);
      const patched = await policy().patchNamespacedPodDisruptionBudget({ namespace: ns, name: 'foo', body: { spec: { minAvailable: null, maxUnavailable: 1 } } }, MERGE_PATCH);
      assert.deepEqual([patched.spec?.minAvailable, patched.spec?.maxUnavailable], [undefined, 1]);
      await policy().deleteNamespacedPodDisruptionBudget({ namespace: ns, name: 'foo' });
      await apiFailure(policy().readNamespacedPodDisruptionBudget({ namespace: ns, name: 'foo' }), 404, 'deleted budget');
    });

    it('[sig-apps] DisruptionController Listing PodDisruptionBudgets for all namespaces should list and delete a collection of PodDisruptionBudgets [Conformance]', async () => {
      const ns = await testNamespace(m, 'disruption', { waitForServiceAccount: false });
      const ns2 = await testNamespace(m, 'disruption-2', { waitForServiceAccount: false });
      const label = { 'e2e-pdb-collection': ns };
      for (const [n, name] of [[ns, 'pdb-1'], [ns, 'pdb-2'], [ns2, 'pdb-3']] as const) {
        await policy().createNamespacedPodDisruptionBudget({ namespace: n, body: pdb(name, { minAvailable: 1, selector: { matchLabels: { foo: 'bar' } } }, label) });
      }
      assert.equal((await policy().listPodDisruptionBudgetForAllNamespaces({ labelSelector: `e2e-pdb-collection=${ns}` })).items.length, 3);
      await policy().deleteCollectionNamespacedPodDisruptionBudget({ namespace: ns, labelSelector: `e2e-pdb-collection=${ns}` });
      const left = await policy().listPodDisruptionBudgetForAllNamespaces({ labelSelector: `e2e-pdb-collection=${ns}` });
      assert.deepEqual(left.items.map((p) => p.metadata?.name), ['pdb-3'], 'only the other namespace\'s budget remains');
    });

    it('[sig-apps] DisruptionController should observe PodDisruptionBudget status updated [Conformance]', async () => {
      const ns = await testNamespace(m, 'disruption');
      for (const i of [0, 1, 2]) await runningPod(ns, `pod-${i}`, { foo: 'bar' });
      await policy().createNamespacedPodDisruptionBudget({ namespace: ns, body: pdb('foo', { minAvailable: 2, selector: { matchLabels: { foo: 'bar' } } }) });
      const st = await waitForObject(
        'budget status computed',
        () => policy().readNamespacedPodDisruptionBudget({ namespace: ns, name: 'foo' }),
        (p) => p.status?.observedGeneration === p.metadata?.generation && p.status?.currentHealthy === 3,
      );
      assert.equal(st.status?.disruptionsAllowed, 1);
      assert.equal(st.status?.desiredHealthy, 2);
      assert.equal(st.status?.expectedPods, 3);
    });

    it('[sig-apps] DisruptionController should update/patch PodDisruptionBudget status [Conformance]', async () => {
      const ns = await testNamespace(m, 'disruption', { waitForServiceAccount: false });
      await policy().createNamespacedPodDisruptionBudget({ namespace: ns, body: pdb('foo', { minAvailable: 1, selector: { matchLabels: { foo: 'bar' } } }) });
      await waitForObject('first status', () => policy().readNamespacedPodDisruptionBudget({ namespace: ns, name: 'foo' }), (p) => p.status?.observedGeneration === 1);
      const updated = await retryOnConflict(async () => {
        const cur = await policy().readNamespacedPodDisruptionBudgetStatus({ namespace: ns, name: 'foo' });
        cur.status!.disruptedPods = { 'fake-pod': new Date(Date.UTC(2024, 0, 1)) };
        return policy().replaceNamespacedPodDisruptionBudgetStatus({ namespace: ns, name: 'foo', body: cur });
      });
      assert.ok(updated.status?.disruptedPods?.['fake-pod'], 'the status update is kept');
      const patched = await policy().patchNamespacedPodDisruptionBudgetStatus({ namespace: ns, name: 'foo', body: { status: { disruptedPods: { 'fake-pod': null, 'other-pod': '2024-01-01T00:00:00Z' } } } }, MERGE_PATCH);
      assert.ok(patched.status?.disruptedPods?.['other-pod']);
      assert.equal(patched.status?.disruptedPods?.['fake-pod'], undefined);
    });

    it('[sig-apps] DisruptionController should block an eviction until the PDB is updated to allow it [Conformance]', async () => {
      const ns = await testNamespace(m, 'disruption');
      await policy().createNamespacedPodDisruptionBudget({ namespace: ns, body: pdb('foo', { minAvailable: 3, selector: { matchLabels: { foo: 'bar' } } }) });
      for (const i of [0, 1, 2]) await runningPod(ns, `pod-${i}`, { foo: 'bar' });
      await waitForObject('budget sees 3 healthy', () => policy().readNamespacedPodDisruptionBudget({ namespace: ns, name: 'foo' }), (p) => p.status?.currentHealthy === 3);
      const evict = () => core().createNamespacedPodEviction({ namespace: ns, name: 'pod-0', body: { metadata: { name: 'pod-0', namespace: ns } } });
      const blocked = await apiFailure(evict(), 429, 'eviction against a budget with no room');
      assert.equal(blocked.reason, 'TooManyRequests');
      assert.equal(blocked.message, "Cannot evict pod as it would violate the pod's disruption budget.");
      await policy().patchNamespacedPodDisruptionBudget({ namespace: ns, name: 'foo', body: { spec: { minAvailable: 2 } } }, MERGE_PATCH);
      await waitForObject('budget allows one', () => policy().readNamespacedPodDisruptionBudget({ namespace: ns, name: 'foo' }), (p) => p.status?.disruptionsAllowed === 1);
      await evict();
      await waitForObject('pod-0 evicted', () => core().readNamespacedPod({ namespace: ns, name: 'pod-0' }).catch(() => ({ metadata: { deletionTimestamp: new Date() } }) as V1Pod), (p) => !!p.metadata?.deletionTimestamp);
    });
  });
}
