// The admission chain (k8s.io/apiserver/pkg/admission's chain handler): plugins in a fixed order, each
// with an optional mutating half (run on create before defaulting and validation, in order) and an
// optional validating half (run on the finished object, in order, before it is written). Adding a
// plugin is one entry in the list the registry passes to installAdmission.
import type { GroupResource } from '../../api/errors.ts';
import type { KObject } from '../../api/types.ts';
import type { GenericStore, StoreHooks } from '../store.ts';

export type Operation = 'CREATE' | 'UPDATE';

export interface AdmissionRequest {
  operation: Operation;
  gr: GroupResource;
  /** Empty for cluster-scoped resources. */
  namespace: string;
  object: KObject;
  /** The stored object an update replaces. */
  oldObject?: KObject;
  dryRun: boolean;
}

export interface AdmissionPlugin {
  /** Upstream's plugin name (`LimitRanger`, `Priority`, `ResourceQuota`). */
  readonly name: string;
  /** Whether the plugin ever looks at this resource; decided once per store. */
  handles(gr: GroupResource): boolean;
  admit?(req: AdmissionRequest): Promise<void>;
  validate?(req: AdmissionRequest): Promise<void>;
}

/**
 * Wrap every store's hooks with the plugins that handle its resource. Hooks a store already has stay:
 * its own mutating step runs after the chain's mutating plugins, its own begin step (an allocation,
 * such as a service's cluster IP) after the chain's validating plugins have admitted the object.
 */
export function installAdmission(stores: Iterable<GenericStore>, plugins: readonly AdmissionPlugin[]): void {
  for (const store of stores) {
    const gr = store.gr;
    const mutating = plugins.filter((p) => p.admit && p.handles(gr));
    const validating = plugins.filter((p) => p.validate && p.handles(gr));
    if (mutating.length === 0 && validating.length === 0) continue;
    const base: StoreHooks = store.hooks;
    const request = (operation: Operation, object: KObject, dryRun: boolean, oldObject?: KObject): AdmissionRequest => ({
      operation,
      gr,
      namespace: store.decl.namespaced ? (object.metadata.namespace ?? '') : '',
      object,
      oldObject,
      dryRun,
    });
    store.hooks = {
      ...base,
      admitCreate: async (obj) => {
        const req = request('CREATE', obj, false);
        for (const p of mutating) await p.admit!(req);
        await base.admitCreate?.(obj);
      },
      // The validating phase rides on the store's begin hooks, which run once the object is defaulted
      // and valid, right before the write (and again on every conflict retry of an update).
      beginCreate: async (obj, dryRun) => {
        const req = request('CREATE', obj, dryRun);
        for (const p of validating) await p.validate!(req);
        return base.beginCreate?.(obj, dryRun);
      },
      beginUpdate: async (next, old, dryRun) => {
        const req = request('UPDATE', next, dryRun, old);
        for (const p of validating) await p.validate!(req);
        return base.beginUpdate?.(next, old, dryRun);
      },
    };
  }
}
