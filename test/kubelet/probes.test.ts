// Startup, liveness and readiness probes of simulated containers, steered by annotations: liveness
// failures restart the container with the kubelet's events, a startup probe holds the other probes back
// (and restarts the container when it fails), readiness gates Ready.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { ANNOTATIONS } from '../../src/kubelet/behaviour.ts';
import { containerLogs, pod, startNodesCluster, waitFor, type NodesCluster } from './cluster.ts';

let c: NodesCluster;

before(async () => {
  c = await startNodesCluster({ nodes: ['node-1'] });
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 40_000 };
const NS = 'default';

async function podWhen(name: string, what: string, pred: (p: V1Pod) => boolean, timeoutMs = 20_000): Promise<V1Pod> {
  return waitFor(
    `${name}: ${what}`,
    async () => {
      const p = await c.core.readNamespacedPod({ name, namespace: NS });
      return pred(p) ? p : undefined;
    },
    timeoutMs,
  );
}

async function eventsFor(name: string): Promise<CoreV1Event[]> {
  return (await c.core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name}` })).items;
}

const status = (p: V1Pod) => p.status?.containerStatuses?.[0];
const cond = (p: V1Pod, type: string) => p.status?.conditions?.find((x) => x.type === type);

describe('probes', () => {
  it('a failing liveness probe: Unhealthy events, Killing, restart with the last state terminated', T, async () => {
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod(
        'live',
        {
          containers: [
            {
              name: 'app',
              image: 'nginx:1.27',
              livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1, failureThreshold: 2, terminationGracePeriodSeconds: 1 },
            },
          ],
        },
        { [ANNOTATIONS.failLivenessAfter]: '1s', [ANNOTATIONS.ignoreSigterm]: 'true' },
      ),
    });
    const first = await podWhen('live', 'running', (p) => status(p)?.state?.running !== undefined);
    const ip = first.status!.podIP!;
    const p = await podWhen('live', 'restarted', (x) => (status(x)?.restartCount ?? 0) >= 1 && status(x)?.lastState?.terminated !== undefined);
    const last = status(p)!.lastState!.terminated!;
    assert.equal(last.exitCode, 137, 'SIGTERM ignored: killed after the probe grace period');
    assert.equal(last.reason, 'Error');
    const events = await waitFor('the Killing event', async () => {
      const evs = await eventsFor('live');
      return evs.some((e) => e.reason === 'Killing') ? evs : undefined;
    });
    const unhealthy = events.find((e) => e.reason === 'Unhealthy')!;
    assert.equal(unhealthy.type, 'Warning');
    assert.equal(unhealthy.message, `Liveness probe failed: Get "http://${ip}:8080/healthz": dial tcp ${ip}:8080: connect: connection refused`);
    assert.equal(unhealthy.involvedObject.fieldPath, 'spec.containers{app}');
    assert.ok((unhealthy.count ?? 0) >= 2, 'failureThreshold failures, aggregated into one event');
    const killing = events.find((e) => e.reason === 'Killing')!;
    assert.equal(killing.type, 'Normal');
    assert.equal(killing.message, 'Container app failed liveness probe, will be restarted');

    const prev = await containerLogs(c.core, NS, 'live', 'app', 'previous=true');
    const lines = prev.body.split('\n');
    assert.ok(lines.includes(`Liveness probe failed: Get "http://${ip}:8080/healthz": dial tcp ${ip}:8080: connect: connection refused`), prev.body);
    assert.ok(lines.includes('SIGTERM received, ignoring it'), prev.body);
    assert.equal(lines.at(-2), 'exited with code 137');
  });

  it('a container without a failing annotation passes its liveness probe and is not restarted', T, async () => {
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod('live-ok', { containers: [{ name: 'app', image: 'nginx:1.27', livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1, failureThreshold: 1 } }] }),
    });
    await podWhen('live-ok', 'Ready', (p) => cond(p, 'Ready')?.status === 'True');
    // A sibling with a failing probe and the same settings restarts meanwhile; this one must not.
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod(
        'live-bad',
        { containers: [{ name: 'app', image: 'nginx:1.27', livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1, failureThreshold: 1 } }] },
        { [ANNOTATIONS.failLiveness]: 'true' },
      ),
    });
    await podWhen('live-bad', 'restarted', (p) => (status(p)?.restartCount ?? 0) >= 1);
    const ok = await c.core.readNamespacedPod({ name: 'live-ok', namespace: NS });
    assert.equal(status(ok)!.restartCount, 0);
    assert.ok(!(await eventsFor('live-ok')).some((e) => e.reason === 'Unhealthy' || e.reason === 'Killing'));
  });

  it('a failing startup probe: liveness and readiness never run, the container is restarted', T, async () => {
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod(
        'startup-fail',
        {
          containers: [
            {
              name: 'app',
              image: 'nginx:1.27',
              startupProbe: { tcpSocket: { port: 80 }, periodSeconds: 1, failureThreshold: 2 },
              livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 },
              readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 },
            },
          ],
        },
        { [ANNOTATIONS.failStartup]: 'true', [ANNOTATIONS.failLiveness]: 'true' },
      ),
    });
    const p = await podWhen('startup-fail', 'restarted', (x) => (status(x)?.restartCount ?? 0) >= 1);
    assert.equal(status(p)!.started, false);
    assert.equal(status(p)!.ready, false);
    const events = await waitFor('the Killing event', async () => {
      const evs = await eventsFor('startup-fail');
      return evs.some((e) => e.reason === 'Killing') ? evs : undefined;
    });
    const unhealthy = events.filter((e) => e.reason === 'Unhealthy').map((e) => e.message);
    assert.deepEqual(unhealthy, [`Startup probe failed: dial tcp ${p.status!.podIP}:80: connect: connection refused`]);
    assert.equal(events.find((e) => e.reason === 'Killing')!.message, 'Container app failed startup probe, will be restarted');
  });

  it('a slow startup probe: not started and not ready until it succeeds', T, async () => {
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod(
        'startup-slow',
        {
          containers: [
            {
              name: 'app',
              image: 'nginx:1.27',
              startupProbe: { tcpSocket: { port: 80 }, periodSeconds: 1, failureThreshold: 10 },
              readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 },
            },
          ],
        },
        { [ANNOTATIONS.startupAfter]: '3s' },
      ),
    });
    const early = await podWhen('startup-slow', 'running', (x) => status(x)?.state?.running !== undefined);
    assert.equal(status(early)!.started, false);
    assert.equal(status(early)!.ready, false);
    const seen: V1Pod[] = [];
    const p = await podWhen('startup-slow', 'Ready', (x) => {
      seen.push(x);
      return cond(x, 'Ready')?.status === 'True';
    });
    for (const x of seen) if (status(x)?.ready) assert.equal(status(x)!.started, true, 'ready only once started');
    assert.equal(status(p)!.started, true);
    assert.equal(status(p)!.restartCount, 0);
    const unhealthy = (await eventsFor('startup-slow')).filter((e) => e.reason === 'Unhealthy');
    assert.deepEqual(
      unhealthy.map((e) => e.message),
      [`Startup probe failed: dial tcp ${p.status!.podIP}:80: connect: connection refused`],
      'only the startup probe failed, while the app was starting',
    );
  });

  it('readiness gates Ready: not ready until the probe succeeds, unready after failureThreshold failures', T, async () => {
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod(
        'ready-gate',
        { containers: [{ name: 'app', image: 'nginx:1.27', readinessProbe: { httpGet: { path: '/ready', port: 80 }, periodSeconds: 1, failureThreshold: 2 } }] },
        { [ANNOTATIONS.readyAfter]: '3s', [ANNOTATIONS.failReadinessAfter]: '6s' },
      ),
    });
    const early = await podWhen('ready-gate', 'running', (x) => status(x)?.state?.running !== undefined);
    assert.equal(cond(early, 'Ready')!.status, 'False');
    assert.equal(cond(early, 'Ready')!.reason, 'ContainersNotReady');
    await podWhen('ready-gate', 'Ready', (x) => cond(x, 'Ready')?.status === 'True');
    const unready = await podWhen('ready-gate', 'unready again', (x) => cond(x, 'Ready')?.status === 'False');
    assert.equal(cond(unready, 'ContainersReady')!.message, 'containers with unready status: [app]');
    assert.equal(status(unready)!.restartCount, 0, 'readiness failures do not restart');
    assert.ok(status(unready)!.state!.running);
    const ev = (await eventsFor('ready-gate')).find((e) => e.reason === 'Unhealthy')!;
    const ip = unready.status!.podIP!;
    assert.equal(ev.message, `Readiness probe failed: Get "http://${ip}:80/ready": dial tcp ${ip}:80: connect: connection refused`);
    assert.ok((ev.count ?? 0) >= 2, 'failures before ready and after, aggregated');
  });
});
