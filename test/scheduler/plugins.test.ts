// The plugins as pure functions over a hand-built cache: the cases that are awkward to stage on a
// cluster (a ReplicaSet owner's default spreading selector, nominated pods holding room, the order
// of preemption candidates, exact score arithmetic, matchLabelKeys / mismatchLabelKeys).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1LabelSelector, V1Node, V1PersistentVolume, V1PersistentVolumeClaim, V1Pod, V1Service, V1StorageClass } from '@kubernetes/client-node';
import { SchedulerCache, podInfo, type NodeInfo } from '../../src/scheduler/cache.ts';
import { preFilter, runFilters, scoreNodes, type Cycle } from '../../src/scheduler/framework.ts';
import type { Listers } from '../../src/scheduler/listers.ts';
import { pickCandidate, preempt, selectVictimsOnNode } from '../../src/scheduler/preemption.ts';
import { defaultSelector, spreadConstraints, spreadScores } from '../../src/scheduler/plugins/topology-spread.ts';
import { volumeFilter, volumePreFilter } from '../../src/scheduler/plugins/volume-binding.ts';
import type { FilterStatus } from '../../src/scheduler/status.ts';
import { labelSelectorFromSpec } from '../../src/selectors/labels.ts';

function node(name: string, labels: Record<string, string> = {}, cpu = '4'): V1Node {
  const allocatable = { cpu, memory: '16Gi', pods: '110' };
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
    status: { allocatable, capacity: allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function pod(name: string, labels: Record<string, string>, spec: Partial<NonNullable<V1Pod['spec']>> = {}, ns = 'default'): V1Pod {
  return { metadata: { name, namespace: ns, labels, uid: `uid-${name}` }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec } };
}

function withCpu(request: string, priority = 0): Partial<NonNullable<V1Pod['spec']>> {
  return { priority, containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: request } } }] };
}

class FakeListers implements Listers {
  namespaces = new Map<string, Record<string, string>>([['default', {}]]);
  svcs: V1Service[] = [];
  pvcs = new Map<string, V1PersistentVolumeClaim>();
  pvs = new Map<string, V1PersistentVolume>();
  controllers = new Map<string, { labels?: Record<string, string>; selector?: V1LabelSelector }>();
  namespaceLabels(name: string) {
    return this.namespaces.get(name);
  }
  pvc(namespace: string, name: string) {
    return this.pvcs.get(`${namespace}/${name}`);
  }
  pv(name: string) {
    return this.pvs.get(name);
  }
  volumes() {
    return [...this.pvs.values()];
  }
  classes = new Map<string, V1StorageClass>();
  storageClass(name: string) {
    return this.classes.get(name);
  }
  services(namespace: string) {
    return this.svcs.filter((s) => s.metadata?.namespace === namespace);
  }
  controllerSelector(namespace: string, apiVersion: string, kind: string, name: string) {
    return this.controllers.get(`${namespace}/${apiVersion}/${kind}/${name}`);
  }
}

function setup(nodes: V1Node[], pods: [V1Pod, string][]): { cache: SchedulerCache; listers: FakeListers; ni: (name: string) => NodeInfo } {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.setNode(n);
  for (const [p, on] of pods) cache.setBoundPod({ ...p, spec: { ...p.spec!, nodeName: on } });
  return { cache, listers: new FakeListers(), ni: (name) => cache.nodes.get(name)! };
}

function cycle(p: V1Pod, cache: SchedulerCache, listers: Listers): Cycle {
  const r = preFilter(podInfo(p), { cache, listers });
  assert.ok('cycle' in r);
  return r.cycle;
}

describe('cache indexes', () => {
  it('per-node match counts follow pods as they come, relabel, terminate and go', () => {
    const { cache, ni } = setup([node('n1'), node('n2')], [[pod('a', { app: 'w' }), 'n1']]);
    const sel = labelSelectorFromSpec({ matchLabels: { app: 'w' } });
    const spread = cache.countMatching('default', sel, true);
    const affinity = cache.countMatching('default', sel, false);
    assert.equal(spread.get(ni('n1')), 1);
    cache.assume(pod('b', { app: 'w' }), 'n2');
    cache.setBoundPod({ ...pod('c', { app: 'w' }, {}, 'other'), spec: { containers: [], nodeName: 'n2' } });
    assert.equal(spread.get(ni('n2')), 1, 'other namespaces do not count');
    cache.setBoundPod({ ...pod('b', { app: 'x' }), spec: { containers: [], nodeName: 'n2' } });
    assert.equal(spread.get(ni('n2')), undefined, 'relabelled away');
    const terminating = pod('a', { app: 'w' });
    terminating.metadata!.deletionTimestamp = new Date();
    cache.setBoundPod({ ...terminating, spec: { containers: [], nodeName: 'n1' } });
    assert.equal(spread.get(ni('n1')), undefined, 'spreading leaves terminating pods out');
    assert.equal(affinity.get(ni('n1')), 1, 'affinity counts them');
    cache.removePod('default/a');
    assert.equal(affinity.size, 0);
  });

  it('groups identical terms of existing pods and counts them per node', () => {
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    const { cache, ni } = setup([node('n1'), node('n2')], [
      [pod('r1', { app: 'db' }, { affinity: anti }), 'n1'],
      [pod('r2', { app: 'db' }, { affinity: anti }), 'n1'],
      [pod('r3', { app: 'db' }, { affinity: anti }), 'n2'],
    ]);
    const groups = [...cache.termGroups('requiredAnti')];
    assert.equal(groups.length, 1);
    assert.equal(groups[0]!.perNode.get(ni('n1')), 2);
    cache.removePod('default/r3');
    assert.equal(groups[0]!.perNode.get(ni('n2')), undefined);
    cache.removePod('default/r1');
    cache.removePod('default/r2');
    assert.equal([...cache.termGroups('requiredAnti')].length, 0);
  });
});

describe('default spreading selector', () => {
  it("merges the selecting services' maps with the ReplicaSet owner's selector", () => {
    const listers = new FakeListers();
    listers.svcs = [
      { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } },
      { metadata: { name: 'other', namespace: 'default' }, spec: { selector: { app: 'other' } } },
      { metadata: { name: 'headless', namespace: 'default' }, spec: {} },
    ];
    listers.controllers.set('default/apps/v1/ReplicaSet/web-abc', { selector: { matchLabels: { app: 'web', hash: 'abc' } } });
    const p = pod('w', { app: 'web', hash: 'abc', extra: 'x' });
    p.metadata!.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'u', controller: true }];
    const sel = defaultSelector(p, listers)!;
    assert.ok(sel.matches({ app: 'web', hash: 'abc' }));
    assert.ok(!sel.matches({ app: 'web', hash: 'def' }));
    assert.equal(defaultSelector(pod('alone', { app: 'nothing' }), listers), undefined);
  });

  it('system defaults score hostname spreading even on nodes without a zone label', () => {
    const { cache, listers, ni } = setup([node('n1'), node('n2')], [
      [pod('a', { app: 'web' }), 'n1'],
      [pod('b', { app: 'web' }), 'n1'],
      [pod('c', { app: 'web' }), 'n1'],
    ]);
    listers.svcs = [{ metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } }];
    const incoming = pod('d', { app: 'web' });
    const c = cycle(incoming, cache, listers);
    const constraints = spreadConstraints(incoming, 'ScheduleAnyway', c.defaults);
    assert.deepEqual(
      constraints.map((x) => [x.topologyKey, x.maxSkew]),
      [
        ['kubernetes.io/hostname', 3],
        ['topology.kubernetes.io/zone', 5],
      ],
    );
    // n1: round(3·ln 4 + 2) = 6, n2: 2 → normalized 100·(6+2−6)/6 = 33 and 100.
    assert.deepEqual(spreadScores(c.pi, [ni('n1'), ni('n2')], cache, constraints, true), [33, 100]);
  });
});

describe('inter-pod affinity terms', () => {
  it('matchLabelKeys and mismatchLabelKeys fold the pod’s own values into the selector', () => {
    const { cache, listers, ni } = setup([node('n1'), node('n2')], [
      [pod('v1', { app: 'a', ver: '1' }), 'n1'],
      [pod('v2', { app: 'a', ver: '2' }), 'n2'],
    ]);
    const affine = pod('x', { app: 'a', ver: '2', tenant: 't' }, {
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'a' } }, topologyKey: 'kubernetes.io/hostname', matchLabelKeys: ['ver'] }] } },
    });
    const c1 = cycle(affine, cache, listers);
    assert.equal(runFilters(c1, ni('n2')), undefined);
    assert.equal(runFilters(c1, ni('n1'))?.reasons[0], "node(s) didn't match pod affinity rules");
    const apart = pod('y', { app: 'a', ver: '1' }, {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'a' } }, topologyKey: 'kubernetes.io/hostname', mismatchLabelKeys: ['ver'] }] } },
    });
    // Anti-affinity to app=a pods of *other* versions: n2 (ver 2) is out, n1 (ver 1) is fine.
    const c2 = cycle(apart, cache, listers);
    assert.equal(runFilters(c2, ni('n1')), undefined);
    assert.equal(runFilters(c2, ni('n2'))?.reasons[0], "node(s) didn't match pod anti-affinity rules");
  });

  it('an existing pod’s required affinity term attracts the pods it names (hard weight 1)', () => {
    const { cache, listers, ni } = setup([node('n1'), node('n2')], [
      [pod('lead', { app: 'lead' }, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'tail' } }, topologyKey: 'kubernetes.io/hostname' }] } } }), 'n2'],
    ]);
    const c = cycle(pod('t', { app: 'tail' }), cache, listers);
    const [s1, s2] = scoreNodes(c, [ni('n1'), ni('n2')]);
    // InterPodAffinity: n2 normalizes to 100, weight 2; the resource scores cost n2 less than that.
    assert.ok(s2! > s1!, `${s2} > ${s1}`);
  });
});

describe('preemption', () => {
  it('keeps the more important pods and evicts just enough', () => {
    const { cache, listers, ni } = setup([node('n1', {}, '2')], [
      [pod('low', { app: 'l' }, withCpu('800m', 1)), 'n1'],
      [pod('mid', { app: 'm' }, withCpu('800m', 5)), 'n1'],
    ]);
    const c = cycle(pod('vip', { app: 'v' }, withCpu('1000m', 100)), cache, listers);
    const r = selectVictimsOnNode(c, ni('n1'));
    assert.ok('victims' in r);
    assert.deepEqual(
      r.victims.map((v) => v.pod.metadata?.name),
      ['low'],
    );
    // The what-if left the node as it was.
    assert.equal(ni('n1').pods.size, 2);
    assert.equal(ni('n1').requested.milliCPU, 1600);
  });

  it('orders candidates by highest victim priority, priority sum, count, then the latest start', () => {
    const mk = (name: string, priority: number, started?: string) => ({ ...podInfo(pod(name, {}, { priority })), pod: { ...pod(name, {}, { priority }), status: started ? { startTime: new Date(started) } : {} } });
    const n = (name: string) => ({ name }) as NodeInfo;
    const pick = (...cs: [string, ReturnType<typeof mk>[]][]) => pickCandidate(cs.map(([name, victims]) => ({ node: n(name), victims }))).node.name;
    assert.equal(pick(['a', [mk('1', 10)]], ['b', [mk('2', 5), mk('3', 5)]]), 'b');
    assert.equal(pick(['a', [mk('1', 10), mk('2', 1)]], ['b', [mk('3', 10), mk('4', 2)]]), 'a');
    assert.equal(pick(['a', [mk('1', 10), mk('2', -5)]], ['b', [mk('3', 10)]]), 'b');
    assert.equal(pick(['a', [mk('1', 10, '2024-01-01T00:00:00Z')]], ['b', [mk('2', 10, '2024-06-01T00:00:00Z')]]), 'b');
  });

  it('a pod nominated to a node holds its room against pods of lower or equal priority', () => {
    const { cache, listers, ni } = setup([node('n1', {}, '2')], []);
    cache.nominate(podInfo(pod('nominee', {}, withCpu('1500m', 100))), 'n1');
    const lower = cycle(pod('lower', {}, withCpu('1000m', 10)), cache, listers);
    assert.deepEqual(runFilters(lower, ni('n1'))?.reasons, ['Insufficient cpu']);
    const higher = cycle(pod('higher', {}, withCpu('1000m', 1000)), cache, listers);
    assert.equal(runFilters(higher, ni('n1')), undefined);
  });

  it('reports nodes without lower-priority pods and nodes preemption cannot help', () => {
    const { cache, listers, ni } = setup([node('n1', {}, '1'), node('n2', { role: 'x' }, '1')], [[pod('same', {}, withCpu('800m', 100)), 'n1']]);
    const c = cycle(pod('p', {}, { ...withCpu('800m', 100), nodeSelector: { 'kubernetes.io/hostname': 'n1' } }), cache, listers);
    const statuses = new Map<NodeInfo, FilterStatus>([
      [ni('n1'), runFilters(c, ni('n1'))!],
      [ni('n2'), runFilters(c, ni('n2'))!],
    ]);
    const out = preempt(c.pi, c, [ni('n1'), ni('n2')], statuses, undefined);
    assert.equal(out.candidate, undefined);
    assert.equal(out.message, 'preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.');
  });
});

describe('volume binding', () => {
  const claim = (name: string, extra: Partial<V1PersistentVolumeClaim> = {}): V1PersistentVolumeClaim => ({
    metadata: { name, namespace: 'default', ...extra.metadata },
    spec: { accessModes: ['ReadWriteOnce'], volumeName: 'pv1', ...extra.spec },
    status: { phase: 'Bound', ...extra.status },
  });
  const withClaim = (claimName: string) => pod('p', {}, { volumes: [{ name: 'v', persistentVolumeClaim: { claimName } }] });
  const rejected = (listers: Listers, p: V1Pod) => {
    const r = volumePreFilter(p, listers);
    return 'reject' in r ? r.reject.reasons[0] : undefined;
  };

  it('names the claim that is lost, being deleted, or not made yet for an ephemeral volume', () => {
    const listers = new FakeListers();
    listers.pvcs.set('default/lost', claim('lost', { status: { phase: 'Lost' } }));
    listers.pvcs.set('default/going', claim('going', { metadata: { name: 'going', deletionTimestamp: new Date() } }));
    assert.equal(rejected(listers, withClaim('lost')), 'persistentvolumeclaim "lost" bound to non-existent persistentvolume "pv1"');
    assert.equal(rejected(listers, withClaim('going')), 'persistentvolumeclaim "going" is being deleted');
    const eph = pod('p', {}, { volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'] } } } }] });
    assert.equal(rejected(listers, eph), 'waiting for ephemeral volume controller to create the persistentvolumeclaim "p-scratch"');
  });

  it('WaitForFirstConsumer claims do not block: per node, a fitting static volume or a class that can provision', () => {
    const { listers, ni } = setup([node('n1'), node('n2'), node('n3', { zone: 'b' })], []);
    const wffc = (name: string, provisioner: string, zones?: string[]): V1StorageClass => ({
      metadata: { name },
      provisioner,
      volumeBindingMode: 'WaitForFirstConsumer',
      allowedTopologies: zones ? [{ matchLabelExpressions: [{ key: 'zone', values: zones }] }] : undefined,
    });
    listers.classes.set('local', wffc('local', 'kubernetes.io/no-provisioner'));
    listers.classes.set('zonal', wffc('zonal', 'example.com/disk', ['b']));
    const unbound = (name: string, className: string, annotations?: Record<string, string>): V1PersistentVolumeClaim => ({
      metadata: { name, namespace: 'default', uid: `uid-${name}`, annotations },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: className, resources: { requests: { storage: '1Gi' } } },
      status: { phase: 'Pending' },
    });
    listers.pvcs.set('default/local', unbound('local', 'local'));
    listers.pvs.set('on-n2', {
      metadata: { name: 'on-n2' },
      spec: {
        capacity: { storage: '2Gi' },
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'local',
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n2'] }] }] } },
      },
      status: { phase: 'Available' },
    });
    const r = volumePreFilter(withClaim('local'), listers);
    assert.ok('state' in r && r.state);
    const bindConflict = ["node(s) didn't find available persistent volumes to bind"];
    // Only n2 has the volume, and nothing can be provisioned for a no-provisioner class.
    assert.deepEqual(volumeFilter(r.state, ni('n1'), listers)?.reasons, bindConflict);
    assert.equal(volumeFilter(r.state, ni('n2'), listers), undefined);
    assert.equal(r.state.decisions.get('n2')?.bindings[0]?.pv.metadata?.name, 'on-n2');
    // A provisioning class limited to zone b; a claim already sent to one node keeps to it.
    listers.pvcs.set('default/zonal', unbound('zonal', 'zonal'));
    const z = volumePreFilter(withClaim('zonal'), listers);
    assert.ok('state' in z && z.state);
    assert.deepEqual(volumeFilter(z.state, ni('n1'), listers)?.reasons, bindConflict);
    assert.equal(volumeFilter(z.state, ni('n3'), listers), undefined);
    assert.equal(z.state.decisions.get('n3')?.provisions[0]?.metadata?.name, 'zonal');
    listers.pvcs.set('default/placed', unbound('placed', 'zonal', { 'volume.kubernetes.io/selected-node': 'n1' }));
    const p = volumePreFilter(withClaim('placed'), listers);
    assert.ok('state' in p && p.state);
    assert.deepEqual(volumeFilter(p.state, ni('n3'), listers)?.reasons, bindConflict);
    // An Immediate claim that is not bound still holds the pod back.
    listers.classes.set('now', { metadata: { name: 'now' }, provisioner: 'example.com/disk', volumeBindingMode: 'Immediate' });
    listers.pvcs.set('default/now', unbound('now', 'now'));
    assert.equal(rejected(listers, withClaim('now')), 'pod has unbound immediate PersistentVolumeClaims');
  });

  it('a claim bound to a volume that does not exist makes every node unavailable', () => {
    const { listers, ni } = setup([node('n1')], []);
    listers.pvcs.set('default/data', claim('data'));
    const r = volumePreFilter(withClaim('data'), listers);
    assert.ok('state' in r && r.state);
    assert.deepEqual(volumeFilter(r.state, ni('n1'), listers)?.reasons, ['node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)']);
  });
});
