// CustomResourceDefinitions against a real etcd and API server: a CRD becomes Established and its
// resource is served at once (routes, discovery, APIServices, OpenAPI); custom objects are pruned,
// defaulted and validated by the schema; status and scale subresources, printer columns, selectable
// fields, several versions, strategic merge patch refused; deleting the CRD deletes its objects and
// stops serving them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { testClusterForSuite } from '../../support/cluster.ts';
import { waitFor } from '../../support/wait.ts';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const GROUP = 'stable.example.com';
const WIDGETS = `/apis/${GROUP}/v1/namespaces/default/widgets`;
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

interface Cond {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

function widgetCRD(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        required: ['color'],
        properties: {
          color: { type: 'string', enum: ['red', 'blue'] },
          size: { type: 'integer', minimum: 1, default: 3 },
          replicas: { type: 'integer' },
          free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
      status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' }, phase: { type: 'string' } } },
    },
  };
  const version = (name: string, storage: boolean) => ({
    name,
    served: true,
    storage,
    schema: { openAPIV3Schema: schema },
    subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
    additionalPrinterColumns: [
      { name: 'Color', type: 'string', jsonPath: '.spec.color' },
      { name: 'Size', type: 'integer', jsonPath: '.spec.size', priority: 1 },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
    selectableFields: [{ jsonPath: '.spec.color' }],
  });
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'], categories: ['all'] },
      versions: [version('v1', true), version('v1beta1', false)],
    },
    ...extra,
  };
}

function widget(name: string, spec: Record<string, unknown>, labels?: Record<string, string>): Record<string, unknown> {
  return { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name, ...(labels ? { labels } : {}) }, spec };
}


describe('CustomResourceDefinitions', () => {
  const t = testClusterForSuite();

  it('is Established with its names accepted and serves the resource at once', async () => {
    await request(t.app).post(CRDS).send(widgetCRD()).expect(201);
    const crd = await waitFor('Established', async () => {
      const res = await request(t.app).get(`${CRDS}/widgets.${GROUP}`).expect(200);
      const conds = (res.body.status?.conditions ?? []) as Cond[];
      return conds.some((x) => x.type === 'Established' && x.status === 'True') ? res.body : undefined;
    });
    const conds = crd.status.conditions as Cond[];
    assert.deepEqual(
      conds.map((x) => [x.type, x.status, x.reason, x.message]),
      [
        ['NamesAccepted', 'True', 'NoConflicts', 'no conflicts found'],
        ['Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted'],
      ],
    );
    assert.equal(crd.status.acceptedNames.kind, 'Widget');
    assert.equal(crd.status.acceptedNames.listKind, 'WidgetList');
    assert.deepEqual(crd.status.storedVersions, ['v1']);
    // Served as soon as Established is visible.
    await request(t.app).get(WIDGETS).expect(200);
  });

  it('appears in discovery, APIServices and OpenAPI', async () => {
    const group = await request(t.app).get(`/apis/${GROUP}`).expect(200);
    assert.deepEqual(group.body.preferredVersion, { groupVersion: `${GROUP}/v1`, version: 'v1' });
    assert.deepEqual(
      group.body.versions.map((v: { version: string }) => v.version),
      ['v1', 'v1beta1'],
    );
    const list = await request(t.app).get(`/apis/${GROUP}/v1`).expect(200);
    const names = list.body.resources.map((r: { name: string }) => r.name);
    // The apiextensions discovery controller lists status before scale.
    assert.deepEqual(names, ['widgets', 'widgets/status', 'widgets/scale']);
    const main = list.body.resources[0];
    assert.deepEqual([main.kind, main.singularName, main.namespaced, main.shortNames, main.categories], ['Widget', 'widget', true, ['wd'], ['all']]);
    const agg = await request(t.app).get('/apis').set('Accept', 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList').expect(200);
    const entry = agg.body.items.find((g: { metadata: { name: string } }) => g.metadata.name === GROUP);
    assert.ok(entry, 'the group is in aggregated discovery');
    const all = agg.body.items.map((g: { metadata: { name: string } }) => g.metadata.name) as string[];
    assert.ok(all.indexOf(GROUP) > all.indexOf('flowcontrol.apiserver.k8s.io'), 'CRD groups rank below built-in ones');
    const svc = await waitFor('APIService', async () => {
      const r = await request(t.app).get(`/apis/apiregistration.k8s.io/v1/apiservices/v1.${GROUP}`);
      return r.status === 200 ? r.body : undefined;
    });
    assert.deepEqual([svc.spec.groupPriorityMinimum, svc.spec.versionPriority], [1000, 100]);
    const index = await request(t.app).get('/openapi/v3').expect(200);
    const url = index.body.paths[`apis/${GROUP}/v1`]?.serverRelativeURL as string;
    assert.ok(url, 'the v3 index lists the group-version');
    const doc = await request(t.app).get(url).expect(200);
    const schema = doc.body.components.schemas[`com.example.stable.v1.Widget`];
    assert.ok(schema, 'the kind is described');
    assert.deepEqual(schema['x-kubernetes-group-version-kind'], [{ group: GROUP, kind: 'Widget', version: 'v1' }]);
    assert.ok(doc.body.paths[`/apis/${GROUP}/v1/namespaces/{namespace}/widgets/{name}/scale`], 'the scale path is documented');
    const v2 = await request(t.app).get('/openapi/v2').expect(200);
    assert.ok(v2.body.paths[`/apis/${GROUP}/v1/namespaces/{namespace}/widgets`], 'v2 has the collection path');
    assert.deepEqual(v2.body.paths[`/apis/${GROUP}/v1/namespaces/{namespace}/widgets/{name}`].patch.consumes, [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/apply-patch+yaml',
    ]);
  });

  it('prunes unknown fields, applies defaults and reports unknown fields as fieldValidation asks', async () => {
    const strict = await request(t.app)
      .post(`${WIDGETS}?fieldValidation=Strict`)
      .send(widget('strict', { color: 'red', bogus: 1, free: { anything: true } }))
      .expect(400);
    assert.equal(strict.body.message, 'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.bogus"');
    const warn = await request(t.app)
      .post(`${WIDGETS}?fieldValidation=Warn`)
      .send(widget('warned', { color: 'red', bogus: 1, free: { anything: true } }))
      .expect(201);
    assert.equal(warn.headers['warning'], '299 - "unknown field \\"spec.bogus\\""');
    assert.deepEqual(warn.body.spec, { color: 'red', size: 3, free: { anything: true } });
    const stored = await request(t.app).get(`${WIDGETS}/warned`).expect(200);
    assert.equal(stored.body.spec.bogus, undefined);
    assert.equal(stored.body.metadata.generation, 1);
  });

  it('validates against the schema with upstream messages', async () => {
    const res = await request(t.app)
      .post(WIDGETS)
      .send(widget('bad', { color: 'pink', size: 0 }))
      .expect(422);
    assert.equal(res.body.reason, 'Invalid');
    assert.equal(res.body.details.kind, 'Widget');
    assert.equal(res.body.details.group, GROUP);
    const fields = res.body.details.causes.map((x: { field: string }) => x.field).sort();
    assert.deepEqual(fields, ['spec.color', 'spec.size']);
    assert.match(res.body.message, /^Widget\.stable\.example\.com "bad" is invalid: \[/);
    assert.match(res.body.message, /spec\.color: Unsupported value: "pink": supported values: "red", "blue"/);
    const missing = await request(t.app).post(WIDGETS).send(widget('nocolor', {})).expect(422);
    assert.match(missing.body.message, /spec\.color: Required value/);
  });

  it('keeps status out of main writes and spec out of status writes', async () => {
    const made = await request(t.app)
      .post(WIDGETS)
      .send({ ...widget('st', { color: 'blue', replicas: 1 }), status: { phase: 'ignored' } })
      .expect(201);
    assert.equal(made.body.status, undefined, 'status is dropped on create');
    const st = await request(t.app)
      .put(`${WIDGETS}/st/status`)
      .send({ ...made.body, spec: { color: 'red', replicas: 9 }, status: { phase: 'Ready', replicas: 1, selector: 'app=st' } })
      .expect(200);
    assert.equal(st.body.spec.color, 'blue');
    assert.equal(st.body.status.phase, 'Ready');
    assert.equal(st.body.metadata.generation, 1, 'a status write leaves generation alone');
    const badStatus = await request(t.app)
      .put(`${WIDGETS}/st/status`)
      .send({ ...st.body, status: { replicas: 'many' } })
      .expect(422);
    assert.match(badStatus.body.message, /status\.replicas/);
    const main = await request(t.app)
      .put(`${WIDGETS}/st`)
      .send({ ...st.body, spec: { color: 'red', replicas: 1 }, status: { phase: 'Other' } })
      .expect(200);
    assert.equal(main.body.status.phase, 'Ready', 'a main write keeps the stored status');
    assert.equal(main.body.metadata.generation, 2, 'a spec change bumps generation');
  });

  it('answers the scale subresource from the CRD paths', async () => {
    const scale = await request(t.app).get(`${WIDGETS}/st/scale`).expect(200);
    assert.deepEqual([scale.body.apiVersion, scale.body.kind], ['autoscaling/v1', 'Scale']);
    assert.deepEqual(scale.body.spec, { replicas: 1 });
    assert.deepEqual(scale.body.status, { replicas: 1, selector: 'app=st' });
    await request(t.app)
      .patch(`${WIDGETS}/st/scale`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { replicas: 4 } })
      .expect(200);
    const after = await request(t.app).get(`${WIDGETS}/st`).expect(200);
    assert.equal(after.body.spec.replicas, 4);
  });

  it('patches with JSON and merge patches but refuses strategic merge patch with 415', async () => {
    await request(t.app).patch(`${WIDGETS}/st`).set('Content-Type', 'application/merge-patch+json').send({ metadata: { labels: { tier: 'a' } } }).expect(200);
    await request(t.app)
      .patch(`${WIDGETS}/st`)
      .set('Content-Type', 'application/json-patch+json')
      .send([{ op: 'replace', path: '/spec/size', value: 7 }])
      .expect(200);
    const smp = await request(t.app).patch(`${WIDGETS}/st`).set('Content-Type', 'application/strategic-merge-patch+json').send({ spec: { size: 8 } }).expect(415);
    assert.equal(
      smp.body.message,
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
    const badType = await request(t.app)
      .patch(`${WIDGETS}/st`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { size: 'big' } })
      .expect(422);
    assert.match(badType.body.message, /spec\.size/);
    const unknown = await request(t.app)
      .patch(`${WIDGETS}/st?fieldValidation=Strict`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { extra: 1 } })
      .expect(422);
    assert.match(unknown.body.message, /strict decoding error: unknown field "spec.extra"/);
  });

  it('prints its columns in Table form and filters by its selectable fields', async () => {
    const table = await request(t.app).get(WIDGETS).set('Accept', TABLE).expect(200);
    assert.deepEqual(
      table.body.columnDefinitions.map((col: { name: string; type: string; priority: number }) => [col.name, col.type, col.priority]),
      [
        ['Name', 'string', 0],
        ['Color', 'string', 0],
        ['Size', 'integer', 1],
        ['Age', 'date', 0],
      ],
    );
    const row = table.body.rows.find((r: { cells: unknown[] }) => r.cells[0] === 'st');
    assert.equal(row.cells[1], 'red');
    assert.equal(row.cells[2], 7);
    assert.match(String(row.cells[3]), /^\d+s$/);
    const red = await request(t.app).get(`${WIDGETS}?fieldSelector=spec.color%3Dred`).expect(200);
    assert.deepEqual(red.body.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(), ['st', 'warned']);
    const bad = await request(t.app).get(`${WIDGETS}?fieldSelector=spec.size%3D3`).expect(400);
    assert.match(bad.body.message, /field label not supported: spec\.size/);
  });

  it('pages lists with continue tokens', async () => {
    const first = await request(t.app).get(`${WIDGETS}?limit=1`).expect(200);
    assert.equal(first.body.items.length, 1);
    assert.ok(first.body.metadata.continue, 'a continue token');
    const total = (await request(t.app).get(WIDGETS).expect(200)).body.items.length as number;
    assert.ok(total >= 2);
    assert.equal(first.body.metadata.remainingItemCount, total - 1);
    const rest = await request(t.app).get(`${WIDGETS}?limit=100&continue=${encodeURIComponent(first.body.metadata.continue)}`).expect(200);
    const names = [...first.body.items, ...rest.body.items].map((i: { metadata: { name: string } }) => i.metadata.name);
    assert.equal(new Set(names).size, total);
  });

  it('serves the same objects through every served version', async () => {
    const beta = await request(t.app).get(`/apis/${GROUP}/v1beta1/namespaces/default/widgets/st`).expect(200);
    assert.equal(beta.body.apiVersion, `${GROUP}/v1beta1`);
    await request(t.app)
      .post(`/apis/${GROUP}/v1beta1/namespaces/default/widgets`)
      .send({ apiVersion: `${GROUP}/v1beta1`, kind: 'Widget', metadata: { name: 'from-beta' }, spec: { color: 'blue' } })
      .expect(201);
    const v1 = await request(t.app).get(`${WIDGETS}/from-beta`).expect(200);
    assert.equal(v1.body.apiVersion, `${GROUP}/v1`);
  });

  it('refuses webhook conversion, which it cannot perform', async () => {
    const hooked = widgetCRD();
    hooked.metadata = { name: `hooks.${GROUP}` };
    const spec = hooked.spec as Record<string, unknown>;
    spec.names = { plural: 'hooks', kind: 'Hook' };
    spec.conversion = { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { url: 'https://127.0.0.1:9443/convert' } } };
    const res = await request(t.app).post(CRDS).send(hooked).expect(422);
    assert.match(res.body.message, /spec\.conversion\.strategy: Forbidden: Webhook conversion is not supported by Wheelhouse yet; use None/);
  });

  it('refuses a second CRD whose names the group already uses', async () => {
    const other = widgetCRD();
    const spec = other.spec as { names: Record<string, unknown> };
    other.metadata = { name: `gadgets.${GROUP}` };
    spec.names = { plural: 'gadgets', singular: 'gadget', kind: 'Widget' };
    await request(t.app).post(CRDS).send(other).expect(201);
    const conds = await waitFor('NamesAccepted', async () => {
      const res = await request(t.app).get(`${CRDS}/gadgets.${GROUP}`).expect(200);
      const list = (res.body.status?.conditions ?? []) as Cond[];
      return list.some((x) => x.type === 'NamesAccepted') ? list : undefined;
    });
    const byType = Object.fromEntries(conds.map((x) => [x.type, [x.status, x.reason, x.message]]));
    assert.deepEqual(byType['NamesAccepted'], ['False', 'KindConflict', '"Widget" is already in use']);
    assert.deepEqual(byType['Established'], ['False', 'NotAccepted', 'not all names are accepted']);
    await request(t.app).get(`/apis/${GROUP}/v1/namespaces/default/gadgets`).expect(404);
  });

  it('evaluates x-kubernetes-validations rules, transition rules only on update', async () => {
    const rules = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `ranges.${GROUP}` },
      spec: {
        group: GROUP,
        scope: 'Cluster',
        names: { plural: 'ranges', kind: 'Range' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    'x-kubernetes-validations': [{ rule: 'self.min <= self.max', message: 'min must not exceed max' }],
                    properties: {
                      min: { type: 'integer' },
                      max: { type: 'integer' },
                      owner: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'owner is immutable' }] },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    };
    await request(t.app).post(CRDS).send(rules).expect(201);
    const path = `/apis/${GROUP}/v1/ranges`;
    await waitFor('ranges served', async () => ((await request(t.app).get(path)).status === 200 ? true : undefined));
    const bad = await request(t.app)
      .post(path)
      .send({ apiVersion: `${GROUP}/v1`, kind: 'Range', metadata: { name: 'r' }, spec: { min: 5, max: 1, owner: 'a' } })
      .expect(422);
    assert.equal(bad.body.message, 'Range.stable.example.com "r" is invalid: spec: Invalid value: "object": min must not exceed max');
    const made = await request(t.app)
      .post(path)
      .send({ apiVersion: `${GROUP}/v1`, kind: 'Range', metadata: { name: 'r' }, spec: { min: 1, max: 5, owner: 'a' } })
      .expect(201);
    assert.equal(made.body.metadata.namespace, undefined, 'cluster-scoped');
    const moved = await request(t.app)
      .put(`${path}/r`)
      .send({ ...made.body, spec: { min: 1, max: 5, owner: 'b' } })
      .expect(422);
    assert.equal(moved.body.message, 'Range.stable.example.com "r" is invalid: spec.owner: Invalid value: "string": owner is immutable');
    await request(t.app)
      .put(`${path}/r`)
      .send({ ...made.body, spec: { min: 2, max: 5, owner: 'a' } })
      .expect(200);
    await request(t.app).delete(`${CRDS}/ranges.${GROUP}`).expect(200);
  });

  it('waits for objects held by finalizers and refuses new ones meanwhile', async () => {
    const held = await request(t.app)
      .post(WIDGETS)
      .send({ ...widget('held', { color: 'red' }), metadata: { name: 'held', finalizers: ['example.com/hold'] } })
      .expect(201);
    const first = await request(t.app).delete(`${CRDS}/widgets.${GROUP}`).expect(200);
    assert.ok(first.body.metadata.deletionTimestamp, 'the first DELETE only marks it');
    assert.ok(first.body.metadata.finalizers.includes('customresourcecleanup.apiextensions.k8s.io'));
    const terminating = await waitFor('InstanceDeletionInProgress', async () => {
      const r = await request(t.app).get(`${CRDS}/widgets.${GROUP}`).expect(200);
      const cond = (r.body.status.conditions as Cond[]).find((x) => x.type === 'Terminating');
      return cond?.reason === 'InstanceDeletionInProgress' ? cond : undefined;
    });
    assert.deepEqual([terminating.status, terminating.message], ['True', 'CustomResource deletion is in progress']);
    const post = await request(t.app).post(WIDGETS).send(widget('late', { color: 'red' })).expect(405);
    assert.equal(post.body.message, 'create not allowed while custom resource definition is terminating');
    const apply = await request(t.app)
      .patch(`${WIDGETS}/late-apply?fieldManager=test`)
      .set('Content-Type', 'application/apply-patch+yaml')
      .send(JSON.stringify(widget('late-apply', { color: 'red' })))
      .expect(405);
    assert.equal(apply.body.message, 'create not allowed while custom resource definition is terminating');
    // Still there (its finalizer holds it), marked for deletion; released, it goes and so does the CRD.
    const still = await request(t.app).get(`${WIDGETS}/held`).expect(200);
    assert.ok(still.body.metadata.deletionTimestamp);
    await request(t.app)
      .patch(`${WIDGETS}/held`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ metadata: { finalizers: null, resourceVersion: still.body.metadata.resourceVersion } })
      .expect(200);
    assert.ok(held.body.metadata.uid);
  });

  it('deletes its objects and stops serving once the CRD is deleted', async () => {
    // Deleted in the test before; its last object's finalizer was released there.
    await waitFor('CRD removal', async () => {
      const r = await request(t.app).get(`${CRDS}/widgets.${GROUP}`);
      return r.status === 404 ? true : undefined;
    });
    // The controller stops serving on the deletion event, a moment after etcd lost the CRD.
    await waitFor('widgets unserved', async () => ((await request(t.app).get(WIDGETS)).status === 404 ? true : undefined));
    // The names it held are free now: the CRD that was refused them is accepted and served instead.
    const list = await waitFor('gadgets served', async () => {
      const r = await request(t.app).get(`/apis/${GROUP}/v1`);
      return r.status === 200 ? r.body : undefined;
    });
    assert.deepEqual(
      list.resources.map((r: { name: string }) => r.name),
      ['gadgets', 'gadgets/status', 'gadgets/scale'],
    );
    // Recreated, the resource starts empty: the objects went with the CRD.
    await request(t.app).delete(`${CRDS}/gadgets.${GROUP}`).expect(200);
    await request(t.app).post(CRDS).send(widgetCRD()).expect(201);
    const items = await waitFor('served again', async () => {
      const r = await request(t.app).get(WIDGETS);
      return r.status === 200 ? (r.body.items as unknown[]) : undefined;
    });
    assert.deepEqual(items, []);
  });
});
