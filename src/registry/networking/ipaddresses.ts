// ipaddresses.networking.k8s.io and servicecidrs.networking.k8s.io (GA in 1.33):
// pkg/registry/networking/{ipaddress,servicecidr} strategies, ValidateIPAddress/ValidateServiceCIDR and
// their printers. The service allocator (core/service-allocation.ts) writes the IPAddress objects at
// the keys this store serves; the default ServiceCIDR `kubernetes` is made at bootstrap.
import { isIP } from 'node:net';
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { validatePathSegmentName } from '../../api/names.ts';
import type { KObject } from '../../api/types.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';
import { Path, deepEqual, isObj, obj, str } from '../core/util.ts';
import { IMMUTABLE, validateImmutable } from '../core/validation.ts';
import { SERVICE_CIDR } from '../core/service-allocation.ts';
import { parseCIDR, validateCIDR, validateReference } from './net-validation.ts';

/** The ServiceCIDR kube-apiserver creates from --service-cluster-ip-range. */
export const DEFAULT_SERVICE_CIDR_NAME = 'kubernetes';

export function defaultServiceCIDR(now: string): KObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'ServiceCIDR',
    metadata: { name: DEFAULT_SERVICE_CIDR_NAME },
    spec: { cidrs: [SERVICE_CIDR] },
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: '', message: 'Kubernetes default Service CIDR is ready', lastTransitionTime: now }],
    },
  };
}

function validateIPAddress(ip: KObject): FieldError[] {
  const name = ip.metadata.name ?? '';
  const errs: FieldError[] = [];
  if (!isIP(name)) errs.push(fieldErrors.invalid('metadata.name', name, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  const ref = obj(ip.spec).parentRef;
  if (!isObj(ref)) return [...errs, fieldErrors.required('spec.parentRef')];
  const path = 'spec.parentRef';
  errs.push(...validateReference(ref, path, 'group', ['resource', 'name']));
  const ns = str(ref.namespace);
  if (ns !== '') for (const m of validatePathSegmentName(ns, false)) errs.push(fieldErrors.invalid(`${path}.namespace`, ns, m));
  return errs;
}

export const ipAddressStrategy: Strategy = {
  // The name is an IP (validated below); IPv6 names are no DNS subdomains.
  nameRule: 'path',
  validate: validateIPAddress,
  validateUpdate: (ip, old) => validateImmutable(obj(ip.spec).parentRef, obj(old.spec).parentRef, Path.of('spec', 'parentRef'), deepEqual),
  columns: [
    NAME_COLUMN,
    column('ParentRef', 'string', 'ParentRef references the resource that an IPAddress is attached to. An IPAddress must reference a parent object.'),
  ],
  row(ip) {
    const ref = obj(ip.spec).parentRef;
    let parent = '<none>';
    if (isObj(ref)) {
      // schema.GroupResource.String() lowercased, then the namespace if any, then the name.
      const gr = (str(ref.group) === '' ? str(ref.resource) : `${str(ref.resource)}.${str(ref.group)}`).toLowerCase();
      parent = `${gr}${str(ref.namespace) !== '' ? `/${str(ref.namespace)}` : ''}/${str(ref.name)}`;
    }
    return { cells: [ip.metadata.name ?? '', parent] };
  },
};

function validateCIDRs(cidrs: unknown): FieldError[] {
  const list = Array.isArray(cidrs) ? cidrs.map(str) : [];
  const path = 'spec.cidrs';
  if (list.length === 0) return [fieldErrors.required(path, 'at least one CIDR required')];
  if (list.length > 2) return [fieldErrors.invalid(path, { cidrs: list }, 'may only hold up to 2 values')];
  const errs = list.flatMap((c, i) => validateCIDR(`${path}[${i}]`, c));
  const [a, b] = list.map(parseCIDR);
  if (list.length === 2 && a && b && a.family === b.family) {
    errs.push(fieldErrors.invalid(path, list, 'may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64'));
  }
  return errs;
}

function validateCIDRsUpdate(sc: KObject, old: KObject): FieldError[] {
  const next = (obj(sc.spec).cidrs as unknown[] | undefined ?? []).map(str);
  const prev = (obj(old.spec).cidrs as unknown[] | undefined ?? []).map(str);
  if (next.length === prev.length) {
    return prev.flatMap((c, i) => (c === next[i] ? [] : [fieldErrors.invalid(`spec.cidrs[${i}]`, next[i], IMMUTABLE)]));
  }
  // Adding the second family's range to a single-stack ServiceCIDR is the one change allowed.
  if (prev.length === 1 && next.length === 2) {
    return (next[0] === prev[0] ? [] : [fieldErrors.invalid('spec.cidrs[0]', next[0], IMMUTABLE)]).concat(validateCIDRs(next));
  }
  return [fieldErrors.invalid('spec.cidrs', next, IMMUTABLE)];
}

export const serviceCIDRStrategy: Strategy = {
  validate: (sc) => (sc.metadata.resourceVersion ? [] : validateCIDRs(obj(sc.spec).cidrs)),
  validateUpdate: validateCIDRsUpdate,
  columns: [
    NAME_COLUMN,
    column(
      'CIDRs',
      'string',
      'CIDRs defines the IP blocks in CIDR notation (e.g. "192.168.0.0/24" or "2001:db8::/64") from which to assign service cluster IPs. Max of two CIDRs is allowed, one of each IP family. This field is immutable.',
    ),
    AGE_COLUMN,
  ],
  row: (sc, now) => ({ cells: [sc.metadata.name ?? '', ((obj(sc.spec).cidrs as unknown[] | undefined) ?? []).map(str).join(','), age(sc, now)] }),
};
