// OpenAPI 3.0 documents, one per discovery path (`api/v1`, `apis/apps/v1`, `apis/apps`, `version`, …),
// derived from the Swagger 2.0 document: the same operations and schemas, in 3.0's shapes (requestBody,
// content per media type, components.schemas, `allOf` around a `$ref` that carries its own description).
import { INT_OR_STRING, QUANTITY } from '../../../api/schema/facts.ts';
import type { Json, JsonObject } from './json.ts';

/**
 * 3.0 can say what 2.0 cannot: these scalars accept either JSON type, so their v3 schemas list both
 * instead of claiming `string`.
 */
const ONE_OF: Record<string, string[]> = {
  [QUANTITY]: ['string', 'number'],
  [INT_OR_STRING]: ['integer', 'string'],
};

const V2_REF = '#/definitions/';
const V3_REF = '#/components/schemas/';

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A v2 schema in v3 form. `$ref` cannot have siblings in 3.0, so a described reference becomes allOf. */
export function convertSchema(s: Json): Json {
  if (Array.isArray(s)) return s.map(convertSchema);
  if (!isObject(s)) return s;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === '$ref' && typeof v === 'string') out[k] = V3_REF + v.slice(V2_REF.length);
    else if (k === 'properties' && isObject(v)) {
      const props: JsonObject = {};
      for (const [name, p] of Object.entries(v)) props[name] = convertSchema(p);
      out[k] = props;
    } else if (k === 'items' || k === 'additionalProperties') out[k] = convertSchema(v);
    else out[k] = v;
  }
  const ref = out['$ref'];
  if (typeof ref === 'string' && Object.keys(out).length > 1) {
    delete out['$ref'];
    out['allOf'] = [{ $ref: ref }];
  }
  return out;
}

function convertParameter(p: JsonObject): JsonObject {
  const out: JsonObject = {};
  if (p['description'] !== undefined) out['description'] = p['description'];
  out['in'] = p['in']!;
  out['name'] = p['name']!;
  if (p['required'] !== undefined) out['required'] = p['required'];
  const schema: JsonObject = {};
  if (p['type'] !== undefined) schema['type'] = p['type'];
  if (p['uniqueItems'] !== undefined) schema['uniqueItems'] = p['uniqueItems'];
  out['schema'] = schema;
  return out;
}

function convertOperation(op: JsonObject): JsonObject {
  const out: JsonObject = {};
  const consumes = (op['consumes'] as string[] | undefined) ?? ['*/*'];
  const produces = (op['produces'] as string[] | undefined) ?? ['application/json'];
  const params: JsonObject[] = [];
  for (const [k, v] of Object.entries(op)) {
    if (k === 'consumes' || k === 'produces' || k === 'schemes') continue;
    if (k === 'parameters') {
      for (const p of v as JsonObject[]) {
        if (p['in'] === 'body') {
          const content: JsonObject = {};
          for (const type of consumes) content[type] = { schema: convertSchema(p['schema']!) };
          const body: JsonObject = { content };
          if (p['required'] !== undefined) body['required'] = p['required'];
          out['requestBody'] = body;
        } else params.push(convertParameter(p));
      }
      continue;
    }
    if (k === 'responses') {
      const responses: JsonObject = {};
      for (const [code, r] of Object.entries(v as JsonObject)) {
        const resp = r as JsonObject;
        const converted: JsonObject = {};
        if (resp['schema'] !== undefined) {
          const content: JsonObject = {};
          for (const type of produces) content[type] = { schema: convertSchema(resp['schema']) };
          converted['content'] = content;
        }
        converted['description'] = resp['description']!;
        responses[code] = converted;
      }
      out['responses'] = responses;
      continue;
    }
    out[k] = v;
  }
  if (params.length > 0) out['parameters'] = params;
  return out;
}

function collectRefs(node: Json, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) collectRefs(n, into);
    return;
  }
  if (!isObject(node)) return;
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith(V2_REF)) into.add(v.slice(V2_REF.length));
    else collectRefs(v, into);
  }
}

/** The 3.0 document for the v2 paths in `paths`, with exactly the schemas they reach. */
export function v3Document(v2: JsonObject, paths: string[]): JsonObject {
  const v2Paths = v2['paths'] as JsonObject;
  const definitions = v2['definitions'] as JsonObject;
  const outPaths: JsonObject = {};
  const reached = new Set<string>();
  for (const p of paths) {
    const item = v2Paths[p] as JsonObject;
    collectRefs(item, reached);
    const converted: JsonObject = {};
    for (const [k, v] of Object.entries(item)) {
      converted[k] = k === 'parameters' ? (v as JsonObject[]).map(convertParameter) : convertOperation(v as JsonObject);
    }
    outPaths[p] = converted;
  }
  const queue = [...reached];
  while (queue.length > 0) {
    const name = queue.pop()!;
    const found = new Set<string>();
    collectRefs(definitions[name] ?? null, found);
    for (const f of found) {
      if (!reached.has(f)) {
        reached.add(f);
        queue.push(f);
      }
    }
  }
  const schemas: JsonObject = {};
  for (const name of reached) {
    const def = definitions[name];
    if (def === undefined) throw new Error(`v3: no definition ${name}`);
    const converted = convertSchema(def) as JsonObject;
    const oneOf = ONE_OF[name];
    if (oneOf) {
      delete converted['type'];
      converted['oneOf'] = oneOf.map((type) => ({ type }));
    }
    schemas[name] = converted;
  }
  return {
    components: {
      schemas,
      securitySchemes: (v2['securityDefinitions'] ?? {}) as JsonObject,
    },
    info: v2['info']!,
    openapi: '3.0.0',
    paths: outPaths,
  };
}
