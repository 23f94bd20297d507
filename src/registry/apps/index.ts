// The apps/v1 strategies, keyed by plural resource name.
import type { Strategy } from '../strategy.ts';
import { controllerRevisionStrategy } from './controllerrevisions.ts';
import { daemonSetStrategy } from './daemonsets.ts';
import { deploymentStrategy } from './deployments.ts';
import { replicaSetStrategy } from './replicasets.ts';
import { statefulSetStrategy } from './statefulsets.ts';

export const appsStrategies: Record<string, Strategy> = {
  deployments: deploymentStrategy,
  replicasets: replicaSetStrategy,
  statefulsets: statefulSetStrategy,
  daemonsets: daemonSetStrategy,
  controllerrevisions: controllerRevisionStrategy,
};
