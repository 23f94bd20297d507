// The apiregistration.k8s.io/v1 strategies, keyed by plural resource name.
import type { Strategy } from '../strategy.ts';
import { apiServiceStrategy } from './apiservices.ts';

export const apiregistrationStrategies: Record<string, Strategy> = {
  apiservices: apiServiceStrategy,
};
