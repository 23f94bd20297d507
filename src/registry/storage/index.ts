// The storage.k8s.io/v1 strategies, keyed by plural resource name.
import type { Strategy } from '../strategy.ts';
import { storageClassStrategy } from './storageclasses.ts';

export const storageStrategies: Record<string, Strategy> = {
  storageclasses: storageClassStrategy,
};
