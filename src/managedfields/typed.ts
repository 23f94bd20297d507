// Schema-aware walks over plain JSON objects, after structured-merge-diff's typed package: the field
// set an object (or an apply configuration) sets, the paths added/modified/removed between two
// versions, the merge of an apply configuration onto a live object, and removal of a set of paths.
import { FieldSet } from './field-set.ts';
import { pathElementText, serializePathElement, type JSONValue, type PathElement } from './path-element.ts';
import { DEDUCED, fieldPlan, type ListPlan, type MapPlan, type TypePlan } from './type-plan.ts';

type Obj = { [k: string]: JSONValue };

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Key fields that default when an item leaves them out, as the built-in schemas declare (ports). */
const KEY_DEFAULTS: Record<string, JSONValue> = { protocol: 'TCP' };

export class TypedError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.length === 1 ? errors[0]! : ['errors:', ...errors.map((e) => `  ${e}`)].join('\n'));
  }
}

/** Errors collected while walking an apply configuration (undeclared fields, bad list items). */
class Problems {
  readonly list: string[] = [];
  add(path: readonly PathElement[], message: string): void {
    const p = path.map(pathElementText).join('');
    this.list.push(p ? `${p}: ${message}` : message);
  }
}

interface ItemRef {
  key: string;
  pe: PathElement;
  value: JSONValue;
}

/** Path elements of a list's items; items that cannot be named are reported (strict) or skipped. */
function listItems(list: JSONValue[], plan: ListPlan, problems?: Problems, path?: PathElement[]): ItemRef[] {
  const out: ItemRef[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i]!;
    let pe: PathElement | undefined;
    if (plan.keys.length > 0) {
      if (!isObj(item)) {
        problems?.add(path!, `element ${i}: associative list with keys may not have non-map elements`);
        continue;
      }
      const fields: [string, JSONValue][] = [];
      for (const k of plan.keys) {
        const v = item[k];
        if (v !== undefined) fields.push([k, v]);
        else if (k in KEY_DEFAULTS) fields.push([k, KEY_DEFAULTS[k]!]);
        else {
          problems?.add(path!, `element ${i}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
          fields.length = 0;
          break;
        }
      }
      if (fields.length === 0) continue;
      fields.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      pe = { type: 'key', fields };
    } else {
      if (item !== null && typeof item === 'object') {
        problems?.add(path!, `element ${i}: associative list without keys has an element that's a ${Array.isArray(item) ? 'list' : 'map'} type`);
        continue;
      }
      pe = { type: 'value', value: item };
    }
    out.push({ key: serializePathElement(pe), pe, value: item });
  }
  return out;
}

function isLeaf(plan: TypePlan, v: JSONValue | undefined): boolean {
  switch (plan.kind) {
    case 'scalar':
      return true;
    case 'deduced':
      return !isObj(v);
    case 'list':
      return plan.relationship === 'atomic' || (v !== undefined && v !== null && !Array.isArray(v));
    case 'map':
      return plan.atomic || (v !== undefined && v !== null && !isObj(v));
  }
}

const emptyish = (v: JSONValue | undefined): boolean =>
  v === undefined || v === null || (Array.isArray(v) ? v.length === 0 : isObj(v) && Object.keys(v).length === 0);

const mapOf = (plan: TypePlan): MapPlan | undefined => (plan.kind === 'map' ? plan : undefined);

// ---- field sets ------------------------------------------------------------------------------

/**
 * The paths `value` sets (upstream's ToFieldSet): scalars and atomic values as members, list items
 * as members with their fields below, struct fields only through what they hold (null or empty maps
 * as members), map entries as members.
 */
export function toFieldSet(value: JSONValue, plan: TypePlan, strict?: string[]): FieldSet {
  const problems = strict ? new Problems() : undefined;
  const out = childSet(value, plan, problems, []) ?? new FieldSet();
  if (problems && strict) strict.push(...problems.list);
  return out;
}

/** The set below one node, or undefined when the node is a leaf or holds nothing. */
function childSet(v: JSONValue, plan: TypePlan, problems: Problems | undefined, path: PathElement[]): FieldSet | undefined {
  if (isLeaf(plan, v) || v === null) return undefined;
  if (plan.kind === 'list') {
    if (!Array.isArray(v)) return undefined;
    const set = new FieldSet();
    const items = listItems(v, plan, problems, path);
    const seen = problems ? new Set<string>() : undefined;
    for (const it of items) {
      if (seen) {
        if (seen.has(it.key)) problems!.add(path, `duplicate entries for key ${pathElementText(it.pe)}`);
        seen.add(it.key);
      }
      const sub = problems ? [...path, it.pe] : path;
      set.insertEntry(it.key, it.pe, true, childSet(it.value, plan.items, problems, sub));
    }
    return set;
  }
  if (!isObj(v)) return undefined;
  const map = mapOf(plan);
  const set = new FieldSet();
  for (const k of Object.keys(v)) {
    const val = v[k]!;
    if (val === undefined) continue;
    const declared = map ? map.declares(k) : false;
    let child: TypePlan;
    if (map) {
      const f = map.field(k);
      if (f) child = f;
      else if (map.elements) child = map.elements;
      else {
        problems?.add([...path, { type: 'field', name: k }], 'field not declared in schema');
        child = DEDUCED;
      }
    } else child = DEDUCED;
    const pe: PathElement = { type: 'field', name: k };
    const sub = problems ? [...path, pe] : path;
    const below = childSet(val, child, problems, sub);
    const member = isLeaf(child, val) || val === null || (isObj(val) && Object.keys(val).length === 0) || !declared;
    set.insertEntry(`f:${k}`, pe, member, below);
  }
  return set;
}

// ---- comparison ------------------------------------------------------------------------------

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * What changed from `lhs` to `rhs` (upstream's TypedValue.Compare). Paths under a member of `skip`
 * are not looked at: callers filter them out anyway (fields the strategy resets).
 */
export function compare(lhs: JSONValue, rhs: JSONValue, plan: TypePlan, skip?: FieldSet): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(lhs, rhs, plan, { pes: [], keys: [] }, c, skip);
  return c;
}

/** The part of `skip` below `key`, or 'all' when `key` itself is skipped. */
function skipBelow(skip: FieldSet | undefined, key: string): FieldSet | undefined | 'all' {
  const e = skip?.child(key);
  if (!e) return undefined;
  return e.member ? 'all' : e.children;
}

/** The path walked so far, with each element's serialised key alongside. */
interface WalkPath {
  pes: PathElement[];
  keys: string[];
}

function push(path: WalkPath, pe: PathElement, key: string): void {
  path.pes.push(pe);
  path.keys.push(key);
}

function pop(path: WalkPath): void {
  path.pes.pop();
  path.keys.pop();
}

function walkCompare(l: JSONValue | undefined, r: JSONValue | undefined, plan: TypePlan, path: WalkPath, c: Comparison, skip?: FieldSet): void {
  const leaf =
    isLeaf(plan, l) || isLeaf(plan, r) || ((plan.kind === 'map' || plan.kind === 'list' || plan.kind === 'deduced') && emptyish(l) && emptyish(r));
  if (leaf) {
    if (l === undefined) c.added.insertKeyed(path.pes, path.keys);
    else if (r === undefined) c.removed.insertKeyed(path.pes, path.keys);
    else if (!deepEqual(l, r)) c.modified.insertKeyed(path.pes, path.keys);
    return;
  }
  if (plan.kind === 'list') {
    const la = Array.isArray(l) ? listItems(l, plan) : [];
    const ra = Array.isArray(r) ? listItems(r, plan) : [];
    const rByKey = new Map(ra.map((i) => [i.key, i]));
    const lKeys = new Set<string>();
    for (const li of la) {
      lKeys.add(li.key);
      push(path, li.pe, li.key);
      walkCompare(li.value, rByKey.get(li.key)?.value, plan.items, path, c);
      pop(path);
    }
    for (const ri of ra) {
      if (lKeys.has(ri.key)) continue;
      push(path, ri.pe, ri.key);
      walkCompare(undefined, ri.value, plan.items, path, c);
      pop(path);
    }
  } else {
    const lo = isObj(l) ? l : undefined;
    const ro = isObj(r) ? r : undefined;
    const map = mapOf(plan);
    if (lo) {
      for (const k of Object.keys(lo)) {
        if (lo[k] === undefined) continue;
        const key = `f:${k}`;
        const below = skipBelow(skip, key);
        if (below === 'all') continue;
        push(path, { type: 'field', name: k }, key);
        walkCompare(lo[k], ro?.[k], map ? fieldPlan(map, k) : DEDUCED, path, c, below);
        pop(path);
      }
    }
    if (ro) {
      for (const k of Object.keys(ro)) {
        if (ro[k] === undefined || (lo && lo[k] !== undefined)) continue;
        const key = `f:${k}`;
        const below = skipBelow(skip, key);
        if (below === 'all') continue;
        push(path, { type: 'field', name: k }, key);
        walkCompare(undefined, ro[k], map ? fieldPlan(map, k) : DEDUCED, path, c, below);
        pop(path);
      }
    }
  }
  if (l === undefined) c.added.insertKeyed(path.pes, path.keys);
  else if (r === undefined) c.removed.insertKeyed(path.pes, path.keys);
}

export function deepEqual(a: JSONValue | undefined, b: JSONValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!deepEqual(a[k], b[k])) return false;
  return true;
}

// ---- merge -----------------------------------------------------------------------------------

/** The apply configuration `rhs` merged onto the live `lhs` (upstream's TypedValue.Merge, keep-RHS). */
export function merge(l: JSONValue | undefined, r: JSONValue | undefined, plan: TypePlan): JSONValue | undefined {
  if (r === undefined) return l;
  if (l === undefined) return stripNulls(r, plan);
  const leaf = isLeaf(plan, l) || isLeaf(plan, r) || (emptyish(l) && emptyish(r));
  if (leaf) return stripNulls(r, plan);
  if (plan.kind === 'list') return mergeList(Array.isArray(l) ? l : [], Array.isArray(r) ? r : [], plan);
  const lo = isObj(l) ? l : {};
  const ro = isObj(r) ? r : {};
  const map = mapOf(plan);
  const out: Obj = {};
  for (const k of Object.keys(lo)) if (lo[k] !== undefined) out[k] = lo[k]!;
  for (const k of Object.keys(ro)) {
    const v = merge(lo[k], ro[k], map ? fieldPlan(map, k) : DEDUCED);
    // Typed structs have no null fields: Go's decoder leaves the field unset.
    if (v === undefined || (v === null && map?.typed && map.declares(k))) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** An applied value as the typed object keeps it: null fields of typed structs dropped. */
function stripNulls(v: JSONValue, plan: TypePlan): JSONValue {
  if (Array.isArray(v)) {
    if (plan.kind !== 'list') return v;
    return v.map((i) => stripNulls(i, plan.items));
  }
  if (!isObj(v)) return v;
  const map = mapOf(plan);
  if (!map) return v;
  const out: Obj = {};
  for (const k of Object.keys(v)) {
    const val = v[k]!;
    if (val === null && map.typed && map.declares(k)) continue;
    out[k] = stripNulls(val, fieldPlan(map, k));
  }
  return out;
}

/** Associative list merge: shared items in the configuration's order, live-only items kept in place. */
function mergeList(l: JSONValue[], r: JSONValue[], plan: ListPlan): JSONValue[] {
  const li = listItems(l, plan);
  const ri = listItems(r, plan);
  const lBy = new Map<string, JSONValue>();
  for (const i of li) if (!lBy.has(i.key)) lBy.set(i.key, i.value);
  const rBy = new Map<string, JSONValue>();
  for (const i of ri) rBy.set(i.key, i.value);
  const shared = ri.filter((i) => lBy.has(i.key)).map((i) => i.key);
  let s = 0;
  let nextShared: string | undefined = shared[s++];
  const mergedR = new Set<string>();
  const out: JSONValue[] = [];
  const item = (k: string) => {
    const v = merge(lBy.get(k), rBy.get(k), plan.items);
    if (v !== undefined) out.push(v);
  };
  let lI = 0;
  let rI = 0;
  while (lI < li.length || rI < ri.length) {
    if (lI < li.length && rI < ri.length) {
      const lk = li[lI]!.key;
      if (lk === ri[rI]!.key) {
        mergedR.add(lk);
        item(lk);
        lI++;
        rI++;
        nextShared = shared[s++];
        continue;
      }
      if (rBy.has(lk) && nextShared !== undefined && nextShared !== lk) {
        lI++;
        continue;
      }
    }
    if (lI < li.length) {
      const lk = li[lI]!.key;
      if (!rBy.has(lk)) {
        out.push(li[lI]!.value);
        lI++;
        continue;
      }
      if (mergedR.has(lk)) {
        lI++;
        continue;
      }
    }
    if (rI < ri.length) {
      const rk = ri[rI]!.key;
      mergedR.add(rk);
      item(rk);
      rI++;
      if (nextShared === rk) nextShared = shared[s++];
      continue;
    }
    // Only a live item the configuration also holds remains; it was merged already or is skipped.
    lI++;
  }
  return out;
}

// ---- removal ---------------------------------------------------------------------------------

/**
 * `value` without the paths of `set` (upstream's RemoveItems). A map or list emptied by the removal
 * goes too, as the typed object would drop an empty optional field.
 */
export function removeItems(value: JSONValue, set: FieldSet, plan: TypePlan): JSONValue | undefined {
  if (set.empty || isLeaf(plan, value) || value === null) return value;
  if (plan.kind === 'list') {
    if (!Array.isArray(value)) return value;
    const out: JSONValue[] = [];
    let changed = false;
    for (const it of listItems(value, plan)) {
      const e = set.child(it.key);
      if (!e) {
        out.push(it.value);
        continue;
      }
      changed = true;
      if (e.member) continue;
      const v = e.children ? removeItems(it.value, e.children, plan.items) : it.value;
      if (v !== undefined) out.push(v);
    }
    if (!changed) return value;
    return out.length > 0 ? out : undefined;
  }
  if (!isObj(value)) return value;
  const map = mapOf(plan);
  const out: Obj = {};
  let changed = false;
  for (const k of Object.keys(value)) {
    const e = set.child(`f:${k}`);
    if (!e) {
      out[k] = value[k]!;
      continue;
    }
    changed = true;
    if (e.member) continue;
    const v = e.children ? removeItems(value[k]!, e.children, map ? fieldPlan(map, k) : DEDUCED) : value[k];
    if (v !== undefined) out[k] = v;
  }
  if (!changed) return value;
  return Object.keys(out).length > 0 ? out : undefined;
}
