// The Endpoints and EndpointSlice controllers against a real API server, scheduler and hollow nodes:
// both follow pods as they are created, become ready or unready, are relabelled and deleted; named
// target ports, headless services (hostname/subdomain), publishNotReadyAddresses, services without a
// selector, placeholder slices and more than 100 endpoints split over slices.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1EndpointSlice, V1Endpoints, V1Pod, V1Service } from '@kubernetes/client-node';
import { DiscoveryV1Api } from '@kubernetes/client-node';
import { MERGE_PATCH } from '../../src/client/clients.ts';
import { rfc3339 } from '../../src/client/time.ts';
import { ANNOTATIONS } from '../../src/kubelet/behaviour.ts';
import { pod, startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;
let discovery: DiscoveryV1Api;

before(async () => {
  c = await startNodesCluster({
    nodes: [
      { name: 'node-1', pods: 200, labels: { 'topology.kubernetes.io/zone': 'zone-a' } },
      { name: 'node-2', pods: 200 },
    ],
    controllers: ['endpoints-controller', 'endpointslice-controller'],
  });
  discovery = c.kc.makeApiClient(DiscoveryV1Api);
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 60_000 };

async function createNamespace(ns: string): Promise<void> {
  await c.core.createNamespace({ body: { metadata: { name: ns } } });
}

async function service(ns: string, name: string, spec: V1Service['spec'], labels?: Record<string, string>): Promise<V1Service> {
  return c.core.createNamespacedService({ namespace: ns, body: { metadata: { name, labels }, spec } });
}

function appPod(name: string, labels: Record<string, string>, annotations?: Record<string, string>, spec: Partial<NonNullable<V1Pod['spec']>> = {}): V1Pod {
  const p = pod(name, spec, annotations);
  p.metadata!.labels = labels;
  return p;
}

async function running(ns: string, name: string): Promise<V1Pod> {
  return waitFor(`${ns}/${name} running with an IP`, async () => {
    const p = await c.core.readNamespacedPod({ name, namespace: ns });
    return p.status?.phase === 'Running' && p.status.podIP ? p : undefined;
  });
}

async function ready(ns: string, name: string): Promise<V1Pod> {
  return waitFor(`${ns}/${name} ready`, async () => {
    const p = await c.core.readNamespacedPod({ name, namespace: ns });
    return p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ? p : undefined;
  });
}

async function endpointsWhen(ns: string, name: string, what: string, pred: (ep: V1Endpoints) => boolean, timeoutMs = 20_000): Promise<V1Endpoints> {
  let last: V1Endpoints | undefined;
  try {
    return await waitFor(
      `endpoints ${ns}/${name}: ${what}`,
      async () => {
        last = await c.core.readNamespacedEndpoints({ name, namespace: ns });
        return pred(last) ? last : undefined;
      },
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlast: ${JSON.stringify(last?.subsets)}`);
  }
}

async function slicesOf(ns: string, svc: string): Promise<V1EndpointSlice[]> {
  return (await discovery.listNamespacedEndpointSlice({ namespace: ns, labelSelector: `kubernetes.io/service-name=${svc}` })).items;
}

async function slicesWhen(ns: string, svc: string, what: string, pred: (s: V1EndpointSlice[]) => boolean, timeoutMs = 20_000): Promise<V1EndpointSlice[]> {
  let last: V1EndpointSlice[] = [];
  try {
    return await waitFor(
      `slices of ${ns}/${svc}: ${what}`,
      async () => {
        last = await slicesOf(ns, svc);
        return pred(last) ? last : undefined;
      },
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlast: ${JSON.stringify(last.map((s) => ({ name: s.metadata?.name, endpoints: s.endpoints, ports: s.ports })))}`);
  }
}

const ips = (list: { ip: string }[] | undefined) => (list ?? []).map((a) => a.ip);
const byIP = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const sliceEndpoints = (slices: V1EndpointSlice[]) => slices.flatMap((s) => s.endpoints ?? []);
const epFor = (slices: V1EndpointSlice[], podName: string) => sliceEndpoints(slices).find((e) => e.targetRef?.name === podName);

describe('endpoints and endpointslices', () => {
  it('ready and not-ready pods of a service: Endpoints subsets and one EndpointSlice', T, async () => {
    const ns = 'ep-basic';
    await createNamespace(ns);
    await c.core.createNamespacedPod({ namespace: ns, body: appPod('web-1', { app: 'web' }, undefined, { nodeSelector: { 'kubernetes.io/hostname': 'node-1' } }) });
    await c.core.createNamespacedPod({ namespace: ns, body: appPod('web-2', { app: 'web' }) });
    await c.core.createNamespacedPod({ namespace: ns, body: appPod('web-unready', { app: 'web' }, { [ANNOTATIONS.failReadiness]: 'true' }) });
    await c.core.createNamespacedPod({ namespace: ns, body: appPod('other', { app: 'other' }) });
    const pods = await Promise.all(['web-1', 'web-2', 'web-unready', 'other'].map((n) => running(ns, n)));
    await Promise.all(['web-1', 'web-2'].map((n) => ready(ns, n)));
    const [p1, p2, pu] = pods;
    // Created after its pods settled: its first sync writes everything, stamped with the service's creation time.
    const svc = await service(ns, 'web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 as never, protocol: 'TCP' }] }, { tier: 'front' });
    const created = rfc3339(svc.metadata!.creationTimestamp!.getTime());

    const ep = await endpointsWhen(ns, 'web', '2 ready, 1 not ready', (e) => ips(e.subsets?.[0]?.addresses).length === 2 && ips(e.subsets?.[0]?.notReadyAddresses).length === 1);
    assert.equal(ep.subsets?.length, 1);
    const ss = ep.subsets![0]!;
    assert.deepEqual(ips(ss.addresses), [p1!.status!.podIP!, p2!.status!.podIP!].sort(byIP));
    assert.deepEqual(ips(ss.notReadyAddresses), [pu!.status!.podIP!]);
    const a1 = ss.addresses!.find((a) => a.ip === p1!.status!.podIP)!;
    assert.equal(a1.nodeName, 'node-1');
    assert.deepEqual(
      { kind: a1.targetRef?.kind, namespace: a1.targetRef?.namespace, name: a1.targetRef?.name, uid: a1.targetRef?.uid },
      { kind: 'Pod', namespace: ns, name: 'web-1', uid: p1!.metadata!.uid },
    );
    assert.equal(a1.hostname, undefined);
    assert.deepEqual(
      ss.ports?.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
      [{ name: 'http', port: 8080, protocol: 'TCP' }],
    );
    assert.deepEqual(ep.metadata?.labels, { tier: 'front' });
    assert.deepEqual(ep.metadata?.annotations, { 'endpoints.kubernetes.io/last-change-trigger-time': created });

    const slices = await slicesWhen(ns, 'web', '3 endpoints', (s) => sliceEndpoints(s).length === 3);
    assert.equal(slices.length, 1);
    const slice = slices[0]!;
    assert.match(slice.metadata?.name ?? '', /^web-[a-z0-9]{5}$/);
    assert.equal(slice.metadata?.generateName, 'web-');
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.metadata?.labels, {
      tier: 'front',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    const owner = slice.metadata?.ownerReferences?.[0];
    assert.deepEqual(
      { apiVersion: owner?.apiVersion, kind: owner?.kind, name: owner?.name, uid: owner?.uid, controller: owner?.controller, blockOwnerDeletion: owner?.blockOwnerDeletion },
      { apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata?.uid, controller: true, blockOwnerDeletion: true },
    );
    assert.deepEqual(JSON.parse(JSON.stringify(slice.ports)), [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(slice.metadata?.annotations, { 'endpoints.kubernetes.io/last-change-trigger-time': created });
    const e1 = epFor(slices, 'web-1')!;
    assert.deepEqual(e1.addresses, [p1!.status!.podIP]);
    assert.deepEqual({ ...e1.conditions }, { ready: true, serving: true, terminating: false });
    assert.equal(e1.nodeName, 'node-1');
    assert.equal(e1.zone, 'zone-a');
    assert.equal(e1.targetRef?.uid, p1!.metadata!.uid);
    const eu = epFor(slices, 'web-unready')!;
    assert.deepEqual({ ...eu.conditions }, { ready: false, serving: false, terminating: false });
    assert.equal(epFor(slices, 'other'), undefined);
    if (eu.nodeName === 'node-2') assert.equal(eu.zone, undefined);
  });

  it('pods becoming ready, becoming unready, relabelled and deleted are followed', T, async () => {
    const ns = 'ep-follow';
    await createNamespace(ns);
    await service(ns, 'api', { selector: { app: 'api' }, ports: [{ port: 80, protocol: 'TCP' }] });
    await c.core.createNamespacedPod({ namespace: ns, body: appPod('late', { app: 'api' }, { [ANNOTATIONS.readyAfter]: '2s' }) });
    await c.core.createNamespacedPod({
      namespace: ns,
      body: appPod('fading', { app: 'api' }, { [ANNOTATIONS.failReadinessAfter]: '2s' }, {
        containers: [{ name: 'app', image: 'nginx:1.27', readinessProbe: { httpGet: { path: '/ready', port: 80 as never }, periodSeconds: 1, failureThreshold: 1 } }],
      }),
    });
    const late = await running(ns, 'late');
    const fading = await running(ns, 'fading');
    const first = await endpointsWhen(ns, 'api', 'late not ready, fading ready', (e) =>
      ips(e.subsets?.[0]?.notReadyAddresses).includes(late.status!.podIP!) && ips(e.subsets?.[0]?.addresses).includes(fading.status!.podIP!),
    );
    // A service without labels: an Endpoints without labels.
    assert.equal(first.metadata?.labels, undefined);
    await endpointsWhen(ns, 'api', 'late ready, fading not ready', (e) =>
      ips(e.subsets?.[0]?.addresses).join() === late.status!.podIP && ips(e.subsets?.[0]?.notReadyAddresses).join() === fading.status!.podIP,
    );
    await slicesWhen(ns, 'api', 'late ready, fading not ready', (s) => epFor(s, 'late')?.conditions?.ready === true && epFor(s, 'fading')?.conditions?.ready === false);

    // Relabelled out of the selector: gone from both.
    await c.core.patchNamespacedPod({ name: 'fading', namespace: ns, body: { metadata: { labels: { app: 'gone' } } } }, MERGE_PATCH);
    await endpointsWhen(ns, 'api', 'only late', (e) => e.subsets?.length === 1 && ips(e.subsets[0]!.addresses).join() === late.status!.podIP && !e.subsets[0]!.notReadyAddresses);
    await slicesWhen(ns, 'api', 'only late', (s) => sliceEndpoints(s).length === 1 && epFor(s, 'late') !== undefined);

    // Deleted with a grace period it uses in full: terminating (out of the Endpoints, terminating in the slice), then gone.
    await c.core.createNamespacedPod({
      namespace: ns,
      body: appPod('slow', { app: 'api' }, { [ANNOTATIONS.ignoreSigterm]: 'true' }, { terminationGracePeriodSeconds: 4 }),
    });
    const slow = await running(ns, 'slow');
    await endpointsWhen(ns, 'api', 'slow ready', (e) => ips(e.subsets?.[0]?.addresses).includes(slow.status!.podIP!));
    await c.core.deleteNamespacedPod({ name: 'slow', namespace: ns });
    await endpointsWhen(ns, 'api', 'slow removed while terminating', (e) => !ips(e.subsets?.[0]?.addresses).includes(slow.status!.podIP!) && !ips(e.subsets?.[0]?.notReadyAddresses).includes(slow.status!.podIP!));
    const terminating = await slicesWhen(ns, 'api', 'slow terminating', (s) => epFor(s, 'slow')?.conditions?.terminating === true);
    assert.equal(epFor(terminating, 'slow')?.conditions?.ready, false);
    assert.ok(await c.core.readNamespacedPod({ name: 'slow', namespace: ns }), 'the pod still exists while its endpoint is terminating');
    await slicesWhen(ns, 'api', 'slow gone', (s) => epFor(s, 'slow') === undefined && sliceEndpoints(s).length === 1);

    // Every pod gone: Endpoints without subsets, and the slice emptied into a placeholder.
    await c.core.deleteNamespacedPod({ name: 'late', namespace: ns, gracePeriodSeconds: 0 });
    await endpointsWhen(ns, 'api', 'no subsets', (e) => (e.subsets ?? []).length === 0);
    const placeholder = await slicesWhen(ns, 'api', 'placeholder', (s) => s.length === 1 && sliceEndpoints(s).length === 0);
    assert.deepEqual(placeholder[0]!.ports ?? [], []);

    // The service deleted: its Endpoints goes too.
    await c.core.deleteNamespacedService({ name: 'api', namespace: ns });
    await waitFor('endpoints api deleted', async () => {
      try {
        await c.core.readNamespacedEndpoints({ name: 'api', namespace: ns });
        return false;
      } catch (err) {
        return (err as { code?: number }).code === 404;
      }
    });
  });

  it('named target ports resolve per pod; pods with different port numbers get their own subsets and slices', T, async () => {
    const ns = 'ep-ports';
    await createNamespace(ns);
    await service(ns, 'named', { selector: { app: 'named' }, ports: [{ name: 'web', port: 80, targetPort: 'http' as never, protocol: 'TCP' }] });
    const withPort = (name: string, port: number) =>
      appPod(name, { app: 'named' }, undefined, { containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: port }] }] });
    await c.core.createNamespacedPod({ namespace: ns, body: withPort('a', 8080) });
    await c.core.createNamespacedPod({ namespace: ns, body: withPort('b', 9090) });
    // No port named http: no address at all.
    await c.core.createNamespacedPod({ namespace: ns, body: appPod('nope', { app: 'named' }) });
    const a = await running(ns, 'a');
    const b = await running(ns, 'b');
    await running(ns, 'nope');
    const ep = await endpointsWhen(ns, 'named', 'two subsets', (e) => e.subsets?.length === 2);
    const found = ep.subsets!.map((s) => ({ ips: ips(s.addresses), port: s.ports?.[0]?.port, name: s.ports?.[0]?.name })).sort((x, y) => x.port! - y.port!);
    assert.deepEqual(found, [
      { ips: [a.status!.podIP!], port: 8080, name: 'web' },
      { ips: [b.status!.podIP!], port: 9090, name: 'web' },
    ]);
    // The EndpointSlice controller keeps a pod whose ports do not resolve, in a slice without ports.
    const slices = await slicesWhen(ns, 'named', 'three slices with one endpoint each', (s) => s.length === 3 && s.every((x) => x.endpoints?.length === 1));
    const byPort = slices.map((s) => ({ ports: JSON.parse(JSON.stringify(s.ports ?? [])), pod: s.endpoints?.[0]?.targetRef?.name })).sort((x, y) => x.pod!.localeCompare(y.pod!));
    assert.deepEqual(byPort, [
      { ports: [{ name: 'web', port: 8080, protocol: 'TCP' }], pod: 'a' },
      { ports: [{ name: 'web', port: 9090, protocol: 'TCP' }], pod: 'b' },
      { ports: [], pod: 'nope' },
    ]);
  });

  it('headless services: the headless label, hostnames for pods whose subdomain is the service; publishNotReadyAddresses', T, async () => {
    const ns = 'ep-headless';
    await createNamespace(ns);
    await service(ns, 'db', { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432, protocol: 'TCP' }] });
    await service(ns, 'db-all', { clusterIP: 'None', selector: { app: 'db' }, publishNotReadyAddresses: true });
    await c.core.createNamespacedPod({ namespace: ns, body: appPod('db-0', { app: 'db' }, undefined, { hostname: 'db-0', subdomain: 'db' }) });
    await c.core.createNamespacedPod({ namespace: ns, body: appPod('db-1', { app: 'db' }, { [ANNOTATIONS.failReadiness]: 'true' }, { hostname: 'db-1', subdomain: 'db' }) });
    const p0 = await running(ns, 'db-0');
    const p1 = await running(ns, 'db-1');

    const ep = await endpointsWhen(ns, 'db', 'db-0 ready, db-1 not', (e) => ips(e.subsets?.[0]?.addresses).length === 1 && ips(e.subsets?.[0]?.notReadyAddresses).length === 1);
    assert.deepEqual(ep.metadata?.labels, { 'service.kubernetes.io/headless': '' });
    assert.equal(ep.subsets![0]!.addresses![0]!.hostname, 'db-0');
    assert.equal(ep.subsets![0]!.notReadyAddresses![0]!.hostname, 'db-1');
    const slices = await slicesWhen(ns, 'db', 'two endpoints', (s) => sliceEndpoints(s).length === 2);
    assert.equal(slices[0]!.metadata?.labels?.['service.kubernetes.io/headless'], '');
    assert.equal(epFor(slices, 'db-0')?.hostname, 'db-0');

    // publishNotReadyAddresses and no ports: both pods are addresses, hostnames only for subdomain db-all (none).
    const all = await endpointsWhen(ns, 'db-all', 'both published', (e) => ips(e.subsets?.[0]?.addresses).length === 2);
    assert.deepEqual(ips(all.subsets![0]!.addresses), [p0.status!.podIP!, p1.status!.podIP!].sort(byIP));
    assert.equal(all.subsets![0]!.notReadyAddresses, undefined);
    assert.equal(all.subsets![0]!.ports, undefined);
    assert.ok(all.subsets![0]!.addresses!.every((a) => a.hostname === undefined));
    const allSlices = await slicesWhen(ns, 'db-all', 'two endpoints', (s) => sliceEndpoints(s).length === 2);
    assert.deepEqual({ ...epFor(allSlices, 'db-1')?.conditions }, { ready: true, serving: false, terminating: false });
  });

  it('services without a selector are left alone; the kubernetes service keeps the API server endpoints', T, async () => {
    const ns = 'ep-noselector';
    await createNamespace(ns);
    await service(ns, 'external', { ports: [{ port: 443, protocol: 'TCP' }] });
    await c.core.createNamespacedEndpoints({
      namespace: ns,
      body: { metadata: { name: 'external' }, subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 443, protocol: 'TCP' }] }] },
    });
    // Another service in the namespace, so that the controllers are known to have synced it by the time we look.
    await service(ns, 'marker', { selector: { app: 'marker' }, ports: [{ port: 80, protocol: 'TCP' }] });
    await endpointsWhen(ns, 'marker', 'exists', () => true);
    await slicesWhen(ns, 'marker', 'placeholder', (s) => s.length === 1);
    const ep = await c.core.readNamespacedEndpoints({ name: 'external', namespace: ns });
    assert.deepEqual(ips(ep.subsets?.[0]?.addresses), ['192.0.2.10']);
    assert.equal(ep.metadata?.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'], undefined);
    assert.deepEqual(await slicesOf(ns, 'external'), []);

    const k = await c.core.readNamespacedEndpoints({ name: 'kubernetes', namespace: 'default' });
    assert.deepEqual(k.metadata?.labels, { 'endpointslice.kubernetes.io/skip-mirror': 'true' });
    const ks = await discovery.readNamespacedEndpointSlice({ name: 'kubernetes', namespace: 'default' });
    assert.deepEqual(ks.metadata?.labels, { 'kubernetes.io/service-name': 'kubernetes' });
    assert.equal(ks.addressType, 'IPv4');
    assert.deepEqual(JSON.parse(JSON.stringify(ks.endpoints)), [{ addresses: [k.subsets![0]!.addresses![0]!.ip], conditions: { ready: true } }]);
    assert.deepEqual(JSON.parse(JSON.stringify(ks.ports)), [{ name: 'https', port: k.subsets![0]!.ports![0]!.port, protocol: 'TCP' }]);
  });

  it('more than 100 endpoints are split over slices of at most 100', { timeout: 120_000 }, async () => {
    const ns = 'ep-many';
    await createNamespace(ns);
    await service(ns, 'many', { selector: { app: 'many' }, ports: [{ port: 80, protocol: 'TCP' }] });
    const n = 105;
    for (let i = 0; i < n; i += 15) {
      await Promise.all(
        Array.from({ length: Math.min(15, n - i) }, (_, j) => c.core.createNamespacedPod({ namespace: ns, body: appPod(`m-${i + j}`, { app: 'many' }) })),
      );
    }
    const slices = await slicesWhen(ns, 'many', `${n} endpoints`, (s) => sliceEndpoints(s).filter((e) => e.conditions?.ready).length === n, 90_000);
    // Filled as pods come, as upstream does: a full-enough slice is left alone and the rest goes to a new one.
    assert.ok(slices.length >= 2, `${slices.length} slices`);
    assert.ok(slices.every((s) => (s.endpoints?.length ?? 0) <= 100), JSON.stringify(slices.map((s) => s.endpoints?.length)));
    assert.equal(new Set(sliceEndpoints(slices).map((e) => e.targetRef?.name)).size, n);
    const ep = await endpointsWhen(ns, 'many', `${n} addresses`, (e) => ips(e.subsets?.[0]?.addresses).length === n, 30_000);
    assert.equal(ep.subsets?.length, 1);
  });
});
