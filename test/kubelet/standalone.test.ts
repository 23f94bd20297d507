// `wheelhouse kubelet` in its own process runs its own kubelet server: the Node it registers says where,
// and container logs of its pods are served there.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KUBELET_HOST_ANNOTATION } from '../../src/kubelet/behaviour.ts';
import { containerLogs, pod, startNodesCluster, waitFor, type NodesCluster } from './cluster.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let c: NodesCluster;
let child: ChildProcess | undefined;
let output = '';

before(async () => {
  c = await startNodesCluster({ nodes: [] });
});

after(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await c?.stop();
});

describe('wheelhouse kubelet', () => {
  it('serves the logs of its pods from its own server', { timeout: 60_000 }, async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'kubelet', '--name', 'solo', '--server', c.cluster.url, '--address', '127.0.0.1'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const node = await waitFor(
      `node solo Ready (output: ${output})`,
      async () => {
        const n = await c.core.readNode({ name: 'solo' });
        return n.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True' ? n : undefined;
      },
      40_000,
    );
    assert.equal(node.metadata!.annotations![KUBELET_HOST_ANNOTATION], '127.0.0.1');
    const port = node.status!.daemonEndpoints!.kubeletEndpoint!.Port;
    assert.notEqual(port, c.host.kubeletEndpoint?.port, 'its own server, not the test process one');
    assert.match(output, new RegExp(`kubelet server on 127\\.0\\.0\\.1:${port}`));

    await c.core.createNamespacedPod({ namespace: 'default', body: pod('solo-web', { nodeName: 'solo' }) });
    await waitFor('solo-web running', async () => (await c.core.readNamespacedPod({ name: 'solo-web', namespace: 'default' })).status?.containerStatuses?.[0]?.state?.running);
    const r = await containerLogs(c.core, 'default', 'solo-web', 'app');
    assert.equal(r.status, 200);
    assert.equal(r.body.split('\n')[0], 'started app: image docker.io/library/nginx:1.27, restartCount 0');
  });
});
