// Deployments through every real kubectl (PATH's kubectl and each kubectl.1.* beside it) against
// `wheelhouse up`: create, rollout status, set image, rollout history, rollout undo (also --to-revision),
// scale, delete —
// checked through kubectl's exact output and the objects the Deployment and ReplicaSet controllers
// write. Each binary gets its own namespace (deploy-1-27, …, deploy-path).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterForFile } from '../support/cluster.ts';
import { spreadKubectlBinaries, show, type KubectlBinary, type KubectlResult, kubectlForSuite } from '../support/kubectl.ts';

// Oldest, newest and PATH's kubectl: the behaviour under test is the server's (test-time budget).
const binaries = spreadKubectlBinaries();

const cluster = clusterForFile({ args: ['--runtime-latency-scale', '0.1'] });

const T = { timeout: 120_000 };
const REVISION = 'deployment.kubernetes.io/revision';

function nsFor(bin: KubectlBinary): string {
  return bin.onPath ? 'deploy-path' : `deploy-${bin.major}-${bin.minor}`;
}

interface Obj {
  metadata: { name: string; generation?: number; annotations?: Record<string, string>; labels?: Record<string, string>; ownerReferences?: { uid: string; kind: string }[]; uid: string };
  spec: { replicas?: number; template: { spec: { containers: { name: string; image: string }[] } } };
  status?: Record<string, unknown> & { conditions?: { type: string; status: string; reason: string; message: string }[] };
}

/** Every line kubectl rollout status may print for a deployment (DeploymentStatusViewer), the last one the success line. */
function checkRolloutStatus(r: KubectlResult, name: string, replicas: number): void {
  const lines = r.stdout.replace(/\n$/, '').split('\n');
  assert.equal(lines.at(-1), `deployment "${name}" successfully rolled out`, show(r));
  const waiting = [
    new RegExp(`^Waiting for deployment "${name}" rollout to finish: \\d+ out of ${replicas} new replicas have been updated\\.\\.\\.$`),
    new RegExp(`^Waiting for deployment "${name}" rollout to finish: \\d+ old replicas are pending termination\\.\\.\\.$`),
    new RegExp(`^Waiting for deployment "${name}" rollout to finish: \\d+ of ${replicas} updated replicas are available\\.\\.\\.$`),
    /^Waiting for deployment spec update to be observed\.\.\.$/,
  ];
  for (const l of lines.slice(0, -1)) assert.ok(waiting.some((re) => re.test(l)), `unexpected line ${JSON.stringify(l)}\n${show(r)}`);
}

for (const bin of binaries) {
  const ns = nsFor(bin);

  describe(`${bin.label} ${bin.gitVersion}`, () => {
    const k = kubectlForSuite(bin, cluster, 90_000);

    const getJSON = async <X = Obj>(args: string[]): Promise<X> => JSON.parse((await k.ok([...args, '-n', ns, '-o', 'json'])).stdout) as X;
    const sets = async (d: Obj): Promise<Obj[]> =>
      (await getJSON<{ items: Obj[] }>(['get', 'replicasets'])).items.filter((s) => s.metadata.ownerReferences?.some((o) => o.uid === d.metadata.uid));

    it('create deployment, rollout status, set image, rollout history, rollout undo [--to-revision], scale, delete', T, async () => {
      await k.okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
      await k.okPrints(['-n', ns, 'create', 'deployment', 'web', '--image=nginx', '--replicas=3'], 'deployment.apps/web created\n');
      checkRolloutStatus(await k.ok(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=90s']), 'web', 3);

      let d = await getJSON(['get', 'deployment', 'web']);
      assert.equal(d.metadata.annotations?.[REVISION], '1');
      assert.deepEqual(
        [d.status?.replicas, d.status?.updatedReplicas, d.status?.readyReplicas, d.status?.availableReplicas, d.status?.observedGeneration],
        [3, 3, 3, 3, d.metadata.generation],
      );
      const first = await sets(d);
      assert.equal(first.length, 1);
      const rs1 = first[0]!.metadata.name;
      assert.match(rs1, /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
      assert.equal(first[0]!.metadata.labels?.['pod-template-hash'], rs1.slice('web-'.length));
      assert.deepEqual(
        d.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message]),
        [
          ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
          ['Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rs1}" has successfully progressed.`],
        ],
      );

      await k.okPrints(['-n', ns, 'set', 'image', 'deployment/web', 'nginx=nginx:1.27'], 'deployment.apps/web image updated\n');
      checkRolloutStatus(await k.ok(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=90s']), 'web', 3);
      d = await getJSON(['get', 'deployment', 'web']);
      assert.equal(d.metadata.annotations?.[REVISION], '2');
      const second = await sets(d);
      assert.equal(second.length, 2);
      const rs2 = second.find((s) => s.metadata.name !== rs1)!;
      assert.equal(rs2.spec.replicas, 3);
      assert.equal(second.find((s) => s.metadata.name === rs1)!.spec.replicas, 0);

      await k.okPrints(['-n', ns, 'rollout', 'history', 'deployment/web'], 'deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');

      await k.okPrints(['-n', ns, 'rollout', 'undo', 'deployment/web'], 'deployment.apps/web rolled back\n');
      checkRolloutStatus(await k.ok(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=90s']), 'web', 3);
      d = await getJSON(['get', 'deployment', 'web']);
      assert.equal(d.metadata.annotations?.[REVISION], '3');
      assert.equal(d.spec.template.spec.containers[0]!.image, 'nginx');
      const third = await sets(d);
      assert.deepEqual(third.map((s) => s.metadata.name).sort(), [rs1, rs2.metadata.name.toString()].sort());
      const back = third.find((s) => s.metadata.name === rs1)!;
      assert.deepEqual([back.spec.replicas, back.metadata.annotations?.[REVISION], back.metadata.annotations?.['deployment.kubernetes.io/revision-history']], [3, '3', '1']);
      await k.okPrints(['-n', ns, 'rollout', 'history', 'deployment/web'], 'deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');

      // Back to revision 2 (nginx:1.27) and, while that rolls out, scaled to 5: proportional scaling.
      await k.okPrints(['-n', ns, 'rollout', 'undo', 'deployment/web', '--to-revision=2'], 'deployment.apps/web rolled back\n');
      await k.okPrints(['-n', ns, 'scale', 'deployment/web', '--replicas=5'], 'deployment.apps/web scaled\n');
      checkRolloutStatus(await k.ok(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=90s']), 'web', 5);
      d = await getJSON(['get', 'deployment', 'web']);
      assert.equal(d.metadata.annotations?.[REVISION], '4');
      assert.equal(d.spec.template.spec.containers[0]!.image, 'nginx:1.27');
      assert.deepEqual([d.status?.replicas, d.status?.updatedReplicas, d.status?.readyReplicas, d.status?.availableReplicas], [5, 5, 5, 5]);
      const fourth = await sets(d);
      assert.deepEqual(
        fourth.map((s) => [s.metadata.name, s.spec.replicas, s.metadata.annotations?.[REVISION]]).sort(),
        [
          [rs1, 0, '3'],
          [rs2.metadata.name, 5, '4'],
        ].sort(),
      );
      await k.okPrints(['-n', ns, 'rollout', 'history', 'deployment/web'], 'deployment.apps/web \nREVISION  CHANGE-CAUSE\n3         <none>\n4         <none>\n\n');
      const events = (await getJSON<{ items: { reason: string; message: string; source?: { component?: string } }[] }>(['get', 'events', '--field-selector', 'involvedObject.name=web'])).items;
      const scaling = events.filter((e) => e.reason === 'ScalingReplicaSet');
      assert.ok(scaling.every((e) => e.source?.component === 'deployment-controller'));
      const msgs = scaling.map((e) => e.message);
      assert.ok(msgs.includes(`Scaled up replica set ${rs1} from 0 to 3`), msgs.join('\n'));
      // How the undo and the scale interleave depends on timing: only the shape of the steps is fixed.
      assert.ok(msgs.includes(`Scaled up replica set ${rs2.metadata.name} from 0 to 1`), msgs.join('\n'));
      assert.ok(msgs.some((m) => new RegExp(`^Scaled down replica set ${rs1} from \\d to 0$`).test(m)), msgs.join('\n'));
      assert.ok(msgs.some((m) => new RegExp(`^Scaled up replica set ${rs2.metadata.name} from \\d to 5$`).test(m)), msgs.join('\n'));

      const del = await k.ok(['-n', ns, 'delete', 'deployment', 'web']);
      assert.match(del.stdout, /^deployment\.apps "web" deleted( from deploy-[\w-]+ namespace)?\n$/, show(del));
      const left = await k.run(['-n', ns, 'get', 'deployment', 'web']);
      assert.notEqual(left.code, 0, show(left));
    });
  });
}
