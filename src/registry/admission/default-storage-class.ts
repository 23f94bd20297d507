// The DefaultStorageClass admission plugin's place in the chain: a claim created without a class gets
// the default one (the choice itself is in storage/storageclasses.ts), read from the watch cache as
// upstream's plugin reads its informer.
import { admitDefaultStorageClass } from '../storage/storageclasses.ts';
import type { GenericStore } from '../store.ts';
import type { AdmissionPlugin } from './chain.ts';

export function defaultStorageClassPlugin(storageClasses: GenericStore): AdmissionPlugin {
  return {
    name: 'DefaultStorageClass',
    handles: (gr) => gr.group === '' && gr.resource === 'persistentvolumeclaims',
    admit: async (req) => {
      if (req.operation !== 'CREATE') return;
      admitDefaultStorageClass(req.object, (await storageClasses.cacher.list({ matches: () => true })).items);
    },
  };
}
