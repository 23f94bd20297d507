// The batch/v1 strategies, keyed by plural resource name.
import type { Strategy } from '../strategy.ts';
import { cronJobStrategy } from './cronjobs.ts';
import { jobStrategy } from './jobs.ts';

export const batchStrategies: Record<string, Strategy> = {
  jobs: jobStrategy,
  cronjobs: cronJobStrategy,
};
