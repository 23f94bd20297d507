// How admission plugins read a namespace's LimitRanges or ResourceQuotas: from the watch cache (their
// informer upstream), falling back to a live read from etcd when the cache has none — an object created
// a moment ago may not be cached yet — and remembering that live answer for a while, as upstream's
// liveLookupCache does, so namespaces without any do not cost an etcd read per request.
import type { KObject } from '../../api/types.ts';
import type { GenericStore } from '../store.ts';

const LIVE_TTL_MS = 30_000;
const MAX_LIVE_ENTRIES = 10_000;

export class NamespacedLookup {
  private readonly live = new Map<string, { expiry: number; items: KObject[] }>();

  constructor(readonly store: GenericStore) {}

  prefix(namespace: string): string {
    return `${this.store.resourcePrefix}${namespace}/`;
  }

  async list(namespace: string): Promise<KObject[]> {
    const prefix = this.prefix(namespace);
    const cached = (await this.store.cacher.list({ keyPrefix: prefix, matches: () => true })).items;
    if (cached.length > 0) return cached;
    const hit = this.live.get(namespace);
    if (hit && hit.expiry > Date.now()) return hit.items;
    const items = await this.fresh(namespace);
    if (this.live.size >= MAX_LIVE_ENTRIES) this.live.delete(this.live.keys().next().value!);
    this.live.set(namespace, { expiry: Date.now() + LIVE_TTL_MS, items });
    return items;
  }

  /** A consistent read from etcd. */
  async fresh(namespace: string): Promise<KObject[]> {
    return (await this.store.storage.list(this.prefix(namespace), {})).items;
  }
}
