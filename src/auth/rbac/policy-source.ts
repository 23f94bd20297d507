// Where the authorizer reads roles and bindings from: synchronous lookups over objects already in
// memory, so a decision never waits on I/O. `StaticPolicy` holds given objects (tests, reviews of a
// fixed set); `CachedPolicy` (policy-cache.ts) follows the API server's watch caches.
import type { KObject } from '../../api/types.ts';

export interface PolicySource {
  getRole(namespace: string, name: string): KObject | undefined;
  getClusterRole(name: string): KObject | undefined;
  listRoleBindings(namespace: string): Iterable<KObject>;
  listClusterRoleBindings(): Iterable<KObject>;
}

/** Objects indexed the way the authorizer asks for them: by namespace, then by name. */
export class PolicyIndex implements PolicySource {
  private readonly roles = new Map<string, Map<string, KObject>>();
  private readonly roleBindings = new Map<string, Map<string, KObject>>();
  private readonly clusterRoles = new Map<string, KObject>();
  private readonly clusterRoleBindings = new Map<string, KObject>();

  constructor(objects: Iterable<KObject> = []) {
    for (const o of objects) this.put(o);
  }

  put(obj: KObject): void {
    const name = obj.metadata.name ?? '';
    const ns = obj.metadata.namespace ?? '';
    switch (obj.kind) {
      case 'Role':
        inner(this.roles, ns).set(name, obj);
        break;
      case 'RoleBinding':
        inner(this.roleBindings, ns).set(name, obj);
        break;
      case 'ClusterRole':
        this.clusterRoles.set(name, obj);
        break;
      case 'ClusterRoleBinding':
        this.clusterRoleBindings.set(name, obj);
        break;
    }
  }

  remove(obj: KObject): void {
    const name = obj.metadata.name ?? '';
    const ns = obj.metadata.namespace ?? '';
    if (obj.kind === 'Role') this.roles.get(ns)?.delete(name);
    else if (obj.kind === 'RoleBinding') this.roleBindings.get(ns)?.delete(name);
    else if (obj.kind === 'ClusterRole') this.clusterRoles.delete(name);
    else if (obj.kind === 'ClusterRoleBinding') this.clusterRoleBindings.delete(name);
  }

  /** Drops every object of one kind (before a re-list replaces them). */
  clear(kind: string): void {
    if (kind === 'Role') this.roles.clear();
    else if (kind === 'RoleBinding') this.roleBindings.clear();
    else if (kind === 'ClusterRole') this.clusterRoles.clear();
    else if (kind === 'ClusterRoleBinding') this.clusterRoleBindings.clear();
  }

  getRole(namespace: string, name: string): KObject | undefined {
    return this.roles.get(namespace)?.get(name);
  }

  getClusterRole(name: string): KObject | undefined {
    return this.clusterRoles.get(name);
  }

  listRoleBindings(namespace: string): Iterable<KObject> {
    return this.roleBindings.get(namespace)?.values() ?? [];
  }

  listClusterRoleBindings(): Iterable<KObject> {
    return this.clusterRoleBindings.values();
  }
}

function inner(m: Map<string, Map<string, KObject>>, key: string): Map<string, KObject> {
  let v = m.get(key);
  if (!v) m.set(key, (v = new Map()));
  return v;
}
