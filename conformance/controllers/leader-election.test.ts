// Two `wheelhouse controller-manager` processes against one cluster: only the holder of the
// kube-system/kube-controller-manager Lease runs its controllers; SIGKILL it and the other takes the
// lease over once it expires and does the work (a new Node gets its pod CIDR).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, startCluster, type RunningCluster } from '../support/cluster.ts';
import { getJSON, pollUntil } from '../support/poll.ts';

let cluster: RunningCluster;

interface Manager {
  child: ChildProcess;
  output: () => string;
  identity: Promise<string>;
}

const managers: Manager[] = [];

function startManager(kubeconfig: string): Manager {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'controller-manager',
      '--kubeconfig',
      kubeconfig,
      '--leader-elect-lease-duration',
      '4',
      '--leader-elect-renew-deadline',
      '3',
      '--leader-elect-retry-period',
      '1',
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: undefined } },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const identity = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start line:\n${out}`)), 30_000);
    child.stdout!.on('data', () => {
      const m = /controller manager (\S+) started/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  const m = { child, output: () => out, identity };
  managers.push(m);
  return m;
}

const get = (path: string) => getJSON(cluster, path);

const waitFor = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> =>
  pollUntil(what, fn, { timeoutMs, intervalMs: 200, context: () => managers.map((m) => m.output()).join('\n---\n') });

async function createNode(name: string): Promise<void> {
  const r = await fetch(`${cluster.url}/api/v1/nodes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name } }),
  });
  assert.equal(r.status, 201);
}

const podCIDR = (name: string) =>
  waitFor(`a pod CIDR for ${name}`, async () => {
    const n = await get(`/api/v1/nodes/${name}`);
    return n.body.spec?.podCIDR as string | undefined;
  });

before(async () => {
  cluster = await startCluster({ args: ['--nodes', '0', '--no-controller-manager'] });
});

after(async () => {
  for (const m of managers) if (m.child.exitCode === null) m.child.kill('SIGKILL');
  await cluster?.stop();
});

describe('controller manager leader election', () => {
  it('only the lease holder acts; when it dies the other takes over', { timeout: 120_000 }, async () => {
    const a = startManager(cluster.kubeconfig);
    const b = startManager(cluster.kubeconfig);
    const ids = [await a.identity, await b.identity];
    assert.notEqual(ids[0], ids[1]);

    const lease = () => get('/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager');
    const first = await waitFor('a leader', async () => {
      const l = await lease();
      return ids.includes(l.body.spec?.holderIdentity) ? l.body : undefined;
    });
    const leader = first.spec.holderIdentity === ids[0] ? a : b;
    const standby = leader === a ? b : a;
    assert.equal(first.spec.leaseDurationSeconds, 4);
    await waitFor('the leader to run its controllers', async () => (/controller manager running/.test(leader.output()) ? true : undefined));
    await createNode('le-1');
    assert.match(await podCIDR('le-1'), /^10\.244\.\d+\.0\/24$/);
    assert.doesNotMatch(standby.output(), /controller manager running/, 'the standby must not run controllers');

    leader.child.kill('SIGKILL');
    const taken = await waitFor('the standby to take the lease', async () => {
      const l = await lease();
      return l.body.spec?.holderIdentity === (await standby.identity) ? l.body : undefined;
    });
    assert.equal(taken.spec.leaseTransitions, (first.spec.leaseTransitions ?? 0) + 1);
    await createNode('le-2');
    const second = await podCIDR('le-2');
    assert.notEqual(second, await podCIDR('le-1'), 'the new leader rebuilt the allocation from the Nodes');
    const events = await get('/api/v1/namespaces/kube-system/events?fieldSelector=reason=LeaderElection');
    const messages = events.body.items.map((e: { message: string }) => e.message);
    assert.ok(messages.includes(`${await standby.identity} became leader`), JSON.stringify(messages));
  });
});
