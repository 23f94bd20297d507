// horizontalpodautoscalers.autoscaling (v2): pkg/registry/autoscaling/horizontalpodautoscaler/strategy.go,
// defaults from pkg/apis/autoscaling/v2/defaults.go, validation from pkg/apis/autoscaling/validation,
// printing from printHorizontalPodAutoscaler / formatHPAMetrics (the `<name>: current/target` form of
// recent releases).
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import { isDNS1123Label, validatePathSegmentName } from '../../api/names.ts';
import { parseQuantity, quantityString } from '../../api/quantity.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { asArray, asNumber, asObj, asObjArray, asString, ensureObj, goInvalid, isSet, spec, status, type Obj } from '../apps/common.ts';
import { keepStatus, resetStatus } from '../apps/workload.ts';

/** autoscaling.DefaultCPUUtilization: the target of an HPA created without metrics. */
export const DEFAULT_CPU_UTILIZATION = 80;
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
/** sets.List order (sorted) of the metric source types upstream accepts. */
const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const POLICY_TYPES = ['Percent', 'Pods'];
/** MetricSpec.type → the member that must carry the source. */
const SOURCE_FIELD: Record<string, string> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  ContainerResource: 'containerResource',
  External: 'external',
};

function scaleUpDefaults(): Obj {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

function scaleDownDefaults(): Obj {
  // No window: the controller applies --horizontal-pod-autoscaler-downscale-stabilization.
  return { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

/** copyHPAScalingRules: what the user set wins, the rest comes from the defaults. */
function fillRules(rules: unknown, defaults: Obj): Obj {
  const r = asObj(rules);
  if (!r) return defaults;
  const out: Obj = { ...r };
  for (const [k, v] of Object.entries(defaults)) if (!isSet(out[k])) out[k] = v;
  return out;
}

/** SetDefaults_HorizontalPodAutoscaler (v2). Behavior is only filled in when the user gave one. */
export function defaultHPA(obj: KObject): void {
  const s = ensureObj(obj, 'spec');
  if (!isSet(s.minReplicas)) s.minReplicas = 1;
  if (asArray(s.metrics).length === 0) {
    s.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  const b = asObj(s.behavior);
  if (b) {
    b.scaleUp = fillRules(b.scaleUp, scaleUpDefaults());
    b.scaleDown = fillRules(b.scaleDown, scaleDownDefaults());
  }
}

function validateObjectRef(ref: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['kind', 'name']) {
    const v = asString(ref[k]);
    if (v === '') errs.push(fieldErrors.required(`${path}.${k}`));
    else for (const msg of validatePathSegmentName(v, false)) errs.push(fieldErrors.invalid(`${path}.${k}`, v, msg));
  }
  return errs;
}

function validateMetricTarget(t: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = asString(t.type);
  if (type === '') errs.push(fieldErrors.required(`${path}.type`, 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(type)) {
    errs.push(fieldErrors.invalid(`${path}.type`, type, 'must be either Utilization, Value, or AverageValue'));
  }
  for (const k of ['value', 'averageValue']) {
    if (isSet(t[k]) && !((parseQuantity(t[k]) ?? 0) > 0)) errs.push(goInvalid(`${path}.${k}`, quantityString(t[k]), 'must be positive'));
  }
  if (isSet(t.averageUtilization) && asNumber(t.averageUtilization) < 1) {
    errs.push(fieldErrors.invalid(`${path}.averageUtilization`, t.averageUtilization, 'must be greater than 0'));
  }
  return errs;
}

function validateMetricIdentifier(id: Obj, path: string): FieldError[] {
  return asString(id.name) === '' ? [fieldErrors.required(`${path}.name`, 'must specify a metric name')] : [];
}

function validateResourceSource(src: Obj, path: string, container: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (asString(src.name) === '') errs.push(fieldErrors.required(`${path}.name`, 'must specify a resource name'));
  if (container) {
    const c = asString(src.container);
    if (c === '') errs.push(fieldErrors.required(`${path}.container`, 'must specify a container'));
    else for (const msg of isDNS1123Label(c)) errs.push(fieldErrors.invalid(`${path}.container`, c, msg));
  }
  const t = asObj(src.target) ?? {};
  errs.push(...validateMetricTarget(t, `${path}.target`));
  if (!isSet(t.averageUtilization) && !isSet(t.averageValue)) {
    errs.push(fieldErrors.required(`${path}.target.averageUtilization`, 'must set either a target raw value or a target utilization'));
  }
  if (isSet(t.averageUtilization) && isSet(t.averageValue)) {
    errs.push(fieldErrors.forbidden(`${path}.target.averageValue`, 'may not set both a target raw value and a target utilization'));
  }
  return errs;
}

function validateSource(type: string, src: Obj, path: string): FieldError[] {
  const t = asObj(src.target) ?? {};
  switch (type) {
    case 'resource':
      return validateResourceSource(src, path, false);
    case 'containerResource':
      return validateResourceSource(src, path, true);
    case 'pods': {
      const errs = [...validateMetricIdentifier(asObj(src.metric) ?? {}, `${path}.metric`), ...validateMetricTarget(t, `${path}.target`)];
      if (!isSet(t.averageValue)) errs.push(fieldErrors.required(`${path}.target.averageValue`, 'must specify a positive target averageValue'));
      return errs;
    }
    case 'object': {
      const errs = [
        ...validateObjectRef(asObj(src.describedObject) ?? {}, `${path}.describedObject`),
        ...validateMetricIdentifier(asObj(src.metric) ?? {}, `${path}.metric`),
        ...validateMetricTarget(t, `${path}.target`),
      ];
      if (!isSet(t.value) && !isSet(t.averageValue)) errs.push(fieldErrors.required(`${path}.target.value`, 'must set either a target value or averageValue'));
      return errs;
    }
    default: {
      const errs = [...validateMetricIdentifier(asObj(src.metric) ?? {}, `${path}.metric`), ...validateMetricTarget(t, `${path}.target`)];
      if (!isSet(t.value) && !isSet(t.averageValue)) {
        errs.push(fieldErrors.required(`${path}.target.value`, 'must set either a target value for metric or a per-pod target'));
      }
      if (isSet(t.value) && isSet(t.averageValue)) {
        errs.push(fieldErrors.forbidden(`${path}.target.value`, 'may not set both a target value for metric and a per-pod target'));
      }
      return errs;
    }
  }
}

function validateMetricSpec(m: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = asString(m.type);
  if (type === '') errs.push(fieldErrors.required(`${path}.type`, 'must specify a metric source type'));
  if (!METRIC_SOURCE_TYPES.includes(type)) errs.push(fieldErrors.notSupported(`${path}.type`, type, METRIC_SOURCE_TYPES));
  // Only the first source present is validated in depth, as upstream does.
  const present = ['object', 'external', 'pods', 'resource', 'containerResource'].filter((k) => asObj(m[k]));
  if (present.length > 0) errs.push(...validateSource(present[0]!, asObj(m[present[0]!])!, `${path}.${present[0]}`));
  const expected = SOURCE_FIELD[type];
  if (expected && !asObj(m[expected])) errs.push(fieldErrors.required(`${path}.${expected}`, 'must populate information for the given metric source'));
  if (!expected) errs.push(fieldErrors.notSupported(`${path}.type`, type, METRIC_SOURCE_TYPES));
  if (present.length !== 1) {
    for (const k of present.filter((p) => p !== expected)) errs.push(fieldErrors.forbidden(`${path}.${k}`, 'must populate the given metric source only'));
  }
  return errs;
}

function validateScalingRules(rules: Obj | undefined, path: string): FieldError[] {
  if (!rules) return [];
  const errs: FieldError[] = [];
  const w = rules.stabilizationWindowSeconds;
  if (isSet(w) && asNumber(w) < 0) errs.push(fieldErrors.invalid(`${path}.stabilizationWindowSeconds`, w, 'must be greater than or equal to zero'));
  if (isSet(w) && asNumber(w) > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.push(fieldErrors.invalid(`${path}.stabilizationWindowSeconds`, w, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  }
  if (isSet(rules.selectPolicy) && !SELECT_POLICIES.includes(asString(rules.selectPolicy))) {
    errs.push(fieldErrors.notSupported(`${path}.selectPolicy`, rules.selectPolicy, SELECT_POLICIES));
  }
  const policies = asObjArray(rules.policies);
  if (policies.length === 0) errs.push(fieldErrors.required(`${path}.policies`, 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const pp = `${path}.policies[${i}]`;
    if (!POLICY_TYPES.includes(asString(p.type))) errs.push(fieldErrors.notSupported(`${pp}.type`, asString(p.type), POLICY_TYPES));
    if (asNumber(p.value) <= 0) errs.push(fieldErrors.invalid(`${pp}.value`, asNumber(p.value), 'must be greater than zero'));
    const period = asNumber(p.periodSeconds);
    if (period <= 0) errs.push(fieldErrors.invalid(`${pp}.periodSeconds`, period, 'must be greater than zero'));
    if (period > MAX_PERIOD_SECONDS) errs.push(fieldErrors.invalid(`${pp}.periodSeconds`, period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
  return errs;
}

/** ValidateHorizontalPodAutoscalerSpec (scale to zero is behind an alpha gate, so minReplicas >= 1). */
export function validateHPA(obj: KObject): FieldError[] {
  const s = spec(obj);
  const errs: FieldError[] = [];
  const min = s.minReplicas;
  if (isSet(min) && asNumber(min) < 1) errs.push(fieldErrors.invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  const max = asNumber(s.maxReplicas);
  if (max < 1) errs.push(fieldErrors.invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (isSet(min) && max < asNumber(min)) errs.push(fieldErrors.invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  const refErrs = validateObjectRef(asObj(s.scaleTargetRef) ?? {}, 'spec.scaleTargetRef');
  if (refErrs.length > 0) errs.push(...refErrs);
  else asObjArray(s.metrics).forEach((m, i) => errs.push(...validateMetricSpec(m, `spec.metrics[${i}]`)));
  const b = asObj(s.behavior);
  if (b) {
    errs.push(...validateScalingRules(asObj(b.scaleUp), 'spec.behavior.scaleUp'));
    errs.push(...validateScalingRules(asObj(b.scaleDown), 'spec.behavior.scaleDown'));
  }
  return errs;
}

const pct = (v: unknown) => `${asNumber(v)}%`;

/** One TARGETS entry: `cpu: 45%/50%`, `<unknown>/50%` until the controller reports. */
function formatMetric(m: Obj, st: Obj | undefined): string {
  const type = asString(m.type);
  const cur = (k: string) => asObj(asObj(st?.[k])?.current);
  switch (type) {
    case 'External':
    case 'Object': {
      const key = type === 'External' ? 'external' : 'object';
      const t = asObj(asObj(m[key])?.target) ?? {};
      const c = asObj(st?.[key]) ? cur(key) : undefined;
      if (isSet(t.averageValue)) {
        const current = c && isSet(c.averageValue) ? quantityString(c.averageValue) : '<unknown>';
        return `${current}/${quantityString(t.averageValue)} (avg)`;
      }
      return `${c ? quantityString(c.value) : '<unknown>'}/${quantityString(t.value)}`;
    }
    case 'Pods': {
      const t = asObj(asObj(m.pods)?.target) ?? {};
      const c = asObj(st?.pods) ? cur('pods') : undefined;
      return `${c ? quantityString(c.averageValue) : '<unknown>'}/${quantityString(t.averageValue)}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const key = type === 'Resource' ? 'resource' : 'containerResource';
      const src = asObj(m[key]) ?? {};
      const t = asObj(src.target) ?? {};
      const c = asObj(st?.[key]) ? cur(key) : undefined;
      const name = asString(src.name);
      if (isSet(t.averageValue)) return `${name}: ${c ? quantityString(c.averageValue) : '<unknown>'}/${quantityString(t.averageValue)}`;
      const current = c && isSet(c.averageUtilization) ? pct(c.averageUtilization) : '<unknown>';
      return `${name}: ${current}/${isSet(t.averageUtilization) ? pct(t.averageUtilization) : '<auto>'}`;
    }
    default:
      return '<unknown type>';
  }
}

export function formatHPAMetrics(specs: Obj[], statuses: Obj[]): string {
  if (specs.length === 0) return '<none>';
  const list = specs.map((m, i) => formatMetric(m, statuses[i]));
  const shown = 2;
  if (list.length <= shown) return list.join(', ');
  return `${list.slice(0, shown).join(', ')} + ${list.length - shown} more...`;
}

export const hpaStrategy: Strategy = {
  tracksGeneration: true,
  prepareForCreate(obj) {
    resetStatus(obj);
    defaultHPA(obj);
  },
  prepareForUpdate(obj, old) {
    keepStatus(obj, old);
    defaultHPA(obj);
  },
  validate: validateHPA,
  columns: [
    NAME_COLUMN,
    column('Reference', 'string', 'reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.'),
    column('Targets', 'string', 'metrics contains the specifications for which to use to calculate the desired replica count.'),
    column('MinPods', 'string', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'),
    column('MaxPods', 'string', 'maxReplicas is the upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.'),
    column('Replicas', 'string', 'currentReplicas is current number of replicas of pods managed by this autoscaler.'),
    AGE_COLUMN,
  ],
  row(obj, now) {
    const s = spec(obj);
    const st = status(obj);
    const ref = asObj(s.scaleTargetRef) ?? {};
    return {
      cells: [
        obj.metadata.name ?? '',
        `${asString(ref.kind)}/${asString(ref.name)}`,
        formatHPAMetrics(asObjArray(s.metrics), asObjArray(st.currentMetrics)),
        isSet(s.minReplicas) ? String(asNumber(s.minReplicas)) : '<unset>',
        asNumber(s.maxReplicas),
        asNumber(st.currentReplicas),
        age(obj, now),
      ],
    };
  },
};
