// Mirrors of upstream's sig-cli conformance tests that need kubectl and the API but no container output:
// api-versions, cluster-info, version, describe, diff, expose, label, patch, replace, run and server-side
// dry-run, with the kubectl on PATH. Titles are upstream's codenames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { findKubectlBinaries, kubectlForSuite } from '../../support/kubectl.ts';
import { eventually, testNamespace, waitForObject, SUITE, type Mirror } from '../support.ts';

const AGNHOST = 'registry.k8s.io/e2e-test-images/agnhost:2.53';
const HTTPD = 'registry.k8s.io/e2e-test-images/httpd:2.4.38-4';
const BUSYBOX = 'registry.k8s.io/e2e-test-images/busybox:1.37.0-1';

/** Registers these mirrors against the file's cluster `m`. */
export function kubectlMirrors(m: Mirror): void {
  const bin = findKubectlBinaries().find((b) => b.onPath)!;
  const k = kubectlForSuite(bin, m.cluster);
  const core = () => m.api(CoreV1Api);
  const running = (ns: string, name: string) =>
    waitForObject(`${name} Running`, () => core().readNamespacedPod({ namespace: ns, name }), (p) => p.status?.phase === 'Running');

  const rcManifest = (name: string) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name, labels: { app: 'agnhost', role: 'primary' } },
      spec: {
        replicas: 1,
        selector: { app: 'agnhost', role: 'primary' },
        template: { metadata: { labels: { app: 'agnhost', role: 'primary' } }, spec: { containers: [{ name: 'agnhost-primary', image: AGNHOST, ports: [{ name: 'agnhost-server', containerPort: 6379 }] }] } },
      },
    });

  const rcPods = async (ns: string) =>
    eventually('the rc pod running', async () => {
      const pods = (await core().listNamespacedPod({ namespace: ns, labelSelector: 'app=agnhost' })).items;
      return pods.length === 1 && pods[0]!.status?.phase === 'Running' ? pods : undefined;
    });

  describe('sig-cli: Kubectl client', { ...SUITE, concurrency: true }, () => {
    it('[sig-cli] Kubectl client Kubectl api-versions should check if v1 is in available api versions [Conformance]', async () => {
      const r = await k.ok(['api-versions']);
      assert.ok(r.stdout.split('\n').includes('v1'), r.stdout);
    });

    it('[sig-cli] Kubectl client Kubectl cluster-info should check if Kubernetes control plane services is included in cluster-info [Conformance]', async () => {
      const r = await k.ok(['cluster-info']);
      // kubectl colours the words; the text between the escapes is what matters.
      const plain = r.stdout.replace(/\u001b\[[0-9;]*m/g, '');
      assert.match(plain, /Kubernetes control plane is running at http:\/\/127\.0\.0\.1:\d+/);
    });

    it('[sig-cli] Kubectl client Kubectl version should check is all data is printed [Conformance]', async () => {
      const r = await k.run(['version', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const v = JSON.parse(r.stdout) as { clientVersion: Record<string, string>; serverVersion: Record<string, string> };
      for (const side of [v.clientVersion, v.serverVersion]) {
        for (const key of ['major', 'minor', 'gitVersion', 'gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform']) {
          assert.ok(side[key], `${key} in ${JSON.stringify(side)}`);
        }
      }
      // kubectl warns on stderr when it is more than one minor version from the server, as with any server.
      const text = await k.run(['version']);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /Client Version: v\d+\.\d+\.\d+/);
      assert.match(text.stdout, /Server Version: v\d+\.\d+\.\d+/);
    });

    it('[sig-cli] Kubectl client Kubectl describe should check if kubectl describe prints relevant information for rc and pods [Conformance]', async () => {
      const ns = await testNamespace(m, 'kubectl');
      await k.ok(['create', '-n', ns, '-f', '-'], { stdin: rcManifest('agnhost-primary') });
      await k.ok(['create', '-n', ns, '-f', '-'], {
        stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'agnhost-primary', labels: { app: 'agnhost', role: 'primary' } }, spec: { selector: { app: 'agnhost', role: 'primary' }, ports: [{ port: 6379, targetPort: 'agnhost-server' }] } }),
      });
      const [pod] = await rcPods(ns);
      /** `Label:   value` lines of kubectl describe, whatever the column padding. */
      const shows = (out: string, pairs: Array<[string, string]>) => {
        for (const [label, value] of pairs) {
          const re = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\s+${value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s*$`, 'm');
          assert.match(out, re, `${label}: ${value}`);
        }
      };
      const podName = pod!.metadata!.name!;
      shows((await k.ok(['describe', 'pod', '-n', ns, podName])).stdout, [
        ['Name', podName],
        ['Namespace', ns],
        ['Labels', 'app=agnhost'],
        ['Status', 'Running'],
        ['Image', AGNHOST],
        ['Controlled By', 'ReplicationController/agnhost-primary'],
      ]);
      shows((await k.ok(['describe', 'rc', '-n', ns, 'agnhost-primary'])).stdout, [
        ['Name', 'agnhost-primary'],
        ['Namespace', ns],
        ['Selector', 'app=agnhost,role=primary'],
        ['Replicas', '1 current / 1 desired'],
        ['Pods Status', '1 Running / 0 Waiting / 0 Succeeded / 0 Failed'],
      ]);
      // The pod reaches the Service's endpoints a moment after it runs; kubectl describe reads them from
      // the EndpointSlices (newer kubectls) or the Endpoints, each kept by its own controller, so ask again
      // until the address is there.
      const described = await eventually('the pod in the described endpoints', async () => {
        const out = (await k.ok(['describe', 'service', '-n', ns, 'agnhost-primary'])).stdout;
        return out.includes(`${pod!.status!.podIP}:6379`) ? out : undefined;
      });
      shows(described, [
        ['Name', 'agnhost-primary'],
        ['Selector', 'app=agnhost,role=primary'],
        ['Type', 'ClusterIP'],
        ['Port', '<unset>  6379/TCP'],
        ['TargetPort', 'agnhost-server/TCP'],
        ['Endpoints', `${pod!.status!.podIP}:6379`],
      ]);
      const nodeOut = (await k.ok(['describe', 'node', pod!.spec!.nodeName!])).stdout;
      shows(nodeOut, [['Name', pod!.spec!.nodeName!]]);
      for (const want of ['Labels:', 'Annotations:', 'CreationTimestamp:', 'Conditions:', 'Addresses:', 'Capacity:', 'Allocatable:', 'System Info:', 'Non-terminated Pods:', 'Allocated resources:']) {
        assert.ok(nodeOut.includes(want), `describe node shows ${JSON.stringify(want)}`);
      }
      shows((await k.ok(['describe', 'namespace', ns])).stdout, [
        ['Name', ns],
        ['Status', 'Active'],
      ]);
    });

    it('[sig-cli] Kubectl client Kubectl diff should check if kubectl diff finds a difference for Deployments [Conformance]', async () => {
      const ns = await testNamespace(m, 'kubectl');
      const deployment = (image: string) =>
        JSON.stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'httpd-deployment', namespace: ns, labels: { app: 'httpd' } },
          spec: { replicas: 1, selector: { matchLabels: { app: 'httpd' } }, template: { metadata: { labels: { app: 'httpd' } }, spec: { containers: [{ name: 'httpd', image }] } } },
        });
      await k.ok(['apply', '-f', '-'], { stdin: deployment(HTTPD) });
      // kubectl diff exits 1 when it finds a difference.
      const r = await k.run(['diff', '-f', '-'], { stdin: deployment(BUSYBOX) });
      assert.equal(r.code, 1, `${r.stdout}${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^-\\s+- image: ${HTTPD.replace(/[.]/g, '\\.')}$`, 'm'));
      assert.match(r.stdout, new RegExp(`^\\+\\s+- image: ${BUSYBOX.replace(/[.]/g, '\\.')}$`, 'm'));
    });

    it('[sig-cli] Kubectl client Kubectl expose should create services for rc [Conformance]', async () => {
      const ns = await testNamespace(m, 'kubectl');
      await k.ok(['create', '-n', ns, '-f', '-'], { stdin: rcManifest('agnhost-primary') });
      await rcPods(ns);
      await k.ok(['expose', 'rc', 'agnhost-primary', '-n', ns, '--name=rm2', '--port=1234', '--target-port=6379']);
      const rm2 = await core().readNamespacedService({ namespace: ns, name: 'rm2' });
      assert.deepEqual([rm2.spec?.ports?.[0]?.port, rm2.spec?.ports?.[0]?.targetPort], [1234, 6379]);
      await k.ok(['expose', 'service', 'rm2', '-n', ns, '--name=rm3', '--port=2345', '--target-port=6379']);
      const rm3 = await core().readNamespacedService({ namespace: ns, name: 'rm3' });
      assert.deepEqual([rm3.spec?.ports?.[0]?.port, rm3.spec?.ports?.[0]?.targetPort], [2345, 6379]);
      assert.deepEqual(rm3.spec?.selector, { app: 'agnhost', role: 'primary' });
      // Both services find the rc's pod on the target port.
      for (const svc of ['rm2', 'rm3']) {
        await eventually(`${svc} endpoints`, async () => {
          const ep = await core().readNamespacedEndpoints({ namespace: ns, name: svc });
          return ep.subsets?.[0]?.ports?.[0]?.port === 6379 && (ep.subsets[0]!.addresses ?? []).length === 1 ? true : undefined;
        });
      }
    });

    it('[sig-cli] Kubectl client Kubectl label should update the label on a resource [Conformance]', async () => {
      const ns = await testNamespace(m, 'kubectl');
      await k.ok(['run', 'pause', '-n', ns, `--image=${AGNHOST}`, '--restart=Never', '--labels=name=pause']);
      await running(ns, 'pause');
      await k.ok(['label', 'pods', 'pause', '-n', ns, 'testing-label=testing-label-value']);
      const withLabel = await k.ok(['get', 'pod', 'pause', '-n', ns, '-L', 'testing-label']);
      assert.match(withLabel.stdout, /TESTING-LABEL[\s\S]*testing-label-value/);
      await k.ok(['label', 'pods', 'pause', '-n', ns, 'testing-label-']);
      const without = await k.ok(['get', 'pod', 'pause', '-n', ns, '-L', 'testing-label']);
      assert.ok(!without.stdout.includes('testing-label-value'), without.stdout);
    });

    it('[sig-cli] Kubectl client Kubectl patch should add annotations for pods in rc [Conformance]', async () => {
      const ns = await testNamespace(m, 'kubectl');
      await k.ok(['create', '-n', ns, '-f', '-'], { stdin: rcManifest('agnhost-primary') });
      const pods = await rcPods(ns);
      for (const p of pods) await k.ok(['patch', 'pod', p.metadata!.name!, '-n', ns, '-p', '{"metadata":{"annotations":{"x":"y"}}}']);
      for (const p of pods) {
        const got = await core().readNamespacedPod({ namespace: ns, name: p.metadata!.name! });
        assert.equal(got.metadata?.annotations?.x, 'y');
      }
    });

    it("[sig-cli] Kubectl client Kubectl replace should update a single-container pod's image [Conformance]", async () => {
      const ns = await testNamespace(m, 'kubectl');
      await k.ok(['run', 'e2e-test-httpd-pod', '-n', ns, `--image=${HTTPD}`, '--restart=Never', '--labels=run=e2e-test-httpd-pod']);
      await running(ns, 'e2e-test-httpd-pod');
      const json = (await k.ok(['get', 'pod', 'e2e-test-httpd-pod', '-n', ns, '-o', 'json'])).stdout;
      const pod = JSON.parse(json) as V1Pod;
      pod.spec!.containers[0]!.image = BUSYBOX;
      await k.ok(['replace', '-f', '-'], { stdin: JSON.stringify(pod) });
      const got = await core().readNamespacedPod({ namespace: ns, name: 'e2e-test-httpd-pod' });
      assert.equal(got.spec?.containers[0]?.image, BUSYBOX);
    });

    it('[sig-cli] Kubectl client Kubectl run pod should create a pod from an image when restart is Never [Conformance]', async () => {
      const ns = await testNamespace(m, 'kubectl');
      await k.ok(['run', 'e2e-test-httpd-pod', '-n', ns, '--restart=Never', '--pod-running-timeout=2m0s', `--image=${HTTPD}`]);
      const p = await core().readNamespacedPod({ namespace: ns, name: 'e2e-test-httpd-pod' });
      assert.equal(p.spec?.restartPolicy, 'Never');
      assert.deepEqual(p.spec?.containers.map((c) => c.image), [HTTPD]);
    });

    it('[sig-cli] Kubectl client Kubectl server-side dry-run should check if kubectl can dry-run update Pods [Conformance]', async () => {
      const ns = await testNamespace(m, 'kubectl');
      await k.ok(['run', 'e2e-test-httpd-pod', '-n', ns, `--image=${HTTPD}`, '--pod-running-timeout=2m0s', '--labels=run=e2e-test-httpd-pod']);
      const patch = JSON.stringify({ spec: { containers: [{ name: 'e2e-test-httpd-pod', image: BUSYBOX }] } });
      const r = await k.ok(['patch', 'pod', 'e2e-test-httpd-pod', '-n', ns, '-p', patch, '--dry-run=server', '-o', 'json']);
      assert.equal((JSON.parse(r.stdout) as V1Pod).spec?.containers[0]?.image, BUSYBOX, 'the dry run answers with the patched pod');
      const stored = await core().readNamespacedPod({ namespace: ns, name: 'e2e-test-httpd-pod' });
      assert.equal(stored.spec?.containers[0]?.image, HTTPD, 'the stored pod keeps its image');
    });
  });
}
