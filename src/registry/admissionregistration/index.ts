// The admissionregistration.k8s.io/v1 strategies, keyed by plural resource name.
import type { Strategy } from '../strategy.ts';
import { validatingAdmissionPolicyStrategy } from './validatingadmissionpolicies.ts';
import { validatingAdmissionPolicyBindingStrategy } from './validatingadmissionpolicybindings.ts';
import { mutatingWebhookConfigurationStrategy, validatingWebhookConfigurationStrategy } from './webhooks.ts';

export const admissionregistrationStrategies: Record<string, Strategy> = {
  mutatingwebhookconfigurations: mutatingWebhookConfigurationStrategy,
  validatingwebhookconfigurations: validatingWebhookConfigurationStrategy,
  validatingadmissionpolicies: validatingAdmissionPolicyStrategy,
  validatingadmissionpolicybindings: validatingAdmissionPolicyBindingStrategy,
};
