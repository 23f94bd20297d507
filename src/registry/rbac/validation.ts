// What the four rbac.authorization.k8s.io kinds share: policy rule, roleRef and subject validation
// (pkg/apis/rbac/validation), the v1 defaults of bindings (pkg/apis/rbac/v1/defaults.go) and the
// binding printers of pkg/printers/internalversion.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { nameIsDNSSubdomain, validatePathSegmentName } from '../../api/names.ts';
import type { KObject } from '../../api/types.ts';
import { validateLabelSelector, convertSelector } from '../apps/common.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { TableColumn, TableRow } from '../strategy.ts';
import { type Obj, isObj, objs, str } from '../core/util.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => String(x ?? '')) : []);

/** One rule of a Role or ClusterRole; Roles may not name non-resource URLs. */
export function validatePolicyRule(rule: Obj, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const verbs = strings(rule.verbs);
  const apiGroups = strings(rule.apiGroups);
  const resources = strings(rule.resources);
  const resourceNames = strings(rule.resourceNames);
  const urls = strings(rule.nonResourceURLs);
  if (verbs.length === 0) errs.push(fieldErrors.required(`${path}.verbs`, 'verbs must contain at least one value'));
  if (urls.length > 0) {
    if (namespaced) errs.push(fieldErrors.invalid(`${path}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (apiGroups.length > 0 || resources.length > 0 || resourceNames.length > 0) {
      errs.push(fieldErrors.invalid(`${path}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (apiGroups.length === 0) errs.push(fieldErrors.required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (resources.length === 0) errs.push(fieldErrors.required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

export function validateRules(role: KObject, namespaced: boolean): FieldError[] {
  return objs(role.rules).flatMap((r, i) => validatePolicyRule(r, namespaced, `rules[${i}]`));
}

/** ClusterRole.aggregationRule: present means at least one selector, each a valid label selector. */
export function validateAggregationRule(role: KObject): FieldError[] {
  if (!isObj(role.aggregationRule)) return [];
  const base = 'aggregationRule.clusterRoleSelectors';
  const selectors = Array.isArray(role.aggregationRule.clusterRoleSelectors) ? role.aggregationRule.clusterRoleSelectors : [];
  const errs: FieldError[] = [];
  if (selectors.length === 0) errs.push(fieldErrors.required(base, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
  selectors.forEach((sel, i) => {
    errs.push(...validateLabelSelector(sel, `${base}[${i}]`));
    if (!convertSelector(sel)) errs.push(fieldErrors.invalid(`${base}[${i}]`, sel, 'invalid label selector.'));
  });
  return errs;
}

/** roleRef in Go's field order, so an Invalid value prints as upstream's JSON does. */
function roleRefOf(b: KObject): { apiGroup: string; kind: string; name: string } {
  const r = isObj(b.roleRef) ? b.roleRef : {};
  return { apiGroup: str(r.apiGroup), kind: str(r.kind), name: str(r.name) };
}

function validateSubject(s: Obj, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(s.name);
  const apiGroup = str(s.apiGroup);
  if (name === '') errs.push(fieldErrors.required(`${path}.name`));
  switch (str(s.kind)) {
    case 'ServiceAccount':
      if (name !== '') for (const m of nameIsDNSSubdomain(name, false)) errs.push(fieldErrors.invalid(`${path}.name`, name, m));
      if (apiGroup !== '') errs.push(fieldErrors.notSupported(`${path}.apiGroup`, apiGroup, ['']));
      if (!namespaced && str(s.namespace) === '') errs.push(fieldErrors.required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errs.push(fieldErrors.notSupported(`${path}.apiGroup`, apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(fieldErrors.notSupported(`${path}.kind`, str(s.kind), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

/** RoleBinding (namespaced: may reference a Role) and ClusterRoleBinding (ClusterRole only). */
export function validateBinding(b: KObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = roleRefOf(b);
  if (ref.apiGroup !== RBAC_GROUP) errs.push(fieldErrors.notSupported('roleRef.apiGroup', ref.apiGroup, [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) errs.push(fieldErrors.notSupported('roleRef.kind', ref.kind, kinds));
  if (ref.name === '') errs.push(fieldErrors.required('roleRef.name'));
  else for (const m of validatePathSegmentName(ref.name, false)) errs.push(fieldErrors.invalid('roleRef.name', ref.name, m));
  objs(b.subjects).forEach((s, i) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
  return errs;
}

export function validateBindingUpdate(b: KObject, old: KObject): FieldError[] {
  const next = roleRefOf(b);
  const prev = roleRefOf(old);
  if (next.apiGroup === prev.apiGroup && next.kind === prev.kind && next.name === prev.name) return [];
  return [fieldErrors.invalid('roleRef', next, 'cannot change roleRef')];
}

/** SetDefaults_RoleBinding / _ClusterRoleBinding / _Subject: the API groups clients may leave out. */
export function defaultBinding(b: KObject): void {
  if (isObj(b.roleRef) && !b.roleRef.apiGroup) b.roleRef.apiGroup = RBAC_GROUP;
  for (const s of objs(b.subjects)) {
    if (s.apiGroup !== undefined && s.apiGroup !== '') continue;
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC_GROUP;
    else if (s.kind === 'ServiceAccount') s.apiGroup = '';
  }
}

const CREATION_TIMESTAMP_DOC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** Roles and ClusterRoles print their name and creation time (RFC 3339, UTC). */
export const ROLE_COLUMNS: TableColumn[] = [NAME_COLUMN, column('Created At', 'date', CREATION_TIMESTAMP_DOC)];

export function roleRow(role: KObject): TableRow {
  const ts = role.metadata.creationTimestamp;
  return { cells: [role.metadata.name ?? '', ts ? new Date(ts).toISOString().replace(/\.\d{3}Z$/, 'Z') : '0001-01-01T00:00:00Z'] };
}

export function bindingColumns(roleRefDoc: string, what: 'roleBinding' | 'clusterRoleBinding'): TableColumn[] {
  return [
    NAME_COLUMN,
    column('Role', 'string', roleRefDoc),
    AGE_COLUMN,
    column('Users', 'string', `Users in the ${what}`, 1),
    column('Groups', 'string', `Groups in the ${what}`, 1),
    column('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`, 1),
  ];
}

/** rbac.SubjectsStrings: users, groups and "namespace:name" service accounts, each joined with ", ". */
export function bindingRow(b: KObject, now: number): TableRow {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of objs(b.subjects)) {
    const name = str(s.name);
    if (s.kind === 'User') users.push(name);
    else if (s.kind === 'Group') groups.push(name);
    else if (s.kind === 'ServiceAccount') sas.push(s.namespace ? `${str(s.namespace)}:${name}` : name);
  }
  const ref = roleRefOf(b);
  return { cells: [b.metadata.name ?? '', `${ref.kind}/${ref.name}`, age(b, now), users.join(', '), groups.join(', '), sas.join(', ')] };
}
