// Ownership bookkeeping between managers, after structured-merge-diff's merge.Updater: an Update
// takes the fields it changed from everyone else; an Apply owns exactly its configuration, prunes
// what it stopped applying (unless someone else owns it) and fails on fields others own with other
// values unless forced. Fields the strategy resets are neither owned nor conflicting.
import { FieldSet } from './field-set.ts';
import { Conflicts, conflictsFrom, type Managed, type VersionedSet } from './managers.ts';
import type { JSONValue } from './path-element.ts';
import { compare, merge, removeItems, toFieldSet, type Comparison } from './typed.ts';
import type { TypePlan } from './type-plan.ts';

export interface UpdaterScope {
  plan: TypePlan;
  apiVersion: string;
  /** Fields the strategy resets for this endpoint (status on the main resource, spec on /status). */
  reset: FieldSet | undefined;
}

const filtered = (s: FieldSet, reset: FieldSet | undefined): FieldSet => (reset ? s.recursiveDifference(reset) : s);

function copyManaged(m: Managed): Managed {
  return { fields: new Map(m.fields), times: new Map(m.times) };
}

/**
 * Takes what changed between `live` and `next` away from every manager but `workflow`; refuses
 * (unless forced) when another manager owns a changed field. Returns the unfiltered comparison.
 */
function takeChanged(
  scope: UpdaterScope,
  live: JSONValue,
  next: JSONValue,
  managed: Managed,
  workflow: string,
  force: boolean,
): Comparison {
  const c = compare(live, next, scope.plan, scope.reset);
  const changed = filtered(c.modified.union(c.added), scope.reset);
  const removed = filtered(c.removed, scope.reset);
  const conflicts = new Map<string, FieldSet>();
  for (const [manager, vs] of managed.fields) {
    if (manager === workflow) continue;
    const clash = vs.set.intersection(changed);
    if (!clash.empty) conflicts.set(manager, clash);
  }
  if (!force && conflicts.size > 0) throw new Conflicts(conflictsFrom(conflicts));
  for (const [manager, vs] of managed.fields) {
    if (manager === workflow) continue;
    let set = vs.set;
    const clash = conflicts.get(manager);
    if (clash) set = set.difference(clash);
    if (!removed.empty) set = set.difference(removed);
    if (set.empty) managed.fields.delete(manager);
    else if (set !== vs.set) managed.fields.set(manager, { ...vs, set });
  }
  return c;
}

/** An Update by `manager`: it gains what it added or modified and loses what it removed. */
export function updateFields(scope: UpdaterScope, live: JSONValue, next: JSONValue, managed: Managed, manager: string): Managed {
  const out = copyManaged(managed);
  const c = takeChanged(scope, live, next, out, manager, true);
  const prev = out.fields.get(manager)?.set ?? new FieldSet();
  const set = filtered(prev.difference(c.removed).union(c.modified).union(c.added), scope.reset);
  if (set.empty) out.fields.delete(manager);
  else out.fields.set(manager, { set, apiVersion: scope.apiVersion, applied: false });
  return out;
}

export interface ApplyResult {
  object: JSONValue;
  managed: Managed;
}

/** An Apply of `config` by `manager` onto `live`; throws Conflicts when not forced. */
export function applyFields(
  scope: UpdaterScope,
  live: JSONValue,
  config: JSONValue,
  managed: Managed,
  manager: string,
  force: boolean,
  configSet: FieldSet,
): ApplyResult {
  const out = copyManaged(managed);
  let object = merge(live, config, scope.plan) ?? {};
  const last: VersionedSet | undefined = out.fields.get(manager);
  out.fields.set(manager, { set: filtered(configSet, scope.reset), apiVersion: scope.apiVersion, applied: true });
  if (last && !last.set.empty) {
    // Prune what this manager applied last time and no longer does, unless someone still owns it.
    let owned = new FieldSet();
    for (const vs of out.fields.values()) owned = owned.union(vs.set);
    const drop = last.set.difference(owned).sparingOwnedFields(owned);
    if (!drop.empty) object = removeItems(object, drop, scope.plan) ?? {};
  }
  takeChanged(scope, live, object, out, manager, force);
  return { object, managed: out };
}

/** The configuration's own field set, with the problems that make it unusable as an apply. */
export function configFieldSet(scope: UpdaterScope, config: JSONValue): { set: FieldSet; problems: string[] } {
  const problems: string[] = [];
  const set = toFieldSet(config, scope.plan, problems);
  return { set, problems };
}
