// The discovery.k8s.io/v1 strategies, keyed by plural resource name.
import type { Strategy } from '../strategy.ts';
import { endpointSliceStrategy } from './endpointslices.ts';

export const discoveryStrategies: Record<string, Strategy> = {
  endpointslices: endpointSliceStrategy,
};
