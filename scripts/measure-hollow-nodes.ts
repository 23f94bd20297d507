// Cost of idle hollow nodes: a process running N node agents (NodeHost) joins a cluster started with
// `wheelhouse up --nodes 0` in a child process, as `wheelhouse kubelet` processes would; prints the
// registration time, memory per node and idle CPU.
//   node --expose-gc --import tsx scripts/measure-hollow-nodes.ts [nodes=100] [idle seconds=30]
import { spawn } from 'node:child_process';
import { NodeHost } from '../src/kubelet/host.ts';
import { kubeConfigFromFile } from '../src/client/kubeconfig.ts';
import { CoreV1Api } from '@kubernetes/client-node';

const N = Number(process.argv[2] ?? 100);
const IDLE_S = Number(process.argv[3] ?? 30);
const state = `${(await import('node:os')).tmpdir()}/wheelhouse-measure-${process.pid}`;
const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'up', '--port', '0', '--nodes', '0', '--state-dir', state, ...(N > 250 ? ['--cluster-cidr', '10.128.0.0/9'] : [])], { cwd: new URL('..', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'inherit'] });
const kubeconfig: string = await new Promise((resolve) => {
  let out = '';
  child.stdout!.on('data', (d) => { out += d; const m = /export KUBECONFIG=(\S+)/.exec(out); if (m) resolve(m[1]!); });
});
const kc = kubeConfigFromFile(kubeconfig);
const gc = (globalThis as { gc?: () => void }).gc!;
const host = new NodeHost({ kubeConfig: kc });
await host.addNode('warmup');
await host.stopNode('warmup');
gc(); await new Promise((r) => setTimeout(r, 500)); gc();
const before = process.memoryUsage();
const t0 = Date.now();
const names = Array.from({ length: N }, (_, i) => `hollow-${i + 1}`);
for (let i = 0; i < N; i += 50) await Promise.all(names.slice(i, i + 50).map((n) => host.addNode(n)));
const core = kc.makeApiClient(CoreV1Api);
for (;;) {
  const nodes = await core.listNode();
  const ready = nodes.items.filter((n) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True').length;
  if (ready >= N) break;
  await new Promise((r) => setTimeout(r, 200));
}
console.log(`${N} nodes registered and Ready in ${Date.now() - t0} ms`);
await new Promise((r) => setTimeout(r, 3000));
gc(); await new Promise((r) => setTimeout(r, 500)); gc();
const after = process.memoryUsage();
const cpu0 = process.cpuUsage();
const w0 = Date.now();
await new Promise((r) => setTimeout(r, IDLE_S * 1000));
const cpu = process.cpuUsage(cpu0);
const wall = Date.now() - w0;
gc();
const end = process.memoryUsage();
const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
console.log(`rss: ${mb(before.rss)} MB -> ${mb(after.rss)} MB (+${((after.rss - before.rss) / N / 1024).toFixed(0)} KB/node); heapUsed ${mb(before.heapUsed)} -> ${mb(after.heapUsed)} MB (+${((after.heapUsed - before.heapUsed) / N / 1024).toFixed(0)} KB/node); after idle heapUsed ${mb(end.heapUsed)} MB rss ${mb(end.rss)} MB`);
console.log(`idle ${IDLE_S}s: cpu user ${(cpu.user / 1000).toFixed(0)} ms + system ${(cpu.system / 1000).toFixed(0)} ms = ${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(2)}% of one core (${N} nodes renewing leases every 10 s)`);
await host.stop();
child.kill('SIGTERM');
await new Promise((r) => child.on('exit', r));
const { rmSync } = await import('node:fs');
rmSync(state, { recursive: true, force: true });
