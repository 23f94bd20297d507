// Small helpers the core strategies share: loose JSON access, field paths, deep equality, diffs.

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value as an object, or an empty one (not attached to anything). */
export function obj(v: unknown): Obj {
  return isObj(v) ? v : {};
}

/** parent[key] as an object, created (and attached) when missing. */
export function child(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (isObj(v)) return v;
  const o: Obj = {};
  parent[key] = o;
  return o;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The object elements of an array (others skipped). */
export function objs(v: unknown): Obj[] {
  return arr(v).filter(isObj);
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function int(v: unknown): number {
  return num(v) ?? 0;
}

export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v))) if (typeof val === 'string') out[k] = val;
  return out;
}

/** Structural equality of JSON values; key order does not matter, undefined members count as absent. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * apiequality.Semantic-ish comparison used for immutability checks: like deepEqual, but an empty
 * array/object equals an absent one, as Go's nil and empty slices and maps usually are after decoding.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return deepEqual(prune(a), prune(b));
}

function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(prune);
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      const p = prune(x);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** field.Path rendering: child names joined by ".", indexes as "[i]", map keys as "[key]". */
export class Path {
  private constructor(private readonly text: string) {}
  static of(...names: string[]): Path {
    return new Path(names.join('.'));
  }
  child(...names: string[]): Path {
    return new Path([this.text, ...names].filter((s) => s !== '').join('.'));
  }
  index(i: number): Path {
    return new Path(`${this.text}[${i}]`);
  }
  key(k: string): Path {
    return new Path(`${this.text}[${k}]`);
  }
  toString(): string {
    return this.text;
  }
}

/**
 * A value as Go's encoding/json would render it inside a field error: map keys sorted (JSON.stringify
 * keeps insertion order, json.Marshal sorts). Recent apimachinery prints complex bad values as JSON.
 */
export function goJSONValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(goJSONValue);
  if (isObj(v)) {
    const out: Obj = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = goJSONValue(v[k]);
    return out;
  }
  return v;
}

/**
 * A short line diff of two JSON values, standing in for the go-cmp diff upstream appends to
 * "may not change" messages (its exact Go-struct rendering cannot be reproduced from JSON).
 */
export function jsonDiff(before: unknown, after: unknown): string {
  const a = JSON.stringify(before ?? null, null, 1).split('\n');
  const b = JSON.stringify(after ?? null, null, 1).split('\n');
  // Longest common subsequence over lines, then a unified listing of the changes only.
  const n = a.length;
  const m = b.length;
  if (n * m > 4_000_000) return '';
  const dp: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < n && (j === m || dp[i + 1]![j]! >= dp[i]![j + 1]!)) {
      out.push(`- ${a[i]!.trim()}`);
      i++;
    } else {
      out.push(`+ ${b[j]!.trim()}`);
      j++;
    }
  }
  return out.join('\n');
}
