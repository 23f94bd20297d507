// clusterroles.rbac.authorization.k8s.io: pkg/registry/rbac/clusterrole (strategy) and
// ValidateClusterRole. Rules of an aggregated role are written by the clusterrole-aggregation controller.
import type { Strategy } from '../strategy.ts';
import { ROLE_COLUMNS, roleRow, validateAggregationRule, validateRules } from './validation.ts';

export const clusterRoleStrategy: Strategy = {
  nameRule: 'path',
  validate: (role) => [...validateRules(role, false), ...validateAggregationRule(role)],
  columns: ROLE_COLUMNS,
  row: roleRow,
};
