// Swagger 2.0 definitions for every type reachable from the served kinds: the client's model graph,
// named and packaged the way kube-apiserver names them, with the facts table laid over it.
import {
  ADDED_TYPES,
  CLASS_PREFIX_PACKAGES,
  fieldDescription,
  GROUP_PACKAGES,
  INT_OR_STRING,
  MICRO_TIME,
  NAMED_CLASSES,
  PRIMITIVE_DEFINITIONS,
  TIME,
  TYPE_FACTS,
  type FactSchema,
  type FieldFacts,
} from '../../src/api/schema/facts.ts';
import { loadModels, type Model, type ModelField } from './models.ts';

import { cmp, refTo, type GVK, type Json, type JsonObject } from '../../src/apiserver/openapi/build/json.ts';

export { cmp, refTo, type GVK, type Json, type JsonObject };

const PREFIXED = /^([A-Z][a-z]+)(V\d+(?:(?:alpha|beta)\d+)?)([A-Z]\w*)$/;
const VERSIONED = /^(V\d+(?:(?:alpha|beta)\d+)?)([A-Z]\w*)$/;

export function groupPackage(group: string): string {
  return GROUP_PACKAGES[group] ?? `io.k8s.api.${group.split('.')[0]}`;
}

/** The client class for a served kind: group-prefixed when the client had to disambiguate it. */
export function classForKind(gvk: GVK): string | undefined {
  const models = loadModels();
  const ver = gvk.version.charAt(0).toUpperCase() + gvk.version.slice(1);
  const label = gvk.group === '' ? 'core' : gvk.group.split('.')[0]!;
  const prefixed = `${label.charAt(0).toUpperCase()}${label.slice(1)}${ver}${gvk.kind}`;
  if (models.has(prefixed)) return prefixed;
  const plain = `${ver}${gvk.kind}`;
  return models.has(plain) ? plain : undefined;
}

export class DefinitionBuilder {
  readonly definitions = new Map<string, JsonObject>();
  /** Class → definition name, fixed by the first group that reaches an unprefixed class. */
  private readonly names = new Map<string, string>();
  private readonly gvks = new Map<string, GVK[]>();
  private readonly models = loadModels();

  /** Marks `name` as the schema of these kinds (`x-kubernetes-group-version-kind`). */
  addKinds(name: string, gvks: GVK[]): void {
    const list = this.gvks.get(name) ?? [];
    for (const g of gvks) {
      if (!list.some((x) => x.group === g.group && x.version === g.version && x.kind === g.kind)) list.push(g);
    }
    this.gvks.set(name, list);
    const def = this.definitions.get(name);
    if (def) def['x-kubernetes-group-version-kind'] = sortedGVKs(list);
  }

  /** Adds a client class (and everything it reaches) as a type of `group`; returns its definition name. */
  addClass(className: string, group: string): string {
    const name = this.nameOf(className, group);
    if (this.definitions.has(name)) return name;
    const model = this.models.get(className);
    if (!model) throw new Error(`no client model ${className}`);
    const def: JsonObject = {};
    // Claim the name before descending, so cycles (JSONSchemaProps-like graphs) terminate.
    this.definitions.set(name, def);
    Object.assign(def, this.objectSchema(name, model, group));
    const gvks = this.gvks.get(name);
    if (gvks) def['x-kubernetes-group-version-kind'] = sortedGVKs(gvks);
    return name;
  }

  /** Adds a definition that has no client class (Time, Quantity, …). */
  addPrimitive(name: string): string {
    if (this.definitions.has(name)) return name;
    const fact = PRIMITIVE_DEFINITIONS[name];
    if (!fact) throw new Error(`no primitive definition ${name}`);
    this.definitions.set(name, this.factSchema(fact, ''));
    return name;
  }

  private nameOf(className: string, group: string): string {
    const known = this.names.get(className) ?? NAMED_CLASSES[className];
    if (known) return known;
    let name: string;
    const p = PREFIXED.exec(className);
    const v = VERSIONED.exec(className);
    if (p && CLASS_PREFIX_PACKAGES[p[1]!]) {
      name = `${CLASS_PREFIX_PACKAGES[p[1]!]}.${p[2]!.toLowerCase()}.${p[3]}`;
    } else if (v) {
      name = `${groupPackage(group)}.${v[1]!.toLowerCase()}.${v[2]}`;
    } else {
      throw new Error(`cannot name client class ${className}`);
    }
    this.names.set(className, name);
    return name;
  }

  private objectSchema(name: string, model: Model, group: string): JsonObject {
    const facts = TYPE_FACTS[name] ?? {};
    // A fact about a field the client does not have (or already has) means the table went stale.
    const known = new Set(model.fields.map((f) => f.name));
    for (const field of Object.keys(facts.fields ?? {})) {
      if (!known.has(field)) throw new Error(`facts: ${name} has no field ${field}`);
    }
    for (const field of Object.keys(facts.added ?? {})) {
      if (known.has(field)) throw new Error(`facts: ${name}.${field} is in the client's model now; move it from added to fields`);
    }
    const properties: JsonObject = {};
    const required: string[] = [];
    for (const f of model.fields) {
      const schema = this.fieldSchema(f, facts.fields?.[f.name], group);
      if (schema['description'] === undefined) {
        const ref = typeof schema['$ref'] === 'string' ? schema['$ref'].slice('#/definitions/'.length) : undefined;
        const description = fieldDescription(name, f.name, ref);
        if (description) schema['description'] = description;
      }
      properties[f.name] = schema;
      if (f.required) required.push(f.name);
    }
    for (const [field, added] of Object.entries(facts.added ?? {})) {
      properties[field] = this.withFieldFacts(this.factSchema(added, group), added);
    }
    const out: JsonObject = {};
    if (model.description) out['description'] = model.description;
    if (Object.keys(properties).length > 0) out['properties'] = properties;
    const req = facts.required ?? required;
    if (req.length > 0) out['required'] = [...req];
    out['type'] = 'object';
    if (facts.mapType) out['x-kubernetes-map-type'] = facts.mapType;
    if (facts.unions) {
      out['x-kubernetes-unions'] = facts.unions.map((u) => ({
        discriminator: u.discriminator,
        'fields-to-discriminateBy': { ...u.fieldsToDiscriminateBy },
      }));
    }
    return out;
  }

  private fieldSchema(f: ModelField, facts: FieldFacts | undefined, group: string): JsonObject {
    let schema: JsonObject;
    if (facts?.ref) {
      schema = this.refSchema(facts.ref, group);
    } else {
      schema = this.typeSchema(f.type, f.format, group, facts?.elementRef);
    }
    const description = f.description ?? facts?.description;
    if (description) schema['description'] = description;
    return this.withFieldFacts(schema, facts);
  }

  private withFieldFacts(schema: JsonObject, facts: FieldFacts | undefined): JsonObject {
    if (!facts) return schema;
    if (facts.listMapKeys) schema['x-kubernetes-list-map-keys'] = [...facts.listMapKeys];
    if (facts.listType) schema['x-kubernetes-list-type'] = facts.listType;
    if (facts.mapType) schema['x-kubernetes-map-type'] = facts.mapType;
    if (facts.patchMergeKey) schema['x-kubernetes-patch-merge-key'] = facts.patchMergeKey;
    if (facts.patchStrategy) schema['x-kubernetes-patch-strategy'] = facts.patchStrategy;
    return schema;
  }

  /** Adds an object type written out in the facts table. */
  addWritten(name: string, group: string): string {
    if (this.definitions.has(name)) return name;
    const t = ADDED_TYPES[name];
    if (!t) throw new Error(`no written definition ${name}`);
    const def: JsonObject = {};
    this.definitions.set(name, def);
    const properties: JsonObject = {};
    for (const [field, schema] of Object.entries(t.properties)) properties[field] = this.factSchema(schema, group);
    def['description'] = t.description;
    def['properties'] = properties;
    if (t.required) def['required'] = [...t.required];
    def['type'] = 'object';
    return name;
  }

  private refSchema(name: string, group: string): JsonObject {
    if (PRIMITIVE_DEFINITIONS[name]) this.addPrimitive(name);
    else if (ADDED_TYPES[name]) this.addWritten(name, group);
    else {
      const cls = Object.entries(NAMED_CLASSES).find(([, n]) => n === name)?.[0];
      if (cls) this.addClass(cls, group);
      else if (!this.definitions.has(name)) throw new Error(`facts refer to unknown definition ${name}`);
    }
    return { $ref: refTo(name) };
  }

  /** A client type expression as a schema. */
  private typeSchema(type: string, format: string, group: string, elementRef?: string): JsonObject {
    const t = type.trim();
    const array = /^Array<(.+)>$/.exec(t);
    if (array) {
      const items = elementRef ? this.refSchema(elementRef, group) : this.typeSchema(array[1]!, format, group);
      return { items, type: 'array' };
    }
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(t);
    if (map) {
      const values = elementRef ? this.refSchema(elementRef, group) : this.typeSchema(map[1]!, format, group);
      return { additionalProperties: values, type: 'object' };
    }
    switch (t) {
      case 'string':
        return format ? { format, type: 'string' } : { type: 'string' };
      case 'boolean':
        return { type: 'boolean' };
      case 'number':
        if (format === 'int32' || format === 'int64') return { format, type: 'integer' };
        return format ? { format, type: 'number' } : { type: 'number' };
      case 'Date':
        return this.refSchema(TIME, group);
      case 'IntOrString':
        return this.refSchema(INT_OR_STRING, group);
      case 'V1MicroTime':
        return this.refSchema(MICRO_TIME, group);
      case 'any':
        // Any JSON the client cannot type; kube-apiserver publishes such fields as a bare object.
        return { type: 'object' };
    }
    if (this.models.has(t)) return { $ref: refTo(this.addClass(t, group)) };
    throw new Error(`unknown client type ${type}`);
  }

  private factSchema(s: FactSchema, group: string): JsonObject {
    if (s.ref) {
      const r = this.refSchema(s.ref, group);
      if (s.description) r['description'] = s.description;
      return r;
    }
    const out: JsonObject = {};
    if (s.additionalProperties) out['additionalProperties'] = this.factSchema(s.additionalProperties, group);
    if (s.description) out['description'] = s.description;
    if (s.format) out['format'] = s.format;
    if (s.items) out['items'] = this.factSchema(s.items, group);
    if (s.type) out['type'] = s.type;
    return out;
  }
}

function sortedGVKs(list: GVK[]): Json {
  return [...list]
    .sort((a, b) => cmp(a.group, b.group) || cmp(a.version, b.version) || cmp(a.kind, b.kind))
    .map((g) => ({ group: g.group, kind: g.kind, version: g.version }));
}
