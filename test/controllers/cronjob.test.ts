// The CronJob controller against a real API server, Job controller and hollow nodes. One CronJob
// fires on a real one-minute schedule (created first, checked last, so the wait overlaps the other
// tests); the rest make a run due at once by moving status.lastScheduleTime into the past on a
// suspended CronJob and then resuming it, which is how the controller catches up after downtime:
// job naming, the scheduled-timestamp annotation in spec.timeZone, too many missed runs, Forbid,
// Replace, the history limits, the active list and lastSuccessfulTime.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchV1Api, type CoreV1Event, type V1CronJob, type V1Job } from '@kubernetes/client-node';
import { startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;
let batch: BatchV1Api;
let firingCreatedAt = 0;

const T = { timeout: 90_000 };
const NS = 'default';
const EXIT_AFTER = 'sim.wheelhouse.io/exit-after';
const EXIT_CODE = 'sim.wheelhouse.io/exit-code';
const STAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

interface CronOpts {
  suspend?: boolean;
  concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  timeZone?: string;
  annotations?: Record<string, string>;
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
}

function cronJob(name: string, o: CronOpts = {}): V1CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: {
      schedule: '*/1 * * * *',
      suspend: o.suspend,
      concurrencyPolicy: o.concurrencyPolicy,
      timeZone: o.timeZone,
      successfulJobsHistoryLimit: o.successfulJobsHistoryLimit,
      failedJobsHistoryLimit: o.failedJobsHistoryLimit,
      jobTemplate: {
        metadata: { labels: { app: name } },
        spec: {
          backoffLimit: 0,
          template: {
            metadata: { annotations: o.annotations },
            spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36' }] },
          },
        },
      },
    },
  };
}

/** A Job the test creates as if the CronJob had (controller ownerReference). */
function ownedJob(name: string, cj: V1CronJob, annotations?: Record<string, string>): V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata!.name!, uid: cj.metadata!.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      backoffLimit: 0,
      template: { metadata: { annotations }, spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36' }] } },
    },
  };
}

before(async () => {
  c = await startNodesCluster({
    nodes: ['node-1'],
    controllers: ['cronjob-controller', 'job-controller', 'garbage-collector-controller', 'serviceaccount-controller'],
  });
  batch = c.kc.makeApiClient(BatchV1Api);
  firingCreatedAt = Date.now();
  await batch.createNamespacedCronJob({ namespace: NS, body: cronJob('tick', { annotations: { [EXIT_AFTER]: '300ms' } }) });
});

after(async () => {
  await c?.stop();
});

async function events(name: string): Promise<CoreV1Event[]> {
  return (await c.core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name}` })).items;
}

async function jobsOf(uid: string): Promise<V1Job[]> {
  return (await batch.listNamespacedJob({ namespace: NS })).items.filter((j) => j.metadata?.ownerReferences?.some((r) => r.uid === uid && r.controller));
}

/** Make a run due now: pretend the last one was `agoMs` ago, with these active Jobs, then resume. */
async function catchUp(name: string, agoMs: number, active: V1Job[] = []): Promise<void> {
  const cj = await batch.readNamespacedCronJob({ name, namespace: NS });
  cj.status = {
    lastScheduleTime: new Date(Math.floor((Date.now() - agoMs) / 60_000) * 60_000),
    active: active.length
      ? active.map((j) => ({ kind: 'Job', apiVersion: 'batch/v1', namespace: NS, name: j.metadata!.name!, uid: j.metadata!.uid! }))
      : undefined,
  };
  await batch.replaceNamespacedCronJobStatus({ name, namespace: NS, body: cj });
  await batch.patchNamespacedCronJob({ name, namespace: NS, body: [{ op: 'replace', path: '/spec/suspend', value: false }] });
}

describe('CronJob controller', () => {
  it('catches up on a missed run: job name, annotation in the time zone, status, TooManyMissedTimes', T, async () => {
    const cj = await batch.createNamespacedCronJob({ namespace: NS, body: cronJob('late', { suspend: true, timeZone: 'Asia/Kolkata' }) });
    const before = Math.floor(Date.now() / 60_000);
    await catchUp('late', 3 * 3600_000);
    const [job] = await waitFor('the catch-up Job', async () => {
      const js = await jobsOf(cj.metadata!.uid!);
      return js.length ? js : undefined;
    });
    const after = Math.floor(Date.now() / 60_000);
    const m = /^late-(\d+)$/.exec(job!.metadata!.name!);
    assert.ok(m, job!.metadata!.name);
    const minutes = Number(m[1]);
    assert.ok(minutes >= before && minutes <= after, `${minutes} not in [${before}, ${after}]`);
    // 05:30 ahead of UTC, whole minutes.
    const local = new Date(minutes * 60_000 + 5.5 * 3600_000).toISOString().slice(0, 16);
    assert.equal(job!.metadata?.annotations?.[STAMP], `${local}:00+05:30`);
    assert.equal(job!.metadata?.labels?.app, 'late');
    assert.deepEqual(
      job!.metadata?.ownerReferences?.map((r) => ({ ...r })),
      [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'late', uid: cj.metadata!.uid!, controller: true, blockOwnerDeletion: true }],
    );
    const s = await waitFor('status with the active Job', async () => {
      const x = await batch.readNamespacedCronJob({ name: 'late', namespace: NS });
      return x.status?.active?.length === 1 ? x.status : undefined;
    });
    assert.equal(s.active![0]!.name, job!.metadata!.name);
    assert.equal(s.active![0]!.uid, job!.metadata!.uid);
    assert.equal(new Date(s.lastScheduleTime!).getTime(), minutes * 60_000);
    const evs = await waitFor('events', async () => {
      const e = await events('late');
      return e.some((x) => x.reason === 'SuccessfulCreate') && e.some((x) => x.reason === 'TooManyMissedTimes') ? e : undefined;
    });
    assert.equal(evs.find((x) => x.reason === 'SuccessfulCreate')?.message, `Created job ${job!.metadata!.name}`);
    assert.equal(evs.find((x) => x.reason === 'TooManyMissedTimes')?.type, 'Warning');
    assert.equal(evs.find((x) => x.reason === 'SuccessfulCreate')?.source?.component, 'cronjob-controller');
  });

  it('Forbid skips a due run while a Job is active', T, async () => {
    const cj = await batch.createNamespacedCronJob({ namespace: NS, body: cronJob('solo', { suspend: true, concurrencyPolicy: 'Forbid' }) });
    const running = await batch.createNamespacedJob({ namespace: NS, body: ownedJob('solo-manual', cj) });
    await catchUp('solo', 10 * 60_000, [running]);
    const ev = await waitFor('JobAlreadyActive', async () => (await events('solo')).find((x) => x.reason === 'JobAlreadyActive'));
    assert.equal(ev.message, 'Not starting job because prior execution is running and concurrency policy is Forbid');
    assert.deepEqual(
      (await jobsOf(cj.metadata!.uid!)).map((j) => j.metadata?.name),
      ['solo-manual'],
    );
  });

  it('Replace deletes the active Job and starts the due run', T, async () => {
    const cj = await batch.createNamespacedCronJob({ namespace: NS, body: cronJob('swap', { suspend: true, concurrencyPolicy: 'Replace' }) });
    const running = await batch.createNamespacedJob({ namespace: NS, body: ownedJob('swap-manual', cj) });
    await catchUp('swap', 10 * 60_000, [running]);
    const status = await waitFor('the replacement is the only active Job', async () => {
      const x = await batch.readNamespacedCronJob({ name: 'swap', namespace: NS });
      const a = x.status?.active ?? [];
      return a.length === 1 && a[0]!.name !== 'swap-manual' ? x.status : undefined;
    });
    assert.match(status.active![0]!.name!, /^swap-\d+$/);
    await waitFor('the old Job gone', async () => !(await jobsOf(cj.metadata!.uid!)).some((j) => j.metadata?.name === 'swap-manual' && !j.metadata.deletionTimestamp));
    const ev = await waitFor('SuccessfulDelete', async () => (await events('swap')).find((x) => x.reason === 'SuccessfulDelete'));
    assert.equal(ev.message, 'Deleted job swap-manual');
  });

  it('keeps only the newest finished Jobs within the history limits and records lastSuccessfulTime', T, async () => {
    const cj = await batch.createNamespacedCronJob({
      namespace: NS,
      body: cronJob('hist', { suspend: true, successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }),
    });
    const ok = { [EXIT_AFTER]: '200ms' };
    const bad = { [EXIT_AFTER]: '200ms', [EXIT_CODE]: '1' };
    // Started one after the other, so their start times order them.
    for (const [name, ann] of [['hist-ok-1', ok], ['hist-bad-1', bad], ['hist-ok-2', ok], ['hist-bad-2', bad]] as const) {
      await batch.createNamespacedJob({ namespace: NS, body: ownedJob(name, cj, ann) });
      await waitFor(`${name} started`, async () => (await batch.readNamespacedJob({ name, namespace: NS })).status?.startTime);
      await new Promise((r) => setTimeout(r, 1100));
    }
    await waitFor('only the newest of each kept', async () => {
      const names = (await jobsOf(cj.metadata!.uid!)).filter((j) => !j.metadata?.deletionTimestamp).map((j) => j.metadata!.name!);
      return names.sort().join(',') === 'hist-bad-2,hist-ok-2';
    }, 30_000);
    const x = await batch.readNamespacedCronJob({ name: 'hist', namespace: NS });
    const ok2 = await batch.readNamespacedJob({ name: 'hist-ok-2', namespace: NS });
    assert.equal(new Date(x.status!.lastSuccessfulTime!).getTime(), new Date(ok2.status!.completionTime!).getTime());
    const deleted = (await events('hist')).filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message).sort();
    assert.deepEqual(deleted, ['Deleted job hist-bad-1', 'Deleted job hist-ok-1']);
  });

  it('fires on the one-minute schedule, then sees the Job complete', T, async () => {
    const cj = await batch.readNamespacedCronJob({ name: 'tick', namespace: NS });
    const firstRun = Math.floor(firingCreatedAt / 60_000) + 1;
    const job = await waitFor(
      'the scheduled Job',
      async () => (await jobsOf(cj.metadata!.uid!))[0],
      (firstRun + 1) * 60_000 - Date.now() + 10_000,
    );
    const minutes = Number(/^tick-(\d+)$/.exec(job.metadata!.name!)?.[1]);
    assert.ok(minutes === firstRun || minutes === firstRun + 1, `${job.metadata?.name}, first run at ${firstRun}`);
    assert.equal(job.metadata?.annotations?.[STAMP], new Date(minutes * 60_000).toISOString().replace('.000Z', 'Z'));
    const s = await waitFor('the completed Job seen', async () => {
      const x = await batch.readNamespacedCronJob({ name: 'tick', namespace: NS });
      return !x.status?.active?.length && x.status?.lastSuccessfulTime ? x.status : undefined;
    });
    assert.equal(new Date(s.lastScheduleTime!).getTime(), minutes * 60_000);
    const ev = await waitFor('SawCompletedJob', async () => (await events('tick')).find((x) => x.reason === 'SawCompletedJob'));
    assert.equal(ev.message, `Saw completed job: ${job.metadata!.name}, condition: Complete`);
  });
});
