// The kubelet server of a process of node agents: where each Node says it listens, synthetic container
// logs over GET /containerLogs/… with every PodLogOptions query parameter (follow included), the
// previous run after a restart, and the kubelet's error answers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { ANNOTATIONS, KUBELET_HOST_ANNOTATION } from '../../src/kubelet/behaviour.ts';
import { containerLogs, kubeletURL, pod, startNodesCluster, waitFor, type NodesCluster } from './cluster.ts';

let c: NodesCluster;

before(async () => {
  c = await startNodesCluster({ nodes: ['node-1', 'node-2'] });
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 30_000 };
const NS = 'default';
const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /;

async function podWhen(name: string, what: string, pred: (p: V1Pod) => boolean, timeoutMs = 15_000): Promise<V1Pod> {
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

const running = (p: V1Pod) => p.status?.containerStatuses?.[0]?.state?.running !== undefined;
const lines = (body: string) => body.split('\n').slice(0, -1);

describe('kubelet server', () => {
  it('every Node reports the server: daemonEndpoints port and the kubelet-host annotation', T, async () => {
    const endpoint = c.host.kubeletEndpoint!;
    assert.ok(endpoint.port > 0);
    for (const name of ['node-1', 'node-2']) {
      const node = await waitFor(`${name} registered`, async () => (await c.core.listNode()).items.find((n) => n.metadata!.name === name));
      assert.equal(node.status!.daemonEndpoints!.kubeletEndpoint!.Port, endpoint.port);
      assert.equal(node.metadata!.annotations![KUBELET_HOST_ANNOTATION], '127.0.0.1');
    }
    const res = await fetch(`${await kubeletURL(c.core, 'node-1')}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'ok');
    const missing = await fetch(`${await kubeletURL(c.core, 'node-1')}/nope`);
    assert.equal(missing.status, 404);
  });

  it('serves the start of a container: image, command, args and environment', T, async () => {
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod('logs-web', {
        containers: [{ name: 'web', image: 'nginx:1.27', command: ['nginx'], args: ['-g', 'daemon off;'], env: [{ name: 'GREETING', value: 'hello' }] }],
      }),
    });
    await podWhen('logs-web', 'running', running);
    const r = await containerLogs(c.core, NS, 'logs-web', 'web');
    assert.equal(r.status, 200);
    assert.equal(r.contentType, 'text/plain; charset=utf-8');
    const l = lines(r.body);
    assert.equal(l[0], 'started web: image docker.io/library/nginx:1.27, restartCount 0');
    assert.equal(l[1], 'command: ["nginx"]');
    assert.equal(l[2], 'args: ["-g","daemon off;"]');
    assert.match(l[3]!, /^environment \(\d+ variables\):$/);
    assert.equal(l[4], 'GREETING=hello');
    assert.ok(l.includes('KUBERNETES_SERVICE_HOST=10.96.0.1'), r.body);
  });

  it('honours timestamps, tailLines, limitBytes, sinceTime and sinceSeconds', T, async () => {
    const full = lines((await containerLogs(c.core, NS, 'logs-web', 'web')).body);
    const stamped = lines((await containerLogs(c.core, NS, 'logs-web', 'web', 'timestamps=true')).body);
    assert.equal(stamped.length, full.length);
    stamped.forEach((s, i) => {
      assert.match(s, TS);
      assert.equal(s.slice(31), full[i]);
    });

    const tail = await containerLogs(c.core, NS, 'logs-web', 'web', 'tailLines=2');
    assert.deepEqual(lines(tail.body), full.slice(-2));
    assert.equal((await containerLogs(c.core, NS, 'logs-web', 'web', 'tailLines=0')).body, '');
    // The old "tail" parameter still works.
    assert.deepEqual(lines((await containerLogs(c.core, NS, 'logs-web', 'web', 'tail=1')).body), full.slice(-1));

    const limited = await containerLogs(c.core, NS, 'logs-web', 'web', 'limitBytes=10');
    assert.equal(limited.body, `${full.join('\n')}\n`.slice(0, 10));
    const limitedStamped = await containerLogs(c.core, NS, 'logs-web', 'web', 'limitBytes=40&timestamps=true');
    assert.equal(limitedStamped.body, `${stamped.join('\n')}\n`.slice(0, 40));

    const future = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    assert.equal((await containerLogs(c.core, NS, 'logs-web', 'web', `sinceTime=${future}`)).body, '');
    const past = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    assert.deepEqual(lines((await containerLogs(c.core, NS, 'logs-web', 'web', `sinceTime=${past}`)).body), full);
    assert.deepEqual(lines((await containerLogs(c.core, NS, 'logs-web', 'web', 'sinceSeconds=3600')).body), full);
  });

  it('sinceTime picks the lines written from then on', T, async () => {
    // A failing readiness probe adds a line every second.
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod(
        'logs-ticker',
        { containers: [{ name: 'app', image: 'nginx:1.27', readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 } }] },
        { [ANNOTATIONS.failReadiness]: 'true' },
      ),
    });
    const stamped = await waitFor('three probe failures in the log', async () => {
      const r = await containerLogs(c.core, NS, 'logs-ticker', 'app', 'timestamps=true');
      const l = lines(r.body).filter((x) => x.includes('Readiness probe failed: dial tcp'));
      return l.length >= 3 ? lines(r.body) : undefined;
    });
    const failures = stamped.filter((x) => x.includes('Readiness probe failed'));
    const since = failures[1]!.slice(0, 30);
    const r = await containerLogs(c.core, NS, 'logs-ticker', 'app', `timestamps=true&sinceTime=${since}`);
    const got = lines(r.body);
    assert.ok(got.length >= 2, r.body);
    assert.ok(got[0]!.includes('Readiness probe failed'), r.body);
    for (const l of got) assert.ok(l.slice(0, 30) >= since, `${l} is before ${since}`);
    assert.ok(!got.some((l) => l.includes('started app')), 'the start lines are older');
  });

  it('follow streams new lines until the container stops', T, async () => {
    // Its liveness probe starts failing after 2 s: the kubelet kills it (SIGTERM), it exits, the stream ends.
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod(
        'logs-follow',
        { restartPolicy: 'Never', containers: [{ name: 'app', image: 'nginx:1.27', livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1, failureThreshold: 1 } }] },
        { [ANNOTATIONS.failLivenessAfter]: '2s' },
      ),
    });
    const p = await podWhen('logs-follow', 'running', running);
    const base = await kubeletURL(c.core, p.spec!.nodeName!);
    const res = await fetch(`${base}/containerLogs/${NS}/logs-follow/app?follow=true`);
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (pred: () => boolean) => {
      while (!pred()) {
        const { value, done } = await reader.read();
        if (done) return true;
        text += decoder.decode(value, { stream: true });
      }
      return false;
    };
    await readUntil(() => text.includes('KUBERNETES_SERVICE_HOST='));
    assert.ok(!text.includes('SIGTERM'), 'nothing about stopping yet');
    await readUntil(() => text.includes('SIGTERM received\n'));
    const ended = await readUntil(() => false);
    assert.ok(ended, 'the stream ends with the container');
    assert.ok(text.endsWith('Liveness probe failed: dial tcp ' + p.status!.podIP + ':80: connect: connection refused\nSIGTERM received\nexited with code 0\n'), text);
  });

  it('follow with tailLines=0 only shows what comes next; limitBytes ends the stream', T, async () => {
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod(
        'logs-follow-tail',
        { containers: [{ name: 'app', image: 'nginx:1.27', readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 } }] },
        { [ANNOTATIONS.failReadiness]: 'true' },
      ),
    });
    const p = await podWhen('logs-follow-tail', 'running', running);
    const base = await kubeletURL(c.core, p.spec!.nodeName!);
    const res = await fetch(`${base}/containerLogs/${NS}/logs-follow-tail/app?follow=true&tailLines=0&limitBytes=30`);
    const body = await res.text();
    assert.equal(body, 'Readiness probe failed: dial t');
  });

  it('previous shows the last terminated run after a restart', T, async () => {
    await c.core.createNamespacedPod({ namespace: NS, body: pod('logs-crash', {}, { [ANNOTATIONS.exitCode]: '3', [ANNOTATIONS.exitAfter]: '500ms' }) });
    await podWhen('logs-crash', 'running', running);
    const before = await containerLogs(c.core, NS, 'logs-crash', 'app', 'previous=true');
    assert.equal(before.status, 400);
    assert.equal(before.body, 'previous terminated container "app" in pod "logs-crash" not found');
    await podWhen('logs-crash', 'restarted and running again', (x) => (x.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && running(x));
    const prev = await containerLogs(c.core, NS, 'logs-crash', 'app', 'previous=true');
    assert.equal(prev.status, 200);
    const pl = lines(prev.body);
    assert.equal(pl[0], 'started app: image docker.io/library/nginx:1.27, restartCount 0');
    assert.equal(pl.at(-1), 'exited with code 3');
    const cur = await containerLogs(c.core, NS, 'logs-crash', 'app');
    assert.equal(lines(cur.body)[0], 'started app: image docker.io/library/nginx:1.27, restartCount 1');
  });

  it('answers with the kubelet errors', T, async () => {
    const base = await kubeletURL(c.core, 'node-1');
    const get = async (path: string) => {
      const res = await fetch(`${base}${path}`);
      return { status: res.status, body: await res.text() };
    };
    assert.deepEqual(await get(`/containerLogs/${NS}/nope/app`), { status: 404, body: 'pod "nope" does not exist' });
    assert.deepEqual(await get(`/containerLogs/${NS}/logs-web/nope`), { status: 404, body: 'container "nope" not found in pod "logs-web"' });
    assert.deepEqual(await get(`/containerLogs/${NS}/logs-web/web?tailLines=-1`), { status: 422, body: '{"message": "Invalid request."}' });
    assert.deepEqual(await get(`/containerLogs/${NS}/logs-web/web?limitBytes=0`), { status: 422, body: '{"message": "Invalid request."}' });
    assert.deepEqual(await get(`/containerLogs/${NS}/logs-web/web?sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z`), {
      status: 422,
      body: '{"message": "Invalid request."}',
    });
    assert.deepEqual(await get(`/containerLogs/${NS}/logs-web/web?tailLines=ten`), { status: 400, body: '{"message": "Unable to decode query."}' });
    assert.deepEqual(await get(`/containerLogs/${NS}/logs-web/web?sinceTime=yesterday`), { status: 400, body: '{"message": "Unable to decode query."}' });

    // A container that has not started: its volume's ConfigMap does not exist.
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod('logs-waiting', {
        containers: [{ name: 'app', image: 'nginx:1.27', volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }] }],
        volumes: [{ name: 'cfg', configMap: { name: 'logs-missing' } }],
      }),
    });
    await waitFor('the FailedMount event', async () => (await eventsFor('logs-waiting')).some((e) => e.reason === 'FailedMount'));
    const waiting = await containerLogs(c.core, NS, 'logs-waiting', 'app');
    assert.equal(waiting.status, 400);
    assert.equal(waiting.body, 'container "app" in pod "logs-waiting" is waiting to start: ContainerCreating');
  });
});
