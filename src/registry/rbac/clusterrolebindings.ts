// clusterrolebindings.rbac.authorization.k8s.io: pkg/registry/rbac/clusterrolebinding (strategy),
// ValidateClusterRoleBinding and printClusterRoleBinding.
import type { Strategy } from '../strategy.ts';
import { bindingColumns, bindingRow, defaultBinding, validateBinding, validateBindingUpdate } from './validation.ts';

export const clusterRoleBindingStrategy: Strategy = {
  nameRule: 'path',
  prepareForCreate: defaultBinding,
  prepareForUpdate: defaultBinding,
  validate: (b) => validateBinding(b, false),
  validateUpdate: validateBindingUpdate,
  columns: bindingColumns(
    'RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.',
    'clusterRoleBinding',
  ),
  row: bindingRow,
};
