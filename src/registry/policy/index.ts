// The policy/v1 strategies, keyed by plural resource name.
import type { Strategy } from '../strategy.ts';
import { podDisruptionBudgetStrategy } from './poddisruptionbudgets.ts';

export const policyStrategies: Record<string, Strategy> = {
  poddisruptionbudgets: podDisruptionBudgetStrategy,
};
