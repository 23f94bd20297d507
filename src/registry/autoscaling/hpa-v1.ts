// horizontalpodautoscalers.autoscaling/v1: the same objects as v2 (stored in the v2 form, as upstream
// keeps autoscaling/v2 as the storage version), converted on the way in and out the way
// pkg/apis/autoscaling/v1/conversion.go does. v1 has one CPU utilization target; everything else v2
// knows travels in the round-trip annotations (autoscaling.alpha.kubernetes.io/metrics,
// /current-metrics, /conditions, /behavior) in v1's older metric shape. kubectl 1.27–1.32 create HPAs
// through this version (`kubectl autoscale`).
import type { KObject } from '../../api/types.ts';
import { asNumber, asObj, asObjArray, asString, isSet, type Obj } from '../apps/common.ts';
import type { Strategy } from '../strategy.ts';
import { keepStatus, resetStatus } from '../apps/workload.ts';
import { DEFAULT_CPU_UTILIZATION, defaultHPA, hpaStrategy, validateHPA } from './horizontalpodautoscalers.ts';

export const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
const ROUND_TRIP = [METRICS_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION, BEHAVIOR_ANNOTATION];

const put = (o: Obj, k: string, v: unknown) => {
  if (isSet(v)) o[k] = v;
};

function parseJSONArray(text: string | undefined): Obj[] | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? asObjArray(v) : undefined;
  } catch {
    // A bad annotation is ignored, as upstream ignores it.
    return undefined;
  }
}

// ---- metric specs: v2 (target objects) ↔ v1 (targetAverageUtilization & co.)

function specToV1(m: Obj): Obj {
  const type = asString(m.type);
  const out: Obj = { type };
  const target = (src: Obj | undefined) => asObj(src?.target) ?? {};
  switch (type) {
    case 'Resource':
    case 'ContainerResource': {
      const key = type === 'Resource' ? 'resource' : 'containerResource';
      const src = asObj(m[key]) ?? {};
      const r: Obj = { name: src.name };
      if (type === 'ContainerResource') r.container = src.container;
      put(r, 'targetAverageUtilization', target(src).averageUtilization);
      put(r, 'targetAverageValue', target(src).averageValue);
      out[key] = r;
      break;
    }
    case 'Pods': {
      const src = asObj(m.pods) ?? {};
      const metric = asObj(src.metric) ?? {};
      const p: Obj = { metricName: metric.name, targetAverageValue: target(src).averageValue };
      put(p, 'selector', metric.selector);
      out.pods = p;
      break;
    }
    case 'Object': {
      const src = asObj(m.object) ?? {};
      const metric = asObj(src.metric) ?? {};
      const o: Obj = { target: src.describedObject, metricName: metric.name, targetValue: target(src).value };
      put(o, 'selector', metric.selector);
      put(o, 'averageValue', target(src).averageValue);
      out.object = o;
      break;
    }
    case 'External': {
      const src = asObj(m.external) ?? {};
      const metric = asObj(src.metric) ?? {};
      const e: Obj = { metricName: metric.name };
      put(e, 'metricSelector', metric.selector);
      put(e, 'targetValue', target(src).value);
      put(e, 'targetAverageValue', target(src).averageValue);
      out.external = e;
      break;
    }
  }
  return out;
}

function specFromV1(m: Obj): Obj {
  const type = asString(m.type);
  const out: Obj = { type };
  switch (type) {
    case 'Resource':
    case 'ContainerResource': {
      const key = type === 'Resource' ? 'resource' : 'containerResource';
      const src = asObj(m[key]) ?? {};
      const t: Obj = isSet(src.targetAverageUtilization) ? { type: 'Utilization', averageUtilization: src.targetAverageUtilization } : { type: 'AverageValue' };
      put(t, 'averageValue', src.targetAverageValue);
      const r: Obj = { name: src.name };
      if (type === 'ContainerResource') r.container = src.container;
      r.target = t;
      out[key] = r;
      break;
    }
    case 'Pods': {
      const src = asObj(m.pods) ?? {};
      const metric: Obj = { name: src.metricName };
      put(metric, 'selector', src.selector);
      out.pods = { metric, target: { type: 'AverageValue', averageValue: src.targetAverageValue } };
      break;
    }
    case 'Object': {
      const src = asObj(m.object) ?? {};
      const metric: Obj = { name: src.metricName };
      put(metric, 'selector', src.selector);
      const t: Obj = isSet(src.averageValue) ? { type: 'AverageValue', averageValue: src.averageValue } : { type: 'Value', value: src.targetValue };
      out.object = { describedObject: src.target, metric, target: t };
      break;
    }
    case 'External': {
      const src = asObj(m.external) ?? {};
      const metric: Obj = { name: src.metricName };
      put(metric, 'selector', src.metricSelector);
      const t: Obj = isSet(src.targetAverageValue) ? { type: 'AverageValue', averageValue: src.targetAverageValue } : { type: 'Value', value: src.targetValue };
      out.external = { metric, target: t };
      break;
    }
  }
  return out;
}

// ---- metric statuses

function statusToV1(m: Obj): Obj {
  const type = asString(m.type);
  const out: Obj = { type };
  const key = type === 'Resource' ? 'resource' : type === 'ContainerResource' ? 'containerResource' : type.charAt(0).toLowerCase() + type.slice(1);
  const src = asObj(m[key]) ?? {};
  const cur = asObj(src.current) ?? {};
  const metric = asObj(src.metric) ?? {};
  if (type === 'Resource' || type === 'ContainerResource') {
    const r: Obj = { name: src.name };
    if (type === 'ContainerResource') r.container = src.container;
    put(r, 'currentAverageUtilization', cur.averageUtilization);
    r.currentAverageValue = cur.averageValue ?? '0';
    out[key] = r;
  } else if (type === 'Pods') out.pods = { metricName: metric.name, currentAverageValue: cur.averageValue ?? '0' };
  else if (type === 'Object') out.object = { target: src.describedObject, metricName: metric.name, currentValue: cur.value ?? '0', ...(isSet(cur.averageValue) ? { averageValue: cur.averageValue } : {}) };
  else if (type === 'External') out.external = { metricName: metric.name, currentValue: cur.value ?? '0', ...(isSet(cur.averageValue) ? { currentAverageValue: cur.averageValue } : {}) };
  return out;
}

function statusFromV1(m: Obj): Obj {
  const type = asString(m.type);
  const out: Obj = { type };
  if (type === 'Resource' || type === 'ContainerResource') {
    const key = type === 'Resource' ? 'resource' : 'containerResource';
    const src = asObj(m[key]) ?? {};
    const current: Obj = {};
    put(current, 'averageUtilization', src.currentAverageUtilization);
    put(current, 'averageValue', src.currentAverageValue);
    out[key] = { name: src.name, ...(type === 'ContainerResource' ? { container: src.container } : {}), current };
  } else if (type === 'Pods') {
    const src = asObj(m.pods) ?? {};
    out.pods = { metric: { name: src.metricName }, current: { averageValue: src.currentAverageValue } };
  } else if (type === 'Object') {
    const src = asObj(m.object) ?? {};
    out.object = { describedObject: src.target, metric: { name: src.metricName }, current: { value: src.currentValue, ...(isSet(src.averageValue) ? { averageValue: src.averageValue } : {}) } };
  } else if (type === 'External') {
    const src = asObj(m.external) ?? {};
    out.external = { metric: { name: src.metricName }, current: { value: src.currentValue, ...(isSet(src.currentAverageValue) ? { averageValue: src.currentAverageValue } : {}) } };
  }
  return out;
}

const isCPUUtilization = (m: Obj) => m.type === 'Resource' && asObj(m.resource)?.name === 'cpu' && isSet(asObj(asObj(m.resource)?.target)?.averageUtilization);

function dropRoundTrip(annotations: unknown): Record<string, string> | undefined {
  const a = asObj(annotations) as Record<string, string> | undefined;
  if (!a) return undefined;
  const out = { ...a };
  for (const k of ROUND_TRIP) delete out[k];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** v2 (stored) → v1 (served). */
export function hpaToV1(obj: KObject): KObject {
  const spec = asObj(obj.spec) ?? {};
  const status = asObj(obj.status) ?? {};
  const metrics = asObjArray(spec.metrics);
  const annotations: Record<string, string> = dropRoundTrip(obj.metadata.annotations) ?? {};
  const others = metrics.filter((m) => !isCPUUtilization(m)).map(specToV1);
  if (others.length > 0) annotations[METRICS_ANNOTATION] = JSON.stringify(others);
  const current = asObjArray(status.currentMetrics);
  if (current.length > 0) annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(current.map(statusToV1));
  if (isSet(spec.behavior)) annotations[BEHAVIOR_ANNOTATION] = JSON.stringify(spec.behavior);
  const conditions = asObjArray(status.conditions);
  if (conditions.length > 0) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(conditions);

  const v1Spec: Obj = { scaleTargetRef: spec.scaleTargetRef };
  put(v1Spec, 'minReplicas', spec.minReplicas);
  v1Spec.maxReplicas = spec.maxReplicas;
  const cpu = metrics.find(isCPUUtilization);
  if (cpu) v1Spec.targetCPUUtilizationPercentage = asObj(asObj(cpu.resource)?.target)?.averageUtilization;

  const v1Status: Obj = {};
  put(v1Status, 'observedGeneration', status.observedGeneration);
  put(v1Status, 'lastScaleTime', status.lastScaleTime);
  if (isSet(status.currentReplicas) || isSet(status.desiredReplicas)) {
    v1Status.currentReplicas = asNumber(status.currentReplicas);
    v1Status.desiredReplicas = asNumber(status.desiredReplicas);
  }
  const cpuNow = current.find((m) => m.type === 'Resource' && asObj(m.resource)?.name === 'cpu');
  put(v1Status, 'currentCPUUtilizationPercentage', asObj(asObj(cpuNow?.resource)?.current)?.averageUtilization);

  const metadata = { ...obj.metadata };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  const out: KObject = { ...obj, apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata, spec: v1Spec };
  if (obj.status !== undefined) out.status = v1Status;
  return out;
}

/** v1 (served) → v2 (stored), with the implicit 80 % CPU target v1 always had. */
export function hpaFromV1(obj: KObject): KObject {
  const spec = asObj(obj.spec) ?? {};
  const status = asObj(obj.status) ?? {};
  const a = (asObj(obj.metadata.annotations) ?? {}) as Record<string, string>;
  let metrics: Obj[] = [];
  if (isSet(spec.targetCPUUtilizationPercentage)) {
    metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } }];
  }
  const others = parseJSONArray(a[METRICS_ANNOTATION]);
  if (others) metrics = [...others.map(specFromV1), ...metrics];
  if (metrics.length === 0) metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  const v2Spec: Obj = { scaleTargetRef: spec.scaleTargetRef };
  put(v2Spec, 'minReplicas', spec.minReplicas);
  v2Spec.maxReplicas = spec.maxReplicas;
  v2Spec.metrics = metrics;
  if (a[BEHAVIOR_ANNOTATION] !== undefined) {
    try {
      const b: unknown = JSON.parse(a[BEHAVIOR_ANNOTATION]);
      if (asObj(b)) v2Spec.behavior = b;
    } catch {
      // ignored, as upstream ignores a bad annotation
    }
  }

  const v2Status: Obj = {};
  put(v2Status, 'observedGeneration', status.observedGeneration);
  put(v2Status, 'lastScaleTime', status.lastScaleTime);
  put(v2Status, 'currentReplicas', status.currentReplicas);
  if (isSet(status.desiredReplicas) || isSet(status.currentReplicas)) v2Status.desiredReplicas = asNumber(status.desiredReplicas);
  let current: Obj[] | undefined;
  if (isSet(status.currentCPUUtilizationPercentage)) {
    current = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }];
  }
  const annotatedCurrent = parseJSONArray(a[CURRENT_METRICS_ANNOTATION]);
  if (annotatedCurrent) current = annotatedCurrent.map(statusFromV1);
  if (current) v2Status.currentMetrics = current;
  const conditions = parseJSONArray(a[CONDITIONS_ANNOTATION]);
  if (conditions) v2Status.conditions = conditions;

  const metadata = { ...obj.metadata };
  const kept = dropRoundTrip(a);
  if (kept) metadata.annotations = kept;
  else delete metadata.annotations;
  const out: KObject = { ...obj, apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata, spec: v2Spec };
  if (obj.status !== undefined) out.status = v2Status;
  return out;
}

/** SetDefaults_HorizontalPodAutoscaler (v1): only minReplicas; the CPU target comes with conversion. */
function defaultV1(obj: KObject): void {
  const spec = asObj(obj.spec);
  if (spec && !isSet(spec.minReplicas)) spec.minReplicas = 1;
}

export const hpaV1Strategy: Strategy = {
  storageCodec: { toStored: hpaFromV1, fromStored: hpaToV1 },
  tracksGeneration: true,
  prepareForCreate(obj) {
    resetStatus(obj);
    defaultV1(obj);
  },
  prepareForUpdate(obj, old) {
    keepStatus(obj, old);
    defaultV1(obj);
  },
  // Upstream validates the internal (v2-shaped) object, so errors name v2 paths.
  validate(obj) {
    const v2 = hpaFromV1(obj);
    defaultHPA(v2);
    return validateHPA(v2);
  },
  columns: hpaStrategy.columns,
  row: (obj, now) => hpaStrategy.row!(hpaFromV1(obj), now),
};
