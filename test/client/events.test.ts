// The event recorder against a real server: repeats aggregate the way client-go's recorders do.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { EventRecorder } from '../../src/client/events.ts';
import { kubeConfigForServer } from '../../src/client/kubeconfig.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';

let cluster: TestCluster;
let core: CoreV1Api;

before(async () => {
  cluster = await startTestCluster();
  core = kubeConfigForServer(cluster.url).makeApiClient(CoreV1Api);
});

after(async () => {
  await cluster?.stop();
});

async function rawEvents(selector: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${cluster.url}/api/v1/namespaces/default/events?fieldSelector=${encodeURIComponent(selector)}`);
  return ((await res.json()) as { items: Record<string, unknown>[] }).items;
}

describe('EventRecorder', () => {
  it('legacy: one Event per distinct message, repeats raise count and lastTimestamp', async () => {
    const rec = new EventRecorder(core, { component: 'kubelet', host: 'node-9', style: 'legacy' });
    const ref = { kind: 'Pod', namespace: 'default', name: 'p1', uid: 'u-1', apiVersion: 'v1', fieldPath: 'spec.containers{app}' };
    rec.event(ref, 'Normal', 'Pulled', 'Container image "x" already present on machine');
    rec.event(ref, 'Normal', 'Pulled', 'Container image "x" already present on machine');
    rec.event(ref, 'Normal', 'Pulled', 'Container image "x" already present on machine');
    rec.event(ref, 'Warning', 'BackOff', 'Back-off restarting failed container app');
    await rec.close();
    const events = await rawEvents('involvedObject.name=p1');
    assert.equal(events.length, 2, JSON.stringify(events));
    const pulled = events.find((e) => e.reason === 'Pulled')!;
    assert.equal(pulled.count, 3);
    assert.deepEqual(pulled.source, { component: 'kubelet', host: 'node-9' });
    assert.equal(pulled.reportingComponent, 'kubelet');
    assert.equal(pulled.reportingInstance, 'node-9');
    assert.match(String(pulled.firstTimestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(String(pulled.lastTimestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(pulled.eventTime, null);
    assert.match(String((pulled.metadata as { name: string }).name), /^p1\.[0-9a-f]+$/);
    assert.deepEqual(pulled.involvedObject, ref);
  });

  it('series: the second isomorphic event starts a series, later ones wait for the refresh', async () => {
    const rec = new EventRecorder(core, { component: 'default-scheduler', style: 'series', instance: 'default-scheduler-test' });
    const ref = { kind: 'Pod', namespace: 'default', name: 'p2', uid: 'u-2', apiVersion: 'v1', resourceVersion: '7' };
    for (let i = 0; i < 4; i++) rec.event(ref, 'Warning', 'FailedScheduling', '0/0 nodes are available', 'Scheduling');
    // A different resourceVersion of the pod is a different event, as in client-go.
    rec.event({ ...ref, resourceVersion: '8' }, 'Warning', 'FailedScheduling', '0/0 nodes are available', 'Scheduling');
    await rec.close();
    const events = await rawEvents('involvedObject.name=p2');
    assert.equal(events.length, 2, JSON.stringify(events));
    const first = events.find((e) => (e.involvedObject as { resourceVersion: string }).resourceVersion === '7')!;
    assert.equal((first.series as { count: number }).count, 2);
    assert.match(String((first.series as { lastObservedTime: string }).lastObservedTime), /\.\d{6}Z$/);
    assert.equal(first.action, 'Scheduling');
    assert.equal(first.reportingComponent, 'default-scheduler');
    assert.equal(first.reportingInstance, 'default-scheduler-test');
    assert.deepEqual(first.source, {});
    assert.equal(first.firstTimestamp, null);
    assert.match(String(first.eventTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });
});
