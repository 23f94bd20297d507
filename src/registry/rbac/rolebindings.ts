// rolebindings.rbac.authorization.k8s.io: pkg/registry/rbac/rolebinding (strategy), ValidateRoleBinding
// and printRoleBinding.
import type { Strategy } from '../strategy.ts';
import { bindingColumns, bindingRow, defaultBinding, validateBinding, validateBindingUpdate } from './validation.ts';

export const roleBindingStrategy: Strategy = {
  nameRule: 'path',
  prepareForCreate: defaultBinding,
  prepareForUpdate: defaultBinding,
  validate: (b) => validateBinding(b, true),
  validateUpdate: validateBindingUpdate,
  columns: bindingColumns(
    'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.',
    'roleBinding',
  ),
  row: bindingRow,
};
