// metadata.managedFields in and out: entries decoded into per-manager field sets keyed by upstream's
// manager identifier (the entry's JSON without fields, time and — for appliers — apiVersion), encoded
// back in upstream's order, and the conflict error an apply answers with.
import { StatusError } from '../api/errors.ts';
import type { ManagedFieldsEntry } from '../api/types.ts';
import { FieldSet } from './field-set.ts';
import { pathText, type PathElement } from './path-element.ts';

export interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  applied: boolean;
}

/** Field sets by manager identifier, and when each manager last changed something. */
export interface Managed {
  fields: Map<string, VersionedSet>;
  times: Map<string, string | undefined>;
}

export const emptyManaged = (): Managed => ({ fields: new Map(), times: new Map() });

export class ManagedFieldsError extends Error {}

/** The identifier upstream keys managers by: the entry's JSON in field order, minus what varies. */
export function managerIdentifier(e: { manager?: string; operation?: string; apiVersion?: string; subresource?: string }): string {
  const id: Record<string, string> = {};
  if (e.manager) id.manager = e.manager;
  if (e.operation) id.operation = e.operation;
  if (e.apiVersion && e.operation !== 'Apply') id.apiVersion = e.apiVersion;
  if (e.subresource) id.subresource = e.subresource;
  return JSON.stringify(id);
}

/** `stored`: the entries come from the stored object, which this server encoded itself. */
export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined, stored = false): Managed {
  const m = emptyManaged();
  (entries ?? []).forEach((e, i) => {
    if (e === null || typeof e !== 'object') throw new ManagedFieldsError(`invalid managed fields entry ${i}`);
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new ManagedFieldsError('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new ManagedFieldsError('apiVersion must not be empty');
    if (e.fieldsType === undefined || e.fieldsType === '') throw new ManagedFieldsError(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1') throw new ManagedFieldsError(`invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}`);
    const id = managerIdentifier(e);
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(e.fieldsV1 ?? {}, stored);
    } catch (err) {
      throw new ManagedFieldsError(`error decoding versioned set: ${(err as Error).message}`);
    }
    m.fields.set(id, { set, apiVersion: e.apiVersion, applied: e.operation === 'Apply' });
    m.times.set(id, typeof e.time === 'string' ? e.time : undefined);
  });
  return m;
}

const seconds = (t: string | undefined): number => (t ? Math.floor(Date.parse(t) / 1000) || 0 : 0);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Entries in upstream's order: Apply before Update, then oldest first, then manager, version, subresource. */
export function encodeManagedFields(m: Managed): ManagedFieldsEntry[] | undefined {
  if (m.fields.size === 0) return undefined;
  const out: ManagedFieldsEntry[] = [];
  for (const [id, vs] of m.fields) {
    const parsed = JSON.parse(id) as { manager?: string; operation?: string; subresource?: string };
    const e: ManagedFieldsEntry = {};
    if (parsed.manager) e.manager = parsed.manager;
    e.operation = vs.applied ? 'Apply' : (parsed.operation ?? 'Update');
    e.apiVersion = vs.apiVersion;
    const t = m.times.get(id);
    if (t) e.time = t;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = vs.set.toFieldsV1();
    if (parsed.subresource) e.subresource = parsed.subresource;
    out.push(e);
  }
  return out.sort(
    (p, q) =>
      cmp(p.operation!, q.operation!) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager ?? '', q.manager ?? '') ||
      cmp(p.apiVersion ?? '', q.apiVersion ?? '') ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
}

/** How a conflict names a manager: `"kubectl"`, or `"x" with subresource "status" using apps/v1`. */
export function printManager(id: string): string {
  let e: { manager?: string; operation?: string; apiVersion?: string; subresource?: string; time?: string };
  try {
    e = JSON.parse(id) as typeof e;
  } catch {
    return JSON.stringify(id);
  }
  let s = JSON.stringify(e.manager ?? '');
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += e.time ? ` using ${e.apiVersion ?? ''} at ${e.time}` : ` using ${e.apiVersion ?? ''}`;
  return s;
}

export interface Conflict {
  manager: string;
  path: PathElement[];
}

export class Conflicts extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super('conflicts');
  }
}

/** One conflict per path each other manager owns; managers in name order for a stable answer. */
export function conflictsFrom(sets: Map<string, FieldSet>): Conflict[] {
  const out: Conflict[] = [];
  for (const manager of [...sets.keys()].sort()) {
    for (const path of sets.get(manager)!.paths()) out.push({ manager, path });
  }
  return out;
}

/** The 409 an apply answers with (upstream's NewConflictError). */
export function conflictError(conflicts: Conflict[]): StatusError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathText(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0]!.manager)}: ${pathText(conflicts[0]!.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const list = byManager.get(c.manager) ?? [];
      list.push(pathText(c.path));
      byManager.set(c.manager, list);
    }
    const lines: string[] = [];
    for (const m of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${printManager(m)}:`);
      for (const p of byManager.get(m)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}
