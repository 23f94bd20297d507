// Test-only: SchemaNodes built from upstream's swagger.json, so strategic merge patch can be checked
// against the real patch metadata of built-in types. The reference file is an oracle for tests and is
// never read by the product.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SchemaNode, SchemaType } from '../../src/api/schema/types.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SWAGGER_PATH = path.resolve(REPO, '..', 'shared', 'k8s-reference', 'swagger.json');
export const haveSwagger = existsSync(SWAGGER_PATH);

interface RawSchema {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, RawSchema>;
  items?: RawSchema;
  additionalProperties?: RawSchema | boolean;
  required?: string[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

const REF_PREFIX = '#/definitions/';

/** Resolves definitions lazily; shared and cyclic references come back as the same node. */
export function swaggerResolver(path = SWAGGER_PATH): (definition: string) => SchemaNode {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { definitions: Record<string, RawSchema> };
  const nodes = new Map<string, SchemaNode>();

  const definition = (name: string): SchemaNode => {
    let node = nodes.get(name);
    if (node) return node;
    const raw = doc.definitions[name];
    if (!raw) throw new Error(`no definition ${name}`);
    node = { name };
    nodes.set(name, node);
    Object.assign(node, build(raw));
    return node;
  };

  const build = (raw: RawSchema): SchemaNode => {
    if (raw.$ref) {
      const target = definition(raw.$ref.slice(REF_PREFIX.length));
      const ext = extensions(raw);
      if (Object.keys(ext).length === 0) return target;
      // A field annotates a shared type; delegate to it so cycles stay lazy.
      return Object.assign(Object.create(target) as SchemaNode, ext);
    }
    const node: SchemaNode = extensions(raw);
    if (raw.type) node.type = raw.type as SchemaType;
    if (raw.format) node.format = raw.format;
    if (raw.required) node.required = raw.required;
    if (raw.properties) {
      const props: Record<string, SchemaNode> = {};
      for (const [k, v] of Object.entries(raw.properties)) props[k] = build(v);
      node.properties = props;
    }
    if (raw.items) node.items = build(raw.items);
    if (raw.additionalProperties && typeof raw.additionalProperties === 'object') {
      node.additionalProperties = build(raw.additionalProperties);
    }
    return node;
  };

  return definition;
}

function extensions(raw: RawSchema): SchemaNode {
  const node: SchemaNode = {};
  if (raw['x-kubernetes-patch-strategy']) node.patchStrategy = raw['x-kubernetes-patch-strategy'];
  if (raw['x-kubernetes-patch-merge-key']) node.patchMergeKey = raw['x-kubernetes-patch-merge-key'];
  if (raw['x-kubernetes-list-type']) node.listType = raw['x-kubernetes-list-type'];
  if (raw['x-kubernetes-list-map-keys']) node.listMapKeys = raw['x-kubernetes-list-map-keys'];
  if (raw['x-kubernetes-map-type']) node.mapType = raw['x-kubernetes-map-type'];
  if (raw['x-kubernetes-int-or-string']) node.intOrString = true;
  if (raw['x-kubernetes-preserve-unknown-fields']) node.preserveUnknownFields = true;
  return node;
}
