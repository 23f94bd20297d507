// Inter-pod affinity and anti-affinity against a real API server: required terms filter (with
// upstream's reasons), the symmetric rule for existing pods' anti-affinity, the first pod of a
// self-affine group, namespaceSelector, and preferred terms steering the score. Each test brings its
// own agent-less nodes and removes them, so messages count only those.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1PodAffinityTerm } from '@kubernetes/client-node';
import { startNodesCluster, type NodesCluster } from '../kubelet/cluster.ts';
import { boundNode, cleanup, create, createNodes, fit, namespace, pinned, pod, unschedulable } from './helpers.ts';

let c: NodesCluster;

before(async () => {
  c = await startNodesCluster({ nodes: [] });
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 30_000 };
const HOST = 'kubernetes.io/hostname';

function term(labels: Record<string, string>, topologyKey = HOST, extra: Partial<V1PodAffinityTerm> = {}): V1PodAffinityTerm {
  return { labelSelector: { matchLabels: labels }, topologyKey, ...extra };
}

/** Three nodes named after the test, zones a, b, b. */
async function threeNodes(prefix: string): Promise<string[]> {
  const names = [`${prefix}-1`, `${prefix}-2`, `${prefix}-3`];
  await createNodes(c.core, [
    { name: names[0]!, labels: { zone: 'a' } },
    { name: names[1]!, labels: { zone: 'b' } },
    { name: names[2]!, labels: { zone: 'b' } },
  ]);
  return names;
}

describe('inter-pod affinity', () => {
  it('required affinity puts the pod next to the pod it names, even on the busiest node', T, async () => {
    const ns = await namespace(c.core, 'ipa');
    const [n1, n2, n3] = await threeNodes('ipa-req');
    try {
      await create(c.core, ns, pinned('db', { app: 'db' }, n2!), pinned('filler', { app: 'filler' }, n2!));
      await create(c.core, ns, pod('web', { app: 'web' }, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' })] } } }));
      assert.equal(await boundNode(c.core, ns, 'web'), n2);
      // Zone topology: either node of zone b.
      await create(c.core, ns, pod('zonal', { app: 'zonal' }, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, 'zone')] } } }));
      assert.ok([n2, n3].includes(await boundNode(c.core, ns, 'zonal')));
      void n1;
    } finally {
      await cleanup(c.core, [ns], [n1!, n2!, n3!]);
    }
  });

  it('no matching pod: Pending with the affinity reason, then placed once one appears', T, async () => {
    const ns = await namespace(c.core, 'ipa');
    const nodes = await threeNodes('ipa-wait');
    try {
      await create(c.core, ns, pod('follower', { app: 'follower' }, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'leader' })] } } }));
      await unschedulable(c.core, ns, 'follower', fit(3, "3 node(s) didn't match pod affinity rules", '3 Preemption is not helpful for scheduling'));
      // A bound pod appearing is an event for pods InterPodAffinity rejected.
      await create(c.core, ns, pinned('leader', { app: 'leader' }, nodes[2]!));
      assert.equal(await boundNode(c.core, ns, 'follower'), nodes[2]);
    } finally {
      await cleanup(c.core, [ns], nodes);
    }
  });

  it('the first pod of a group with affinity to itself schedules, and the next joins it', T, async () => {
    const ns = await namespace(c.core, 'ipa');
    const nodes = await threeNodes('ipa-self');
    try {
      const self = (name: string) => pod(name, { app: 'self' }, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'self' })] } } });
      await create(c.core, ns, self('first'));
      const first = await boundNode(c.core, ns, 'first');
      await create(c.core, ns, self('second'), self('third'));
      assert.equal(await boundNode(c.core, ns, 'second'), first);
      assert.equal(await boundNode(c.core, ns, 'third'), first);
    } finally {
      await cleanup(c.core, [ns], nodes);
    }
  });

  it('required anti-affinity spreads a group one per node and leaves the extra pod Pending', T, async () => {
    const ns = await namespace(c.core, 'ipa');
    const nodes = await threeNodes('ipa-anti');
    try {
      const apart = (name: string) => pod(name, { app: 'apart' }, { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'apart' })] } } });
      for (const name of ['a1', 'a2', 'a3']) {
        await create(c.core, ns, apart(name));
        await boundNode(c.core, ns, name);
      }
      const placed = await Promise.all(['a1', 'a2', 'a3'].map((n) => boundNode(c.core, ns, n)));
      assert.deepEqual(new Set(placed), new Set(nodes));
      await create(c.core, ns, apart('a4'));
      await unschedulable(c.core, ns, 'a4', fit(3, "3 node(s) didn't match pod anti-affinity rules", '3 No preemption victims found for incoming pod'));
    } finally {
      await cleanup(c.core, [ns], nodes);
    }
  });

  it("an existing pod's required anti-affinity keeps matching pods off its node (the symmetric rule)", T, async () => {
    const ns = await namespace(c.core, 'ipa');
    const nodes = await threeNodes('ipa-sym');
    try {
      await create(c.core, ns, pinned('guard', { app: 'guard' }, nodes[0]!, { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'intruder' })] } } }));
      await create(c.core, ns, pod('intruder', { app: 'intruder' }, { nodeSelector: { [HOST]: nodes[0]! } }));
      await unschedulable(
        c.core,
        ns,
        'intruder',
        fit(3, "1 node(s) didn't satisfy existing pods anti-affinity rules, 2 node(s) didn't match Pod's node affinity/selector", '1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling'),
      );
      // Pods the guard does not name are welcome.
      await create(c.core, ns, pod('friend', { app: 'friend' }, { nodeSelector: { [HOST]: nodes[0]! } }));
      assert.equal(await boundNode(c.core, ns, 'friend'), nodes[0]);
    } finally {
      await cleanup(c.core, [ns], nodes);
    }
  });

  it('namespaceSelector reaches pods of the selected namespaces only', T, async () => {
    const ns = await namespace(c.core, 'ipa');
    const blue = await namespace(c.core, 'ipa-blue', { team: 'blue' });
    const other = await namespace(c.core, 'ipa-other');
    const nodes = await threeNodes('ipa-nssel');
    try {
      // The blue db is on the busier node; a db in an unlabelled namespace sits on an idle one.
      await create(c.core, blue, pinned('db', { app: 'db' }, nodes[1]!), pinned('filler', { app: 'filler' }, nodes[1]!));
      await create(c.core, other, pinned('db', { app: 'db' }, nodes[0]!));
      await create(
        c.core,
        ns,
        pod('client', { app: 'client' }, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, HOST, { namespaceSelector: { matchLabels: { team: 'blue' } } })] } } }),
      );
      assert.equal(await boundNode(c.core, ns, 'client'), nodes[1]);
    } finally {
      await cleanup(c.core, [ns, blue, other], nodes);
    }
  });

  it('preferred affinity and anti-affinity outweigh the resource scores', T, async () => {
    const ns = await namespace(c.core, 'ipa');
    const nodes = await threeNodes('ipa-pref');
    try {
      await create(c.core, ns, pinned('db', { app: 'db' }, nodes[1]!), pinned('f1', { app: 'filler' }, nodes[1]!), pinned('f2', { app: 'filler' }, nodes[2]!));
      // Least allocated alone would pick nodes[0] (empty); the preference is for the db's node.
      await create(
        c.core,
        ns,
        pod('near', { app: 'near' }, { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term({ app: 'db' }) }] } } }),
      );
      assert.equal(await boundNode(c.core, ns, 'near'), nodes[1]);
      // In zone b, avoiding the pod named leaves nodes[2], although it is now the busier node.
      await create(c.core, ns, pinned('f3', { app: 'filler' }, nodes[2]!), pinned('f4', { app: 'filler' }, nodes[2]!), pinned('f5', { app: 'filler' }, nodes[2]!));
      await create(
        c.core,
        ns,
        pod('far', { app: 'far' }, {
          nodeSelector: { zone: 'b' },
          affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term({ app: 'near' }) }] } },
        }),
      );
      assert.equal(await boundNode(c.core, ns, 'far'), nodes[2]);
    } finally {
      await cleanup(c.core, [ns], nodes);
    }
  });
});
