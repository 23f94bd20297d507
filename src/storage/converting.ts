// A storage view that keeps objects in one form in etcd and hands them out in another. Upstream
// stores a resource once in its storage version and converts for each API version that serves it;
// events.k8s.io/v1 Events are the case here: they live under /registry/events as core/v1 Events, so
// both APIs list and watch the same objects.
import type { KObject } from '../api/types.ts';
import type { ListOptions, ListResult, Storage, StorageWatch, WatchHandlers } from './interface.ts';

export interface StorageCodec {
  /** The served form to the stored form (on every write). */
  toStored(obj: KObject): KObject;
  /** The stored form to the served form (on every read and watch event). */
  fromStored(obj: KObject): KObject;
}

export class ConvertingStorage implements Storage {
  constructor(
    private readonly inner: Storage,
    private readonly codec: StorageCodec,
  ) {}

  get prefix(): string {
    return this.inner.prefix;
  }

  async get(key: string): Promise<KObject | null> {
    const obj = await this.inner.get(key);
    return obj && this.codec.fromStored(obj);
  }

  async list(prefix: string, opts: ListOptions): Promise<ListResult> {
    const { fromStored } = this.codec;
    const filter = opts.filter;
    // Filters speak the served form; items that pass are converted once more on the way out, which
    // costs a second conversion only for matches.
    const res = await this.inner.list(prefix, filter ? { ...opts, filter: (o) => filter(fromStored(o)) } : opts);
    return { ...res, items: res.items.map(fromStored) };
  }

  count(prefix: string): Promise<number> {
    return this.inner.count(prefix);
  }

  async create(key: string, obj: KObject): Promise<KObject> {
    return this.codec.fromStored(await this.inner.create(key, this.codec.toStored(obj)));
  }

  async update(key: string, obj: KObject, expectedRevision: number): Promise<KObject> {
    return this.codec.fromStored(await this.inner.update(key, this.codec.toStored(obj), expectedRevision));
  }

  async delete(key: string, expectedRevision?: number): Promise<KObject> {
    return this.codec.fromStored(await this.inner.delete(key, expectedRevision));
  }

  watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Promise<StorageWatch> {
    const { fromStored } = this.codec;
    return this.inner.watch(prefix, fromRevision, {
      ...handlers,
      onEvents: (events, revision) =>
        handlers.onEvents(
          events.map((e) => ({ ...e, obj: fromStored(e.obj), prev: e.prev && fromStored(e.prev) })),
          revision,
        ),
    });
  }

  currentRevision(): Promise<number> {
    return this.inner.currentRevision();
  }

  compact(revision: number): Promise<void> {
    return this.inner.compact(revision);
  }

  /** The inner storage is shared; whoever created it closes it. */
  async close(): Promise<void> {}
}
