// Strategic merge patch (application/strategic-merge-patch+json) as kube-apiserver applies it to built-in
// types: apimachinery's strategicpatch mergeMap with MergeParallelList and IgnoreUnmatchedNulls, the
// behaviour of release 1.35 (the release /version reports).
//
// Upstream reads patch metadata from Go struct tags, which the OpenAPI schema mirrors as
// x-kubernetes-patch-strategy and x-kubernetes-patch-merge-key. Only those two drive the merge:
// x-kubernetes-list-type, x-kubernetes-list-map-keys and x-kubernetes-map-type are server-side-apply
// metadata the struct-tag path never consults, so a `+listType=map` list without a merge key is replaced
// and an atomic map (Service.spec.selector, PodSpec.nodeSelector) is merged key by key, exactly as
// kube-apiserver does.
//
// One deliberate difference: where both sides hold a map or a list under a field the schema does not
// describe, upstream fails ("unable to find api field in struct X for the json field ..."; a 500), since
// its typed objects never carry such fields. Stored objects here can only reach that under free-form
// fields (RawExtension-like, preserve-unknown-fields) or a schema gap, and there maps merge and lists
// replace, as they do without any schema.
//
// Contract: neither input is mutated. The result is a new object along every path the patch touched;
// untouched subtrees are shared with `original`, and values taken from the patch are shared with `patch`.
// Like upstream's raw mergeMap output, the result can still carry directive keys in the corners upstream
// leaves them (a `$retainKeys` inside a map the original lacked, `$patch` markers inside lists whose
// strategy is replace, new list elements appended as sent). Upstream's typed decode then treats them as
// unknown fields, so callers must apply their unknown-field handling to the result to match it.
import type { SchemaNode } from '../api/schema/types.ts';

type JSONMap = Record<string, unknown>;

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

/**
 * HTTP status kube-apiserver answers with. 400 and 422 are the errors upstream's patch handler
 * translates (interpretStrategicMergePatchError); every other strategicpatch error reaches the client
 * as a plain Go error, which the apiserver turns into a 500 Status with an empty reason.
 */
export type StrategicMergePatchErrorCode = 400 | 422 | 500;

export class StrategicMergePatchError extends Error {
  readonly code: StrategicMergePatchErrorCode;
  /** Status.reason upstream puts on the response. */
  readonly reason: 'BadRequest' | 'Invalid' | '';
  /**
   * Status.message upstream puts on the response. For 422 upstream builds a generic server response
   * that keeps only its stock sentence and drops the detail (recalled from apimachinery's
   * NewGenericServerResponse, not observed); everywhere else it is the error text itself.
   */
  readonly statusMessage: string;

  constructor(message: string, code: StrategicMergePatchErrorCode) {
    super(message);
    this.name = 'StrategicMergePatchError';
    this.code = code;
    this.reason = code === 400 ? 'BadRequest' : code === 422 ? 'Invalid' : '';
    this.statusMessage = code === 422 ? 'the server rejected our request due to an error in our request' : message;
  }
}

export type StrategicMergePatchResult = { ok: true; value: unknown } | { ok: false; error: StrategicMergePatchError };

/**
 * Applies a strategic merge patch to `original`, steered by `schema` (the resource's root schema).
 * Without a schema, or below a field the schema does not describe, maps merge and lists replace.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: SchemaNode | undefined): unknown {
  if (!isMap(patch)) {
    // A JSON null decodes to a nil map upstream, which leaves the object as it was.
    if (patch === null) return mergeMap(isMap(original) ? original : undefined, {}, schema);
    throw new StrategicMergePatchError(
      `json: cannot unmarshal ${jsonKind(patch)} into Go value of type map[string]interface {}`,
      400,
    );
  }
  return mergeMap(isMap(original) ? original : undefined, patch, schema);
}

/** The same, for callers that would rather branch than catch. */
export function tryApplyStrategicMergePatch(
  original: unknown,
  patch: unknown,
  schema: SchemaNode | undefined,
): StrategicMergePatchResult {
  try {
    return { ok: true, value: applyStrategicMergePatch(original, patch, schema) };
  } catch (err) {
    if (err instanceof StrategicMergePatchError) return { ok: false, error: err };
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------
// Errors, worded as mergepatch and strategicpatch word them.

function badRequest(message: string): StrategicMergePatchError {
  return new StrategicMergePatchError(message, 400);
}

function internal(message: string): StrategicMergePatchError {
  return new StrategicMergePatchError(message, 500);
}

const badRetainKeys = (): StrategicMergePatchError => badRequest('invalid patch format of retainKeys');
const badPrimitiveList = (): StrategicMergePatchError => badRequest('invalid patch format of primitive list');
const badSetElementOrder = (): StrategicMergePatchError => badRequest('invalid patch format of setElementOrder list');

function noMergeKey(m: JSONMap, key: string): StrategicMergePatchError {
  return internal(`map: ${goFormat(m, 'v')} does not contain declared merge key: ${key}`);
}

function badArgType(expected: 'map[string]interface {}' | '[]interface {}', actual: unknown): StrategicMergePatchError {
  return internal(`expected a ${expected}, but received a ${goTypeName(actual)}`);
}

function unknownPatchType(directive: unknown, m: JSONMap): StrategicMergePatchError {
  return internal(`unknown patch type: ${goFormat(directive, 's')} in map: ${goFormat(m, 'v')}`);
}

// ---------------------------------------------------------------------------------------------------
// Schema lookups.

interface PatchMeta {
  strategy: string;
  mergeKey: string;
  error?: string;
}

const NO_META: PatchMeta = { strategy: '', mergeKey: '' };
const metaCache = new WeakMap<SchemaNode, PatchMeta>();

function fieldSchema(node: SchemaNode | undefined, key: string): SchemaNode | undefined {
  if (!node) return undefined;
  const props = node.properties;
  if (props && Object.hasOwn(props, key)) return props[key];
  return node.additionalProperties;
}

/** The non-retainKeys strategy of a field; `retainKeys` itself needs no lookup since `$retainKeys` carries it. */
function patchMeta(node: SchemaNode | undefined): PatchMeta {
  if (!node) return NO_META;
  let meta = metaCache.get(node);
  if (!meta) {
    meta = parsePatchMeta(node);
    metaCache.set(node, meta);
  }
  if (meta.error) throw internal(meta.error);
  return meta;
}

function parsePatchMeta(node: SchemaNode): PatchMeta {
  const mergeKey = node.patchMergeKey ?? '';
  const strategies = node.patchStrategy === undefined ? [] : node.patchStrategy.split(',');
  const unexpected = { strategy: '', mergeKey, error: `unexpected patch strategy: [${strategies.join(' ')}]` };
  switch (strategies.length) {
    case 0:
      return { strategy: '', mergeKey };
    case 1:
      return { strategy: strategies[0] === 'retainKeys' ? '' : strategies[0], mergeKey };
    case 2:
      if (strategies[0] === 'retainKeys') return { strategy: strategies[1], mergeKey };
      if (strategies[1] === 'retainKeys') return { strategy: strategies[0], mergeKey };
      return unexpected;
    default:
      return unexpected;
  }
}

/** The Go kind name upstream prints for a list's element type. */
function elementKindName(node: SchemaNode | undefined): string {
  if (!node) return 'interface';
  if (node.properties || node.intOrString) return 'struct';
  if (node.additionalProperties) return 'map';
  switch (node.type) {
    case 'object':
      return 'struct';
    case 'array':
      return 'slice';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float64';
    case 'integer':
      return node.format === 'int32' ? 'int32' : 'int64';
    default:
      return 'interface';
  }
}

// ---------------------------------------------------------------------------------------------------
// Maps.

function mergeMap(original: JSONMap | undefined, patch: JSONMap, schema: SchemaNode | undefined): JSONMap {
  if (Object.hasOwn(patch, DIRECTIVE)) return mapDirective(patch);

  const out: JSONMap = original ? { ...original } : {};
  if (Object.hasOwn(patch, RETAIN_KEYS)) applyRetainKeys(out, patch);

  let consumed: Set<string> | undefined;
  for (const key in patch) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const listKey = applySetElementOrder(out, patch, key, schema);
    if (listKey !== undefined) (consumed ??= new Set()).add(listKey);
  }

  // Upstream walks a Go map, so when a list and its deletion list both name one value the outcome
  // depends on visiting order there; patch order here is one of the outcomes it can produce.
  for (const key in patch) {
    if (key === RETAIN_KEYS || key.startsWith(SET_ELEMENT_ORDER) || consumed?.has(key)) continue;
    const patchV = patch[key];
    let k = key;
    let isDeleteList = false;
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      const stripped = extractKey(key, DELETE_FROM_PRIMITIVE_LIST);
      if (stripped === undefined) throw badPrimitiveList();
      // Upstream keeps the prefixed key when nothing follows the slash.
      if (stripped !== '') k = stripped;
      isDeleteList = true;
    }

    if (patchV === null) {
      delete out[k];
      continue;
    }
    if (!Object.hasOwn(out, k)) {
      if (!isDeleteList) setNewValue(out, k, patchV);
      continue;
    }
    const current = out[k];
    const kind = goKind(current);
    if (kind !== goKind(patchV)) {
      if (!isDeleteList) setNewValue(out, k, patchV);
      continue;
    }
    if (kind === 'map') {
      const field = fieldSchema(schema, k);
      const { strategy } = patchMeta(field);
      setKey(out, k, strategy === 'replace' ? patchV : mergeMap(current as JSONMap, patchV as JSONMap, field));
    } else if (kind === 'slice') {
      const field = fieldSchema(schema, k);
      const meta = patchMeta(field);
      setKey(out, k, mergeSliceHandler(current as unknown[], patchV as unknown[], field, meta, isDeleteList));
    } else {
      setKey(out, k, patchV);
    }
  }
  return out;
}

function mapDirective(patch: JSONMap): JSONMap {
  const directive = patch[DIRECTIVE];
  if (directive === 'replace') {
    // Upstream hands back the patch itself, nested directives and nulls included.
    const out: JSONMap = {};
    for (const k in patch) if (k !== DIRECTIVE) setKey(out, k, patch[k]);
    return out;
  }
  if (directive === 'delete') return {};
  throw unknownPatchType(directive, patch);
}

function applyRetainKeys(out: JSONMap, patch: JSONMap): void {
  const list = patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badRetainKeys();
  const retain = new Set<unknown>(list);
  for (const k in patch) {
    if (k === RETAIN_KEYS) continue;
    if (patch[k] === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!retain.has(k)) throw badRetainKeys();
  }
  for (const k of Object.keys(out)) if (!retain.has(k)) delete out[k];
}

/**
 * Merges the list a `$setElementOrder/<field>` names and puts it in the order the directive gives.
 * Returns the field it settled, so the main pass leaves that field alone.
 */
function applySetElementOrder(out: JSONMap, patch: JSONMap, key: string, schema: SchemaNode | undefined): string | undefined {
  const order = patch[key];
  if (!Array.isArray(order)) throw badArgType('[]interface {}', order);
  const listKey = extractKey(key, SET_ELEMENT_ORDER);
  if (listKey === undefined) throw badSetElementOrder();

  const foundOriginal = Object.hasOwn(out, listKey);
  const foundPatch = Object.hasOwn(patch, listKey);
  let originalList: unknown[] | undefined;
  let patchList: unknown[] | undefined;
  if (foundOriginal) {
    const v = out[listKey];
    if (!Array.isArray(v)) throw badArgType('[]interface {}', v);
    originalList = v;
  }
  if (foundPatch) {
    const v = patch[listKey];
    if (!Array.isArray(v)) throw badArgType('[]interface {}', v);
    patchList = v;
  }
  const field = fieldSchema(schema, listKey);
  const meta = patchMeta(field);
  const mergeKey = meta.mergeKey;
  validatePatchAgainstOrder(patchList, order, mergeKey);

  let merged: unknown[];
  if (originalList && !patchList) merged = originalList;
  else if (!originalList && patchList) merged = cleanNewValue(patchList, false) as unknown[];
  else if (originalList && patchList) merged = mergeSliceHandler(originalList, patchList, field, meta, false);
  else return undefined;

  const [patchItems, serverOnly] = mergeKey
    ? partitionMaps(merged, order, mergeKey)
    : partitionPrimitives(merged, order);
  const kind = sliceElementKind([originalList ?? [], patchList ?? []]);
  let serverOrder = originalList ?? [];
  if (originalList && patchList && meta.strategy === 'merge' && kind === 'map') {
    serverOrder = overwrittenOriginal(originalList, patchList, mergeKey);
  }
  setKey(out, listKey, normalizeElementOrder(patchItems, serverOnly, order, serverOrder, mergeKey, kind));
  return listKey;
}

/**
 * Upstream removes list elements in place and appends new ones into the room that frees, on the very
 * array this pass then reads as the server's order. Where server-only elements land after a merge
 * that both deletes and adds (kubectl apply swapping a container next to an injected sidecar) depends
 * on that, so this replays what the array holds: deletions shift the tail left and leave its last slot
 * as it was, appends fill the freed slots, and the first append past the end moves to a new array.
 */
function overwrittenOriginal(original: unknown[], patch: unknown[], mergeKey: string): unknown[] {
  if (!patch.some((v) => (v as JSONMap)[DIRECTIVE] === 'delete')) return original;
  const slots = original.slice();
  let len = slots.length;
  const indexOf = (value: unknown): number => {
    for (let i = 0; i < len; i++) {
      const e = slots[i] as JSONMap;
      if (Object.hasOwn(e, mergeKey) && e[mergeKey] === value) return i;
    }
    return -1;
  };
  const rest: JSONMap[] = [];
  let replace = false;
  for (const v of patch as JSONMap[]) {
    if (!Object.hasOwn(v, DIRECTIVE)) rest.push(v);
    else if (v[DIRECTIVE] === 'replace') replace = true;
    else if (v[DIRECTIVE] === 'delete') {
      for (let i = indexOf(v[mergeKey]); i >= 0; i = indexOf(v[mergeKey])) {
        slots.copyWithin(i, i + 1, len);
        len--;
      }
    }
  }
  if (replace) return slots;
  for (const v of rest) {
    if (indexOf(v[mergeKey]) >= 0) continue;
    if (len === slots.length) break;
    slots[len++] = v;
  }
  return slots;
}

/**
 * The patch list, deletions aside, must be a subsequence of the order list, so that the order cannot
 * contradict the patch.
 */
function validatePatchAgainstOrder(patchList: unknown[] | undefined, order: unknown[], mergeKey: string): void {
  if (!patchList || patchList.length === 0 || order.length === 0) return;
  let kept = patchList;
  if (mergeKey) {
    kept = [];
    for (const v of patchList) {
      if (!isMap(v)) throw badArgType('map[string]interface {}', v);
      if (v[DIRECTIVE] !== 'delete') kept.push(v);
    }
  }
  let pi = 0;
  let si = 0;
  while (pi < kept.length && si < order.length) {
    const item = kept[pi];
    if (isMap(item) && Object.hasOwn(item, DIRECTIVE)) {
      pi++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[si], mergeKey)) pi++;
    si++;
  }
  if (pi < kept.length && si >= order.length) {
    throw internal(
      `The order in patch list:\n${goFormat(patchList, 'v')}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order, 'v')}\n`,
    );
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isMap(left)) throw badArgType('map[string]interface {}', left);
  if (!isMap(right)) throw badArgType('map[string]interface {}', right);
  if (!Object.hasOwn(left, mergeKey)) throw noMergeKey(left, mergeKey);
  if (!Object.hasOwn(right, mergeKey)) throw noMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/** Splits `<prefix>/<field>`; undefined when the key is not of that shape. */
function extractKey(key: string, prefix: string): string | undefined {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) return undefined;
  return key.slice(slash + 1);
}

// ---------------------------------------------------------------------------------------------------
// Lists.

function mergeSliceHandler(
  original: unknown[],
  patch: unknown[],
  field: SchemaNode | undefined,
  meta: PatchMeta,
  isDeleteList: boolean,
): unknown[] {
  // A deletion list works on any list, whatever its strategy.
  if (meta.strategy === 'merge' || isDeleteList) return mergeSlice(original, patch, field?.items, meta.mergeKey, isDeleteList);
  return patch;
}

function mergeSlice(
  original: unknown[],
  patch: unknown[],
  items: SchemaNode | undefined,
  mergeKey: string,
  isDeleteList: boolean,
): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind([original, patch]);

  if (kind !== 'map') {
    if (isDeleteList) return deleteFromSlice(original, patch);
    const merged = [...new Set([...original, ...patch])];
    const [patchItems, serverOnly] = mergeKey ? partitionMaps(merged, patch, mergeKey) : partitionPrimitives(merged, patch);
    return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
  }

  if (!mergeKey) throw internal(`cannot merge lists without merge key for ${elementKindName(items)}`);
  const [base, rest] = applyListDirectives(original as JSONMap[], patch as JSONMap[], mergeKey);
  const merged = mergeByKey(base, rest, mergeKey, items);
  const [patchItems, serverOnly] = partitionMaps(merged, rest, mergeKey);
  return normalizeElementOrder(patchItems, serverOnly, rest, base, mergeKey, kind);
}

/**
 * Handles the elements that carry `$patch`: deletions remove every original element with that key, and
 * a `{"$patch": "replace"}` element makes the rest of the patch list the whole list.
 * Returns the list to merge into and the patch elements left to merge.
 */
function applyListDirectives(original: JSONMap[], patch: JSONMap[], mergeKey: string): [JSONMap[], JSONMap[]] {
  const rest: JSONMap[] = [];
  let base = original;
  let replace = false;
  for (const v of patch) {
    if (!Object.hasOwn(v, DIRECTIVE)) {
      rest.push(v);
      continue;
    }
    const directive = v[DIRECTIVE];
    if (directive === 'delete') {
      if (!Object.hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
      const doomed = v[mergeKey];
      base = base.filter((e) => !(Object.hasOwn(e, mergeKey) && e[mergeKey] === doomed));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw internal('merging lists cannot yet be specified in the patch');
    } else {
      throw unknownPatchType(directive, v);
    }
  }
  return replace ? [rest, []] : [base, rest];
}

/** Merges each patch element into the first original element with the same key, or appends it. */
function mergeByKey(original: JSONMap[], patch: JSONMap[], mergeKey: string, items: SchemaNode | undefined): JSONMap[] {
  if (patch.length === 0) return original;
  const out = original.slice();
  const at = new Map<unknown, number>();
  for (let i = 0; i < out.length; i++) {
    const e = out[i];
    if (Object.hasOwn(e, mergeKey) && !at.has(e[mergeKey])) at.set(e[mergeKey], i);
  }
  for (const v of patch) {
    if (!Object.hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
    const value = v[mergeKey];
    const i = at.get(value);
    if (i === undefined) {
      at.set(value, out.length);
      out.push(v);
    } else {
      out[i] = mergeMap(out[i], v, items);
    }
  }
  return out;
}

function deleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  const doomed = new Set(toDelete);
  return current.filter((v) => !doomed.has(v));
}

function partitionPrimitives(list: unknown[], by: unknown[]): [unknown[], unknown[]] {
  const inBy = new Set(by);
  const inside: unknown[] = [];
  const outside: unknown[] = [];
  for (const v of list) (inBy.has(v) ? inside : outside).push(v);
  return [inside, outside];
}

function partitionMaps(list: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const inside: unknown[] = [];
  const outside: unknown[] = [];
  if (list.length === 0) return [inside, outside];
  // Upstream scans `by` front to back for every element and fails on the first non-map it meets
  // before a match.
  let firstNonMap = -1;
  const keys = new Map<unknown, number>();
  for (let i = 0; i < by.length; i++) {
    const e = by[i];
    if (!isMap(e)) {
      if (firstNonMap < 0) firstNonMap = i;
      continue;
    }
    if (Object.hasOwn(e, mergeKey) && !keys.has(e[mergeKey])) keys.set(e[mergeKey], i);
  }
  for (const v of list) {
    if (!isMap(v)) throw badArgType('map[string]interface {}', v);
    if (!Object.hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
    const at = keys.get(v[mergeKey]);
    const found = at !== undefined && (firstNonMap < 0 || at < firstNonMap);
    if (!found && firstNonMap >= 0) throw internal(`value for key ${firstNonMap} is not a map`);
    (found ? inside : outside).push(v);
  }
  return [inside, outside];
}

type GoKind = 'map' | 'slice' | 'string' | 'bool' | 'int64' | 'float64' | 'nil';

/** The one Go type every element of the lists shares; upstream refuses mixed lists and lists of lists. */
function sliceElementKind(lists: unknown[][]): GoKind {
  let kind: GoKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = goKind(v);
      if (kind === undefined) {
        // A leading null has no Go type; upstream dereferences it and panics, which surfaces as a 500.
        if (k === 'nil') throw internal('runtime error: invalid memory address or nil pointer dereference');
        if (k === 'slice') throw new StrategicMergePatchError('lists of lists are not supported', 422);
        kind = k;
      } else if (k !== kind) {
        throw internal(`list element types are not identical: ${goFormat(lists, 'v')}`);
      }
    }
  }
  if (kind === undefined) throw internal('no elements in any of the given slices');
  return kind;
}

// ---------------------------------------------------------------------------------------------------
// Ordering. Items named by the patch (or by `$setElementOrder`) follow that order; the server's other
// items keep their relative order and are woven back in by their position in the original list. An item
// the original does not know wins every comparison, which is why elements new to a list land before the
// remaining server items rather than after them.

type Position = (item: unknown) => number;

function positionIn(list: unknown[], mergeKey: string, kind: GoKind): Position {
  const first = new Map<unknown, number>();
  const keyOf = kind === 'map' ? (v: unknown) => (isMap(v) ? (v[mergeKey] ?? null) : null) : (v: unknown) => v;
  for (let i = 0; i < list.length; i++) {
    const k = keyOf(list[i]);
    if (!first.has(k)) first.set(k, i);
  }
  return (item) => first.get(keyOf(item)) ?? -1;
}

function normalizeElementOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: GoKind,
): unknown[] {
  const serverPos = positionIn(serverOrder, mergeKey, kind);
  const sortedPatch = sortByOrder(patchItems, patchOrder, positionIn(patchOrder, mergeKey, kind), mergeKey, kind);
  const sortedServer = sortByOrder(serverOnly, serverOrder, serverPos, mergeKey, kind);
  return weave(sortedServer, sortedPatch, serverPos);
}

function sortByOrder(toSort: unknown[], order: unknown[], pos: Position, mergeKey: string, kind: GoKind): unknown[] {
  let deletions: unknown[] = [];
  let items = toSort;
  if (kind === 'map') {
    for (const list of [toSort, order]) {
      for (const item of list) {
        if (!isMap(item)) throw badArgType('map[string]interface {}', item);
        if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      }
    }
    if (toSort.some((v) => (v as JSONMap)[DIRECTIVE] === 'delete')) {
      items = toSort.filter((v) => (v as JSONMap)[DIRECTIVE] !== 'delete');
      deletions = toSort.filter((v) => (v as JSONMap)[DIRECTIVE] === 'delete');
    }
  }
  if (items.length < 2) return items.concat(deletions);
  const positions = items.map(pos);
  let sorted: unknown[];
  if (positions.every((p) => p >= 0)) {
    // Every item has a position, so the comparison is a total preorder and any stable sort agrees.
    if (positions.every((p, i) => i === 0 || positions[i - 1] <= p)) return deletions.length ? items.concat(deletions) : items;
    const idx = items.map((_, i) => i);
    idx.sort((a, b) => positions[a] - positions[b]);
    sorted = idx.map((i) => items[i]);
  } else {
    // Upstream's comparator answers "less" for any pair it cannot place; only Go's own stable sort
    // reproduces what that does.
    sorted = goStableSort(items.slice(), (a, b) => {
      const pa = pos(a);
      if (pa >= 0) {
        const pb = pos(b);
        if (pb >= 0) return pa < pb;
      }
      return true;
    });
  }
  return deletions.length ? sorted.concat(deletions) : sorted;
}

function weave(serverItems: unknown[], patchItems: unknown[], serverPos: Position): unknown[] {
  if (serverItems.length === 0) return patchItems;
  if (patchItems.length === 0) return serverItems;
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverItems.length && j < patchItems.length) {
    const si = serverPos(serverItems[i]);
    const pj = serverPos(patchItems[j]);
    if (si >= 0 && pj >= 0 && si < pj) out.push(serverItems[i++]);
    else out.push(patchItems[j++]);
  }
  while (i < serverItems.length) out.push(serverItems[i++]);
  while (j < patchItems.length) out.push(patchItems[j++]);
  return out;
}

/** Go's sort.SliceStable (insertion-sorted blocks of 20, then SymMerge), for comparators that are not orders. */
function goStableSort<T>(data: T[], less: (a: T, b: T) => boolean): T[] {
  const n = data.length;
  const swap = (i: number, j: number): void => {
    const t = data[i];
    data[i] = data[j];
    data[j] = t;
  };
  const insertionSort = (a: number, b: number): void => {
    for (let i = a + 1; i < b; i++) for (let j = i; j > a && less(data[j], data[j - 1]); j--) swap(j, j - 1);
  };
  const rotate = (a: number, m: number, b: number): void => {
    const moved = data.slice(a, m);
    data.copyWithin(a, m, b);
    for (let k = 0; k < moved.length; k++) data[b - moved.length + k] = moved[k];
  };
  const symMerge = (a: number, m: number, b: number): void => {
    if (m - a === 1) {
      let i = m;
      let j = b;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (less(data[h], data[a])) i = h + 1;
        else j = h;
      }
      for (let k = a; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (b - m === 1) {
      let i = a;
      let j = m;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!less(data[m], data[h])) i = h + 1;
        else j = h;
      }
      for (let k = m; k > i; k--) swap(k, k - 1);
      return;
    }
    const mid = (a + b) >>> 1;
    const nn = mid + m;
    let start: number;
    let r: number;
    if (m > mid) {
      start = nn - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    const p = nn - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!less(data[p - c], data[c])) start = c + 1;
      else r = c;
    }
    const end = nn - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) symMerge(a, start, mid);
    if (mid < end && end < b) symMerge(mid, end, b);
  };

  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertionSort(a, b);
    a = b;
    b += blockSize;
  }
  insertionSort(a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(a, m, n);
    blockSize *= 2;
  }
  return data;
}

// ---------------------------------------------------------------------------------------------------
// Values the original did not have.

const DROP: unique symbol = Symbol('drop');

/**
 * Stores a patch value the original lacked (or had with another type): nulls inside maps are dropped,
 * and so is any map still carrying `$patch`, which leaves the field unset.
 */
function setNewValue(out: JSONMap, key: string, value: unknown): void {
  const cleaned = cleanNewValue(value, true);
  if (cleaned === DROP) delete out[key];
  else setKey(out, key, cleaned);
}

/**
 * Upstream's discardNullValuesFromPatch (when `discardNulls`) followed by removeDirectives, in one pass
 * that copies only what changes. Nulls run first, so a map whose `$patch` is null survives.
 */
function cleanNewValue(value: unknown, discardNulls: boolean): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const c = v === null ? v : cleanNewValue(v, discardNulls);
      if (out) {
        if (c !== DROP) out.push(c);
      } else if (c !== v) {
        out = value.slice(0, i);
        if (c !== DROP) out.push(c);
      }
    }
    return out ?? value;
  }
  if (!isMap(value)) return value;
  if (Object.hasOwn(value, DIRECTIVE) && !(discardNulls && value[DIRECTIVE] === null)) return DROP;
  let out: JSONMap | undefined;
  for (const k in value) {
    const v = value[k];
    if (v === null) {
      if (discardNulls) {
        out ??= { ...value };
        delete out[k];
      }
      continue;
    }
    const c = cleanNewValue(v, discardNulls);
    if (c === v) continue;
    out ??= { ...value };
    if (c === DROP) delete out[k];
    else setKey(out, k, c);
  }
  return out ?? value;
}

// ---------------------------------------------------------------------------------------------------
// JSON values seen as Go sees them.

function isMap(v: unknown): v is JSONMap {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Plain assignment would treat "__proto__" as the prototype rather than as a field. */
function setKey(obj: JSONMap, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** The apiserver decodes patches preserving integers, so whole numbers are int64 and the rest float64. */
function goKind(v: unknown): GoKind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  switch (typeof v) {
    case 'object':
      return 'map';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? 'int64' : 'float64';
    default:
      return 'nil';
  }
}

function goTypeName(v: unknown): string {
  switch (goKind(v)) {
    case 'map':
      return 'map[string]interface {}';
    case 'slice':
      return '[]interface {}';
    case 'nil':
      // reflect.TypeOf(nil) is a nil Type, which %s prints this way.
      return '%!s(<nil>)';
    default:
      return goKind(v);
  }
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : 'object';
}

/** fmt's %v and %s for decoded JSON: maps print with sorted keys, and %s flags non-strings. */
function goFormat(v: unknown, verb: 'v' | 's'): string {
  const kind = goKind(v);
  switch (kind) {
    case 'nil':
      return verb === 'v' ? '<nil>' : '%!s(<nil>)';
    case 'string':
      return v as string;
    case 'slice':
      return `[${(v as unknown[]).map((e) => goFormat(e, verb)).join(' ')}]`;
    case 'map': {
      const m = v as JSONMap;
      const keys = Object.keys(m).sort();
      return `map[${keys.map((k) => `${k}:${goFormat(m[k], verb)}`).join(' ')}]`;
    }
    default: {
      const text = kind === 'bool' ? String(v) : goNumber(v as number, kind);
      return verb === 'v' ? text : `%!s(${kind}=${text})`;
    }
  }
}

/** %v of an int64 is its digits; of a float64, %g with the shortest digits and exponents from 1e+06 on. */
function goNumber(n: number, kind: GoKind): string {
  if (kind === 'int64') return Object.is(n, -0) ? '0' : String(n);
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  const [mantissa, exp] = n.toExponential().split('e');
  const e = Number(exp);
  if (e < -4 || e >= 6) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return String(n);
}
