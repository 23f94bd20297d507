// A node dies: `wheelhouse up --nodes 1 --no-controller-manager`, a `wheelhouse controller-manager`
// with a short --node-monitor-grace-period, and a `wheelhouse kubelet` in its own process that is
// SIGKILLed. kubectl then shows the node NotReady, `describe node` its unreachable taints and Unknown
// conditions (NodeStatusUnknown) and the controller's NodeNotReady event, and a pod on it that does not
// tolerate the unreachable taint for long is evicted (Terminating, DisruptionTarget). The embedded node
// keeps its lease (renewed every 10 s, hence a 20 s grace period) and stays Ready, so the cluster is not
// in full disruption.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, startCluster, type RunningCluster } from '../support/cluster.ts';
import { getJSON, pollUntil } from '../support/poll.ts';
import { findKubectlBinaries, Kubectl, show } from '../support/kubectl.ts';

let cluster: RunningCluster;
const children: ChildProcess[] = [];
let output = '';
const NODE = 'node-dies';

function wheelhouse(args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KUBECONFIG: undefined },
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  children.push(child);
  return child;
}

before(async () => {
  cluster = await startCluster({ args: ['--nodes', '1', '--no-controller-manager', '--disable-admission-plugins', 'ServiceAccount'] });
  wheelhouse([
    'controller-manager',
    '--kubeconfig',
    cluster.kubeconfig,
    '--controllers',
    'node-ipam-controller,node-lifecycle-controller,taint-eviction-controller',
    '--node-monitor-grace-period',
    '20s',
    '--node-monitor-period',
    '1s',
  ]);
});

after(async () => {
  for (const c of children) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    c.kill('SIGTERM');
    await Promise.race([new Promise((r) => c.once('exit', r)), new Promise((r) => setTimeout(r, 10_000))]);
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
  await cluster?.stop();
});

const get = (path: string) => getJSON(cluster, path);

const waitFor = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> =>
  pollUntil(what, fn, { timeoutMs, intervalMs: 500, context: () => `process output:\n${output.slice(-8000)}\nup output:\n${cluster.output().slice(-4000)}` });

const ready = (n: any) => n?.status?.conditions?.find((c: { type: string }) => c.type === 'Ready')?.status;

describe('a node that dies', () => {
  it('goes NotReady with unreachable taints, and its pods are evicted', { timeout: 180_000 }, async () => {
    const bin = findKubectlBinaries().find((b) => b.onPath)!;
    const k = new Kubectl(bin, cluster.kubeconfig, 30_000);
    try {
      const kubelet = wheelhouse(['kubelet', '--name', NODE, '--kubeconfig', cluster.kubeconfig]);
      await waitFor(`${NODE} and node-1 Ready`, async () => {
        const a = await get(`/api/v1/nodes/${NODE}`);
        const b = await get('/api/v1/nodes/node-1');
        return ready(a.body) === 'True' && ready(b.body) === 'True' ? true : undefined;
      });

      // A pod tolerating the unreachable taint for no time at all (bound directly to the node).
      const res = await fetch(`${cluster.url}/api/v1/namespaces/default/pods`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'on-dying-node' },
          spec: {
            nodeName: NODE,
            containers: [{ name: 'app', image: 'nginx:1.27' }],
            tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }],
          },
        }),
      });
      assert.equal(res.status, 201);
      await waitFor('the pod to run', async () => ((await get('/api/v1/namespaces/default/pods/on-dying-node')).body.status?.phase === 'Running' ? true : undefined));

      kubelet.kill('SIGKILL');
      await new Promise((r) => (kubelet.exitCode !== null || kubelet.signalCode !== null ? r(undefined) : kubelet.once('exit', r)));

      // kubectl get nodes: NotReady for the dead node, Ready for the other.
      const table = await waitFor(`kubectl get nodes to show ${NODE} NotReady`, async () => {
        const r = await k.run(['get', 'nodes']);
        return r.code === 0 && new RegExp(`^${NODE}\\s+NotReady\\s`, 'm').test(r.stdout) ? r : undefined;
      });
      assert.match(table.stdout, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/m, show(table));
      assert.match(table.stdout, /^node-1\s+Ready\s/m, show(table));

      // kubectl describe node: taints, Unknown conditions, the controller's event.
      const d = await waitFor(`describe ${NODE} to show both unreachable taints`, async () => {
        const r = await k.run(['describe', 'node', NODE]);
        return r.code === 0 && /node\.kubernetes\.io\/unreachable:NoExecute/.test(r.stdout) && /node\.kubernetes\.io\/unreachable:NoSchedule/.test(r.stdout) ? r : undefined;
      });
      const out = d.stdout;
      const taintBlock = /^Taints:\s+(.*)\n((?:\s{10,}\S.*\n)*)/m.exec(out);
      assert.ok(taintBlock, show(d));
      const taints = [taintBlock[1]!, ...taintBlock[2]!.split('\n')].map((s) => s.trim()).filter(Boolean).sort();
      assert.deepEqual(taints, ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule'], show(d));
      for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']) {
        assert.match(out, new RegExp(`^\\s+${type}\\s+Unknown\\s+.*\\s+NodeStatusUnknown\\s+Kubelet stopped posting node status\\.$`, 'm'), `${type}\n${show(d)}`);
      }
      assert.match(out, new RegExp(`Normal\\s+NodeNotReady\\s+.*node-controller\\s+Node ${NODE} status is now: NodeNotReady`), show(d));
      assert.match(out, new RegExp(`Normal\\s+RegisteredNode\\s+.*node-controller\\s+Node ${NODE} event: Registered Node ${NODE} in Controller`), show(d));

      // The pod: marked for deletion by the taint eviction controller; nobody is left to finish it.
      const evicted = await waitFor('the pod to be evicted', async () => {
        const p = (await get('/api/v1/namespaces/default/pods/on-dying-node')).body;
        return p.metadata?.deletionTimestamp ? p : undefined;
      });
      const dt = evicted.status.conditions.find((c: { type: string }) => c.type === 'DisruptionTarget');
      assert.equal(dt?.reason, 'DeletionByTaintManager');
      assert.equal(dt?.message, 'Taint manager: deleting due to NoExecute taint');
      const pods = await k.ok(['get', 'pod', 'on-dying-node']);
      assert.match(pods.stdout, /^on-dying-node\s+\d\/1\s+Terminating\s/m, show(pods));
      // Upstream's eviction event names the pod without its UID, so `describe pod` (which selects
      // events by UID) does not show it; `get events` does. The NodeNotReady warning carries the UID.
      const ev = await waitFor('the eviction event', async () => {
        const r = await k.run(['get', 'events', '--field-selector', 'involvedObject.name=on-dying-node']);
        return /TaintManagerEviction/.test(r.stdout) ? r : undefined;
      });
      assert.match(ev.stdout, /Normal\s+TaintManagerEviction\s+pod\/on-dying-node\s+Marking for deletion Pod default\/on-dying-node$/m, show(ev));
      const pd = await waitFor('describe pod to show NodeNotReady', async () => {
        const r = await k.run(['describe', 'pod', 'on-dying-node']);
        return /NodeNotReady/.test(r.stdout) ? r : undefined;
      });
      assert.match(pd.stdout, /Warning\s+NodeNotReady\s+.*node-controller\s+Node is not ready/, show(pd));
    } finally {
      k.cleanup();
    }
  });
});
