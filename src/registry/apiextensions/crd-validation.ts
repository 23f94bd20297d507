// CustomResourceDefinition validation and defaulting as apiextensions-apiserver does them
// (pkg/apis/apiextensions/validation/validation.go, v1 defaults). Upstream validates the internal
// form of a v1 object, where per-version schemas, subresources, printer columns and selectable fields
// that are identical across all versions move to the top level: a single-version CRD's schema errors
// therefore read `spec.validation.openAPIV3Schema...`, and so do ours.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { isDNS1035Label, isDNS1123Subdomain } from '../../api/names.ts';
import type { KObject } from '../../api/types.ts';
import { parsePrinterColumnPath, validatePrinterColumnPath } from '../../apiextensions/jsonpath.ts';
import { canonicalJSON } from '../../apiextensions/schema/compile.ts';
import type { JSONSchemaProps } from '../../apiextensions/schema/types.ts';
import { FIELD_IMMUTABLE } from '../validation/objectmeta.ts';
import { GoValueError, validateCRDValidation } from './crd-schema-validation.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const obj = (v: unknown): Obj | undefined => (isObj(v) ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] => list(v).map(str);

const PRINTER_COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const PRINTER_COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const CONVERSION_REVIEW_VERSIONS = ['v1', 'v1beta1'];
const MAX_SELECTABLE_FIELDS = 8;
const API_APPROVAL_ANNOTATION = 'api-approved.kubernetes.io';
// Go prints a non-nil pointer as its address, which no client can rely on; this stands in for it.
const GO_POINTER = '0xc000000000';

/** The internal form's per-version parts, after identical ones moved to the top level. */
interface InternalSpec {
  validation: Obj | undefined;
  subresources: Obj | undefined;
  columns: unknown[] | undefined;
  selectableFields: unknown[] | undefined;
  versions: InternalVersion[];
}

interface InternalVersion {
  raw: Obj;
  schema: Obj | undefined;
  subresources: Obj | undefined;
  columns: unknown[] | undefined;
  selectableFields: unknown[] | undefined;
}

function allSame(values: unknown[]): boolean {
  const first = canonicalJSON(values[0] ?? null);
  return values.every((v) => canonicalJSON(v ?? null) === first);
}

/** Convert_v1_CustomResourceDefinitionSpec_To_apiextensions_CustomResourceDefinitionSpec's hoisting. */
function toInternal(spec: Obj): InternalSpec {
  const versions: InternalVersion[] = list(spec.versions).map((v) => {
    const raw = obj(v) ?? {};
    const cols = list(raw.additionalPrinterColumns);
    const sel = list(raw.selectableFields);
    return {
      raw,
      schema: obj(raw.schema),
      subresources: obj(raw.subresources),
      columns: cols.length > 0 ? cols : undefined,
      selectableFields: sel.length > 0 ? sel : undefined,
    };
  });
  const out: InternalSpec = { validation: undefined, subresources: undefined, columns: undefined, selectableFields: undefined, versions };
  if (versions.length === 0) return out;
  if (allSame(versions.map((v) => v.schema))) {
    out.validation = versions[0]!.schema;
    for (const v of versions) v.schema = undefined;
  }
  if (allSame(versions.map((v) => v.subresources))) {
    out.subresources = versions[0]!.subresources;
    for (const v of versions) v.subresources = undefined;
  }
  if (allSame(versions.map((v) => v.columns))) {
    out.columns = versions[0]!.columns;
    for (const v of versions) v.columns = undefined;
  }
  // Selectable fields only move up with the schema they point into.
  if (out.validation !== undefined && allSame(versions.map((v) => v.selectableFields))) {
    out.selectableFields = versions[0]!.selectableFields;
    for (const v of versions) v.selectableFields = undefined;
  }
  return out;
}

// ---------------------------------------------------------------- Go renderings of invalid values

function goPtr(type: string, set: boolean): string {
  return `(*${type})(${set ? GO_POINTER : 'nil'})`;
}

function goColumns(cols: unknown[] | undefined): string {
  if (cols === undefined) return '[]apiextensions.CustomResourceColumnDefinition(nil)';
  const items = cols.map((c) => {
    const o = obj(c) ?? {};
    const priority = typeof o.priority === 'number' ? o.priority : 0;
    return `apiextensions.CustomResourceColumnDefinition{Name:${JSON.stringify(str(o.name))}, Type:${JSON.stringify(str(o.type))}, Format:${JSON.stringify(str(o.format))}, Description:${JSON.stringify(str(o.description))}, Priority:${priority}, JSONPath:${JSON.stringify(str(o.jsonPath))}}`;
  });
  return `[]apiextensions.CustomResourceColumnDefinition{${items.join(', ')}}`;
}

function goSelectableFields(fields: unknown[] | undefined): string {
  if (fields === undefined) return '[]apiextensions.SelectableField(nil)';
  const items = fields.map((f) => `apiextensions.SelectableField{JSONPath:${JSON.stringify(str(obj(f)?.jsonPath))}}`);
  return `[]apiextensions.SelectableField{${items.join(', ')}}`;
}

/** %#v of the internal []CustomResourceDefinitionVersion, as upstream shows it in spec.versions errors. */
function goVersions(versions: InternalVersion[]): string {
  if (versions.length === 0) return '[]apiextensions.CustomResourceDefinitionVersion(nil)';
  const items = versions.map((v) => {
    const r = v.raw;
    return (
      `apiextensions.CustomResourceDefinitionVersion{Name:${JSON.stringify(str(r.name))}, Served:${r.served === true}, ` +
      `Storage:${r.storage === true}, Deprecated:${r.deprecated === true}, ` +
      `DeprecationWarning:${goPtr('string', typeof r.deprecationWarning === 'string')}, ` +
      `Schema:${goPtr('apiextensions.CustomResourceValidation', v.schema !== undefined)}, ` +
      `Subresources:${goPtr('apiextensions.CustomResourceSubresources', v.subresources !== undefined)}, ` +
      `AdditionalPrinterColumns:${goColumns(v.columns)}, SelectableFields:${goSelectableFields(v.selectableFields)}}`
    );
  });
  return `[]apiextensions.CustomResourceDefinitionVersion{${items.join(', ')}}`;
}

const goStrings = (l: string[]): string => (l.length === 0 ? '[]string(nil)' : `[]string{${l.map((s) => JSON.stringify(s)).join(', ')}}`);

// ---------------------------------------------------------------- pieces

function validateNames(names: Obj | undefined, path: string, errs: FieldError[]): void {
  const n = names ?? {};
  const plural = str(n.plural);
  const singular = str(n.singular);
  const kind = str(n.kind);
  const listKind = str(n.listKind);
  const label = (v: string) => isDNS1035Label(v).join(',');
  if (plural && label(plural)) errs.push(fieldErrors.invalid(`${path}.plural`, plural, label(plural)));
  if (singular && label(singular)) errs.push(fieldErrors.invalid(`${path}.singular`, singular, label(singular)));
  if (kind && label(kind.toLowerCase())) {
    errs.push(fieldErrors.invalid(`${path}.kind`, kind, `may have mixed case, but should otherwise match: ${label(kind.toLowerCase())}`));
  }
  if (listKind && label(listKind.toLowerCase())) {
    errs.push(fieldErrors.invalid(`${path}.listKind`, listKind, `may have mixed case, but should otherwise match: ${label(listKind.toLowerCase())}`));
  }
  strings(n.shortNames).forEach((s, i) => {
    if (label(s)) errs.push(fieldErrors.invalid(`${path}.shortNames[${i}]`, s, label(s)));
  });
  if (kind && kind === listKind) errs.push(fieldErrors.invalid(`${path}.listKind`, listKind, 'kind and listKind may not be the same'));
  strings(n.categories).forEach((c, i) => {
    if (label(c)) errs.push(fieldErrors.invalid(`${path}.categories[${i}]`, c, label(c)));
  });
}

function simpleJSONPath(s: string, path: string, errs: FieldError[]): boolean {
  const detail = validatePrinterColumnPath(s);
  if (detail === undefined) return true;
  errs.push(fieldErrors.invalid(path, s, detail));
  return false;
}

function validateSubresources(sub: Obj | undefined, path: string, errs: FieldError[]): void {
  const scale = obj(sub?.scale);
  if (scale === undefined) return;
  const spec = str(scale.specReplicasPath);
  if (spec === '') errs.push(fieldErrors.required(`${path}.scale.specReplicasPath`));
  else if (simpleJSONPath(spec, `${path}.scale.specReplicasPath`, errs) && !spec.startsWith('.spec.')) {
    errs.push(fieldErrors.invalid(`${path}.scale.specReplicasPath`, spec, 'should be a json path under .spec'));
  }
  const status = str(scale.statusReplicasPath);
  if (status === '') errs.push(fieldErrors.required(`${path}.scale.statusReplicasPath`));
  else if (simpleJSONPath(status, `${path}.scale.statusReplicasPath`, errs) && !status.startsWith('.status.')) {
    errs.push(fieldErrors.invalid(`${path}.scale.statusReplicasPath`, status, 'should be a json path under .status'));
  }
  const selector = str(scale.labelSelectorPath);
  if (selector !== '' && simpleJSONPath(selector, `${path}.scale.labelSelectorPath`, errs)) {
    if (!selector.startsWith('.spec.') && !selector.startsWith('.status.')) {
      errs.push(fieldErrors.invalid(`${path}.scale.labelSelectorPath`, selector, 'should be a json path under either .spec or .status'));
    }
  }
}

function validateColumn(col: Obj, path: string, errs: FieldError[]): void {
  if (str(col.name) === '') errs.push(fieldErrors.required(`${path}.name`));
  const type = str(col.type);
  const types = `must be one of ${PRINTER_COLUMN_TYPES.join(',')}`;
  if (type === '') errs.push(fieldErrors.required(`${path}.type`, types));
  else if (!PRINTER_COLUMN_TYPES.includes(type)) errs.push(fieldErrors.invalid(`${path}.type`, type, types));
  const format = str(col.format);
  if (format !== '' && !PRINTER_COLUMN_FORMATS.includes(format)) {
    errs.push(fieldErrors.invalid(`${path}.format`, format, `must be one of ${PRINTER_COLUMN_FORMATS.join(',')}`));
  }
  const jsonPath = str(col.jsonPath);
  if (jsonPath === '') errs.push(fieldErrors.required(`${path}.JSONPath`));
  else simpleJSONPath(jsonPath, `${path}.JSONPath`, errs);
}

/** Resolves `.a.b` (no array notation) in a structural schema, as cel.ValidFieldPath does for selectable fields. */
function resolveFieldPath(jsonPath: string, schema: JSONSchemaProps | undefined): { root: string; node?: JSONSchemaProps; error?: string } {
  if (!jsonPath.startsWith('.')) return { root: '', error: 'expected [ or . at start of path' };
  const parts = jsonPath.slice(1).split('.');
  let node = schema;
  for (const p of parts) {
    if (p === '' || node === undefined) return { root: parts[0] ?? '', error: 'does not refer to a valid field' };
    const next: JSONSchemaProps | undefined =
      node.properties?.[p] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
    if (next === undefined) return { root: parts[0] ?? '', error: 'does not refer to a valid field' };
    node = next;
  }
  return { root: parts[0] ?? '', node };
}

function validateSelectableFields(fields: unknown[], schema: JSONSchemaProps | undefined, path: string, errs: FieldError[]): void {
  const unique = new Set<string>();
  fields.forEach((f, i) => {
    const at = `${path}[${i}].jsonPath`;
    const jsonPath = str(obj(f)?.jsonPath);
    if (jsonPath === '') {
      errs.push(fieldErrors.required(at));
      return;
    }
    const r = resolveFieldPath(jsonPath, schema);
    if (r.error !== undefined) {
      errs.push(fieldErrors.invalid(at, jsonPath, `is an invalid path: ${r.error}`));
      return;
    }
    if (r.root === 'metadata') errs.push(fieldErrors.invalid(at, jsonPath, 'must not point to fields in metadata'));
    const t = r.node?.type;
    if (t !== 'string' && t !== 'boolean' && t !== 'integer') {
      errs.push(
        fieldErrors.invalid(at, jsonPath, 'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.'),
      );
    }
    if (unique.has(jsonPath)) errs.push(fieldErrors.duplicate(at, jsonPath));
    else unique.add(jsonPath);
  });
  if (unique.size > MAX_SELECTABLE_FIELDS) errs.push(fieldErrors.tooMany(path, unique.size, MAX_SELECTABLE_FIELDS));
}

function validateDeprecationWarning(v: Obj, path: string, errs: FieldError[]): void {
  const warning = v.deprecationWarning;
  if (typeof warning !== 'string') return;
  const at = `${path}.deprecationWarning`;
  if (v.deprecated !== true) {
    errs.push(fieldErrors.invalid(at, warning, 'can only be set for deprecated versions'));
    return;
  }
  if (Buffer.byteLength(warning) > 256) errs.push(fieldErrors.invalid(at, warning, 'must be <= 256 characters long'));
  if (warning.length === 0) errs.push(fieldErrors.invalid(at, warning, 'must not be an empty string'));
  let byteIndex = 0;
  for (const ch of warning) {
    if (/\p{Cc}/u.test(ch)) {
      errs.push(fieldErrors.invalid(at, warning, `must only contain printable UTF-8 characters; control character found at index ${byteIndex}`));
      break;
    }
    if (!/[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(ch)) {
      errs.push(fieldErrors.invalid(at, warning, `must only contain printable UTF-8 characters; non-printable character found at index ${byteIndex}`));
      break;
    }
    byteIndex += Buffer.byteLength(ch);
  }
}

function validateWebhookURL(raw: string, path: string, errs: FieldError[]): void {
  let u: URL;
  try {
    u = new URL(raw);
  } catch (err) {
    errs.push(fieldErrors.invalid(path, raw, `url must be a valid URL: ${(err as Error).message}`));
    return;
  }
  if (u.protocol !== 'https:') errs.push(fieldErrors.invalid(path, raw, "'https' is the only allowed URL scheme"));
  if (u.host === '') errs.push(fieldErrors.invalid(path, raw, 'host must be specified'));
  if (u.username || u.password) errs.push(fieldErrors.invalid(path, raw, 'user information is not permitted in the URL'));
  if (u.hash) errs.push(fieldErrors.invalid(path, raw, 'fragments are not permitted in the URL'));
  if (u.search) errs.push(fieldErrors.invalid(path, raw, 'query parameters are not permitted in the URL'));
}

function validateConversion(conversion: Obj | undefined, requireRecognized: boolean, path: string, errs: FieldError[]): void {
  if (conversion === undefined) return;
  const strategy = str(conversion.strategy);
  if (strategy === '') errs.push(fieldErrors.required(`${path}.strategy`));
  else if (strategy !== 'None' && strategy !== 'Webhook') errs.push(fieldErrors.notSupported(`${path}.strategy`, strategy, ['None', 'Webhook']));
  // v1's conversion.webhook.{clientConfig,conversionReviewVersions} are the internal form's top-level fields.
  const webhook = obj(conversion.webhook);
  const clientConfig = obj(webhook?.clientConfig);
  const reviewVersions = webhook?.conversionReviewVersions;
  if (strategy === 'Webhook') {
    if (clientConfig === undefined) {
      errs.push(fieldErrors.required(`${path}.webhookClientConfig`, 'required when strategy is set to Webhook'));
    } else {
      const url = clientConfig.url;
      const service = obj(clientConfig.service);
      if ((url === undefined) === (service === undefined)) {
        errs.push(fieldErrors.required(`${path}.webhookClientConfig`, 'exactly one of url or service is required'));
      } else if (typeof url === 'string') {
        validateWebhookURL(url, `${path}.webhookClientConfig.url`, errs);
      } else if (service !== undefined) {
        const at = `${path}.webhookClientConfig.service`;
        if (str(service.name) === '') errs.push(fieldErrors.required(`${at}.name`, 'service name is required'));
        if (str(service.namespace) === '') errs.push(fieldErrors.required(`${at}.namespace`, 'service namespace is required'));
        const port = service.port;
        if (typeof port === 'number' && (port < 1 || port > 65535)) {
          errs.push(fieldErrors.invalid(`${at}.port`, port, 'port is not valid: must be between 1 and 65535, inclusive'));
        }
      }
    }
    const versions = strings(reviewVersions);
    const at = `${path}.conversionReviewVersions`;
    if (versions.length === 0) errs.push(fieldErrors.required(at));
    else {
      const seen = new Set<string>();
      let accepted = false;
      versions.forEach((v, i) => {
        if (seen.has(v)) {
          errs.push(fieldErrors.invalid(`${at}[${i}]`, v, 'duplicate version'));
          return;
        }
        seen.add(v);
        for (const m of isDNS1035Label(v)) errs.push(fieldErrors.invalid(`${at}[${i}]`, v, m));
        if (CONVERSION_REVIEW_VERSIONS.includes(v)) accepted = true;
      });
      if (requireRecognized && !accepted) {
        errs.push(new GoValueError(at, goStrings(versions), `must include at least one of ${CONVERSION_REVIEW_VERSIONS.join(', ')}`));
      }
    }
  } else {
    if (clientConfig !== undefined) {
      errs.push(fieldErrors.forbidden(`${path}.webhookClientConfig`, 'should not be set when strategy is not set to Webhook'));
    }
    if (list(reviewVersions).length > 0) {
      errs.push(fieldErrors.forbidden(`${path}.conversionReviewVersions`, 'should not be set when strategy is not set to Webhook'));
    }
  }
}

const hasStatus = (sub: Obj | undefined): boolean => sub !== undefined && sub.status !== undefined && sub.status !== null;
const schemaOf = (validation: Obj | undefined): JSONSchemaProps | undefined => obj(validation?.openAPIV3Schema) as JSONSchemaProps | undefined;

interface SpecOptions {
  requireOpenAPISchema: boolean;
  requireRecognizedConversionReviewVersion: boolean;
}

function validateSpec(spec: Obj, opts: SpecOptions, errs: FieldError[]): void {
  const group = str(spec.group);
  if (group === '') errs.push(fieldErrors.required('spec.group'));
  else {
    const m = isDNS1123Subdomain(group);
    if (m.length > 0) errs.push(fieldErrors.invalid('spec.group', group, m.join(',')));
    else if (group.split('.').length < 2) errs.push(fieldErrors.invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  const scope = str(spec.scope);
  if (scope === '') errs.push(fieldErrors.required('spec.scope'));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') errs.push(fieldErrors.notSupported('spec.scope', scope, ['Cluster', 'Namespaced']));

  const internal = toInternal(spec);
  if (opts.requireOpenAPISchema && schemaOf(internal.validation) === undefined) {
    internal.versions.forEach((v, i) => {
      if (schemaOf(v.schema) === undefined) errs.push(fieldErrors.required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
    });
  }

  let storage = 0;
  const seen = new Set<string>();
  let unique = true;
  const anyStatus = hasStatus(internal.subresources) || internal.versions.some((v) => hasStatus(v.subresources));
  internal.versions.forEach((v, i) => {
    const at = `spec.versions[${i}]`;
    const name = str(v.raw.name);
    if (v.raw.storage === true) storage++;
    if (seen.has(name)) unique = false;
    seen.add(name);
    const m = isDNS1035Label(name);
    if (m.length > 0) errs.push(fieldErrors.invalid(`${at}.name`, name, m.join(',')));
    validateDeprecationWarning(v.raw, at, errs);
    const subresources = internal.subresources ?? v.subresources;
    errs.push(...validateCRDValidation(v.schema as { openAPIV3Schema?: JSONSchemaProps } | undefined, hasStatus(subresources), `${at}.schema`));
    validateSubresources(v.subresources, `${at}.subresources`, errs);
    (v.columns ?? []).forEach((c, j) => validateColumn(obj(c) ?? {}, `${at}.additionalPrinterColumns[${j}]`, errs));
    if (v.selectableFields !== undefined) {
      const schema = schemaOf(v.schema) ?? schemaOf(internal.validation);
      if (schema === undefined) {
        errs.push(fieldErrors.invalid(`${at}.selectableFields`, '', 'selectableFields may only be set when version.schema.openAPIV3Schema is not included'));
      } else validateSelectableFields(v.selectableFields, schema, `${at}.selectableFields`, errs);
    }
  });
  if (!unique) errs.push(new GoValueError('spec.versions', goVersions(internal.versions), 'must contain unique version names'));
  if (storage !== 1) {
    errs.push(new GoValueError('spec.versions', goVersions(internal.versions), 'must have exactly one version marked as storage version'));
  }

  const names = obj(spec.names);
  for (const k of ['plural', 'singular', 'kind', 'listKind']) {
    if (str(names?.[k]) === '') errs.push(fieldErrors.required(`spec.names.${k}`));
  }
  validateNames(names, 'spec.names', errs);
  errs.push(...validateCRDValidation(internal.validation as { openAPIV3Schema?: JSONSchemaProps } | undefined, anyStatus, 'spec.validation'));
  validateSubresources(internal.subresources, 'spec.subresources', errs);
  (internal.columns ?? []).forEach((c, j) => validateColumn(obj(c) ?? {}, `spec.additionalPrinterColumns[${j}]`, errs));
  if (internal.selectableFields !== undefined) {
    const schema = schemaOf(internal.validation);
    if (schema === undefined) {
      errs.push(fieldErrors.invalid('spec.selectableFields', '', 'selectableFields may only be set when validations.schema is included'));
    } else validateSelectableFields(internal.selectableFields, schema, 'spec.selectableFields', errs);
  }
  const conversion = obj(spec.conversion);
  const strategy = str(conversion?.strategy);
  if (conversion !== undefined && strategy !== 'None' && spec.preserveUnknownFields === true) {
    errs.push(fieldErrors.invalid('spec.conversion.strategy', strategy, 'must be None if spec.preserveUnknownFields is true'));
  }
  validateConversion(conversion, opts.requireRecognizedConversionReviewVersion, 'spec.conversion', errs);
}

function validateStoredVersions(crd: KObject, errs: FieldError[]): void {
  const stored = strings(obj(crd.status)?.storedVersions);
  const path = 'status.storedVersions';
  if (stored.length === 0) {
    errs.push(new GoValueError(path, goStrings(stored), 'must have at least one stored version'));
    return;
  }
  const remaining = new Map<string, number>();
  stored.forEach((v, i) => remaining.set(v, i));
  for (const v of list(obj(crd.spec)?.versions)) {
    const name = str(obj(v)?.name);
    const has = remaining.has(name);
    if (obj(v)?.storage === true && !has) errs.push(new GoValueError(path, goStrings(stored), `must have the storage version ${name}`));
    if (has) remaining.delete(name);
  }
  for (const [v, i] of remaining) {
    errs.push(
      fieldErrors.invalid(
        `${path}[${i}]`,
        v,
        `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`,
      ),
    );
  }
}

type Approval = 'notRequired' | 'approved' | 'bypassed' | 'missing' | 'invalid';

function approvalState(crd: KObject): Approval {
  const group = str(obj(crd.spec)?.group);
  const protectedGroup =
    group === 'k8s.io' || group.endsWith('.k8s.io') || group === 'kubernetes.io' || group.endsWith('.kubernetes.io');
  if (!protectedGroup) return 'notRequired';
  const value = crd.metadata.annotations?.[API_APPROVAL_ANNOTATION];
  if (!value) return 'missing';
  if (value.startsWith('unapproved')) return 'bypassed';
  try {
    return new URL(value).host !== '' ? 'approved' : 'invalid';
  } catch {
    return 'invalid';
  }
}

function validateAPIApproval(crd: KObject, old: KObject | undefined, errs: FieldError[]): void {
  const state = approvalState(crd);
  if (old !== undefined && approvalState(old) === state) return;
  const at = `metadata.annotations[${API_APPROVAL_ANNOTATION}]`;
  if (state === 'missing') {
    errs.push(
      fieldErrors.required(
        at,
        `protected groups must have approval annotation "${API_APPROVAL_ANNOTATION}", see https://github.com/kubernetes/enhancements/pull/1111`,
      ),
    );
  } else if (state === 'invalid') {
    errs.push(
      fieldErrors.invalid(
        at,
        crd.metadata.annotations?.[API_APPROVAL_ANNOTATION],
        `protected groups must have approval annotation "${API_APPROVAL_ANNOTATION}" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111`,
      ),
    );
  }
}

function validatePreserveUnknownFields(crd: KObject, old: KObject | undefined, errs: FieldError[]): void {
  if (obj(crd.spec)?.preserveUnknownFields !== true) return;
  if (old !== undefined && obj(old.spec)?.preserveUnknownFields === true) return;
  errs.push(
    fieldErrors.invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'),
  );
}

function validateNameMatchesSpec(crd: KObject, errs: FieldError[]): void {
  const spec = obj(crd.spec);
  const required = `${str(obj(spec?.names)?.plural)}.${str(spec?.group)}`;
  const name = crd.metadata.name ?? '';
  if (name !== required) errs.push(fieldErrors.invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
}

function allVersionsHaveSchemas(crd: KObject): boolean {
  return list(obj(crd.spec)?.versions).every((v) => schemaOf(obj(obj(v)?.schema)) !== undefined);
}

function isEstablished(crd: KObject): boolean {
  return list(obj(crd.status)?.conditions).some((c) => obj(c)?.type === 'Established' && obj(c)?.status === 'True');
}

function oldReviewVersionsRecognized(old: KObject): boolean {
  const webhook = obj(obj(obj(old.spec)?.conversion)?.webhook);
  const versions = strings(webhook?.conversionReviewVersions);
  return versions.length === 0 || versions.some((v) => CONVERSION_REVIEW_VERSIONS.includes(v));
}

// ---------------------------------------------------------------- entry points

/**
 * ValidateCustomResourceDefinition for a v1 object. Generic ObjectMeta checks are the store's; this adds
 * the CRD's own name rule (plural.group).
 */
export function validateCRD(crd: KObject): FieldError[] {
  const errs: FieldError[] = [];
  validateNameMatchesSpec(crd, errs);
  validateSpec(obj(crd.spec) ?? {}, { requireOpenAPISchema: true, requireRecognizedConversionReviewVersion: true }, errs);
  validateNames(obj(obj(crd.status)?.acceptedNames), 'status.acceptedNames', errs);
  validateStoredVersions(crd, errs);
  validateAPIApproval(crd, undefined, errs);
  validatePreserveUnknownFields(crd, undefined, errs);
  return errs;
}

/** ValidateCustomResourceDefinitionUpdate: the create checks (relaxed where the old object already broke them) plus immutability. */
export function validateCRDUpdate(crd: KObject, old: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj(crd.spec) ?? {};
  const oldSpec = obj(old.spec) ?? {};
  validateSpec(
    spec,
    { requireOpenAPISchema: allVersionsHaveSchemas(old), requireRecognizedConversionReviewVersion: oldReviewVersionsRecognized(old) },
    errs,
  );
  const immutable = (path: string, a: unknown, b: unknown) => {
    if (canonicalJSON(a ?? '') !== canonicalJSON(b ?? '')) errs.push(fieldErrors.invalid(path, a ?? '', FIELD_IMMUTABLE));
  };
  if (isEstablished(old)) {
    immutable('spec.scope', spec.scope, oldSpec.scope);
    immutable('spec.names.kind', obj(spec.names)?.kind, obj(oldSpec.names)?.kind);
  }
  immutable('spec.group', spec.group, oldSpec.group);
  immutable('spec.names.plural', obj(spec.names)?.plural, obj(oldSpec.names)?.plural);
  validateNames(obj(obj(crd.status)?.acceptedNames), 'status.acceptedNames', errs);
  validateStoredVersions(crd, errs);
  validateAPIApproval(crd, old, errs);
  validatePreserveUnknownFields(crd, old, errs);
  return errs;
}

/**
 * apiextensions v1 defaults: singular from the kind, listKind `<Kind>List`, conversion strategy None,
 * webhook service port 443; and status.storedVersions gains the storage version, as the strategy does.
 */
export function defaultCRD(crd: KObject): void {
  const spec = obj(crd.spec);
  if (spec === undefined) return;
  const names = obj(spec.names);
  if (names !== undefined) {
    const kind = str(names.kind);
    if (str(names.singular) === '') names.singular = kind.toLowerCase();
    if (str(names.listKind) === '' && kind !== '') names.listKind = `${kind}List`;
  }
  if (spec.conversion === undefined || spec.conversion === null) spec.conversion = { strategy: 'None' };
  const service = obj(obj(obj(obj(spec.conversion)?.webhook)?.clientConfig)?.service);
  if (service !== undefined && service.port === undefined) service.port = 443;
  const storage = list(spec.versions).find((v) => obj(v)?.storage === true);
  const storageName = str(obj(storage)?.name);
  if (storageName !== '') {
    const status = obj(crd.status) ?? {};
    crd.status = status;
    const stored = Array.isArray(status.storedVersions) ? (status.storedVersions as unknown[]) : [];
    if (!stored.includes(storageName)) stored.push(storageName);
    status.storedVersions = stored;
  }
}

/** Whether the table convertor can be built from a column path (client-go's parser accepts it). */
export function printerColumnPathParses(jsonPath: string): boolean {
  return parsePrinterColumnPath(jsonPath) === undefined;
}
