// The bridge from client-side apply (the last-applied-configuration annotation) to server-side apply,
// as upstream's lastAppliedManager and lastAppliedUpdater do for the `kubectl` manager: conflicts on
// fields the annotation shows kubectl applied with the live value are forgiven, and after an apply the
// annotation is rewritten from the new configuration so a later client-side apply still diffs right.
import type { KObject } from '../api/types.ts';
import { FieldSet } from './field-set.ts';
import { goJSON, type JSONValue } from './path-element.ts';
import { compare, toFieldSet } from './typed.ts';
import type { UpdaterScope } from './updater.ts';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Only kubectl's default server-side manager takes part; other managers opt out. */
export const KUBECTL_MANAGER = 'kubectl';
const TOTAL_ANNOTATION_SIZE = 256 * 1024;

/** Fields the annotation says kubectl applied and that still hold the applied value; undefined without one. */
export function allowedFromLastApplied(scope: UpdaterScope, live: KObject): FieldSet | undefined {
  const text = live.metadata.annotations?.[LAST_APPLIED];
  if (!text) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (last === null || typeof last !== 'object' || (last as KObject).apiVersion !== scope.apiVersion) return undefined;
  const set = toFieldSet(last as JSONValue, scope.plan);
  const c = compare(last as JSONValue, live as unknown as JSONValue, scope.plan);
  return set.difference(c.modified).difference(c.added).difference(c.removed);
}

/** The annotation's value for an applied configuration: the configuration without it, as Go encodes JSON. */
export function lastAppliedValue(config: KObject): string {
  const copy = { ...config, metadata: { ...(config.metadata ?? {}) } };
  const annotations = copy.metadata.annotations;
  if (annotations) {
    const rest = { ...annotations };
    delete rest[LAST_APPLIED];
    copy.metadata.annotations = rest;
  }
  return `${goJSON(copy)}\n`;
}

/** Rewrites the annotation on the applied object when it has one (and it still fits). */
export function syncLastApplied(object: KObject, config: KObject): void {
  const annotations = object.metadata.annotations;
  if (!annotations || annotations[LAST_APPLIED] === undefined) return;
  const next: Record<string, string> = { ...annotations, [LAST_APPLIED]: lastAppliedValue(config) };
  let size = 0;
  for (const [k, v] of Object.entries(next)) size += Buffer.byteLength(k) + Buffer.byteLength(v);
  if (size > TOTAL_ANNOTATION_SIZE) delete next[LAST_APPLIED];
  object.metadata.annotations = next;
}
