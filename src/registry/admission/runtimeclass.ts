// The RuntimeClass admission plugin's place in the chain (pod creates only): a pod naming a class that
// does not exist is refused, otherwise it gets the class's overhead and scheduling (node/runtimeclass-admission.ts).
import { forbidden } from '../../api/errors.ts';
import { type RuntimeClassLookup, applyRuntimeClass, checkOverhead, classNotFound } from '../node/runtimeclass-admission.ts';
import type { GenericStore } from '../store.ts';
import type { AdmissionPlugin, AdmissionRequest } from './chain.ts';

/** Reads the watch cache first and etcd when the cache lags, as upstream's lister-then-client lookup does. */
export function runtimeClassLookup(store: GenericStore): RuntimeClassLookup {
  return async (name) => {
    const key = store.key(undefined, name);
    return (await store.cacher.get(key)) ?? (await store.storage.get(key)) ?? undefined;
  };
}

export function runtimeClassPlugin(lookup: RuntimeClassLookup): AdmissionPlugin {
  const classOf = async (req: AdmissionRequest) => {
    const name = (req.object.spec as { runtimeClassName?: unknown } | undefined)?.runtimeClassName;
    if (typeof name !== 'string') return undefined;
    const rc = await lookup(name);
    if (!rc) throw refuse(req, classNotFound(name));
    return rc;
  };
  return {
    name: 'RuntimeClass',
    handles: (gr) => gr.group === '' && gr.resource === 'pods',
    admit: async (req) => {
      if (req.operation !== 'CREATE') return;
      const msg = applyRuntimeClass(req.object, await classOf(req));
      if (msg) throw refuse(req, msg);
    },
    validate: async (req) => {
      if (req.operation !== 'CREATE') return;
      const msg = checkOverhead(req.object, await classOf(req));
      if (msg) throw refuse(req, msg);
    },
  };
}

function refuse(req: AdmissionRequest, msg: string) {
  const meta = req.object.metadata;
  return forbidden(req.gr, meta.name || meta.generateName || '', msg);
}
