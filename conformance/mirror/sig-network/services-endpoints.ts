// Mirrors of upstream's sig-network conformance tests that stay in the API: EndpointSlices (by the
// controller and by hand), Ingress and IngressClass operations, Service status and collections, Endpoints,
// and the `kubernetes` Service. Nothing here sends traffic. Titles are upstream's codenames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoreV1Api, DiscoveryV1Api, type V1EndpointSlice } from '@kubernetes/client-node';
import { apiFailure, eventually, exerciseKindApi, MERGE_PATCH, rawRequest, retryOnConflict, suffix, testNamespace, WatchLog, SUITE, type Mirror } from '../support.ts';

/** Registers these mirrors against the file's cluster `m`. */
export function networkApiMirrors(m: Mirror): void {
  const core = () => m.api(CoreV1Api);
  const discovery = () => m.api(DiscoveryV1Api);

  async function discoveryGroupServed(): Promise<void> {
    const groups = (await rawRequest(m, 'GET', '/apis')).json<{ groups: Array<{ name: string; versions: Array<{ version: string }> }> }>().groups;
    assert.ok(groups.find((g) => g.name === 'discovery.k8s.io')?.versions.some((v) => v.version === 'v1'), 'discovery.k8s.io/v1 in /apis');
    const res = (await rawRequest(m, 'GET', '/apis/discovery.k8s.io/v1')).json<{ resources: Array<{ name: string }> }>().resources;
    assert.ok(res.some((r) => r.name === 'endpointslices'), 'endpointslices in /apis/discovery.k8s.io/v1');
  }

  const slicesFor = async (ns: string, svc: string) => (await discovery().listNamespacedEndpointSlice({ namespace: ns, labelSelector: `kubernetes.io/service-name=${svc}` })).items;
  const sliceIPs = (slices: V1EndpointSlice[]) => slices.flatMap((s) => (s.endpoints ?? []).flatMap((e) => e.addresses)).sort();

  describe('sig-network: EndpointSlice', { ...SUITE, concurrency: true }, () => {
    it('[sig-network] EndpointSlice should have Endpoints and EndpointSlices pointing to API Server [Conformance]', async () => {
      await discoveryGroupServed();
      const svc = await core().readNamespacedService({ namespace: 'default', name: 'kubernetes' });
      assert.ok(svc.spec?.clusterIP);
      const ep = await core().readNamespacedEndpoints({ namespace: 'default', name: 'kubernetes' });
      const epIPs = (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
      assert.ok(epIPs.length >= 1, 'Endpoints list the API server');
      const slices = await eventually('the kubernetes EndpointSlice', async () => {
        const s = await slicesFor('default', 'kubernetes');
        return s.length > 0 ? s : undefined;
      });
      assert.deepEqual(sliceIPs(slices), epIPs, 'the EndpointSlice agrees with the Endpoints');
    });

    it('[sig-network] EndpointSlice should create and delete Endpoints and EndpointSlices for a Service with a selector specified [Conformance]', async () => {
      await discoveryGroupServed();
      const ns = await testNamespace(m, 'endpointslice', { waitForServiceAccount: false });
      await core().createNamespacedService({ namespace: ns, body: { metadata: { name: 'example-empty-selector' }, spec: { selector: { 'does-not-match-anything': 'endpoints-and-endpoint-slices' }, ports: [{ name: 'example', port: 80, protocol: 'TCP' }] } } });
      await eventually('an Endpoints object', () => core().readNamespacedEndpoints({ namespace: ns, name: 'example-empty-selector' }));
      await eventually('an EndpointSlice', async () => ((await slicesFor(ns, 'example-empty-selector')).length > 0 ? true : undefined));
      await core().deleteNamespacedService({ namespace: ns, name: 'example-empty-selector' });
      await eventually('Endpoints gone', async () => {
        try {
          await core().readNamespacedEndpoints({ namespace: ns, name: 'example-empty-selector' });
          return undefined;
        } catch {
          return true;
        }
      });
      await eventually('EndpointSlices gone', async () => ((await slicesFor(ns, 'example-empty-selector')).length === 0 ? true : undefined));
    });

    it('[sig-network] EndpointSlice should create Endpoints and EndpointSlices for Pods matching a Service [Conformance]', async () => {
      await discoveryGroupServed();
      const ns = await testNamespace(m, 'endpointslice');
      const mkPod = (name: string, labels: Record<string, string>) =>
        core().createNamespacedPod({ namespace: ns, body: { metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 3000 }] }], terminationGracePeriodSeconds: 0 } } });
      await mkPod('pod1', { 'label-pod1': 'pod1' });
      await mkPod('pod2', { 'label-pod2': 'pod2' });
      const ips = await eventually('both pods running with IPs', async () => {
        const pods = (await core().listNamespacedPod({ namespace: ns })).items;
        return pods.length === 2 && pods.every((p) => p.status?.phase === 'Running' && p.status.podIP) ? Object.fromEntries(pods.map((p) => [p.metadata!.name!, p.status!.podIP!])) : undefined;
      });
      const svc = (name: string, selector: Record<string, string>) =>
        core().createNamespacedService({ namespace: ns, body: { metadata: { name }, spec: { selector, ports: [{ name: 'example', port: 80, targetPort: 3000, protocol: 'TCP' }] } } });
      await svc('example-int-port', { 'label-pod1': 'pod1' });
      await svc('example-multiple-pods', { 'label-pod1': 'pod1', 'label-pod2': 'pod2' });
      await svc('example-named-port', { 'label-pod2': 'pod2' });
      const check = async (name: string, want: string[]) => {
        const slices = await eventually(`EndpointSlices of ${name}`, async () => {
          const s = await slicesFor(ns, name);
          return JSON.stringify(sliceIPs(s)) === JSON.stringify([...want].sort()) ? s : undefined;
        });
        for (const s of slices) {
          assert.equal(s.addressType, 'IPv4');
          assert.equal(s.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
          // With no endpoints the controller keeps one placeholder slice without ports, as upstream does.
          assert.deepEqual(s.ports?.map((p) => [p.name, p.port]) ?? [], want.length ? [['example', 3000]] : []);
        }
        const ep = await eventually(`Endpoints of ${name}`, async () => {
          const e = await core().readNamespacedEndpoints({ namespace: ns, name });
          const got = (e.subsets ?? []).flatMap((x) => (x.addresses ?? []).map((a) => a.ip)).sort();
          return JSON.stringify(got) === JSON.stringify([...want].sort()) ? e : undefined;
        });
        assert.ok(ep);
      };
      await check('example-int-port', [ips.pod1!]);
      // Selecting both labels at once matches no pod.
      await check('example-multiple-pods', []);
      await check('example-named-port', [ips.pod2!]);
    });

    it('[sig-network] EndpointSlice should support creating EndpointSlice API operations [Conformance]', async () => {
      await discoveryGroupServed();
      await exerciseKindApi(m, 'discovery.k8s.io/v1', 'EndpointSlice', {
        namespace: 'endpointslice',
        make: () => ({ addressType: 'IPv4', endpoints: [{ addresses: ['1.2.3.4', '5.6.7.8'] }] }),
      });
    });
  });

  describe('sig-network: Ingress and IngressClass', { ...SUITE, concurrency: true }, () => {
    it('[sig-network] Ingress API should support creating Ingress API operations [Conformance]', async () => {
      await exerciseKindApi(m, 'networking.k8s.io/v1', 'Ingress', {
        namespace: 'ingress',
        make: () => ({ spec: { defaultBackend: { service: { name: 'default-backend', port: { number: 8080 } } } } }),
        statusPatch: { loadBalancer: { ingress: [{ ip: '169.1.1.1' }] } },
      });
    });

    it('[sig-network] IngressClass API should support creating IngressClass API operations [Conformance]', async () => {
      await exerciseKindApi(m, 'networking.k8s.io/v1', 'IngressClass', {
        make: () => ({ spec: { controller: 'example.com/controller' } }),
      });
    });
  });

  describe('sig-network: Services (API only)', { ...SUITE, concurrency: true }, () => {
    it('[sig-network] Services should provide secure master service [Conformance]', async () => {
      const svc = await core().readNamespacedService({ namespace: 'default', name: 'kubernetes' });
      assert.equal(svc.spec?.ports?.[0]?.name, 'https');
      assert.equal(svc.spec?.ports?.[0]?.port, 443);
    });

    it('[sig-network] Services should find a service from listing all namespaces [Conformance]', async () => {
      const all = await core().listServiceForAllNamespaces({ fieldSelector: 'metadata.namespace=default' });
      assert.ok(all.items.some((s) => s.metadata?.name === 'kubernetes' && s.metadata.namespace === 'default'));
    });

    it('[sig-network] Services should delete a collection of services [Conformance]', async () => {
      const ns = await testNamespace(m, 'services', { waitForServiceAccount: false });
      for (const i of [1, 2, 3]) {
        await core().createNamespacedService({ namespace: ns, body: { metadata: { name: `e2e-svc-${i}`, labels: { 'e2e-test-service': i === 3 ? 'keep' : 'delete' } }, spec: { ports: [{ port: 8000 + i }] } } });
      }
      assert.equal((await core().listNamespacedService({ namespace: ns })).items.length, 3);
      await core().deleteCollectionNamespacedService({ namespace: ns, labelSelector: 'e2e-test-service=delete' });
      const left = (await core().listNamespacedService({ namespace: ns })).items.map((s) => s.metadata?.name);
      assert.deepEqual(left, ['e2e-svc-3']);
    });

    it('[sig-network] Services should complete a service status lifecycle [Conformance]', async () => {
      const ns = await testNamespace(m, 'services', { waitForServiceAccount: false });
      const name = `test-service-${suffix()}`;
      const w = await WatchLog.open(m.kc(), `/api/v1/namespaces/${ns}/services`, { labelSelector: 'test-service-static=true' });
      try {
        await core().createNamespacedService({ namespace: ns, body: { metadata: { name, labels: { 'test-service-static': 'true' } }, spec: { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, targetPort: 8080 }] } } });
        const st = await core().readNamespacedServiceStatus({ namespace: ns, name });
        assert.ok(st.status, 'the status is readable');
        const patched = await core().patchNamespacedServiceStatus(
          { namespace: ns, name, body: { metadata: { annotations: { patchedstatus: 'true' } }, status: { loadBalancer: { ingress: [{ ip: '203.0.113.1' }] } } } },
          MERGE_PATCH,
        );
        assert.equal(patched.status?.loadBalancer?.ingress?.[0]?.ip, '203.0.113.1');
        await w.until('the status patch', (ev) => ev.some((e) => e.type === 'MODIFIED' && e.object.metadata?.annotations?.patchedstatus === 'true'));
        const updated = await retryOnConflict(async () => {
          const cur = await core().readNamespacedServiceStatus({ namespace: ns, name });
          cur.status = { ...cur.status, conditions: [{ type: 'StatusUpdate', status: 'True', reason: 'E2E', message: 'Set from e2e test', lastTransitionTime: new Date(Date.UTC(2024, 0, 1)) }] };
          return core().replaceNamespacedServiceStatus({ namespace: ns, name, body: cur });
        });
        assert.equal(updated.status?.conditions?.[0]?.type, 'StatusUpdate');
        const svcPatched = await core().patchNamespacedService({ namespace: ns, name, body: { metadata: { labels: { 'test-service': 'patched' } } } }, MERGE_PATCH);
        assert.equal(svcPatched.metadata?.labels?.['test-service'], 'patched');
        await core().deleteNamespacedService({ namespace: ns, name });
        await w.until('DELETED', (ev) => ev.some((e) => e.type === 'DELETED'));
      } finally {
        w.stop();
      }
    });

    it('[sig-network] Services should test the lifecycle of an Endpoint [Conformance]', async () => {
      const ns = await testNamespace(m, 'services', { waitForServiceAccount: false });
      const name = 'testservice';
      const w = await WatchLog.open(m.kc(), `/api/v1/namespaces/${ns}/endpoints`, { labelSelector: 'test-endpoint-static=true' });
      try {
        await core().createNamespacedEndpoints({
          namespace: ns,
          body: { metadata: { name, labels: { 'test-endpoint-static': 'true' } }, subsets: [{ addresses: [{ ip: '10.0.0.24' }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }] },
        });
        await w.until('ADDED', (ev) => ev.some((e) => e.type === 'ADDED'));
        assert.equal((await core().readNamespacedEndpoints({ namespace: ns, name })).subsets?.[0]?.addresses?.[0]?.ip, '10.0.0.24');
        const updated = await retryOnConflict(async () => {
          const cur = await core().readNamespacedEndpoints({ namespace: ns, name });
          cur.metadata!.labels = { ...cur.metadata!.labels, 'test-service': 'updated' };
          return core().replaceNamespacedEndpoints({ namespace: ns, name, body: cur });
        });
        assert.equal(updated.metadata?.labels?.['test-service'], 'updated');
        await core().patchNamespacedEndpoints(
          { namespace: ns, name, body: { metadata: { labels: { 'test-service': 'patched' } }, subsets: [{ addresses: [{ ip: '10.0.0.25' }], ports: [{ name: 'http-test', port: 8080, protocol: 'TCP' }] }] } },
          MERGE_PATCH,
        );
        const patched = await core().readNamespacedEndpoints({ namespace: ns, name });
        assert.deepEqual([patched.subsets?.[0]?.addresses?.[0]?.ip, patched.subsets?.[0]?.ports?.[0]?.port], ['10.0.0.25', 8080]);
        await core().deleteCollectionNamespacedEndpoints({ namespace: ns, labelSelector: 'test-endpoint-static=true' });
        await w.until('DELETED', (ev) => ev.some((e) => e.type === 'DELETED'));
        await apiFailure(core().readNamespacedEndpoints({ namespace: ns, name }), 404, 'deleted endpoints');
      } finally {
        w.stop();
      }
    });
  });
}
