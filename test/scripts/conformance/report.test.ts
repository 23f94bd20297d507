// The conformance report generator's pure parts: reading upstream's list, the not-applicable rules, the
// classification of every upstream test from mirror sources and results, and the Markdown counts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notApplicableReason } from '../../../scripts/conformance/not-applicable.ts';
import { buildReport, renderMarkdown } from '../../../scripts/conformance/report.ts';
import type { TestResult } from '../../../scripts/conformance/results-reporter.ts';
import { parseConformanceYaml, type UpstreamTest } from '../../../scripts/conformance/upstream.ts';

function upstream(codename: string, file: string, description = ''): UpstreamTest {
  return { testname: codename, codename, description, release: 'v1.30', file, sig: /^\[(sig-[a-z-]+)\]/.exec(codename)?.[1] ?? 'unknown' };
}

describe('parseConformanceYaml', () => {
  it('reads each entry and takes the SIG from the codename', () => {
    const tests = parseConformanceYaml(
      [
        "- testname: Watch",
        "  codename: '[sig-api-machinery] Watchers should observe add, update, and delete watch notifications on configmaps [Conformance]'",
        "  description: ' Ensure that multiple watchers see all notifications.'",
        '  release: v1.11',
        '  file: test/e2e/apimachinery/watch.go',
      ].join('\n'),
    );
    assert.equal(tests.length, 1);
    assert.equal(tests[0]!.sig, 'sig-api-machinery');
    assert.equal(tests[0]!.description, 'Ensure that multiple watchers see all notifications.');
    assert.equal(tests[0]!.file, 'test/e2e/apimachinery/watch.go');
  });

  it('refuses an entry without a codename', () => {
    assert.throws(() => parseConformanceYaml('- testname: x\n  description: y\n  file: z\n'), /codename is not a string/);
  });
});

describe('notApplicableReason', () => {
  const cases: Array<[string, UpstreamTest, string | undefined]> = [
    ['admission webhook', upstream('[sig-api-machinery] AdmissionWebhook [Privileged:ClusterAdmin] should mutate configmap [Conformance]', 'test/e2e/apimachinery/webhook.go'), 'needs admission webhooks'],
    ['webhook about CRs is a webhook first', upstream('[sig-api-machinery] AdmissionWebhook should mutate custom resource [Conformance]', 'test/e2e/apimachinery/webhook.go'), 'needs admission webhooks'],
    ['conversion webhook', upstream('[sig-api-machinery] CustomResourceConversionWebhook should convert [Conformance]', 'test/e2e/apimachinery/crd_conversion_webhook.go'), 'needs a CRD conversion webhook'],
    ['aggregator', upstream('[sig-api-machinery] Aggregator Should be able to support the Sample API Server [Conformance]', 'test/e2e/apimachinery/aggregator.go'), 'needs an aggregated API server'],
    ['CR field validation is mirrorable now that CRDs are served', upstream('[sig-api-machinery] FieldValidation should create/apply a CR with unknown fields for CRD with no validation schema [Conformance]', 'test/e2e/apimachinery/field_validation.go'), undefined],
    ['typed field validation is mirrorable', upstream('[sig-api-machinery] FieldValidation should detect unknown metadata fields of a typed object [Conformance]', 'test/e2e/apimachinery/field_validation.go'), undefined],
    ['volume contents', upstream('[sig-storage] EmptyDir volumes should support (root,0644,tmpfs) [Conformance]', 'test/e2e/common/storage/empty_dir.go'), 'needs volume contents inside a real container'],
    ['DNS', upstream('[sig-network] DNS should provide DNS for services [Conformance]', 'test/e2e/network/dns.go'), 'needs pod networking'],
    ['service reachability', upstream('[sig-network] Services should be able to change the type from ClusterIP to ExternalName [Conformance]', 'test/e2e/network/service.go'), 'needs pod networking'],
    ['service API lifecycle is mirrorable', upstream('[sig-network] Services should complete a service status lifecycle [Conformance]', 'test/e2e/network/service.go'), undefined],
    ['container logs', upstream('[sig-node] Kubelet when scheduling a busybox command in a pod should print the output to logs [NodeConformance] [Conformance]', 'test/e2e/common/node/kubelet.go'), 'needs a container runtime'],
    ['word boundaries: NoExecute is not exec', upstream('[sig-node] NoExecuteTaintManager Single Pod [Serial] removing taint cancels eviction [Disruptive] [Conformance]', 'test/e2e/node/taints.go'), undefined],
    ['word boundaries: PreemptionExecutionPath', upstream('[sig-scheduling] SchedulerPreemption [Serial] PreemptionExecutionPath runs ReplicaSets [Conformance]', 'test/e2e/scheduling/preemption.go'), undefined],
    ['table conversion needs SubjectAccessReview', upstream('[sig-api-machinery] Servers with support for Table transformation should return a 406 [Conformance]', 'test/e2e/apimachinery/table_conversion.go'), 'needs authentication (SelfSubjectAccessReview and the self-subject reviews)'],
  ];
  for (const [name, t, want] of cases) {
    it(name, () => assert.equal(notApplicableReason(t), want));
  }
});

describe('buildReport', () => {
  const REPO = '/repo';
  const tests = [
    upstream("[sig-apps] ReplicaSet should pass [Conformance]", 'test/e2e/apps/replica_set.go'),
    upstream("[sig-apps] ReplicaSet should fail [Conformance]", 'test/e2e/apps/replica_set.go'),
    upstream("[sig-apps] ReplicaSet should not run [Conformance]", 'test/e2e/apps/replica_set.go'),
    upstream("[sig-apps] Deployment isn't written yet [Conformance]", 'test/e2e/apps/deployment.go'),
    upstream('[sig-node] Known bug [Conformance]', 'test/e2e/common/node/pods.go'),
    upstream('[sig-network] DNS should resolve [Conformance]', 'test/e2e/network/dns.go'),
    upstream("[sig-apps] Job's quote [Conformance]", 'test/e2e/apps/job.go'),
  ];
  const source = [
    "it('[sig-apps] ReplicaSet should pass [Conformance]', ...)",
    "it('[sig-apps] ReplicaSet should fail [Conformance]', ...)",
    "it('[sig-apps] ReplicaSet should not run [Conformance]', ...)",
    "it('[sig-apps] Job\\'s quote [Conformance]', ...)",
  ].join('\n');
  const result = (name: string, outcome: TestResult['outcome'], file = `${REPO}/conformance/mirror/workloads.test.ts`, error?: string): TestResult => ({
    file,
    parents: ['sig-apps'],
    name,
    outcome,
    ...(error ? { error } : {}),
  });
  const report = buildReport({
    upstream: tests,
    mirrorSources: new Map([['conformance/mirror/sig-apps/replicasets.ts', source]]),
    results: [
      result('[sig-apps] ReplicaSet should pass [Conformance]', 'pass'),
      result('[sig-apps] ReplicaSet should fail [Conformance]', 'fail', undefined, 'timed out waiting for 2 pods'),
      result("[sig-apps] Job's quote [Conformance]", 'pass'),
      result('test_configmap_crud', 'pass', `${REPO}/conformance/clients/python.test.ts`),
      result('some unit test', 'pass', `${REPO}/test/api/x.test.ts`),
    ],
    repoRoot: REPO,
    knownFailing: { '[sig-node] Known bug [Conformance]': 'the kubelet does not do it' },
  });
  const byName = new Map(report.tests.map((t) => [t.codename, t]));

  const cases: Array<[string, string, Partial<(typeof report.tests)[number]>]> = [
    ['a passing mirror', '[sig-apps] ReplicaSet should pass [Conformance]', { status: 'passing', ourFile: 'conformance/mirror/sig-apps/replicasets.ts' }],
    ['a failing mirror carries its error', '[sig-apps] ReplicaSet should fail [Conformance]', { status: 'failing', reason: 'timed out waiting for 2 pods' }],
    ['a mirror with no result fails', '[sig-apps] ReplicaSet should not run [Conformance]', { status: 'failing', reason: 'no result in the test run' }],
    ['an escaped quote in the source still counts', "[sig-apps] Job's quote [Conformance]", { status: 'passing' }],
    ['not written yet', "[sig-apps] Deployment isn't written yet [Conformance]", { status: 'not-mirrored-yet' }],
    ['a known failure', '[sig-node] Known bug [Conformance]', { status: 'failing', reason: 'the kubelet does not do it' }],
    ['not applicable by rule', '[sig-network] DNS should resolve [Conformance]', { status: 'not-applicable', reason: 'needs pod networking' }],
  ];
  for (const [name, codename, want] of cases) {
    it(name, () => {
      const got = byName.get(codename)!;
      for (const [k, v] of Object.entries(want)) assert.equal(got[k as keyof typeof got], v, `${codename}: ${k}`);
    });
  }

  it('counts every upstream test once', () => {
    assert.deepEqual(
      { ...report.counts, notApplicableByReason: undefined },
      { total: 7, passing: 2, failing: 3, notMirroredYet: 1, notApplicable: 1, notApplicableByReason: undefined },
    );
    assert.deepEqual(report.counts.notApplicableByReason, { 'needs pod networking': 1 });
  });

  it('keeps client suite results and leaves other tests out', () => {
    assert.deepEqual(report.clients, [{ suite: 'conformance/clients/python.test.ts › sig-apps', test: 'test_configmap_crud', outcome: 'pass' }]);
  });

  it('puts the counts at the top of the Markdown', () => {
    const md = renderMarkdown(report);
    const head = md.slice(0, md.indexOf('## By SIG'));
    assert.match(head, /\| upstream conformance tests \| 7 \|/);
    assert.match(head, /\| mirrored, passing \| 2 \|/);
    assert.match(head, /\| mirrored, failing \| 3 \|/);
    assert.match(head, /needs pod networking \| 1 \|/);
    assert.match(md, /\| \[sig-node\] Known bug \[Conformance\] \| mirrored, failing \| the kubelet does not do it \|/);
  });
});
