// RBAC objects and access reviews through real kubectl (PATH's and the oldest kubectl.1.27) against
// `wheelhouse up`: `kubectl create role/clusterrole/rolebinding/clusterrolebinding` with upstream's
// output, tables with upstream's columns (wide for bindings), the bootstrap roles, `describe clusterrole
// view` once the aggregation controller filled it, and SubjectAccessReviews answered by the RBAC policy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterForFile } from '../support/cluster.ts';
import { findKubectlBinaries, show, type KubectlBinary, kubectlForSuite } from '../support/kubectl.ts';
import { pollUntil } from '../support/poll.ts';
import { AGE, parseBlock, renderBlock } from '../support/table.ts';

/** PATH's kubectl and the oldest one beside it. */
const binaries = findKubectlBinaries().filter((b, i) => b.onPath || i === 0);
const cluster = clusterForFile({ args: ['--nodes', '0'] });
const T = { timeout: 90_000 };
/** Names per binary, so both suites share one cluster. */
const suffix = (bin: KubectlBinary): string => (bin.onPath ? 'path' : `${bin.major}-${bin.minor}`);

function table(stdout: string, ctx: string): string[][] {
  const rows = parseBlock(stdout);
  assert.equal(stdout, renderBlock(rows), `column layout differs from kubectl's tabwriter output\n${ctx}`);
  return rows;
}

function sar(user: string, namespace: string): string {
  return `apiVersion: authorization.k8s.io/v1
kind: SubjectAccessReview
spec:
  user: ${user}
  resourceAttributes:
    verb: list
    resource: pods
    namespace: ${namespace}
`;
}

for (const bin of binaries) {
  const sfx = suffix(bin);
  const ns = `rbac-${sfx}`;

  describe(`${bin.label} ${bin.gitVersion}`, () => {
    const k = kubectlForSuite(bin, cluster, 60_000);

    it('create role, clusterrole (aggregated), rolebinding and clusterrolebinding; get with upstream columns', T, async () => {
      await k.okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
      await k.okPrints(['-n', ns, 'create', 'role', 'pod-reader', '--verb=get,list,watch', '--resource=pods'], 'role.rbac.authorization.k8s.io/pod-reader created\n');
      await k.okPrints(['create', 'clusterrole', `team-${sfx}`, `--aggregation-rule=team-${sfx}=true`], `clusterrole.rbac.authorization.k8s.io/team-${sfx} created\n`);
      await k.okPrints(
        ['create', 'clusterrole', `part-${sfx}`, '--verb=get', '--resource=configmaps'],
        `clusterrole.rbac.authorization.k8s.io/part-${sfx} created\n`,
      );
      await k.okPrints(['label', 'clusterrole', `part-${sfx}`, `team-${sfx}=true`], `clusterrole.rbac.authorization.k8s.io/part-${sfx} labeled\n`);
      await k.okPrints(
        ['-n', ns, 'create', 'rolebinding', 'jane-reads', '--role=pod-reader', '--user=jane', '--group=devs', `--serviceaccount=${ns}:bot`],
        'rolebinding.rbac.authorization.k8s.io/jane-reads created\n',
      );
      await k.okPrints(['create', 'clusterrolebinding', `ghost-${sfx}`, '--clusterrole=ghost', '--user=bob'], `clusterrolebinding.rbac.authorization.k8s.io/ghost-${sfx} created\n`);

      const roles = await k.ok(['-n', ns, 'get', 'roles']);
      const rows = table(roles.stdout, show(roles));
      assert.deepEqual(rows[0], ['NAME', 'CREATED AT'], show(roles));
      assert.equal(rows[1]![0], 'pod-reader', show(roles));
      assert.match(rows[1]![1]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, show(roles));

      const wide = await k.ok(['-n', ns, 'get', 'rolebindings', '-o', 'wide']);
      const b = table(wide.stdout, show(wide));
      assert.deepEqual(b[0], ['NAME', 'ROLE', 'AGE', 'USERS', 'GROUPS', 'SERVICEACCOUNTS'], show(wide));
      assert.deepEqual([b[1]![0], b[1]![1], b[1]![3], b[1]![4], b[1]![5]], ['jane-reads', 'Role/pod-reader', 'jane', 'devs', `${ns}:bot`], show(wide));
      assert.match(b[1]![2]!, AGE, show(wide));
      const crb = await k.ok(['get', 'clusterrolebinding', `ghost-${sfx}`]);
      assert.deepEqual(table(crb.stdout, show(crb))[0], ['NAME', 'ROLE', 'AGE'], show(crb));

      // The aggregation controller fills the aggregated role from the labelled one.
      await pollUntil(
        `team-${sfx} aggregated`,
        async () => {
          const r = await k.ok(['get', 'clusterrole', `team-${sfx}`, '-o', 'jsonpath={.rules[*].resources}']);
          return r.stdout.includes('configmaps') ? r : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
    });

    it('the bootstrap roles are listed, and describe shows the aggregated view role', T, async () => {
      const r = await k.ok(['get', 'clusterroles']);
      const rows = table(r.stdout, show(r));
      assert.deepEqual(rows[0], ['NAME', 'CREATED AT'], show(r));
      const names = rows.slice(1).map((x) => x[0]);
      for (const n of ['admin', 'cluster-admin', 'edit', 'view', 'system:basic-user', 'system:discovery', 'system:node', 'system:kube-scheduler', 'system:controller:replicaset-controller']) {
        assert.ok(names.includes(n), `${n}\n${show(r)}`);
      }
      const d = await pollUntil(
        'view aggregated',
        async () => {
          const out = await k.ok(['describe', 'clusterrole', 'view']);
          return out.stdout.includes('pods ') ? out : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      const lines = d.stdout.split('\n');
      assert.equal(lines[0], 'Name:         view', show(d));
      assert.equal(lines[1], 'Labels:       kubernetes.io/bootstrapping=rbac-defaults', show(d));
      assert.equal(lines[2], '              rbac.authorization.k8s.io/aggregate-to-edit=true', show(d));
      assert.equal(lines[3], 'Annotations:  rbac.authorization.kubernetes.io/autoupdate: true', show(d));
      assert.equal(lines[4], 'PolicyRule:', show(d));
      assert.match(lines[5]!, /^ {2}Resources +Non-Resource URLs +Resource Names +Verbs$/, show(d));
      assert.match(lines[6]!, /^ {2}-{9} +-{17} +-{14} +-{5}$/, show(d));
      assert.ok(lines.some((l) => /^ {2}pods +\[\] +\[\] +\[get list watch\]$/.test(l)), show(d));
      assert.ok(lines.some((l) => /^ {2}deployments\.apps +\[\] +\[\] +\[get list watch\]$/.test(l)), show(d));
      assert.ok(!lines.some((l) => /^ {2}secrets /.test(l)), show(d));
    });

    it('kubectl create -f sar.yaml answers from the RBAC policy', T, async () => {
      const allowed = await pollUntil(
        'jane may list pods',
        async () => {
          const r = await k.ok(['create', '-f', k.writeFile('sar-jane.yaml', sar('jane', ns)), '-o', 'jsonpath={.status.allowed}']);
          return r.stdout === 'true' ? r : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      assert.equal(allowed.stdout, 'true', show(allowed));
      const denied = await k.ok(['create', '-f', k.writeFile('sar-bob.yaml', sar('bob', ns)), '-o', 'jsonpath={.status.allowed} {.status.reason}']);
      assert.equal(denied.stdout, 'false RBAC: clusterrole.rbac.authorization.k8s.io "ghost" not found', show(denied));
    });
  });
}
