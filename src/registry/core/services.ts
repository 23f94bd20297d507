// Services: pkg/registry/core/service/strategy.go, SetDefaults_Service, ValidateService(Update),
// and printService. Cluster IP and node port allocation happen in service-allocation.ts (the
// store's beforeCreate hook), after prepareForCreate.
import { isIPv6 } from 'node:net';
import { fieldErrors, type FieldError } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { isDNS1123Subdomain, isQualifiedName } from '../../api/names.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column, formatLabelMap } from '../printing.ts';
import type { Strategy, TableRow } from '../strategy.ts';
import { PORT_PROTOCOLS } from './podspec.ts';
import { type Obj, Path, arr, clone, isObj, num, obj, objs, semanticEqual, str, strMap } from './util.ts';
import { isValidIP, isValidPortName, isValidPortNum, validateDNS1123Label, validateEnum, validateLabels } from './validation.ts';

const SPEC = Path.of('spec');
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
const DEFAULT_CLIENT_IP_TIMEOUT = 10800;

// ---------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------

const COLUMNS = [
  NAME_COLUMN,
  column('Type', 'string', 'How the service is exposed.'),
  column('Cluster-IP', 'string', 'The virtual IP inside the cluster.'),
  column('External-IP', 'string', 'Addresses the service is reachable on from outside.'),
  column('Port(s)', 'string', 'Service ports, with node ports where allocated.'),
  AGE_COLUMN,
  column('Selector', 'string', 'Labels of the pods the service routes to.', 1),
];

/** loadBalancerStatusStringer (wide, as the server always prints): unique IPs/hostnames, sorted. */
function loadBalancerIngress(svc: KObject): string {
  const set = new Set<string>();
  for (const ing of objs(obj(obj(svc.status).loadBalancer).ingress)) {
    if (str(ing.ip)) set.add(str(ing.ip));
    else if (str(ing.hostname)) set.add(str(ing.hostname));
  }
  return [...set].sort().join(',');
}

function externalIP(svc: KObject): string {
  const spec = obj(svc.spec);
  const externalIPs = arr(spec.externalIPs).filter((x): x is string => typeof x === 'string');
  switch (str(spec.type)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(svc);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

function portsCell(ports: Obj[]): string {
  const s = ports
    .map((p) => {
      const nodePort = num(p.nodePort) ?? 0;
      return nodePort > 0 ? `${num(p.port) ?? 0}:${nodePort}/${str(p.protocol)}` : `${num(p.port) ?? 0}/${str(p.protocol)}`;
    })
    .join(',');
  return s || '<none>';
}

function row(svc: KObject, now: number): TableRow {
  const spec = obj(svc.spec);
  const clusterIPs = arr(spec.clusterIPs).filter((x): x is string => typeof x === 'string');
  const internalIP = clusterIPs[0] ?? (str(spec.clusterIP) || '<none>');
  return {
    cells: [
      svc.metadata.name ?? '',
      str(spec.type),
      internalIP,
      externalIP(svc),
      portsCell(objs(spec.ports)),
      age(svc, now),
      formatLabelMap(strMap(spec.selector)),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Defaults and normalisation
// ---------------------------------------------------------------------------------------------

function externallyAccessible(spec: Obj): boolean {
  const type = str(spec.type);
  return type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && arr(spec.externalIPs).length > 0);
}

function needsClusterIP(spec: Obj): boolean {
  return str(spec.type) !== 'ExternalName';
}

function needsNodePort(spec: Obj): boolean {
  const type = str(spec.type);
  return type === 'NodePort' || type === 'LoadBalancer';
}

function needsHCNodePort(spec: Obj): boolean {
  return str(spec.type) === 'LoadBalancer' && str(spec.externalTrafficPolicy) === 'Local';
}

function isHeadless(spec: Obj): boolean {
  return str(spec.clusterIP) === 'None';
}

/** SetDefaults_Service */
export function defaultService(svc: KObject): void {
  const spec = obj(svc.spec);
  svc.spec = spec;
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = obj(spec.sessionAffinityConfig);
    const clientIP = obj(cfg.clientIP);
    if (num(clientIP.timeoutSeconds) === undefined) {
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT } };
    }
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const p of objs(spec.ports)) {
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (spec.internalTrafficPolicy === undefined || spec.internalTrafficPolicy === null) {
    if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(str(spec.type))) spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null) {
      spec.allocateLoadBalancerNodePorts = true;
    }
    for (const ing of objs(obj(obj(svc.status).loadBalancer).ingress)) {
      if (str(ing.ip) && !ing.ipMode) ing.ipMode = 'VIP';
    }
  }
}

/** NormalizeClusterIPs: keep the singular clusterIP and plural clusterIPs in step. */
function normalizeClusterIPs(spec: Obj, oldSpec: Obj | undefined): void {
  const ips = arr(spec.clusterIPs);
  if (!oldSpec) {
    if (str(spec.clusterIP) && ips.length === 0) spec.clusterIPs = [spec.clusterIP];
    return;
  }
  const oldIPs = arr(oldSpec.clusterIPs);
  if (oldIPs.length > 0 && arr(spec.clusterIPs).length === 0 && str(oldSpec.clusterIP) === str(spec.clusterIP)) {
    spec.clusterIPs = clone(oldIPs);
  }
  if (str(oldSpec.clusterIP) !== str(spec.clusterIP)) {
    const same = semanticEqual(oldSpec.clusterIPs, spec.clusterIPs);
    if (str(oldSpec.clusterIP) && !str(spec.clusterIP) && same) delete spec.clusterIPs;
    if (str(spec.clusterIP) && same) spec.clusterIPs = [spec.clusterIP];
  }
}

/** patchAllocatedValues: an update that leaves out allocated values keeps the stored ones. */
function patchAllocatedValues(spec: Obj, oldSpec: Obj): void {
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if (!str(spec.clusterIP) && str(oldSpec.clusterIP)) spec.clusterIP = oldSpec.clusterIP;
    if (arr(spec.clusterIPs).length === 0 && arr(oldSpec.clusterIPs).length > 0) spec.clusterIPs = clone(oldSpec.clusterIPs);
  }
  if (needsNodePort(oldSpec) && needsNodePort(spec)) {
    const usedOld = new Set(objs(oldSpec.ports).map((p) => num(p.nodePort) ?? 0).filter((n) => n !== 0));
    const usedNew = new Set(objs(spec.ports).map((p) => num(p.nodePort) ?? 0).filter((n) => n !== 0));
    const used = new Set([...usedOld].filter((n) => usedNew.has(n)));
    const byName = new Map<string, number>();
    for (const p of objs(oldSpec.ports)) byName.set(str(p.name), num(p.nodePort) ?? 0);
    for (const p of objs(spec.ports)) {
      if ((num(p.nodePort) ?? 0) !== 0) continue;
      const oldVal = byName.get(str(p.name)) ?? 0;
      if (oldVal !== 0 && !used.has(oldVal)) p.nodePort = oldVal;
    }
  }
  if (needsHCNodePort(oldSpec) && needsHCNodePort(spec)) {
    if (!num(spec.healthCheckNodePort) && num(oldSpec.healthCheckNodePort)) spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
  // The allocator keeps the IP families of an existing service.
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if (spec.ipFamilyPolicy === undefined && oldSpec.ipFamilyPolicy !== undefined) spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
    if (arr(spec.ipFamilies).length === 0 && arr(oldSpec.ipFamilies).length > 0) spec.ipFamilies = clone(oldSpec.ipFamilies);
  }
}

/** dropTypeDependentFields: values the old type needed and the new one does not, left unchanged by the user. */
function dropTypeDependentFields(svc: KObject, spec: Obj, oldSpec: Obj): void {
  if (needsClusterIP(oldSpec) && !needsClusterIP(spec)) {
    if (semanticEqual(oldSpec.clusterIPs, spec.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (semanticEqual(oldSpec.ipFamilies, spec.ipFamilies)) delete spec.ipFamilies;
    if (semanticEqual(oldSpec.ipFamilyPolicy, spec.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(oldSpec) && !needsNodePort(spec)) {
    const oldPorts = objs(oldSpec.ports).map((p) => num(p.nodePort) ?? 0);
    const newPorts = objs(spec.ports).map((p) => num(p.nodePort) ?? 0);
    if (semanticEqual(oldPorts, newPorts)) for (const p of objs(spec.ports)) delete p.nodePort;
  }
  if (needsHCNodePort(oldSpec) && !needsHCNodePort(spec) && spec.healthCheckNodePort === oldSpec.healthCheckNodePort) {
    delete spec.healthCheckNodePort;
  }
  if (oldSpec.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts === oldSpec.allocateLoadBalancerNodePorts) {
      delete spec.allocateLoadBalancerNodePorts;
    }
    if (spec.loadBalancerClass !== undefined && spec.loadBalancerClass === oldSpec.loadBalancerClass) delete spec.loadBalancerClass;
    svc.status = { ...obj(svc.status), loadBalancer: {} };
  }
  if (externallyAccessible(oldSpec) && !externallyAccessible(spec) && spec.externalTrafficPolicy === oldSpec.externalTrafficPolicy) {
    delete spec.externalTrafficPolicy;
  }
}

/** IP family fields the allocator sets on a single-stack (IPv4) cluster. */
function defaultIPFamilies(spec: Obj): void {
  if (!needsClusterIP(spec)) return;
  if (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) {
    // Headless services without a selector get every cluster family.
    spec.ipFamilyPolicy = isHeadless(spec) && Object.keys(obj(spec.selector)).length === 0 ? 'RequireDualStack' : 'SingleStack';
  }
  if (arr(spec.ipFamilies).length === 0) {
    const ip = str(arr(spec.clusterIPs)[0]) || str(spec.clusterIP);
    spec.ipFamilies = [ip && isIPv6(ip) ? 'IPv6' : 'IPv4'];
  }
}

function prepareForCreate(svc: KObject): void {
  defaultService(svc);
  const spec = svc.spec as Obj;
  normalizeClusterIPs(spec, undefined);
  defaultIPFamilies(spec);
  // ServiceStatus holds a LoadBalancerStatus struct, so a new service shows status.loadBalancer: {}.
  svc.status = { loadBalancer: {} };
  // Cluster IP / node port allocation: done by the store's beforeCreate hook (service-allocation.ts).
}

function prepareForUpdate(svc: KObject, old: KObject): void {
  defaultService(svc);
  const spec = svc.spec as Obj;
  const oldSpec = obj(old.spec);
  patchAllocatedValues(spec, oldSpec);
  normalizeClusterIPs(spec, oldSpec);
  dropTypeDependentFields(svc, spec, oldSpec);
  defaultIPFamilies(spec);
  if (!isObj(svc.status)) svc.status = { loadBalancer: {} };
  // A type change that newly needs a cluster IP or node ports needs the allocator here too (lead's hook).
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/** The (protocol, port) key upstream reports duplicates with: an internal core.ServicePort, as json.Marshal renders it. */
function portKey(p: Obj): Obj {
  return { Name: '', Protocol: str(p.protocol), AppProtocol: null, Port: num(p.port) ?? 0, TargetPort: 0, NodePort: 0 };
}

function validateTargetPort(v: unknown, path: Path): FieldError[] {
  if (typeof v === 'number') return isValidPortNum(v).map((m) => fieldErrors.invalid(String(path), v, m));
  if (typeof v === 'string') return isValidPortName(v).map((m) => fieldErrors.invalid(String(path), v, m));
  return [];
}

function validate(svc: KObject): FieldError[] {
  const spec = obj(svc.spec);
  const errs: FieldError[] = [];
  const type = str(spec.type);
  const ports = objs(spec.ports);
  const portsPath = SPEC.child('ports');

  if (ports.length === 0 && !isHeadless(spec) && type !== 'ExternalName') errs.push(fieldErrors.required(String(portsPath)));
  if (type === 'ExternalName') {
    const name = str(spec.externalName).replace(/\.$/, '');
    if (!name) errs.push(fieldErrors.required(String(SPEC.child('externalName'))));
    else for (const m of isDNS1123Subdomain(name)) errs.push(fieldErrors.invalid(String(SPEC.child('externalName')), str(spec.externalName), m));
    if (arr(spec.clusterIPs).length > 0) {
      errs.push(fieldErrors.forbidden(String(SPEC.child('clusterIPs')), 'may not be set for ExternalName services'));
    }
  }

  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = portsPath.index(i);
    const name = str(p.name);
    if (ports.length > 1 && !name) errs.push(fieldErrors.required(String(pp.child('name'))));
    else if (name) {
      errs.push(...validateDNS1123Label(name, pp.child('name')));
      if (names.has(name)) errs.push(fieldErrors.duplicate(String(pp.child('name')), name));
      else names.add(name);
    }
    const port = num(p.port) ?? 0;
    for (const m of isValidPortNum(port)) errs.push(fieldErrors.invalid(String(pp.child('port')), port, m));
    errs.push(...validateEnum(str(p.protocol), PORT_PROTOCOLS, pp.child('protocol')));
    errs.push(...validateTargetPort(p.targetPort, pp.child('targetPort')));
    if (typeof p.appProtocol === 'string') {
      for (const m of isQualifiedName(p.appProtocol)) errs.push(fieldErrors.invalid(String(pp.child('appProtocol')), p.appProtocol, m));
    }
  });

  errs.push(...validateEnum(str(spec.sessionAffinity), SESSION_AFFINITIES, SPEC.child('sessionAffinity')));

  const ips = arr(spec.clusterIPs);
  ips.forEach((ip, i) => {
    const s = str(ip);
    if (i === 0 && s === 'None') return;
    for (const m of isValidIP(s)) errs.push(fieldErrors.invalid(String(SPEC.child('clusterIPs').index(i)), s, m));
  });

  if (type && !SERVICE_TYPES.includes(type)) errs.push(fieldErrors.notSupported(String(SPEC.child('type')), type, SERVICE_TYPES));
  if (!type) errs.push(fieldErrors.required(String(SPEC.child('type'))));

  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if ((num(p.nodePort) ?? 0) !== 0) {
        errs.push(fieldErrors.forbidden(String(portsPath.index(i).child('nodePort')), "may not be used when `type` is 'ClusterIP'"));
      }
    });
  }

  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${str(p.protocol)}/${num(p.port) ?? 0}`;
    if (seen.has(key)) errs.push(fieldErrors.duplicate(String(portsPath.index(i)), portKey(p)));
    seen.add(key);
  });
  const seenNode = new Set<string>();
  ports.forEach((p, i) => {
    const np = num(p.nodePort) ?? 0;
    if (np === 0) return;
    for (const m of isValidPortNum(np)) errs.push(fieldErrors.invalid(String(portsPath.index(i).child('nodePort')), np, m));
    const key = `${str(p.protocol)}/${np}`;
    if (seenNode.has(key)) errs.push(fieldErrors.duplicate(String(portsPath.index(i).child('nodePort')), np));
    seenNode.add(key);
  });

  errs.push(...validateLabels(strMap(spec.selector), SPEC.child('selector')));
  return errs;
}

/** validateUpgradeDowngradeClusterIPs: the primary cluster IP never changes once set. */
function validateUpdate(svc: KObject, old: KObject): FieldError[] {
  const spec = obj(svc.spec);
  const oldSpec = obj(old.spec);
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return [];
  if (isHeadless(spec) && isHeadless(oldSpec)) return [];
  const next = arr(spec.clusterIPs).map(str);
  const prev = arr(oldSpec.clusterIPs).map(str);
  const path = (i: number) => String(SPEC.child('clusterIPs').index(i));
  const errs: FieldError[] = [];
  const value = Array.isArray(spec.clusterIPs) ? next : null;
  if (prev.length === next.length) {
    prev.forEach((ip, i) => {
      if (ip !== next[i]) errs.push(fieldErrors.invalid(path(i), value, 'may not change once set'));
    });
  } else if (prev.length > next.length) {
    if (next.length === 0) errs.push(fieldErrors.invalid(path(0), value, 'primary clusterIP can not be unset'));
    if (prev.length > 0 && next.length > 0 && next[0] !== prev[0]) {
      errs.push(fieldErrors.invalid(path(0), value, 'may not change once set'));
    }
    if (next.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(
        fieldErrors.invalid(path(0), value, "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary clusterIP"),
      );
    }
  } else if (prev.length > 0 && next[0] !== prev[0]) {
    errs.push(fieldErrors.invalid(path(0), value, 'may not change once set'));
  }
  return errs;
}

export const serviceStrategy: Strategy = {
  nameRule: 'dns1035',
  prepareForCreate,
  prepareForUpdate,
  validate,
  validateUpdate,
  columns: COLUMNS,
  row,
  fieldSelectors: {
    'spec.clusterIP': (s) => str(obj(s.spec).clusterIP),
    'spec.type': (s) => str(obj(s.spec).type),
  },
};
