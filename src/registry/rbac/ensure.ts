// Start-up reconciliation of the RBAC bootstrap policy (the rbac/bootstrap-roles post-start hook):
// one list per kind, then only the objects that are missing or lack something are written, all at
// once, so a restart of an unchanged cluster writes nothing.
import { StatusError } from '../../api/errors.ts';
import type { KObject } from '../../api/types.ts';
import { BOOTSTRAP_CLUSTER_ROLES, BOOTSTRAP_CLUSTER_ROLE_BINDINGS, BOOTSTRAP_ROLES, BOOTSTRAP_ROLE_BINDINGS } from '../../auth/rbac/bootstrap-policy.ts';
import { type Reconciled, reconcileBinding, reconcileRole } from '../../auth/rbac/reconcile.ts';
import type { GenericStore } from '../store.ts';

export interface RbacStores {
  roles: GenericStore;
  roleBindings: GenericStore;
  clusterRoles: GenericStore;
  clusterRoleBindings: GenericStore;
}

const keyOf = (o: KObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

async function ensureAll(store: GenericStore, wanted: readonly KObject[], reconcile: (existing: KObject, expected: KObject) => Reconciled): Promise<number> {
  const { items } = await store.storage.list(store.resourcePrefix, {});
  const existing = new Map(items.map((o) => [keyOf(o), o]));
  let writes = 0;
  await Promise.all(
    wanted.map(async (expected) => {
      const ns = expected.metadata.namespace;
      const name = expected.metadata.name!;
      const cur = existing.get(keyOf(expected));
      const create = async () => {
        writes++;
        try {
          await store.create(ns, structuredClone(expected));
        } catch (err) {
          if (!(err instanceof StatusError && err.code === 409)) throw err;
        }
      };
      if (!cur) return create();
      const r = reconcile(cur, expected);
      if (r.action === 'none') return;
      writes++;
      if (r.action === 'recreate') {
        await store.delete(ns, name, { preconditions: { uid: cur.metadata.uid } });
        return create();
      }
      await store.patch(ns, name, () => {
        const next = structuredClone(r.object);
        delete next.metadata.resourceVersion;
        return next;
      });
    }),
  );
  return writes;
}

/** Roles before the bindings that name them; returns how many objects were written. */
export async function ensureBootstrapPolicy(stores: RbacStores): Promise<number> {
  const [a, b] = await Promise.all([
    ensureAll(stores.clusterRoles, BOOTSTRAP_CLUSTER_ROLES, reconcileRole),
    ensureAll(stores.roles, BOOTSTRAP_ROLES, reconcileRole),
  ]);
  const [c, d] = await Promise.all([
    ensureAll(stores.clusterRoleBindings, BOOTSTRAP_CLUSTER_ROLE_BINDINGS, reconcileBinding),
    ensureAll(stores.roleBindings, BOOTSTRAP_ROLE_BINDINGS, reconcileBinding),
  ]);
  return a + b + c + d;
}
