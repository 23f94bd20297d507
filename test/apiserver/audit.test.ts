// The audit log (--audit-log-path) of a real server on a real etcd, driven by the real kubectl: one
// audit.k8s.io/v1 Event line per request at the Metadata level, ResponseStarted for watches.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeKubeconfig } from '../../src/cli/kubeconfig.ts';
import { findKubectlBinaries, Kubectl, show } from '../../conformance/support/kubectl.ts';
import { pollUntil } from '../../conformance/support/poll.ts';
import type { AuditEvent } from '../../src/apiserver/filters/audit.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';

const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

describe('audit log', () => {
  let c: TestCluster;
  let dir: string;
  let logPath: string;
  let kubectl: Kubectl;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'wheelhouse-audit-'));
    logPath = path.join(dir, 'audit.log');
    c = await startTestCluster({ auditLogPath: logPath });
    writeKubeconfig(path.join(dir, 'kubeconfig'), c.url);
    const bin = findKubectlBinaries().find((b) => b.onPath) ?? findKubectlBinaries()[0]!;
    kubectl = new Kubectl(bin, path.join(dir, 'kubeconfig'), 60_000);
  });
  after(async () => {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function events(): AuditEvent[] {
    return readFileSync(logPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditEvent);
  }

  /** The events of requests whose URI starts with this, once `count` of them are written. */
  function eventsFor(uriPrefix: string, count: number): Promise<AuditEvent[]> {
    return pollUntil(
      `${count} audit events for ${uriPrefix}`,
      async () => {
        const found = events().filter((e) => e.requestURI.startsWith(uriPrefix));
        return found.length >= count ? found : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
  }

  it('writes a Metadata-level ResponseComplete event per kubectl request', async () => {
    const created = await kubectl.run(['create', 'configmap', 'audited', '--from-literal=k=v']);
    assert.equal(created.code, 0, show(created));
    const [create] = await eventsFor('/api/v1/namespaces/default/configmaps?', 1);
    assert.ok(create);
    assert.equal(create.kind, 'Event');
    assert.equal(create.apiVersion, 'audit.k8s.io/v1');
    assert.equal(create.level, 'Metadata');
    assert.equal(create.stage, 'ResponseComplete');
    assert.equal(create.verb, 'create');
    assert.match(create.auditID, /^[0-9a-f-]{36}$/);
    assert.deepEqual(create.user, { username: 'system:anonymous', groups: ['system:unauthenticated'] });
    assert.deepEqual(create.sourceIPs, ['127.0.0.1']);
    assert.match(create.userAgent ?? '', /^kubectl/);
    // The name comes from the body, as upstream's LogRequestObject fills it in.
    assert.deepEqual(create.objectRef, { resource: 'configmaps', namespace: 'default', name: 'audited', apiVersion: 'v1' });
    assert.deepEqual(Object.keys(create.objectRef!), ['resource', 'namespace', 'name', 'apiVersion']);
    assert.deepEqual(create.responseStatus, { metadata: {}, code: 201 });
    assert.match(create.requestReceivedTimestamp, MICRO_TIME);
    assert.match(create.stageTimestamp, MICRO_TIME);
    assert.ok(create.stageTimestamp >= create.requestReceivedTimestamp);
    assert.deepEqual(create.annotations, { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' });
    assert.deepEqual(Object.keys(create), [
      'kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'sourceIPs', 'userAgent',
      'objectRef', 'responseStatus', 'requestReceivedTimestamp', 'stageTimestamp', 'annotations',
    ]);
  });

  it('copies a Status answer into responseStatus', async () => {
    const missing = await kubectl.run(['get', 'configmap', 'not-there']);
    assert.notEqual(missing.code, 0);
    const [get] = await eventsFor('/api/v1/namespaces/default/configmaps/not-there', 1);
    assert.equal(get!.verb, 'get');
    assert.deepEqual(get!.objectRef, { resource: 'configmaps', namespace: 'default', name: 'not-there', apiVersion: 'v1' });
    assert.deepEqual(get!.responseStatus, {
      metadata: {},
      status: 'Failure',
      message: 'configmaps "not-there" not found',
      reason: 'NotFound',
      details: { name: 'not-there', kind: 'configmaps' },
      code: 404,
    });
  });

  it('logs non-resource requests without an objectRef, and keeps a client-given Audit-ID', async () => {
    const res = await fetch(`${c.url}/version?audit=1`, { headers: { 'Audit-ID': 'my-audit-id', 'User-Agent': 'audit-test' } });
    assert.equal(res.headers.get('audit-id'), 'my-audit-id');
    const [ev] = await eventsFor('/version?audit=1', 1);
    assert.equal(ev!.auditID, 'my-audit-id');
    assert.equal(ev!.verb, 'get');
    assert.equal(ev!.objectRef, undefined);
    assert.equal(ev!.userAgent, 'audit-test');
  });

  it('writes ResponseStarted and then ResponseComplete for a watch', async () => {
    const ac = new AbortController();
    const watch = await fetch(`${c.url}/api/v1/namespaces/default/configmaps?watch=true&audit=watch`, { signal: ac.signal });
    assert.equal(watch.status, 200);
    const [started] = await eventsFor('/api/v1/namespaces/default/configmaps?watch=true&audit=watch', 1);
    assert.equal(started!.stage, 'ResponseStarted');
    assert.equal(started!.verb, 'watch');
    assert.deepEqual(started!.responseStatus, { metadata: {}, code: 200 });
    ac.abort();
    const both = await eventsFor('/api/v1/namespaces/default/configmaps?watch=true&audit=watch', 2);
    assert.deepEqual(both.map((e) => e.stage), ['ResponseStarted', 'ResponseComplete']);
    assert.equal(both[0]!.auditID, both[1]!.auditID);
  });
});
