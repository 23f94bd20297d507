// The autoscaling strategies, keyed by plural resource name; `<version>/<resource>` names a version
// served beside the preferred one from the same objects (autoscaling/v1 next to v2).
import type { Strategy } from '../strategy.ts';
import { hpaV1Strategy } from './hpa-v1.ts';
import { hpaStrategy } from './horizontalpodautoscalers.ts';

export const autoscalingStrategies: Record<string, Strategy> = {
  horizontalpodautoscalers: hpaStrategy,
  'v1/horizontalpodautoscalers': hpaV1Strategy,
};
