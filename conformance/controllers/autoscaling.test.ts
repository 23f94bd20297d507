// HorizontalPodAutoscalers and `kubectl top` through real kubectl against `wheelhouse up`: kubectl
// autoscale (autoscaling/v1 up to 1.32, v2 from 1.33, both served over the same objects), kubectl get hpa
// (server-side table, `cpu: 1%/50%` once the controller reports), kubectl top pods [--containers] and
// top nodes (the built-in metrics.k8s.io API over the hollow kubelets' /metrics/resource), and, with the
// PATH kubectl, "an HPA scaling a Deployment up under simulated load and back down" — load set with
// `kubectl annotate pods … sim.wheelhouse.io/cpu-usage=… --overwrite`. Runs the PATH kubectl, the
// oldest (1.27) and 1.33 (the first that writes autoscaling/v2), each in its own namespace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterForFile } from '../support/cluster.ts';
import { findKubectlBinaries, show, type KubectlBinary, kubectlForSuite } from '../support/kubectl.ts';
import { AGE, expectBlock, type Cell } from '../support/table.ts';

const all = findKubectlBinaries();
const binaries = all.filter((b) => b.onPath || (b.major === 1 && (b.minor === 27 || b.minor === 33)));

const cluster = clusterForFile({
    args: [
      '--runtime-latency-scale',
      '0.1',
      '--metric-resolution',
      '500ms',
      '--horizontal-pod-autoscaler-sync-period',
      '1s',
      '--horizontal-pod-autoscaler-downscale-stabilization',
      '4s',
    ],
  });

const T = { timeout: 90_000 };
const POD = /^web-[bcdfghjklmnpqrstvwxz2456789]+-[bcdfghjklmnpqrstvwxz2456789]{5}$/;

/**
 * `kubectl top` writes every cell tab-terminated, the last one too, so its tabwriter pads the last
 * column as well: each line is the cells padded to max(6, widest + 3), trailing spaces included.
 */
function expectTopTable(text: string, expected: Cell[][], context: string): string[][] {
  const lines = text.replace(/\n$/, '').split('\n');
  const rows = lines.map((l) => l.trimEnd().split(/ {2,}/));
  const widths = rows[0]!.map((_, i) => Math.max(6, ...rows.map((r) => (r[i] ?? '').length + 3)));
  assert.equal(text, `${rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('')).join('\n')}\n`, `column layout differs\n${context}`);
  assert.equal(rows.length, expected.length, context);
  rows.forEach((r, i) =>
    r.forEach((c, j) => {
      const want = expected[i]![j]!;
      assert.ok(typeof want === 'string' ? c === want : want.test(c), `cell ${i},${j}: ${JSON.stringify(c)} vs ${String(want)}\n${context}`);
    }),
  );
  return rows;
}

async function poll(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

for (const bin of binaries) {
  const ns = bin.onPath ? 'hpa-path' : `hpa-${bin.major}-${bin.minor}`;

  describe(`${bin.label} ${bin.gitVersion}`, () => {
    const k = kubectlForSuite(bin, cluster, 60_000);

    const jsonpath = async (args: string[], path: string) => (await k.ok(['-n', ns, ...args, '-o', `jsonpath=${path}`])).stdout;

    it('autoscale, get hpa, top pods / pods --containers / nodes', T, async () => {
      await k.okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
      await k.okPrints(['-n', ns, 'create', 'deployment', 'web', '--image=nginx'], 'deployment.apps/web created\n');
      await k.okPrints(['-n', ns, 'set', 'resources', 'deployment', 'web', '--requests=cpu=100m'], 'deployment.apps/web resource requirements updated\n');
      await k.ok(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=60s']);
      await k.okPrints(['-n', ns, 'autoscale', 'deployment', 'web', '--cpu-percent=50', '--min=1', '--max=5'], 'horizontalpodautoscaler.autoscaling/web autoscaled\n');

      // The idle pod uses 1m of its 100m request.
      await poll('the HPA to report cpu', async () => (await jsonpath(['get', 'hpa', 'web'], '{.status.currentMetrics[0].resource.current.averageUtilization}')) === '1');
      const hpa = await k.ok(['-n', ns, 'get', 'hpa']);
      expectBlock(
        hpa.stdout,
        [
          ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE'],
          ['web', 'Deployment/web', 'cpu: 1%/50%', '1', '5', '1', AGE],
        ],
        { context: show(hpa) },
      );
      // Whichever version kubectl wrote, the object reads the same through the other.
      assert.equal(await jsonpath(['get', 'horizontalpodautoscalers.v1.autoscaling', 'web'], '{.spec.targetCPUUtilizationPercentage}'), '50');
      assert.equal(await jsonpath(['get', 'horizontalpodautoscalers.v2.autoscaling', 'web'], '{.spec.metrics[0].resource.target.averageUtilization}'), '50');

      const top = await k.ok(['-n', ns, 'top', 'pods']);
      expectTopTable(
        top.stdout,
        [
          ['NAME', 'CPU(cores)', 'MEMORY(bytes)'],
          [POD, '1m', '4Mi'],
        ],
        show(top),
      );
      const containers = await k.ok(['-n', ns, 'top', 'pods', '--containers']);
      expectTopTable(
        containers.stdout,
        [
          ['POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)'],
          [POD, 'nginx', '1m', '4Mi'],
        ],
        show(containers),
      );
      const nodes = await k.ok(['top', 'nodes']);
      // kubectl 1.32 renamed the percentage columns.
      const pct = bin.minor >= 32 ? ['CPU(%)', 'MEMORY(%)'] : ['CPU%', 'MEMORY%'];
      const rows = expectTopTable(
        nodes.stdout,
        [
          ['NAME', 'CPU(cores)', pct[0]!, 'MEMORY(bytes)', pct[1]!],
          ...['node-1', 'node-2', 'node-3'].map((n) => [n, /^\d+m$/, /^\d+%$/, /^\d+Mi$/, /^\d+%$/]),
        ],
        show(nodes),
      );
      assert.ok(rows.slice(1).every((r) => Number.parseInt(r[1]!, 10) >= 50), show(nodes));
    });

    if (bin.onPath) {
      it('scales the Deployment up under simulated load and back down', T, async () => {
        const load = (value: string) => k.ok(['-n', ns, 'annotate', 'pods', '-l', 'app=web', value, '--overwrite']);
        await load('sim.wheelhouse.io/cpu-usage=250m');
        await poll('scale-up', async () => Number(await jsonpath(['get', 'deployment', 'web'], '{.spec.replicas}')) >= 4);
        const up = await jsonpath(['get', 'events', '--field-selector', 'involvedObject.kind=HorizontalPodAutoscaler,reason=SuccessfulRescale'], '{.items[*].message}');
        assert.match(up, /New size: 4; reason: cpu resource utilization \(percentage of request\) above target/);
        await k.ok(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=60s']);
        await poll('every pod with metrics', async () => (await k.ok(['-n', ns, 'top', 'pods', '--no-headers'])).stdout.trim().split('\n').length >= 4);

        await load('sim.wheelhouse.io/cpu-usage-');
        await poll('scale-down', async () => (await jsonpath(['get', 'deployment', 'web'], '{.spec.replicas}')) === '1', 45_000);
        const down = await jsonpath(['get', 'events', '--field-selector', 'involvedObject.kind=HorizontalPodAutoscaler,reason=SuccessfulRescale'], '{.items[*].message}');
        assert.match(down, /New size: 1; reason: All metrics below target/);
        const hpa = await k.ok(['-n', ns, 'get', 'hpa', 'web']);
        const rows = expectBlock(hpa.stdout, [
          ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE'],
          ['web', 'Deployment/web', /^cpu: \d+%\/50%$/, '1', '5', /^[1-5]$/, AGE],
        ]);
        assert.ok(rows[1]);
      });
    }
  });
}
