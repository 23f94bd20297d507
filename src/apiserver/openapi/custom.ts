// OpenAPI for custom resources, built when CRDs change (apiextensions-apiserver pkg/controller/openapi):
// each served version gets its kind and list definitions (named after the reversed group,
// `com.example.stable.v1.CronTab`), the same paths and operations a built-in resource has (JSON and
// YAML only, no strategic merge patch), a place in /openapi/v2, and a v3 document of its own.
import type { ResourceDecl } from '../../api/types.ts';
import { gvPrefix, pathItem, resourcePaths } from './build/paths.ts';
import { cmp, refTo, type GVK, type Json, type JsonObject } from './build/json.ts';
import { v3Document } from './build/v3.ts';

/** One served version of a CRD, with its schema as the two documents publish it. */
export interface CustomOpenAPISource {
  decl: ResourceDecl;
  /** The kind's definition for /openapi/v2 (refs as `#/definitions/...`). */
  v2(gvk: GVK): Record<string, unknown>;
  /** The kind's schema for the v3 document (refs as `#/components/schemas/...` or `#/definitions/...`). */
  v3(gvk: GVK): Record<string, unknown>;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const SCALE = 'io.k8s.api.autoscaling.v1.Scale';

/** `stable.example.com` → `com.example.stable`, the package part of a custom resource's definition name. */
export function customDefinitionName(gvk: GVK): string {
  return `${gvk.group.split('.').reverse().join('.')}.${gvk.version}.${gvk.kind}`;
}

function listDefinition(decl: ResourceDecl, staticDefs: JsonObject): JsonObject {
  // apiVersion and kind read as on every other list; the texts come from a built-in one.
  const builtin = (staticDefs[`${META}APIResourceList`] ?? {}) as JsonObject;
  const props = (builtin['properties'] ?? {}) as JsonObject;
  const gvk = { group: decl.group, version: decl.version, kind: decl.kind };
  return {
    description: `${decl.listKind} is a list of ${decl.kind}`,
    properties: {
      apiVersion: props['apiVersion'] ?? { type: 'string' },
      items: {
        description: `List of ${decl.resource}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
        items: { $ref: refTo(customDefinitionName(gvk)) },
        type: 'array',
      },
      kind: props['kind'] ?? { type: 'string' },
      metadata: {
        $ref: refTo(`${META}ListMeta`),
        description: 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
      },
    },
    required: ['items'],
    type: 'object',
    'x-kubernetes-group-version-kind': [{ group: decl.group, kind: decl.listKind, version: decl.version }],
  };
}

function asV3Refs(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/definitions/', '"#/components/schemas/')) as Json;
}

export interface CustomDocuments {
  /** Paths and definitions to add to the built-in /openapi/v2 document. */
  v2Paths: JsonObject;
  v2Definitions: JsonObject;
  /** v3 documents by discovery path (`apis/stable.example.com/v1`). */
  v3: Map<string, JsonObject>;
}

/** The documents for every served custom resource version; `base` is the built-in v2 document. */
export function customResourceDocuments(sources: readonly CustomOpenAPISource[], base: JsonObject): CustomDocuments {
  const staticDefs = base['definitions'] as JsonObject;
  const v2Definitions: JsonObject = {};
  const v3Kinds = new Map<string, JsonObject>();
  const paths: JsonObject = {};
  const byGv = new Map<string, string[]>();
  for (const src of sources) {
    const { decl } = src;
    const gvk = { group: decl.group, version: decl.version, kind: decl.kind };
    const name = customDefinitionName(gvk);
    v2Definitions[name] = src.v2(gvk) as JsonObject;
    v3Kinds.set(name, asV3Refs(src.v3(gvk)) as JsonObject);
    v2Definitions[customDefinitionName({ ...gvk, kind: decl.listKind })] = listDefinition(decl, staticDefs);
    const definitionOf = (g: GVK) =>
      g.group === 'autoscaling' && g.kind === 'Scale' ? SCALE : customDefinitionName({ group: g.group, version: g.version, kind: g.kind });
    const gvPath = gvPrefix(decl.group, decl.version).slice(1);
    for (const [p, ops] of resourcePaths(decl, definitionOf)) {
      paths[p] = pathItem(ops);
      byGv.set(gvPath, [...(byGv.get(gvPath) ?? []), p]);
    }
  }
  const all: JsonObject = { ...base, paths, definitions: { ...staticDefs, ...v2Definitions } };
  const v3 = new Map<string, JsonObject>();
  for (const [gv, list] of byGv) {
    const doc = v3Document(all, list.sort(cmp));
    const schemas = (doc['components'] as JsonObject)['schemas'] as JsonObject;
    // The kinds' own v3 schemas keep what 2.0 cannot say (nullable, anyOf, …).
    for (const [name, schema] of v3Kinds) if (name in schemas) schemas[name] = schema;
    v3.set(gv, doc);
  }
  return { v2Paths: paths, v2Definitions, v3 };
}
