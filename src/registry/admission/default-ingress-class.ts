// The DefaultIngressClass admission plugin's place in the chain: an Ingress created without a class
// gets the default one (the choice itself is in networking/ingressclasses.ts), read from the watch
// cache as upstream's plugin reads its informer.
import { admitDefaultIngressClass } from '../networking/ingressclasses.ts';
import type { GenericStore } from '../store.ts';
import type { AdmissionPlugin } from './chain.ts';

export function defaultIngressClassPlugin(ingressClasses: GenericStore): AdmissionPlugin {
  return {
    name: 'DefaultIngressClass',
    handles: (gr) => gr.group === 'networking.k8s.io' && gr.resource === 'ingresses',
    admit: async (req) => {
      if (req.operation !== 'CREATE') return;
      admitDefaultIngressClass(req.object, (await ingressClasses.cacher.list({ matches: () => true })).items);
    },
  };
}
