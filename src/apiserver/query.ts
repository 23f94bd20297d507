// Reading query parameters as the apiserver's parameter codec does: the last of repeated values wins.
import { badRequest } from '../api/errors.ts';

export type Query = Record<string, string | string[] | undefined>;

export function q(query: Query, name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

export function boolParam(query: Query, name: string): boolean | undefined {
  const v = q(query, name);
  if (v === undefined) return undefined;
  return v === 'true' || v === '1' || v === '';
}

export function intParam(query: Query, name: string): number | undefined {
  const v = q(query, name);
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid value for ${name}: ${v}`);
  return Number(v);
}
