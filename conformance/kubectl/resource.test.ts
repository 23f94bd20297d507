// resource.k8s.io (Dynamic Resource Allocation objects) through real kubectl (PATH's and the oldest
// kubectl.1.27) against `wheelhouse up`: `apply -f` of a DeviceClass, ResourceSlices and a
// ResourceClaim, a second apply that changes the class, `get deviceclasses,resourceslices,resourceclaims`
// with upstream's columns, and the immutable claim spec refused with upstream's message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterForFile } from '../support/cluster.ts';
import { findKubectlBinaries, show, type KubectlBinary, kubectlForSuite } from '../support/kubectl.ts';
import { AGE, expectTables } from '../support/table.ts';

const binaries = findKubectlBinaries().filter((b, i) => b.onPath || i === 0);
const cluster = clusterForFile({ args: ['--nodes', '0'] });
const T = { timeout: 90_000 };
const suffix = (bin: KubectlBinary): string => (bin.onPath ? 'path' : `${bin.major}-${bin.minor}`);

function manifests(sfx: string, ns: string, expression = 'device.driver == "gpu.example.com"'): string {
  return `apiVersion: resource.k8s.io/v1
kind: DeviceClass
metadata:
  name: gpu-${sfx}
spec:
  selectors:
  - cel:
      expression: '${expression}'
---
apiVersion: resource.k8s.io/v1
kind: ResourceSlice
metadata:
  name: node-1-${sfx}
spec:
  driver: gpu.example.com
  nodeName: node-1
  pool:
    name: node-1-${sfx}
    generation: 1
    resourceSliceCount: 1
  devices:
  - name: gpu-0
    attributes:
      model:
        string: a100
    capacity:
      memory:
        value: 40Gi
---
apiVersion: resource.k8s.io/v1
kind: ResourceSlice
metadata:
  name: shared-${sfx}
spec:
  driver: nic.example.com
  allNodes: true
  pool:
    name: fabric
    resourceSliceCount: 1
---
apiVersion: resource.k8s.io/v1
kind: ResourceClaim
metadata:
  name: one-gpu
  namespace: ${ns}
spec:
  devices:
    requests:
    - name: gpu
      exactly:
        deviceClassName: gpu-${sfx}
`;
}

for (const bin of binaries) {
  const sfx = suffix(bin);
  const ns = `dra-${sfx}`;

  describe(`${bin.label} ${bin.gitVersion}`, () => {
    const k = kubectlForSuite(bin, cluster, 60_000);

    it('apply -f creates the DRA objects, a second apply configures the class; get prints upstream columns', T, async () => {
      await k.okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
      await k.okPrints(
        ['apply', '-f', k.writeFile('dra.yaml', manifests(sfx, ns))],
        `deviceclass.resource.k8s.io/gpu-${sfx} created\nresourceslice.resource.k8s.io/node-1-${sfx} created\nresourceslice.resource.k8s.io/shared-${sfx} created\nresourceclaim.resource.k8s.io/one-gpu created\n`,
      );
      // The claim's requests are an atomic list and the live one carries the defaulted allocationMode and
      // count, so kubectl's three-way patch re-sends the list; defaulting it again leaves the immutable spec
      // as it was, which is why that patch is accepted ("configured", as kube-apiserver answers too).
      await k.okPrints(
        ['apply', '-f', k.writeFile('dra.yaml', manifests(sfx, ns, 'device.attributes["gpu.example.com"].model == "a100"'))],
        `deviceclass.resource.k8s.io/gpu-${sfx} configured\nresourceslice.resource.k8s.io/node-1-${sfx} unchanged\nresourceslice.resource.k8s.io/shared-${sfx} unchanged\nresourceclaim.resource.k8s.io/one-gpu configured\n`,
      );
      const expr = await k.ok(['get', 'deviceclass', `gpu-${sfx}`, '-o', 'jsonpath={.spec.selectors[0].cel.expression} {.metadata.generation}']);
      assert.equal(expr.stdout, 'device.attributes["gpu.example.com"].model == "a100" 2', show(expr));

      const got = await k.ok(['-n', ns, 'get', 'deviceclasses,resourceslices,resourceclaims']);
      // Both suites share the cluster: the other one's cluster-scoped objects may be listed too.
      const other = (r: string[]) => !r[0]!.endsWith(`-${sfx}`) && !r[0]!.endsWith('/one-gpu');
      // An unset nodeName is a null cell (upstream's nil pointer), which kubectl prints empty.
      expectTables(
        got.stdout,
        [
          [['NAME', 'AGE'], [`deviceclass.resource.k8s.io/gpu-${sfx}`, AGE]],
          [['NAME', 'NODE', 'DRIVER', 'POOL', 'AGE'], [`resourceslice.resource.k8s.io/node-1-${sfx}`, 'node-1', 'gpu.example.com', `node-1-${sfx}`, AGE],
            [`resourceslice.resource.k8s.io/shared-${sfx}`, '', 'nic.example.com', 'fabric', AGE],
          ],
          [['NAME', 'STATE', 'AGE'], ['resourceclaim.resource.k8s.io/one-gpu', 'pending', AGE]],
        ],
        { optionalRow: other, context: show(got) },
      );

      const sel = await k.ok(['get', 'resourceslices', '--field-selector', 'spec.nodeName=node-1', '-o', 'name']);
      assert.ok(sel.stdout.split('\n').includes(`resourceslice.resource.k8s.io/node-1-${sfx}`), show(sel));
    });

    it('a changed claim spec is refused as immutable', T, async () => {
      const res = await k.run(['-n', ns, 'patch', 'resourceclaim', 'one-gpu', '--type=merge', '-p', '{"spec":{"devices":{"requests":[{"name":"gpu","exactly":{"deviceClassName":"other"}}]}}}']);
      assert.equal(res.code, 1, show(res));
      assert.match(res.stderr, /^The ResourceClaim "one-gpu" is invalid: spec: Invalid value: .*: field is immutable\n$/, show(res));
    });
  });
}
