// ResourceQuota and LimitRange through real kubectl (PATH's and the oldest, 1.27) against
// `wheelhouse up`: `kubectl create quota`, usage in `kubectl get quota` / `kubectl describe quota` as
// the resource quota controller and quota admission keep it, the pod past the quota refused with
// upstream's Forbidden line, and a LimitRange whose defaults a pod created with `kubectl create -f` gets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterForFile } from '../support/cluster.ts';
import { findKubectlBinaries, Kubectl, show, type KubectlBinary, kubectlForSuite } from '../support/kubectl.ts';

// Behaviour does not differ per version here: the newest on PATH and the oldest supported.
const binaries = findKubectlBinaries().filter((b) => b.onPath || (b.major === 1 && b.minor === 27));

const cluster = clusterForFile({ args: ['--runtime-latency-scale', '0.1'] });

const T = { timeout: 60_000 };

function nsFor(bin: KubectlBinary, what: string): string {
  return bin.onPath ? `${what}-path` : `${what}-${bin.major}-${bin.minor}`;
}

function podYAML(name: string, cpu?: string): string {
  const resources = cpu ? `\n    resources:\n      requests:\n        cpu: ${cpu}` : '';
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: app\n    image: nginx${resources}\n`;
}

async function poll(k: Kubectl, args: string[], want: string, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await k.run(args);
    if (r.code === 0 && r.stdout === want) return;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}\n${show(r)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

for (const bin of binaries) {
  describe(`${bin.label} ${bin.gitVersion}`, () => {
    const k = kubectlForSuite(bin, cluster, 30_000);

    it('create quota, usage in get/describe, the pod past the quota refused', T, async () => {
      const ns = nsFor(bin, 'quota');
      await k.okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
      await k.okPrints(['-n', ns, 'create', 'quota', 'q', '--hard=pods=2,requests.cpu=1'], 'resourcequota/q created\n');
      await poll(k, ['-n', ns, 'get', 'quota', 'q', '-o', 'jsonpath={.status.used}'], '{"pods":"0","requests.cpu":"0"}', 'the controller to compute usage');

      await k.okPrints(['-n', ns, 'create', '-f', k.writeFile(`${ns}-p1.yaml`, podYAML('p1', '500m'))], 'pod/p1 created\n');
      const get = await k.ok(['-n', ns, 'get', 'quota']);
      const [header, row] = get.stdout.trimEnd().split('\n');
      assert.match(header!, /^NAME\s+/, show(get));
      assert.ok(header!.includes('REQUEST') && header!.includes('LIMIT') && header!.includes('AGE'), show(get));
      assert.match(row!, /^q\s+.*pods: 1\/2, requests\.cpu: 500m\/1\s/, show(get));

      await k.okPrints(['-n', ns, 'create', '-f', k.writeFile(`${ns}-p2.yaml`, podYAML('p2', '500m'))], 'pod/p2 created\n');
      const file = k.writeFile(`${ns}-p3.yaml`, podYAML('p3', '100m'));
      const third = await k.run(['-n', ns, 'create', '-f', file]);
      assert.equal(third.code, 1, show(third));
      assert.equal(
        third.stderr,
        `Error from server (Forbidden): error when creating "${file}": pods "p3" is forbidden: exceeded quota: q, requested: pods=1,requests.cpu=100m, used: pods=2,requests.cpu=1, limited: pods=2,requests.cpu=1\n`,
      );
      const noCPU = await k.run(['-n', ns, 'run', 'bare', '--image=nginx', '--restart=Never']);
      assert.equal(noCPU.code, 1, show(noCPU));
      assert.equal(noCPU.stderr, 'Error from server (Forbidden): pods "bare" is forbidden: failed quota: q: must specify requests.cpu for: bare\n');

      const describe = await k.ok(['-n', ns, 'describe', 'quota', 'q']);
      assert.match(describe.stdout, /^Name:\s+q$/m, show(describe));
      assert.match(describe.stdout, new RegExp(`^Namespace:\\s+${ns}$`, 'm'), show(describe));
      assert.match(describe.stdout, /^Resource\s+Used\s+Hard$/m, show(describe));
      assert.match(describe.stdout, /^pods\s+2\s+2$/m, show(describe));
      assert.match(describe.stdout, /^requests\.cpu\s+1\s+1$/m, show(describe));

      // Deleting a pod gives its share back (the controller recalculates), so the third one fits.
      await k.ok(['-n', ns, 'delete', 'pod', 'p1', '--wait=true']);
      await poll(k, ['-n', ns, 'get', 'quota', 'q', '-o', 'jsonpath={.status.used.pods}'], '1', 'usage to drop');
      await k.okPrints(['-n', ns, 'create', '-f', file], 'pod/p3 created\n');
    });

    it('a LimitRange created with kubectl create -f gives pods its defaults', T, async () => {
      const ns = nsFor(bin, 'limits');
      await k.okPrints(['create', 'namespace', ns], `namespace/${ns} created\n`);
      const lr = [
        'apiVersion: v1',
        'kind: LimitRange',
        'metadata:',
        '  name: defaults',
        'spec:',
        '  limits:',
        '  - type: Container',
        '    default: {cpu: 500m, memory: 256Mi}',
        '    defaultRequest: {cpu: 100m, memory: 128Mi}',
        '    max: {memory: 1Gi}',
        '',
      ].join('\n');
      await k.okPrints(['-n', ns, 'create', '-f', k.writeFile(`${ns}-lr.yaml`, lr)], 'limitrange/defaults created\n');
      await k.okPrints(['-n', ns, 'create', '-f', k.writeFile(`${ns}-pod.yaml`, podYAML('web'))], 'pod/web created\n');
      const pod = JSON.parse((await k.ok(['-n', ns, 'get', 'pod', 'web', '-o', 'json'])).stdout) as {
        metadata: { annotations?: Record<string, string> };
        spec: { containers: { resources: unknown }[] };
      };
      assert.deepEqual(pod.spec.containers[0]!.resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
      assert.equal(
        pod.metadata.annotations?.['kubernetes.io/limit-ranger'],
        'LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app',
      );
      const big = [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: big',
        'spec:',
        '  containers:',
        '  - name: app',
        '    image: nginx',
        '    resources:',
        '      requests: {memory: 1Gi}',
        '      limits: {memory: 2Gi}',
        '',
      ].join('\n');
      const file = k.writeFile(`${ns}-big.yaml`, big);
      const refused = await k.run(['-n', ns, 'create', '-f', file]);
      assert.equal(refused.code, 1, show(refused));
      assert.equal(
        refused.stderr,
        `Error from server (Forbidden): error when creating "${file}": pods "big" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi\n`,
      );
    });
  });
}
