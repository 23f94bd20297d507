// The schema model every schema-aware layer reads: strategic merge patch (merge keys, patch strategies),
// field validation (known fields), and the OpenAPI documents. Nodes are resolved (no $ref) and may be
// shared or cyclic, so walk them lazily and never serialise them with JSON.stringify.

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface SchemaNode {
  /** Definition name when the node is a named type, e.g. `io.k8s.api.core.v1.Container`. */
  name?: string;
  type?: SchemaType;
  format?: string;
  description?: string;
  /** Declared fields of an object type. */
  properties?: Record<string, SchemaNode>;
  /** Element schema of an array. */
  items?: SchemaNode;
  /** Value schema of a map (object with arbitrary keys). */
  additionalProperties?: SchemaNode;
  required?: string[];
  /** `x-kubernetes-patch-strategy`: 'merge', 'replace', 'retainKeys' or 'merge,retainKeys'. */
  patchStrategy?: string;
  /** `x-kubernetes-patch-merge-key`. */
  patchMergeKey?: string;
  /** `x-kubernetes-list-type`. */
  listType?: 'atomic' | 'set' | 'map';
  /** `x-kubernetes-list-map-keys`. */
  listMapKeys?: string[];
  /** `x-kubernetes-map-type`. */
  mapType?: 'atomic' | 'granular';
  /** `x-kubernetes-int-or-string` (IntOrString). */
  intOrString?: boolean;
  /** Accepts any JSON (RawExtension, JSON fields, Quantity-free blobs): unknown fields below are fine. */
  preserveUnknownFields?: boolean;
}
