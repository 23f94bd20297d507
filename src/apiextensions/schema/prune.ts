// Structural pruning of custom resources (apiextensions-apiserver pkg/apiserver/schema/pruning, the
// metadata coercion of pkg/apiserver/schema/objectmeta, and defaulting.PruneNonNullableNullsWithoutDefaults).
// Removed paths are reported in the form strict decoding prints them: `spec.foo`, `spec.items[0].bar`.
import type { SchemaNode } from '../../api/schema/types.ts';
import type { CompiledSchema } from './compile.ts';

type JSONObject = Record<string, unknown>;

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

const isObject = (v: unknown): v is JSONObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A path under construction: segments joined on demand, as upstream's UnknownFieldPathOptions does. */
class PathTracker {
  readonly parts: string[] = [];
  readonly found: string[] = [];
  key(k: string): void {
    if (this.parts.length > 0) this.parts.push('.');
    this.parts.push(k);
  }
  index(i: number): void {
    this.parts.push(`[${i}]`);
  }
  truncate(n: number): void {
    this.parts.length = n;
  }
  record(k: string): void {
    const n = this.parts.length;
    this.key(k);
    this.found.push(this.parts.join(''));
    this.parts.length = n;
  }
}

function pruneValue(x: unknown, s: CompiledSchema | undefined, p: PathTracker, metaPaths: PathTracker, meta: SchemaNode | undefined): void {
  if (s !== undefined && s.preserveUnknownFields) {
    skipPrune(x, s, p, metaPaths, meta);
    return;
  }
  const base = p.parts.length;
  if (Array.isArray(x)) {
    const items = s?.items;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (typeof v !== 'object' || v === null) continue;
      p.index(i);
      pruneValue(v, items, p, metaPaths, meta);
      p.truncate(base);
    }
    return;
  }
  if (!isObject(x)) return;
  if (s === undefined) {
    for (const k of Object.keys(x)) {
      p.record(k);
      delete x[k];
    }
    return;
  }
  // The root's own metadata is coerced by the caller before the walk.
  if (s.embeddedResource && base > 0) pruneEmbeddedMetadata(x, p, metaPaths, meta);
  const props = s.properties;
  const additional = s.additionalProperties;
  for (const k of Object.keys(x)) {
    if (s.embeddedResource && META_FIELDS.has(k)) continue;
    const prop = props?.get(k);
    if (prop !== undefined) {
      descend(x[k], prop, k, p, metaPaths, meta);
    } else if (additional !== undefined && additional !== false) {
      descend(x[k], additional === true ? undefined : additional, k, p, metaPaths, meta);
    } else {
      if (!META_FIELDS.has(k) || base > 0) p.record(k);
      delete x[k];
    }
  }
}

function descend(
  v: unknown,
  s: CompiledSchema | undefined,
  k: string,
  p: PathTracker,
  metaPaths: PathTracker,
  meta: SchemaNode | undefined,
): void {
  if (typeof v !== 'object' || v === null) return;
  const base = p.parts.length;
  p.key(k);
  pruneValue(v, s, p, metaPaths, meta);
  p.truncate(base);
}

/** Under x-kubernetes-preserve-unknown-fields: unknown keys stay, declared ones are still pruned below. */
function skipPrune(x: unknown, s: CompiledSchema, p: PathTracker, metaPaths: PathTracker, meta: SchemaNode | undefined): void {
  const base = p.parts.length;
  if (Array.isArray(x)) {
    const items = s.items;
    if (items === undefined) return;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (typeof v !== 'object' || v === null) continue;
      p.index(i);
      skipPrune(v, items, p, metaPaths, meta);
      p.truncate(base);
    }
    return;
  }
  if (!isObject(x)) return;
  if (s.embeddedResource && base > 0) pruneEmbeddedMetadata(x, p, metaPaths, meta);
  const props = s.properties;
  const additional = s.additionalProperties;
  for (const k of Object.keys(x)) {
    if (s.embeddedResource && META_FIELDS.has(k)) continue;
    const prop = props?.get(k);
    if (prop !== undefined) descend(x[k], prop, k, p, metaPaths, meta);
    else if (typeof additional === 'object') descend(x[k], additional, k, p, metaPaths, meta);
  }
}

function pruneEmbeddedMetadata(x: JSONObject, p: PathTracker, metaPaths: PathTracker, meta: SchemaNode | undefined): void {
  const m = x.metadata;
  if (meta === undefined || !isObject(m)) return;
  metaPaths.parts.length = 0;
  metaPaths.parts.push(...p.parts);
  metaPaths.key('metadata');
  pruneToNode(m, meta, metaPaths);
}

/** Drops what a typed decode into ObjectMeta would not keep, recording each dropped path. */
function pruneToNode(x: unknown, node: SchemaNode, p: PathTracker): void {
  if (node.preserveUnknownFields) return;
  const base = p.parts.length;
  if (Array.isArray(x)) {
    if (node.items === undefined) return;
    for (let i = 0; i < x.length; i++) {
      p.index(i);
      pruneToNode(x[i], node.items, p);
      p.truncate(base);
    }
    return;
  }
  if (!isObject(x)) return;
  if (node.properties !== undefined) {
    for (const k of Object.keys(x)) {
      const child = node.properties[k];
      if (child === undefined) {
        p.record(k);
        delete x[k];
        continue;
      }
      p.key(k);
      pruneToNode(x[k], child, p);
      p.truncate(base);
    }
  } else if (node.additionalProperties !== undefined) {
    for (const k of Object.keys(x)) {
      p.key(k);
      pruneToNode(x[k], node.additionalProperties, p);
      p.truncate(base);
    }
  }
}

/**
 * Prunes `obj` in place and returns the removed paths in upstream's order: the root metadata's unknown
 * fields, then the schema's pruned fields (sorted, as PruneWithOptions sorts them), then unknown fields
 * of embedded resources' metadata. `root` undefined means no schema: everything but metadata is kept.
 */
export function pruneObject(obj: JSONObject, root: CompiledSchema | undefined, meta: SchemaNode | undefined): string[] {
  const rootMeta = new PathTracker();
  if (meta !== undefined && isObject(obj.metadata)) {
    rootMeta.key('metadata');
    pruneToNode(obj.metadata, meta, rootMeta);
  }
  if (root === undefined) return rootMeta.found;
  const p = new PathTracker();
  const embedded = new PathTracker();
  pruneValue(obj, asResourceRoot(root), p, embedded, meta);
  pruneNulls(obj, root);
  return [...rootMeta.found, ...p.found.sort(), ...embedded.found.sort()];
}

const resourceRoots = new WeakMap<CompiledSchema, CompiledSchema>();

/** The schema as a resource root: apiVersion, kind and metadata are left alone, as in an embedded resource. */
function asResourceRoot(s: CompiledSchema): CompiledSchema {
  if (s.embeddedResource) return s;
  let r = resourceRoots.get(s);
  if (r === undefined) {
    r = { ...s, embeddedResource: true };
    resourceRoots.set(s, r);
  }
  return r;
}

/** Pruning alone, without paths, nulls or metadata coercion (the check that a CRD's defaults are pruned). */
export function pruneUnknown(x: unknown, s: CompiledSchema, isResourceRoot: boolean): void {
  pruneValue(x, isResourceRoot ? asResourceRoot(s) : s, new PathTracker(), new PathTracker(), undefined);
}

/** Nulls where the schema neither allows null nor has a default to put in their place are dropped. */
export function pruneNulls(x: unknown, s: CompiledSchema | undefined): void {
  if (s === undefined) return;
  if (Array.isArray(x)) {
    if (s.items === undefined) return;
    for (const v of x) pruneNulls(v, s.items);
    return;
  }
  if (!isObject(x)) return;
  const props = s.properties;
  const additional = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  if (props === undefined && additional === undefined) return;
  for (const k of Object.keys(x)) {
    const child = props?.get(k) ?? additional;
    if (child === undefined) continue;
    const v = x[k];
    if (v === null) {
      if (!child.nullable && !child.hasDefault) delete x[k];
    } else if (typeof v === 'object') {
      pruneNulls(v, child);
    }
  }
}
