// The Priority admission plugin's pod half (plugin/pkg/admission/priority): on create, a pod's
// spec.priority and spec.preemptionPolicy come from its PriorityClass (or the global default),
// and a pod that states values of its own must state the class's.
import { forbidden } from '../../api/errors.ts';
import type { KObject } from '../../api/types.ts';
import { defaultPriorityClass, priorityClassView, type PriorityClassView } from './priorityclasses.ts';

const PODS = { group: '', resource: 'pods' };

export interface PriorityClassLookup {
  get(name: string): Promise<KObject | undefined>;
  list(): Promise<KObject[]>;
}

async function resolve(className: string, lookup: PriorityClassLookup, podName: string): Promise<PriorityClassView & { found: boolean }> {
  if (!className) {
    const dflt = defaultPriorityClass(await lookup.list());
    if (dflt) return { ...dflt, found: true };
    return { name: '', value: 0, globalDefault: false, preemptionPolicy: 'PreemptLowerPriority', found: false };
  }
  const pc = await lookup.get(className);
  if (!pc) throw forbidden(PODS, podName, `no PriorityClass with name ${className} was found`);
  return { ...priorityClassView(pc), found: true };
}

export async function admitPodPriority(pod: KObject, lookup: PriorityClassLookup): Promise<void> {
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  pod.spec = spec;
  const podName = pod.metadata.name ?? pod.metadata.generateName ?? '';
  const className = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
  const pc = await resolve(className, lookup, podName);
  if (!className && pc.found) spec.priorityClassName = pc.name;
  if (typeof spec.priority === 'number' && spec.priority !== pc.value) {
    throw forbidden(
      PODS,
      podName,
      `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${pc.value} from the given PriorityClass name`,
    );
  }
  spec.priority = pc.value;
  if (typeof spec.preemptionPolicy === 'string' && spec.preemptionPolicy !== pc.preemptionPolicy) {
    throw forbidden(
      PODS,
      podName,
      `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${pc.preemptionPolicy} from the given PriorityClass name`,
    );
  }
  spec.preemptionPolicy = pc.preemptionPolicy;
}
