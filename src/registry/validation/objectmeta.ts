// Object metadata validation as k8s.io/apimachinery/pkg/api/validation/objectmeta.go does it
// (v1.32), plus the finalizer-name rule that k8s.io/kubernetes/pkg/apis/core/validation wraps
// around it for every built-in kind. Field paths and messages match upstream; labels and
// annotations are visited in JSON order (upstream walks a Go map, so its order varies).
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject, ObjectMeta, OwnerReference, ManagedFieldsEntry } from '../../api/types.ts';
import type { NameRule } from '../strategy.ts';
import {
  byteLength,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  validatePathSegmentName,
} from '../../api/names.ts';

export const FIELD_IMMUTABLE = 'field is immutable';
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
const IS_NEGATIVE = 'must be greater than or equal to 0';
const FIELD_MANAGER_MAX = 128;
const SUBRESOURCE_NAME_MAX = 256;

const FINALIZER_ORPHAN = 'orphan';
const FINALIZER_FOREGROUND = 'foregroundDeletion';
const STANDARD_FINALIZERS = new Set(['kubernetes', FINALIZER_ORPHAN, FINALIZER_FOREGROUND]);

export interface ObjectMetaOptions {
  /**
   * Apply pkg/apis/core/validation's extra finalizer rule (a finalizer without '/' must be one of
   * kubernetes, orphan, foregroundDeletion). True for built-in kinds; custom resources only get a
   * warning upstream, so pass false for them.
   */
  kubeFinalizerNames?: boolean;
}

/**
 * An Invalid error whose value is shown the way Go's %v / %#v prints a value that JSON cannot
 * reproduce (time.Time, []string, structs).
 */
class GoShownFieldError extends FieldError {
  constructor(
    field: string,
    badValue: unknown,
    detail: string,
    readonly shown: string,
  ) {
    super('FieldValueInvalid', field, badValue, detail);
  }
  override bodyText(): string {
    let s = `Invalid value: ${this.shown}`;
    if (this.detail) s += `: ${this.detail}`;
    return s;
  }
}

// ---------------------------------------------------------------- Go value formatting helpers

function goStringSlice(list: string[]): string {
  return `[]string{${list.map((s) => JSON.stringify(s)).join(', ')}}`;
}

/** time.Time.String() in UTC: "2024-05-01 12:00:00 +0000 UTC" (fraction only when non-zero). */
function goTimeString(ms: number | undefined): string {
  if (ms === undefined) return '0001-01-01 00:00:00 +0000 UTC';
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  let s = `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  const frac = d.getUTCMilliseconds();
  if (frac) s += `.${p(frac, 3).replace(/0+$/, '')}`;
  return `${s} +0000 UTC`;
}

function goBoolPtr(v: boolean | undefined): string {
  // Go prints the pointer's address, which cannot be reproduced; a fixed one stands in.
  return v === undefined || v === null ? '(*bool)(nil)' : '(*bool)(0xc000000000)';
}

function goOwnerRef(r: OwnerReference): string {
  return (
    `v1.OwnerReference{APIVersion:${JSON.stringify(str(r.apiVersion))}, Kind:${JSON.stringify(str(r.kind))}, ` +
    `Name:${JSON.stringify(str(r.name))}, UID:${JSON.stringify(str(r.uid))}, ` +
    `Controller:${goBoolPtr(r.controller)}, BlockOwnerDeletion:${goBoolPtr(r.blockOwnerDeletion)}}`
  );
}

function str(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : String(v);
}

/** Parse an RFC3339 timestamp; undefined for absent (Go's zero / nil time). */
function timeMs(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const ms = Date.parse(String(v));
  return Number.isNaN(ms) ? undefined : ms;
}

// ---------------------------------------------------------------- pieces

function nameFn(rule: NameRule): (name: string, prefix: boolean) => string[] {
  switch (rule) {
    case 'label':
      return nameIsDNSLabel;
    case 'dns1035':
      return nameIsDNS1035Label;
    case 'path':
      return validatePathSegmentName;
    case 'subdomain':
    default:
      return nameIsDNSSubdomain;
  }
}

/** v1validation.ValidateLabels: each key a qualified name, each value a label value. */
export function validateLabels(labels: Record<string, string> | undefined, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!labels) return errs;
  for (const [k, raw] of Object.entries(labels)) {
    for (const msg of isQualifiedName(k)) errs.push(fieldErrors.invalid(fieldPath, k, msg));
    const v = str(raw);
    for (const msg of isValidLabelValue(v)) errs.push(fieldErrors.invalid(fieldPath, v, msg));
  }
  return errs;
}

/** ValidateAnnotations: keys are qualified names ignoring case; keys plus values at most 256KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!annotations) return errs;
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldErrors.invalid(fieldPath, k, msg));
    total += byteLength(k) + byteLength(str(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(fieldErrors.tooLong(fieldPath, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

/** schema.FromAPIVersionAndKind's group/version split; an unparsable apiVersion gives an empty version. */
function splitAPIVersion(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return { group: '', version: '' };
}

export function validateOwnerReferences(refs: OwnerReference[] | undefined, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(refs)) return errs;
  let firstController = '';
  for (const ref of refs) {
    const apiVersion = str(ref.apiVersion);
    const kind = str(ref.kind);
    const { group, version } = splitAPIVersion(apiVersion);
    if (version === '') errs.push(fieldErrors.invalid(`${fieldPath}.apiVersion`, apiVersion, 'version must not be empty'));
    if (kind === '') errs.push(fieldErrors.invalid(`${fieldPath}.kind`, kind, 'must not be empty'));
    if (str(ref.name) === '') errs.push(fieldErrors.invalid(`${fieldPath}.name`, str(ref.name), 'must not be empty'));
    if (str(ref.uid) === '') errs.push(fieldErrors.invalid(`${fieldPath}.uid`, str(ref.uid), 'must not be empty'));
    if (group === '' && version === 'v1' && kind === 'Event') {
      errs.push(new GoShownFieldError(fieldPath, ref, '/v1, Kind=Event is disallowed from being an owner', goOwnerRef(ref)));
    }
    if (ref.controller === true) {
      const cur = `${kind}/${str(ref.name)}`;
      if (firstController !== '') {
        errs.push(
          new GoShownFieldError(
            fieldPath,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`,
            `[]v1.OwnerReference{${refs.map(goOwnerRef).join(', ')}}`,
          ),
        );
      } else {
        firstController = cur;
      }
    }
  }
  return errs;
}

/** ValidateFinalizers: qualified names, and orphan with foregroundDeletion is a contradiction. */
export function validateFinalizers(finalizers: string[] | undefined, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(finalizers)) return errs;
  let orphan = false;
  let foreground = false;
  for (const f of finalizers) {
    const s = str(f);
    for (const msg of isQualifiedName(s)) errs.push(fieldErrors.invalid(fieldPath, s, msg));
    if (s === FINALIZER_ORPHAN) orphan = true;
    if (s === FINALIZER_FOREGROUND) foreground = true;
  }
  if (orphan && foreground) {
    errs.push(
      new GoShownFieldError(
        fieldPath,
        finalizers,
        `finalizer ${FINALIZER_ORPHAN} and ${FINALIZER_FOREGROUND} cannot be both set`,
        goStringSlice(finalizers.map(str)),
      ),
    );
  }
  return errs;
}

/** pkg/apis/core/validation's validateKubeFinalizerName, run per finalizer with its index. */
function validateKubeFinalizerNames(finalizers: string[] | undefined, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(finalizers)) return errs;
  finalizers.forEach((f, i) => {
    const s = str(f);
    if (!s.includes('/') && !STANDARD_FINALIZERS.has(s)) {
      errs.push(
        fieldErrors.invalid(`${fieldPath}[${i}]`, s, 'name is neither a standard finalizer name nor is it fully qualified'),
      );
    }
  });
  return errs;
}

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrint(ch: string): boolean {
  return ch === ' ' || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch);
}

export function validateFieldManager(manager: string, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  if (byteLength(manager) > FIELD_MANAGER_MAX) errs.push(fieldErrors.tooLong(fieldPath, FIELD_MANAGER_MAX));
  let pos = 0;
  for (const ch of manager) {
    if (!isPrint(ch)) {
      const code = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      errs.push(fieldErrors.invalid(fieldPath, manager, `invalid character U+${code} (at position ${pos})`));
    }
    pos += byteLength(ch);
  }
  return errs;
}

export function validateManagedFields(entries: ManagedFieldsEntry[] | undefined, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(entries)) return errs;
  entries.forEach((e, i) => {
    const p = `${fieldPath}[${i}]`;
    const op = str(e?.operation);
    if (op !== 'Apply' && op !== 'Update') errs.push(fieldErrors.invalid(`${p}.operation`, op, 'must be `Apply` or `Update`'));
    const ft = str(e?.fieldsType);
    if (ft !== '' && ft !== 'FieldsV1') errs.push(fieldErrors.invalid(`${p}.fieldsType`, ft, 'must be `FieldsV1`'));
    errs.push(...validateFieldManager(str(e?.manager), `${p}.manager`));
    if (byteLength(str(e?.subresource)) > SUBRESOURCE_NAME_MAX) {
      errs.push(fieldErrors.tooLong(`${p}.subresource`, SUBRESOURCE_NAME_MAX));
    }
  });
  return errs;
}

function generationOf(m: ObjectMeta): number {
  return typeof m.generation === 'number' ? m.generation : 0;
}

// ---------------------------------------------------------------- entry points

/**
 * ValidateObjectMeta on create, after name generation: generateName (checked as a prefix),
 * name per `rule`, namespace by scope, generation, labels, annotations, ownerReferences,
 * finalizers and managedFields.
 */
export function validateObjectMeta(
  obj: KObject,
  namespaced: boolean,
  rule: NameRule,
  opts: ObjectMetaOptions = {},
): FieldError[] {
  const m: ObjectMeta = obj.metadata ?? {};
  const errs: FieldError[] = [];
  const fn = nameFn(rule);

  const generateName = str(m.generateName);
  if (generateName !== '') {
    for (const msg of fn(generateName, true)) errs.push(fieldErrors.invalid('metadata.generateName', generateName, msg));
  }
  const name = str(m.name);
  if (name === '') {
    errs.push(fieldErrors.required('metadata.name', 'name or generateName is required'));
  } else {
    for (const msg of fn(name, false)) errs.push(fieldErrors.invalid('metadata.name', name, msg));
  }

  const namespace = str(m.namespace);
  if (namespaced) {
    if (namespace === '') errs.push(fieldErrors.required('metadata.namespace'));
    else for (const msg of nameIsDNSLabel(namespace, false)) errs.push(fieldErrors.invalid('metadata.namespace', namespace, msg));
  } else if (namespace !== '') {
    errs.push(fieldErrors.forbidden('metadata.namespace', 'not allowed on this type'));
  }

  const generation = generationOf(m);
  if (generation < 0) errs.push(fieldErrors.invalid('metadata.generation', generation, IS_NEGATIVE));

  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(m.ownerReferences, 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(m.finalizers, 'metadata.finalizers'));
  errs.push(...validateManagedFields(m.managedFields, 'metadata.managedFields'));
  if (opts.kubeFinalizerNames !== false) errs.push(...validateKubeFinalizerNames(m.finalizers, 'metadata.finalizers'));
  return errs;
}

/**
 * ValidateObjectMetaUpdate. Expects the store to have done rest.BeforeUpdate's carrying over
 * first (resourceVersion filled in for unconditional updates, generation, uid and timestamps
 * kept from `old`), as upstream does; otherwise those checks fire here.
 * generateName is not immutable upstream and is not checked.
 */
export function validateObjectMetaUpdate(obj: KObject, old: KObject, opts: ObjectMetaOptions = {}): FieldError[] {
  const m: ObjectMeta = obj.metadata ?? {};
  const o: ObjectMeta = old.metadata ?? {};
  const errs: FieldError[] = [];

  // Finalizers cannot be added once the object is being deleted.
  if (o.deletionTimestamp !== undefined && o.deletionTimestamp !== null) {
    const had = new Set((o.finalizers ?? []).map(str));
    const extra = [...new Set((m.finalizers ?? []).map(str))].filter((f) => !had.has(f)).sort();
    if (extra.length > 0) {
      errs.push(
        fieldErrors.forbidden(
          'metadata.finalizers',
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`,
        ),
      );
    }
  }

  const rv = str(m.resourceVersion);
  if (rv === '') errs.push(fieldErrors.invalid('metadata.resourceVersion', rv, 'must be specified for an update'));

  const gen = generationOf(m);
  if (gen < generationOf(o)) errs.push(fieldErrors.invalid('metadata.generation', gen, 'must not be decremented'));

  for (const f of ['name', 'namespace', 'uid'] as const) {
    const nv = str(m[f]);
    if (nv !== str(o[f])) errs.push(fieldErrors.invalid(`metadata.${f}`, nv, FIELD_IMMUTABLE));
  }

  // metav1.Time is compared as an instant and shown with time.Time's String().
  const nc = timeMs(m.creationTimestamp);
  if (nc !== timeMs(o.creationTimestamp)) {
    errs.push(new GoShownFieldError('metadata.creationTimestamp', m.creationTimestamp ?? null, FIELD_IMMUTABLE, goTimeString(nc)));
  }
  const nd = timeMs(m.deletionTimestamp);
  if (nd !== timeMs(o.deletionTimestamp)) {
    const shown = nd === undefined ? 'null' : goTimeString(nd);
    errs.push(new GoShownFieldError('metadata.deletionTimestamp', m.deletionTimestamp ?? null, FIELD_IMMUTABLE, shown));
  }
  const ng = m.deletionGracePeriodSeconds ?? null;
  const og = o.deletionGracePeriodSeconds ?? null;
  if (ng !== og) errs.push(fieldErrors.invalid('metadata.deletionGracePeriodSeconds', ng, FIELD_IMMUTABLE));

  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(m.ownerReferences, 'metadata.ownerReferences'));
  errs.push(...validateManagedFields(m.managedFields, 'metadata.managedFields'));
  if (opts.kubeFinalizerNames !== false) errs.push(...validateKubeFinalizerNames(m.finalizers, 'metadata.finalizers'));
  return errs;
}
