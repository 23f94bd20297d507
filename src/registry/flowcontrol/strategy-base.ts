// What the two APF kinds share: names are path segments (ValidateFlowSchemaName and
// ValidatePriorityLevelConfigurationName), spec changes bump generation, and defaults apply on every write.
import type { FieldError } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import type { Strategy } from '../strategy.ts';

export function apfStrategyBase(defaults: (o: KObject) => void, validate: (o: KObject) => FieldError[]): Strategy {
  return { nameRule: 'path', tracksGeneration: true, prepareForCreate: defaults, prepareForUpdate: defaults, validate };
}
