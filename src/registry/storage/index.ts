// The storage.k8s.io/v1 strategies, keyed by plural resource name.
import type { Strategy } from '../strategy.ts';
import { csiDriverStrategy } from './csidrivers.ts';
import { csiNodeStrategy } from './csinodes.ts';
import { csiStorageCapacityStrategy } from './csistoragecapacities.ts';
import { storageClassStrategy } from './storageclasses.ts';
import { volumeAttachmentStrategy } from './volumeattachments.ts';
import { volumeAttributesClassStrategy } from './volumeattributesclasses.ts';

export const storageStrategies: Record<string, Strategy> = {
  storageclasses: storageClassStrategy,
  csidrivers: csiDriverStrategy,
  csinodes: csiNodeStrategy,
  volumeattachments: volumeAttachmentStrategy,
  csistoragecapacities: csiStorageCapacityStrategy,
  volumeattributesclasses: volumeAttributesClassStrategy,
};
