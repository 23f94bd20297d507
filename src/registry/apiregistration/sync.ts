// Keeps the Local APIServices in step with the catalogue at start, as kube-apiserver's
// autoregister controller does: adds the missing, restores changed specs, and removes automanaged
// ones whose group-version is no longer served (rerun whenever CustomResourceDefinitions change it).
import type { KObject, ResourceDecl } from '../../api/types.ts';
import type { GenericStore } from '../store.ts';
import { deepEqual } from '../core/util.ts';
import { AUTOMANAGED_LABEL, localAPIServices } from './local-apiservices.ts';

export async function syncLocalAPIServices(store: GenericStore, decls: readonly ResourceDecl[]): Promise<void> {
  const desired = localAPIServices(decls);
  const wanted = new Set(desired.map((s) => s.metadata.name!));
  // The strategy marks Local APIServices Available as they are written.
  const ensure = async (svc: KObject) => {
    const name = svc.metadata.name!;
    const current = await store.storage.get(store.key(undefined, name));
    if (!current) await store.create(undefined, structuredClone(svc));
    else if (!deepEqual(current.spec, svc.spec)) await store.patch(undefined, name, (cur) => ({ ...cur, spec: structuredClone(svc.spec) }));
  };
  // Concurrently: a fresh cluster writes two dozen of these before it reports ready.
  await Promise.all(desired.map(ensure));
  const { items } = await store.cacher.list({ matches: () => true });
  for (const stale of items) {
    const managed = stale.metadata.labels?.[AUTOMANAGED_LABEL];
    if ((managed !== 'onstart' && managed !== 'true') || wanted.has(stale.metadata.name!)) continue;
    await store.delete(undefined, stale.metadata.name!, {});
  }
}
