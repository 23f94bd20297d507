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

/** One pruning walk: where it is, what it removed, and how embedded resources' metadata is coerced. */
class Pruner {
  readonly p = new PathTracker();
  readonly metaPaths = new PathTracker();
  constructor(readonly meta: SchemaNode | undefined) {}

  prune(x: unknown, s: CompiledSchema | undefined): void {
    if (s !== undefined && s.preserveUnknownFields) {
      this.skip(x, s);
      return;
    }
    if (Array.isArray(x)) {
      this.eachObjectItem(x, s?.items, false);
      return;
    }
    if (!isObject(x)) return;
    if (s === undefined) {
      for (const k of Object.keys(x)) {
        this.p.record(k);
        delete x[k];
      }
      return;
    }
    const nested = this.p.parts.length > 0;
    // The root's own metadata is coerced by the caller before the walk.
    if (s.embeddedResource && nested) this.coerceMetadata(x);
    const props = s.properties;
    const additional = s.additionalProperties;
    for (const k of Object.keys(x)) {
      if (s.embeddedResource && META_FIELDS.has(k)) continue;
      const prop = props?.get(k);
      if (prop !== undefined) {
        this.descend(x[k], k, prop);
      } else if (additional !== undefined && additional !== false) {
        this.descend(x[k], k, additional === true ? undefined : additional);
      } else {
        if (!META_FIELDS.has(k) || nested) this.p.record(k);
        delete x[k];
      }
    }
  }

  /** Under x-kubernetes-preserve-unknown-fields: unknown keys stay, declared ones are still pruned below. */
  private skip(x: unknown, s: CompiledSchema): void {
    if (Array.isArray(x)) {
      const items = s.items;
      if (items !== undefined) this.eachObjectItem(x, items, true);
      return;
    }
    if (!isObject(x)) return;
    if (s.embeddedResource && this.p.parts.length > 0) this.coerceMetadata(x);
    const props = s.properties;
    const additional = s.additionalProperties;
    for (const k of Object.keys(x)) {
      if (s.embeddedResource && META_FIELDS.has(k)) continue;
      const prop = props?.get(k);
      if (prop !== undefined) this.descend(x[k], k, prop);
      else if (typeof additional === 'object') this.descend(x[k], k, additional);
    }
  }

  /** Scalars hold no fields, so only objects and lists are visited. */
  private descend(v: unknown, k: string, s: CompiledSchema | undefined): void {
    if (typeof v !== 'object' || v === null) return;
    const base = this.p.parts.length;
    this.p.key(k);
    this.prune(v, s);
    this.p.truncate(base);
  }

  /** Upstream keeps skipping (not pruning) the items of a list under preserve-unknown-fields. */
  private eachObjectItem(list: unknown[], items: CompiledSchema | undefined, skip: boolean): void {
    const base = this.p.parts.length;
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      if (typeof v !== 'object' || v === null) continue;
      this.p.index(i);
      if (skip && items !== undefined) this.skip(v, items);
      else this.prune(v, items);
      this.p.truncate(base);
    }
  }

  private coerceMetadata(x: JSONObject): void {
    const m = x.metadata;
    if (this.meta === undefined || !isObject(m)) return;
    const mp = this.metaPaths;
    mp.parts.length = 0;
    mp.parts.push(...this.p.parts);
    mp.key('metadata');
    pruneToNode(m, this.meta, mp);
  }
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
  const w = new Pruner(meta);
  w.prune(obj, asResourceRoot(root));
  pruneNulls(obj, root);
  return [...rootMeta.found, ...w.p.found.sort(), ...w.metaPaths.found.sort()];
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
  new Pruner(undefined).prune(x, isResourceRoot ? asResourceRoot(s) : s);
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
