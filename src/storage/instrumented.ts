// A storage that times every etcd request (etcd_request_duration_seconds, by operation and resource)
// and passes it on unchanged.
import type { KObject } from '../api/types.ts';
import type { ListOptions, ListResult, Storage, StorageWatch, WatchHandlers } from './interface.ts';

export interface EtcdObserver {
  observeEtcd(operation: string, type: string, seconds: number, failed: boolean): void;
}

export class InstrumentedStorage implements Storage {
  constructor(
    private readonly inner: Storage,
    private readonly observer: EtcdObserver,
    /** The resource a key belongs to (`pods`, `deployments.apps`), for the `type` label. */
    private readonly typeOf: (key: string) => string,
  ) {}

  get prefix(): string {
    return this.inner.prefix;
  }

  private async timed<T>(operation: string, key: string, run: () => Promise<T>): Promise<T> {
    const start = performance.now();
    let failed = true;
    try {
      const out = await run();
      failed = false;
      return out;
    } finally {
      this.observer.observeEtcd(operation, this.typeOf(key), (performance.now() - start) / 1000, failed);
    }
  }

  get(key: string): Promise<KObject | null> {
    return this.timed('get', key, () => this.inner.get(key));
  }

  list(prefix: string, opts: ListOptions): Promise<ListResult> {
    return this.timed('list', prefix, () => this.inner.list(prefix, opts));
  }

  count(prefix: string): Promise<number> {
    return this.timed('count', prefix, () => this.inner.count(prefix));
  }

  create(key: string, obj: KObject): Promise<KObject> {
    return this.timed('create', key, () => this.inner.create(key, obj));
  }

  update(key: string, obj: KObject, expectedRevision: number): Promise<KObject> {
    return this.timed('update', key, () => this.inner.update(key, obj, expectedRevision));
  }

  delete(key: string, expectedRevision?: number): Promise<KObject> {
    return this.timed('delete', key, () => this.inner.delete(key, expectedRevision));
  }

  watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Promise<StorageWatch> {
    return this.inner.watch(prefix, fromRevision, handlers);
  }

  currentRevision(): Promise<number> {
    return this.inner.currentRevision();
  }

  compact(revision: number): Promise<void> {
    return this.timed('compact', '', () => this.inner.compact(revision));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
