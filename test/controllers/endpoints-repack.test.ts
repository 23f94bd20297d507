// RepackSubsets/SortSubsets and the 1000-address truncation of the Endpoints controller, without a
// cluster. The expected orders were computed with k8s.io/api v0.35.0 types and
// k8s.io/apimachinery/pkg/util/dump.ForHash (MD5 of the dump, as pkg/api/v1/endpoints sorts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1EndpointAddress, V1EndpointSubset } from '@kubernetes/client-node';
import { repackSubsets } from '../../src/controllers/endpoints-repack.ts';
import { MAX_ENDPOINTS_CAPACITY, truncateSubsets } from '../../src/controllers/endpoints.ts';

const a: V1EndpointAddress = { ip: '10.244.1.5', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' } };
const b: V1EndpointAddress = { ip: '10.244.2.9', nodeName: 'node-2', targetRef: { kind: 'Pod', namespace: 'ns', name: 'b', uid: 'uid-b' } };
const http = { name: 'http', port: 8080, protocol: 'TCP' };
const metrics = { name: 'metrics', port: 9100, protocol: 'TCP' };
const dns = { name: 'dns', port: 53, protocol: 'UDP' };
const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

describe('repackSubsets', () => {
  it('groups addresses by the ports they offer, not ready winning, in upstream order', () => {
    // One (address, port) pair per subset, as the controller builds them.
    const input: V1EndpointSubset[] = [
      { addresses: [a], ports: [http] },
      { addresses: [a], ports: [metrics] },
      { addresses: [a], ports: [dns] },
      { notReadyAddresses: [b], ports: [http] },
      { notReadyAddresses: [b], ports: [metrics] },
      // Listed ready too: not ready wins.
      { addresses: [b], ports: [metrics] },
    ];
    assert.deepEqual(plain(repackSubsets(input)), [
      { addresses: [a], notReadyAddresses: [b], ports: [metrics, http] },
      { addresses: [a], ports: [dns] },
    ]);
  });

  it('orders ports by hash and addresses by IP then UID', () => {
    const c: V1EndpointAddress = { ip: '10.244.1.10', targetRef: { kind: 'Pod', namespace: 'ns', name: 'c', uid: 'uid-c' } };
    const out = repackSubsets([http, metrics, dns].flatMap((p) => [a, c, b].map((x) => ({ addresses: [x], ports: [p] }))));
    assert.equal(out.length, 1);
    assert.deepEqual(plain(out[0]!.ports), [dns, metrics, http]);
    // Byte order: "10.244.1.10" < "10.244.1.5".
    assert.deepEqual(out[0]!.addresses!.map((x) => x.ip), ['10.244.1.10', '10.244.1.5', '10.244.2.9']);
  });

  it('keeps addresses of subsets without ports (headless services without ports)', () => {
    const out = repackSubsets([{ addresses: [b] }, { addresses: [a] }, { notReadyAddresses: [b], ports: [http] }]);
    assert.deepEqual(plain(out), [{ addresses: [a, b] }, { notReadyAddresses: [b], ports: [http] }]);
  });

  it('deduplicates one address listed twice for a port', () => {
    assert.deepEqual(plain(repackSubsets([{ addresses: [a], ports: [http] }, { addresses: [{ ...a }], ports: [http] }])), [{ addresses: [a], ports: [http] }]);
  });
});

describe('truncateSubsets', () => {
  const addrs = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ ip: `10.${prefix}.${i >> 8}.${i & 255}` }));

  it('leaves 1000 addresses alone', () => {
    const subsets = [{ addresses: addrs(600, '1'), notReadyAddresses: addrs(400, '2'), ports: [http] }];
    assert.equal(truncateSubsets(subsets), false);
    assert.equal(subsets[0]!.addresses.length + subsets[0]!.notReadyAddresses.length, MAX_ENDPOINTS_CAPACITY);
  });

  it('drops not-ready addresses first, in proportion to the subsets', () => {
    const subsets: V1EndpointSubset[] = [
      { addresses: addrs(800, '1'), notReadyAddresses: addrs(300, '2'), ports: [http] },
      { notReadyAddresses: addrs(100, '3'), ports: [dns] },
    ];
    assert.equal(truncateSubsets(subsets), true);
    // 200 not-ready places: ceil(300/400*200) = 150, then 50 left for the second subset.
    assert.deepEqual(
      subsets.map((s) => [s.addresses?.length ?? 0, s.notReadyAddresses?.length ?? 0]),
      [
        [800, 150],
        [0, 50],
      ],
    );
  });

  it('with more than 1000 ready addresses, keeps 1000 of them and no not-ready ones', () => {
    const subsets: V1EndpointSubset[] = [
      { addresses: addrs(900, '1'), notReadyAddresses: addrs(10, '2'), ports: [http] },
      { addresses: addrs(300, '3'), ports: [dns] },
    ];
    assert.equal(truncateSubsets(subsets), true);
    // ceil(900/1200*1000) = 750, then the 250 left.
    assert.deepEqual(
      subsets.map((s) => [s.addresses?.length ?? 0, s.notReadyAddresses?.length ?? 0]),
      [
        [750, 0],
        [250, 0],
      ],
    );
  });
});
