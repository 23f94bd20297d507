// Structural defaulting (apiextensions-apiserver pkg/apiserver/schema/defaulting/algorithm.go): a missing
// field, or a null one whose schema is not nullable, takes a copy of its schema's default; defaults are
// applied top-down, so a default object gets its own fields' defaults too.
import type { CompiledSchema } from './compile.ts';

const copy = (v: unknown): unknown => (typeof v === 'object' && v !== null ? structuredClone(v) : v);

const nonNullableNull = (v: unknown, s: CompiledSchema): boolean => v === null && !s.nullable;

export function applyDefaults(x: unknown, s: CompiledSchema | undefined): void {
  if (s === undefined || !s.subtreeHasDefaults || typeof x !== 'object' || x === null) return;
  if (Array.isArray(x)) {
    const items = s.items;
    if (items === undefined) return;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (items.hasDefault && nonNullableNull(v, items)) x[i] = copy(items.defaultValue);
      // Upstream recurses into the value it saw, not the default it put in place.
      applyDefaults(v, items);
    }
    return;
  }
  const o = x as Record<string, unknown>;
  const props = s.properties;
  if (props !== undefined) {
    for (const [k, prop] of props) {
      if (!prop.hasDefault) continue;
      const v = o[k];
      if (v === undefined || nonNullableNull(v, prop)) o[k] = copy(prop.defaultValue);
    }
  }
  const additional = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  for (const k of Object.keys(o)) {
    const prop = props?.get(k);
    if (prop !== undefined) {
      applyDefaults(o[k], prop);
    } else if (additional !== undefined) {
      const v = o[k];
      if (additional.hasDefault && nonNullableNull(v, additional)) o[k] = copy(additional.defaultValue);
      applyDefaults(v, additional);
    }
  }
}
