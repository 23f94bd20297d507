// Privilege-escalation prevention for RBAC writes (pkg/registry/rbac/escalation_check.go,
// validation/rule.go ConfirmNoEscalation, component-helpers' policy comparator and policy_compact.go):
// a user may write a role only with rules they already hold, unless allowed to `escalate` it, and may
// bind a role only when allowed to `bind` it or when they hold its rules.
import { StatusError, forbidden, badRequest } from '../../api/errors.ts';
import type { KObject } from '../../api/types.ts';
import { type RbacAuthorizer, aggregateMessages, roleRefOf } from './authorizer.ts';
import { type PolicyRule, type RoleRef, type UserInfo, compactString, goQuotedList } from './rules.ts';

const STAR = '*';
const has = (set: readonly string[] | undefined, x: string): boolean => (set ?? []).includes(x);
const hasAll = (set: readonly string[] | undefined, xs: readonly string[] | undefined): boolean => (xs ?? []).every((x) => has(set, x));

/** One rule as rules of one verb, one group, one resource and at most one name each. */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs ?? []) {
        const names = rule.resourceNames ?? [];
        if (names.length > 0) for (const n of names) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [n] });
        else out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs ?? []) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

function resourceCoversAll(owned: readonly string[] | undefined, wanted: readonly string[] | undefined): boolean {
  if (has(owned, STAR) || hasAll(owned, wanted)) return true;
  for (const path of wanted ?? []) {
    if (has(owned, path)) continue;
    const slash = path.indexOf('/');
    if (slash < 0) return false;
    if (!has(owned, `*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

function nonResourceURLCovers(owner: string, sub: string): boolean {
  return owner === sub || (owner.endsWith(STAR) && sub.startsWith(owner.replace(/\*+$/, '')));
}

/** Whether an owner's rule covers a broken-down rule (at most one verb, resource and name). */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = has(owner.verbs, STAR) || hasAll(owner.verbs, sub.verbs);
  const groups = has(owner.apiGroups, STAR) || hasAll(owner.apiGroups, sub.apiGroups);
  const resources = resourceCoversAll(owner.resources, sub.resources);
  const urls = (sub.nonResourceURLs ?? []).every((u) => (owner.nonResourceURLs ?? []).some((o) => nonResourceURLCovers(o, u)));
  const ownerNames = owner.resourceNames ?? [];
  const names = (sub.resourceNames ?? []).length === 0 ? ownerNames.length === 0 : ownerNames.length === 0 || hasAll(ownerNames, sub.resourceNames);
  return verbs && groups && resources && names && urls;
}

/** validation.Covers: whether the owner's rules cover every part of the servant's, and which parts they miss. */
export function covers(ownerRules: readonly PolicyRule[], servantRules: readonly PolicyRule[]): { covered: boolean; missing: PolicyRule[] } {
  const missing = servantRules.flatMap(breakdownRule).filter((sub) => !ownerRules.some((o) => ruleCovers(o, sub)));
  return { covered: missing.length === 0, missing };
}

/** CompactRules: simple rules (one group, one resource, at most one name) of the same target merge their verbs. */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const names = r.resourceNames ?? [];
    const isSimple = names.length <= 1 && (r.nonResourceURLs ?? []).length === 0 && r.apiGroups?.length === 1 && r.resources?.length === 1;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups![0], r.resources![0], names[0] ?? null]);
    const existing = simple.get(key);
    if (!existing) simple.set(key, { ...r, verbs: [...r.verbs] });
    else for (const v of r.verbs) if (!existing.verbs.includes(v)) existing.verbs.push(v);
  }
  return [...out, ...simple.values()];
}

/**
 * ConfirmNoEscalation: undefined when the user's rules in the namespace cover `rules`; otherwise
 * upstream's message listing what the user lacks.
 */
export function confirmNoEscalation(authz: RbacAuthorizer, user: UserInfo, namespace: string, rules: readonly PolicyRule[]): string | undefined {
  const owned = authz.rulesFor(user, namespace);
  const { covered, missing } = covers(owned.rules, rules);
  if (covered) return undefined;
  const lines = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg = `user ${JSON.stringify(user.name)} (groups=${goQuotedList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
  if (owned.errors.length > 0) msg += `; resolution errors: [${aggregateMessages(owned.errors)}]`;
  return msg;
}

/** Members of system:masters may do anything: the API server's own loopback client is one. */
export function escalationAllowed(user: UserInfo): boolean {
  return user.groups.includes('system:masters');
}

const ROLE_RESOURCES = new Set(['roles', 'clusterroles']);

/** RoleEscalationAuthorized: the user may `escalate` this role (named in the request). */
export function roleEscalationAuthorized(authz: RbacAuthorizer, user: UserInfo, resource: string, namespace: string, name: string): boolean {
  if (!ROLE_RESOURCES.has(resource)) return false;
  return authz.authorize(user, { resourceRequest: true, verb: 'escalate', apiGroup: 'rbac.authorization.k8s.io', resource, name, namespace }).decision === 'Allow';
}

/** BindingAuthorized: the user may `bind` the referenced role where the binding lives. */
export function bindingAuthorized(authz: RbacAuthorizer, user: UserInfo, ref: RoleRef, bindingNamespace: string): boolean {
  const resource = ref.kind === 'ClusterRole' ? 'clusterroles' : ref.kind === 'Role' ? 'roles' : undefined;
  if (!resource) return false;
  return authz.authorize(user, { resourceRequest: true, verb: 'bind', apiGroup: ref.apiGroup, resource, name: ref.name, namespace: bindingNamespace }).decision === 'Allow';
}

/** What `*` on everything takes: the aggregation rule can gather any permission. */
const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

const rulesOf = (o: KObject): PolicyRule[] => (Array.isArray(o.rules) ? (o.rules as PolicyRule[]) : []);

/**
 * The checks of upstream's policy-based Role/ClusterRole storage on create and update (`old` given):
 * rules the user does not hold, or an aggregation rule from a user without full authority, are refused.
 */
export function checkRoleWrite(authz: RbacAuthorizer, user: UserInfo, role: KObject, old?: KObject): StatusError | undefined {
  const clusterScoped = role.kind === 'ClusterRole';
  const resource = clusterScoped ? 'clusterroles' : 'roles';
  const gr = { group: 'rbac.authorization.k8s.io', resource };
  const name = role.metadata.name ?? '';
  const namespace = role.metadata.namespace ?? '';
  if (escalationAllowed(user) || roleEscalationAuthorized(authz, user, resource, namespace, name)) return undefined;
  const rulesChanged = !old || JSON.stringify(rulesOf(old)) !== JSON.stringify(rulesOf(role));
  if (rulesChanged) {
    const err = confirmNoEscalation(authz, user, namespace, rulesOf(role));
    if (err) return forbidden(gr, name, err);
  }
  const aggregation = clusterScoped ? role.aggregationRule : undefined;
  const aggregationChanged = aggregation !== undefined && aggregation !== null && (!old || JSON.stringify(old.aggregationRule) !== JSON.stringify(aggregation));
  if (aggregationChanged && confirmNoEscalation(authz, user, namespace, FULL_AUTHORITY)) {
    return forbidden(gr, name, 'must have cluster-admin privileges to use the aggregationRule');
  }
  return undefined;
}

/** The checks of upstream's policy-based RoleBinding/ClusterRoleBinding storage on create (and on a roleRef change). */
export function checkBindingWrite(authz: RbacAuthorizer, user: UserInfo, binding: KObject): StatusError | undefined {
  const resource = binding.kind === 'ClusterRoleBinding' ? 'clusterrolebindings' : 'rolebindings';
  const namespace = binding.metadata.namespace ?? '';
  if (escalationAllowed(user)) return undefined;
  const ref = roleRefOf(binding);
  if (bindingAuthorized(authz, user, ref, namespace)) return undefined;
  const resolved = authz.roleReferenceRules(ref, namespace);
  if ('error' in resolved) return badRequest(resolved.error);
  const err = confirmNoEscalation(authz, user, namespace, resolved.rules);
  return err ? forbidden({ group: 'rbac.authorization.k8s.io', resource }, binding.metadata.name ?? '', err) : undefined;
}
