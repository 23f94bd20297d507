// The API server's own EndpointSlice for the `kubernetes` service (kube-apiserver's endpoint
// reconciler writes it beside the Endpoints): created at bootstrap, and brought up to date when the
// server comes back on another address or port (a restart on the same state).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiscoveryV1Api, type V1EndpointSlice } from '@kubernetes/client-node';
import { kubeConfigForServer } from '../../src/client/kubeconfig.ts';
import { Registry } from '../../src/registry/registry.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';

let cluster: TestCluster;
let discovery: DiscoveryV1Api;

before(async () => {
  cluster = await startTestCluster();
  discovery = kubeConfigForServer(cluster.url).makeApiClient(DiscoveryV1Api);
});

after(async () => {
  await cluster?.stop();
});

const plain = (s: V1EndpointSlice) => JSON.parse(JSON.stringify({ labels: s.metadata?.labels, addressType: s.addressType, endpoints: s.endpoints, ports: s.ports })) as unknown;

describe('the kubernetes EndpointSlice', () => {
  it('is written at bootstrap as the endpoint reconciler writes it', async () => {
    const port = Number(new URL(cluster.url).port);
    const slice = await discovery.readNamespacedEndpointSlice({ name: 'kubernetes', namespace: 'default' });
    assert.deepEqual(plain(slice), {
      labels: { 'kubernetes.io/service-name': 'kubernetes' },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
      ports: [{ name: 'https', port, protocol: 'TCP' }],
    });
    assert.ok(slice.metadata?.uid);
    assert.equal(slice.metadata?.generation, 1);
  });

  it('follows a new address and port on the next bootstrap, keeping the object', async () => {
    const before = await discovery.readNamespacedEndpointSlice({ name: 'kubernetes', namespace: 'default' });
    const registry = new Registry(cluster.storage);
    try {
      await registry.start();
      await registry.bootstrap('127.0.0.1', 16443);
      let slice = await discovery.readNamespacedEndpointSlice({ name: 'kubernetes', namespace: 'default' });
      assert.deepEqual(JSON.parse(JSON.stringify(slice.ports)), [{ name: 'https', port: 16443, protocol: 'TCP' }]);
      assert.equal(slice.metadata?.uid, before.metadata?.uid);
      // A non-loopback address goes through the store's validation like any update.
      await registry.bootstrap('172.18.0.1', 16443);
      slice = await discovery.readNamespacedEndpointSlice({ name: 'kubernetes', namespace: 'default' });
      assert.deepEqual(JSON.parse(JSON.stringify(slice.endpoints)), [{ addresses: ['172.18.0.1'], conditions: { ready: true } }]);
      assert.equal(slice.metadata?.uid, before.metadata?.uid);
      const rv = slice.metadata?.resourceVersion;
      // Nothing to change: nothing written.
      await registry.bootstrap('172.18.0.1', 16443);
      slice = await discovery.readNamespacedEndpointSlice({ name: 'kubernetes', namespace: 'default' });
      assert.equal(slice.metadata?.resourceVersion, rv);
    } finally {
      registry.close();
    }
  });
});
