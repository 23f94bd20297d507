// Pieces the workload strategies (apps and batch) have in common: status handling, the
// Containers/Images columns, and the ReplicaSet-style template check shared by Deployment,
// ReplicaSet and (partly) DaemonSet.
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { column } from '../printing.ts';
import type { TableColumn } from '../strategy.ts';
import {
  asObj,
  asString,
  clone,
  deepEqual,
  goInvalid,
  goLabelSelector,
  goStringMap,
  IMMUTABLE,
  isObj,
  selectorIsEmpty,
  selectorKind,
  selectorMatches,
  SELECTOR_MISMATCH,
  validateLabelSelector,
} from './common.ts';
import { validatePodTemplate } from './podtemplate-defaults.ts';

export const CONTAINERS_COLUMN: TableColumn = column('Containers', 'string', 'Container names in the pod template.', 1);
export const IMAGES_COLUMN: TableColumn = column('Images', 'string', 'Container images in the pod template.', 1);

/** PrepareForCreate: status starts empty (`status: {}`). */
export function resetStatus(obj: KObject): void {
  obj.status = {};
}

/** PrepareForUpdate of the main resource: the status cannot be changed through it. */
export function keepStatus(obj: KObject, old: KObject): void {
  obj.status = isObj(old.status) ? clone(old.status) : {};
}

/** The pod template's containers as `[names, images]` inputs for containersAndImages. */
export function templateContainers(template: unknown): { name?: string; image?: string }[] {
  const containers = asObj(asObj(template)?.spec)?.containers;
  return Array.isArray(containers) ? containers.filter(isObj).map((c) => ({ name: asString(c.name), image: asString(c.image) })) : [];
}

/**
 * The selector part of ValidateDeploymentSpec / ValidateReplicaSetSpec / ValidateStatefulSetSpec:
 * required, well-formed and not empty. `kind` names the resource in the "empty selector" message.
 */
export function validateWorkloadSelector(sel: unknown, path: string, kindWord: string): FieldError[] {
  if (!isObj(sel)) return [fieldErrors.required(path)];
  const errs = validateLabelSelector(sel, path);
  if (selectorIsEmpty(sel)) errs.push(goInvalid(path, goLabelSelector(sel), `empty selector is invalid for ${kindWord}`));
  return errs;
}

/** The template labels as the bad value of a mismatch error (Go's map rendering). */
export function labelsValue(template: unknown): string {
  return goStringMap(asObj(asObj(template)?.metadata)?.labels);
}

/**
 * `selector` must select the template's labels, unless the selector is empty (then selection is
 * not checked here; the empty-selector error covers it). A nil selector selects nothing.
 */
export function validateTemplateMatchesSelector(sel: unknown, template: unknown, templatePath: string): FieldError[] {
  const kind = selectorKind(sel);
  if (kind === 'everything' || kind === 'invalid') return [];
  const labels = asObj(asObj(template)?.metadata)?.labels;
  if (selectorMatches(sel, labels)) return [];
  return [goInvalid(`${templatePath}.metadata.labels`, labelsValue(template), SELECTOR_MISMATCH)];
}

/**
 * ValidatePodTemplateSpecForReplicaSet after the selector was converted: labels match, pod
 * template validation, restartPolicy Always only, no activeDeadlineSeconds.
 */
export function validateReplicaSetTemplate(sel: unknown, template: unknown, path: string, kindName: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(template)) return [fieldErrors.required(path)];
  errs.push(...validateTemplateMatchesSelector(sel, template, path));
  errs.push(...validatePodTemplate(template, path));
  errs.push(...alwaysRestartOnly(template, path, kindName));
  return errs;
}

/** restartPolicy must be Always and activeDeadlineSeconds unset, for long-running workloads. */
export function alwaysRestartOnly(template: unknown, path: string, kindName: string): FieldError[] {
  const errs: FieldError[] = [];
  const podSpec = asObj(asObj(template)?.spec) ?? {};
  const rp = asString(podSpec.restartPolicy);
  if (rp !== 'Always') errs.push(fieldErrors.notSupported(`${path}.spec.restartPolicy`, rp, ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(fieldErrors.forbidden(`${path}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${kindName} is not Supported`));
  }
  return errs;
}

/** The selector converts (LabelSelectorAsSelector succeeds): nil and {} do. */
export function selectorConverts(sel: unknown): boolean {
  return selectorKind(sel) !== 'invalid';
}

/** Immutable selector check of apps/v1 (and batch/v1 jobs). */
export function validateSelectorImmutable(sel: unknown, oldSel: unknown, path: string): FieldError[] {
  return deepEqual(sel, oldSel) ? [] : [goInvalid(path, goLabelSelector(sel), IMMUTABLE)];
}

