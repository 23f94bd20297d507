// The networking.k8s.io/v1 strategies, keyed by plural resource name.
import type { Strategy } from '../strategy.ts';
import { ingressClassStrategy } from './ingressclasses.ts';
import { ingressStrategy } from './ingresses.ts';
import { ipAddressStrategy, serviceCIDRStrategy } from './ipaddresses.ts';
import { networkPolicyStrategy } from './networkpolicies.ts';

export const networkingStrategies: Record<string, Strategy> = {
  ingresses: ingressStrategy,
  ingressclasses: ingressClassStrategy,
  networkpolicies: networkPolicyStrategy,
  ipaddresses: ipAddressStrategy,
  servicecidrs: serviceCIDRStrategy,
};
