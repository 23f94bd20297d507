// ingresses.networking.k8s.io: pkg/registry/networking/ingress (strategy: generation, status split),
// pkg/apis/networking/validation (ValidateIngressCreate/Update, ValidateIngressStatusUpdate) and
// printIngress. networking/v1 has no Ingress defaults: pathType is required.
import { isIP } from 'node:net';
import { invalid } from '../../api/errors.ts';
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { isDNS1123Subdomain, nameIsDNS1035Label, nameIsDNSSubdomain } from '../../api/names.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { type Obj, isObj, obj, objs, str } from '../core/util.ts';
import { isValidPortName, isValidPortNum } from '../core/validation.ts';
import { hostErrors, validateReference } from './net-validation.ts';

export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const BAD_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const BAD_PATH_SUFFIXES = ['/..', '/.'];
/** printers.go's loadBalancerWidth: the ADDRESS cell is clipped to this without -o wide. */
const ADDRESS_WIDTH = 16;

function validateBackend(backend: Obj, path: string): FieldError[] {
  const resource = backend.resource;
  const service = backend.service;
  if (isObj(resource) && isObj(service)) return [fieldErrors.invalid(path, '', 'cannot set both resource and service backends')];
  if (isObj(resource)) return validateReference(resource, `${path}.resource`, 'apiGroup', ['kind', 'name']);
  if (!isObj(service)) return [fieldErrors.invalid(path, '', 'resource or service backend is required')];
  const errs: FieldError[] = [];
  const name = str(service.name);
  // The RelaxedServiceNameValidation gate is off by default: service names are DNS-1035 labels.
  if (name === '') errs.push(fieldErrors.required(`${path}.service.name`));
  else for (const m of nameIsDNS1035Label(name, false)) errs.push(fieldErrors.invalid(`${path}.service.name`, name, m));
  const port = obj(service.port);
  const portName = str(port.name);
  const portNumber = typeof port.number === 'number' ? port.number : 0;
  if (portName !== '' && portNumber !== 0) errs.push(fieldErrors.invalid(path, '', 'cannot set both port name & port number'));
  else if (portName !== '') for (const m of isValidPortName(portName)) errs.push(fieldErrors.invalid(`${path}.service.port.name`, portName, m));
  else if (portNumber !== 0) for (const m of isValidPortNum(portNumber)) errs.push(fieldErrors.invalid(`${path}.service.port.number`, portNumber, m));
  else errs.push(fieldErrors.required(path, 'port name or number is required'));
  return errs;
}

function validatePath(p: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const pathType = p.pathType;
  if (typeof pathType !== 'string') return [fieldErrors.required(`${path}.pathType`, 'pathType must be specified')];
  const value = str(p.path);
  if (pathType === 'Exact' || pathType === 'Prefix') {
    if (!value.startsWith('/')) errs.push(fieldErrors.invalid(`${path}.path`, value, 'must be an absolute path'));
    for (const seq of BAD_PATH_SEQUENCES) if (value.includes(seq)) errs.push(fieldErrors.invalid(`${path}.path`, value, `must not contain '${seq}'`));
    for (const suf of BAD_PATH_SUFFIXES) if (value.endsWith(suf)) errs.push(fieldErrors.invalid(`${path}.path`, value, `cannot end with '${suf}'`));
  } else if (pathType === 'ImplementationSpecific') {
    if (value !== '' && !value.startsWith('/')) errs.push(fieldErrors.invalid(`${path}.path`, value, 'must be an absolute path'));
  } else {
    errs.push(fieldErrors.notSupported(`${path}.pathType`, pathType, PATH_TYPES));
  }
  errs.push(...validateBackend(obj(p.backend), `${path}.backend`));
  return errs;
}

function validateRuleValue(rule: Obj, path: string): FieldError[] {
  if (!isObj(rule.http)) return [];
  const paths = objs(rule.http.paths);
  const errs: FieldError[] = [];
  if (paths.length === 0) errs.push(fieldErrors.required(`${path}.http.paths`));
  paths.forEach((p, i) => errs.push(...validatePath(p, `${path}.http.paths[${i}]`)));
  return errs;
}

/** Old objects whose wildcard rules were stored before the rule values were checked keep passing. */
function tolerateWildcardRules(old: KObject | undefined): boolean {
  return objs(obj(old?.spec).rules).some((r) => str(r.host).includes('*') && validateRuleValue(r, '').length > 0);
}

function tolerateSecretNames(old: KObject | undefined): boolean {
  return objs(obj(old?.spec).tls).some((t) => str(t.secretName) !== '' && nameIsDNSSubdomain(str(t.secretName), false).length > 0);
}

function validateSpec(ingress: KObject, old: KObject | undefined): FieldError[] {
  const spec = obj(ingress.spec);
  const errs: FieldError[] = [];
  const rules = objs(spec.rules);
  if (rules.length === 0 && !isObj(spec.defaultBackend)) {
    errs.push(fieldErrors.invalid('spec', spec.rules ?? null, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (isObj(spec.defaultBackend)) errs.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  const wildcardLoose = tolerateWildcardRules(old);
  rules.forEach((rule, i) => {
    const host = str(rule.host);
    const path = `spec.rules[${i}]`;
    if (host !== '') {
      if (isIP(host)) errs.push(fieldErrors.invalid(`${path}.host`, host, 'must be a DNS name, not an IP address'));
      for (const m of hostErrors(host)) errs.push(fieldErrors.invalid(`${path}.host`, host, m));
    }
    if (!host.includes('*') || !wildcardLoose) errs.push(...validateRuleValue(rule, path));
  });
  const secretLoose = tolerateSecretNames(old);
  objs(spec.tls).forEach((tls, i) => {
    (Array.isArray(tls.hosts) ? tls.hosts : []).forEach((h, j) => {
      const host = str(h);
      for (const m of hostErrors(host)) errs.push(fieldErrors.invalid(`spec.tls[${i}].hosts[${j}]`, host, m));
    });
    const secret = str(tls.secretName);
    if (secret !== '' && !secretLoose) {
      for (const m of nameIsDNSSubdomain(secret, false)) errs.push(fieldErrors.invalid(`spec.tls[${i}].secretName`, secret, m));
    }
  });
  if (typeof spec.ingressClassName === 'string') {
    for (const m of nameIsDNSSubdomain(spec.ingressClassName, false)) {
      errs.push(fieldErrors.invalid('spec.ingressClassName', spec.ingressClassName, m));
    }
  }
  return errs;
}

function validateCreate(ingress: KObject): FieldError[] {
  const errs = validateSpec(ingress, undefined);
  const annotation = ingress.metadata.annotations?.[INGRESS_CLASS_ANNOTATION];
  const className = obj(ingress.spec).ingressClassName;
  if (annotation !== undefined && typeof className === 'string' && annotation !== className) {
    errs.push(fieldErrors.invalid(`annotations.${INGRESS_CLASS_ANNOTATION}`, annotation, 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

/** ValidateIngressLoadBalancerStatus: addresses the old status held stay allowed as they are. */
function validateStatus(ingress: KObject, old: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const oldIPs = objs(obj(obj(old.status).loadBalancer).ingress).map((i) => str(i.ip));
  objs(obj(obj(ingress.status).loadBalancer).ingress).forEach((lb, i) => {
    const path = `status.loadBalancer.ingress[${i}]`;
    const ip = str(lb.ip);
    if (ip !== '' && !oldIPs.includes(ip) && !isIP(ip)) {
      errs.push(fieldErrors.invalid(`${path}.ip`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    }
    const hostname = str(lb.hostname);
    if (hostname !== '') {
      for (const m of isDNS1123Subdomain(hostname)) errs.push(fieldErrors.invalid(`${path}.hostname`, hostname, m));
      if (isIP(hostname)) errs.push(fieldErrors.invalid(`${path}.hostname`, hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

function formatHosts(rules: Obj[]): string {
  const shown: string[] = [];
  let more = false;
  for (const rule of rules) {
    // Upstream counts every rule past the third as "more", hosts or not.
    if (shown.length === 3) more = true;
    if (!more && str(rule.host) !== '') shown.push(str(rule.host));
  }
  if (shown.length === 0) return '*';
  return more ? `${shown.join(',')} + ${rules.length - 3} more...` : shown.join(',');
}

function formatAddress(ingress: KObject): string {
  const seen = new Set<string>();
  for (const lb of objs(obj(obj(ingress.status).loadBalancer).ingress)) {
    if (str(lb.ip) !== '') seen.add(str(lb.ip));
    else if (str(lb.hostname) !== '') seen.add(str(lb.hostname));
  }
  const text = [...seen].sort().join(',');
  return text.length > ADDRESS_WIDTH ? `${text.slice(0, ADDRESS_WIDTH - 3)}...` : text;
}

export const ingressStrategy: Strategy = {
  tracksGeneration: true,
  prepareForCreate(ingress) {
    ingress.status = { loadBalancer: {} };
  },
  validate(ingress) {
    // The store runs validate on updates too (they carry the stored resourceVersion); those are
    // checked in validateUpdate, with the old object's tolerances.
    return ingress.metadata.resourceVersion ? [] : validateCreate(ingress);
  },
  validateUpdate: (ingress, old) => validateSpec(ingress, old),
  prepareForStatusUpdate(ingress, old) {
    // The store validates no /status write itself; ValidateIngressStatusUpdate runs here.
    const errs = validateStatus(ingress, old);
    if (errs.length) throw invalid('Ingress.networking.k8s.io', ingress.metadata.name ?? '', errs);
  },
  columns: [
    NAME_COLUMN,
    column('Class', 'string', 'The name of the IngressClass resource that should be used for this Ingress'),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    AGE_COLUMN,
  ],
  row(ingress, now) {
    const spec = obj(ingress.spec);
    return {
      cells: [
        ingress.metadata.name ?? '',
        typeof spec.ingressClassName === 'string' ? spec.ingressClassName : '<none>',
        formatHosts(objs(spec.rules)),
        formatAddress(ingress),
        objs(spec.tls).length > 0 ? '80, 443' : '80',
        age(ingress, now),
      ],
    };
  },
};
