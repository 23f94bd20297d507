// validatingadmissionpolicies.admissionregistration.k8s.io: SetDefaults_ValidatingAdmissionPolicySpec and
// SetDefaults_MatchResources (pkg/apis/admissionregistration/v1/defaults.go), the structural part of
// ValidateValidatingAdmissionPolicy, the status split of its strategy, and printValidatingAdmissionPolicy.
// CEL expressions are stored, not compiled or evaluated (docs/apis/admissionregistration.md).
import { fieldErrors, type FieldError } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { validateLabelSelector } from '../apps/common.ts';
import { Path, isObj, obj, objs, str } from '../core/util.ts';
import { validateEnum } from '../core/validation.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { defaultRule, validateRule } from './webhooks.ts';

const SPEC = Path.of('spec');
const FAILURE_POLICIES = ['Fail', 'Ignore'];
const MATCH_POLICIES = ['Equivalent', 'Exact'];

/** SetDefaults_MatchResources, shared with bindings' matchResources. */
export function defaultMatchResources(m: Record<string, unknown>): void {
  if (m.matchPolicy === undefined || m.matchPolicy === null) m.matchPolicy = 'Equivalent';
  if (!isObj(m.namespaceSelector)) m.namespaceSelector = {};
  if (!isObj(m.objectSelector)) m.objectSelector = {};
  for (const r of [...objs(m.resourceRules), ...objs(m.excludeResourceRules)]) defaultRule(r);
}

/** validateMatchResources: selectors, match policy and rules; resourceRules only where the caller needs them. */
export function validateMatchResources(m: Record<string, unknown>, path: Path, rulesRequired: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof m.matchPolicy === 'string') errs.push(...validateEnum(m.matchPolicy, MATCH_POLICIES, path.child('matchPolicy')));
  errs.push(...validateLabelSelector(m.namespaceSelector, String(path.child('namespaceSelector'))));
  errs.push(...validateLabelSelector(m.objectSelector, String(path.child('objectSelector'))));
  const rules = objs(m.resourceRules);
  if (rulesRequired && rules.length === 0) errs.push(fieldErrors.required(String(path.child('resourceRules'))));
  rules.forEach((r, i) => errs.push(...validateRule(r, path.child('resourceRules').index(i), true)));
  objs(m.excludeResourceRules).forEach((r, i) => errs.push(...validateRule(r, path.child('excludeResourceRules').index(i), true)));
  return errs;
}

function defaults(p: KObject): void {
  const spec = obj(p.spec);
  if (spec.failurePolicy === undefined || spec.failurePolicy === null) spec.failurePolicy = 'Fail';
  if (isObj(spec.matchConstraints)) defaultMatchResources(spec.matchConstraints);
  p.spec = spec;
}

function validate(p: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj(p.spec);
  const paramKind = spec.paramKind;
  if (isObj(paramKind)) {
    if (!str(paramKind.apiVersion)) errs.push(fieldErrors.required(String(SPEC.child('paramKind', 'apiVersion'))));
    if (!str(paramKind.kind)) errs.push(fieldErrors.required(String(SPEC.child('paramKind', 'kind'))));
  }
  if (!isObj(spec.matchConstraints)) errs.push(fieldErrors.required(String(SPEC.child('matchConstraints'))));
  else errs.push(...validateMatchResources(spec.matchConstraints, SPEC.child('matchConstraints'), true));
  if (typeof spec.failurePolicy === 'string') errs.push(...validateEnum(spec.failurePolicy, FAILURE_POLICIES, SPEC.child('failurePolicy')));
  const validations = objs(spec.validations);
  const audits = objs(spec.auditAnnotations);
  if (validations.length === 0 && audits.length === 0) {
    errs.push(fieldErrors.required(String(SPEC.child('validations')), 'validations or auditAnnotations must contain at least one item'));
  }
  validations.forEach((v, i) => {
    if (!str(v.expression).trim()) errs.push(fieldErrors.required(String(SPEC.child('validations').index(i).child('expression')), ''));
  });
  audits.forEach((a, i) => {
    const ap = SPEC.child('auditAnnotations').index(i);
    if (!str(a.key)) errs.push(fieldErrors.required(String(ap.child('key'))));
    if (!str(a.valueExpression).trim()) errs.push(fieldErrors.required(String(ap.child('valueExpression'))));
  });
  objs(spec.matchConditions).forEach((c, i) => {
    const cp = SPEC.child('matchConditions').index(i);
    if (!str(c.name)) errs.push(fieldErrors.required(String(cp.child('name'))));
    if (!str(c.expression).trim()) errs.push(fieldErrors.required(String(cp.child('expression'))));
  });
  objs(spec.variables).forEach((v, i) => {
    const vp = SPEC.child('variables').index(i);
    if (!str(v.name)) errs.push(fieldErrors.required(String(vp.child('name'))));
    if (!str(v.expression).trim()) errs.push(fieldErrors.required(String(vp.child('expression'))));
  });
  return errs;
}

export const validatingAdmissionPolicyStrategy: Strategy = {
  tracksGeneration: true,
  prepareForCreate: defaults,
  prepareForUpdate: defaults,
  validate,
  columns: [
    NAME_COLUMN,
    column('Validations', 'integer', 'Validations indicates the number of validation rules defined in this configuration'),
    column('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy'),
    AGE_COLUMN,
  ],
  row(p, now) {
    const spec = obj(p.spec);
    const pk = spec.paramKind;
    const paramKind = isObj(pk) ? `${str(pk.apiVersion)}/${str(pk.kind)}` : '<unset>';
    return { cells: [p.metadata.name ?? '', objs(spec.validations).length, paramKind, age(p, now)] };
  },
};
