// priorityclasses.scheduling.k8s.io: pkg/registry/scheduling/priorityclass (strategy, storage),
// pkg/apis/scheduling/validation, the PriorityClass half of the Priority admission plugin and
// printPriorityClass.
import { forbidden } from '../../api/errors.ts';
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { GroupResource } from '../../api/errors.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { StoreHooks } from '../store.ts';
import type { Strategy } from '../strategy.ts';

export const PRIORITY_CLASSES: GroupResource = { group: 'scheduling.k8s.io', resource: 'priorityclasses' };

/** Values above this are reserved for the system classes. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
const SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;
const SYSTEM_PREFIX = 'system-';
const PREEMPTION_POLICIES = ['Never', 'PreemptLowerPriority'];

/** The classes every cluster has; the server (re)creates them at start and refuses to delete them. */
export const SYSTEM_PRIORITY_CLASSES: readonly KObject[] = [
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-node-critical' },
    value: SYSTEM_CRITICAL_PRIORITY + 1000,
    description: 'Used for system critical pods that must not be moved from their current node.',
  },
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-cluster-critical' },
    value: SYSTEM_CRITICAL_PRIORITY,
    description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
  },
];

export interface PriorityClassView {
  name: string;
  value: number;
  globalDefault: boolean;
  preemptionPolicy: string;
}

export function priorityClassView(pc: KObject): PriorityClassView {
  return {
    name: pc.metadata.name ?? '',
    value: typeof pc.value === 'number' ? pc.value : 0,
    globalDefault: pc.globalDefault === true,
    preemptionPolicy: typeof pc.preemptionPolicy === 'string' ? pc.preemptionPolicy : 'PreemptLowerPriority',
  };
}

/** The global default; when a race left several, the one with the lowest value (as upstream picks). */
export function defaultPriorityClass(classes: Iterable<KObject>): PriorityClassView | undefined {
  let best: PriorityClassView | undefined;
  for (const pc of classes) {
    const v = priorityClassView(pc);
    if (v.globalDefault && (!best || v.value < best.value)) best = v;
  }
  return best;
}

/** IsKnownSystemPriorityClass: why a `system-` class does not match a built-in one, or undefined. */
function systemClassMismatch(name: string, value: number, globalDefault: boolean): string | undefined {
  const known = SYSTEM_PRIORITY_CLASSES.find((c) => c.metadata.name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${known.value as number}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

function validate(pc: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const { name, value, globalDefault } = priorityClassView(pc);
  if (name.startsWith(SYSTEM_PREFIX)) {
    const why = systemClassMismatch(name, value, globalDefault);
    if (why) {
      errs.push(
        fieldErrors.forbidden('metadata.name', `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${why}`),
      );
    }
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(fieldErrors.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (typeof pc.preemptionPolicy === 'string' && !PREEMPTION_POLICIES.includes(pc.preemptionPolicy)) {
    errs.push(fieldErrors.notSupported('preemptionPolicy', pc.preemptionPolicy, PREEMPTION_POLICIES));
  }
  return errs;
}

function validateUpdate(pc: KObject, old: KObject): FieldError[] {
  const errs: FieldError[] = [];
  if (pc.value !== old.value) errs.push(fieldErrors.forbidden('value', 'may not be changed in an update.'));
  if (pc.preemptionPolicy !== old.preemptionPolicy) {
    errs.push(fieldErrors.invalid('preemptionPolicy', pc.preemptionPolicy, 'field is immutable'));
  }
  return errs;
}

/** SetDefaults_PriorityClass */
function defaults(pc: KObject): void {
  if (typeof pc.preemptionPolicy !== 'string' || pc.preemptionPolicy === '') pc.preemptionPolicy = 'PreemptLowerPriority';
}

export const priorityClassStrategy: Strategy = {
  prepareForCreate: defaults,
  prepareForUpdate: defaults,
  validate,
  validateUpdate,
  columns: [
    NAME_COLUMN,
    column('Value', 'integer', 'value represents the integer value of this priority class.'),
    column('Global-Default', 'boolean', 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.'),
    AGE_COLUMN,
    column('PreemptionPolicy', 'string', 'preemptionPolicy is the Policy for preempting pods with lower priority.'),
  ],
  row(pc, now) {
    const v = priorityClassView(pc);
    return { cells: [v.name, v.value, v.globalDefault, age(pc, now), v.preemptionPolicy] };
  },
};

/**
 * The Priority admission plugin's checks on PriorityClass writes (after validation): only one
 * global default. `list` reads the current classes (the watch cache).
 */
export function priorityClassHooks(list: () => Promise<KObject[]>): StoreHooks {
  const checkDefault = async (pc: KObject, isCreate: boolean): Promise<undefined> => {
    if (pc.globalDefault !== true) return undefined;
    const current = defaultPriorityClass(await list());
    if (current && (isCreate || current.name !== pc.metadata.name)) {
      throw forbidden(PRIORITY_CLASSES, pc.metadata.name ?? '', `PriorityClass ${current.name} is already marked as default. Only one default can exist`);
    }
    return undefined;
  };
  return {
    beginCreate: (pc) => checkDefault(pc, true),
    beginUpdate: (pc) => checkDefault(pc, false),
    admitDelete(name) {
      if (SYSTEM_PRIORITY_CLASSES.some((c) => c.metadata.name === name)) {
        throw forbidden(PRIORITY_CLASSES, name, 'this is a system priority class and cannot be deleted');
      }
    },
  };
}
