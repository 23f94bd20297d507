// The Priority admission plugin's place in the chain: pods get their priority from their
// PriorityClass on create (the work itself is in scheduling/pod-priority.ts).
import { admitPodPriority, type PriorityClassLookup } from '../scheduling/pod-priority.ts';
import type { AdmissionPlugin } from './chain.ts';

export function priorityPlugin(priorityClasses: PriorityClassLookup): AdmissionPlugin {
  return {
    name: 'Priority',
    handles: (gr) => gr.group === '' && gr.resource === 'pods',
    admit: async (req) => {
      if (req.operation === 'CREATE') await admitPodPriority(req.object, priorityClasses);
    },
  };
}
