// The scheduling.k8s.io/v1 strategies, keyed by plural resource name.
import type { Strategy } from '../strategy.ts';
import { priorityClassStrategy } from './priorityclasses.ts';

export const schedulingStrategies: Record<string, Strategy> = {
  priorityclasses: priorityClassStrategy,
};
