// The node.k8s.io/v1 strategies, keyed by plural resource name.
import type { Strategy } from '../strategy.ts';
import { runtimeClassStrategy } from './runtimeclasses.ts';

export const nodeStrategies: Record<string, Strategy> = {
  runtimeclasses: runtimeClassStrategy,
};
