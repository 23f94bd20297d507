// roles.rbac.authorization.k8s.io: pkg/registry/rbac/role (strategy) and ValidateRole.
import type { Strategy } from '../strategy.ts';
import { ROLE_COLUMNS, roleRow, validateRules } from './validation.ts';

export const roleStrategy: Strategy = {
  nameRule: 'path',
  validate: (role) => validateRules(role, true),
  columns: ROLE_COLUMNS,
  row: roleRow,
};
