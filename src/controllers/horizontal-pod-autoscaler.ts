// The HorizontalPodAutoscaler controller (kube-controller-manager's horizontalpodautoscaling-controller,
// pkg/controller/podautoscaler/horizontal.go): every HPA is reconciled once per --horizontal-pod-
// autoscaler-sync-period. A pass reads the target's /scale subresource, computes a replica count per
// metric from the pods' resource usage in metrics.k8s.io (hpa-replica-calculator.ts), takes the
// largest, applies stabilization, rate policies and the min/max bounds (hpa-scaling.ts), writes the new
// scale, and reports currentMetrics, the replica counts, conditions and events as upstream words them.
//
// Pods, Object and External metrics need the custom and external metrics APIs, which Wheelhouse does
// not serve: such a metric fails the way it does upstream when those APIs are not registered.
import type { V1Pod, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { describeError, statusCode } from '../client/clients.ts';
import { EventRecorder, objectRef } from '../client/events.ts';
import type { Informer } from '../client/informer.ts';
import { rfc3339 } from '../client/time.ts';
import { WorkQueue } from '../client/workqueue.ts';
import { milliValue } from '../api/quantity.ts';
import { SelectorParseError, parseLabelSelector, type LabelSelector } from '../selectors/labels.ts';
import type { Controller, ControllerContext } from './controller.ts';
import { ReplicaCalcError, plainReplicas, resourceReplicas, type PodMetricsInfo } from './hpa-replica-calculator.ts';
import { ScalingHistory, type HPAScalingRules, type Outcome } from './hpa-scaling.ts';
import { ResourceClient, apiErrorMessage } from './resource-client.ts';

type Json = Record<string, unknown>;

interface MetricTarget {
  type?: string;
  value?: string;
  averageValue?: string;
  averageUtilization?: number;
}

interface MetricSpec {
  type?: string;
  resource?: { name?: string; target?: MetricTarget };
  containerResource?: { name?: string; container?: string; target?: MetricTarget };
  pods?: { metric?: { name?: string }; target?: MetricTarget };
  object?: { metric?: { name?: string }; describedObject?: { kind?: string; name?: string; apiVersion?: string }; target?: MetricTarget };
  external?: { metric?: { name?: string }; target?: MetricTarget };
}

interface HPACondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

interface HPAStatus {
  observedGeneration?: number;
  lastScaleTime?: string;
  currentReplicas?: number;
  desiredReplicas: number;
  currentMetrics?: Json[];
  conditions?: HPACondition[];
}

interface HPA {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace: string; uid?: string; resourceVersion?: string; generation?: number };
  spec: {
    scaleTargetRef: { apiVersion?: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: MetricSpec[];
    behavior?: { scaleUp?: HPAScalingRules; scaleDown?: HPAScalingRules };
  };
  status?: HPAStatus;
}

interface Scale {
  metadata: Json;
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

interface PodMetricsItem {
  metadata: { name?: string };
  timestamp?: string;
  window?: string;
  containers?: { name: string; usage?: Record<string, string> }[];
}

/** A metric that failed: what goes into the ScalingActive condition (and its event, already sent). */
class MetricError extends Error {
  constructor(
    message: string,
    readonly condition: HPACondition,
  ) {
    super(message);
  }
}

/** Kinds the controller can scale, by group/Kind (the REST mapping a discovery lookup would give). */
const SCALABLE: Record<string, string> = {
  'apps/Deployment': 'deployments',
  'apps/ReplicaSet': 'replicasets',
  'apps/StatefulSet': 'statefulsets',
  '/ReplicationController': 'replicationcontrollers',
  'extensions/Deployment': 'deployments',
  'extensions/ReplicaSet': 'replicasets',
};

const NO_CUSTOM_METRICS = 'unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered';
const NO_EXTERNAL_METRICS = 'unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered';

/** metav1.Duration text (`15s`, `1m0.5s`, `250ms`) to ms. */
function parseGoDuration(text: string | undefined): number {
  if (!text) return 0;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3_600_000 : m[2] === 'm' ? n * 60_000 : m[2] === 's' ? n * 1000 : m[2] === 'ms' ? n : n / 1000;
  }
  return total;
}

/** The JSON form of an informer object (its Dates become RFC 3339 strings again). */
function plain(hpa: V2HorizontalPodAutoscaler): HPA {
  const json = ObjectSerializer.serialize(hpa, 'V2HorizontalPodAutoscaler', '') as HPA;
  for (const c of json.status?.conditions ?? []) if (c.lastTransitionTime) c.lastTransitionTime = rfc3339(Date.parse(c.lastTransitionTime));
  if (json.status?.lastScaleTime) json.status.lastScaleTime = rfc3339(Date.parse(json.status.lastScaleTime));
  return json;
}

/** setConditionInList: lastTransitionTime moves only when the status changes. */
function setCondition(status: HPAStatus, type: string, value: string, reason: string, message: string): void {
  const list = (status.conditions ??= []);
  let c = list.find((x) => x.type === type);
  if (!c) list.push((c = { type, status: '' }));
  if (c.status !== value) c.lastTransitionTime = rfc3339();
  c.status = value;
  c.reason = reason;
  c.message = message;
}

const unableToCompute = (reason: string, err: string): HPACondition => ({
  type: 'ScalingActive',
  status: 'False',
  reason,
  message: `the HPA was unable to compute the replica count: ${err}`,
});

export class HorizontalPodAutoscalerController implements Controller {
  private readonly hpas: Informer<V2HorizontalPodAutoscaler>;
  private readonly pods: Informer<V1Pod>;
  private readonly queue = new WorkQueue<string>({ name: 'horizontalpodautoscaler' });
  private readonly recorder: EventRecorder;
  private readonly dynamic: ResourceClient;
  private readonly history: ScalingHistory;
  private running?: Promise<void>;

  constructor(private readonly ctx: ControllerContext) {
    this.hpas = ctx.informers.get('horizontalpodautoscalers');
    this.pods = ctx.informers.get('pods');
    this.recorder = new EventRecorder(ctx.clients.core, { component: 'horizontal-pod-autoscaler', style: 'legacy' });
    this.dynamic = new ResourceClient(ctx.kubeConfig);
    this.history = new ScalingHistory(ctx.timings.hpaDownscaleStabilizationMs);
    const key = (h: V2HorizontalPodAutoscaler) => `${h.metadata?.namespace}/${h.metadata?.name}`;
    this.hpas.on('add', (h) => this.queue.add(key(h)));
    // Our own status writes come back as updates; only a spec change is worth an early pass.
    this.hpas.on('update', (h, old) => {
      if (h.metadata?.generation !== old?.metadata?.generation) this.queue.add(key(h));
    });
    this.hpas.on('delete', (h) => this.history.forget(key(h)));
  }

  async start(): Promise<void> {
    await Promise.all([this.hpas.synced, this.pods.synced]);
    this.running = this.queue.run(2, (k) => this.sync(k));
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
    await this.recorder.close();
    this.dynamic.close();
  }

  private async sync(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const obj = this.hpas.get(name, namespace);
    if (!obj) {
      this.history.forget(key);
      return;
    }
    try {
      await this.reconcile(plain(obj), key);
    } catch (err) {
      this.ctx.log(`horizontal-pod-autoscaler: ${key}: ${describeError(err)}`);
    } finally {
      // Failures wait for the next period too (upstream's fixed-interval rate limiter).
      this.queue.addAfter(key, this.ctx.timings.hpaSyncPeriodMs);
    }
  }

  private event(hpa: HPA, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event(objectRef(hpa, { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' }), type, reason, message);
  }

  /** reconcileAutoscaler */
  private async reconcile(hpa: HPA, key: string): Promise<void> {
    const original = JSON.stringify(hpa.status ?? {});
    const status: HPAStatus = structuredClone(hpa.status ?? { desiredReplicas: 0 });
    status.desiredReplicas ??= 0;
    const ref = hpa.spec.scaleTargetRef;
    const reference = `${ref.kind}/${hpa.metadata.namespace}/${ref.name}`;
    const group = (ref.apiVersion ?? '').includes('/') ? ref.apiVersion!.split('/')[0]! : '';
    const version = (ref.apiVersion ?? '').split('/').pop() || 'v1';
    const resource = SCALABLE[`${group}/${ref.kind}`];
    let scale: Scale;
    try {
      if (!resource) throw new Error(`no matches for kind ${JSON.stringify(ref.kind)} in group ${JSON.stringify(group)}`);
      scale = await this.dynamic.request<Scale>('GET', this.scalePath(group, version, resource, hpa.metadata.namespace, ref.name));
    } catch (err) {
      const msg = apiErrorMessage(err);
      setCondition(status, 'AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${msg}`);
      await this.writeStatus(hpa, original, status);
      this.event(hpa, 'Warning', 'FailedGetScale', msg);
      throw new Error(`failed to query scale subresource for ${reference}: ${msg}`);
    }
    setCondition(status, 'AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
    const currentReplicas = scale.spec?.replicas ?? 0;
    this.history.recordInitial(key, currentReplicas);
    const minReplicas = hpa.spec.minReplicas ?? 1;
    const maxReplicas = hpa.spec.maxReplicas;
    let desiredReplicas = 0;
    let rescaleReason = '';
    let rescale = true;
    let metricStatuses: Json[] = status.currentMetrics ?? [];
    let partialError: Error | undefined;
    if (currentReplicas === 0 && minReplicas !== 0) {
      rescale = false;
      setCondition(status, 'ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
    } else if (currentReplicas > maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desiredReplicas = maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desiredReplicas = minReplicas;
    } else {
      const computed = await this.replicasForMetrics(hpa, status, scale);
      metricStatuses = computed.statuses;
      if (computed.error && computed.replicas === -1) {
        status.currentReplicas = currentReplicas;
        status.currentMetrics = metricStatuses;
        await this.writeStatus(hpa, original, status);
        this.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', computed.error.message);
        throw new Error(`failed to compute desired number of replicas based on listed metrics for ${reference}: ${computed.error.message}`);
      }
      partialError = computed.error;
      let rescaleMetric = '';
      if (computed.replicas > desiredReplicas) {
        desiredReplicas = computed.replicas;
        rescaleMetric = computed.metricName;
      }
      if (desiredReplicas > currentReplicas) rescaleReason = `${rescaleMetric} above target`;
      if (desiredReplicas < currentReplicas) rescaleReason = 'All metrics below target';
      const behavior = hpa.spec.behavior;
      const outcome: Outcome = behavior
        ? this.history.normalizeWithBehavior(key, currentReplicas, desiredReplicas, minReplicas, maxReplicas, behavior.scaleUp ?? {}, behavior.scaleDown ?? {})
        : this.history.normalize(key, currentReplicas, desiredReplicas, minReplicas, maxReplicas);
      setCondition(status, 'AbleToScale', 'True', outcome.able[0], outcome.able[1]);
      setCondition(status, 'ScalingLimited', outcome.limited[0], outcome.limited[1], outcome.limited[2]);
      desiredReplicas = outcome.replicas;
      rescale = desiredReplicas !== currentReplicas;
    }

    if (rescale) {
      try {
        await this.dynamic.request('PUT', this.scalePath(group, version, resource!, hpa.metadata.namespace, ref.name), {
          body: { ...scale, spec: { ...scale.spec, replicas: desiredReplicas } },
        });
      } catch (err) {
        const msg = apiErrorMessage(err);
        this.event(hpa, 'Warning', 'FailedRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}; error: ${msg}`);
        setCondition(status, 'AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${msg}`);
        status.currentReplicas = currentReplicas;
        status.currentMetrics = metricStatuses;
        await this.writeStatus(hpa, original, status);
        throw new Error(`failed to rescale ${reference}: ${msg}`);
      }
      setCondition(status, 'AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desiredReplicas}`);
      this.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}`);
      const b = hpa.spec.behavior;
      this.history.recordScale(key, currentReplicas, desiredReplicas, b ? { up: b.scaleUp ?? {}, down: b.scaleDown ?? {} } : undefined);
      status.lastScaleTime = rfc3339();
    } else {
      desiredReplicas = currentReplicas;
    }
    status.currentReplicas = currentReplicas;
    status.desiredReplicas = desiredReplicas;
    status.currentMetrics = metricStatuses;
    await this.writeStatus(hpa, original, status);
    if (partialError) throw partialError;
  }

  private scalePath(group: string, version: string, resource: string, namespace: string, name: string): string {
    const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
    return `${base}/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}/scale`;
  }

  /** updateStatusIfNeeded: a PUT of /status only when something changed. */
  private async writeStatus(hpa: HPA, original: string, status: HPAStatus): Promise<void> {
    if (!status.currentMetrics?.length) delete status.currentMetrics;
    if (JSON.stringify(status) === original) return;
    try {
      await this.dynamic.request('PUT', `/apis/autoscaling/v2/namespaces/${encodeURIComponent(hpa.metadata.namespace)}/horizontalpodautoscalers/${encodeURIComponent(hpa.metadata.name)}/status`, {
        body: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: hpa.metadata.name, namespace: hpa.metadata.namespace, resourceVersion: hpa.metadata.resourceVersion }, status },
      });
    } catch (err) {
      // A conflict means a newer HPA is on its way through the informer; the next pass uses it.
      if (statusCode(err) !== 409) this.event(hpa, 'Warning', 'FailedUpdateStatus', apiErrorMessage(err));
      throw err;
    }
  }

  /** computeReplicasForMetrics: the largest proposal of the metrics that could be computed. */
  private async replicasForMetrics(
    hpa: HPA,
    status: HPAStatus,
    scale: Scale,
  ): Promise<{ replicas: number; metricName: string; statuses: Json[]; error?: Error }> {
    const selectorText = scale.status?.selector ?? '';
    let selector: LabelSelector;
    if (selectorText === '') {
      this.event(hpa, 'Warning', 'SelectorRequired', 'selector is required');
      setCondition(status, 'ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector");
      return { replicas: -1, metricName: '', statuses: [], error: new Error('selector is required') };
    }
    try {
      selector = parseLabelSelector(selectorText);
    } catch (err) {
      if (!(err instanceof SelectorParseError)) throw err;
      const msg = `couldn't convert selector into a corresponding internal selector object: ${err.message}`;
      this.event(hpa, 'Warning', 'InvalidSelector', msg);
      setCondition(status, 'ScalingActive', 'False', 'InvalidSelector', msg);
      return { replicas: -1, metricName: '', statuses: [], error: new Error(msg) };
    }
    const specs = hpa.spec.metrics ?? [];
    const specReplicas = scale.spec?.replicas ?? 0;
    const statuses: Json[] = [];
    let replicas = 0;
    let metricName = '';
    let invalid = 0;
    let first: MetricError | undefined;
    for (const spec of specs) {
      try {
        const r = await this.replicasForMetric(hpa, spec, specReplicas, selector);
        statuses.push(r.status);
        if (replicas === 0 || r.replicas > replicas) {
          replicas = r.replicas;
          metricName = r.name;
        }
      } catch (err) {
        if (!(err instanceof MetricError)) throw err;
        statuses.push({ type: '' });
        if (invalid === 0) first = err;
        invalid++;
      }
    }
    const error = first ? new Error(`invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${first.message}`) : undefined;
    if (first && (invalid >= specs.length || replicas < specReplicas)) {
      setCondition(status, first.condition.type, first.condition.status, first.condition.reason ?? '', first.condition.message ?? '');
      return { replicas: -1, metricName: '', statuses, error };
    }
    setCondition(status, 'ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metricName}`);
    return { replicas, metricName, statuses, error };
  }

  /** computeReplicasForMetric */
  private async replicasForMetric(hpa: HPA, spec: MetricSpec, specReplicas: number, selector: LabelSelector): Promise<{ replicas: number; name: string; status: Json }> {
    const fail = (reason: string, inner: string, outer: string): never => {
      this.event(hpa, 'Warning', reason, inner);
      throw new MetricError(outer, unableToCompute(reason, inner));
    };
    switch (spec.type) {
      case 'Resource':
      case 'ContainerResource': {
        const src = (spec.type === 'Resource' ? spec.resource : spec.containerResource) ?? {};
        const resource = src.name ?? '';
        const container = spec.type === 'ContainerResource' ? (spec.containerResource?.container ?? '') : '';
        const reason = spec.type === 'Resource' ? 'FailedGetResourceMetric' : 'FailedGetContainerResourceMetric';
        const outer = (inner: string) =>
          spec.type === 'Resource' ? `failed to get ${resource} resource metric value: ${inner}` : `failed to get ${resource} container metric value: ${inner}`;
        try {
          const r = await this.resourceMetric(hpa, src.target ?? {}, resource, container, specReplicas, selector, spec.type === 'ContainerResource');
          const key = spec.type === 'Resource' ? 'resource' : 'containerResource';
          const body: Json = { name: resource, current: r.current };
          if (container) body.container = container;
          return { replicas: r.replicas, name: r.name, status: { type: spec.type, [key]: body } };
        } catch (err) {
          if (!(err instanceof ReplicaCalcError)) throw err;
          return fail(reason, err.message, outer(err.message));
        }
      }
      case 'Pods': {
        const inner = `unable to get metric ${spec.pods?.metric?.name ?? ''}: ${NO_CUSTOM_METRICS}`;
        return fail('FailedGetPodsMetric', inner, `failed to get pods metric value: ${inner}`);
      }
      case 'Object': {
        const o = spec.object?.describedObject ?? {};
        const inner = `unable to get metric ${spec.object?.metric?.name ?? ''}: ${o.kind ?? ''} on ${hpa.metadata.namespace} ${o.name ?? ''}/${NO_CUSTOM_METRICS}`;
        return fail('FailedGetObjectMetric', inner, `failed to get object metric value: ${inner}`);
      }
      case 'External': {
        const inner = `unable to get external metric ${hpa.metadata.namespace}/${spec.external?.metric?.name ?? ''}/nil: ${NO_EXTERNAL_METRICS}`;
        return fail('FailedGetExternalMetric', inner, `failed to get ${spec.external?.metric?.name ?? ''} external metric value: ${inner}`);
      }
      default: {
        const inner = `unknown metric source type ${JSON.stringify(spec.type ?? '')}`;
        return fail('InvalidMetricSourceType', inner, inner);
      }
    }
  }

  /** computeStatusForResourceMetricGeneric: Utilization or AverageValue of a resource, per pod or per container. */
  private async resourceMetric(
    hpa: HPA,
    target: MetricTarget,
    resource: string,
    container: string,
    specReplicas: number,
    selector: LabelSelector,
    containerMetric: boolean,
  ): Promise<{ replicas: number; name: string; current: Json }> {
    const pods = this.pods.list(hpa.metadata.namespace).filter((p) => selector.matches(p.metadata?.labels ?? {}));
    const timings = { cpuInitializationPeriodMs: this.ctx.timings.hpaCpuInitializationPeriodMs, initialReadinessDelayMs: this.ctx.timings.hpaInitialReadinessDelayMs };
    const what = containerMetric ? `${resource} container resource` : `${resource} resource`;
    if (target.averageValue !== undefined) {
      const metrics = await this.podMetrics(hpa.metadata.namespace, selector, resource, container).catch((e: Error) => {
        throw new ReplicaCalcError(`failed to get ${resource} usage: unable to get metrics for resource ${resource}: ${e.message}`);
      });
      try {
        const r = plainReplicas(specReplicas, milliValue(target.averageValue), resource, metrics, pods, timings);
        return { replicas: r.replicas, name: what, current: { averageValue: milliQuantity(r.usage) } };
      } catch (err) {
        if (err instanceof ReplicaCalcError) throw new ReplicaCalcError(`failed to get ${resource} usage: ${err.message}`);
        throw err;
      }
    }
    if (target.averageUtilization === undefined) {
      throw new ReplicaCalcError('invalid resource metric source: neither an average utilization target nor an average value (usage) target was set');
    }
    const metrics = await this.podMetrics(hpa.metadata.namespace, selector, resource, container).catch((e: Error) => {
      throw new ReplicaCalcError(`failed to get ${resource} utilization: unable to get metrics for resource ${resource}: ${e.message}`);
    });
    try {
      const r = resourceReplicas(specReplicas, target.averageUtilization, resource, container, metrics, pods, timings);
      return {
        replicas: r.replicas,
        name: `${resource} ${containerMetric ? 'container ' : ''}resource utilization (percentage of request)`,
        current: { averageUtilization: r.utilization, averageValue: milliQuantity(r.rawAverage) },
      };
    } catch (err) {
      if (err instanceof ReplicaCalcError) throw new ReplicaCalcError(`failed to get ${resource} utilization: ${err.message}`);
      throw err;
    }
  }

  /** The resource metrics client: PodMetrics of the selected pods, summed over (or picked from) containers, in milli-units. */
  private async podMetrics(namespace: string, selector: LabelSelector, resource: string, container: string): Promise<PodMetricsInfo> {
    let items: PodMetricsItem[];
    try {
      const list = await this.dynamic.request<{ items?: PodMetricsItem[] }>('GET', `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`, {
        query: { labelSelector: selector.toString() },
      });
      items = list.items ?? [];
    } catch (err) {
      throw new Error(`unable to fetch metrics from resource metrics API: ${apiErrorMessage(err)}`);
    }
    if (items.length === 0) throw new Error('no metrics returned from resource metrics API');
    const out: PodMetricsInfo = new Map();
    for (const m of items) {
      const containers = (m.containers ?? []).filter((c) => container === '' || c.name === container);
      if (containers.length === 0 || containers.some((c) => c.usage?.[resource] === undefined)) continue;
      out.set(m.metadata.name ?? '', {
        value: containers.reduce((n, c) => n + milliValue(c.usage![resource]), 0),
        timestamp: Date.parse(m.timestamp ?? '') || 0,
        windowMs: parseGoDuration(m.window),
      });
    }
    return out;
  }
}

/** resource.NewMilliQuantity(v, DecimalSI).String(): whole units when exact, else milli-units. */
function milliQuantity(milli: number): string {
  const v = Math.trunc(milli);
  return v % 1000 === 0 ? String(v / 1000) : `${v}m`;
}

export function newHorizontalPodAutoscalerController(ctx: ControllerContext): Controller {
  return new HorizontalPodAutoscalerController(ctx);
}
