// A CRD schema as the server's SchemaNode model, for server-side apply and the unknown-field walk.
// The resource root and every x-kubernetes-embedded-resource object declare apiVersion, kind and
// metadata (ObjectMeta) whether or not the schema mentions them, as the custom resource handler
// keeps them.
import { schemaForDefinition } from '../../api/schema/index.ts';
import type { SchemaNode, SchemaType } from '../../api/schema/types.ts';
import type { JSONSchemaProps } from './types.ts';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const TYPES = new Set<string>(['object', 'array', 'string', 'integer', 'number', 'boolean']);

function withResourceMeta(node: SchemaNode): void {
  const props = { ...(node.properties ?? {}) };
  props.apiVersion = { type: 'string' };
  props.kind = { type: 'string' };
  props.metadata = schemaForDefinition(OBJECT_META) ?? { type: 'object', preserveUnknownFields: true };
  node.properties = props;
}

function convert(s: JSONSchemaProps, resource: boolean): SchemaNode {
  const node: SchemaNode = {};
  if (s['x-kubernetes-int-or-string']) node.intOrString = true;
  else if (s.type && TYPES.has(s.type)) node.type = s.type as SchemaType;
  if (s.format) node.format = s.format;
  if (s.description) node.description = s.description;
  if (s.properties) {
    const props: Record<string, SchemaNode> = {};
    for (const [k, v] of Object.entries(s.properties)) props[k] = convert(v, false);
    node.properties = props;
  }
  const items = Array.isArray(s.items) ? undefined : s.items;
  if (items) node.items = convert(items, false);
  if (typeof s.additionalProperties === 'object') node.additionalProperties = convert(s.additionalProperties, false);
  else if (s.additionalProperties === true) node.additionalProperties = { preserveUnknownFields: true };
  if (s.required && s.required.length > 0) node.required = [...s.required];
  const lt = s['x-kubernetes-list-type'];
  if (lt === 'atomic' || lt === 'set' || lt === 'map') node.listType = lt;
  else if (node.type === 'array') node.listType = 'atomic'; // a CRD list without a list type is atomic
  if (s['x-kubernetes-list-map-keys']) node.listMapKeys = [...s['x-kubernetes-list-map-keys']];
  const mt = s['x-kubernetes-map-type'];
  if (mt === 'atomic' || mt === 'granular') node.mapType = mt;
  if (s['x-kubernetes-preserve-unknown-fields']) node.preserveUnknownFields = true;
  if (resource || s['x-kubernetes-embedded-resource']) withResourceMeta(node);
  // A declared object without fields or a value schema keeps nothing (it is pruned to {}), unlike the
  // built-in documents' field-less objects, which hold arbitrary JSON.
  if (node.type === 'object' && !node.properties && !node.additionalProperties && !node.preserveUnknownFields) {
    node.properties = {};
  }
  return node;
}

/** The SchemaNode of a version's schema; undefined schema: an object that keeps anything. */
export function toSchemaNode(schema: JSONSchemaProps | undefined): SchemaNode {
  if (schema === undefined) {
    const node: SchemaNode = { type: 'object', preserveUnknownFields: true };
    withResourceMeta(node);
    return node;
  }
  return convert(schema, true);
}
