// The checks the custom resource strategy runs after schema validation: embedded resources carry a
// valid apiVersion and kind (pkg/apiserver/schema/objectmeta/validation.go), and lists of type set or
// map hold no duplicates (pkg/apiserver/schema/listtype/validation.go). Field paths are built as
// field.Path does: `.name` for properties, `[key]` for map values, `[i]` for list items.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { isDNS1035Label } from '../../api/names.ts';
import { canonicalJSON, type CompiledSchema } from './compile.ts';

type JSONObject = Record<string, unknown>;
const isObject = (v: unknown): v is JSONObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const child = (path: string, k: string): string => (path === '' ? k : `${path}.${k}`);
const key = (path: string, k: string): string => `${path}[${k}]`;
const index = (path: string, i: number): string => `${path}[${i}]`;

// ---------------------------------------------------------------- embedded resources

function validateEmbedded(path: string, x: JSONObject, errs: FieldError[]): void {
  if (!('apiVersion' in x)) errs.push(fieldErrors.required(child(path, 'apiVersion')));
  if (!('kind' in x)) errs.push(fieldErrors.required(child(path, 'kind')));
  for (const k of Object.keys(x)) {
    const v = x[k];
    if (k === 'apiVersion') {
      if (typeof v !== 'string') errs.push(fieldErrors.invalid(child(path, k), v, 'must be a string'));
      else if (v === '') errs.push(fieldErrors.required(child(path, k)));
      else if (v.split('/').length > 2) {
        errs.push(fieldErrors.invalid(child(path, k), v, `unexpected GroupVersion string: ${v}`));
      }
    } else if (k === 'kind') {
      if (typeof v !== 'string') errs.push(fieldErrors.invalid(child(path, k), v, 'must be a string'));
      else if (v === '') errs.push(fieldErrors.required(child(path, k)));
      else {
        const msgs = isDNS1035Label(v.toLowerCase());
        if (msgs.length > 0) {
          errs.push(fieldErrors.invalid(child(path, k), v, `may have mixed case, but should otherwise match: ${msgs.join(',')}`));
        }
      }
    }
  }
}

export function checkEmbedded(path: string, x: unknown, s: CompiledSchema | undefined, errs: FieldError[]): void {
  if (s === undefined || !s.subtreeHasEmbedded) return;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) checkEmbedded(index(path, i), x[i], s.items, errs);
    return;
  }
  if (!isObject(x)) return;
  if (s.embeddedResource) validateEmbedded(path, x, errs);
  const additional = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  for (const k of Object.keys(x)) {
    const prop = s.properties?.get(k);
    if (prop !== undefined) checkEmbedded(child(path, k), x[k], prop, errs);
    else if (additional !== undefined) checkEmbedded(key(path, k), x[k], additional, errs);
  }
}

// ---------------------------------------------------------------- list-type set and map

/** A missing key and a null item are distinct from every JSON value, and equal to each other. */
const UNSPECIFIED = '\u0000unspecified';

function duplicateIndices(keys: string[]): number[] {
  const times = new Map<string, number>();
  const out: number[] = [];
  keys.forEach((k, i) => {
    const n = times.get(k) ?? 0;
    if (n === 1) out.push(i);
    times.set(k, n + 1);
  });
  return out;
}

function checkListMap(path: string, s: CompiledSchema, list: unknown[], errs: FieldError[]): void {
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (x !== null && !isObject(x)) {
      errs.push(fieldErrors.invalid(index(path, i), x, 'must be an object for an array of list-type map'));
      return;
    }
  }
  if (list.length <= 1) return;
  const keyFields = s.listMapKeys;
  if (keyFields.length === 1) {
    const f = keyFields[0]!;
    const keys = list.map((x) => (isObject(x) && f in x ? canonicalJSON(x[f]) : UNSPECIFIED));
    for (const i of duplicateIndices(keys)) {
      const x = list[i];
      errs.push(fieldErrors.duplicate(index(path, i), isObject(x) && f in x ? { [f]: x[f] } : {}));
    }
    return;
  }
  const keyObjects = list.map((x) => {
    const k: JSONObject = {};
    if (isObject(x)) for (const f of keyFields) if (f in x) k[f] = x[f];
    return k;
  });
  for (const i of duplicateIndices(keyObjects.map(canonicalJSON))) {
    errs.push(fieldErrors.duplicate(index(path, i), keyObjects[i]));
  }
}

export function checkLists(path: string, x: unknown, s: CompiledSchema | undefined, errs: FieldError[]): void {
  if (s === undefined || !s.subtreeHasListChecks) return;
  if (Array.isArray(x)) {
    if (s.listType === 'set') {
      if (x.length > 1) for (const i of duplicateIndices(x.map(canonicalJSON))) errs.push(fieldErrors.duplicate(index(path, i), x[i]));
    } else if (s.listType === 'map') {
      checkListMap(path, s, x, errs);
    }
    if (s.items !== undefined) for (let i = 0; i < x.length; i++) checkLists(index(path, i), x[i], s.items, errs);
    return;
  }
  if (!isObject(x)) return;
  // Upstream visits additionalProperties before properties.
  if (typeof s.additionalProperties === 'object') {
    for (const k of Object.keys(x)) checkLists(key(path, k), x[k], s.additionalProperties, errs);
  }
  if (s.properties !== undefined) {
    for (const k of Object.keys(x)) {
      const prop = s.properties.get(k);
      if (prop !== undefined) checkLists(child(path, k), x[k], prop, errs);
    }
  }
}
