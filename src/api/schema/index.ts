// Schemas of the served kinds, resolved from the OpenAPI v2 document openapi/v2/swagger.json, which
// scripts/gen-openapi.ts generates during setup (not committed: see openapi/README.md). Strategic merge
// patch and field validation walk these nodes.
//
// The document is read and resolved once, on first use: every definition becomes one SchemaNode, and a
// `$ref` becomes that shared node, so the graph can be cyclic. A property that adds patch or list
// markers to a reference (DeploymentSpec.strategy is `$ref` + `retainKeys`) gets its own node: a shallow
// copy of the target with the markers applied, whose children are still the shared nodes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SchemaNode, SchemaType } from './types.ts';

export type { SchemaNode, SchemaType } from './types.ts';

const SWAGGER = fileURLToPath(new URL('../../../openapi/v2/swagger.json', import.meta.url));
const REF_PREFIX = '#/definitions/';

interface RawSchema {
  $ref?: string;
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, RawSchema>;
  items?: RawSchema;
  additionalProperties?: RawSchema | boolean;
  required?: string[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

interface Loaded {
  byName: Map<string, SchemaNode>;
  byKind: Map<string, SchemaNode>;
}

let loaded: Loaded | undefined;

const TYPES = new Set<string>(['object', 'array', 'string', 'integer', 'number', 'boolean']);
const kindKey = (group: string, version: string, kind: string) => `${group}/${version}/${kind}`;

/** Copies the x-kubernetes-* markers of `raw` onto `node`. */
function applyMarkers(node: SchemaNode, raw: RawSchema): void {
  if (raw['x-kubernetes-patch-strategy']) node.patchStrategy = raw['x-kubernetes-patch-strategy'];
  if (raw['x-kubernetes-patch-merge-key']) node.patchMergeKey = raw['x-kubernetes-patch-merge-key'];
  const lt = raw['x-kubernetes-list-type'];
  if (lt === 'atomic' || lt === 'set' || lt === 'map') node.listType = lt;
  if (raw['x-kubernetes-list-map-keys']) node.listMapKeys = [...raw['x-kubernetes-list-map-keys']];
  const mt = raw['x-kubernetes-map-type'];
  if (mt === 'atomic' || mt === 'granular') node.mapType = mt;
}

const hasMarkers = (raw: RawSchema) =>
  raw['x-kubernetes-patch-strategy'] !== undefined ||
  raw['x-kubernetes-patch-merge-key'] !== undefined ||
  raw['x-kubernetes-list-type'] !== undefined ||
  raw['x-kubernetes-list-map-keys'] !== undefined ||
  raw['x-kubernetes-map-type'] !== undefined;

let swagger: object | undefined;

/** The generated v2 document, read and parsed once for the schema lookup and the /openapi/v2 handler. */
export function swaggerDocument(): object {
  if (!swagger) {
    let text: string;
    try {
      text = readFileSync(SWAGGER, 'utf8');
    } catch (err) {
      throw new Error(`openapi/v2/swagger.json is missing: run \`npm run gen:openapi\` (scripts/setup.sh does) (${String(err)})`);
    }
    swagger = JSON.parse(text) as object;
  }
  return swagger;
}

function load(): Loaded {
  const doc = swaggerDocument() as { definitions: Record<string, RawSchema> };
  const defs = doc.definitions;
  const byName = new Map<string, SchemaNode>();
  // Phase 1: one empty node per definition, so references (even cyclic ones) have a target.
  for (const name of Object.keys(defs)) byName.set(name, { name });
  // Phase 2: fill them; references resolve to the phase-1 nodes.
  const refCopies: { node: SchemaNode; target: SchemaNode; raw: RawSchema }[] = [];
  const convert = (raw: RawSchema): SchemaNode => {
    if (raw.$ref) {
      const target = byName.get(raw.$ref.slice(REF_PREFIX.length));
      if (!target) throw new Error(`openapi: dangling reference ${raw.$ref}`);
      if (!hasMarkers(raw)) return target;
      const node: SchemaNode = {};
      refCopies.push({ node, target, raw });
      return node;
    }
    const node: SchemaNode = {};
    fill(node, raw);
    return node;
  };
  const fill = (node: SchemaNode, raw: RawSchema): void => {
    if (raw.format === 'int-or-string') {
      // Either JSON type is valid; leaving `type` unset keeps type checks from rejecting one of them.
      node.intOrString = true;
      node.format = raw.format;
    } else {
      if (raw.type && TYPES.has(raw.type)) node.type = raw.type as SchemaType;
      if (raw.format) node.format = raw.format;
    }
    if (raw.description) node.description = raw.description;
    if (raw.properties) {
      const props: Record<string, SchemaNode> = {};
      for (const [k, v] of Object.entries(raw.properties)) props[k] = convert(v);
      node.properties = props;
    }
    if (raw.items) node.items = convert(raw.items);
    if (raw.additionalProperties && typeof raw.additionalProperties === 'object') {
      node.additionalProperties = convert(raw.additionalProperties);
    }
    if (raw.required && raw.required.length > 0) node.required = [...raw.required];
    applyMarkers(node, raw);
    // An object with neither declared fields nor a value schema holds arbitrary JSON
    // (RawExtension, FieldsV1, Patch).
    if (node.type === 'object' && !node.properties && !node.additionalProperties) node.preserveUnknownFields = true;
  };
  for (const [name, raw] of Object.entries(defs)) fill(byName.get(name)!, raw);
  for (const { node, target, raw } of refCopies) {
    Object.assign(node, target);
    if (raw.description) node.description = raw.description;
    applyMarkers(node, raw);
  }
  const byKind = new Map<string, SchemaNode>();
  for (const [name, raw] of Object.entries(defs)) {
    for (const g of raw['x-kubernetes-group-version-kind'] ?? []) {
      const key = kindKey(g.group, g.version, g.kind);
      // DeleteOptions and WatchEvent name every group-version; a kind's own definition wins.
      if (!byKind.has(key)) byKind.set(key, byName.get(name)!);
    }
  }
  return { byName, byKind };
}

function schemas(): Loaded {
  loaded ??= load();
  return loaded;
}

/** The resolved schema of a served kind (`''`, `v1`, `Pod`), or undefined for a kind the documents lack. */
export function schemaForKind(group: string, version: string, kind: string): SchemaNode | undefined {
  return schemas().byKind.get(kindKey(group, version, kind));
}

/** The resolved schema of a definition by its OpenAPI name (`io.k8s.api.core.v1.Container`). */
export function schemaForDefinition(name: string): SchemaNode | undefined {
  return schemas().byName.get(name);
}
