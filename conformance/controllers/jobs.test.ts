// Jobs and CronJobs through real kubectl (PATH's and the oldest, 1.27) against `wheelhouse up`:
// a Job run to completion (`kubectl wait --for=condition=complete`, `kubectl get jobs`, `kubectl logs
// job/x`), a failing Job that reaches its backoffLimit (`--for=condition=failed`), `kubectl create
// job` and `kubectl create job --from=cronjob/x`, and a CronJob created with `kubectl create cronjob`
// firing on a one-minute schedule (checked last, so the wait overlaps the other tests).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCluster, type RunningCluster } from '../support/cluster.ts';
import { findKubectlBinaries, Kubectl, show, type KubectlBinary } from '../support/kubectl.ts';

const all = findKubectlBinaries();
const binaries = all.filter((b) => b.onPath || (b.major === 1 && b.minor === 27));

let cluster: RunningCluster;
const cronCreatedAt = new Map<string, number>();

before(async () => {
  cluster = await startCluster({ args: ['--runtime-latency-scale', '0.1'] });
});

after(async () => {
  await cluster?.stop();
});

const T = { timeout: 90_000 };

function nsFor(bin: KubectlBinary): string {
  return bin.onPath ? 'jobs-path' : `jobs-${bin.major}-${bin.minor}`;
}

interface JobObj {
  metadata: { name: string; uid: string; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[] };
  status?: { succeeded?: number; failed?: number; active?: number; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

function jobYaml(name: string, opts: { exitCode?: number; backoffLimit?: number; completions?: number }): string {
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
  completions: ${opts.completions ?? 1}
  backoffLimit: ${opts.backoffLimit ?? 6}
  template:
    metadata:
      annotations:
        sim.wheelhouse.io/exit-after: 500ms
        sim.wheelhouse.io/exit-code: "${opts.exitCode ?? 0}"
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox:1.36
        command: ["sh", "-c", "echo done"]
`;
}

const clients = new Map<string, Kubectl>();

for (const bin of binaries) {
  const ns = nsFor(bin);

  describe(`${bin.label} ${bin.gitVersion}`, () => {
    let k: Kubectl;

    before(() => {
      k = new Kubectl(bin, cluster.kubeconfig, 90_000);
      clients.set(ns, k);
    });

    const getJSON = async <X = JobObj>(args: string[]): Promise<X> => JSON.parse((await k.ok([...args, '-n', ns, '-o', 'json'])).stdout) as X;

    it('create cronjob (fires later), create job, create job --from=cronjob', T, async () => {
      await k.okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
      await k.okPrints(['-n', ns, 'create', 'cronjob', 'tick', '--image=busybox:1.36', '--schedule=*/1 * * * *'], 'cronjob.batch/tick created\n');
      cronCreatedAt.set(ns, Date.now());

      await k.okPrints(['-n', ns, 'create', 'job', 'plain', '--image=busybox:1.36', '--', 'sleep', '3600'], 'job.batch/plain created\n');
      const pods = await k.ok(['-n', ns, 'wait', '--for=condition=ready', 'pod', '-l', 'batch.kubernetes.io/job-name=plain', '--timeout=60s']);
      assert.match(pods.stdout, /^pod\/plain-[a-z0-9]{5} condition met\n$/, show(pods));
      const running = await k.ok(['-n', ns, 'get', 'job', 'plain']);
      assert.match(running.stdout, /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\nplain\s+Running\s+0\/1\s+\S+\s+\S+\n$/, show(running));

      await k.okPrints(['-n', ns, 'create', 'job', 'manual', '--from=cronjob/tick'], 'job.batch/manual created\n');
      const cj = await getJSON<{ metadata: { uid: string } }>(['get', 'cronjob', 'tick']);
      const manual = await getJSON(['get', 'job', 'manual']);
      assert.equal(manual.metadata.annotations?.['cronjob.kubernetes.io/instantiate'], 'manual');
      // kubectl 1.27 leaves `controller` unset on this reference; later ones set it.
      assert.deepEqual(
        manual.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid]),
        [['CronJob', 'tick', cj.metadata.uid]],
      );
      // The Job controller runs it: a pod named after the Job.
      const p = await k.ok(['-n', ns, 'wait', '--for=condition=ready', 'pod', '-l', 'batch.kubernetes.io/job-name=manual', '--timeout=60s']);
      assert.match(p.stdout, /^pod\/manual-[a-z0-9]{5} condition met\n$/, show(p));
    });

    it('a Job to completion: wait --for=condition=complete, get jobs, logs job/x', T, async () => {
      await k.okPrints(['-n', ns, 'create', '-f', k.writeFile('done.yaml', jobYaml('done', { completions: 2 }))], 'job.batch/done created\n');
      await k.okPrints(['-n', ns, 'wait', '--for=condition=complete', 'job/done', '--timeout=60s'], 'job.batch/done condition met\n');
      const got = await k.ok(['-n', ns, 'get', 'jobs', 'done']);
      assert.match(got.stdout, /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\ndone\s+Complete\s+2\/2\s+\d+s\s+\S+\n$/, show(got));
      const j = await getJSON(['get', 'job', 'done']);
      assert.equal(j.status?.succeeded, 2);
      assert.deepEqual(
        j.status?.conditions?.map((c) => [c.type, c.status]),
        [
          ['SuccessCriteriaMet', 'True'],
          ['Complete', 'True'],
        ],
      );
      const logs = await k.run(['-n', ns, 'logs', 'job/done']);
      assert.equal(logs.code, 0, show(logs));
      assert.match(logs.stderr, /^(Found 2 pods, using pod\/done-[a-z0-9]{5}\n)?$/, show(logs));
      const names = await k.ok(['-n', ns, 'get', 'pods', '-l', 'batch.kubernetes.io/job-name=done', '-o', 'jsonpath={.items[*].status.phase}']);
      assert.equal(names.stdout, 'Succeeded Succeeded', show(names));
    });

    it('a failing Job reaches its backoffLimit: wait --for=condition=failed', T, async () => {
      await k.okPrints(['-n', ns, 'create', '-f', k.writeFile('bad.yaml', jobYaml('bad', { exitCode: 1, backoffLimit: 0 }))], 'job.batch/bad created\n');
      await k.okPrints(['-n', ns, 'wait', '--for=condition=failed', 'job/bad', '--timeout=60s'], 'job.batch/bad condition met\n');
      const got = await k.ok(['-n', ns, 'get', 'jobs', 'bad']);
      assert.match(got.stdout, /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\nbad\s+Failed\s+0\/1\s+\S+\s+\S+\n$/, show(got));
      const j = await getJSON(['get', 'job', 'bad']);
      assert.equal(j.status?.failed, 1);
      const failed = j.status?.conditions?.find((c) => c.type === 'Failed');
      assert.deepEqual([failed?.reason, failed?.message], ['BackoffLimitExceeded', 'Job has reached the specified backoff limit']);
      const ev = await k.ok(['-n', ns, 'get', 'events', '--field-selector', 'involvedObject.name=bad,reason=BackoffLimitExceeded', '-o', 'jsonpath={.items[*].message}']);
      assert.equal(ev.stdout, 'Job has reached the specified backoff limit', show(ev));
    });
  });
}

describe('CronJobs created above', () => {
  it('fire on their one-minute schedule', T, async () => {
    for (const [ns, createdAt] of cronCreatedAt) {
      const k = clients.get(ns)!;
      const firstRun = Math.floor(createdAt / 60_000) + 1;
      const deadline = (firstRun + 1) * 60_000 + 15_000;
      let jobs: JobObj[] = [];
      while (Date.now() < deadline) {
        const list = JSON.parse((await k.ok(['-n', ns, 'get', 'jobs', '-o', 'json'])).stdout) as { items: JobObj[] };
        jobs = list.items.filter((j) => /^tick-\d+$/.test(j.metadata.name));
        if (jobs.length) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      assert.equal(jobs.length, 1, `no scheduled Job in ${ns}`);
      const minutes = Number(jobs[0]!.metadata.name.slice('tick-'.length));
      assert.ok(minutes === firstRun || minutes === firstRun + 1, `${jobs[0]!.metadata.name}: first run at ${firstRun}`);
      assert.equal(jobs[0]!.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], new Date(minutes * 60_000).toISOString().replace('.000Z', 'Z'));
      let row = '';
      for (let i = 0; i < 30; i++) {
        row = (await k.ok(['-n', ns, 'get', 'cronjob', 'tick', '--no-headers'])).stdout;
        if (/^tick\s+\*\/1 \* \* \* \*\s+(<none>\s+)?False\s+1\s+\d+s\s+\S+\n$/.test(row)) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.match(row, /^tick\s+\*\/1 \* \* \* \*\s+(<none>\s+)?False\s+1\s+\d+s\s+\S+\n$/);
    }
  });

  after(() => {
    for (const k of clients.values()) k.cleanup();
  });
});
