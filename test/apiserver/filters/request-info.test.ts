// What a request is from its URL alone (upstream's RequestInfoFactory), and the filters' pure pieces.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLongRunning, isReadOnly, requestInfo } from '../../../src/apiserver/filters/request-info.ts';
import { MAX_NESTING_DEPTH, MAX_YAML_FLOW_DEPTH, tooDeep, yamlTooDeep } from '../../../src/apiserver/filters/body-limit.ts';
import { microTime, sourceIPs } from '../../../src/apiserver/filters/audit.ts';
import type { Query } from '../../../src/apiserver/query.ts';

describe('requestInfo', () => {
  const cases: [method: string, path: string, query: Query, want: Partial<ReturnType<typeof requestInfo>>][] = [
    ['GET', '/api/v1/namespaces/default/pods', {}, { verb: 'list', resource: 'pods', namespace: 'default', name: '', apiVersion: 'v1', isResourceRequest: true }],
    ['GET', '/api/v1/namespaces/default/pods', { watch: 'true' }, { verb: 'watch', resource: 'pods' }],
    ['GET', '/api/v1/namespaces/default/pods', { watch: 'false' }, { verb: 'list' }],
    ['GET', '/api/v1/namespaces/default/pods', { fieldSelector: 'metadata.name=web' }, { verb: 'list', name: 'web' }],
    ['GET', '/api/v1/pods', { fieldSelector: 'spec.nodeName=n1,metadata.name==web', watch: '1' }, { verb: 'watch', name: 'web' }],
    ['GET', '/api/v1/pods', { fieldSelector: 'metadata.name!=web' }, { verb: 'list', name: '' }],
    ['GET', '/api/v1/watch/namespaces/default/pods/web', {}, { verb: 'watch', resource: 'pods', name: 'web', namespace: 'default' }],
    ['GET', '/api/v1/namespaces/default/pods/web/log', { follow: 'true' }, { verb: 'get', resource: 'pods', name: 'web', subresource: 'log' }],
    ['POST', '/apis/apps/v1/namespaces/ns1/deployments', {}, { verb: 'create', apiGroup: 'apps', apiVersion: 'v1', resource: 'deployments', namespace: 'ns1' }],
    ['PUT', '/apis/apps/v1/namespaces/ns1/deployments/d/scale', {}, { verb: 'update', subresource: 'scale', name: 'd' }],
    ['PATCH', '/api/v1/nodes/n1/status', {}, { verb: 'patch', resource: 'nodes', name: 'n1', subresource: 'status', namespace: '' }],
    ['DELETE', '/api/v1/namespaces/default/configmaps', {}, { verb: 'deletecollection', resource: 'configmaps' }],
    ['DELETE', '/api/v1/namespaces/default/configmaps/x', {}, { verb: 'delete', name: 'x' }],
    // A namespace's own status is a subresource of namespaces, not a resource called status.
    ['PUT', '/api/v1/namespaces/ns1/status', {}, { verb: 'update', resource: 'namespaces', name: 'ns1', subresource: 'status' }],
    ['GET', '/api/v1/namespaces/ns1', {}, { verb: 'get', resource: 'namespaces', name: 'ns1' }],
    ['GET', '/api/v1/namespaces/default/pods/web/proxy/some/path', {}, { verb: 'get', subresource: 'proxy' }],
    ['GET', '/api/v1/proxy/namespaces/default/pods/web', {}, { verb: 'proxy', resource: 'pods', name: 'web', subresource: '' }],
    ['GET', '/api/v1/namespaces/kube-system/serviceaccounts/system%3Anode', {}, { name: 'system:node' }],
    ['GET', '/healthz', {}, { isResourceRequest: false, verb: 'get', path: '/healthz' }],
    ['GET', '/apis/apps/v1', {}, { isResourceRequest: false, verb: 'get' }],
    ['POST', '/api', {}, { isResourceRequest: false, verb: 'post' }],
  ];
  for (const [method, path, query, want] of cases) {
    it(`${method} ${path} ${JSON.stringify(query)}`, () => {
      const got = requestInfo(method, path, query);
      for (const [k, v] of Object.entries(want)) assert.equal(got[k as keyof typeof got], v, k);
    });
  }

  it('sorts requests into long-running, read-only and mutating as upstream', () => {
    const table: [string, string, Query, boolean, boolean][] = [
      ['GET', '/api/v1/pods', { watch: '1' }, true, true],
      ['GET', '/api/v1/namespaces/d/pods/p/log', {}, true, true],
      ['POST', '/api/v1/namespaces/d/pods/p/exec', {}, true, false],
      ['GET', '/api/v1/namespaces/d/pods/p/portforward', {}, true, true],
      ['GET', '/api/v1/namespaces/d/services/s/proxy/x', {}, true, true],
      ['GET', '/api/v1/pods', {}, false, true],
      ['GET', '/version', {}, false, true],
      ['POST', '/api/v1/namespaces/d/pods', {}, false, false],
      ['DELETE', '/api/v1/namespaces/d/pods', {}, false, false],
      ['POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {}, false, false],
    ];
    for (const [method, path, query, longRunning, readOnly] of table) {
      const info = requestInfo(method, path, query);
      assert.equal(isLongRunning(info), longRunning, `${method} ${path} long-running`);
      assert.equal(isReadOnly(info), readOnly, `${method} ${path} read-only`);
    }
  });
});

describe('tooDeep', () => {
  const deep = (n: number, open = '[', close = ']') => Buffer.from(open.repeat(n) + close.repeat(n));
  const cases: [string, Buffer, number, string | undefined][] = [
    ['at the limit', deep(MAX_NESTING_DEPTH), MAX_NESTING_DEPTH, undefined],
    ['one past the limit', deep(MAX_NESTING_DEPTH + 1), MAX_NESTING_DEPTH, '['],
    ['objects', Buffer.from('{"a":'.repeat(11) + '1' + '}'.repeat(11)), 10, '{'],
    ['unterminated', Buffer.from('['.repeat(1_000_000)), MAX_NESTING_DEPTH, '['],
    ['brackets in strings do not count', Buffer.from(`{"a":"${'['.repeat(50)}"}`), 10, undefined],
    ['escaped quotes stay in the string', Buffer.from(`{"a":"\\"${'{'.repeat(50)}"}`), 10, undefined],
    ['siblings are not nesting', Buffer.from(`[${'[],'.repeat(100)}[]]`), 2, undefined],
  ];
  for (const [name, body, max, want] of cases) {
    it(name, () => assert.equal(tooDeep(body, max), want));
  }
});

describe('yamlTooDeep', () => {
  const n = MAX_YAML_FLOW_DEPTH;
  const cases: [string, string, boolean][] = [
    ['at the limit', `a: ${'['.repeat(n)}${']'.repeat(n)}`, false],
    ['one past the limit', `a: ${'['.repeat(n + 1)}${']'.repeat(n + 1)}`, true],
    ['maps', `a: ${'{b: '.repeat(n + 1)}1${'}'.repeat(n + 1)}`, true],
    ['a megabyte of [', `a: ${'['.repeat(1_000_000)}`, true],
    // A stray quote in a plain scalar opens no string, so it cannot hide the brackets after it.
    ['brackets after a stray quote', `x: 5"\nb: ${'['.repeat(n + 1)}1${']'.repeat(n + 1)}`, true],
    // Closing brackets inside a quoted string do not close anything.
    ['quoted closers', `a: ${'['.repeat(n - 10)}"${']'.repeat(n)}", ${'['.repeat(20)}1${']'.repeat(n + 10)}`, true],
    ['brackets in quoted strings', `a: "${'['.repeat(2 * n)}"\nb: '${'{'.repeat(2 * n)}'`, false],
    ['many siblings', `a: [${'[1], '.repeat(5 * n)}[2]]`, false],
  ];
  for (const [name, text, want] of cases) {
    it(name, () => assert.equal(yamlTooDeep(Buffer.from(text)), want));
  }
});

describe('audit pieces', () => {
  it('writes MicroTime with six fractional digits in UTC', () => {
    assert.equal(microTime(Date.UTC(2024, 0, 2, 3, 4, 5, 678) * 1000 + 901), '2024-01-02T03:04:05.678901Z');
    assert.equal(microTime(Date.UTC(2024, 0, 2, 3, 4, 5, 0) * 1000), '2024-01-02T03:04:05.000000Z');
  });

  it('lists source IPs as utilnet.SourceIPs: forwarded, real, then the peer, each once', () => {
    const socket = { remoteAddress: '::ffff:127.0.0.1' } as never;
    assert.deepEqual(sourceIPs({ headers: {}, socket }), ['127.0.0.1']);
    assert.deepEqual(sourceIPs({ headers: { 'x-forwarded-for': '10.0.0.1, 10.0.0.2', 'x-real-ip': '10.0.0.2' }, socket }), ['10.0.0.1', '10.0.0.2', '127.0.0.1']);
  });
});
