// The RBAC authorizer (plugin/pkg/auth/authorizer/rbac and the rule resolver of
// pkg/registry/rbac/validation/rule.go): a request is allowed when some rule bound to the user allows
// it; otherwise RBAC has no opinion, and says which role references could not be resolved.
// Decisions read only the PolicySource they are given, synchronously.
import type { KObject } from '../../api/types.ts';
import type { PolicySource } from './policy-source.ts';
import { type PolicyRule, type RequestAttributes, type RoleRef, type Subject, type UserInfo, ruleAllows, subjectAppliesTo } from './rules.ts';

export type Decision = 'Allow' | 'NoOpinion';

export interface AuthorizationResult {
  decision: Decision;
  /** "RBAC: allowed by …" on allow; on no opinion the resolution errors, or "" when there were none. */
  reason: string;
}

/** Visits each rule (with a description of the binding it came from) and each resolution error; false stops. */
export type RuleVisitor = (source: string | undefined, rule: PolicyRule | undefined, err: string | undefined) => boolean;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function rulesOf(role: KObject): PolicyRule[] {
  return Array.isArray(role.rules) ? (role.rules as PolicyRule[]) : [];
}

function subjectsOf(binding: KObject): Subject[] {
  return Array.isArray(binding.subjects) ? (binding.subjects as Subject[]) : [];
}

export function roleRefOf(binding: KObject): RoleRef {
  const r = (binding.roleRef ?? {}) as Partial<RoleRef>;
  return { apiGroup: str(r.apiGroup), kind: str(r.kind), name: str(r.name) };
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

function describeClusterBinding(b: KObject, s: Subject): string {
  const ref = roleRefOf(b);
  return `ClusterRoleBinding ${JSON.stringify(b.metadata.name ?? '')} of ${ref.kind} ${JSON.stringify(ref.name)} to ${describeSubject(s, '')}`;
}

function describeBinding(b: KObject, s: Subject): string {
  const ref = roleRefOf(b);
  const ns = b.metadata.namespace ?? '';
  return `RoleBinding ${JSON.stringify(`${b.metadata.name ?? ''}/${ns}`)} of ${ref.kind} ${JSON.stringify(ref.name)} to ${describeSubject(s, ns)}`;
}

/** utilerrors.NewAggregate(...).Error(): one message bare, several (deduplicated) as "[a, b]". */
export function aggregateMessages(msgs: readonly string[]): string {
  const seen = [...new Set(msgs)];
  if (msgs.length === 1 || seen.length === 1) return seen[0] ?? '';
  return `[${seen.join(', ')}]`;
}

export class RbacAuthorizer {
  constructor(readonly source: PolicySource) {}

  /** The rules a role reference names, or the error upstream's listers give when it is missing. */
  roleReferenceRules(ref: RoleRef, bindingNamespace: string): { rules: PolicyRule[] } | { error: string } {
    switch (ref.kind) {
      case 'Role': {
        const role = this.source.getRole(bindingNamespace, ref.name);
        return role ? { rules: rulesOf(role) } : { error: `role.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` };
      }
      case 'ClusterRole': {
        const role = this.source.getClusterRole(ref.name);
        return role ? { rules: rulesOf(role) } : { error: `clusterrole.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` };
      }
      default:
        return { error: `unsupported role reference kind: ${JSON.stringify(ref.kind)}` };
    }
  }

  /** Cluster role bindings first, then (for a namespaced request) the namespace's role bindings. */
  visitRulesFor(user: UserInfo, namespace: string, visit: RuleVisitor): void {
    const walk = (bindings: Iterable<KObject>, bindingNamespace: string, describe: (b: KObject, s: Subject) => string): boolean => {
      for (const b of bindings) {
        const subject = subjectsOf(b).find((s) => subjectAppliesTo(user, s, bindingNamespace));
        if (!subject) continue;
        const resolved = this.roleReferenceRules(roleRefOf(b), bindingNamespace);
        if ('error' in resolved) {
          if (!visit(undefined, undefined, resolved.error)) return false;
          continue;
        }
        // Described lazily: most visits never need the text.
        let source: string | undefined;
        for (const rule of resolved.rules) {
          source ??= describe(b, subject);
          if (!visit(source, rule, undefined)) return false;
        }
      }
      return true;
    };
    if (!walk(this.source.listClusterRoleBindings(), '', describeClusterBinding)) return;
    if (namespace !== '') walk(this.source.listRoleBindings(namespace), namespace, describeBinding);
  }

  /** Every rule that applies to the user in the namespace, with the errors met resolving them. */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visitRulesFor(user, namespace, (_src, rule, err) => {
      if (rule) rules.push(rule);
      if (err) errors.push(err);
      return true;
    });
    return { rules, errors };
  }

  authorize(user: UserInfo, attrs: RequestAttributes): AuthorizationResult {
    const errors: string[] = [];
    let allowedBy: string | undefined;
    const namespace = attrs.resourceRequest ? (attrs.namespace ?? '') : '';
    this.visitRulesFor(user, namespace, (source, rule, err) => {
      if (rule && ruleAllows(attrs, rule)) {
        allowedBy = source;
        return false;
      }
      if (err) errors.push(err);
      return true;
    });
    if (allowedBy !== undefined) return { decision: 'Allow', reason: `RBAC: allowed by ${allowedBy}` };
    return { decision: 'NoOpinion', reason: errors.length > 0 ? `RBAC: ${aggregateMessages(errors)}` : '' };
  }
}
