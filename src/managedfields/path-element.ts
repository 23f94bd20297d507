// One step of a field path as structured-merge-diff names it: a struct field or map key (`f:`), a
// list item picked by its key fields (`k:`), a set item picked by its value (`v:`) or an index (`i:`).
// The total order and the text forms here decide how field sets serialise and how conflicts print,
// so both follow upstream's ordering rules (fields, then keys, then values, then indexes).

export type JSONValue = null | boolean | number | string | JSONValue[] | { [k: string]: JSONValue };

export type PathElement =
  | { type: 'field'; name: string }
  | { type: 'key'; fields: [string, JSONValue][] }
  | { type: 'value'; value: JSONValue }
  | { type: 'index'; index: number };

const RANK = { field: 0, key: 1, value: 2, index: 3 } as const;

function typeRank(v: JSONValue): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null && typeof v === 'object') return 4;
  return 5; // null sorts last
}

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A total order over JSON values: numbers, strings, booleans, lists, maps, then null. */
export function compareValues(a: JSONValue, b: JSONValue): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 1:
      return cmpStr(a as string, b as string);
    case 2:
      return a === b ? 0 : a ? 1 : -1;
    case 3: {
      const la = a as JSONValue[];
      const lb = b as JSONValue[];
      for (let i = 0; i < la.length && i < lb.length; i++) {
        const c = compareValues(la[i]!, lb[i]!);
        if (c !== 0) return c;
      }
      return la.length - lb.length < 0 ? -1 : la.length > lb.length ? 1 : 0;
    }
    case 4: {
      const ka = Object.keys(a as object).sort();
      const kb = Object.keys(b as object).sort();
      for (let i = 0; i < ka.length && i < kb.length; i++) {
        const c = cmpStr(ka[i]!, kb[i]!);
        if (c !== 0) return c;
        const d = compareValues((a as Record<string, JSONValue>)[ka[i]!]!, (b as Record<string, JSONValue>)[kb[i]!]!);
        if (d !== 0) return d;
      }
      return ka.length < kb.length ? -1 : ka.length > kb.length ? 1 : 0;
    }
    default:
      return 0;
  }
}

export function comparePathElements(a: PathElement, b: PathElement): number {
  if (a.type !== b.type) return RANK[a.type] < RANK[b.type] ? -1 : 1;
  switch (a.type) {
    case 'field':
      return cmpStr(a.name, (b as { name: string }).name);
    case 'key': {
      const fb = (b as { fields: [string, JSONValue][] }).fields;
      const fa = a.fields;
      for (let i = 0; ; i++) {
        if (i >= fa.length && i >= fb.length) return 0;
        if (i >= fa.length) return -1;
        if (i >= fb.length) return 1;
        const c = cmpStr(fa[i]![0], fb[i]![0]);
        if (c !== 0) return c;
        const d = compareValues(fa[i]![1], fb[i]![1]);
        if (d !== 0) return d;
      }
    }
    case 'value':
      return compareValues(a.value, (b as { value: JSONValue }).value);
    case 'index': {
      const ib = (b as { index: number }).index;
      return a.index < ib ? -1 : a.index > ib ? 1 : 0;
    }
  }
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const HTML_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** JSON text as Go's standard encoder writes it: HTML-sensitive characters escaped, map keys sorted. */
export function goJSON(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v).replace(HTML_UNSAFE, (c) => HTML_ESCAPES[c]!);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(goJSON).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${goJSON(k)}:${goJSON(o[k])}`)
    .join(',')}}`;
}

/** The serialised key (`f:name`, `k:{"name":"x"}`, `v:"a"`, `i:0`) used in fieldsV1 and as a map key. */
export function serializePathElement(pe: PathElement): string {
  switch (pe.type) {
    case 'field':
      return `f:${pe.name}`;
    case 'key':
      return `k:{${pe.fields.map(([k, v]) => `${goJSON(k)}:${goJSON(v)}`).join(',')}}`;
    case 'value':
      return `v:${goJSON(pe.value)}`;
    case 'index':
      return `i:${pe.index}`;
  }
}

export class FieldsV1Error extends Error {}

/** Reads one fieldsV1 key; undefined for a prefix this version does not know (upstream skips those). */
export function parsePathElement(s: string): PathElement | undefined {
  if (s.length < 2) throw new FieldsV1Error('key must be 2 characters long');
  if (s[1] !== ':') return undefined;
  const rest = s.slice(2);
  switch (s[0]) {
    case 'f':
      return { type: 'field', name: rest };
    case 'v':
      try {
        return { type: 'value', value: JSON.parse(rest) as JSONValue };
      } catch (err) {
        throw new FieldsV1Error(`parsing JSON: ${(err as Error).message}`);
      }
    case 'k': {
      let obj: unknown;
      try {
        obj = JSON.parse(rest);
      } catch (err) {
        throw new FieldsV1Error(`parsing JSON: ${(err as Error).message}`);
      }
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new FieldsV1Error('key must be an object');
      const fields = Object.entries(obj as Record<string, JSONValue>).sort((a, b) => cmpStr(a[0], b[0]));
      return { type: 'key', fields };
    }
    case 'i': {
      if (!/^-?\d+$/.test(rest)) throw new FieldsV1Error(`strconv.Atoi: parsing ${JSON.stringify(rest)}: invalid syntax`);
      return { type: 'index', index: Number(rest) };
    }
    default:
      return undefined;
  }
}

/** Go's %v of a value inside a printed path (strings quoted, as upstream's value.ToString does). */
function valueText(v: JSONValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueText).join(',')}]`;
  if (typeof v === 'object') return Object.keys(v).map((k) => `${k}=${valueText(v[k]!)}`).join('');
  return String(v);
}

/** How a path element prints in conflict messages: `.spec`, `[name="web"]`, `[=value]`, `[0]`. */
export function pathElementText(pe: PathElement): string {
  switch (pe.type) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map(([k, v]) => `${k}=${valueText(v)}`).join(',')}]`;
    case 'value':
      return `[=${valueText(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

export function pathText(path: readonly PathElement[]): string {
  return path.map(pathElementText).join('');
}
