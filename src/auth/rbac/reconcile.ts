// What the start-up reconciliation of the bootstrap policy changes in one stored role or binding
// (pkg/registry/rbac/reconciliation): nothing when the object says autoupdate "false"; otherwise the
// expected labels, annotations, missing rules (as their broken-down parts), missing aggregation
// selectors and missing subjects are added. Nothing is ever taken away.
import type { KObject } from '../../api/types.ts';
import { AUTOUPDATE_ANNOTATION } from './bootstrap-policy.ts';
import { covers } from './escalation.ts';
import type { PolicyRule, Subject } from './rules.ts';

export type Reconciled = { action: 'none' } | { action: 'update'; object: KObject } | { action: 'recreate' };

const isProtected = (o: KObject): boolean => o.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === 'false';
const json = (v: unknown): string => JSON.stringify(v ?? null);

/** Existing entries win; expected keys that are missing are added. Undefined when nothing is added. */
function mergeMap(existing: Record<string, string> | undefined, expected: Record<string, string> | undefined): Record<string, string> | undefined {
  const missing = Object.entries(expected ?? {}).filter(([k]) => !(k in (existing ?? {})));
  return missing.length === 0 ? undefined : { ...Object.fromEntries(missing), ...existing };
}

function mergeMeta(next: KObject, expected: KObject): boolean {
  const labels = mergeMap(next.metadata.labels, expected.metadata.labels);
  const annotations = mergeMap(next.metadata.annotations, expected.metadata.annotations);
  if (labels) next.metadata.labels = labels;
  if (annotations) next.metadata.annotations = annotations;
  return labels !== undefined || annotations !== undefined;
}

export function reconcileRole(existing: KObject, expected: KObject): Reconciled {
  if (isProtected(existing)) return { action: 'none' };
  const next = structuredClone(existing);
  let changed = mergeMeta(next, expected);
  const rules = (next.rules ?? []) as PolicyRule[];
  const { missing } = covers(rules, (expected.rules ?? []) as PolicyRule[]);
  if (missing.length > 0) {
    next.rules = [...rules, ...missing];
    changed = true;
  }
  const want = (expected.aggregationRule as { clusterRoleSelectors?: unknown[] } | undefined)?.clusterRoleSelectors ?? [];
  if (want.length > 0) {
    const have = (next.aggregationRule as { clusterRoleSelectors?: unknown[] } | undefined)?.clusterRoleSelectors ?? [];
    const add = want.filter((w) => !have.some((h) => json(h) === json(w)));
    if (add.length > 0) {
      next.aggregationRule = { clusterRoleSelectors: [...have, ...add] };
      changed = true;
    }
  }
  return changed ? { action: 'update', object: next } : { action: 'none' };
}

export function reconcileBinding(existing: KObject, expected: KObject): Reconciled {
  if (isProtected(existing)) return { action: 'none' };
  // roleRef is immutable: a binding pointing elsewhere is replaced.
  if (json(existing.roleRef) !== json(expected.roleRef)) return { action: 'recreate' };
  const next = structuredClone(existing);
  let changed = mergeMeta(next, expected);
  const subjects = (next.subjects ?? []) as Subject[];
  const same = (a: Subject, b: Subject) => a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '') && (a.apiGroup ?? '') === (b.apiGroup ?? '');
  const missing = ((expected.subjects ?? []) as Subject[]).filter((s) => !subjects.some((h) => same(h, s)));
  if (missing.length > 0) {
    next.subjects = [...subjects, ...missing];
    changed = true;
  }
  return changed ? { action: 'update', object: next } : { action: 'none' };
}
