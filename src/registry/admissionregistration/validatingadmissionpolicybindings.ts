// validatingadmissionpolicybindings.admissionregistration.k8s.io: defaults of its matchResources,
// ValidateValidatingAdmissionPolicyBinding and printValidatingAdmissionPolicyBinding. A binding is
// stored only: no policy is enforced (docs/apis/admissionregistration.md).
import { fieldErrors, type FieldError } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { validateLabelSelector } from '../apps/common.ts';
import { Path, isObj, obj, str } from '../core/util.ts';
import { validateEnum } from '../core/validation.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column, formatLabelSelector, type LabelSelectorSpec } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { defaultMatchResources, validateMatchResources } from './validatingadmissionpolicies.ts';

const SPEC = Path.of('spec');
const ACTIONS = ['Audit', 'Deny', 'Warn'];
const NOT_FOUND_ACTIONS = ['Allow', 'Deny'];

function defaults(b: KObject): void {
  const spec = obj(b.spec);
  if (isObj(spec.matchResources)) defaultMatchResources(spec.matchResources);
  b.spec = spec;
}

function validateParamRef(ref: Record<string, unknown>, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const hasName = str(ref.name) !== '';
  const hasSelector = isObj(ref.selector);
  if (hasName && hasSelector) errs.push(fieldErrors.forbidden(String(path.child('name')), '`name` and `selector` are mutually exclusive'));
  if (!hasName && !hasSelector) errs.push(fieldErrors.required(String(path), 'one of `name` or `selector` must be set'));
  if (hasSelector) errs.push(...validateLabelSelector(ref.selector, String(path.child('selector'))));
  const action = ref.parameterNotFoundAction;
  if (action === undefined || action === null) errs.push(fieldErrors.required(String(path.child('parameterNotFoundAction')), ''));
  else errs.push(...validateEnum(str(action), NOT_FOUND_ACTIONS, path.child('parameterNotFoundAction')));
  return errs;
}

function validate(b: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj(b.spec);
  if (!str(spec.policyName)) errs.push(fieldErrors.required(String(SPEC.child('policyName')), ''));
  if (isObj(spec.paramRef)) errs.push(...validateParamRef(spec.paramRef, SPEC.child('paramRef')));
  if (isObj(spec.matchResources)) errs.push(...validateMatchResources(spec.matchResources, SPEC.child('matchResources'), false));
  const actions = Array.isArray(spec.validationActions) ? (spec.validationActions as unknown[]).map(String) : [];
  const ap = SPEC.child('validationActions');
  if (actions.length === 0) errs.push(fieldErrors.required(String(ap), ''));
  const seen = new Set<string>();
  actions.forEach((a, i) => {
    if (seen.has(a)) errs.push(fieldErrors.duplicate(String(ap.index(i)), a));
    seen.add(a);
    if (!ACTIONS.includes(a)) errs.push(fieldErrors.notSupported(String(ap.index(i)), a, ACTIONS));
  });
  if (seen.has('Deny') && seen.has('Warn')) {
    errs.push(
      fieldErrors.invalid(
        String(ap),
        actions,
        'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
      ),
    );
  }
  return errs;
}

/** printValidatingAdmissionPolicyBinding's PARAMREF: namespace/name, "*" for any namespace, or the selector. */
function paramRefCell(ref: unknown): string {
  if (!isObj(ref)) return '<unset>';
  const name = str(ref.name);
  if (name) return `${str(ref.namespace) || '*'}/${name}`;
  if (isObj(ref.selector)) return formatLabelSelector(ref.selector as LabelSelectorSpec);
  return '<unset>';
}

export const validatingAdmissionPolicyBindingStrategy: Strategy = {
  tracksGeneration: true,
  prepareForCreate: defaults,
  prepareForUpdate: defaults,
  validate,
  columns: [
    NAME_COLUMN,
    column('PolicyName', 'string', 'PolicyName indicates the policy definition which the policy binding binded to'),
    column('ParamRef', 'string', 'ParamRef indicates the param resource which sets the configration param'),
    AGE_COLUMN,
  ],
  row: (b, now) => ({ cells: [b.metadata.name ?? '', str(obj(b.spec).policyName), paramRefCell(obj(b.spec).paramRef), age(b, now)] }),
};
