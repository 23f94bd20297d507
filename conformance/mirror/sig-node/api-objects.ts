// Mirrors of upstream's sig-node conformance tests that need the API and the (simulated) node agents but no
// real container: ConfigMaps, Secrets, PodTemplates, Leases, RuntimeClasses, Pods and their status, Node
// objects. Titles are upstream's codenames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoordinationV1Api, CoreV1Api, NodeV1Api, V1MicroTime, type V1Pod } from '@kubernetes/client-node';
import { apiFailure, eventually, exerciseKindApi, MERGE_PATCH, retryOnConflict, suffix, testNamespace, waitForObject, WatchLog, SUITE, type Mirror } from '../support.ts';

/** Registers these mirrors against the file's cluster `m`. */
export function nodeApiMirrors(m: Mirror): void {
  const core = () => m.api(CoreV1Api);

  const pod = (name: string, labels: Record<string, string> = {}, spec: Partial<V1Pod['spec']> = {}): V1Pod => ({
    metadata: { name, labels },
    spec: { containers: [{ name: 'agnhost', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53' }], terminationGracePeriodSeconds: 0, ...spec },
  });

  const running = (ns: string, name: string) =>
    waitForObject(`${name} Running`, () => core().readNamespacedPod({ namespace: ns, name }), (p) => p.status?.phase === 'Running');

  describe('sig-node: ConfigMap and Secret', { ...SUITE, concurrency: true }, () => {
    /** An object whose data has an empty key must be refused as Invalid, with upstream's text. */
    async function expectEmptyKeyRefused(kind: string, name: string, create: (ns: string) => Promise<unknown>) {
      const ns = await testNamespace(m, kind.toLowerCase(), { waitForServiceAccount: false });
      const st = await apiFailure(create(ns), 422, `${kind} with an empty key`);
      assert.equal(st.reason, 'Invalid');
      assert.ok(st.message?.startsWith(`${kind} "${name}" is invalid: data[]: Invalid value: "": `), st.message);
    }

    it('[sig-node] ConfigMap should fail to create ConfigMap with empty key [Conformance]', () =>
      expectEmptyKeyRefused('ConfigMap', 'configmap-test-emptykey', (ns) =>
        core().createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'configmap-test-emptykey' }, data: { '': 'value-1' } } }),
      ));

    it('[sig-node] ConfigMap should run through a ConfigMap lifecycle [Conformance]', async () => {
      const ns = await testNamespace(m, 'configmap', { waitForServiceAccount: false });
      const name = `test-configmap-${suffix()}`;
      await core().createNamespacedConfigMap({ namespace: ns, body: { metadata: { name, labels: { 'test-configmap-static': 'true' } }, data: { valueName: 'value' } } });
      await core().patchNamespacedConfigMap({ namespace: ns, name, body: { metadata: { labels: { 'test-configmap': 'patched' } }, data: { valueName: 'value1' } } }, MERGE_PATCH);
      const got = await core().readNamespacedConfigMap({ namespace: ns, name });
      assert.equal(got.data?.valueName, 'value1');
      assert.equal(got.metadata?.labels?.['test-configmap'], 'patched');
      const all = await core().listConfigMapForAllNamespaces({ labelSelector: 'test-configmap-static=true' });
      const found = all.items.find((c) => c.metadata?.namespace === ns && c.metadata.name === name);
      assert.equal(found?.data?.valueName, 'value1', 'found by its static label with the patched value');
      await core().deleteCollectionNamespacedConfigMap({ namespace: ns, labelSelector: 'test-configmap-static=true' });
      assert.equal((await core().listNamespacedConfigMap({ namespace: ns, labelSelector: 'test-configmap-static=true' })).items.length, 0);
    });

    it('[sig-node] Secrets should fail to create secret due to empty secret key [Conformance]', () =>
      expectEmptyKeyRefused('Secret', 'secret-emptykey-test', (ns) =>
        core().createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'secret-emptykey-test' }, data: { '': 'dmFsdWUtMQ==' } } }),
      ));

    it('[sig-node] Secrets should patch a secret [Conformance]', async () => {
      const ns = await testNamespace(m, 'secrets', { waitForServiceAccount: false });
      const label = `testsecret-${suffix()}`;
      await core().createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'test-secret', labels: { [label]: 'true' } }, data: { key: Buffer.from('value').toString('base64') } } });
      assert.equal((await core().listSecretForAllNamespaces({ labelSelector: `${label}=true` })).items.length, 1);
      await core().patchNamespacedSecret(
        { namespace: ns, name: 'test-secret', body: { metadata: { labels: { 'testsecret': 'true' } }, data: { key: Buffer.from('value1').toString('base64') } } },
        MERGE_PATCH,
      );
      const got = await core().readNamespacedSecret({ namespace: ns, name: 'test-secret' });
      assert.equal(Buffer.from(got.data!.key!, 'base64').toString(), 'value1');
      assert.equal(got.metadata?.labels?.testsecret, 'true');
      await core().deleteCollectionNamespacedSecret({ namespace: ns, labelSelector: `${label}=true` });
      assert.equal((await core().listSecretForAllNamespaces({ labelSelector: `${label}=true` })).items.length, 0);
    });
  });

  describe('sig-node: PodTemplates, Leases, RuntimeClasses', { ...SUITE, concurrency: true }, () => {
    const template = (name: string, labels: Record<string, string>) => ({
      metadata: { name, labels },
      template: { spec: { containers: [{ name: 'nginx', image: 'registry.k8s.io/e2e-test-images/nginx:1.14-4' }] } },
    });

    it('[sig-node] PodTemplates should run the lifecycle of PodTemplates [Conformance]', async () => {
      const ns = await testNamespace(m, 'podtemplate', { waitForServiceAccount: false });
      const name = 'nginx-pod-template';
      await core().createNamespacedPodTemplate({ namespace: ns, body: template(name, { 'podtemplate-static': 'true' }) });
      await core().patchNamespacedPodTemplate({ namespace: ns, name, body: { metadata: { labels: { podtemplate: 'patched' } } } }, MERGE_PATCH);
      assert.equal((await core().readNamespacedPodTemplate({ namespace: ns, name })).metadata?.labels?.podtemplate, 'patched');
      const listed = await core().listPodTemplateForAllNamespaces({ labelSelector: 'podtemplate-static=true' });
      assert.equal(listed.items.find((t) => t.metadata?.namespace === ns)?.metadata?.labels?.podtemplate, 'patched');
      await core().deleteNamespacedPodTemplate({ namespace: ns, name });
      await apiFailure(core().readNamespacedPodTemplate({ namespace: ns, name }), 404, 'deleted template');
    });

    it('[sig-node] PodTemplates should delete a collection of pod templates [Conformance]', async () => {
      const ns = await testNamespace(m, 'podtemplate', { waitForServiceAccount: false });
      for (const i of [1, 2, 3]) await core().createNamespacedPodTemplate({ namespace: ns, body: template(`podtemplate-${i}`, { podtemplateset: 'true' }) });
      assert.equal((await core().listNamespacedPodTemplate({ namespace: ns, labelSelector: 'podtemplateset=true' })).items.length, 3);
      await core().deleteCollectionNamespacedPodTemplate({ namespace: ns, labelSelector: 'podtemplateset=true' });
      assert.equal((await core().listNamespacedPodTemplate({ namespace: ns, labelSelector: 'podtemplateset=true' })).items.length, 0);
    });

    it('[sig-node] PodTemplates should replace a pod template [Conformance]', async () => {
      const ns = await testNamespace(m, 'podtemplate', { waitForServiceAccount: false });
      await core().createNamespacedPodTemplate({ namespace: ns, body: template('podtemplate-replace', {}) });
      const replaced = await retryOnConflict(async () => {
        const cur = await core().readNamespacedPodTemplate({ namespace: ns, name: 'podtemplate-replace' });
        cur.template!.metadata = { ...cur.template!.metadata, annotations: { updated: 'true' } };
        return core().replaceNamespacedPodTemplate({ namespace: ns, name: 'podtemplate-replace', body: cur });
      });
      assert.equal(replaced.template?.metadata?.annotations?.updated, 'true');
    });

    it('[sig-node] Lease lease API should be available [Conformance]', async () => {
      const ns = await testNamespace(m, 'lease-test', { waitForServiceAccount: false });
      const coord = m.api(CoordinationV1Api);
      // MicroTime fields travel with six fractional digits, which V1MicroTime writes.
      const t0 = new V1MicroTime('2024-01-01T00:00:00.000Z');
      const spec = { holderIdentity: 'holder', leaseDurationSeconds: 30, acquireTime: t0, renewTime: t0, leaseTransitions: 0 };
      await coord.createNamespacedLease({ namespace: ns, body: { metadata: { name: 'lease' }, spec } });
      const got = await coord.readNamespacedLease({ namespace: ns, name: 'lease' });
      assert.equal(got.spec?.holderIdentity, 'holder');
      assert.equal(new Date(got.spec!.renewTime!).getTime(), t0.getTime());
      got.spec = { ...got.spec, holderIdentity: 'holder2', leaseTransitions: 1 };
      await coord.replaceNamespacedLease({ namespace: ns, name: 'lease', body: got });
      assert.deepEqual([(await coord.readNamespacedLease({ namespace: ns, name: 'lease' })).spec?.holderIdentity, (await coord.readNamespacedLease({ namespace: ns, name: 'lease' })).spec?.leaseTransitions], ['holder2', 1]);
      await coord.patchNamespacedLease({ namespace: ns, name: 'lease', body: { spec: { holderIdentity: 'holder3', leaseDurationSeconds: 60 } } }, MERGE_PATCH);
      const patched = await coord.readNamespacedLease({ namespace: ns, name: 'lease' });
      assert.deepEqual([patched.spec?.holderIdentity, patched.spec?.leaseDurationSeconds], ['holder3', 60]);
      await coord.createNamespacedLease({ namespace: ns, body: { metadata: { name: 'lease2', labels: { deletecollection: 'true' } }, spec } });
      assert.equal((await coord.listNamespacedLease({ namespace: ns })).items.length, 2);
      await coord.deleteCollectionNamespacedLease({ namespace: ns, labelSelector: 'deletecollection=true' });
      assert.deepEqual((await coord.listNamespacedLease({ namespace: ns })).items.map((l) => l.metadata?.name), ['lease']);
      await coord.deleteNamespacedLease({ namespace: ns, name: 'lease' });
      await apiFailure(coord.readNamespacedLease({ namespace: ns, name: 'lease' }), 404, 'deleted lease');
    });

    it('[sig-node] RuntimeClass should support RuntimeClasses API operations [Conformance]', async () => {
      await exerciseKindApi(m, 'node.k8s.io/v1', 'RuntimeClass', { make: () => ({ handler: 'runc' }) });
    });

    it('[sig-node] RuntimeClass should reject a Pod requesting a non-existent RuntimeClass [NodeConformance] [Conformance]', async () => {
      const ns = await testNamespace(m, 'runtimeclass');
      const st = await apiFailure(core().createNamespacedPod({ namespace: ns, body: pod('test-runtimeclass', {}, { runtimeClassName: `does-not-exist-${suffix()}` }) }), 403, 'pod with a missing RuntimeClass');
      assert.equal(st.reason, 'Forbidden');
    });

    it('[sig-node] RuntimeClass should reject a Pod requesting a deleted RuntimeClass [NodeConformance] [Conformance]', async () => {
      const ns = await testNamespace(m, 'runtimeclass');
      const node = m.api(NodeV1Api);
      const rc = `deleted-rc-${suffix()}`;
      await node.createRuntimeClass({ body: { metadata: { name: rc }, handler: 'runc' } });
      await node.deleteRuntimeClass({ name: rc });
      await eventually('runtime class gone', async () => {
        try {
          await node.readRuntimeClass({ name: rc });
          return undefined;
        } catch {
          return true;
        }
      });
      await apiFailure(core().createNamespacedPod({ namespace: ns, body: pod('test-runtimeclass', {}, { runtimeClassName: rc }) }), 403, 'pod with a deleted RuntimeClass');
    });

    it('[sig-node] RuntimeClass should schedule a Pod requesting a RuntimeClass without PodOverhead [NodeConformance] [Conformance]', async () => {
      const ns = await testNamespace(m, 'runtimeclass');
      const rc = `runtimeclass-${suffix()}`;
      await m.api(NodeV1Api).createRuntimeClass({ body: { metadata: { name: rc }, handler: 'runc' } });
      await core().createNamespacedPod({ namespace: ns, body: pod('test-runtimeclass', {}, { runtimeClassName: rc }) });
      const scheduled = await waitForObject('scheduled', () => core().readNamespacedPod({ namespace: ns, name: 'test-runtimeclass' }), (p) => !!p.spec?.nodeName);
      assert.equal(scheduled.spec?.overhead, undefined);
    });

    it('[sig-node] RuntimeClass should schedule a Pod requesting a RuntimeClass and initialize its Overhead [NodeConformance] [Conformance]', async () => {
      const ns = await testNamespace(m, 'runtimeclass');
      const rc = `runtimeclass-${suffix()}`;
      await m.api(NodeV1Api).createRuntimeClass({ body: { metadata: { name: rc }, handler: 'runc', overhead: { podFixed: { cpu: '10m', memory: '1Mi' } } } });
      const created = await core().createNamespacedPod({ namespace: ns, body: pod('test-runtimeclass', {}, { runtimeClassName: rc }) });
      assert.deepEqual(created.spec?.overhead, { cpu: '10m', memory: '1Mi' }, 'overhead initialized from the RuntimeClass');
      await waitForObject('scheduled', () => core().readNamespacedPod({ namespace: ns, name: 'test-runtimeclass' }), (p) => !!p.spec?.nodeName);
    });
  });

  describe('sig-node: Pods and Nodes', { ...SUITE, concurrency: true }, () => {
    it('[sig-node] Pods should be submitted and removed [NodeConformance] [Conformance]', async () => {
      const ns = await testNamespace(m, 'pods');
      const sel = `time=${suffix()}`;
      const [k, v] = sel.split('=') as [string, string];
      const initial = await core().listNamespacedPod({ namespace: ns, labelSelector: sel });
      assert.equal(initial.items.length, 0);
      const w = await WatchLog.open(m.kc(), `/api/v1/namespaces/${ns}/pods`, { labelSelector: sel, resourceVersion: initial.metadata!.resourceVersion! });
      try {
        await core().createNamespacedPod({ namespace: ns, body: pod('pod-submit-remove', { [k]: v }) });
        assert.equal((await core().listNamespacedPod({ namespace: ns, labelSelector: sel })).items.length, 1, 'found by its label');
        await w.until('ADDED', (ev) => ev.some((e) => e.type === 'ADDED'));
        await running(ns, 'pod-submit-remove');
        await core().deleteNamespacedPod({ namespace: ns, name: 'pod-submit-remove', gracePeriodSeconds: 30 });
        await w.until('a deletion timestamp', (ev) => ev.some((e) => e.type === 'MODIFIED' && !!e.object.metadata?.deletionTimestamp));
        await w.until('DELETED', (ev) => ev.some((e) => e.type === 'DELETED'), 45_000);
        assert.equal((await core().listNamespacedPod({ namespace: ns, labelSelector: sel })).items.length, 0);
      } finally {
        w.stop();
      }
    });

    it('[sig-node] Pods should be updated [NodeConformance] [Conformance]', async () => {
      const ns = await testNamespace(m, 'pods');
      await core().createNamespacedPod({ namespace: ns, body: pod('pod-update', { time: 'first' }) });
      await running(ns, 'pod-update');
      await retryOnConflict(async () => {
        const cur = await core().readNamespacedPod({ namespace: ns, name: 'pod-update' });
        cur.metadata!.labels = { time: 'second' };
        return core().replaceNamespacedPod({ namespace: ns, name: 'pod-update', body: cur });
      });
      assert.deepEqual((await core().listNamespacedPod({ namespace: ns, labelSelector: 'time=second' })).items.map((p) => p.metadata?.name), ['pod-update']);
    });

    it('[sig-node] Pods should delete a collection of pods [Conformance]', async () => {
      const ns = await testNamespace(m, 'pods');
      for (const i of [1, 2, 3]) await core().createNamespacedPod({ namespace: ns, body: pod(`test-pod-${i}`, { type: 'Testing' }) });
      assert.equal((await core().listNamespacedPod({ namespace: ns, labelSelector: 'type=Testing' })).items.length, 3);
      await core().deleteCollectionNamespacedPod({ namespace: ns, labelSelector: 'type=Testing', gracePeriodSeconds: 1 });
      await eventually('pods deleted', async () => ((await core().listNamespacedPod({ namespace: ns, labelSelector: 'type=Testing' })).items.length === 0 ? true : undefined));
    });

    it('[sig-node] Pods should get a host IP [NodeConformance] [Conformance]', async () => {
      const ns = await testNamespace(m, 'pods');
      await core().createNamespacedPod({ namespace: ns, body: pod('pod-hostip') });
      const p = await running(ns, 'pod-hostip');
      assert.match(p.status?.hostIP ?? '', /^\d+\.\d+\.\d+\.\d+$/, 'a valid host IP');
      assert.equal(p.status?.hostIPs?.[0]?.ip, p.status?.hostIP);
    });

    it('[sig-node] Pods should patch a pod status [Conformance]', async () => {
      const ns = await testNamespace(m, 'pods');
      await core().createNamespacedPod({ namespace: ns, body: pod('pod-status') });
      await running(ns, 'pod-status');
      const patched = await core().patchNamespacedPodStatus(
        { namespace: ns, name: 'pod-status', body: { metadata: { annotations: { patchedstatus: 'true' } }, status: { message: 'Patched by e2e test', reason: 'E2E' } } },
        MERGE_PATCH,
      );
      assert.deepEqual([patched.metadata?.annotations?.patchedstatus, patched.status?.message, patched.status?.reason], ['true', 'Patched by e2e test', 'E2E']);
    });

    it('[sig-node] Pods should run through the lifecycle of Pods and PodStatus [Conformance]', async () => {
      const ns = await testNamespace(m, 'pods');
      const name = 'pod-test';
      await core().createNamespacedPod({ namespace: ns, body: pod(name, { 'test-pod-static': 'true' }) });
      await running(ns, name);
      const patched = await core().patchNamespacedPod(
        { namespace: ns, name, body: { metadata: { labels: { 'test-pod': 'patched' } }, spec: { activeDeadlineSeconds: 5000 } } },
        MERGE_PATCH,
      );
      assert.equal(patched.metadata?.labels?.['test-pod'], 'patched');
      const st = await core().readNamespacedPodStatus({ namespace: ns, name });
      const replaced = await retryOnConflict(async () => {
        const cur = await core().readNamespacedPodStatus({ namespace: ns, name });
        cur.status!.conditions = (cur.status!.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'False' } : c));
        return core().replaceNamespacedPodStatus({ namespace: ns, name, body: cur });
      });
      assert.ok(st.status?.conditions?.some((c) => c.type === 'Ready'));
      assert.equal(replaced.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
      await core().deleteNamespacedPod({ namespace: ns, name, gracePeriodSeconds: 0 });
      await eventually('pod gone', async () => ((await core().listNamespacedPod({ namespace: ns, labelSelector: 'test-pod-static=true' })).items.length === 0 ? true : undefined));
    });

    it('[sig-node] Pods Extended Pods Set QOS Class should be set on Pods with matching resource requests and limits for memory and cpu [Conformance]', async () => {
      const ns = await testNamespace(m, 'pods');
      const res = { requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '100m', memory: '100Mi' } };
      const created = await core().createNamespacedPod({
        namespace: ns,
        body: { metadata: { name: 'pod-qos-class' }, spec: { containers: [{ name: 'agnhost', image: 'registry.k8s.io/pause:3.10', resources: res }] } },
      });
      assert.equal(created.status?.qosClass, 'Guaranteed');
    });

    it('[sig-node] Node Lifecycle should run through the lifecycle of a node [Conformance]', async () => {
      const name = `e2e-fake-node-${suffix()}`;
      const created = await core().createNode({ body: { metadata: { name }, status: { phase: 'Running' } } });
      assert.equal((await core().readNode({ name })).metadata?.uid, created.metadata?.uid);
      await core().patchNode({ name, body: { metadata: { labels: { [name]: 'patched' } } } }, MERGE_PATCH);
      const listed = await core().listNode({ labelSelector: `${name}=patched` });
      assert.deepEqual(listed.items.map((n) => n.metadata?.name), [name]);
      const updated = await retryOnConflict(async () => {
        const cur = await core().readNode({ name });
        cur.metadata!.labels = { ...cur.metadata!.labels, [name]: 'updated' };
        return core().replaceNode({ name, body: cur });
      });
      assert.equal(updated.metadata?.labels?.[name], 'updated');
      await core().deleteNode({ name });
      await apiFailure(core().readNode({ name }), 404, 'deleted node');
    });
  });
}
