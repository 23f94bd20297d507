// The watch cache: one etcd watch per resource keeps an in-memory copy of every object and a window
// of recent events, and fans events out to any number of client watches, filtered in memory.
// This is what lets thousands of node agents each watch their own pods without thousands of etcd watches.
import type { KObject } from '../../api/types.ts';
import { StorageError, type Storage, type StorageEvent, type StorageWatch, type WatchEventType } from '../interface.ts';

export interface CacheEvent extends StorageEvent {
  /** JSON of `obj`, computed once per event however many watchers receive it. */
  json?: string;
}

export function objectJSON(ev: CacheEvent): string {
  if (ev.json === undefined) ev.json = JSON.stringify(ev.obj);
  return ev.json;
}

/** An in-memory index on one field (e.g. pods by spec.nodeName) for lists and watch dispatch. */
export interface CacheIndex {
  field: string;
  get(obj: KObject): string;
}

export interface WatchFilter {
  /** Only keys under this prefix (namespace scoping). */
  keyPrefix?: string;
  /** Value the indexed field must equal, when the selector pins it. */
  indexValue?: string;
  matches(obj: KObject): boolean;
}

export interface CacheWatchSink {
  /** Deliver an event; return false to ask the cacher to stop this watch (slow or gone client). */
  event(type: WatchEventType, obj: KObject, ev: CacheEvent, transformed: boolean): boolean;
  bookmark(revision: number): void;
  /** The cacher ended this watch (re-initialisation after an etcd failure, or shutdown). */
  terminate(err?: StorageError | Error): void;
}

export class TooOldError extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

export class CacheWatcher {
  lastSentRevision: number;
  stopped = false;
  constructor(
    readonly cacher: Cacher,
    readonly filter: WatchFilter,
    readonly sink: CacheWatchSink,
    readonly fromRevision: number,
  ) {
    this.lastSentRevision = fromRevision;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.cacher.removeWatcher(this);
  }

  /** Apply selector transitions: entering → ADDED, leaving → DELETED (with the old state at the new revision). */
  deliver(ev: CacheEvent): boolean {
    if (ev.revision <= this.lastSentRevision) return true;
    const f = this.filter;
    if (f.keyPrefix && !ev.key.startsWith(f.keyPrefix)) return true;
    const cur = ev.type !== 'DELETED' && f.matches(ev.obj);
    const prev = ev.prev !== undefined && f.matches(ev.prev);
    let ok = true;
    if (ev.type === 'DELETED') {
      if (f.matches(ev.obj)) ok = this.sink.event('DELETED', ev.obj, ev, false);
    } else if (cur && (prev || ev.type === 'ADDED')) {
      ok = this.sink.event(ev.type, ev.obj, ev, false);
    } else if (cur && !prev) {
      ok = this.sink.event('ADDED', ev.obj, ev, true);
    } else if (!cur && prev) {
      const gone = structuredClone(ev.prev!);
      gone.metadata.resourceVersion = String(ev.revision);
      ok = this.sink.event('DELETED', gone, ev, true);
    }
    this.lastSentRevision = ev.revision;
    return ok;
  }
}

export interface CacherOptions {
  /** How many recent events stay replayable for watches that resume from a resourceVersion. */
  capacity?: number;
  index?: CacheIndex;
  bookmarkIntervalMs?: number;
}

export class Cacher {
  private state = new Map<string, KObject>();
  private sortedKeys: string[] | null = null;
  private indexed = new Map<string, Set<string>>();
  private window: CacheEvent[] = [];
  private windowStart = 0;
  /** Every event with revision > oldest is in the window. */
  private oldest = 0;
  revision = 0;
  private watchers = new Set<CacheWatcher>();
  private watchersByIndex = new Map<string, Set<CacheWatcher>>();
  private etcdWatch: StorageWatch | null = null;
  private readyPromise: Promise<void> | null = null;
  private bookmarkTimer: NodeJS.Timeout | null = null;
  private waiters: { rev: number; resolve: () => void }[] = [];
  private closed = false;
  /** The snapshot is loaded and the etcd watch keeps it current (false while re-listing). */
  private synced = false;
  /** The cache has held a full snapshot once (a later loss of etcd is a re-initialisation). */
  private initializedOnce = false;
  readonly capacity: number;
  readonly index?: CacheIndex;

  constructor(
    readonly storage: Storage,
    readonly prefix: string,
    opts: CacherOptions = {},
  ) {
    this.capacity = opts.capacity ?? 10_000;
    this.index = opts.index;
    const interval = opts.bookmarkIntervalMs ?? 60_000;
    this.bookmarkTimer = setInterval(() => this.sendBookmarks(), interval);
    this.bookmarkTimer.unref();
  }

  /**
   * The cached object under `key` if the cache is running, without starting or waiting for it: writers
   * use it as a starting point that a compare-and-swap then confirms.
   */
  peek(key: string): KObject | undefined {
    return this.synced ? this.state.get(key) : undefined;
  }

  /** How many objects the cache holds (apiserver_storage_objects). */
  get size(): number {
    return this.state.size;
  }

  /**
   * Starts (once) and resolves when the cache holds a full snapshot. A cache that had one and lost
   * etcd refuses at once (Reinitializing) rather than keep requests waiting while it lists again, as
   * upstream's cacher answers 429 then.
   */
  ready(): Promise<void> {
    if (this.synced) return Promise.resolve();
    if (this.initializedOnce) {
      this.readyPromise ??= this.relist();
      return Promise.reject(new StorageError('Reinitializing', this.prefix, 'storage is (re)initializing'));
    }
    if (!this.readyPromise) this.readyPromise = this.init();
    return this.readyPromise;
  }

  /** Lists again after losing etcd, retrying every second until it can. */
  private relist(): Promise<void> {
    return this.init().catch(() => {
      this.readyPromise = null;
      if (this.closed) return;
      setTimeout(() => {
        if (!this.closed && !this.synced && !this.readyPromise) this.readyPromise = this.relist();
      }, 1000).unref();
    });
  }

  private async init(): Promise<void> {
    const res = await this.storage.list(this.prefix, {});
    this.state.clear();
    this.indexed.clear();
    this.sortedKeys = null;
    for (const obj of res.items) {
      const key = this.keyOf(obj);
      this.state.set(key, obj);
      this.indexAdd(key, obj);
    }
    this.revision = res.revision;
    this.oldest = res.revision;
    this.window = [];
    this.windowStart = 0;
    this.etcdWatch = await this.storage.watch(this.prefix, res.revision + 1, {
      onEvents: (events) => this.apply(events),
      onProgress: (rev) => this.advance(rev),
      onError: (err) => this.reinitialize(err),
    });
    this.synced = true;
    this.initializedOnce = true;
  }

  /** Keys of stored objects are rebuilt from metadata because objects do not carry them. */
  private keyOf(obj: KObject): string {
    const ns = obj.metadata.namespace;
    return ns ? `${this.prefix}${ns}/${obj.metadata.name}` : `${this.prefix}${obj.metadata.name}`;
  }

  private indexAdd(key: string, obj: KObject): void {
    if (!this.index) return;
    const v = this.index.get(obj);
    let set = this.indexed.get(v);
    if (!set) this.indexed.set(v, (set = new Set()));
    set.add(key);
  }

  private indexRemove(key: string, obj: KObject): void {
    if (!this.index) return;
    const v = this.index.get(obj);
    const set = this.indexed.get(v);
    if (set) {
      set.delete(key);
      if (set.size === 0) this.indexed.delete(v);
    }
  }

  private apply(events: StorageEvent[]): void {
    for (const raw of events) {
      const ev = raw as CacheEvent;
      const old = this.state.get(ev.key);
      if (old) this.indexRemove(ev.key, old);
      if (ev.type === 'DELETED') {
        if (old) {
          this.state.delete(ev.key);
          this.sortedKeys = null;
        }
      } else {
        if (!old) this.sortedKeys = null;
        this.state.set(ev.key, ev.obj);
        this.indexAdd(ev.key, ev.obj);
      }
      this.push(ev);
      this.revision = ev.revision;
      this.dispatch(ev);
    }
    this.wake();
  }

  private push(ev: CacheEvent): void {
    if (this.window.length - this.windowStart >= this.capacity) {
      this.oldest = this.window[this.windowStart]!.revision;
      this.windowStart++;
      // Compact the array now and then rather than shifting on every event.
      if (this.windowStart > this.capacity) {
        this.window = this.window.slice(this.windowStart);
        this.windowStart = 0;
      }
    }
    this.window.push(ev);
  }

  private dispatch(ev: CacheEvent): void {
    const targets: CacheWatcher[] = [];
    for (const w of this.watchers) if (w.filter.indexValue === undefined) targets.push(w);
    if (this.index && this.watchersByIndex.size > 0) {
      const v = this.index.get(ev.obj);
      for (const w of this.watchersByIndex.get(v) ?? []) targets.push(w);
      if (ev.prev) {
        const pv = this.index.get(ev.prev);
        if (pv !== v) for (const w of this.watchersByIndex.get(pv) ?? []) targets.push(w);
      }
    }
    for (const w of targets) {
      if (!w.deliver(ev)) {
        w.stop();
        w.sink.terminate();
      }
    }
  }

  private advance(rev: number): void {
    if (rev > this.revision) this.revision = rev;
    this.wake();
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) (w.rev <= this.revision ? w.resolve() : still.push(w));
    this.waiters = still;
  }

  /** Resolves once the cache has seen `rev`, or after `timeoutMs` (then resolves false). */
  async waitFor(rev: number, timeoutMs: number): Promise<boolean> {
    await this.ready();
    if (this.revision >= rev) return true;
    return new Promise((resolve) => {
      const entry = { rev, resolve: () => resolve(true) };
      this.waiters.push(entry);
      setTimeout(() => {
        const i = this.waiters.indexOf(entry);
        if (i >= 0) {
          this.waiters.splice(i, 1);
          resolve(false);
        }
      }, timeoutMs).unref();
    });
  }

  private reinitialize(err: StorageError | Error): void {
    if (this.closed) return;
    this.synced = false;
    this.etcdWatch?.close();
    this.etcdWatch = null;
    for (const w of [...this.watchers]) {
      w.stop();
      w.sink.terminate(err);
    }
    this.readyPromise = this.relist();
  }

  /** Snapshot of the cache, sorted by key as etcd would return it. */
  async list(filter: WatchFilter): Promise<{ items: KObject[]; revision: number }> {
    await this.ready();
    const items: KObject[] = [];
    if (this.index && filter.indexValue !== undefined) {
      const keys = [...(this.indexed.get(filter.indexValue) ?? [])].sort();
      for (const k of keys) {
        if (filter.keyPrefix && !k.startsWith(filter.keyPrefix)) continue;
        const obj = this.state.get(k)!;
        if (filter.matches(obj)) items.push(obj);
      }
      return { items, revision: this.revision };
    }
    if (!this.sortedKeys) this.sortedKeys = [...this.state.keys()].sort();
    const keys = this.sortedKeys;
    const prefix = filter.keyPrefix;
    // The keys under a prefix (a namespace) are one contiguous run of the sorted keys: find where it starts
    // instead of walking every key of the resource.
    let i = 0;
    if (prefix) {
      let hi = keys.length;
      while (i < hi) {
        const mid = (i + hi) >>> 1;
        if (keys[mid]! < prefix) i = mid + 1;
        else hi = mid;
      }
    }
    for (; i < keys.length; i++) {
      const k = keys[i]!;
      if (prefix && !k.startsWith(prefix)) break;
      const obj = this.state.get(k)!;
      if (filter.matches(obj)) items.push(obj);
    }
    return { items, revision: this.revision };
  }

  async get(key: string): Promise<KObject | undefined> {
    await this.ready();
    return this.state.get(key);
  }

  /**
   * Watch from a revision: replays window events after it, then streams live ones.
   * `initial` objects (already read by the caller at `fromRevision`) are sent first as ADDED.
   */
  async watch(fromRevision: number, filter: WatchFilter, sink: CacheWatchSink): Promise<CacheWatcher> {
    await this.ready();
    if (fromRevision < this.oldest) throw new TooOldError(fromRevision, this.oldestAvailable());
    const w = new CacheWatcher(this, filter, sink, fromRevision);
    for (let i = this.windowStart; i < this.window.length; i++) {
      const ev = this.window[i]!;
      if (ev.revision > fromRevision && !w.deliver(ev)) {
        w.stopped = true;
        sink.terminate();
        return w;
      }
    }
    this.addWatcher(w);
    return w;
  }

  private oldestAvailable(): number {
    return this.windowStart < this.window.length ? this.window[this.windowStart]!.revision : this.revision;
  }

  private addWatcher(w: CacheWatcher): void {
    if (this.index && w.filter.indexValue !== undefined) {
      let set = this.watchersByIndex.get(w.filter.indexValue);
      if (!set) this.watchersByIndex.set(w.filter.indexValue, (set = new Set()));
      set.add(w);
    } else {
      this.watchers.add(w);
    }
  }

  removeWatcher(w: CacheWatcher): void {
    this.watchers.delete(w);
    if (w.filter.indexValue !== undefined) {
      const set = this.watchersByIndex.get(w.filter.indexValue);
      if (set) {
        set.delete(w);
        if (set.size === 0) this.watchersByIndex.delete(w.filter.indexValue);
      }
    }
  }

  sendBookmarks(): void {
    const rev = this.revision;
    const send = (w: CacheWatcher) => {
      if (rev > w.lastSentRevision) {
        w.lastSentRevision = rev;
        w.sink.bookmark(rev);
      }
    };
    for (const w of this.watchers) send(w);
    for (const set of this.watchersByIndex.values()) for (const w of set) send(w);
  }

  close(): void {
    this.closed = true;
    if (this.bookmarkTimer) clearInterval(this.bookmarkTimer);
    this.etcdWatch?.close();
    for (const w of [...this.watchers]) {
      w.stop();
      w.sink.terminate();
    }
    for (const set of [...this.watchersByIndex.values()]) for (const w of [...set]) {
      w.stop();
      w.sink.terminate();
    }
  }
}
