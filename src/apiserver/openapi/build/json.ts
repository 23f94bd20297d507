// JSON value types and ordering shared by the OpenAPI builders (the generator in scripts/ and the
// documents built at run time for custom resources).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface GVK {
  group: string;
  version: string;
  kind: string;
}

export const refTo = (name: string): string => `#/definitions/${name}`;

/** Code-point order, as Go's sort.Strings: locale-independent, so the files are the same everywhere. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
