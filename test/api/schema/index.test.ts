// Runtime schema lookup: resolved nodes for served kinds, with the patch and list facts strategic merge
// patch and field validation read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { schemaForDefinition, schemaForKind, type SchemaNode } from '../../../src/api/schema/index.ts';

const at = (node: SchemaNode | undefined, ...path: string[]): SchemaNode => {
  let n = node;
  for (const p of path) {
    n = p === '[]' ? n?.items : p === '{}' ? n?.additionalProperties : n?.properties?.[p];
    assert.ok(n, `no ${path.join('.')}`);
  }
  return n!;
};

describe('schemaForKind', () => {
  it('resolves a kind to its definition, with no $ref left', () => {
    const pod = schemaForKind('', 'v1', 'Pod');
    assert.equal(pod?.name, 'io.k8s.api.core.v1.Pod');
    assert.equal(pod?.type, 'object');
    const containers = at(pod, 'spec', 'containers');
    assert.equal(containers.type, 'array');
    assert.equal(containers.patchStrategy, 'merge');
    assert.equal(containers.patchMergeKey, 'name');
    assert.equal(containers.listType, 'map');
    assert.deepEqual(containers.listMapKeys, ['name']);
    assert.deepEqual(containers.items?.required, ['name']);
    assert.equal(at(containers, '[]', 'ports').patchMergeKey, 'containerPort');
    assert.deepEqual(at(containers, '[]', 'ports').listMapKeys, ['containerPort', 'protocol']);
    assert.equal(at(pod, 'spec', 'volumes').patchStrategy, 'merge,retainKeys');
    assert.equal(at(pod, 'metadata', 'finalizers').listType, 'set');
    assert.equal(at(pod, 'metadata', 'ownerReferences').patchMergeKey, 'uid');
    assert.equal(at(pod, 'spec', 'nodeSelector').mapType, 'atomic');
  });

  it('shares definition nodes between every place that references them', () => {
    const container = schemaForDefinition('io.k8s.api.core.v1.Container');
    assert.equal(at(schemaForKind('', 'v1', 'Pod'), 'spec', 'containers', '[]'), container);
    assert.equal(at(schemaForKind('apps', 'v1', 'Deployment'), 'spec', 'template', 'spec', 'initContainers', '[]'), container);
    assert.equal(schemaForKind('', 'v1', 'Pod'), schemaForKind('', 'v1', 'Pod'));
  });

  it('gives a reference with its own markers a node of its own, keeping the target untouched', () => {
    const strategy = at(schemaForKind('apps', 'v1', 'Deployment'), 'spec', 'strategy');
    assert.equal(strategy.patchStrategy, 'retainKeys');
    assert.equal(strategy.name, 'io.k8s.api.apps.v1.DeploymentStrategy');
    assert.ok(strategy.properties?.['rollingUpdate']);
    assert.equal(schemaForDefinition('io.k8s.api.apps.v1.DeploymentStrategy')?.patchStrategy, undefined);
  });

  it('maps scalar wrappers and free-form objects', () => {
    const port = at(schemaForKind('', 'v1', 'Service'), 'spec', 'ports', '[]', 'targetPort');
    assert.equal(port.intOrString, true);
    assert.equal(port.type, undefined);
    const limits = at(schemaForKind('', 'v1', 'Pod'), 'spec', 'containers', '[]', 'resources', 'limits');
    assert.equal(limits.type, 'object');
    assert.equal(limits.additionalProperties?.name, 'io.k8s.apimachinery.pkg.api.resource.Quantity');
    assert.equal(at(schemaForKind('', 'v1', 'Pod'), 'metadata', 'creationTimestamp').format, 'date-time');
    const data = at(schemaForKind('apps', 'v1', 'ControllerRevision'), 'data');
    assert.equal(data.preserveUnknownFields, true);
    assert.equal(at(schemaForKind('', 'v1', 'ConfigMap'), 'data', '{}').type, 'string');
    assert.equal(at(schemaForKind('', 'v1', 'Pod'), 'metadata', 'managedFields', '[]', 'fieldsV1').preserveUnknownFields, true);
  });

  it('knows every served kind, list kind and subresource kind, and nothing else', () => {
    for (const [g, v, k] of [
      ['', 'v1', 'ConfigMapList'],
      ['', 'v1', 'Binding'],
      ['autoscaling', 'v1', 'Scale'],
      ['batch', 'v1', 'CronJob'],
      ['coordination.k8s.io', 'v1', 'Lease'],
      ['discovery.k8s.io', 'v1', 'EndpointSlice'],
      ['events.k8s.io', 'v1', 'Event'],
      ['', 'v1', 'Status'],
      ['apps', 'v1', 'DeleteOptions'],
    ] as const) {
      assert.ok(schemaForKind(g, v, k), `${g}/${v} ${k}`);
    }
    assert.equal(schemaForKind('events.k8s.io', 'v1', 'Event')?.name, 'io.k8s.api.events.v1.Event');
    assert.equal(schemaForKind('', 'v1', 'Event')?.name, 'io.k8s.api.core.v1.Event');
    assert.equal(schemaForKind('policy', 'v1beta1', 'PodDisruptionBudget'), undefined);
    assert.equal(schemaForKind('', 'v2', 'Pod'), undefined);
  });
});
