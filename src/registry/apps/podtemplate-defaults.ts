// Pod templates of the workload kinds (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob):
// defaulting through the PodSpec defaults every pod gets (core/podspec.ts), and a first-order
// ValidatePodTemplateSpec.
//
// TODO: validate through core/podspec.ts validatePodTemplateSpec too; its checks and texts are a
// superset, so switching changes some error messages the workload tests pin today.
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import { defaultPodSpec } from '../core/podspec.ts';
import {
  asArray,
  asObj,
  asString,
  ensureObj,
  isDNS1123Label,
  isObj,
  type Obj,
  validateLabels,
} from './common.ts';

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
