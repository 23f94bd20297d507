// Pods: pkg/registry/core/pod/strategy.go, printPod in pkg/printers/internalversion/printers.go,
// pkg/apis/core/v1 defaults, and the admission plugins whose defaults every real pod shows
// (ServiceAccount, Priority, DefaultTolerationSeconds).
import { fieldErrors, type FieldError } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column, since } from '../printing.ts';
import type { Strategy, TableRow, TableRowCondition } from '../strategy.ts';
import { defaultPodOnlyFields, defaultPodSpec, validatePodSpec, validateTolerations } from './podspec.ts';
import { parseQuantity } from '../../api/quantity.ts';
import { type Obj, Path, clone, isObj, jsonDiff, num, obj, objs, semanticEqual, str } from './util.ts';
import { MAX_INT32, inclusiveRangeError } from './validation.ts';

const SPEC = Path.of('spec');

// ---------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------

const COLUMNS = [
  NAME_COLUMN,
  column('Ready', 'string', 'Ready containers out of all containers.'),
  column('Status', 'string', 'Summary of the pod and container states.'),
  column('Restarts', 'string', 'Container restarts, with the time of the latest.'),
  AGE_COLUMN,
  column('IP', 'string', 'The primary pod IP.', 1),
  column('Node', 'string', 'The node the pod is bound to.', 1),
  column('Nominated Node', 'string', 'The node nominated by preemption.', 1),
  column('Readiness Gates', 'string', 'Readiness gates whose condition is true, out of all.', 1),
];

const SUCCEEDED_CONDITIONS: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const FAILED_CONDITIONS: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
];

function isRestartable(c: Obj | undefined): boolean {
  return str(c?.restartPolicy) === 'Always';
}

function conditionTrue(status: Obj, type: string): boolean {
  return objs(status.conditions).some((c) => c.type === type && c.status === 'True');
}

/** isPodInitializedConditionTrue: the first Initialized condition decides. */
function initializedTrue(status: Obj): boolean {
  const c = objs(status.conditions).find((x) => x.type === 'Initialized');
  return c !== undefined && c.status === 'True';
}

function time(v: unknown): number {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

function lastTerminatedAt(cs: Obj): number {
  const term = obj(obj(cs.lastState).terminated);
  return isObj(obj(cs.lastState).terminated) ? time(term.finishedAt) : 0;
}

/** The primary pod IP: podIPs[0], or the legacy podIP when podIPs is empty (as v1 conversion does). */
export function podIP(pod: KObject): string {
  const status = obj(pod.status);
  const ips = objs(status.podIPs);
  if (ips.length > 0) return str(ips[0]!.ip);
  return str(status.podIP);
}

/** printPod: the row kubectl shows for a pod, with the Completed condition for finished pods. */
export function podRow(pod: KObject, now: number): TableRow {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = objs(spec.containers).length;
  let readyContainers = 0;
  let lastRestart = 0;
  let lastRestartableInitRestart = 0;

  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  for (const c of objs(status.conditions)) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  let conditions: TableRowCondition[] | undefined;
  if (phase === 'Succeeded') conditions = SUCCEEDED_CONDITIONS;
  else if (phase === 'Failed') conditions = FAILED_CONDITIONS;

  const initSpecs = new Map<string, Obj>();
  for (const c of objs(spec.initContainers)) {
    initSpecs.set(str(c.name), c);
    if (isRestartable(c)) totalContainers++;
  }
  const initCount = objs(spec.initContainers).length;

  let initializing = false;
  const initStatuses = objs(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    restarts += num(cs.restartCount) ?? 0;
    const finished = lastTerminatedAt(cs);
    if (finished > lastRestart) lastRestart = finished;
    const restartable = isRestartable(initSpecs.get(str(cs.name)));
    if (restartable) {
      restartableInitRestarts += num(cs.restartCount) ?? 0;
      if (finished > lastRestartableInitRestart) lastRestartableInitRestart = finished;
    }
    const state = obj(cs.state);
    const terminated = isObj(state.terminated) ? state.terminated : undefined;
    const waiting = isObj(state.waiting) ? state.waiting : undefined;
    if (terminated && (num(terminated.exitCode) ?? 0) === 0) continue;
    if (restartable && cs.started === true) {
      if (cs.ready === true) readyContainers++;
      continue;
    }
    if (terminated) {
      const r = str(terminated.reason);
      if (r === '') {
        const signal = num(terminated.signal) ?? 0;
        reason = signal !== 0 ? `Init:Signal:${signal}` : `Init:ExitCode:${num(terminated.exitCode) ?? 0}`;
      } else reason = `Init:${r}`;
    } else if (waiting && str(waiting.reason) !== '' && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initCount}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || initializedTrue(status)) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = objs(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += num(cs.restartCount) ?? 0;
      const finished = lastTerminatedAt(cs);
      if (finished > lastRestart) lastRestart = finished;
      const state = obj(cs.state);
      const terminated = isObj(state.terminated) ? state.terminated : undefined;
      const waiting = isObj(state.waiting) ? state.waiting : undefined;
      if (waiting && str(waiting.reason) !== '') reason = str(waiting.reason);
      else if (terminated && str(terminated.reason) !== '') reason = str(terminated.reason);
      else if (terminated) {
        const signal = num(terminated.signal) ?? 0;
        reason = signal !== 0 ? `Signal:${signal}` : `ExitCode:${num(terminated.exitCode) ?? 0}`;
      } else if (cs.ready === true && isObj(state.running)) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }

  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsCell = String(restarts);
  if (restarts !== 0 && lastRestart !== 0) restartsCell = `${restarts} (${since(new Date(lastRestart).toISOString(), now)} ago)`;

  const gates = objs(spec.readinessGates);
  let readinessGates = '<none>';
  if (gates.length > 0) {
    let trueCount = 0;
    for (const g of gates) {
      const c = objs(status.conditions).find((x) => x.type === g.conditionType);
      if (c && c.status === 'True') trueCount++;
    }
    readinessGates = `${trueCount}/${gates.length}`;
  }

  const row: TableRow = {
    cells: [
      pod.metadata.name ?? '',
      `${readyContainers}/${totalContainers}`,
      reason,
      restartsCell,
      age(pod, now),
      podIP(pod) || '<none>',
      str(spec.nodeName) || '<none>',
      str(status.nominatedNodeName) || '<none>',
      readinessGates,
    ],
  };
  if (conditions) row.conditions = conditions;
  return row;
}

// ---------------------------------------------------------------------------------------------
// Create defaults
// ---------------------------------------------------------------------------------------------

const SCHEDULING_GATED_MESSAGE = 'Scheduling is blocked due to non-empty scheduling gates';

const NOT_READY_KEY = 'node.kubernetes.io/not-ready';
const UNREACHABLE_KEY = 'node.kubernetes.io/unreachable';
const DEFAULT_TOLERATION_SECONDS = 300;

/** DefaultTolerationSeconds admission: tolerate not-ready and unreachable nodes for 300s. */
function addDefaultTolerations(spec: Obj): void {
  const tolerations = objs(spec.tolerations);
  let notReady = false;
  let unreachable = false;
  for (const t of tolerations) {
    const key = str(t.key);
    const effect = str(t.effect);
    const noExecute = effect === 'NoExecute' || effect === '';
    if ((key === NOT_READY_KEY || key === '') && noExecute) notReady = true;
    if ((key === UNREACHABLE_KEY || key === '') && noExecute) unreachable = true;
  }
  if (notReady && unreachable) return;
  const list: unknown[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  if (!notReady) {
    list.push({ key: NOT_READY_KEY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
  }
  if (!unreachable) {
    list.push({ key: UNREACHABLE_KEY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
  }
  spec.tolerations = list;
}

const QOS_RESOURCES = new Set(['cpu', 'memory']);

/** qos.GetPodQOS over init and regular containers. */
export function podQOSClass(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of [...objs(spec.initContainers), ...objs(spec.containers)]) {
    const res = obj(c.resources);
    for (const [name, q] of Object.entries(obj(res.requests))) {
      if (!QOS_RESOURCES.has(name)) continue;
      const v = parseQuantity(q) ?? 0;
      if (v > 0) requests.set(name, (requests.get(name) ?? 0) + v);
    }
    const found = new Set<string>();
    for (const [name, q] of Object.entries(obj(res.limits))) {
      if (!QOS_RESOURCES.has(name)) continue;
      const v = parseQuantity(q) ?? 0;
      if (v > 0) {
        found.add(name);
        limits.set(name, (limits.get(name) ?? 0) + v);
      }
    }
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, r] of requests) {
      const l = limits.get(name);
      if (l === undefined || Math.abs(l - r) > 1e-12 * Math.max(1, Math.abs(r))) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

function nowRFC3339(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Scheme defaults for a Pod (applied on create and to every update body, as decoding does). */
export function defaultPod(pod: KObject): void {
  const spec = obj(pod.spec);
  pod.spec = spec;
  defaultPodSpec(spec);
  defaultPodOnlyFields(spec);
}

function prepareForCreate(pod: KObject): void {
  defaultPod(pod);
  const spec = pod.spec as Obj;
  // ServiceAccount admission.
  if (!spec.serviceAccountName) spec.serviceAccountName = 'default';
  spec.serviceAccount = spec.serviceAccountName;
  // DefaultTolerationSeconds admission.
  addDefaultTolerations(spec);
  // podStrategy.PrepareForCreate: a fresh status.
  const status: Obj = { phase: 'Pending', qosClass: podQOSClass(spec) };
  if (objs(spec.schedulingGates).length > 0) {
    status.conditions = [
      {
        type: 'PodScheduled',
        status: 'False',
        lastProbeTime: null,
        lastTransitionTime: nowRFC3339(),
        reason: 'SchedulingGated',
        message: SCHEDULING_GATED_MESSAGE,
      },
    ];
  }
  pod.status = status;
}

function prepareForUpdate(pod: KObject): void {
  defaultPod(pod);
}

/**
 * podStatusStrategy.PrepareForUpdate beyond what the store does for every /status write (spec and
 * owner references stay as stored): the QoS class is kept, and podIP/podIPs (hostIP/hostIPs) are
 * kept in step the way v1 conversion keeps them.
 */
function preparePodStatusUpdate(pod: KObject, old: KObject): void {
  const status = obj(pod.status);
  pod.status = status;
  if (!status.qosClass && obj(old.status).qosClass) status.qosClass = obj(old.status).qosClass;
  syncIPs(status, 'podIP', 'podIPs');
  syncIPs(status, 'hostIP', 'hostIPs');
}

function syncIPs(status: Obj, single: string, plural: string): void {
  const list = objs(status[plural]);
  if (list.length > 0) status[single] = str(list[0]!.ip);
  else if (str(status[single])) status[plural] = [{ ip: status[single] }];
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

const UPDATABLE_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function validate(pod: KObject): FieldError[] {
  return validatePodSpec(obj(pod.spec), SPEC);
}

/** ValidateContainerUpdates: same number of containers, each with an image. Returns stop=true on a count change. */
function validateContainerUpdates(next: Obj[], old: Obj[], path: Path): { errs: FieldError[]; stop: boolean } {
  if (next.length !== old.length) {
    return { errs: [fieldErrors.forbidden(String(path), 'pod updates may not add or remove containers')], stop: true };
  }
  const errs: FieldError[] = [];
  next.forEach((c, i) => {
    const image = str(c.image);
    if (image.length === 0) errs.push(fieldErrors.required(String(path.index(i).child('image'))));
    if (image.trim().length !== image.length) {
      errs.push(fieldErrors.invalid(String(path.index(i).child('image')), image, 'must not have leading or trailing whitespace'));
    }
  });
  return { errs, stop: false };
}

/** validateOnlyAddedTolerations: every old toleration must survive, except for its tolerationSeconds. */
function validateOnlyAddedTolerations(next: Obj[], old: Obj[], path: Path): FieldError[] {
  for (const o of old) {
    const found = next.some((n) => semanticEqual({ ...o, tolerationSeconds: n.tolerationSeconds }, n));
    if (!found) return [fieldErrors.forbidden(String(path), 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(next, path);
}

function validateOnlyDeletedSchedulingGates(next: Obj[], old: Obj[], path: Path): FieldError[] {
  const oldNames = new Set(old.map((g) => str(g.name)));
  const errs: FieldError[] = [];
  next.forEach((g, i) => {
    const name = str(g.name);
    if (!oldNames.has(name)) {
      errs.push(fieldErrors.forbidden(String(path.index(i).child('name')), `only deletion is allowed, but found new scheduling gate '${name}'`));
    }
  });
  return errs;
}

/** ValidatePodUpdate: the pod spec is immutable apart from a handful of fields. */
function validateUpdate(pod: KObject, old: KObject): FieldError[] {
  const spec = obj(pod.spec);
  const oldSpec = obj(old.spec);
  const errs: FieldError[] = [];

  for (const field of ['containers', 'initContainers']) {
    const r = validateContainerUpdates(objs(spec[field]), objs(oldSpec[field]), SPEC.child(field));
    errs.push(...r.errs);
    if (r.stop) return errs;
  }

  const ads = num(spec.activeDeadlineSeconds);
  const oldAds = num(oldSpec.activeDeadlineSeconds);
  if (ads !== undefined) {
    if (ads < 0 || ads > MAX_INT32) {
      errs.push(fieldErrors.invalid(String(SPEC.child('activeDeadlineSeconds')), ads, inclusiveRangeError(0, MAX_INT32)));
      return errs;
    }
    if (oldAds !== undefined && oldAds < ads) {
      errs.push(fieldErrors.invalid(String(SPEC.child('activeDeadlineSeconds')), ads, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (oldAds !== undefined) {
    errs.push(fieldErrors.invalid(String(SPEC.child('activeDeadlineSeconds')), null, 'must not update from a positive integer to nil value'));
  }

  errs.push(...validateOnlyAddedTolerations(objs(spec.tolerations), objs(oldSpec.tolerations), SPEC.child('tolerations')));
  errs.push(...validateOnlyDeletedSchedulingGates(objs(spec.schedulingGates), objs(oldSpec.schedulingGates), SPEC.child('schedulingGates')));

  if (semanticEqual(spec, oldSpec)) return errs;

  // Munge the updatable fields back to their old values; anything still different is forbidden.
  const munged = clone(spec);
  for (const field of ['containers', 'initContainers']) {
    const oldList = objs(oldSpec[field]);
    objs(munged[field]).forEach((c, i) => {
      if (oldList[i]?.image === undefined) delete c.image;
      else c.image = oldList[i]!.image;
    });
  }
  setOrDelete(munged, 'activeDeadlineSeconds', oldSpec.activeDeadlineSeconds);
  setOrDelete(munged, 'schedulingGates', oldSpec.schedulingGates);
  setOrDelete(munged, 'tolerations', oldSpec.tolerations);
  const oldGrace = num(oldSpec.terminationGracePeriodSeconds);
  if (oldGrace !== undefined && oldGrace < 0 && num(munged.terminationGracePeriodSeconds) === 1) {
    munged.terminationGracePeriodSeconds = oldGrace;
  }
  // Gated pods may gain nodeSelector entries (none removed or changed).
  if (objs(oldSpec.schedulingGates).length > 0) {
    const oldSel = obj(oldSpec.nodeSelector);
    const newSel = obj(munged.nodeSelector);
    if (Object.entries(oldSel).every(([k, v]) => newSel[k] === v)) setOrDelete(munged, 'nodeSelector', oldSpec.nodeSelector);
  }
  if (!semanticEqual(munged, oldSpec)) {
    const diff = jsonDiff(oldSpec, munged);
    errs.push(
      fieldErrors.forbidden(
        String(SPEC),
        `pod updates may not change fields other than ${UPDATABLE_FIELDS.join(',')}\n${diff}`,
      ),
    );
  }
  return errs;
}

function setOrDelete(o: Obj, key: string, value: unknown): void {
  if (value === undefined) delete o[key];
  else o[key] = clone(value);
}

// ---------------------------------------------------------------------------------------------
// Deletion
// ---------------------------------------------------------------------------------------------

/** podStrategy.CheckGracefulDelete */
function gracePeriod(pod: KObject, requested: number | undefined): number {
  const spec = obj(pod.spec);
  let period = requested ?? num(spec.terminationGracePeriodSeconds) ?? 30;
  if (!str(spec.nodeName)) period = 0;
  const phase = str(obj(pod.status).phase);
  if (phase === 'Failed' || phase === 'Succeeded') period = 0;
  if (period < 0) period = 1;
  return period;
}

export const podStrategy: Strategy = {
  nameRule: 'subdomain',
  tracksGeneration: true,
  prepareForCreate,
  prepareForUpdate,
  prepareForStatusUpdate: preparePodStatusUpdate,
  validate,
  validateUpdate,
  columns: COLUMNS,
  row: podRow,
  fieldSelectors: {
    'spec.nodeName': (p) => str(obj(p.spec).nodeName),
    'spec.restartPolicy': (p) => str(obj(p.spec).restartPolicy),
    'spec.schedulerName': (p) => str(obj(p.spec).schedulerName),
    'spec.serviceAccountName': (p) => str(obj(p.spec).serviceAccountName),
    'spec.hostNetwork': (p) => String(obj(p.spec).hostNetwork === true),
    'status.phase': (p) => str(obj(p.status).phase),
    'status.podIP': (p) => podIP(p),
    // Accepted by the field label conversion but not in the selectable set: always "".
    'status.podIPs': () => '',
    'status.nominatedNodeName': (p) => str(obj(p.status).nominatedNodeName),
  },
  gracePeriod,
};
