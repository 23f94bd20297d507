// The flowcontrol.apiserver.k8s.io/v1 strategies, keyed by plural resource name.
import type { Strategy } from '../strategy.ts';
import { flowSchemaStrategy } from './flowschemas.ts';
import { priorityLevelConfigurationStrategy } from './prioritylevelconfigurations.ts';

export const flowcontrolStrategies: Record<string, Strategy> = {
  flowschemas: flowSchemaStrategy,
  prioritylevelconfigurations: priorityLevelConfigurationStrategy,
};
