// A CRD version's schema as /openapi/v3 and /openapi/v2 publish it (apiextensions-apiserver
// pkg/controller/openapi/builder): the schema with TypeMeta and ObjectMeta properties added at the root
// and in embedded resources, tagged with its group-version-kind. The v2 form drops what OpenAPI v2 and
// kubectl's client-side validation cannot express (pkg/controller/openapi/v2 ToStructuralOpenAPIV2).
import type { JSONSchemaProps } from './types.ts';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

type Published = Record<string, unknown>;

const API_VERSION_DESCRIPTION =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_DESCRIPTION =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
// Embedded resources get the lower-case wording of the builder's own constants.
const EMBEDDED_API_VERSION_DESCRIPTION =
  'apiVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const EMBEDDED_KIND_DESCRIPTION =
  'kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const METADATA_DESCRIPTION =
  "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

function metadataProperty(v2: boolean): Published {
  return v2
    ? { $ref: `#/definitions/${OBJECT_META}`, description: METADATA_DESCRIPTION }
    : { allOf: [{ $ref: `#/components/schemas/${OBJECT_META}` }], description: METADATA_DESCRIPTION };
}

const clone = <T>(v: T): T => structuredClone(v);

/** Removes, recursively, what OpenAPI v2 publishing leaves out. */
function toV2(s: JSONSchemaProps): JSONSchemaProps {
  const out: JSONSchemaProps = { ...s };
  delete out.allOf;
  delete out.oneOf;
  delete out.anyOf;
  delete out.not;
  if (out.properties) {
    const props: Record<string, JSONSchemaProps> = {};
    for (const [k, v] of Object.entries(out.properties)) props[k] = toV2(v);
    out.properties = props;
    // A field that may be null cannot be required once its type is gone.
    if (out.required) {
      const required = out.required.filter((k) => !props[k]?.nullable && !s.properties?.[k]?.nullable);
      if (required.length > 0) out.required = required;
      else delete out.required;
    }
  }
  if (out.items && !Array.isArray(out.items)) out.items = toV2(out.items);
  if (typeof out.additionalProperties === 'object') out.additionalProperties = toV2(out.additionalProperties);
  // kubectl rejects null for a typed value, and untyped values with items or properties.
  if (out.nullable) {
    delete out.type;
    delete out.nullable;
    delete out.items;
    delete out.properties;
  }
  if (out['x-kubernetes-preserve-unknown-fields']) {
    delete out.items;
    delete out.properties;
  }
  if (out.items === undefined && out.type === 'array') delete out.type;
  return out;
}

function addEmbedded(s: Published, v2: boolean): void {
  const props = s.properties as Record<string, Published> | undefined;
  if (props) for (const v of Object.values(props)) addEmbedded(v, v2);
  if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) addEmbedded(s.items as Published, v2);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') addEmbedded(s.additionalProperties as Published, v2);
  // v2 leaves preserve-unknown-fields objects alone so kubectl does not start refusing their unknown fields.
  if (v2 && s['x-kubernetes-preserve-unknown-fields'] === true) return;
  if (s['x-kubernetes-embedded-resource'] !== true) return;
  s.properties = {
    ...(props ?? {}),
    apiVersion: { description: EMBEDDED_API_VERSION_DESCRIPTION, type: 'string' },
    kind: { description: EMBEDDED_KIND_DESCRIPTION, type: 'string' },
    metadata: metadataProperty(v2),
  };
  const required = new Set((s.required as string[] | undefined) ?? []);
  const req = [...required];
  if (!required.has('kind')) req.push('kind');
  if (!required.has('apiVersion')) req.push('apiVersion');
  s.required = req;
}

export function publishSchema(schema: JSONSchemaProps | undefined, gvk: GroupVersionKind, v2: boolean): Published {
  let out: Published;
  if (schema === undefined || (v2 && schema['x-kubernetes-preserve-unknown-fields'] === true)) {
    // Without declared fields kubectl would assume no others are allowed, so none are published.
    out = { type: 'object' };
  } else {
    out = clone((v2 ? toV2(schema) : schema) as Published);
    out.properties = {
      ...((out.properties as Record<string, Published> | undefined) ?? {}),
      apiVersion: { description: API_VERSION_DESCRIPTION, type: 'string' },
      kind: { description: KIND_DESCRIPTION, type: 'string' },
      metadata: metadataProperty(v2),
    };
    addEmbedded(out, v2);
  }
  out['x-kubernetes-group-version-kind'] = [{ group: gvk.group, kind: gvk.kind, version: gvk.version }];
  return out;
}
