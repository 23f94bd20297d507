// /openapi/v2 and /openapi/v3 over HTTP against a real server: content, negotiation, the v3 index and its
// hash-addressed documents (immutable caching, redirect on a stale hash), ETags and 304s.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';

const PB_V2 = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
const PB_V2_CANONICAL = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const sha512 = (b: Buffer | string) => createHash('sha512').update(b).digest('hex').toUpperCase();

/** supertest leaves unknown content types unparsed; collect the raw bytes. */
function raw(req: request.Test): request.Test {
  return req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
}

interface Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

describe('OpenAPI endpoints', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster({ skipBootstrap: true });
    app = c.server.app;
  });
  after(async () => c.stop());

  it('serves /openapi/v2 as Swagger 2.0 JSON with a quoted SHA-512 ETag', async () => {
    const res = await raw(request(app).get('/openapi/v2').set('Accept', 'application/json'));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    const body = res.body as Buffer;
    assert.equal(res.headers['etag'], `"${sha512(body)}"`);
    assert.match(String(res.headers['vary']), /Accept/);
    const doc = JSON.parse(body.toString('utf8'));
    assert.equal(doc.swagger, '2.0');
    const pod = doc.definitions['io.k8s.api.core.v1.Pod'];
    assert.deepEqual(pod['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
    const containers = doc.definitions['io.k8s.api.core.v1.PodSpec'].properties.containers;
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
    // kubectl's v2 fieldValidation probe looks for an inline parameter on the PATCH operation.
    const patch = doc.paths['/api/v1/namespaces/{namespace}/configmaps/{name}'].patch;
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: '', kind: 'ConfigMap', version: 'v1' });
    assert.ok(patch.parameters.some((p: { name?: string; in?: string }) => p.name === 'fieldValidation' && p.in === 'query'));
    assert.equal(patch['x-kubernetes-action'], 'patch');
  });

  it('answers If-None-Match on /openapi/v2 with 304', async () => {
    const first = await raw(request(app).get('/openapi/v2').set('Accept', 'application/json'));
    const again = await request(app).get('/openapi/v2').set('Accept', 'application/json').set('If-None-Match', String(first.headers['etag']));
    assert.equal(again.status, 304);
    assert.equal(again.headers['etag'], first.headers['etag']);
    const stale = await raw(request(app).get('/openapi/v2').set('Accept', 'application/json').set('If-None-Match', '"0"'));
    assert.equal(stale.status, 200);
  });

  it('negotiates /openapi/v2: protobuf when asked, JSON for */*, 406 for other types', async () => {
    const pb = await raw(request(app).get('/openapi/v2').set('Accept', PB_V2));
    // The protobuf encoder may be unable to encode; then only a client accepting JSON too gets an answer.
    if (pb.status === 200) {
      assert.equal(pb.headers['content-type'], PB_V2_CANONICAL);
      assert.ok((pb.body as Buffer).length > 1000);
      // The JSON document's ETag names both representations.
      const json = await raw(request(app).get('/openapi/v2').set('Accept', 'application/json'));
      assert.equal(pb.headers['etag'], json.headers['etag']);
    } else {
      assert.equal(pb.status, 406);
    }
    const fallback = await raw(request(app).get('/openapi/v2').set('Accept', `${PB_V2}, application/json;q=0.5`));
    assert.equal(fallback.status, 200);
    assert.equal(fallback.headers['content-type'], pb.status === 200 ? PB_V2_CANONICAL : 'application/json');
    const any = await raw(request(app).get('/openapi/v2').set('Accept', '*/*'));
    assert.equal(any.status, 200);
    assert.equal(any.headers['content-type'], 'application/json');
    const none = await raw(request(app).get('/openapi/v2').set('Accept', 'text/html'));
    assert.equal(none.status, 406);
  });

  it('serves the /openapi/v3 index with one hash-addressed URL per group-version', async () => {
    const res = await raw(request(app).get('/openapi/v3'));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    const body = res.body as Buffer;
    assert.equal(res.headers['etag'], `"${sha512(body)}"`);
    const index = JSON.parse(body.toString('utf8')) as Index;
    for (const gv of ['api/v1', 'apis/apps/v1', 'apis/autoscaling/v1', 'apis/autoscaling/v2', 'apis/batch/v1', 'apis/coordination.k8s.io/v1', 'apis/discovery.k8s.io/v1', 'apis/events.k8s.io/v1', 'apis/networking.k8s.io/v1', 'apis/policy/v1', 'apis/storage.k8s.io/v1', 'apis/node.k8s.io/v1', 'apis/flowcontrol.apiserver.k8s.io/v1', 'apis/apiregistration.k8s.io/v1', 'apis/admissionregistration.k8s.io/v1']) {
      assert.match(index.paths[gv]?.serverRelativeURL ?? '', new RegExp(`^/openapi/v3/${gv.replace(/\./g, '\\.')}\\?hash=[0-9A-F]{128}$`), gv);
    }
    // Keys come sorted, as Go marshals a map.
    const keys = Object.keys(index.paths);
    assert.deepEqual(keys, [...keys].sort());
    const again = await request(app).get('/openapi/v3').set('If-None-Match', String(res.headers['etag']));
    assert.equal(again.status, 304);
  });

  it('serves each v3 document at its hash URL as immutable, and the hash is the SHA-512 of the body', async () => {
    const index = JSON.parse(((await raw(request(app).get('/openapi/v3'))).body as Buffer).toString('utf8')) as Index;
    for (const [gv, { serverRelativeURL }] of Object.entries(index.paths)) {
      const res = await raw(request(app).get(serverRelativeURL).set('Accept', 'application/json'));
      assert.equal(res.status, 200, gv);
      assert.equal(res.headers['content-type'], 'application/json');
      const body = res.body as Buffer;
      const hash = serverRelativeURL.split('hash=')[1]!;
      assert.equal(sha512(body), hash, gv);
      assert.equal(res.headers['etag'], `"${hash}"`);
      assert.equal(res.headers['cache-control'], 'public, immutable');
      assert.equal(res.headers['vary'], 'Accept');
      const expires = Date.parse(String(res.headers['expires']));
      const date = Date.parse(String(res.headers['date']));
      // One year out, give or take the request's own duration.
      assert.ok(Math.abs(expires - date - 365 * 24 * 3600 * 1000) < 2 * 24 * 3600 * 1000, `${gv}: Expires ${res.headers['expires']}`);
      const doc = JSON.parse(body.toString('utf8'));
      assert.equal(doc.openapi, '3.0.0');
    }
  });

  it('serves the api/v1 v3 document with the paths and GVKs kubectl looks up', async () => {
    const index = JSON.parse(((await raw(request(app).get('/openapi/v3'))).body as Buffer).toString('utf8')) as Index;
    // kubectl appends its own timeout parameter to the URL the index gives it.
    const res = await raw(request(app).get(`${index.paths['api/v1']!.serverRelativeURL}&timeout=32s`).set('Accept', 'application/json'));
    assert.equal(res.status, 200);
    const doc = JSON.parse((res.body as Buffer).toString('utf8'));
    const patch = doc.paths['/api/v1/namespaces/{namespace}/configmaps/{name}'].patch;
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: '', kind: 'ConfigMap', version: 'v1' });
    assert.ok(patch.parameters.some((p: { name: string }) => p.name === 'fieldValidation'));
    assert.ok(patch.requestBody.content['application/strategic-merge-patch+json']);
    const container = doc.components.schemas['io.k8s.api.core.v1.Container'];
    assert.deepEqual(container.properties.lifecycle.allOf, [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Lifecycle' }]);
    assert.equal(container.properties.env['x-kubernetes-list-type'], 'map');
    assert.deepEqual(doc.components.schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].oneOf, [{ type: 'integer' }, { type: 'string' }]);
    // Schemas from other group-versions are not carried along.
    assert.equal(doc.components.schemas['io.k8s.api.apps.v1.Deployment'], undefined);
  });

  it('redirects a stale hash to the current one with 301', async () => {
    const index = JSON.parse(((await raw(request(app).get('/openapi/v3'))).body as Buffer).toString('utf8')) as Index;
    const current = index.paths['apis/apps/v1']!.serverRelativeURL;
    const res = await raw(request(app).get(`/openapi/v3/apis/apps/v1?hash=0123ABCD`).set('Accept', 'application/json'));
    assert.equal(res.status, 301);
    assert.equal(res.headers['location'], current);
    assert.equal(res.headers['cache-control'], undefined);
  });

  it('serves a v3 document without a hash: ETag, no immutable caching, 304 on If-None-Match', async () => {
    const res = await raw(request(app).get('/openapi/v3/apis/batch/v1').set('Accept', 'application/json'));
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], undefined);
    assert.equal(res.headers['expires'], undefined);
    const etag = String(res.headers['etag']);
    assert.equal(etag, `"${sha512(res.body as Buffer)}"`);
    const again = await request(app).get('/openapi/v3/apis/batch/v1').set('Accept', 'application/json').set('If-None-Match', etag);
    assert.equal(again.status, 304);
    const hashed = await request(app).get(`/openapi/v3/apis/batch/v1?hash=${etag.slice(1, -1)}`).set('If-None-Match', etag);
    assert.equal(hashed.status, 304);
    assert.equal(hashed.headers['cache-control'], 'public, immutable');
  });

  it('answers unknown group-versions with 404 and unacceptable types with 406', async () => {
    const missing = await raw(request(app).get('/openapi/v3/apis/policy/v1beta1').set('Accept', 'application/json'));
    assert.equal(missing.status, 404);
    const pbOnly = await raw(request(app).get('/openapi/v3/api/v1').set('Accept', 'application/com.github.proto-openapi.spec.v3.v1.0+protobuf'));
    assert.equal(pbOnly.status, 406);
    const wildcard = await raw(request(app).get('/openapi/v3/api/v1').set('Accept', '*/*'));
    assert.equal(wildcard.status, 200);
    assert.equal(wildcard.headers['content-type'], 'application/json');
  });
});
