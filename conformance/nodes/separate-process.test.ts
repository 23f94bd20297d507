// Components in their own processes join a running cluster as a user starts them: a node agent
// (`wheelhouse kubelet --name node-4 --kubeconfig …`) runs the pods bound to it, and once stopped its
// lease stops moving while the other nodes' leases go on; a scheduler (`wheelhouse scheduler`) binds
// the pods that name it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, startCluster, type RunningCluster } from '../support/cluster.ts';
import { getJSON, pollUntil } from '../support/poll.ts';

let cluster: RunningCluster;
let kubelet: ChildProcess | undefined;
let scheduler: ChildProcess | undefined;
let childOutput = '';

before(async () => {
  cluster = await startCluster();
});

after(async () => {
  if (kubelet && kubelet.exitCode === null) kubelet.kill('SIGKILL');
  if (scheduler && scheduler.exitCode === null) scheduler.kill('SIGKILL');
  await cluster?.stop();
});

const get = (path: string) => getJSON(cluster, path);

const waitFor = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> =>
  pollUntil(what, fn, { timeoutMs, intervalMs: 100, context: () => `child output:\n${childOutput}` });

describe('components in their own processes', () => {
  it('joins the cluster, runs its pods, and its lease stops when it stops', { timeout: 90_000 }, async () => {
    kubelet = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'kubelet', '--name', 'node-4', '--kubeconfig', cluster.kubeconfig, '--node-labels', 'pool=extra'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KUBECONFIG: undefined },
    });
    kubelet.stdout!.on('data', (d: Buffer) => (childOutput += d.toString()));
    kubelet.stderr!.on('data', (d: Buffer) => (childOutput += d.toString()));

    const node = await waitFor('node-4 to be Ready', async () => {
      const r = await get('/api/v1/nodes/node-4');
      const ready = r.body.status?.conditions?.find((c: { type: string }) => c.type === 'Ready');
      return r.status === 200 && ready?.status === 'True' ? r.body : undefined;
    });
    assert.equal(node.metadata.labels.pool, 'extra');
    assert.match(node.spec.podCIDR, /^10\.244\.\d+\.0\/24$/);

    const res = await fetch(`${cluster.url}/api/v1/namespaces/default/pods`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'on-node-4' },
        spec: { nodeSelector: { pool: 'extra' }, containers: [{ name: 'app', image: 'nginx:1.27' }] },
      }),
    });
    assert.equal(res.status, 201);
    const pod = await waitFor('the pod to run on node-4', async () => {
      const r = await get('/api/v1/namespaces/default/pods/on-node-4');
      return r.body.status?.phase === 'Running' ? r.body : undefined;
    });
    assert.equal(pod.spec.nodeName, 'node-4');
    assert.ok(pod.status.podIP.startsWith(node.spec.podCIDR.replace(/0\/24$/, '')), `${pod.status.podIP} in ${node.spec.podCIDR}`);

    const renew = async (name: string) => (await get(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${name}`)).body.spec.renewTime as string;
    kubelet.kill('SIGTERM');
    await new Promise((r) => kubelet!.once('exit', r));
    const stopped = await renew('node-4');
    const other = await renew('node-1');
    // The default renewal period is 10 s: wait for node-1's lease to move, node-4's must not.
    await waitFor('node-1 to renew its lease', async () => ((await renew('node-1')) !== other ? true : undefined), 25_000);
    assert.equal(await renew('node-4'), stopped, 'the stopped agent no longer renews');
  });

  it('a scheduler in its own process binds the pods that name it', { timeout: 60_000 }, async () => {
    scheduler = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'scheduler', '--kubeconfig', cluster.kubeconfig, '--scheduler-name', 'second-scheduler'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KUBECONFIG: undefined },
    });
    scheduler.stdout!.on('data', (d: Buffer) => (childOutput += d.toString()));
    scheduler.stderr!.on('data', (d: Buffer) => (childOutput += d.toString()));
    const res = await fetch(`${cluster.url}/api/v1/namespaces/default/pods`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'second' },
        spec: { schedulerName: 'second-scheduler', containers: [{ name: 'app', image: 'nginx:1.27' }] },
      }),
    });
    assert.equal(res.status, 201);
    const pod = await waitFor('the pod to run', async () => {
      const r = await get('/api/v1/namespaces/default/pods/second');
      return r.body.status?.phase === 'Running' ? r.body : undefined;
    });
    const events = (await get('/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dsecond,reason%3DScheduled')).body.items;
    assert.equal(events.length, 1);
    assert.equal(events[0].reportingComponent, 'second-scheduler');
    assert.equal(events[0].message, `Successfully assigned default/second to ${pod.spec.nodeName}`);
    scheduler.kill('SIGTERM');
    await new Promise((r) => scheduler!.once('exit', r));
  });
});
