// Pod template defaulting and a first-order pod template validation for the workload kinds
// (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob).
//
// TODO(lead): merge with the pod defaulting/validation in src/registry/core (pods) once both exist,
// so that Pod, PodTemplate, ReplicationController and the workloads share one implementation of
// SetDefaults_PodSpec / SetDefaults_Container / ValidatePodTemplateSpec.
//
// Upstream: pkg/apis/core/v1/defaults.go (SetDefaults_PodSpec, SetDefaults_Container, probes, volumes)
// applied by the generated defaulters to every embedded PodTemplateSpec, and
// pkg/apis/core/validation ValidatePodTemplateSpec. Only the defaults that are visible in a real
// cluster's `kubectl get deploy -o yaml` and the checks users commonly hit are covered.
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import {
  asArray,
  asObj,
  asObjArray,
  asString,
  ensureObj,
  isDNS1123Label,
  isObj,
  isSet,
  type Obj,
  validateLabels,
} from './common.ts';

const DEFAULT_MODE = 420; // 0644

/** Container image pull policy default: Always for `:latest` (or no tag, no digest), else IfNotPresent. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  let ref = image;
  let digest = false;
  const at = ref.indexOf('@');
  if (at >= 0) {
    digest = true;
    ref = ref.slice(0, at);
  }
  const lastSlash = ref.lastIndexOf('/');
  const lastPart = ref.slice(lastSlash + 1);
  const colon = lastPart.lastIndexOf(':');
  let tag = colon >= 0 ? lastPart.slice(colon + 1) : '';
  if (tag === '' && !digest) tag = 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: unknown): void {
  if (!isObj(probe)) return;
  if (!isSet(probe.timeoutSeconds)) probe.timeoutSeconds = 1;
  if (!isSet(probe.periodSeconds)) probe.periodSeconds = 10;
  if (!isSet(probe.successThreshold)) probe.successThreshold = 1;
  if (!isSet(probe.failureThreshold)) probe.failureThreshold = 3;
  const http = asObj(probe.httpGet);
  if (http) {
    if (!http.path) http.path = '/';
    if (!http.scheme) http.scheme = 'HTTP';
  }
}

function defaultLifecycleHandler(h: unknown): void {
  const http = asObj(asObj(h)?.httpGet);
  if (http) {
    if (!http.path) http.path = '/';
    if (!http.scheme) http.scheme = 'HTTP';
  }
}

function defaultContainer(c: Obj): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultPullPolicy(asString(c.image));
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  // Go serializes the (non-pointer) ResourceRequirements struct even when empty.
  if (!isObj(c.resources)) c.resources = {};
  for (const p of asObjArray(c.ports)) {
    if (!p.protocol) p.protocol = 'TCP';
  }
  for (const e of asObjArray(c.env)) {
    const fieldRef = asObj(asObj(e.valueFrom)?.fieldRef);
    if (fieldRef && !fieldRef.apiVersion) fieldRef.apiVersion = 'v1';
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  const lifecycle = asObj(c.lifecycle);
  if (lifecycle) {
    defaultLifecycleHandler(lifecycle.postStart);
    defaultLifecycleHandler(lifecycle.preStop);
  }
}

function defaultVolume(v: Obj): void {
  const sources = ['configMap', 'secret', 'projected', 'downwardAPI'];
  for (const s of sources) {
    const src = asObj(v[s]);
    if (src && !isSet(src.defaultMode)) src.defaultMode = DEFAULT_MODE;
  }
  for (const item of asObjArray(asObj(v.downwardAPI)?.items)) {
    const fieldRef = asObj(item.fieldRef);
    if (fieldRef && !fieldRef.apiVersion) fieldRef.apiVersion = 'v1';
  }
  const hostPath = asObj(v.hostPath);
  if (hostPath && !isSet(hostPath.type)) hostPath.type = '';
  // A volume with no source at all becomes an emptyDir.
  const known = Object.keys(v).filter((k) => k !== 'name');
  if (known.length === 0) v.emptyDir = {};
}

/** SetDefaults_PodSpec and friends, applied to a PodSpec embedded in a template. */
export function defaultPodSpec(podSpec: Obj): void {
  if (!podSpec.dnsPolicy) podSpec.dnsPolicy = 'ClusterFirst';
  if (!podSpec.restartPolicy) podSpec.restartPolicy = 'Always';
  if (!isObj(podSpec.securityContext)) podSpec.securityContext = {};
  if (!isSet(podSpec.terminationGracePeriodSeconds)) podSpec.terminationGracePeriodSeconds = 30;
  if (!podSpec.schedulerName) podSpec.schedulerName = 'default-scheduler';
  for (const c of asObjArray(podSpec.containers)) defaultContainer(c);
  for (const c of asObjArray(podSpec.initContainers)) defaultContainer(c);
  for (const v of asObjArray(podSpec.volumes)) defaultVolume(v);
}

/**
 * Defaults a PodTemplateSpec held at parent[key] (e.g. deployment.spec.template). The template
 * metadata always carries `creationTimestamp: null`, as Go serializes the empty ObjectMeta of a
 * template (v1.32 behaviour).
 */
export function defaultPodTemplate(parent: Obj, key = 'template'): void {
  const template = ensureObj(parent, key);
  const meta = ensureObj(template, 'metadata');
  if (!('creationTimestamp' in meta)) meta.creationTimestamp = null;
  defaultPodSpec(ensureObj(template, 'spec'));
}

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

/** validation.IsValidPortName */
function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.startsWith('-') || port.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

const PORT_RANGE = 'must be between 1 and 65535, inclusive';

function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  asArray(ports).forEach((raw, j) => {
    const port = asObj(raw) ?? {};
    const pp = `${path}[${j}]`;
    const name = asString(port.name);
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const m of msgs) errs.push(fieldErrors.invalid(`${pp}.name`, name, m));
      else if (names.has(name)) errs.push(fieldErrors.duplicate(`${pp}.name`, name));
      else names.add(name);
    }
    const cp = port.containerPort;
    if (!cp) errs.push(fieldErrors.required(`${pp}.containerPort`));
    else if (typeof cp !== 'number' || cp < 1 || cp > 65535) errs.push(fieldErrors.invalid(`${pp}.containerPort`, cp, PORT_RANGE));
    const hp = port.hostPort;
    if (hp && (typeof hp !== 'number' || hp < 1 || hp > 65535)) errs.push(fieldErrors.invalid(`${pp}.hostPort`, hp, PORT_RANGE));
    const proto = asString(port.protocol);
    if (proto === '') errs.push(fieldErrors.required(`${pp}.protocol`));
    else if (!PROTOCOLS.includes(proto)) errs.push(fieldErrors.notSupported(`${pp}.protocol`, proto, PROTOCOLS));
  });
  return errs;
}

function validateContainerList(list: unknown, path: string, seen: Set<string>, required: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const containers = asArray(list);
  if (required && containers.length === 0) {
    errs.push(fieldErrors.required(path));
    return errs;
  }
  containers.forEach((raw, i) => {
    const c = asObj(raw) ?? {};
    const p = `${path}[${i}]`;
    const name = asString(c.name);
    if (name === '') errs.push(fieldErrors.required(`${p}.name`));
    else for (const m of isDNS1123Label(name)) errs.push(fieldErrors.invalid(`${p}.name`, name, m));
    if (asString(c.image) === '') errs.push(fieldErrors.required(`${p}.image`));
    const tmp = asString(c.terminationMessagePolicy);
    if (tmp === '') errs.push(fieldErrors.required(`${p}.terminationMessagePolicy`));
    else if (!TERMINATION_MESSAGE_POLICIES.includes(tmp)) {
      errs.push(fieldErrors.notSupported(`${p}.terminationMessagePolicy`, tmp, TERMINATION_MESSAGE_POLICIES));
    }
    errs.push(...validateContainerPorts(c.ports, `${p}.ports`));
    const ipp = asString(c.imagePullPolicy);
    if (ipp === '') errs.push(fieldErrors.required(`${p}.imagePullPolicy`));
    else if (!PULL_POLICIES.includes(ipp)) errs.push(fieldErrors.notSupported(`${p}.imagePullPolicy`, ipp, PULL_POLICIES));
    if (seen.has(name)) errs.push(fieldErrors.duplicate(`${p}.name`, name));
    else seen.add(name);
  });
  return errs;
}

/**
 * A first-order ValidatePodTemplateSpec: template labels, containers (required, names, images,
 * ports, policies), restartPolicy and dnsPolicy. `path` is the template's path, e.g. "spec.template".
 */
export function validatePodTemplate(template: unknown, path: string): FieldError[] {
  const t = asObj(template) ?? {};
  const meta = asObj(t.metadata) ?? {};
  const podSpec = asObj(t.spec) ?? {};
  const sp = `${path}.spec`;
  const errs: FieldError[] = [];
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  const seen = new Set<string>();
  errs.push(...validateContainerList(podSpec.containers, `${sp}.containers`, seen, true));
  errs.push(...validateContainerList(podSpec.initContainers, `${sp}.initContainers`, seen, false));
  const rp = asString(podSpec.restartPolicy);
  if (rp === '') errs.push(fieldErrors.required(`${sp}.restartPolicy`));
  else if (!RESTART_POLICIES.includes(rp)) errs.push(fieldErrors.notSupported(`${sp}.restartPolicy`, rp, RESTART_POLICIES));
  const dp = asString(podSpec.dnsPolicy);
  if (dp === '') errs.push(fieldErrors.required(`${sp}.dnsPolicy`));
  else if (!DNS_POLICIES.includes(dp)) errs.push(fieldErrors.notSupported(`${sp}.dnsPolicy`, dp, DNS_POLICIES));
  if (asArray(podSpec.ephemeralContainers).length > 0) {
    errs.push(fieldErrors.forbidden(`${sp}.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}

/** A PersistentVolumeClaim template (statefulset volumeClaimTemplates): volumeMode and phase defaults. */
export function defaultClaimTemplate(pvc: Obj): void {
  const meta = ensureObj(pvc, 'metadata');
  if (!('creationTimestamp' in meta)) meta.creationTimestamp = null;
  const s = ensureObj(pvc, 'spec');
  if (!s.volumeMode) s.volumeMode = 'Filesystem';
  if (!isObj(s.resources)) s.resources = {};
  const st = ensureObj(pvc, 'status');
  if (!st.phase) st.phase = 'Pending';
}
