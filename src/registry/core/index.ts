// The core ("" group, v1) strategies, keyed by plural resource name.
import type { Strategy } from '../strategy.ts';
import { configMapStrategy } from './configmaps.ts';
import { endpointsStrategy } from './endpoints.ts';
import { eventStrategy } from './events.ts';
import { limitRangeStrategy } from './limitranges.ts';
import { namespaceStrategy } from './namespaces.ts';
import { nodeStrategy } from './nodes.ts';
import { persistentVolumeClaimStrategy } from './persistentvolumeclaims.ts';
import { persistentVolumeStrategy } from './persistentvolumes.ts';
import { ephemeralContainersWrite, resizeWrite } from './pod-subresources.ts';
import { podStrategy } from './pods.ts';
import { podTemplateStrategy } from './podtemplates.ts';
import { replicationControllerStrategy } from './replicationcontrollers.ts';
import { resourceQuotaStrategy } from './resourcequotas.ts';
import { secretStrategy } from './secrets.ts';
import { serviceAccountStrategy } from './serviceaccounts.ts';
import { serviceStrategy } from './services.ts';

export const coreStrategies: Record<string, Strategy> = {
  namespaces: namespaceStrategy,
  pods: { ...podStrategy, subresourceWrites: { ephemeralcontainers: ephemeralContainersWrite, resize: resizeWrite } },
  services: serviceStrategy,
  endpoints: endpointsStrategy,
  configmaps: configMapStrategy,
  secrets: secretStrategy,
  serviceaccounts: serviceAccountStrategy,
  nodes: nodeStrategy,
  events: eventStrategy,
  replicationcontrollers: replicationControllerStrategy,
  persistentvolumes: persistentVolumeStrategy,
  persistentvolumeclaims: persistentVolumeClaimStrategy,
  resourcequotas: resourceQuotaStrategy,
  limitranges: limitRangeStrategy,
  podtemplates: podTemplateStrategy,
};
