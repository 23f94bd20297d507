// Real kubectl binaries (PATH's kubectl and every kubectl.1.* beside it) against `wheelhouse up` with its
// default three node agents and scheduler: a pod goes from `kubectl run` to Running on a node with an
// IP, `describe` tells the story a real cluster tells, and node commands (cordon, taint) work.
// Each binary gets its own namespace (nodes-1-27, …, nodes-path) and HOME.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clusterForFile } from '../support/cluster.ts';
import { spreadKubectlBinaries, Kubectl, show, type KubectlBinary, type KubectlResult } from '../support/kubectl.ts';
import { AGE, expectBlock, parseBlock } from '../support/table.ts';

// Oldest, newest and PATH's kubectl: the behaviour under test is the server's (test-time budget).
const binaries = spreadKubectlBinaries();

const cluster = clusterForFile({ args: ['--runtime-latency-scale', '0.1'] });

const T = { timeout: 90_000 };
const CRASH_LOOP = 'sim.wheelhouse.io/crash-loop';
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /;
const NODE = /^node-[123]$/;
const POD_IP = /^10\.244\.\d{1,3}\.\d{1,3}$/;

function nsFor(bin: KubectlBinary): string {
  return bin.onPath ? 'nodes-path' : `nodes-${bin.major}-${bin.minor}`;
}

/** The lines of the `Events:` section of a describe output, split into Type, Reason, Age, From, Message. */
function describeEvents(out: string): string[][] {
  const at = out.indexOf('\nEvents:\n');
  assert.ok(at >= 0, `no Events section:\n${out}`);
  const lines = out.slice(at + '\nEvents:\n'.length).replace(/\n$/, '').split('\n');
  return lines.slice(2).map((l) => l.trim().split(/ {2,}/));
}

/** `Key:   value` of a describe output's top level. */
function field(out: string, key: string): string | undefined {
  const m = new RegExp(`^${key}:\\s+(.*)$`, 'm').exec(out);
  return m?.[1]?.trim();
}

for (const bin of binaries) {
  const ns = nsFor(bin);

  describe(`${bin.label} ${bin.gitVersion}`, () => {
    let k: Kubectl;
    let node = '';

    before(() => {
      k = new Kubectl(bin, cluster.kubeconfig, 60_000);
    });
    after(() => {
      k?.cleanup();
    });

    const ok = (args: string[]) => k.ok(args);

    const okPrints = (args: string[], stdout: string) => k.okPrints(args, stdout);

    it('get nodes: three Ready nodes of the server version', T, async () => {
      const r = await ok(['get', 'nodes']);
      expectBlock(
        r.stdout,
        [
          ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
          ['node-1', 'Ready', '<none>', AGE, 'v1.35.0'],
          ['node-2', 'Ready', '<none>', AGE, 'v1.35.0'],
          ['node-3', 'Ready', '<none>', AGE, 'v1.35.0'],
        ],
        { context: show(r) },
      );
    });

    it('run, wait --for=condition=Ready, get pods -o wide', T, async () => {
      await okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
      await okPrints(['run', 'web', '--image=nginx', '-n', ns], 'pod/web created\n');
      await okPrints(['wait', '--for=condition=Ready', 'pod/web', '-n', ns, '--timeout=60s'], 'pod/web condition met\n');
      const r = await ok(['get', 'pods', '-o', 'wide', '-n', ns]);
      const rows = expectBlock(
        r.stdout,
        [
          ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
          ['web', '1/1', 'Running', '0', AGE, POD_IP, NODE, '<none>', '<none>'],
        ],
        { context: show(r) },
      );
      node = rows[1]![6]!;
      // Started now so that it has crashed and restarted by the time the logs test reads --previous.
      await okPrints(['run', 'crash', '--image=busybox', `--annotations=${CRASH_LOOP}=true`, '-n', ns], 'pod/crash created\n');
    });

    it('describe pod: status, IP, node and the Scheduled → Started events', T, async () => {
      const r = await ok(['describe', 'pod', 'web', '-n', ns]);
      const out = r.stdout;
      assert.equal(field(out, 'Status'), 'Running', show(r));
      assert.match(field(out, 'Node') ?? '', new RegExp(`^${node}/172\\.18\\.\\d+\\.\\d+$`), show(r));
      assert.match(field(out, 'IP') ?? '', POD_IP, show(r));
      assert.match(out, /^ {4}Container ID: {3}containerd:\/\/[0-9a-f]{64}$/m, show(r));
      assert.match(out, /^ {4}Image ID: {7}docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/m, show(r));
      assert.match(out, /^ {4}State: {10}Running$/m, show(r));
      assert.match(out, /^ {4}Ready: {10}True$/m, show(r));
      const events = describeEvents(out);
      const find = (reason: string) => events.find((e) => e[1] === reason);
      assert.deepEqual(find('Scheduled')?.slice(3), ['default-scheduler', `Successfully assigned ${ns}/web to ${node}`], show(r));
      assert.deepEqual(find('Pulling')?.slice(3), ['kubelet', 'Pulling image "nginx"'], show(r));
      assert.match(find('Pulled')?.[4] ?? '', /^Successfully pulled image "nginx" in \S+ \(\S+ including waiting\)\. Image size: \d+ bytes\.$/, show(r));
      assert.deepEqual(find('Created')?.slice(3), ['kubelet', 'Container created'], show(r));
      assert.deepEqual(find('Started')?.slice(3), ['kubelet', 'Container started'], show(r));
      for (const e of events) {
        assert.equal(e[0], 'Normal', show(r));
        assert.match(e[2] ?? '', AGE, show(r));
      }
    });

    it('describe node: conditions, addresses, pod CIDR and the pod it runs', T, async () => {
      const r = await ok(['describe', 'node', node]);
      const out = r.stdout;
      assert.equal(field(out, 'Name'), node, show(r));
      assert.match(out, /^ {2}Ready {12}True {4}.* {3}KubeletReady {17}kubelet is posting ready status$/m, show(r));
      assert.match(out, /^ {2}InternalIP: {2}172\.18\.\d+\.\d+$/m, show(r));
      assert.match(out, new RegExp(`^ {2}Hostname: {4}${node}$`, 'm'), show(r));
      assert.match(field(out, 'PodCIDR') ?? '', /^10\.244\.\d+\.0\/24$/, show(r));
      assert.match(out, /^ {2}Kubelet Version: {12}v1\.35\.0$/m, show(r));
      assert.match(out, new RegExp(`^ {2}${ns} +web +0 \\(0%\\) +0 \\(0%\\) +0 \\(0%\\) +0 \\(0%\\) +\\S+$`, 'm'), show(r));
    });

    it('cordon and uncordon', T, async () => {
      await okPrints(['cordon', 'node-3'], 'node/node-3 cordoned\n');
      const r = await ok(['get', 'node', 'node-3']);
      expectBlock(r.stdout, [['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'], ['node-3', 'Ready,SchedulingDisabled', '<none>', AGE, 'v1.35.0']], {
        context: show(r),
      });
      await okPrints(['uncordon', 'node-3'], 'node/node-3 uncordoned\n');
      const back = await ok(['get', 'node', 'node-3']);
      assert.equal(parseBlock(back.stdout)[1]![1], 'Ready', show(back));
    });

    it('taint nodes, and remove the taint', T, async () => {
      const key = `team-${ns}`;
      await okPrints(['taint', 'nodes', 'node-3', `${key}=blue:NoSchedule`], 'node/node-3 tainted\n');
      const r = await ok(['describe', 'node', 'node-3']);
      assert.equal(field(r.stdout, 'Taints'), `${key}=blue:NoSchedule`, show(r));
      await okPrints(['taint', 'nodes', 'node-3', `${key}=blue:NoSchedule-`], 'node/node-3 untainted\n');
      const back = await ok(['describe', 'node', 'node-3']);
      assert.equal(field(back.stdout, 'Taints'), '<none>', show(back));
    });

    it('logs: the synthetic log, --tail, --timestamps, -c, --previous, -f and the errors', T, async () => {
      const all = await ok(['logs', 'web', '-n', ns]);
      const lines = all.stdout.split('\n');
      assert.equal(lines[0], 'started web: image docker.io/library/nginx:latest, restartCount 0', show(all));
      assert.match(all.stdout, /^environment \(\d+ variables\):$/m, show(all));
      assert.match(all.stdout, /^KUBERNETES_SERVICE_HOST=10\.96\.0\.1$/m, show(all));
      assert.equal(lines.at(-1), '', 'ends with a newline');
      const last = lines.at(-2)!;
      await okPrints(['logs', 'web', '-n', ns, '--tail=1'], `${last}\n`);
      const stamped = await ok(['logs', 'web', '-n', ns, '--tail=1', '--timestamps']);
      assert.match(stamped.stdout, TIMESTAMP, show(stamped));
      assert.equal(stamped.stdout.replace(TIMESTAMP, ''), `${last}\n`, show(stamped));
      await okPrints(['logs', 'pod/web', '-c', 'web', '-n', ns, '--limit-bytes=7'], 'started');

      const bad = await k.run(['logs', 'web', '-c', 'nope', '-n', ns]);
      assert.equal(bad.code, 1, show(bad));
      assert.equal(bad.stderr, 'error: container nope is not valid for pod web\n', show(bad));

      // -f streams until the container exits on its own.
      await okPrints(['run', 'brief', '--image=busybox', '--restart=Never', '--annotations=sim.wheelhouse.io/exit-after=3s', '-n', ns], 'pod/brief created\n');
      await okPrints(['wait', '--for=condition=Ready', 'pod/brief', '-n', ns, '--timeout=60s'], 'pod/brief condition met\n');
      const followed = await ok(['logs', '-f', 'brief', '-n', ns]);
      assert.match(followed.stdout, /^started brief: image docker\.io\/library\/busybox:latest, restartCount 0\n/, show(followed));
      assert.match(followed.stdout, /\nexited with code 0\n$/, show(followed));

      // --previous: the crash-looping pod's last terminated run.
      const deadline = Date.now() + 60_000;
      let restarts = 0;
      while (restarts < 1 && Date.now() < deadline) {
        const r = await ok(['get', 'pod', 'crash', '-n', ns, '-o', 'jsonpath={.status.containerStatuses[0].restartCount}']);
        restarts = Number(r.stdout);
        if (restarts < 1) await new Promise((res) => setTimeout(res, 500));
      }
      assert.ok(restarts >= 1, 'the crash-looping pod restarted');
      const previous = await ok(['logs', 'crash', '--previous', '-n', ns]);
      assert.match(previous.stdout, /^started crash: image docker\.io\/library\/busybox:latest, restartCount \d+\n/, show(previous));
      assert.match(previous.stdout, /\nexited with code 1\n$/, show(previous));
    });

    it('delete pod waits for the node to stop it', T, async () => {
      await okPrints(['delete', 'pod', 'web', '-n', ns], 'pod "web" deleted\n');
      const r = await k.run(['get', 'pod', 'web', '-n', ns]);
      assert.equal(r.code, 1, show(r));
      assert.equal(r.stderr, 'Error from server (NotFound): pods "web" not found\n', show(r));
    });
  });
}
