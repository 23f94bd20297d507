// A CRD schema read once into a fixed shape every walk (pruning, defaulting, validation) shares.
// The raw JSONSchemaProps come in many shapes; reading optional members, compiling patterns and
// canonicalising enum values per request would cost more than the walks themselves.
import type { JSONSchemaProps, ValidationRule } from './types.ts';
import { formatChecker, type FormatCheck } from './formats.ts';

export interface CompiledSchema {
  /** Allowed JSON types; ['integer', 'string'] for x-kubernetes-int-or-string; empty when unconstrained. */
  readonly types: readonly string[];
  /** The types as kube-openapi prints them in type errors: joined with commas. */
  readonly typeLabel: string;
  readonly nullable: boolean;
  readonly format: string | undefined;
  readonly formatCheck: FormatCheck | undefined;

  readonly properties: ReadonlyMap<string, CompiledSchema> | undefined;
  /** A value schema; `true` when any value is allowed without one; undefined when unset. */
  readonly additionalProperties: CompiledSchema | boolean | undefined;
  readonly items: CompiledSchema | undefined;
  readonly required: readonly string[];

  readonly enumValues: readonly unknown[] | undefined;
  /** Canonical JSON of each enum value, for membership tests. */
  readonly enumKeys: ReadonlySet<string> | undefined;
  readonly pattern: RegExp | undefined;
  readonly patternSource: string | undefined;
  /** Set when the pattern does not compile: every string then fails with this Go-style detail. */
  readonly patternError: string | undefined;
  readonly maxLength: number | undefined;
  readonly minLength: number | undefined;
  readonly maximum: number | undefined;
  readonly exclusiveMaximum: boolean;
  readonly minimum: number | undefined;
  readonly exclusiveMinimum: boolean;
  readonly multipleOf: number | undefined;
  readonly maxItems: number | undefined;
  readonly minItems: number | undefined;
  readonly uniqueItems: boolean;
  readonly maxProperties: number | undefined;
  readonly minProperties: number | undefined;

  readonly allOf: readonly CompiledSchema[];
  readonly anyOf: readonly CompiledSchema[];
  readonly oneOf: readonly CompiledSchema[];
  readonly not: CompiledSchema | undefined;

  readonly preserveUnknownFields: boolean;
  readonly embeddedResource: boolean;
  readonly intOrString: boolean;
  readonly listType: string | undefined;
  readonly listMapKeys: readonly string[];
  readonly mapType: string | undefined;
  readonly validations: readonly ValidationRule[];

  readonly hasDefault: boolean;
  readonly defaultValue: unknown;

  // Subtree summaries: a walk skips a branch that cannot matter to it.
  readonly subtreeHasDefaults: boolean;
  readonly subtreeHasListChecks: boolean;
  readonly subtreeHasEmbedded: boolean;
  readonly subtreeHasValidations: boolean;
}

/** JSON text with object keys sorted, so equal JSON values give equal strings. */
export function canonicalJSON(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJSON).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJSON(o[k])}`)
    .join(',')}}`;
}

/**
 * Go's regexp (RE2) syntax is close to JavaScript's for the patterns CRDs use; the `u` flag makes
 * `\p{..}` classes and code-point matching behave like RE2, and is dropped for patterns it rejects.
 */
function compilePattern(src: string): { re?: RegExp; error?: string } {
  try {
    return { re: new RegExp(src, 'u') };
  } catch {
    try {
      return { re: new RegExp(src) };
    } catch (err) {
      return { error: `error parsing regexp: ${(err as Error).message}` };
    }
  }
}

function itemsSchema(s: JSONSchemaProps): JSONSchemaProps | undefined {
  const it = s.items;
  if (it === undefined || Array.isArray(it)) return undefined;
  return it;
}

export function compileSchema(s: JSONSchemaProps): CompiledSchema {
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const types = intOrString ? ['integer', 'string'] : s.type ? [s.type] : [];

  let properties: Map<string, CompiledSchema> | undefined;
  if (s.properties) {
    properties = new Map();
    for (const [k, v] of Object.entries(s.properties)) properties.set(k, compileSchema(v));
  }
  let additionalProperties: CompiledSchema | boolean | undefined;
  if (typeof s.additionalProperties === 'boolean') additionalProperties = s.additionalProperties;
  else if (s.additionalProperties) additionalProperties = compileSchema(s.additionalProperties);
  const rawItems = itemsSchema(s);
  const items = rawItems ? compileSchema(rawItems) : undefined;

  const pattern = s.pattern !== undefined && s.pattern !== '' ? compilePattern(s.pattern) : undefined;
  const allOf = (s.allOf ?? []).map(compileSchema);
  const anyOf = (s.anyOf ?? []).map(compileSchema);
  const oneOf = (s.oneOf ?? []).map(compileSchema);
  const not = s.not ? compileSchema(s.not) : undefined;

  const children: CompiledSchema[] = [...(properties?.values() ?? [])];
  if (typeof additionalProperties === 'object') children.push(additionalProperties);
  if (items) children.push(items);

  const hasDefault = s.default !== undefined;
  const listType = s['x-kubernetes-list-type'];
  const embeddedResource = s['x-kubernetes-embedded-resource'] === true;
  const validations = s['x-kubernetes-validations'] ?? [];

  return {
    types,
    typeLabel: types.join(','),
    nullable: s.nullable === true,
    format: s.format,
    formatCheck: s.format ? formatChecker(s.format) : undefined,
    properties,
    additionalProperties,
    items,
    required: s.required ?? [],
    enumValues: s.enum && s.enum.length > 0 ? s.enum : undefined,
    enumKeys: s.enum && s.enum.length > 0 ? new Set(s.enum.map(canonicalJSON)) : undefined,
    pattern: pattern?.re,
    patternSource: s.pattern !== '' ? s.pattern : undefined,
    patternError: pattern?.error,
    maxLength: s.maxLength,
    minLength: s.minLength,
    maximum: s.maximum,
    exclusiveMaximum: s.exclusiveMaximum === true,
    minimum: s.minimum,
    exclusiveMinimum: s.exclusiveMinimum === true,
    multipleOf: s.multipleOf,
    maxItems: s.maxItems,
    minItems: s.minItems,
    uniqueItems: s.uniqueItems === true,
    maxProperties: s.maxProperties,
    minProperties: s.minProperties,
    allOf,
    anyOf,
    oneOf,
    not,
    preserveUnknownFields: s['x-kubernetes-preserve-unknown-fields'] === true,
    embeddedResource,
    intOrString,
    listType,
    listMapKeys: s['x-kubernetes-list-map-keys'] ?? [],
    mapType: s['x-kubernetes-map-type'],
    validations,
    hasDefault,
    defaultValue: s.default,
    subtreeHasDefaults: hasDefault || children.some((c) => c.subtreeHasDefaults),
    subtreeHasListChecks: listType === 'set' || listType === 'map' || children.some((c) => c.subtreeHasListChecks),
    subtreeHasEmbedded: embeddedResource || children.some((c) => c.subtreeHasEmbedded),
    subtreeHasValidations: validations.length > 0 || children.some((c) => c.subtreeHasValidations),
  };
}
