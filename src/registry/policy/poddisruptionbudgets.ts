// poddisruptionbudgets.policy: pkg/registry/policy/poddisruptionbudget (strategy), ValidatePodDisruptionBudget
// in pkg/apis/policy/validation and printPodDisruptionBudget. policy/v1 has no defaults of its own
// (v1beta1's minAvailable=1 never applied to v1), and the spec stays mutable since 1.15.
import { fieldErrors, type FieldError } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import {
  goInvalid,
  goPointer,
  isNotMoreThan100Percent,
  isObj,
  isSet,
  selectorMatches,
  spec,
  status,
  validateLabelSelector,
  validatePositiveIntOrPercent,
} from '../apps/common.ts';
import { AGE_COLUMN, column, NAME_COLUMN, age } from '../printing.ts';
import type { Strategy } from '../strategy.ts';

const EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

/** %#v of the spec struct, which upstream reports when both bounds are set. */
function goSpec(s: Record<string, unknown>): string {
  return (
    'policy.PodDisruptionBudgetSpec{' +
    `MinAvailable:${goPointer('intstr.IntOrString', s.minAvailable)}, ` +
    `Selector:${goPointer('v1.LabelSelector', s.selector)}, ` +
    `MaxUnavailable:${goPointer('intstr.IntOrString', s.maxUnavailable)}, ` +
    `UnhealthyPodEvictionPolicy:${goPointer('policy.UnhealthyPodEvictionPolicyType', s.unhealthyPodEvictionPolicy)}}`
  );
}

function validate(pdb: KObject): FieldError[] {
  const s = spec(pdb);
  const errs: FieldError[] = [];
  if (isSet(s.minAvailable) && isSet(s.maxUnavailable)) {
    errs.push(goInvalid('spec', goSpec(s), 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const f of ['minAvailable', 'maxUnavailable']) {
    if (!isSet(s[f])) continue;
    errs.push(...validatePositiveIntOrPercent(s[f], `spec.${f}`), ...isNotMoreThan100Percent(s[f], `spec.${f}`));
  }
  errs.push(...validateLabelSelector(s.selector, 'spec.selector'));
  const policy = s.unhealthyPodEvictionPolicy;
  if (isSet(policy) && !EVICTION_POLICIES.includes(String(policy))) {
    errs.push(fieldErrors.notSupported('spec.unhealthyPodEvictionPolicy', policy, EVICTION_POLICIES));
  }
  return errs;
}

/** intstr.IntOrString.String(): a percent string as is, a number in decimal. */
function intOrStringCell(v: unknown): string {
  return isSet(v) ? String(v) : 'N/A';
}

/** The four counts have no omitempty upstream, so a fresh or rewritten status shows them as 0. */
function fillStatus(pdb: KObject): void {
  const st = status(pdb);
  for (const f of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods']) if (typeof st[f] !== 'number') st[f] = 0;
  pdb.status = st;
}

export const podDisruptionBudgetStrategy: Strategy = {
  tracksGeneration: true,
  prepareForCreate: fillStatus,
  prepareForStatusUpdate: fillStatus,
  validate,
  columns: [
    NAME_COLUMN,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE_COLUMN,
  ],
  row(pdb, now) {
    const s = spec(pdb);
    const disruptions = status(pdb).disruptionsAllowed;
    return {
      cells: [pdb.metadata.name ?? '', intOrStringCell(s.minAvailable), intOrStringCell(s.maxUnavailable), typeof disruptions === 'number' ? disruptions : 0, age(pdb, now)],
    };
  },
};

/** Whether a budget's selector takes in these labels: nil selects nothing and, unlike v1beta1, {} everything. */
export function budgetSelects(pdb: KObject, labels: Record<string, string> | undefined): boolean {
  const sel = spec(pdb).selector;
  return isObj(sel) && selectorMatches(sel, labels ?? {});
}
