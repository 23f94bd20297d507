// The empty object a create is compared against. Upstream compares with the kind's Go zero value,
// whose shape decides which paths a creator is said to add as a whole (`.` entries): value-typed
// structs (spec, a pod template, a deployment strategy) are always there, non-omitempty lists and
// pointers are there as null. The OpenAPI document cannot tell a pointer from a value struct, so the
// value structs on the way from the root to the fields people write are listed here.
import type { SchemaNode } from '../api/schema/types.ts';
import type { JSONValue } from './path-element.ts';

/** Optional fields that are Go value structs (not pointers), by definition name. */
const VALUE_STRUCTS: Record<string, readonly string[]> = {
  'io.k8s.api.apps.v1.DeploymentSpec': ['template', 'strategy'],
  'io.k8s.api.apps.v1.ReplicaSetSpec': ['template'],
  'io.k8s.api.apps.v1.StatefulSetSpec': ['template', 'updateStrategy'],
  'io.k8s.api.apps.v1.DaemonSetSpec': ['template', 'updateStrategy'],
  'io.k8s.api.batch.v1.JobSpec': ['template'],
  'io.k8s.api.batch.v1.CronJobSpec': ['jobTemplate'],
  'io.k8s.api.batch.v1.JobTemplateSpec': ['metadata', 'spec'],
  'io.k8s.api.core.v1.PodTemplateSpec': ['metadata', 'spec'],
  'io.k8s.api.core.v1.PodTemplate': ['template'],
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': ['resources'],
};

const ZERO_META = (): JSONValue => ({ creationTimestamp: null });
const cache = new WeakMap<SchemaNode, JSONValue>();

/** The Go zero value of a kind as its JSON (shared: never mutate it). */
export function zeroObject(schema: SchemaNode | undefined): JSONValue {
  if (!schema) return { metadata: ZERO_META() };
  const hit = cache.get(schema);
  if (hit) return hit;
  const out: Record<string, JSONValue> = { metadata: ZERO_META() };
  for (const k of ['spec', 'status']) {
    const p = schema.properties?.[k];
    if (p?.properties) out[k] = zeroStruct(p, 0);
  }
  for (const [k, v] of Object.entries(requiredZeros(schema, 0))) out[k] ??= v;
  cache.set(schema, out);
  return out;
}

function zeroStruct(node: SchemaNode, depth: number): Record<string, JSONValue> {
  const out: Record<string, JSONValue> = {};
  if (depth > 6) return out;
  for (const k of VALUE_STRUCTS[node.name ?? ''] ?? []) {
    const p = node.properties?.[k];
    if (!p) continue;
    if (k === 'metadata') out[k] = ZERO_META();
    else if (p.properties) out[k] = zeroStruct(p, depth + 1);
  }
  return { ...requiredZeros(node, depth), ...out };
}

/** Fields without omitempty (the schema's required ones) hold their zero value. */
function requiredZeros(node: SchemaNode, depth: number): Record<string, JSONValue> {
  const out: Record<string, JSONValue> = {};
  for (const k of node.required ?? []) {
    const p = node.properties?.[k];
    if (!p || k === 'apiVersion' || k === 'kind' || k === 'metadata') continue;
    if (p.type === 'array' || p.additionalProperties) out[k] = null;
    else if (p.properties) out[k] = p.mapType === 'atomic' ? null : zeroStruct(p, depth + 1);
    else if (p.type === 'string') out[k] = '';
    else if (p.type === 'integer' || p.type === 'number') out[k] = 0;
    else if (p.type === 'boolean') out[k] = false;
  }
  return out;
}
