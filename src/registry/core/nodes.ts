// Nodes: pkg/registry/core/node/strategy.go, SetDefaults_NodeStatus, ValidateNode(Update), printNode.
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { isQualifiedName, isValidLabelValue } from '../../api/names.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy, TableRow } from '../strategy.ts';
import { TAINT_EFFECTS } from './podspec.ts';
import { type Obj, Path, arr, child, clone, isObj, obj, objs, str } from './util.ts';

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

const COLUMNS = [
  NAME_COLUMN,
  column('Status', 'string', 'Readiness of the node, and whether it takes new pods.'),
  column('Roles', 'string', 'Roles from the node-role.kubernetes.io labels.'),
  AGE_COLUMN,
  column('Version', 'string', 'The kubelet version.'),
  column('Internal-IP', 'string', 'The first InternalIP address.', 1),
  column('External-IP', 'string', 'The first ExternalIP address.', 1),
  column('OS-Image', 'string', 'The OS image the node reports.', 1),
  column('Kernel-Version', 'string', 'The kernel version the node reports.', 1),
  column('Container-Runtime', 'string', 'The container runtime and its version.', 1),
];

/** findNodeRoles: node-role.kubernetes.io/<role> keys and the kubernetes.io/role value, sorted, unique. */
export function nodeRoles(node: KObject): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX)) {
      const role = k.slice(ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === ROLE_LABEL && v !== '') roles.add(v);
  }
  return [...roles].sort();
}

function address(node: KObject, type: string): string {
  const a = objs(obj(node.status).addresses).find((x) => x.type === type);
  return a ? str(a.address) : '<none>';
}

function row(node: KObject, now: number): TableRow {
  const status = obj(node.status);
  // A later condition of the same type wins, as the upstream map does.
  let ready: Obj | undefined;
  for (const c of objs(status.conditions)) if (c.type === 'Ready') ready = c;
  const states: string[] = [];
  if (ready) states.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  else states.push('Unknown');
  if (obj(node.spec).unschedulable === true) states.push('SchedulingDisabled');
  const roles = nodeRoles(node).join(',') || '<none>';
  const info = obj(status.nodeInfo);
  return {
    cells: [
      node.metadata.name ?? '',
      states.join(','),
      roles,
      age(node, now),
      str(info.kubeletVersion),
      address(node, 'InternalIP'),
      address(node, 'ExternalIP'),
      str(info.osImage) || '<unknown>',
      str(info.kernelVersion) || '<unknown>',
      str(info.containerRuntimeVersion) || '<unknown>',
    ],
  };
}

const NODE_INFO_FIELDS = [
  'machineID',
  'systemUUID',
  'bootID',
  'kernelVersion',
  'osImage',
  'containerRuntimeVersion',
  'kubeletVersion',
  'kubeProxyVersion',
  'operatingSystem',
  'architecture',
];

/** Spec defaults and the v1 podCIDR/podCIDRs conversion. */
function defaultSpec(node: KObject): void {
  const spec = obj(node.spec);
  node.spec = spec;
  const cidrs = arr(spec.podCIDRs);
  if (str(spec.podCIDR) && (cidrs.length === 0 || cidrs[0] !== spec.podCIDR)) spec.podCIDRs = [spec.podCIDR];
  else if (!str(spec.podCIDR) && cidrs.length > 0) spec.podCIDR = cidrs[0];
}

/**
 * SetDefaults_NodeStatus (allocatable from capacity), plus the members a Go server always
 * serializes: daemonEndpoints.kubeletEndpoint.Port and every nodeInfo string.
 */
export function defaultNodeStatus(node: KObject): void {
  const status = obj(node.status);
  node.status = status;
  if (status.allocatable === undefined && isObj(status.capacity)) status.allocatable = clone(status.capacity);
  const endpoint = child(child(status, 'daemonEndpoints'), 'kubeletEndpoint');
  if (typeof endpoint.Port !== 'number') endpoint.Port = 0;
  const info = child(status, 'nodeInfo');
  for (const f of NODE_INFO_FIELDS) if (typeof info[f] !== 'string') info[f] = '';
}

function prepareForCreate(node: KObject): void {
  defaultSpec(node);
  defaultNodeStatus(node);
}

function prepareForUpdate(node: KObject): void {
  defaultSpec(node);
}

/** The internal core.Taint as json.Marshal renders it (Go field names). */
function internalTaint(t: Obj): Obj {
  return { Key: str(t.key), Value: str(t.value), Effect: str(t.effect), TimeAdded: t.timeAdded ?? null };
}

/** validateNodeTaints. Upstream passes "metadata" as the parent path, so errors read metadata.taints[i]. */
function validateTaints(taints: Obj[], path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const unique = new Map<string, Set<string>>();
  taints.forEach((t, i) => {
    const ip = path.index(i);
    const key = str(t.key);
    const value = str(t.value);
    const effect = str(t.effect);
    for (const m of isQualifiedName(key)) errs.push(fieldErrors.invalid(String(ip.child('key')), key, m));
    const vm = isValidLabelValue(value);
    if (vm.length) errs.push(fieldErrors.invalid(String(ip.child('value')), value, vm.join(';')));
    if (!effect) errs.push(fieldErrors.required(String(ip.child('effect'))));
    else if (!TAINT_EFFECTS.includes(effect)) errs.push(fieldErrors.notSupported(String(ip.child('effect')), effect, TAINT_EFFECTS));
    const keys = unique.get(effect) ?? new Set<string>();
    if (keys.has(key)) {
      errs.push(new FieldError('FieldValueDuplicate', String(ip), internalTaint(t), 'taints must be unique by key and effect pair'));
      return;
    }
    keys.add(key);
    unique.set(effect, keys);
  });
  return errs;
}

function validate(node: KObject): FieldError[] {
  return validateTaints(objs(obj(node.spec).taints), Path.of('metadata', 'taints'));
}

const CIDR_MSG = 'node updates may not change podCIDR except from "" to valid';
const PROVIDER_MSG = 'node updates may not change providerID except from "" to valid';

function validateUpdate(node: KObject, old: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj(node.spec);
  const oldSpec = obj(old.spec);
  const oldCIDRs = arr(oldSpec.podCIDRs);
  const cidrs = arr(spec.podCIDRs);
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length !== cidrs.length) errs.push(fieldErrors.forbidden('spec.podCIDRs', CIDR_MSG));
    else oldCIDRs.forEach((c, i) => c !== cidrs[i] && errs.push(fieldErrors.forbidden('spec.podCIDRs', CIDR_MSG)));
  }
  if (str(oldSpec.providerID) && str(oldSpec.providerID) !== str(spec.providerID)) {
    errs.push(fieldErrors.forbidden('spec.providerID', PROVIDER_MSG));
  }
  return errs;
}

export const nodeStrategy: Strategy = {
  nameRule: 'subdomain',
  prepareForCreate,
  prepareForUpdate,
  validate,
  validateUpdate,
  columns: COLUMNS,
  row,
  fieldSelectors: {
    'spec.unschedulable': (n) => String(obj(n.spec).unschedulable === true),
  },
};
