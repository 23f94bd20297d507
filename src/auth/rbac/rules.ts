// The RBAC vocabulary and the pure matching of one request against one rule (upstream's
// RuleAllows and the rbac v1 helpers VerbMatches, APIGroupMatches, ResourceMatches,
// ResourceNameMatches and NonResourceURLMatches).
import { goQuote } from '../../api/errors.ts';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind: string;
  apiGroup?: string;
  name: string;
  namespace?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

/** Who is asking (k8s.io/apiserver user.Info). */
export interface UserInfo {
  name: string;
  groups: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

export interface ResourceAttributes {
  resourceRequest: true;
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  name?: string;
  namespace?: string;
}

export interface NonResourceAttributes {
  resourceRequest: false;
  verb: string;
  path: string;
}

/** What is asked: a resource request, or a non-resource one (a path and a verb). */
export type RequestAttributes = ResourceAttributes | NonResourceAttributes;

const WILDCARD = '*';

const has = (set: readonly string[] | undefined, x: string): boolean => (set ?? []).includes(x);

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return has(rule.verbs, WILDCARD) || has(rule.verbs, verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return has(rule.apiGroups, WILDCARD) || has(rule.apiGroups, group);
}

/** `combined` is "resource" or "resource/subresource"; a rule's `*\/sub` names a subresource of any resource. */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === WILDCARD || r === combined) return true;
    if (subresource === '') continue;
    if (r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** A rule URL ending in `*` covers every path it is a prefix of (the star itself stripped). */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === WILDCARD || u === path) return true;
    if (u.endsWith(WILDCARD) && path.startsWith(u.replace(/\*+$/, ''))) return true;
  }
  return false;
}

export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (!attrs.resourceRequest) return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.path);
  const sub = attrs.subresource ?? '';
  const combined = sub ? `${attrs.resource}/${sub}` : attrs.resource;
  return (
    verbMatches(rule, attrs.verb) &&
    apiGroupMatches(rule, attrs.apiGroup) &&
    resourceMatches(rule, combined, sub) &&
    resourceNameMatches(rule, attrs.name ?? '')
  );
}

/** serviceaccount.MakeUsername's form, compared without building the string. */
function matchesServiceAccountUser(namespace: string, name: string, username: string): boolean {
  const prefix = 'system:serviceaccount:';
  return username.length === prefix.length + namespace.length + 1 + name.length && username === `${prefix}${namespace}:${name}`;
}

/**
 * Whether a binding subject names this user; a service account without a namespace means one in the
 * binding's namespace (cluster bindings pass '', so such a subject matches nobody).
 */
export function subjectAppliesTo(user: UserInfo, s: Subject, bindingNamespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return user.name === s.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns !== '' && matchesServiceAccountUser(ns, s.name, user.name);
    }
    default:
      return false;
  }
}

/** Go's %q of a []string: `["a" "b"]`. */
export function goQuotedList(xs: readonly string[]): string {
  return `[${xs.map(goQuote).join(' ')}]`;
}

/** PolicyRule.CompactString: only the fields that are set, in upstream's order. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuotedList(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuotedList(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuotedList(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuotedList(r.resourceNames)}`);
  if (r.verbs?.length) parts.push(`Verbs:${goQuotedList(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}
