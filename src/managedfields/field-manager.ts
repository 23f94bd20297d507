// metadata.managedFields for every write, as upstream's FieldManager stack keeps them: decode what the
// request or the stored object carries, let the writer take what it changed (Update) or own exactly
// what it applied (Apply), drop the metadata nobody owns, stamp the time, cap the Update entries and
// encode them back. The store calls `trackUpdate` for plain writes; apply patches call `applyConfig`.
import { StatusError, badRequest } from '../api/errors.ts';
import type { SchemaNode } from '../api/schema/types.ts';
import type { KObject, ManagedFieldsEntry } from '../api/types.ts';
import { FieldSet } from './field-set.ts';
import { KUBECTL_MANAGER, allowedFromLastApplied, syncLastApplied } from './last-applied.ts';
import { Conflicts, conflictError, decodeManagedFields, emptyManaged, encodeManagedFields, managerIdentifier, type Managed } from './managers.ts';
import type { JSONValue, PathElement } from './path-element.ts';
import { planFor, type TypePlan } from './type-plan.ts';
import { deepEqual } from './typed.ts';
import { applyFields, configFieldSet, updateFields, type UpdaterScope } from './updater.ts';
import { zeroObject } from './zero.ts';

/** Everything the field manager needs to know about one endpoint (a resource or its subresource). */
export interface FieldsScope extends UpdaterScope {
  group: string;
  version: string;
  kind: string;
  schema: SchemaNode | undefined;
  /** '' for the resource itself. */
  subresource: string;
}

const f = (name: string): PathElement => ({ type: 'field', name });

/** Metadata the server owns: never recorded for anyone (upstream's stripMetaManager). */
const STRIPPED = FieldSet.of(
  [f('apiVersion')],
  [f('kind')],
  [f('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((n) => [
    f('metadata'),
    f(n),
  ]),
);

/** Update entries beyond this many are merged, oldest first, into one per version. */
export const MAX_UPDATE_MANAGERS = 10;
const ANCIENT_CHANGES = 'ancient-changes';
const CURRENT_OPERATION = 'current-operation';
/** Who owns the fields of an object that had no managed fields when it is first applied to. */
const BEFORE_FIRST_APPLY = 'before-first-apply';
/** The manager of the server's own writes (bootstrap objects, admission's status updates). */
export const SERVER_MANAGER = 'kube-apiserver';

const scopes = new Map<string, FieldsScope>();

/**
 * The scope of one endpoint. The main resource of a kind with a status subresource does not own
 * status; a /status write owns nothing but status (our status strategy keeps labels, finalizers and
 * owner references as stored, so they are reset too).
 */
export function fieldsScope(
  decl: { group: string; version: string; kind: string; subresources: readonly { name: string }[] },
  schema: SchemaNode | undefined,
  subresource = '',
): FieldsScope {
  const key = `${decl.group}/${decl.version}/${decl.kind}/${subresource}`;
  const hit = scopes.get(key);
  if (hit && hit.schema === schema) return hit;
  let reset: FieldSet | undefined;
  if (subresource === 'status') {
    const top = Object.keys(schema?.properties ?? {}).filter((k) => !['apiVersion', 'kind', 'metadata', 'status'].includes(k));
    reset = FieldSet.of(...top.map((k) => [f(k)]), ...['labels', 'finalizers', 'ownerReferences'].map((k) => [f('metadata'), f(k)]));
  } else if (decl.subresources.some((s) => s.name === 'status')) {
    reset = FieldSet.of([f('status')]);
  }
  const scope: FieldsScope = {
    group: decl.group,
    version: decl.version,
    kind: decl.kind,
    apiVersion: decl.group ? `${decl.group}/${decl.version}` : decl.version,
    schema,
    plan: planFor(schema) as TypePlan,
    subresource,
    reset,
  };
  scopes.set(key, scope);
  return scope;
}

function nowSeconds(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The object as the field sets see it: without managedFields (shallow, nothing is copied deep). */
function fieldsView(obj: KObject): JSONValue {
  const { managedFields: _m, ...meta } = obj.metadata ?? {};
  return { ...obj, metadata: meta } as unknown as JSONValue;
}

function strip(m: Managed, id: string): void {
  const vs = m.fields.get(id);
  if (!vs) return;
  const set = vs.set.difference(STRIPPED);
  if (set.empty) m.fields.delete(id);
  else m.fields.set(id, { ...vs, set });
}

/** Merges the oldest Update entries into `ancient-changes` (one per version) beyond the cap. */
function capUpdateManagers(m: Managed): void {
  const updaters = [...m.fields].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  const secs = (id: string) => {
    const t = m.times.get(id);
    return t ? Math.floor(Date.parse(t) / 1000) : 0;
  };
  updaters.sort((a, b) => secs(a) - secs(b) || (a < b ? -1 : a > b ? 1 : 0));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
    const id = updaters[i]!;
    const vs = m.fields.get(id)!;
    const bucket = managerIdentifier({ manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: vs.apiVersion });
    const first = firstOfVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!m.fields.has(bucket)) {
      m.fields.set(bucket, m.fields.get(first)!);
      m.fields.delete(first);
    }
    m.fields.set(bucket, { set: vs.set.union(m.fields.get(bucket)!.set), apiVersion: vs.apiVersion, applied: vs.applied });
    m.fields.delete(id);
    length--;
    m.times.set(bucket, m.times.get(id));
  }
}

/** An Update through the manager stack below the skip check (cap, identifier, time, strip). */
function updateStack(scope: FieldsScope, live: JSONValue, next: JSONValue, managed: Managed, manager: string): Managed {
  const id = managerIdentifier({ manager, operation: 'Update', apiVersion: scope.apiVersion, subresource: scope.subresource });
  const m = updateFields(scope, live, next, managed, CURRENT_OPERATION);
  strip(m, CURRENT_OPERATION);
  const mine = m.fields.get(CURRENT_OPERATION);
  if (mine) {
    m.fields.delete(CURRENT_OPERATION);
    const prev = m.fields.get(id);
    m.fields.set(id, { set: prev ? mine.set.union(prev.set) : mine.set, apiVersion: mine.apiVersion, applied: false });
    m.times.set(id, nowSeconds());
  }
  capUpdateManagers(m);
  return m;
}

/** `managedFields: []` or `[{}]` in a write clears them (upstream's isResetManagedFields). */
function isReset(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && entries[0] !== null && typeof entries[0] === 'object' && Object.keys(entries[0] as object).length === 0;
}

/** The starting point of a write: the request's managed fields when it sets valid ones, else the stored ones. */
function decodeLiveOrNew(scope: FieldsScope, live: KObject, next: KObject): Managed {
  if (scope.subresource) return decodeManagedFields(live.metadata.managedFields, true);
  const sent = next.metadata.managedFields;
  if (isReset(sent)) return emptyManaged();
  try {
    // Most writes send back what they read: then the entries are ours and need no re-encoding.
    const stored = live.metadata.managedFields;
    const m = decodeManagedFields(sent, sent === stored || deepEqual(sent as JSONValue, stored as JSONValue));
    if (m.fields.size > 0) return m;
  } catch {
    // Clients that do not understand managed fields must not wipe them: fall back to the stored ones.
  }
  return decodeManagedFields(live.metadata.managedFields, true);
}

function setEntries(obj: KObject, entries: ManagedFieldsEntry[] | undefined): void {
  if (entries) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}

/**
 * Records a create, update or patch by `manager` on `next` (the object about to be stored, after
 * defaulting). `live` is the stored object, or undefined for a create.
 */
export function trackUpdate(scope: FieldsScope, live: KObject | undefined, next: KObject, manager: string): void {
  const base = live ?? (zeroObject(scope.schema) as unknown as KObject);
  let managed: Managed;
  try {
    managed = decodeLiveOrNew(scope, base, next);
  } catch {
    // Upstream never fails a write over managed fields: it drops them instead.
    delete next.metadata.managedFields;
    return;
  }
  // An existing object without managed fields stays without them until someone applies.
  if (managed.fields.size === 0 && live?.metadata.uid) {
    delete next.metadata.managedFields;
    return;
  }
  const m = updateStack(scope, fieldsView(base), fieldsView(next), managed, manager);
  setEntries(next, encodeManagedFields(m));
}

/** The GroupVersionKind as Go prints it (`apps/v1, Kind=Deployment`). */
export function gvkText(apiVersion: unknown, kind: unknown): string {
  const av = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = av.indexOf('/');
  const group = slash < 0 ? '' : av.slice(0, slash);
  const version = slash < 0 ? av : av.slice(slash + 1);
  return `${group}/${version}, Kind=${typeof kind === 'string' ? kind : ''}`;
}

/** An error upstream returns without a Status: answered as 500 with its text alone. */
const unknownError = (message: string) => new StatusError(500, '', message);

/**
 * Applies `config` by `manager` onto `live` (undefined to create): the merged object with its managed
 * fields, the last-applied annotation kept in sync, and the 409 conflict error when not forced.
 */
export function applyConfig(scope: FieldsScope, live: KObject | undefined, config: KObject, manager: string, force: boolean): KObject {
  const gvk = gvkText(config.apiVersion, config.kind);
  if (gvk !== gvkText(scope.apiVersion, scope.kind)) throw badRequest(`invalid object type: ${gvk}`);
  if (config.metadata?.managedFields !== undefined && config.metadata.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  const base: KObject = live ?? { apiVersion: scope.apiVersion, kind: scope.kind, metadata: {} };
  let managed: Managed;
  try {
    managed = decodeManagedFields(base.metadata.managedFields, true);
  } catch (err) {
    throw unknownError(`failed to decode managed fields: ${(err as Error).message}`);
  }
  const { set, problems } = configFieldSet(scope, config as unknown as JSONValue);
  if (problems.length > 0) {
    const where = `${config.metadata?.namespace ?? ''}/${config.metadata?.name ?? ''}; ${gvk}`;
    throw unknownError(`failed to create typed patch object (${where}): ${problems.length === 1 ? problems[0] : ['errors:', ...problems.map((p) => `  ${p}`)].join('\n')}`);
  }
  const liveView = fieldsView(base);
  if (managed.fields.size === 0 && live) {
    // Whatever the object holds before its first apply belongs to a placeholder manager.
    managed = updateStack(scope, zeroObject(scope.schema), liveView, managed, BEFORE_FIRST_APPLY);
  }
  const id = managerIdentifier({ manager, operation: 'Apply', subresource: scope.subresource });
  const run = (forced: boolean) => applyFields(scope, liveView, config as unknown as JSONValue, managed, id, forced, set);
  let result;
  try {
    result = run(force);
  } catch (err) {
    if (!(err instanceof Conflicts)) throw err;
    const allowed = manager === KUBECTL_MANAGER && live ? allowedFromLastApplied(scope, live) : undefined;
    if (!allowed) throw conflictError(err.conflicts);
    const left = err.conflicts.filter((c) => !allowed.has(c.path));
    if (left.length > 0) throw conflictError(left);
    result = run(true);
  }
  result.managed.times.set(id, nowSeconds());
  strip(result.managed, id);
  const object = result.object as unknown as KObject;
  object.metadata ??= {};
  if (manager === KUBECTL_MANAGER) syncLastApplied(object, config);
  setEntries(object, encodeManagedFields(result.managed));
  return object;
}

/**
 * Upstream does not write an object whose only change is a managed-fields timestamp: when the entries
 * match but for their times and nothing else changed, keep the stored entries.
 */
export function ignoreTimestampOnlyChanges(next: KObject, current: KObject): void {
  const a = next.metadata.managedFields;
  const b = current.metadata.managedFields;
  if (!a || !b || a.length !== b.length || a === b) return;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (
      x.manager !== y.manager ||
      x.operation !== y.operation ||
      x.apiVersion !== y.apiVersion ||
      x.fieldsType !== y.fieldsType ||
      x.subresource !== y.subresource ||
      !deepEqual(x.fieldsV1 as JSONValue, y.fieldsV1 as JSONValue)
    ) {
      return;
    }
  }
  const { resourceVersion: _r1, ...nm } = { ...next.metadata, managedFields: undefined };
  const { resourceVersion: _r2, ...cm } = { ...current.metadata, managedFields: undefined };
  if (deepEqual({ ...next, metadata: nm } as unknown as JSONValue, { ...current, metadata: cm } as unknown as JSONValue)) {
    next.metadata.managedFields = b;
  }
}
