// kubectl drain with a PodDisruptionBudget, through real kubectl (PATH's and the oldest, kubectl.1.27)
// against `wheelhouse up`: `kubectl create pdb` and `get pdb` with upstream's columns, then a drain of
// node-1 whose two pods of a Deployment may only go one at a time — kubectl's concurrent evictions get
// the 429 of the eviction subresource, retry after 5 s, and finish once the disruption controller has
// seen the replacement ready — and `kubectl uncordon`. Each binary gets its own namespace.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { clusterForFile } from '../support/cluster.ts';
import { findKubectlBinaries, show, type KubectlBinary, kubectlForSuite } from '../support/kubectl.ts';

const binaries = findKubectlBinaries().filter((b) => b.onPath || (b.major === 1 && b.minor === 27));

const cluster = clusterForFile({ args: ['--runtime-latency-scale', '0.1'] });

const T = { timeout: 120_000 };
const NODE = 'node-1';

function nsFor(bin: KubectlBinary): string {
  return bin.onPath ? 'drain-path' : `drain-${bin.major}-${bin.minor}`;
}

/** Six replicas spread (softly, so the drained pods can go elsewhere) over the three nodes: two on each. */
function deployment(ns: string): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: ns },
    spec: {
      replicas: 6,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }],
          containers: [{ name: 'web', image: 'nginx' }],
        },
      },
    },
  });
}

interface PodList {
  items: { metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string } }[];
}

for (const bin of binaries) {
  const ns = nsFor(bin);

  describe(`${bin.label} ${bin.gitVersion}`, () => {
    const k = kubectlForSuite(bin, cluster, 90_000);

    const pods = async (): Promise<PodList['items']> => (JSON.parse((await k.ok(['-n', ns, 'get', 'pods', '-l', 'app=web', '-o', 'json'])).stdout) as PodList).items;

    /** Polls `kubectl get pdb` until the ALLOWED DISRUPTIONS column shows the wanted number. */
    const pdbRow = async (allowed: number): Promise<string[]> => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const r = await k.ok(['-n', ns, 'get', 'pdb', '--no-headers']);
        const cells = r.stdout.trim().split(/\s+/);
        if (cells[3] === String(allowed)) return cells;
        if (Date.now() > deadline) assert.fail(`pdb never allowed ${allowed}\n${show(r)}`);
        await new Promise((res) => setTimeout(res, 200));
      }
    };

    it('create pdb, get pdb, drain a node one pod at a time, uncordon', T, async () => {
      await k.okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
      const file = k.writeFile('web.json', deployment(ns));
      await k.okPrints(['apply', '-f', file], 'deployment.apps/web created\n');
      await k.ok(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=90s']);
      await k.okPrints(['-n', ns, 'create', 'pdb', 'web', '--selector=app=web', '--max-unavailable=1'], 'poddisruptionbudget.policy/web created\n');

      const header = (await k.ok(['-n', ns, 'get', 'pdb'])).stdout.split('\n')[0]!;
      assert.deepEqual(header.trim().split(/\s{2,}/), ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE']);
      assert.deepEqual((await pdbRow(1)).slice(0, 4), ['web', 'N/A', '1', '1']);

      const onNode = (await pods()).filter((p) => p.spec.nodeName === NODE).map((p) => p.metadata.name);
      assert.equal(onNode.length, 2, 'two replicas on the drained node');

      const r = await k.run(['drain', NODE, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=90s']);
      assert.equal(r.code, 0, show(r));
      const out = r.stdout.split('\n');
      assert.equal(out[0], `node/${NODE} cordoned`, show(r));
      assert.equal(out.filter(Boolean).at(-1), `node/${NODE} drained`, show(r));
      for (const name of onNode) {
        assert.ok(out.includes(`evicting pod ${ns}/${name}`), show(r));
        assert.ok(out.includes(`pod/${name} evicted`), show(r));
      }
      // Only one of the two could go at first: the other was refused and retried.
      assert.match(
        r.stderr,
        new RegExp(`error when evicting pods/"web-[a-z0-9-]+" -n "${ns}" \\(will retry after 5s\\): Cannot evict pod as it would violate the pod's disruption budget\\.`),
        show(r),
      );

      const node = JSON.parse((await k.ok(['get', 'node', NODE, '-o', 'json'])).stdout) as { spec: { unschedulable?: boolean } };
      assert.equal(node.spec.unschedulable, true);
      const after = await pods();
      assert.ok(after.every((p) => p.spec.nodeName !== NODE || p.metadata.deletionTimestamp), JSON.stringify(after));
      await k.ok(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=60s']);
      await pdbRow(1);

      await k.okPrints(['uncordon', NODE], `node/${NODE} uncordoned\n`);
      const again = JSON.parse((await k.ok(['get', 'node', NODE, '-o', 'json'])).stdout) as { spec: { unschedulable?: boolean } };
      assert.equal(again.spec.unschedulable, undefined);
      await k.ok(['delete', 'namespace', ns, '--wait=false']);
    });
  });
}
