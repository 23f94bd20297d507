// Field validation (the `fieldValidation` query parameter): which fields of a request body the
// schema does not know, and which keys a JSON object repeats. Upstream finds both while decoding
// into Go structs; here JSON.parse does the decoding and these passes find what it silently drops.
import type { SchemaNode } from '../api/schema/types.ts';
import { invalid } from '../api/errors.ts';
import { fieldErrors } from '../api/field-errors.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/**
 * The directive of a request; upstream's server default is Warn. Other values fail the options'
 * validation (`options` is the kind of the verb's options: CreateOptions, UpdateOptions, PatchOptions).
 */
export function fieldValidationDirective(value: string | undefined, options: string): FieldValidation {
  if (value === undefined || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw invalid(`${options}.meta.k8s.io`, '', [fieldErrors.notSupported('fieldValidation', value, ['Ignore', 'Strict', 'Warn'])]);
}

/**
 * Paths of keys that appear twice in one JSON object, in document order (`data.a`,
 * `spec.containers[0].name`). The text must already be valid JSON: this pass only scans structure.
 */
export function duplicateFields(text: string): string[] {
  // Most bodies have no duplicates and no string holding a brace; the scan is one linear pass that
  // tracks the keys of each open object and the path to it.
  const out: string[] = [];
  interface Frame {
    keys?: Set<string>;
    index: number; // element index for arrays
    path: string;
    pendingKey?: string;
  }
  const stack: Frame[] = [];
  let i = 0;
  const n = text.length;
  const childPath = (f: Frame | undefined, key: string | number): string => {
    if (!f) return '';
    if (typeof key === 'number') return `${f.path}[${key}]`;
    return f.path === '' ? key : `${f.path}.${key}`;
  };
  let expectKey = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i + 1;
      let j = start;
      let escaped = false;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) {
          escaped = true;
          j++;
        } else if (d === 0x22) break;
      }
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        const key = escaped ? (JSON.parse(text.slice(start - 1, j + 1)) as string) : text.slice(start, j);
        if (top.keys.has(key)) out.push(childPath(top, key));
        else top.keys.add(key);
        top.pendingKey = key;
        expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const parent = stack[stack.length - 1];
      let path = '';
      if (parent) path = parent.keys ? childPath(parent, parent.pendingKey ?? '') : childPath(parent, parent.index);
      stack.push(c === 0x7b ? { keys: new Set(), index: 0, path } : { index: 0, path });
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.keys) expectKey = true;
      else if (top) top.index++;
    }
    i++;
  }
  return out;
}

/**
 * Paths of fields the schema does not declare, in document order (`spec.foo`, `spec.containers[0].bar`),
 * removed from `value` as decoding into upstream's typed structs drops them.
 */
export function dropUnknownFields(value: unknown, schema: SchemaNode | undefined): string[] {
  const out: string[] = [];
  if (schema) walk(value, schema, '', out);
  return out;
}

function walk(value: unknown, schema: SchemaNode, path: string, out: string[]): void {
  if (schema.preserveUnknownFields || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    const items = schema.items;
    if (items) value.forEach((v, i) => walk(v, items, `${path}[${i}]`, out));
    return;
  }
  const obj = value as Record<string, unknown>;
  const props = schema.properties;
  if (props) {
    for (const [k, v] of Object.entries(obj)) {
      const p = path === '' ? k : `${path}.${k}`;
      const child = props[k];
      if (child) walk(v, child, p, out);
      else if (schema.additionalProperties) walk(v, schema.additionalProperties, p, out);
      else {
        out.push(p);
        delete obj[k];
      }
    }
  } else if (schema.additionalProperties) {
    const values = schema.additionalProperties;
    for (const [k, v] of Object.entries(obj)) walk(v, values, path === '' ? k : `${path}.${k}`, out);
  }
}

/**
 * Strict-decoding messages as upstream words them, duplicates first as the decoder meets them. Unknown
 * fields are dropped from `value` whatever the directive; the text is only scanned when `text` is given.
 */
export function strictDecodingErrors(text: string | undefined, value: unknown, schema: SchemaNode | undefined): string[] {
  const dups = text === undefined ? [] : duplicateFields(text);
  return [...dups.map((p) => `duplicate field "${p}"`), ...dropUnknownFields(value, schema).map((p) => `unknown field "${p}"`)];
}

/** The `Warning` header value for one problem: code 299, agent "-", and the text as a quoted string. */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
