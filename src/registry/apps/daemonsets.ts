// daemonsets.apps: pkg/registry/apps/daemonset/strategy.go, SetDefaults_DaemonSet,
// ValidateDaemonSetSpec, printDaemonSet. The internal spec.templateGeneration is kept, as in
// apps/v1, in the `deprecated.daemonset.template.generation` annotation.
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column, containersAndImages, formatLabelMap } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import {
  asNumber,
  asObj,
  asString,
  deepEqual,
  ensureObj,
  formatSelectorCell,
  goIntOrString,
  goInvalid,
  goLabelSelector,
  goNotSupported,
  goPointer,
  goQuote,
  intOrPercentValue,
  isNotMoreThan100Percent,
  isObj,
  isSet,
  selectorIsEmpty,
  spec,
  status,
  validateLabelSelector,
  validateNonnegative,
  validatePositiveIntOrPercent,
} from './common.ts';
import { defaultPodTemplate, validatePodTemplate } from './podtemplate-defaults.ts';
import {
  alwaysRestartOnly,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  keepStatus,
  resetStatus,
  selectorConverts,
  templateContainers,
  validateSelectorImmutable,
  validateTemplateMatchesSelector,
} from './workload.ts';

export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

export function defaultDaemonSet(obj: KObject): void {
  const s = ensureObj(obj, 'spec');
  const us = ensureObj(s, 'updateStrategy');
  if (!us.type) us.type = 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = ensureObj(us, 'rollingUpdate');
    if (!isSet(ru.maxUnavailable)) ru.maxUnavailable = 1;
    if (!isSet(ru.maxSurge)) ru.maxSurge = 0;
  }
  if (!isSet(s.revisionHistoryLimit)) s.revisionHistoryLimit = 10;
  defaultPodTemplate(s);
}

function templateGeneration(obj: KObject): number {
  const raw = obj.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  const n = raw === undefined ? 0 : Number.parseInt(raw, 10);
  return Number.isNaN(n) ? 0 : n;
}

function setTemplateGeneration(obj: KObject, gen: number): void {
  obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [TEMPLATE_GENERATION_ANNOTATION]: String(gen) };
}

function validateUpdateStrategy(us: unknown, path: string): FieldError[] {
  const st = asObj(us) ?? {};
  const errs: FieldError[] = [];
  switch (st.type) {
    case 'OnDelete':
      break;
    case 'RollingUpdate': {
      const ru = asObj(st.rollingUpdate);
      if (!ru) return [fieldErrors.required(`${path}.rollingUpdate`)];
      const rp = `${path}.rollingUpdate`;
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${rp}.maxUnavailable`));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, `${rp}.maxSurge`));
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${rp}.maxUnavailable`));
      errs.push(...isNotMoreThan100Percent(ru.maxSurge, `${rp}.maxSurge`));
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) {
        errs.push(goInvalid(`${rp}.maxSurge`, goIntOrString(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
      } else if (!hasUnavailable && !hasSurge) {
        errs.push(fieldErrors.required(`${rp}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
      }
      break;
    }
    default:
      errs.push(
        goNotSupported(
          path,
          `apps.DaemonSetUpdateStrategy{Type:${goQuote(asString(st.type))}, RollingUpdate:${goPointer('apps.RollingUpdateDaemonSet', st.rollingUpdate)}}`,
          ['RollingUpdate', 'OnDelete'],
        ),
      );
  }
  return errs;
}

/** ValidateDaemonSetSpec */
export function validateDaemonSetSpec(obj: KObject): FieldError[] {
  const s = spec(obj);
  const errs: FieldError[] = [];
  errs.push(...validateLabelSelector(s.selector, 'spec.selector'));
  if (selectorConverts(s.selector)) errs.push(...validateTemplateMatchesSelector(s.selector, s.template, 'spec.template'));
  if (isObj(s.selector) && selectorIsEmpty(s.selector)) {
    errs.push(goInvalid('spec.selector', goLabelSelector(s.selector), 'empty selector is invalid for daemonset'));
  }
  errs.push(...validatePodTemplate(s.template, 'spec.template'));
  errs.push(...alwaysRestartOnly(s.template, 'spec.template', 'DaemonSet'));
  errs.push(...validateNonnegative(s.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateUpdateStrategy(s.updateStrategy, 'spec.updateStrategy'));
  if (isSet(s.revisionHistoryLimit)) errs.push(...validateNonnegative(s.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

export const daemonSetStrategy: Strategy = {
  tracksGeneration: true,
  prepareForCreate(obj) {
    resetStatus(obj);
    defaultDaemonSet(obj);
    if (templateGeneration(obj) < 1) setTemplateGeneration(obj, 1);
  },
  prepareForUpdate(obj, old) {
    keepStatus(obj, old);
    defaultDaemonSet(obj);
    // templateGeneration cannot be set by users; it follows template changes.
    const oldGen = templateGeneration(old);
    const changed = !deepEqual(spec(obj).template, spec(old).template);
    if (oldGen > 0 || changed) setTemplateGeneration(obj, changed ? oldGen + 1 : oldGen);
  },
  validate: validateDaemonSetSpec,
  validateUpdate(obj, old) {
    return validateSelectorImmutable(spec(obj).selector, spec(old).selector, 'spec.selector');
  },
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', 'Number of nodes that should run the daemon pod.'),
    column('Current', 'integer', 'Number of nodes running at least one daemon pod.'),
    column('Ready', 'integer', 'Number of nodes whose daemon pod is ready.'),
    column('Up-to-date', 'integer', 'Number of nodes running the latest daemon pod template.'),
    column('Available', 'integer', 'Number of nodes whose daemon pod is available.'),
    column('Node Selector', 'string', 'Node labels a node must have to run the daemon pod.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column('Selector', 'string', 'Label selector for the pods the daemon set manages.', 1),
  ],
  row(obj, now) {
    const s = spec(obj);
    const st = status(obj);
    const template = asObj(s.template);
    const [names, images] = containersAndImages(templateContainers(template));
    const nodeSelector = asObj(asObj(template?.spec)?.nodeSelector) as Record<string, string> | undefined;
    return {
      cells: [
        obj.metadata.name ?? '',
        asNumber(st.desiredNumberScheduled),
        asNumber(st.currentNumberScheduled),
        asNumber(st.numberReady),
        asNumber(st.updatedNumberScheduled),
        asNumber(st.numberAvailable),
        formatLabelMap(nodeSelector),
        age(obj, now),
        names,
        images,
        formatSelectorCell(s.selector),
      ],
    };
  },
};
