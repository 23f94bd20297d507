// Mirrors of upstream's sig-instrumentation conformance tests: core/v1 Events and events.k8s.io/v1 Events
// through their lifecycles and collection deletes. Titles are upstream's codenames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoreV1Api, EventsV1Api, V1MicroTime, type CoreV1Event, type EventsV1Event } from '@kubernetes/client-node';
import { MERGE_PATCH, retryOnConflict, suffix, testNamespace, SUITE, type Mirror } from '../support.ts';

/** Registers these mirrors against the file's cluster `m`. */
export function eventMirrors(m: Mirror): void {
  const core = () => m.api(CoreV1Api);
  const events = () => m.api(EventsV1Api);

  function coreEvent(name: string, ns: string, labels: Record<string, string>): CoreV1Event {
    const t = new Date(Date.UTC(2024, 0, 1));
    return {
      metadata: { name, labels },
      involvedObject: { kind: 'Pod', name: 'e2e-pod', namespace: ns, apiVersion: 'v1' },
      reason: 'Testing',
      message: 'This is a test event',
      type: 'Normal',
      count: 1,
      firstTimestamp: t,
      lastTimestamp: t,
      source: { component: 'e2e-test' },
    };
  }

  function eventsEvent(name: string, ns: string, labels: Record<string, string>): EventsV1Event {
    return {
      metadata: { name, labels },
      eventTime: new V1MicroTime('2024-01-01T00:00:00.000Z'),
      reportingController: 'test-controller',
      reportingInstance: 'test-node',
      regarding: { kind: 'Pod', name: 'e2e-pod', namespace: ns, apiVersion: 'v1' },
      reason: 'Testing',
      action: 'DoNothing',
      note: 'This is a test event',
      type: 'Normal',
    };
  }

  describe('sig-instrumentation: Events', { ...SUITE, concurrency: true }, () => {
    it('[sig-instrumentation] Events should manage the lifecycle of an event [Conformance]', async () => {
      const ns = await testNamespace(m, 'events', { waitForServiceAccount: false });
      const label = `testevent-${suffix()}`;
      await core().createNamespacedEvent({ namespace: ns, body: coreEvent('event-test', ns, { [label]: 'true' }) });
      assert.equal((await core().listEventForAllNamespaces({ labelSelector: `${label}=true` })).items.length, 1);
      const patched = await core().patchNamespacedEvent({ namespace: ns, name: 'event-test', body: { message: 'This is a test event - patched' } }, MERGE_PATCH);
      assert.equal(patched.message, 'This is a test event - patched');
      const updated = await retryOnConflict(async () => {
        const cur = await core().readNamespacedEvent({ namespace: ns, name: 'event-test' });
        cur.series = { count: 100, lastObservedTime: new V1MicroTime('2024-01-01T00:01:00.000Z') };
        return core().replaceNamespacedEvent({ namespace: ns, name: 'event-test', body: cur });
      });
      assert.equal(updated.series?.count, 100);
      await core().deleteNamespacedEvent({ namespace: ns, name: 'event-test' });
      assert.equal((await core().listEventForAllNamespaces({ labelSelector: `${label}=true` })).items.length, 0);
    });

    it('[sig-instrumentation] Events should delete a collection of events [Conformance]', async () => {
      const ns = await testNamespace(m, 'events', { waitForServiceAccount: false });
      for (const i of [1, 2, 3]) await core().createNamespacedEvent({ namespace: ns, body: coreEvent(`event-test-${i}`, ns, { testevent: 'set' }) });
      assert.equal((await core().listNamespacedEvent({ namespace: ns, labelSelector: 'testevent=set' })).items.length, 3);
      await core().deleteCollectionNamespacedEvent({ namespace: ns, labelSelector: 'testevent=set' });
      assert.equal((await core().listNamespacedEvent({ namespace: ns, labelSelector: 'testevent=set' })).items.length, 0);
    });

    it('[sig-instrumentation] Events API should delete a collection of events [Conformance]', async () => {
      const ns = await testNamespace(m, 'events-api', { waitForServiceAccount: false });
      for (const i of [1, 2, 3]) await events().createNamespacedEvent({ namespace: ns, body: eventsEvent(`event-test-${i}`, ns, { testevent: 'set' }) });
      assert.equal((await events().listNamespacedEvent({ namespace: ns, labelSelector: 'testevent=set' })).items.length, 3);
      await events().deleteCollectionNamespacedEvent({ namespace: ns, labelSelector: 'testevent=set' });
      assert.equal((await events().listEventForAllNamespaces({ labelSelector: 'testevent=set' })).items.filter((e) => e.metadata?.namespace === ns).length, 0);
    });
  });
}
