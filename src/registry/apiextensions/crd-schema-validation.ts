// Validation of a CRD version's openAPIV3Schema (apiextensions-apiserver pkg/apis/apiextensions/validation:
// validateCustomResourceDefinitionValidation and ValidateCustomResourceDefinitionOpenAPISchema, plus the
// structural-schema invariants of pkg/apiserver/schema/validation.go and the default checks of
// pkg/apiserver/schema/defaulting/validation.go). Paths are internal-API paths with `properties[name]`
// keys, as upstream reports them.
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import { validateValue } from '../../apiextensions/schema/index.ts';
import { pruneUnknown } from '../../apiextensions/schema/prune.ts';
import type { JSONSchemaProps } from '../../apiextensions/schema/types.ts';
import { canonicalJSON, compileSchema } from '../../apiextensions/schema/compile.ts';

const OPENAPI_V3_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);
const SUPPORTED_REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];
/** Root schema members allowed when the status subresource is enabled (their v1 JSON names). */
const ALLOWED_AT_STATUS_ROOT = new Set([
  'description',
  'type',
  'format',
  'title',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'multipleOf',
  'required',
  'items',
  'properties',
  'externalDocs',
  'example',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-validations',
]);
const ALLOWED_AT_STATUS_ROOT_GO =
  '[Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations]';

const prop = (path: string, k: string): string => `${path}.properties[${k}]`;
const hasNewlines = (s: string): boolean => /[\n\r]/.test(s);
const isEmptyValue = (v: unknown): boolean =>
  v === undefined || v === null || v === false || v === '' || v === 0 || (Array.isArray(v) && v.length === 0);

/** An Invalid error whose value is shown as Go's %#v prints it, which JSON cannot reproduce. */
export class GoValueError extends FieldError {
  constructor(field: string, readonly shown: string, detail: string) {
    super('FieldValueInvalid', field, shown, detail);
  }
  override bodyText(): string {
    return this.detail ? `Invalid value: ${this.shown}: ${this.detail}` : `Invalid value: ${this.shown}`;
  }
}

function itemsOf(s: JSONSchemaProps): JSONSchemaProps | undefined {
  return s.items !== undefined && !Array.isArray(s.items) ? s.items : undefined;
}

// ---------------------------------------------------------------- structural invariants

type Level = 'root' | 'item' | 'field';

function isIntOrStringAnyOf(list: JSONSchemaProps[] | undefined): boolean {
  if (list?.length !== 2) return false;
  const only = (s: JSONSchemaProps, t: string) => Object.keys(s).length === 1 && s.type === t;
  return only(list[0]!, 'integer') && only(list[1]!, 'string');
}

function goRegexpError(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch {
    try {
      new RegExp(pattern);
      return undefined;
    } catch (err) {
      return `error parsing regexp: ${(err as Error).message}`;
    }
  }
}

function validateValueValidation(s: JSONSchemaProps, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, path: string, errs: FieldError[]): void {
  if (!skipAnyOf) s.anyOf?.forEach((n, i) => validateNested(n, false, `${path}.anyOf[${i}]`, errs));
  s.allOf?.forEach((n, i) => validateNested(n, skipFirstAllOfAnyOf && i === 0, `${path}.allOf[${i}]`, errs));
  s.oneOf?.forEach((n, i) => validateNested(n, false, `${path}.oneOf[${i}]`, errs));
  if (s.not) validateNested(s.not, false, `${path}.not`, errs);
  if (s.pattern) {
    const e = goRegexpError(s.pattern);
    if (e) errs.push(fieldErrors.invalid(`${path}.pattern`, s.pattern, `must be a valid regular expression, but isn't: ${e}`));
  }
}

function validateNested(s: JSONSchemaProps, skipAnyOf: boolean, path: string, errs: FieldError[]): void {
  validateValueValidation(s, skipAnyOf, false, path, errs);
  const items = itemsOf(s);
  if (items) validateNested(items, false, `${path}.items`, errs);
  for (const [k, v] of Object.entries(s.properties ?? {})) validateNested(v, false, prop(path, k), errs);
  const forbid = (f: string, detail: string) => errs.push(fieldErrors.forbidden(`${path}.${f}`, detail));
  if (s.type) forbid('type', 'must be empty to be structural');
  if (s.additionalProperties !== undefined) forbid('additionalProperties', 'must be undefined to be structural');
  if (s.default !== undefined) forbid('default', 'must be undefined to be structural');
  if (s.title) forbid('title', 'must be empty to be structural');
  if (s.description) forbid('description', 'must be empty to be structural');
  if (s.nullable) forbid('nullable', 'must be false to be structural');
  if (s.externalDocs) forbid('externalDocs', 'must be undefined to be structural');
  if (s['x-kubernetes-preserve-unknown-fields']) forbid('x-kubernetes-preserve-unknown-fields', 'must be false to be structural');
  if (s['x-kubernetes-embedded-resource']) forbid('x-kubernetes-embedded-resource', 'must be false to be structural');
  if (s['x-kubernetes-int-or-string']) forbid('x-kubernetes-int-or-string', 'must be false to be structural');
  if (s['x-kubernetes-list-map-keys']?.length) forbid('x-kubernetes-list-map-keys', 'must be empty to be structural');
  if (s['x-kubernetes-list-type'] !== undefined) forbid('x-kubernetes-list-type', 'must be undefined to be structural');
  if (s['x-kubernetes-map-type'] !== undefined) forbid('x-kubernetes-map-type', 'must be undefined to be structural');
  if (s['x-kubernetes-validations']?.length) forbid('x-kubernetes-validations', 'must be empty to be structural');
  if (s.properties?.metadata) errs.push(fieldErrors.forbidden(prop(path, 'metadata'), 'must not be specified in a nested context'));
}

function validateMetadataInvariants(s: JSONSchemaProps, checkMetadata: boolean, lvl: Level, path: string, errs: FieldError[]): void {
  if (checkMetadata && s.type !== 'object') errs.push(fieldErrors.invalid(`${path}.type`, s.type ?? '', 'must be object'));
  if (lvl !== 'root') return;
  // Only name and generateName may be restricted; the type and default are checked elsewhere.
  const keys = Object.keys(s.properties ?? {});
  const onlyNames = keys.every((k) => k === 'name' || k === 'generateName');
  const rest = Object.entries(s).filter(([k, v]) => k !== 'type' && k !== 'default' && !(k === 'properties' && onlyNames) && !isEmptyValue(v));
  if (rest.length > 0) {
    errs.push(fieldErrors.forbidden(path, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
}

function validateInvariants(s: JSONSchemaProps, lvl: Level, path: string, errs: FieldError[]): void {
  const items = itemsOf(s);
  if (s.type === 'array' && items === undefined) errs.push(fieldErrors.required(`${path}.items`, 'must be specified'));
  if (items) validateInvariants(items, 'item', `${path}.items`, errs);
  for (const [k, v] of Object.entries(s.properties ?? {})) validateInvariants(v, 'field', prop(path, k), errs);
  if (s.additionalProperties !== undefined && s.additionalProperties !== false) {
    if (lvl === 'root') errs.push(fieldErrors.forbidden(`${path}.additionalProperties`, 'must not be used at the root'));
    if (typeof s.additionalProperties === 'object') validateInvariants(s.additionalProperties, 'field', `${path}.additionalProperties`, errs);
  }
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (intOrString && preserve) {
    errs.push(fieldErrors.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  if (intOrString && embedded) {
    errs.push(fieldErrors.invalid(`${path}.x-kubernetes-embedded-resource`, true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  validateValueValidation(s, isIntOrStringAnyOf(s.anyOf), isIntOrStringAnyOf(s.allOf?.[0]?.anyOf), path, errs);

  const checkMetadata = lvl === 'root' || embedded;
  if (embedded && s.type !== 'object') {
    if (!s.type) errs.push(fieldErrors.required(`${path}.type`, 'must be object if x-kubernetes-embedded-resource is true'));
    else errs.push(fieldErrors.invalid(`${path}.type`, s.type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (!s.type && !intOrString && !preserve) {
    const detail =
      lvl === 'root'
        ? 'must not be empty at the root'
        : lvl === 'item'
          ? 'must not be empty for specified array items'
          : 'must not be empty for specified object fields';
    errs.push(fieldErrors.required(`${path}.type`, detail));
  }
  if (embedded && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    errs.push(fieldErrors.forbidden(`${path}.additionalProperties`, 'must not be used if x-kubernetes-embedded-resource is set'));
  }
  if (lvl === 'root' && s.type && s.type !== 'object') errs.push(fieldErrors.invalid(`${path}.type`, s.type, 'must be object at the root'));
  for (const k of ['kind', 'apiVersion']) {
    const p = s.properties?.[k];
    if (p && checkMetadata && p.type !== 'string') errs.push(fieldErrors.invalid(`${prop(path, k)}.type`, p.type ?? '', 'must be string'));
  }
  const metadata = s.properties?.metadata;
  if (metadata) validateMetadataInvariants(metadata, checkMetadata, lvl, prop(path, 'metadata'), errs);
  if (embedded && !preserve && Object.keys(s.properties ?? {}).length === 0) {
    errs.push(
      fieldErrors.required(
        `${path}.properties`,
        'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
      ),
    );
  }
}

/** ValidateStructural: the invariants, sorted by message as upstream sorts them. */
export function validateStructural(schema: JSONSchemaProps, path: string): FieldError[] {
  const errs: FieldError[] = [];
  validateInvariants(schema, 'root', path, errs);
  return errs.sort((a, b) => {
    const x = a.toString();
    const y = b.toString();
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

// ---------------------------------------------------------------- defaults

function validateDefaults(s: JSONSchemaProps, path: string, embedded: boolean, insideMeta: boolean, errs: FieldError[]): void {
  const isEmbedded = s['x-kubernetes-embedded-resource'] === true;
  if (isEmbedded) insideMeta = false;
  if (s.default !== undefined && !insideMeta) {
    const pruned = structuredClone(s.default);
    pruneUnknown(pruned, compileSchema(s), isEmbedded);
    if (canonicalJSON(pruned) !== canonicalJSON(s.default)) {
      // Go marshals maps with sorted keys.
      errs.push(fieldErrors.invalid(`${path}.default`, JSON.parse(canonicalJSON(s.default)), 'must not have unknown fields'));
    } else {
      errs.push(...validateValue(s.default, s, `${path}.default`));
    }
  }
  const items = itemsOf(s);
  if (items) validateDefaults(items, `${path}.items`, false, insideMeta, errs);
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    validateDefaults(v, prop(path, k), false, insideMeta || ((isEmbedded || embedded) && META_FIELDS.has(k)), errs);
  }
}

// ---------------------------------------------------------------- the OpenAPI schema walk

interface WalkOptions {
  allowDefaults: boolean;
  disallowDefaultsReason: string;
  insideResourceMeta: boolean;
}

function validateNode(s: JSONSchemaProps, path: string, o: WalkOptions, isRoot: boolean, errs: FieldError[]): void {
  // specStandardValidatorV3
  if (s.type && !OPENAPI_V3_TYPES.includes(s.type)) errs.push(fieldErrors.notSupported(`${path}.type`, s.type, OPENAPI_V3_TYPES));
  if (s.default !== undefined && !o.allowDefaults) {
    errs.push(fieldErrors.forbidden(`${path}.default`, `must not be set${o.disallowDefaultsReason ? ` ${o.disallowDefaultsReason}` : ''}`));
  }
  if (s.id) errs.push(fieldErrors.forbidden(`${path}.id`, 'id is not supported'));
  if (s.additionalItems !== undefined) errs.push(fieldErrors.forbidden(`${path}.additionalItems`, 'additionalItems is not supported'));
  if (s.patternProperties && Object.keys(s.patternProperties).length > 0) {
    errs.push(fieldErrors.forbidden(`${path}.patternProperties`, 'patternProperties is not supported'));
  }
  if (s.definitions && Object.keys(s.definitions).length > 0) {
    errs.push(fieldErrors.forbidden(`${path}.definitions`, 'definitions is not supported'));
  }
  if (s.dependencies !== undefined) errs.push(fieldErrors.forbidden(`${path}.dependencies`, 'dependencies is not supported'));
  if (s.$ref !== undefined) errs.push(fieldErrors.forbidden(`${path}.$ref`, '$ref is not supported'));
  if (s.type === 'null') errs.push(fieldErrors.forbidden(`${path}.type`, 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(s.items) && s.items.length > 0) {
    errs.push(fieldErrors.forbidden(`${path}.items`, 'items must be a schema object and not an array'));
  }
  if (o.insideResourceMeta && s['x-kubernetes-embedded-resource']) {
    errs.push(fieldErrors.forbidden(`${path}.x-kubernetes-embedded-resource`, 'must not be used inside of resource meta'));
  }

  if (s.uniqueItems) {
    errs.push(fieldErrors.forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  }
  if (s.additionalProperties !== undefined) {
    const hasProps = Object.keys(s.properties ?? {}).length > 0;
    if (hasProps && (s.additionalProperties === false || typeof s.additionalProperties === 'object')) {
      errs.push(fieldErrors.forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
    }
    if (typeof s.additionalProperties === 'object') {
      const sub = o.insideResourceMeta
        ? { ...o, allowDefaults: false, disallowDefaultsReason: 'inside additionalProperties applying to object metadata' }
        : o;
      validateNode(s.additionalProperties, `${path}.additionalProperties`, sub, false, errs);
    }
  }
  for (const k of Object.keys(s.properties ?? {}).sort()) {
    let sub = o;
    if ((isRoot || s['x-kubernetes-embedded-resource']) && META_FIELDS.has(k)) {
      sub = { ...sub, insideResourceMeta: true };
      if (isRoot) sub = { ...sub, allowDefaults: false, disallowDefaultsReason: `in top-level ${k}` };
    }
    validateNode(s.properties![k]!, prop(path, k), sub, false, errs);
  }
  if (s.not) validateNode(s.not, `${path}.not`, o, false, errs);
  s.allOf?.forEach((n, i) => validateNode(n, `${path}.allOf[${i}]`, o, false, errs));
  s.oneOf?.forEach((n, i) => validateNode(n, `${path}.oneOf[${i}]`, o, false, errs));
  s.anyOf?.forEach((n, i) => validateNode(n, `${path}.anyOf[${i}]`, o, false, errs));
  const items = itemsOf(s);
  if (items) validateNode(items, `${path}.items`, o, false, errs);
  if (Array.isArray(s.items)) s.items.forEach((n, i) => validateNode(n, `${path}.items[${i}]`, o, false, errs));

  validateExtensions(s, path, errs);
}

function validateExtensions(s: JSONSchemaProps, path: string, errs: FieldError[]): void {
  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    errs.push(fieldErrors.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  }
  const mapType = s['x-kubernetes-map-type'];
  if (mapType !== undefined && s.type !== 'object') {
    if (!s.type) errs.push(fieldErrors.required(`${path}.type`, 'must be object if x-kubernetes-map-type is specified'));
    else errs.push(fieldErrors.invalid(`${path}.type`, s.type, 'must be object if x-kubernetes-map-type is specified'));
  }
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') {
    errs.push(fieldErrors.notSupported(`${path}.x-kubernetes-map-type`, mapType, ['atomic', 'granular']));
  }
  const listType = s['x-kubernetes-list-type'];
  const items = itemsOf(s);
  if (listType !== undefined && s.type !== 'array') {
    if (!s.type) errs.push(fieldErrors.required(`${path}.type`, 'must be array if x-kubernetes-list-type is specified'));
    else errs.push(fieldErrors.invalid(`${path}.type`, s.type, 'must be array if x-kubernetes-list-type is specified'));
  } else if (listType === 'set' && items) {
    const itemListType = items['x-kubernetes-list-type'];
    if (items.type === 'array' && itemListType !== undefined && itemListType !== 'atomic') {
      errs.push(fieldErrors.invalid(`${path}.items.x-kubernetes-list-type`, itemListType, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    } else if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      errs.push(fieldErrors.invalid(`${path}.items.x-kubernetes-map-type`, itemListType ?? null, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
  }
  if (listType !== undefined && listType !== 'atomic' && listType !== 'set' && listType !== 'map') {
    errs.push(fieldErrors.notSupported(`${path}.x-kubernetes-list-type`, listType, ['atomic', 'set', 'map']));
  }
  const mapKeys = s['x-kubernetes-list-map-keys'] ?? [];
  if (mapKeys.length > 0) {
    if (listType === undefined) errs.push(fieldErrors.required(`${path}.x-kubernetes-list-type`, 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (listType !== 'map') {
      errs.push(fieldErrors.invalid(`${path}.x-kubernetes-list-type`, listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
    }
  }
  if (listType === 'map') {
    if (mapKeys.length === 0) errs.push(fieldErrors.required(`${path}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
    if (s.items === undefined) errs.push(fieldErrors.required(`${path}.items`, 'must have a schema if x-kubernetes-list-type is map'));
    if (items && items.type !== 'object') {
      errs.push(fieldErrors.invalid(`${path}.items.type`, items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    }
    if (items && items.type === 'object') {
      const seen = new Set<string>();
      for (const k of mapKeys) {
        const ks = items.properties?.[k];
        if (ks) {
          if (ks.type === 'array' || ks.type === 'object') {
            errs.push(fieldErrors.invalid(`${path}.items.properties[${k}].type`, items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
          }
        } else {
          errs.push(fieldErrors.invalid(`${path}.x-kubernetes-list-map-keys`, mapKeys, 'entries must all be names of item properties'));
        }
        if (seen.has(k)) errs.push(fieldErrors.invalid(`${path}.x-kubernetes-list-map-keys`, mapKeys, 'must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
  // requireMapListKeysMapSetValidation
  if (items && (listType === 'set' || listType === 'map')) {
    if (items.nullable) errs.push(fieldErrors.forbidden(`${path}.items.nullable`, `cannot be nullable when x-kubernetes-list-type is ${listType}`));
    if (listType === 'map') {
      const required = new Set(items.required ?? []);
      for (const k of mapKeys) {
        const ks = items.properties?.[k];
        if (!ks) continue;
        if (!required.has(k) && ks.default === undefined) {
          errs.push(
            fieldErrors.required(
              `${path}.items.properties[${k}].default`,
              'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property',
            ),
          );
        }
        if (ks.nullable) {
          errs.push(fieldErrors.forbidden(`${path}.items.properties[${k}].nullable`, 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
        }
      }
    }
  }
  (s['x-kubernetes-validations'] ?? []).forEach((rule, i) => {
    const at = `${path}.x-kubernetes-validations[${i}]`;
    const trimmedRule = (rule.rule ?? '').trim();
    const message = rule.message ?? '';
    const trimmedMsg = message.trim();
    if (trimmedRule === '') errs.push(fieldErrors.required(`${at}.rule`, 'rule is not specified'));
    else if (message.length > 0 && trimmedMsg === '') errs.push(fieldErrors.invalid(`${at}.message`, message, 'message must be non-empty if specified'));
    else if (hasNewlines(trimmedMsg)) errs.push(fieldErrors.invalid(`${at}.message`, message, 'message must not contain line breaks'));
    else if (hasNewlines(trimmedRule) && trimmedMsg === '') {
      errs.push(fieldErrors.required(`${at}.message`, 'message must be specified if rule contains line breaks'));
    }
    if (rule.messageExpression !== undefined && rule.messageExpression.length > 0 && rule.messageExpression.trim() === '') {
      errs.push(fieldErrors.required(`${at}.messageExpression`, 'messageExpression must be non-empty if specified'));
    }
    if (rule.reason !== undefined && !SUPPORTED_REASONS.includes(rule.reason)) {
      errs.push(fieldErrors.notSupported(`${at}.reason`, rule.reason, SUPPORTED_REASONS));
    }
    const fp = rule.fieldPath ?? '';
    if (fp.length > 0 && fp.trim() === '') errs.push(fieldErrors.invalid(`${at}.fieldPath`, fp, 'fieldPath must be non-empty if specified'));
    if (hasNewlines(fp)) errs.push(fieldErrors.invalid(`${at}.fieldPath`, fp, 'fieldPath must not contain line breaks'));
  });
}

/**
 * One version's (or the hoisted top-level) schema: `path` is `spec.validation` or
 * `spec.versions[i].schema`, `validation` that object ({openAPIV3Schema}).
 */
export function validateCRDValidation(
  validation: { openAPIV3Schema?: JSONSchemaProps } | undefined,
  statusEnabled: boolean,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const schema = validation?.openAPIV3Schema;
  if (schema === undefined) return errs;
  const root = `${path}.openAPIV3Schema`;
  if (statusEnabled) {
    for (const [k, v] of Object.entries(schema)) {
      if (isEmptyValue(v)) continue;
      if (k === 'type') {
        if (v !== 'object') {
          errs.push(fieldErrors.invalid(`${root}.type`, v, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled'));
          break;
        }
        continue;
      }
      if (!ALLOWED_AT_STATUS_ROOT.has(k)) {
        errs.push(
          new GoValueError(
            root,
            'apiextensions.JSONSchemaProps{...}',
            `only ${ALLOWED_AT_STATUS_ROOT_GO} fields are allowed at the root of the schema if the status subresource is enabled`,
          ),
        );
        break;
      }
    }
  }
  if (schema.nullable) errs.push(fieldErrors.forbidden(`${root}.nullable`, 'nullable cannot be true at the root'));
  const structural = validateStructural(schema, root);
  if (structural.length > 0) errs.push(...structural);
  else validateDefaults(schema, root, true, false, errs);
  validateNode(schema, root, { allowDefaults: true, disallowDefaultsReason: '', insideResourceMeta: false }, true, errs);
  return errs;
}
