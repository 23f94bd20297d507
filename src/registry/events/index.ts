// The events.k8s.io/v1 strategies, keyed by plural resource name.
import type { Strategy } from '../strategy.ts';
import { eventStrategy } from './events.ts';

export const eventsStrategies: Record<string, Strategy> = {
  events: eventStrategy,
};
