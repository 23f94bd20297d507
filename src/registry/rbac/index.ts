// The rbac.authorization.k8s.io/v1 strategies, keyed by plural resource name.
import type { Strategy } from '../strategy.ts';
import { clusterRoleBindingStrategy } from './clusterrolebindings.ts';
import { clusterRoleStrategy } from './clusterroles.ts';
import { roleBindingStrategy } from './rolebindings.ts';
import { roleStrategy } from './roles.ts';

export const rbacStrategies: Record<string, Strategy> = {
  clusterrolebindings: clusterRoleBindingStrategy,
  clusterroles: clusterRoleStrategy,
  rolebindings: roleBindingStrategy,
  roles: roleStrategy,
};
