// The generic store: create, get, update, patch, delete, deletecollection, list and watch for every
// resource, the way k8s.io/apiserver's registry.Store does it. A resource differs only by its
// declaration (src/api/catalog.ts) and its strategy.
import { randomUUID } from 'node:crypto';
import {
  OBJECT_MODIFIED,
  StatusError,
  alreadyExists,
  badRequest,
  conflict,
  expired,
  generateNameConflict,
  internalError,
  invalid,
  notFound,
  successStatus,
  serverTimeout,
  tooLargeResourceVersion,
  tooManyRequests,
  type GroupResource,
  type Status,
} from '../api/errors.ts';
import { fieldErrors, type FieldError } from '../api/field-errors.ts';
import { schemaForKind } from '../api/schema/index.ts';
import { groupVersion, qualifiedKind, type KObject, type ResourceDecl } from '../api/types.ts';
import { SERVER_MANAGER, fieldsScope, ignoreTimestampOnlyChanges, trackUpdate, type FieldsScope } from '../managedfields/field-manager.ts';
import { parseFieldSelector, type FieldSelector } from '../selectors/fields.ts';
import { parseLabelSelector, SelectorParseError, type LabelSelector } from '../selectors/labels.ts';
import { Cacher, TooOldError, objectJSON, type WatchFilter } from '../storage/cacher/cacher.ts';
import { decodeContinue, encodeContinue } from '../storage/continue.ts';
import { StorageError, type Storage } from '../storage/interface.ts';
import type { DeleteOptions, ListParams, WatchParams, WriteOptions } from './options.ts';
import type { Strategy } from './strategy.ts';
import { validateObjectMeta, validateObjectMetaUpdate, type ObjectMetaOptions } from './validation/objectmeta.ts';
import type { WatchHandle, WatchSink } from './watch-sink.ts';

export interface ListResponse {
  items: KObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** Admission-style namespace check (NamespaceLifecycle): the namespace must exist and not be terminating. */
export type NamespaceGate = (namespace: string, gr: GroupResource, name: string) => Promise<void>;

export interface StoreDeps {
  storage: Storage;
  namespaceGate?: NamespaceGate;
  /** Cacher options (tests shrink the event window). */
  cacheCapacity?: number;
  bookmarkIntervalMs?: number;
}

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATE_BASE = 58;

export function nowRFC3339(ms = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function generateName(base: string): string {
  let s = base.length > MAX_GENERATE_BASE ? base.slice(0, MAX_GENERATE_BASE) : base;
  for (let i = 0; i < 5; i++) s += GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)];
  return s;
}

/** Everything outside metadata and status: what bumps metadata.generation. */
function specPart(obj: KObject): string {
  const { metadata: _m, status: _s, ...rest } = obj;
  return JSON.stringify(rest);
}

function sameStored(a: KObject, b: KObject): boolean {
  const ra = a.metadata.resourceVersion;
  const rb = b.metadata.resourceVersion;
  a.metadata.resourceVersion = undefined;
  b.metadata.resourceVersion = undefined;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } finally {
    a.metadata.resourceVersion = ra;
    b.metadata.resourceVersion = rb;
  }
}

export function parseRV(rv: string | undefined, what = 'resourceVersion'): number {
  if (rv === undefined || rv === '') return 0;
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid ${what}: ${rv}`);
  return Number(rv);
}

export interface Selection {
  label: LabelSelector;
  field: FieldSelector;
}

/** Settles what a begin hook reserved: kept when the write succeeded, given back when it failed. */
export type FinishFunc = (success: boolean) => Promise<void>;

/** Upstream's BeginCreate / BeginUpdate / AfterDelete: run after validation, around the storage write. */
export interface StoreHooks {
  beginCreate?(obj: KObject, dryRun: boolean): Promise<FinishFunc | undefined>;
  /** Main-resource updates only (not /status or other subresources). */
  beginUpdate?(next: KObject, old: KObject, dryRun: boolean): Promise<FinishFunc | undefined>;
  afterDelete?(obj: KObject): Promise<void>;
  /** Mutating admission on create: runs before defaulting and validation (pod priority). */
  admitCreate?(obj: KObject): Promise<void>;
  /** Refuse a single DELETE by name (system PriorityClasses); delete-collection does not ask. */
  admitDelete?(name: string): void;
}

export class GenericStore {
  readonly gr: GroupResource;
  /** `/registry/pods/`: every key of this resource starts with it. */
  readonly resourcePrefix: string;
  readonly cacher: Cacher;
  readonly hasStatus: boolean;
  private readonly fieldGetters: Record<string, (obj: KObject) => string>;
  private readonly metaOptions: ObjectMetaOptions;
  /** Async steps before validation on create (allocators such as service cluster IPs). */
  /** Resource-specific steps around writes (service address allocation). */
  hooks: StoreHooks = {};

  constructor(
    readonly decl: ResourceDecl,
    readonly strategy: Strategy,
    private readonly deps: StoreDeps,
  ) {
    this.gr = { group: decl.group, resource: decl.resource };
    this.resourcePrefix = `${deps.storage.prefix}/${decl.etcdResource}/`;
    this.hasStatus = decl.subresources.some((s) => s.name === 'status');
    this.metaOptions = { kubeFinalizerNames: strategy.genericObjectMeta !== true };
    this.fieldGetters = {
      'metadata.name': (o) => o.metadata.name ?? '',
      'metadata.namespace': (o: KObject) => o.metadata.namespace ?? '',
      ...(strategy.fieldSelectors ?? {}),
    };
    const indexField = this.decl.group === '' && this.decl.resource === 'pods' ? 'spec.nodeName' : undefined;
    this.cacher = new Cacher(deps.storage, this.resourcePrefix, {
      capacity: deps.cacheCapacity,
      bookmarkIntervalMs: deps.bookmarkIntervalMs,
      index: indexField ? { field: indexField, get: this.fieldGetters[indexField]! } : undefined,
    });
  }

  get storage(): Storage {
    return this.deps.storage;
  }

  /** What managed fields need to know about this resource, or one of its subresources. */
  fieldsScope(subresource?: string): FieldsScope {
    const d = this.decl;
    return fieldsScope(d, this.strategy.schema ?? schemaForKind(d.group, d.version, d.kind), subresource);
  }

  key(namespace: string | undefined, name: string): string {
    return this.decl.namespaced ? `${this.resourcePrefix}${namespace}/${name}` : `${this.resourcePrefix}${name}`;
  }

  private scopePrefix(namespace: string | undefined): string {
    return this.decl.namespaced && namespace ? `${this.resourcePrefix}${namespace}/` : this.resourcePrefix;
  }

  // ---- selectors -------------------------------------------------------------------------------

  selection(params: ListParams): Selection {
    let label: LabelSelector;
    let field: FieldSelector;
    try {
      label = parseLabelSelector(params.labelSelector ?? '');
    } catch (err) {
      if (err instanceof SelectorParseError) throw badRequest(err.message);
      throw err;
    }
    try {
      field = parseFieldSelector(params.fieldSelector ?? '');
    } catch (err) {
      if (err instanceof SelectorParseError) throw badRequest(err.message);
      throw err;
    }
    for (const r of field.requirements) {
      if (!(r.field in this.fieldGetters)) {
        // Kinds with their own field label conversion say so tersely; the rest use the generic
        // metadata-only conversion and its message (runtime.DefaultMetaV1FieldSelectorConversion).
        throw badRequest(
          this.strategy.fieldSelectors
            ? `field label not supported: ${r.field}`
            : `${JSON.stringify(r.field)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
        );
      }
    }
    return { label, field };
  }

  matcher(sel: Selection): (obj: KObject) => boolean {
    const { label, field } = sel;
    const getters = this.fieldGetters;
    const labelAll = label.empty();
    const fieldAll = field.empty();
    if (labelAll && fieldAll) return () => true;
    return (obj) =>
      (labelAll || label.matches(obj.metadata.labels)) &&
      (fieldAll || field.matches((f) => (getters[f] ? getters[f]!(obj) : undefined)));
  }

  private watchFilter(namespace: string | undefined, sel: Selection): WatchFilter {
    const idx = this.cacher.index;
    return {
      keyPrefix: this.decl.namespaced && namespace ? this.scopePrefix(namespace) : undefined,
      indexValue: idx ? sel.field.exactValue(idx.field) : undefined,
      matches: this.matcher(sel),
    };
  }

  // ---- reads -----------------------------------------------------------------------------------

  async get(namespace: string | undefined, name: string, resourceVersion?: string): Promise<KObject> {
    const key = this.key(namespace, name);
    let obj: KObject | null | undefined;
    if (resourceVersion === '0') {
      obj = await this.cacher.get(key).catch((err: unknown) => {
        throw this.storageError(err, name, 'get');
      });
    } else {
      const want = parseRV(resourceVersion);
      if (want > 0) await this.ensureNotTooLarge(want);
      obj = await this.read(key);
    }
    if (!obj) throw notFound(this.gr, name);
    return obj;
  }

  private async read(key: string): Promise<KObject | null> {
    try {
      return await this.storage.get(key);
    } catch (err) {
      throw this.storageError(err, '', 'get');
    }
  }

  private async ensureNotTooLarge(rv: number): Promise<void> {
    if (rv <= this.cacher.revision) return;
    const current = await this.storage.currentRevision();
    if (rv > current) throw tooLargeResourceVersion(rv, current);
  }

  async list(namespace: string | undefined, params: ListParams): Promise<ListResponse> {
    validateListOptions(params, false);
    const sel = this.selection(params);
    const match = this.matcher(sel);
    const rv = params.resourceVersion;
    const exact = params.resourceVersionMatch === 'Exact';
    if (rv === '0' && !params.continue) {
      // Any version will do: serve from the watch cache (limit is ignored, as upstream's cacher does).
      const res = await this.cacher.list(this.watchFilter(namespace, sel)).catch((err: unknown) => {
        throw this.storageError(err, '', 'list');
      });
      return { items: res.items, resourceVersion: String(res.revision) };
    }
    const limit = params.limit && params.limit > 0 ? params.limit : 0;
    let startKey: string | undefined;
    let revision = 0;
    if (params.continue) {
      if (rv !== undefined && rv !== '' && rv !== '0') {
        throw badRequest('specifying resource version is not allowed when using continue');
      }
      const c = decodeContinue(params.continue, this.resourcePrefix);
      startKey = c.startKey;
      revision = c.revision > 0 ? c.revision : 0;
      if (!startKey.startsWith(this.scopePrefix(namespace))) throw badRequest('continue key is not valid: key is not valid');
    } else if (rv !== undefined && rv !== '') {
      const want = parseRV(rv);
      if (exact) revision = want;
      await this.ensureNotTooLarge(want);
    }
    const filtered = !sel.label.empty() || !sel.field.empty();
    let res;
    try {
      res = await this.storage.list(this.scopePrefix(namespace), {
        limit,
        startKey,
        revision,
        filter: filtered ? match : undefined,
      });
    } catch (err) {
      if (err instanceof StorageError && err.code === 'Compacted') {
        if (params.continue) throw continueExpired(this.resourcePrefix, startKey!);
        throw expired('The resourceVersion for the provided list is too old.');
      }
      throw this.storageError(err, '', 'list');
    }
    const out: ListResponse = { items: res.items, resourceVersion: String(res.revision) };
    if (res.nextKey) {
      out.continue = encodeContinue(res.nextKey, this.resourcePrefix, res.revision);
      if (res.remaining !== undefined && !filtered) out.remainingItemCount = res.remaining;
    }
    return out;
  }

  // ---- watch -----------------------------------------------------------------------------------

  async watch(namespace: string | undefined, params: WatchParams, sink: WatchSink): Promise<WatchHandle> {
    validateListOptions(params, true);
    const sel = this.selection(params);
    const filter = this.watchFilter(namespace, sel);
    const rv = params.resourceVersion ?? '';
    const initialEvents = params.sendInitialEvents ?? (rv === '' || rv === '0');
    let from: number;
    let initial: KObject[] = [];
    await this.cacher.ready().catch((err: unknown) => {
      throw this.storageError(err, '', 'list');
    });
    if (rv === '' && initialEvents) {
      // Consistent initial state: a fresh read from etcd, then the cache's events after it.
      const listed = await this.storage.list(this.scopePrefix(namespace), { filter: filter.matches }).catch((err) => {
        throw this.storageError(err, '', 'list');
      });
      initial = listed.items;
      from = listed.revision;
    } else if (initialEvents) {
      const snap = await this.cacher.list(filter);
      const want = parseRV(rv);
      if (want > snap.revision) {
        await this.cacher.waitFor(want, 3000);
        return this.watch(namespace, { ...params, resourceVersion: '0' }, sink);
      }
      initial = snap.items;
      from = snap.revision;
    } else {
      // No initial events: "" and "0" mean "from now", N means "changes after N".
      from = rv === '' || rv === '0' ? this.cacher.revision : parseRV(rv);
    }
    for (const obj of initial) {
      if (!sink.event('ADDED', obj)) return { stop: () => undefined };
    }
    if (params.sendInitialEvents) sink.bookmark(String(from), true);
    try {
      const w = await this.cacher.watch(from, filter, {
        event: (type, obj, ev, transformed) => sink.event(type, obj, transformed ? undefined : objectJSON(ev)),
        bookmark: (rev) => {
          if (params.allowWatchBookmarks) sink.bookmark(String(rev), false);
        },
        terminate: () => sink.end(),
      });
      return { stop: () => w.stop() };
    } catch (err) {
      if (err instanceof TooOldError) {
        sink.error(new StatusError(410, 'Expired', err.message).status);
        return { stop: () => undefined };
      }
      throw err;
    }
  }

  // ---- writes ----------------------------------------------------------------------------------

  private checkKind(obj: KObject): void {
    const gv = groupVersion(this.decl);
    if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== this.decl.kind) {
      throw badRequest(`the kind of the object (${obj.kind}) does not match the kind of the resource (${this.decl.kind})`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== gv) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${gv})`);
    }
    obj.kind = this.decl.kind;
    obj.apiVersion = gv;
  }

  private checkNamespace(obj: KObject, namespace: string | undefined): void {
    if (!this.decl.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    const ns = obj.metadata.namespace;
    if (ns === undefined || ns === '') obj.metadata.namespace = namespace;
    else if (ns !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
  }

  private validateCreate(obj: KObject): void {
    const errs: FieldError[] = [
      ...validateObjectMeta(obj, this.decl.namespaced, this.strategy.nameRule ?? 'subdomain', this.metaOptions),
      ...(this.strategy.validate?.(obj) ?? []),
    ];
    if (errs.length) throw invalid(qualifiedKind(this.decl), obj.metadata.name ?? '', errs);
  }

  async create(namespace: string | undefined, input: unknown, opts: WriteOptions = {}): Promise<KObject> {
    const obj = asObject(input);
    this.checkKind(obj);
    this.checkNamespace(obj, namespace);
    const meta = obj.metadata;
    if (meta.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    // Mutating admission sees the object before the server names it, so its refusals name the
    // generateName prefix (`pods "web-" is forbidden`), as upstream's do.
    await this.hooks.admitCreate?.(obj).catch((err: unknown) => {
      throw this.storageError(err, meta.name ?? meta.generateName ?? '', 'create');
    });
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    meta.uid = randomUUID();
    meta.creationTimestamp = nowRFC3339();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (this.strategy.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    if (this.hasStatus && this.decl.kind !== 'Node') obj.status = {};
    this.strategy.prepareForCreate?.(obj);
    if (!opts.applied) trackUpdate(this.fieldsScope(), undefined, obj, opts.fieldManager ?? SERVER_MANAGER);
    this.validateCreate(obj);
    if (this.decl.namespaced && this.deps.namespaceGate) {
      await this.deps.namespaceGate(meta.namespace!, this.gr, meta.name!).catch((err: unknown) => {
        throw this.storageError(err, meta.name!, 'create');
      });
    }
    // Admission reads watch caches; one re-listing after an etcd outage answers 429, not an internal error.
    const finish = await this.hooks.beginCreate?.(obj, opts.dryRun === true).catch((err: unknown) => {
      throw this.storageError(err, meta.name!, 'create');
    });
    if (opts.dryRun) return obj;
    try {
      const created = await this.storage.create(this.key(meta.namespace, meta.name!), obj);
      await finish?.(true);
      return created;
    } catch (err) {
      await finish?.(false);
      if (err instanceof StorageError && err.code === 'KeyExists') {
        if (meta.generateName && input && !(input as KObject).metadata?.name) {
          throw generateNameConflict(this.gr, meta.name!, 1);
        }
        throw alreadyExists(this.gr, meta.name!);
      }
      throw this.storageError(err, meta.name!, 'create');
    }
  }

  /**
   * PUT: replace the object (or, with subresource "status", only its status). `input` must carry
   * the resourceVersion it was based on; an empty one means an unconditional update.
   */
  async update(
    namespace: string | undefined,
    name: string,
    input: unknown,
    opts: WriteOptions & { subresource?: string } = {},
  ): Promise<KObject> {
    const obj = asObject(input);
    this.checkKind(obj);
    this.checkNamespace(obj, namespace);
    if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    obj.metadata.name = name;
    const wantRV = parseRV(obj.metadata.resourceVersion);
    return this.guaranteedUpdate(namespace, name, wantRV, opts, () => structuredClone(obj));
  }

  /** PATCH and every read-modify-write: `mutate` turns the current object into the desired one; retried on conflicts. */
  async patch(
    namespace: string | undefined,
    name: string,
    mutate: (current: KObject) => KObject,
    opts: WriteOptions & { subresource?: string } = {},
  ): Promise<KObject> {
    return this.guaranteedUpdate(namespace, name, 0, opts, (cur) => {
      const next = mutate(structuredClone(cur));
      this.checkKind(next);
      if (next.metadata.name !== undefined && next.metadata.name !== name) {
        throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
      }
      next.metadata.name = name;
      this.checkNamespace(next, namespace);
      // A patch may pin a resourceVersion; it must match what it was applied to.
      const pinned = next.metadata.resourceVersion;
      if (pinned && pinned !== cur.metadata.resourceVersion) throw conflict(this.gr, name, OBJECT_MODIFIED);
      next.metadata.resourceVersion = cur.metadata.resourceVersion;
      return next;
    });
  }

  private async guaranteedUpdate(
    namespace: string | undefined,
    name: string,
    wantRV: number,
    opts: WriteOptions & { subresource?: string },
    desired: (current: KObject) => KObject,
  ): Promise<KObject> {
    const key = this.key(namespace, name);
    // Start from the watch cache's copy, as upstream's GuaranteedUpdate does with its cached object:
    // the compare-and-swap on its revision catches a stale copy, and only then is etcd read. A dry run
    // reads etcd, since nothing would catch a stale copy.
    const cached = opts.dryRun ? undefined : this.cacher.peek(key);
    let current: KObject | null = cached ? structuredClone(cached) : await this.read(key);
    let isCurrent = cached === undefined;
    for (let attempt = 0; ; attempt++) {
      if (!current) {
        if (!isCurrent) {
          current = await this.read(key);
          isCurrent = true;
          continue;
        }
        throw notFound(this.gr, name);
      }
      const curRV = Number(current.metadata.resourceVersion);
      let next: KObject;
      try {
        if (wantRV > 0 && wantRV !== curRV) throw conflict(this.gr, name, OBJECT_MODIFIED);
        next = this.prepareUpdate(desired(current), current, opts.subresource, opts);
      } catch (err) {
        if (isCurrent) throw err;
        // Refused on a copy that may be stale: decide again on etcd's version, unless it is the same one.
        const fresh = await this.read(key);
        if (fresh && Number(fresh.metadata.resourceVersion) === curRV) throw err;
        current = fresh;
        isCurrent = true;
        continue;
      }
      ignoreTimestampOnlyChanges(next, current);
      if (sameStored(next, current)) {
        if (isCurrent) return current;
        current = await this.read(key);
        isCurrent = true;
        continue;
      }
      const finish = opts.subresource
        ? undefined
        : await this.hooks.beginUpdate?.(next, current, opts.dryRun === true).catch((err: unknown) => {
            throw this.storageError(err, name, 'update');
          });
      if (opts.dryRun) return next;
      // ShouldDeleteDuringUpdate: an object already being deleted goes once it has no finalizers —
      // unless a graceful deletion is still running (a pod's status writes during its grace period).
      const finalizersDone =
        current.metadata.deletionTimestamp !== undefined &&
        (next.metadata.finalizers ?? []).length === 0 &&
        (current.metadata.deletionGracePeriodSeconds ?? 0) === 0 &&
        this.strategy.canDeleteDuringUpdate?.(next) !== false;
      try {
        let written: KObject;
        if (finalizersDone) {
          written = await this.storage.delete(key, curRV);
          await this.hooks.afterDelete?.(written);
        } else written = await this.storage.update(key, next, curRV);
        await finish?.(true);
        return written;
      } catch (err) {
        await finish?.(false);
        const stale = err instanceof StorageError && (err.code === 'Conflict' || err.code === 'KeyNotFound') && !isCurrent;
        if (stale || (err instanceof StorageError && err.code === 'Conflict' && wantRV === 0 && attempt < 20)) {
          current = await this.read(key);
          isCurrent = true;
          continue;
        }
        if (err instanceof StorageError && err.code === 'Conflict') throw conflict(this.gr, name, OBJECT_MODIFIED);
        if (err instanceof StorageError && err.code === 'KeyNotFound') throw notFound(this.gr, name);
        throw this.storageError(err, name, 'update');
      }
    }
  }

  private prepareUpdate(next: KObject, old: KObject, subresource: string | undefined, opts: WriteOptions = {}): KObject {
    const nm = next.metadata;
    const om = old.metadata;
    if (!nm.uid) nm.uid = om.uid;
    nm.creationTimestamp = om.creationTimestamp;
    if (om.deletionTimestamp) nm.deletionTimestamp = om.deletionTimestamp;
    else delete nm.deletionTimestamp;
    if (om.deletionGracePeriodSeconds !== undefined) nm.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
    else delete nm.deletionGracePeriodSeconds;
    if (nm.generateName === undefined && om.generateName !== undefined) nm.generateName = om.generateName;
    delete nm.selfLink;
    nm.resourceVersion = om.resourceVersion;
    const partial = subresource ? this.strategy.subresourceWrites?.[subresource] : undefined;
    if (partial) {
      // Only the subresource's own part comes from the request, as upstream's strategies start from the stored object.
      next = partial.prepare(next, old);
      next.metadata.resourceVersion = om.resourceVersion;
      if (this.strategy.tracksGeneration) {
        const gen = om.generation ?? 1;
        next.metadata.generation = specPart(next) === specPart(old) ? gen : gen + 1;
      }
    } else if (subresource === 'status') {
      // Status writes change status only; everything else stays as stored.
      const merged: KObject = { ...structuredClone(old), status: next.status };
      merged.metadata = nm;
      nm.generation = om.generation;
      if (om.generation === undefined) delete nm.generation;
      nm.labels = om.labels;
      nm.finalizers = om.finalizers;
      nm.ownerReferences = om.ownerReferences;
      if (nm.labels === undefined) delete nm.labels;
      if (nm.finalizers === undefined) delete nm.finalizers;
      if (nm.ownerReferences === undefined) delete nm.ownerReferences;
      next = merged;
      this.strategy.prepareForStatusUpdate?.(next, old);
    } else if (subresource === 'binding' || subresource === 'finalize') {
      // Internal writers (pod binding, namespace finalize) set exactly what they mean to.
      if (om.generation !== undefined) nm.generation = om.generation;
    } else {
      if (this.hasStatus) {
        if (old.status === undefined) delete next.status;
        else next.status = structuredClone(old.status);
      }
      this.strategy.prepareForUpdate?.(next, old);
      if (this.strategy.tracksGeneration) {
        const gen = om.generation ?? 1;
        nm.generation = specPart(next) === specPart(old) ? gen : gen + 1;
      } else if (om.generation !== undefined) nm.generation = om.generation;
      else delete nm.generation;
    }
    // Binding writes straight to storage upstream, past the field manager.
    if (!opts.applied && subresource !== 'binding') {
      trackUpdate(this.fieldsScope(opts.managedSubresource ?? subresource), old, next, opts.fieldManager ?? SERVER_MANAGER);
    }
    const errs: FieldError[] = [
      ...validateObjectMetaUpdate(next, old, this.metaOptions),
      ...validateObjectMeta(next, this.decl.namespaced, this.strategy.nameRule ?? 'subdomain', this.metaOptions),
      ...(subresource ? [] : (this.strategy.validate?.(next) ?? [])),
      ...(subresource ? [] : (this.strategy.validateUpdate?.(next, old) ?? [])),
      ...(subresource === 'status' ? (this.strategy.validateStatusUpdate?.(next, old) ?? []) : []),
      ...(partial ? partial.validate(next, old) : []),
    ];
    if (errs.length) throw invalid(qualifiedKind(this.decl), nm.name ?? '', errs);
    return next;
  }

  async delete(
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): Promise<{ object?: KObject; status?: Status; removed: boolean }> {
    this.hooks.admitDelete?.(name);
    return this.remove(namespace, name, options);
  }

  private async remove(
    namespace: string | undefined,
    name: string,
    options: DeleteOptions,
  ): Promise<{ object?: KObject; status?: Status; removed: boolean }> {
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const current = await this.read(key);
      if (!current) throw notFound(this.gr, name);
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== current.metadata.uid) {
        throw conflict(this.gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
        throw conflict(
          this.gr,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
        );
      }
      const curRV = Number(current.metadata.resourceVersion);
      const next = structuredClone(current);
      let pending = false;

      // A resource with its own delete (namespaces: the first DELETE only starts termination).
      const own = this.strategy.beforeDelete?.(next, options);
      if (own === 'keep') return { object: current, removed: false };
      if (own === 'update') {
        pending = true;
      } else {
        const meta = next.metadata;
        // rest.BeforeDelete: graceful deletion (pods) sets deletionTimestamp/deletionGracePeriodSeconds;
        // an object already in a graceful deletion can only have its grace period shortened.
        let graceful = false;
        if (meta.deletionTimestamp) {
          const already = meta.deletionGracePeriodSeconds ?? 0;
          if (already > 0) {
            const requested = options.gracePeriodSeconds;
            // Without a requested period, one the strategy says is over (a pod in a terminal phase, as
            // the node agent deletes it) still ends the wait.
            const period =
              requested !== undefined ? (requested < 0 ? 1 : requested) : this.strategy.gracePeriod?.(current, undefined) === 0 ? 0 : undefined;
            // Graceful deletion pending: nothing changes, not even the finalizers.
            if (period === undefined || period >= already) return { object: current, removed: false };
            const started = Date.parse(meta.deletionTimestamp) - already * 1000;
            meta.deletionTimestamp = nowRFC3339(started + period * 1000);
            meta.deletionGracePeriodSeconds = period;
            graceful = true;
          }
        } else {
          const grace = this.strategy.gracePeriod?.(current, options.gracePeriodSeconds) ?? 0;
          if (grace > 0) {
            meta.deletionTimestamp = nowRFC3339(Date.now() + grace * 1000);
            meta.deletionGracePeriodSeconds = grace;
            if (meta.generation !== undefined) meta.generation += 1;
            graceful = true;
          }
        }
        // deletionFinalizersForGarbageCollection: the propagation policy becomes the orphan or
        // foregroundDeletion finalizer (an explicit Background removes both) for the garbage collector.
        const finalizers = gcFinalizers(meta.finalizers ?? [], options);
        if (finalizers) {
          if (finalizers.length) meta.finalizers = finalizers;
          else delete meta.finalizers;
        }
        const pendingFinalizers = (meta.finalizers ?? []).length > 0;
        if (pendingFinalizers) {
          if (!graceful) {
            // markAsDeleting
            if (!meta.deletionTimestamp && meta.generation !== undefined) meta.generation += 1;
            const now = nowRFC3339();
            if (!meta.deletionTimestamp || Date.parse(meta.deletionTimestamp) > Date.parse(now)) meta.deletionTimestamp = now;
            meta.deletionGracePeriodSeconds = 0;
          }
          pending = true;
        } else if (graceful && (meta.deletionGracePeriodSeconds ?? 0) > 0) {
          pending = true;
        }
      }

      if (pending) {
        if (sameStored(next, current) || options.dryRun) return { object: options.dryRun ? next : current, removed: false };
        try {
          const obj = await this.storage.update(key, next, curRV);
          return { object: obj, removed: false };
        } catch (err) {
          if (err instanceof StorageError && (err.code === 'Conflict' || err.code === 'KeyNotFound') && attempt < 20) continue;
          throw this.storageError(err, name, 'delete');
        }
      }
      if (options.dryRun) return { object: current, removed: true, status: this.deletedStatus(current) };
      try {
        const obj = await this.storage.delete(key, curRV);
        await this.hooks.afterDelete?.(obj);
        return { object: obj, removed: true, status: this.deletedStatus(obj) };
      } catch (err) {
        if (err instanceof StorageError && err.code === 'KeyNotFound') throw notFound(this.gr, name);
        if (err instanceof StorageError && err.code === 'Conflict' && attempt < 20) continue;
        throw this.storageError(err, name, 'delete');
      }
    }
  }

  private deletedStatus(obj: KObject): Status {
    return successStatus({
      name: obj.metadata.name,
      ...(this.decl.group ? { group: this.decl.group } : {}),
      kind: this.decl.resource,
      uid: obj.metadata.uid,
    });
  }

  async deleteCollection(namespace: string | undefined, params: ListParams, options: DeleteOptions): Promise<KObject[]> {
    const listed = await this.list(namespace, { ...params, limit: undefined, continue: undefined });
    const out: KObject[] = [];
    for (const item of listed.items) {
      try {
        const res = await this.remove(item.metadata.namespace, item.metadata.name!, options);
        if (res.object) out.push(res.object);
      } catch (err) {
        if (err instanceof StatusError && err.code === 404) continue;
        throw err;
      }
    }
    return out;
  }

  /** storage/errors' Interpret*Error: the Status a storage failure answers with. */
  private storageError(err: unknown, name: string, operation: 'get' | 'list' | 'create' | 'update' | 'delete'): StatusError {
    if (err instanceof StatusError) return err;
    if (err instanceof StorageError) {
      switch (err.code) {
        case 'Unreachable':
          // etcd cannot be reached: the client is told to retry, as upstream does.
          return serverTimeout(this.gr, operation, 2);
        case 'Reinitializing':
          return tooManyRequests(err.message, 1);
        case 'KeyNotFound':
          return notFound(this.gr, name);
        case 'KeyExists':
          return alreadyExists(this.gr, name);
        case 'Conflict':
          return conflict(this.gr, name, OBJECT_MODIFIED);
        case 'Compacted':
          return expired('The resourceVersion for the provided list is too old.');
        case 'RequestTooLarge':
          // Upstream passes etcd's refusal on as an error that is not a Status: 500, no reason, its text.
          return new StatusError(500, '', err.message);
        default:
          return internalError(err);
      }
    }
    return internalError(err);
  }
}

/** shouldOrphanDependents / shouldDeleteDependents: whether the orphan / foregroundDeletion finalizer is wanted. */
export function wantsGCFinalizers(finalizers: readonly string[], options: DeleteOptions): { orphan: boolean; foreground: boolean } {
  if (options.orphanDependents !== undefined) return { orphan: options.orphanDependents, foreground: false };
  if (options.propagationPolicy !== undefined) {
    return { orphan: options.propagationPolicy === 'Orphan', foreground: options.propagationPolicy === 'Foreground' };
  }
  const orphan = finalizers.includes('orphan');
  return { orphan, foreground: !orphan && finalizers.includes('foregroundDeletion') };
}

/** The finalizers after applying the delete options' propagation policy, or undefined when unchanged. */
function gcFinalizers(finalizers: readonly string[], options: DeleteOptions): string[] | undefined {
  const want = wantsGCFinalizers(finalizers, options);
  const out = finalizers.filter((f) => f !== 'orphan' && f !== 'foregroundDeletion');
  if (want.orphan) out.push('orphan');
  if (want.foreground) out.push('foregroundDeletion');
  const a = new Set(finalizers);
  const b = new Set(out);
  if (a.size === b.size && [...a].every((f) => b.has(f))) return undefined;
  return out;
}

function asObject(input: unknown): KObject {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw badRequest('the body of the request is not a valid object');
  }
  const obj = input as KObject;
  if (!obj.metadata || typeof obj.metadata !== 'object') obj.metadata = {};
  return obj;
}

function continueExpired(resourcePrefix: string, startKey: string): StatusError {
  const next = encodeContinue(startKey, resourcePrefix, -1);
  const err = expired(
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  );
  err.status.metadata.continue = next;
  return err;
}

/** ListOptions validation (apimachinery internalversion/validation), 422 on ListOptions.meta.k8s.io. */
export function validateListOptions(p: WatchParams, watch: boolean): void {
  const errs: FieldError[] = [];
  const rvm = p.resourceVersionMatch;
  if (rvm !== undefined && rvm !== '') {
    if (watch) {
      if (!p.sendInitialEvents) {
        errs.push(
          fieldErrors.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'),
        );
      } else if (rvm !== 'NotOlderThan') {
        errs.push(fieldErrors.notSupported('resourceVersionMatch', rvm, ['NotOlderThan']));
      }
    } else if (!p.resourceVersion) {
      errs.push(fieldErrors.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    } else if (p.continue) {
      errs.push(fieldErrors.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    } else if (rvm === 'Exact' && p.resourceVersion === '0') {
      errs.push(fieldErrors.forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    } else if (rvm !== 'Exact' && rvm !== 'NotOlderThan') {
      errs.push(fieldErrors.notSupported('resourceVersionMatch', rvm, ['Exact', 'NotOlderThan', '']));
    }
  }
  if (p.sendInitialEvents !== undefined) {
    if (!watch) errs.push(fieldErrors.forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
    else {
      if (rvm !== 'NotOlderThan') {
        errs.push(fieldErrors.forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
      }
      if (p.sendInitialEvents && !p.allowWatchBookmarks) {
        errs.push(fieldErrors.forbidden('allowWatchBookmarks', 'sendInitialEvents requires setting allowWatchBookmarks to true'));
      }
    }
  }
  if (errs.length) throw invalid('ListOptions.meta.k8s.io', '', errs);
}
