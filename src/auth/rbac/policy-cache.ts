// A PolicySource kept current from the API server's own watch caches of roles, cluster roles and
// their bindings: one in-memory snapshot plus a watch per kind, the way upstream's authorizer reads
// informer listers. Lookups are synchronous; only following the caches is asynchronous.
import type { KObject } from '../../api/types.ts';
import type { Cacher, CacheWatcher } from '../../storage/cacher/cacher.ts';
import { PolicyIndex, type PolicySource } from './policy-source.ts';

/** The four watch caches, by kind (GenericStore.cacher of each rbac.authorization.k8s.io store). */
export interface RbacCachers {
  Role: Cacher;
  RoleBinding: Cacher;
  ClusterRole: Cacher;
  ClusterRoleBinding: Cacher;
}

const EVERYTHING = { matches: () => true };
const RETRY_MS = 500;

export class CachedPolicy implements PolicySource {
  private readonly index = new PolicyIndex();
  private readonly watchers: CacheWatcher[] = [];
  private closed = false;
  private readonly started: Promise<void>;

  constructor(private readonly cachers: RbacCachers) {
    this.started = Promise.all((Object.keys(cachers) as (keyof RbacCachers)[]).map((kind) => this.follow(kind))).then(() => undefined);
  }

  /** Resolves once every kind has been loaded. */
  ready(): Promise<void> {
    return this.started;
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.splice(0)) w.stop();
  }

  private async follow(kind: keyof RbacCachers): Promise<void> {
    const cacher = this.cachers[kind];
    for (;;) {
      if (this.closed) return;
      try {
        const { items, revision } = await cacher.list(EVERYTHING);
        this.index.clear(kind);
        for (const o of items) this.index.put({ ...o, kind });
        const watcher = await cacher.watch(revision, EVERYTHING, {
          event: (type, obj) => {
            if (type === 'DELETED') this.index.remove({ ...obj, kind });
            else this.index.put({ ...obj, kind });
            return true;
          },
          bookmark: () => undefined,
          // The cache restarted (etcd trouble or shutdown): load it again unless we are done.
          terminate: () => {
            if (!this.closed) setTimeout(() => void this.follow(kind), RETRY_MS).unref();
          },
        });
        this.watchers.push(watcher);
        return;
      } catch {
        // The window moved past the listed revision (TooOld) or the cache is re-listing: try again.
        await new Promise((r) => setTimeout(r, RETRY_MS).unref());
      }
    }
  }

  getRole(namespace: string, name: string): KObject | undefined {
    return this.index.getRole(namespace, name);
  }
  getClusterRole(name: string): KObject | undefined {
    return this.index.getClusterRole(name);
  }
  listRoleBindings(namespace: string): Iterable<KObject> {
    return this.index.listRoleBindings(namespace);
  }
  listClusterRoleBindings(): Iterable<KObject> {
    return this.index.listClusterRoleBindings();
  }
}
