// apiextensions.k8s.io/v1 CustomResourceDefinitions (apiextensions-apiserver pkg/registry/customresourcedefinition).
// The object itself is ordinary; serving what it declares is the CRD controller's work (crd-controller.ts).
import { fieldErrors, type FieldError } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { nowRFC3339 } from '../store.ts';
import type { Strategy } from '../strategy.ts';
import { defaultCRD, validateCRD, validateCRDUpdate } from './crd-validation.ts';
import { CLEANUP_FINALIZER, type CRDCondition, type CustomResourceDefinition } from './crd-types.ts';

/** Adds or replaces a condition, keeping lastTransitionTime when the status does not change (SetCRDCondition). */
export function setCondition(crd: CustomResourceDefinition, next: CRDCondition): void {
  const status = (crd.status ??= {});
  const conditions = (status.conditions ??= []);
  const i = conditions.findIndex((c) => c.type === next.type);
  const existing = i >= 0 ? conditions[i] : undefined;
  const lastTransitionTime = existing && existing.status === next.status ? existing.lastTransitionTime : nowRFC3339();
  const merged = { type: next.type, status: next.status, lastTransitionTime, reason: next.reason, message: next.message };
  if (i >= 0) conditions[i] = merged;
  else conditions.push(merged);
}

/**
 * Webhook conversion needs a call to the user's conversion webhook, which this server does not make;
 * serving the other versions unconverted would hand out objects in the wrong shape, so such CRDs are
 * refused (upstream accepts them).
 */
function refuseWebhookConversion(obj: KObject): FieldError[] {
  const strategy = (obj as CustomResourceDefinition).spec?.conversion?.strategy;
  if (strategy !== 'Webhook') return [];
  return [fieldErrors.forbidden('spec.conversion.strategy', 'Webhook conversion is not supported by Wheelhouse yet; use None')];
}

export const customResourceDefinitionStrategy: Strategy = {
  tracksGeneration: true,
  genericObjectMeta: true,
  // Defaulting also records the storage version in status.storedVersions, as upstream's strategy does.
  prepareForCreate: defaultCRD,
  prepareForUpdate: defaultCRD,
  validate: (obj) => [...validateCRD(obj), ...refuseWebhookConversion(obj)],
  validateUpdate: (obj, old) => validateCRDUpdate(obj, old),
  /**
   * The first DELETE only marks the CRD: deletionTimestamp, the cleanup finalizer and a Terminating
   * condition; the CRD controller then deletes every custom resource and removes the finalizer.
   */
  beforeDelete(obj: KObject) {
    const crd = obj as CustomResourceDefinition;
    if (crd.metadata.deletionTimestamp) return undefined;
    crd.metadata.deletionTimestamp = nowRFC3339();
    const finalizers = crd.metadata.finalizers ?? [];
    if (!finalizers.includes(CLEANUP_FINALIZER)) crd.metadata.finalizers = [...finalizers, CLEANUP_FINALIZER];
    setCondition(crd, {
      type: 'Terminating',
      status: 'True',
      reason: 'InstanceDeletionPending',
      message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
    });
    return 'update';
  },
};
