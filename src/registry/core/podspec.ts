// PodSpec defaulting and validation shared by pods, pod templates and replication controllers
// (pkg/apis/core/v1/defaults.go and pkg/apis/core/validation ValidatePodSpec / ValidatePodTemplateSpec).
import { fieldErrors, type FieldError } from '../../api/field-errors.ts';
import { isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from '../../api/names.ts';
import { parseQuantity } from '../../api/quantity.ts';
import { type Obj, Path, arr, child, isObj, num, obj, objs, str, strMap } from './util.ts';
import {
  MAX_INT32,
  inclusiveRangeError,
  isValidPortName,
  isValidPortNum,
  validateDNS1123Label,
  validateEnum,
  validateLabels,
} from './validation.ts';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
export const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

// ---------------------------------------------------------------------------------------------
// Defaulting
// ---------------------------------------------------------------------------------------------

/**
 * The tag parsers.ParseImageName finds: "latest" when none is given and there is no digest,
 * "" when only a digest is given or the reference does not parse.
 */
export function imageTag(image: string): string {
  if (image === '' || /\s/.test(image)) return '';
  let rest = image;
  let digest = false;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = true;
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const last = rest.slice(slash + 1);
  const colon = last.indexOf(':');
  const repo = colon >= 0 ? rest.slice(0, slash + 1 + colon) : rest;
  // Repository paths must be lower case (the registry host may not be); otherwise parsing fails.
  const path = repo.includes('/') && /[.:]|^localhost$/.test(repo.split('/')[0]!) ? repo.slice(repo.indexOf('/') + 1) : repo;
  if (path === '' || /[A-Z]/.test(path)) return '';
  if (colon >= 0) return last.slice(colon + 1);
  return digest ? '' : 'latest';
}

function defaultHandler(h: unknown): void {
  if (!isObj(h)) return;
  const httpGet = h.httpGet;
  if (isObj(httpGet)) {
    if (!httpGet.path) httpGet.path = '/';
    if (!httpGet.scheme) httpGet.scheme = 'HTTP';
  }
}

function defaultProbe(p: unknown): void {
  if (!isObj(p)) return;
  defaultHandler(p);
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
}

function defaultFieldRef(v: unknown): void {
  if (!isObj(v)) return;
  const ref = v.fieldRef;
  if (isObj(ref) && !ref.apiVersion) ref.apiVersion = 'v1';
}

/** SetDefaults_Container plus the generated defaults of its members. */
export function defaultContainer(c: Obj): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(str(c.image)) === 'latest' ? 'Always' : 'IfNotPresent';
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  // ResourceRequirements is a struct, so it always serializes (as {} when empty).
  if (!isObj(c.resources)) c.resources = {};
  for (const p of objs(c.ports)) if (!p.protocol) p.protocol = 'TCP';
  for (const e of objs(c.env)) defaultFieldRef(e.valueFrom);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  const lc = c.lifecycle;
  if (isObj(lc)) {
    defaultHandler(lc.postStart);
    defaultHandler(lc.preStop);
  }
}

const VOLUME_SOURCES_MODE = ['secret', 'configMap', 'downwardAPI', 'projected'];

/** SetDefaults_Volume and the volume sources' defaults. */
export function defaultVolume(v: Obj): void {
  const sources = Object.keys(v).filter((k) => k !== 'name' && v[k] !== undefined && v[k] !== null);
  if (sources.length === 0) v.emptyDir = {};
  for (const k of VOLUME_SOURCES_MODE) {
    const s = v[k];
    if (isObj(s) && s.defaultMode === undefined) s.defaultMode = 420;
  }
  const hostPath = v.hostPath;
  if (isObj(hostPath) && hostPath.type === undefined) hostPath.type = '';
  const dapi = v.downwardAPI;
  if (isObj(dapi)) for (const item of objs(dapi.items)) defaultFieldRef(item);
  const projected = v.projected;
  if (isObj(projected)) {
    for (const src of objs(projected.sources)) {
      const sat = src.serviceAccountToken;
      if (isObj(sat) && sat.expirationSeconds === undefined) sat.expirationSeconds = 3600;
      const d = src.downwardAPI;
      if (isObj(d)) for (const item of objs(d.items)) defaultFieldRef(item);
    }
  }
  const eph = v.ephemeral;
  if (isObj(eph)) {
    const tmplSpec = obj(obj(eph.volumeClaimTemplate).spec);
    if (isObj(obj(eph.volumeClaimTemplate).spec) && tmplSpec.volumeMode === undefined) tmplSpec.volumeMode = 'Filesystem';
  }
}

/**
 * SetDefaults_PodSpec and everything reachable from a PodSpec (containers, volumes), plus the v1
 * conversion of the deprecated serviceAccount alias. Applies to pod templates as well as pods.
 */
export function defaultPodSpec(spec: Obj): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  if (!isObj(spec.securityContext)) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) {
    spec.terminationGracePeriodSeconds = 30;
  }
  if (!spec.schedulerName) spec.schedulerName = 'default-scheduler';
  // serviceAccount is the deprecated alias: read when serviceAccountName is empty, always written back.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  else delete spec.serviceAccount;
  for (const c of objs(spec.containers)) defaultContainer(c);
  for (const c of objs(spec.initContainers)) defaultContainer(c);
  for (const c of objs(spec.ephemeralContainers)) defaultContainer(c);
  for (const v of objs(spec.volumes)) defaultVolume(v);
}

/** SetDefaults_Pod: the defaults only a Pod (not a template) gets. */
export function defaultPodOnlyFields(spec: Obj): void {
  for (const c of [...objs(spec.containers), ...objs(spec.initContainers)]) {
    const res = obj(c.resources);
    const limits = res.limits;
    if (isObj(limits)) {
      const requests = child(res, 'requests');
      for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
    }
  }
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const c of [...objs(spec.containers), ...objs(spec.initContainers)]) {
      for (const p of objs(c.ports)) if (!p.hostPort) p.hostPort = p.containerPort;
    }
  }
}

/** A PodTemplateSpec's defaults (template of a ReplicationController or PodTemplate). */
export function defaultPodTemplateSpec(template: unknown): void {
  if (!isObj(template)) return;
  defaultPodSpec(child(template, 'spec'));
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

function validateContainerPorts(ports: Obj[], path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const ip = path.index(i);
    const name = str(p.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) for (const m of msgs) errs.push(fieldErrors.invalid(String(ip.child('name')), name, m));
      else if (names.has(name)) errs.push(fieldErrors.duplicate(String(ip.child('name')), name));
      else names.add(name);
    }
    const cp = num(p.containerPort) ?? 0;
    if (cp === 0) errs.push(fieldErrors.required(String(ip.child('containerPort'))));
    else for (const m of isValidPortNum(cp)) errs.push(fieldErrors.invalid(String(ip.child('containerPort')), cp, m));
    const hp = num(p.hostPort) ?? 0;
    if (hp !== 0) for (const m of isValidPortNum(hp)) errs.push(fieldErrors.invalid(String(ip.child('hostPort')), hp, m));
    errs.push(...validateEnum(str(p.protocol), PORT_PROTOCOLS, ip.child('protocol')));
  });
  return errs;
}

function validateVolumeMounts(mounts: Obj[], volumes: Set<string>, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const points = new Set<string>();
  mounts.forEach((m, i) => {
    const ip = path.index(i);
    const name = str(m.name);
    if (!name) errs.push(fieldErrors.required(String(ip.child('name'))));
    if (!volumes.has(name)) errs.push(fieldErrors.notFound(String(ip.child('name')), name));
    const mp = str(m.mountPath);
    if (!mp) errs.push(fieldErrors.required(String(ip.child('mountPath'))));
    if (points.has(mp)) errs.push(fieldErrors.invalid(String(ip.child('mountPath')), mp, 'must be unique'));
    points.add(mp);
  });
  return errs;
}

function validateEnv(env: Obj[], path: Path): FieldError[] {
  const errs: FieldError[] = [];
  env.forEach((e, i) => {
    if (!str(e.name)) errs.push(fieldErrors.required(String(path.index(i).child('name'))));
  });
  return errs;
}

/** Requests may not exceed limits (ValidateResourceRequirements, the part every manifest meets). */
function validateResources(res: Obj, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const limits = obj(res.limits);
  const requests = obj(res.requests);
  for (const [name, q] of Object.entries(requests)) {
    const lq = limits[name];
    if (lq === undefined) continue;
    const r = parseQuantity(q);
    const l = parseQuantity(lq);
    if (r !== undefined && l !== undefined && r > l) {
      errs.push(
        fieldErrors.invalid(String(path.child('requests').key(name)), String(q), `must be less than or equal to ${name} limit of ${String(lq)}`),
      );
    }
  }
  for (const [section, m] of [['limits', limits], ['requests', requests]] as const) {
    for (const [name, q] of Object.entries(m)) {
      const v = parseQuantity(q);
      if (v === undefined) continue;
      if (v < 0) errs.push(fieldErrors.invalid(String(path.child(section).key(name)), String(q), 'must be greater than or equal to 0'));
    }
  }
  return errs;
}

/** validateContainerCommon */
export function validateContainer(c: Obj, volumes: Set<string>, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (!name) errs.push(fieldErrors.required(String(path.child('name'))));
  else errs.push(...validateDNS1123Label(name, path.child('name')));
  if (!str(c.image)) errs.push(fieldErrors.required(String(path.child('image'))));
  errs.push(...validateEnum(str(c.terminationMessagePolicy), TERMINATION_MESSAGE_POLICIES, path.child('terminationMessagePolicy')));
  errs.push(...validateContainerPorts(objs(c.ports), path.child('ports')));
  errs.push(...validateEnv(objs(c.env), path.child('env')));
  errs.push(...validateVolumeMounts(objs(c.volumeMounts), volumes, path.child('volumeMounts')));
  errs.push(...validateEnum(str(c.imagePullPolicy), PULL_POLICIES, path.child('imagePullPolicy')));
  errs.push(...validateResources(obj(c.resources), path.child('resources')));
  return errs;
}

/** The internal core.Toleration as json.Marshal renders it (no json tags: Go field names). */
function internalToleration(t: Obj): Obj {
  return {
    Key: str(t.key),
    Operator: str(t.operator),
    Value: str(t.value),
    Effect: str(t.effect),
    TolerationSeconds: num(t.tolerationSeconds) ?? null,
  };
}

/** ValidateTolerations */
export function validateTolerations(tolerations: Obj[], path: Path): FieldError[] {
  const errs: FieldError[] = [];
  tolerations.forEach((t, i) => {
    const ip = path.index(i);
    const key = str(t.key);
    const op = str(t.operator);
    const effect = str(t.effect);
    if (key) for (const m of isQualifiedName(key)) errs.push(fieldErrors.invalid(String(ip.child('key')), key, m));
    if (!key && op !== 'Exists') {
      errs.push(
        fieldErrors.invalid(
          String(ip.child('operator')),
          op,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute') {
      errs.push(fieldErrors.invalid(String(ip.child('effect')), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(str(t.value));
      if (msgs.length) errs.push(fieldErrors.invalid(String(ip.child('operator')), str(t.value), msgs.join(';')));
    } else if (op === 'Exists') {
      if (str(t.value)) {
        errs.push(fieldErrors.invalid(String(ip.child('operator')), internalToleration(t), "value must be empty when `operator` is 'Exists'"));
      }
    } else {
      errs.push(fieldErrors.notSupported(String(ip.child('operator')), op, ['Equal', 'Exists']));
    }
    if (effect && !TAINT_EFFECTS.includes(effect)) {
      errs.push(fieldErrors.notSupported(String(ip.child('effect')), effect, TAINT_EFFECTS));
    }
  });
  return errs;
}

function validateVolumes(volumes: Obj[], path: Path): { names: Set<string>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    const np = path.index(i).child('name');
    const name = str(v.name);
    const sources = Object.keys(v).filter((k) => k !== 'name' && v[k] !== undefined && v[k] !== null);
    if (sources.length === 0) errs.push(fieldErrors.required(String(path.index(i)), 'must specify a volume type'));
    else if (sources.length > 1) {
      errs.push(fieldErrors.forbidden(String(path.index(i).child(sources[1]!)), 'may not specify more than 1 volume type'));
    }
    if (!name) errs.push(fieldErrors.required(String(np)));
    else errs.push(...validateDNS1123Label(name, np));
    if (names.has(name)) errs.push(fieldErrors.duplicate(String(np), name));
    else names.add(name);
  });
  return { names, errs };
}

/** ValidatePodSpec: the checks a typical manifest can trip over, with upstream's paths and texts. */
export function validatePodSpec(spec: Obj, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const vols = validateVolumes(objs(spec.volumes), path.child('volumes'));
  errs.push(...vols.errs);

  const containers = objs(spec.containers);
  const cpath = path.child('containers');
  const allNames = new Set<string>();
  if (arr(spec.containers).length === 0) errs.push(fieldErrors.required(String(cpath)));
  else {
    containers.forEach((c, i) => {
      const ip = cpath.index(i);
      errs.push(...validateContainer(c, vols.names, ip));
      const name = str(c.name);
      if (allNames.has(name)) errs.push(fieldErrors.duplicate(String(ip.child('name')), name));
      else allNames.add(name);
    });
  }
  const ipath = path.child('initContainers');
  objs(spec.initContainers).forEach((c, i) => {
    const ip = ipath.index(i);
    errs.push(...validateContainer(c, vols.names, ip));
    // Init container names must be unique among regular and init containers.
    const name = str(c.name);
    if (allNames.has(name)) errs.push(fieldErrors.duplicate(String(ip.child('name')), name));
    else allNames.add(name);
  });

  errs.push(...validateEnum(str(spec.restartPolicy), RESTART_POLICIES, path.child('restartPolicy')));
  errs.push(...validateEnum(str(spec.dnsPolicy), DNS_POLICIES, path.child('dnsPolicy')));
  errs.push(...validateLabels(strMap(spec.nodeSelector), path.child('nodeSelector')));

  const sa = str(spec.serviceAccountName);
  if (sa) for (const m of isDNS1123Subdomain(sa)) errs.push(fieldErrors.invalid(String(path.child('serviceAccountName')), sa, m));
  const nodeName = str(spec.nodeName);
  if (nodeName) for (const m of isDNS1123Subdomain(nodeName)) errs.push(fieldErrors.invalid(String(path.child('nodeName')), nodeName, m));

  const ads = num(spec.activeDeadlineSeconds);
  if (ads !== undefined && (ads < 1 || ads > MAX_INT32)) {
    errs.push(fieldErrors.invalid(String(path.child('activeDeadlineSeconds')), ads, inclusiveRangeError(1, MAX_INT32)));
  }
  const hostname = str(spec.hostname);
  if (hostname) errs.push(...validateDNS1123Label(hostname, path.child('hostname')));
  const subdomain = str(spec.subdomain);
  if (subdomain) errs.push(...validateDNS1123Label(subdomain, path.child('subdomain')));
  errs.push(...validateTolerations(objs(spec.tolerations), path.child('tolerations')));
  const pcn = str(spec.priorityClassName);
  if (pcn) for (const m of isDNS1123Subdomain(pcn)) errs.push(fieldErrors.invalid(String(path.child('priorityClassName')), pcn, m));
  const pp = spec.preemptionPolicy;
  if (typeof pp === 'string') {
    errs.push(...validateEnum(pp, ['Never', 'PreemptLowerPriority'], path.child('preemptionPolicy')));
  }
  return errs;
}

/** ValidatePodTemplateSpec: template labels (reported on "<path>.labels"), then the pod spec. */
export function validatePodTemplateSpec(template: Obj, path: Path): FieldError[] {
  const meta = obj(template.metadata);
  const errs = validateLabels(strMap(meta.labels), path.child('labels'));
  errs.push(...validatePodSpec(obj(template.spec), path.child('spec')));
  if (arr(obj(template.spec).ephemeralContainers).length > 0) {
    errs.push(fieldErrors.forbidden(String(path.child('spec', 'ephemeralContainers')), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}
