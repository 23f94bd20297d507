// Reading query parameters as the apiserver's parameter codec does (runtime.Convert_Slice_string_To_*):
// of repeated values the first one counts.
import { badRequest } from '../api/errors.ts';

export type Query = Record<string, string | string[] | undefined>;

export function q(query: Query, name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? v[0] : v;
}

export function boolParam(query: Query, name: string): boolean | undefined {
  const v = q(query, name);
  if (v === undefined) return undefined;
  // Anything but 0, f, false, n or no (any case) is true — `?watch=yes` and `?watch` both watch.
  return !(v === '0' || ['f', 'false', 'n', 'no'].includes(v.toLowerCase()));
}

export function intParam(query: Query, name: string): number | undefined {
  const v = q(query, name);
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid value for ${name}: ${v}`);
  return Number(v);
}
