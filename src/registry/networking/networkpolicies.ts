// networkpolicies.networking.k8s.io: pkg/registry/networking/networkpolicy (strategy: generation),
// pkg/apis/networking/v1/defaults.go, ValidateNetworkPolicy/ValidateNetworkPolicyUpdate and
// printNetworkPolicy. Nothing enforces the policies: Wheelhouse's pods have no network to filter.
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { formatSelectorCell, validateLabelSelector } from '../apps/common.ts';
import { type Obj, isObj, obj, objs, str } from '../core/util.ts';
import { isValidPortName, isValidPortNum } from '../core/validation.ts';
import { isStrictSubnet, parseCIDR, validateLegacyCIDR } from './net-validation.ts';

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const POLICY_TYPES = ['Ingress', 'Egress'];

/** The ingress rules' `from` and egress rules' `to` peers, with their field paths. */
function peers(spec: Obj): { peer: Obj; path: string }[] {
  const out: { peer: Obj; path: string }[] = [];
  objs(spec.ingress).forEach((r, i) => objs(r.from).forEach((peer, j) => out.push({ peer, path: `spec.ingress[${i}].from[${j}]` })));
  objs(spec.egress).forEach((r, i) => objs(r.to).forEach((peer, j) => out.push({ peer, path: `spec.egress[${i}].to[${j}]` })));
  return out;
}

function ports(spec: Obj): { port: Obj; path: string }[] {
  const out: { port: Obj; path: string }[] = [];
  for (const dir of ['ingress', 'egress']) {
    objs(spec[dir]).forEach((r, i) => objs(r.ports).forEach((port, j) => out.push({ port, path: `spec.${dir}[${i}].ports[${j}]` })));
  }
  return out;
}

function defaults(np: KObject): void {
  const spec = obj(np.spec);
  for (const { port } of ports(spec)) if (port.protocol === undefined || port.protocol === null) port.protocol = 'TCP';
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = objs(spec.egress).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  np.spec = spec;
}

function validatePort(port: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof port.protocol === 'string' && !PROTOCOLS.includes(port.protocol)) {
    errs.push(fieldErrors.notSupported(`${path}.protocol`, port.protocol, PROTOCOLS));
  }
  const endPort = typeof port.endPort === 'number' ? port.endPort : undefined;
  if (typeof port.port === 'number') {
    for (const m of isValidPortNum(port.port)) errs.push(fieldErrors.invalid(`${path}.port`, port.port, m));
    if (endPort !== undefined) {
      if (endPort < port.port) errs.push(fieldErrors.invalid(`${path}.endPort`, endPort, 'must be greater than or equal to `port`'));
      for (const m of isValidPortNum(endPort)) errs.push(fieldErrors.invalid(`${path}.endPort`, endPort, m));
    }
  } else if (typeof port.port === 'string') {
    if (endPort !== undefined) errs.push(fieldErrors.invalid(`${path}.endPort`, endPort, 'may not be specified when `port` is non-numeric'));
    for (const m of isValidPortName(port.port)) errs.push(fieldErrors.invalid(`${path}.port`, port.port, m));
  } else if (endPort !== undefined) {
    errs.push(fieldErrors.invalid(`${path}.endPort`, endPort, 'may not be specified when `port` is not specified'));
  }
  return errs;
}

function validateIPBlock(block: Obj, path: string, allowed: readonly string[]): FieldError[] {
  const cidr = str(block.cidr);
  if (cidr === '') return [fieldErrors.required(`${path}.cidr`)];
  const errs = validateLegacyCIDR(`${path}.cidr`, cidr, allowed);
  const outer = parseCIDR(cidr);
  if (!outer) return errs;
  (Array.isArray(block.except) ? block.except : []).forEach((e, i) => {
    const except = str(e);
    const p = `${path}.except[${i}]`;
    errs.push(...validateLegacyCIDR(p, except, allowed));
    const inner = parseCIDR(except);
    if (inner && !isStrictSubnet(inner, outer)) errs.push(fieldErrors.invalid(p, except, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

function validatePeer(peer: Obj, path: string, allowed: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const key of ['podSelector', 'namespaceSelector']) {
    if (!isObj(peer[key])) continue;
    count++;
    errs.push(...validateLabelSelector(peer[key], `${path}.${key}`));
  }
  const block = peer.ipBlock;
  if (isObj(block)) {
    count++;
    errs.push(...validateIPBlock(block, `${path}.ipBlock`, allowed));
  }
  if (count === 0) errs.push(fieldErrors.required(path, 'must specify a peer'));
  else if (count > 1 && isObj(block)) errs.push(fieldErrors.forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

function validateSpec(np: KObject, allowedCIDRs: readonly string[]): FieldError[] {
  const spec = obj(np.spec);
  const errs = validateLabelSelector(spec.podSelector, 'spec.podSelector');
  // Upstream walks each rule's ports, then its peers; the order shows in aggregated messages.
  for (const dir of ['ingress', 'egress'] as const) {
    const peerKey = dir === 'ingress' ? 'from' : 'to';
    objs(spec[dir]).forEach((rule, i) => {
      objs(rule.ports).forEach((port, j) => errs.push(...validatePort(port, `spec.${dir}[${i}].ports[${j}]`)));
      objs(rule[peerKey]).forEach((peer, j) => errs.push(...validatePeer(peer, `spec.${dir}[${i}].${peerKey}[${j}]`, allowedCIDRs)));
    });
  }
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  if (types.length > POLICY_TYPES.length) {
    errs.push(fieldErrors.invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(str(t))) errs.push(fieldErrors.notSupported(`spec.policyTypes[${i}]`, t, POLICY_TYPES));
  });
  return errs;
}

export const networkPolicyStrategy: Strategy = {
  tracksGeneration: true,
  prepareForCreate: defaults,
  prepareForUpdate: defaults,
  validate: (np) => (np.metadata.resourceVersion ? [] : validateSpec(np, [])),
  // CIDRs the stored policy already holds stay allowed, however they are written.
  validateUpdate: (np, old) =>
    validateSpec(
      np,
      peers(obj(old.spec)).flatMap(({ peer }) => (isObj(peer.ipBlock) ? [str(peer.ipBlock.cidr), ...(peer.ipBlock.except as string[] | undefined ?? [])] : [])),
    ),
  columns: [
    NAME_COLUMN,
    column(
      'Pod-Selector',
      'string',
      'Selects the pods to which this NetworkPolicy object applies. The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace.',
    ),
    AGE_COLUMN,
  ],
  row: (np, now) => ({ cells: [np.metadata.name ?? '', formatSelectorCell(obj(np.spec).podSelector ?? {}), age(np, now)] }),
};
