// The coordination.k8s.io/v1 strategies, keyed by plural resource name.
import type { Strategy } from '../strategy.ts';
import { leaseStrategy } from './leases.ts';

export const coordinationStrategies: Record<string, Strategy> = {
  leases: leaseStrategy,
};
