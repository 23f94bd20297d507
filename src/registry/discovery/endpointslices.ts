// endpointslices.discovery.k8s.io: pkg/registry/discovery/endpointslice/strategy.go,
// pkg/apis/discovery/v1/defaults.go, pkg/apis/discovery/validation, printEndpointSlice.
import { isIPv4, isIPv6 } from 'node:net';
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import {
  asArray,
  asObj,
  asObjArray,
  asString,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isSet,
  validateImmutable,
  validateLabels,
} from '../apps/common.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy } from '../strategy.ts';

const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;
const MAX_TOPOLOGY_LABELS = 16;
const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** SetDefaults_EndpointPort; `endpoints` and `ports` have no omitempty and print as null. */
export function defaultEndpointSlice(obj: KObject): void {
  if (!('endpoints' in obj)) obj.endpoints = null;
  if (!('ports' in obj)) obj.ports = null;
  for (const p of asObjArray(obj.ports)) {
    if (!isSet(p.name)) p.name = '';
    if (!isSet(p.protocol)) p.protocol = 'TCP';
  }
}

/** The 8 groups of an IPv6 address (valid input), with an embedded IPv4 tail expanded. */
function ipv6Groups(ip: string): number[] {
  let s = ip.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const o = v4[1]!.split('.').map(Number);
    s = `${s.slice(0, -v4[1]!.length)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : new Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...zeros, ...t].map((g) => Number.parseInt(g, 16));
}

/** ValidateNonSpecialIP for an address already known to parse. */
function nonSpecialIP(ip: string, path: string): FieldError[] {
  let v4: number[] | undefined = isIPv4(ip) ? ip.split('.').map(Number) : undefined;
  let g: number[] = [];
  if (!v4) {
    g = ipv6Groups(ip);
    // IPv4-mapped addresses are judged as IPv4, as Go's net.IP does.
    if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) v4 = [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255];
  }
  const unspecified = v4 ? v4.every((o) => o === 0) : g.every((x) => x === 0);
  const loopback = v4 ? v4[0] === 127 : g.slice(0, 7).every((x) => x === 0) && g[7] === 1;
  const linkLocal = v4 ? v4[0] === 169 && v4[1] === 254 : (g[0]! & 0xffc0) === 0xfe80;
  const linkLocalMulticast = v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : (g[0]! & 0xff0f) === 0xff02;
  const errs: FieldError[] = [];
  if (unspecified) errs.push(fieldErrors.invalid(path, ip, `may not be unspecified (${ip})`));
  if (loopback) errs.push(fieldErrors.invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (linkLocal) errs.push(fieldErrors.invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (linkLocalMulticast) {
    errs.push(fieldErrors.invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}

/** validation.IsFullyQualifiedDomainName */
function fqdnErrors(name: string, path: string): FieldError[] {
  if (name.length === 0) return [fieldErrors.required(path)];
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  const sub = isDNS1123Subdomain(n);
  if (sub.length > 0) return [fieldErrors.invalid(path, n, sub.join(','))];
  const labels = n.split('.');
  if (labels.length < 2) return [fieldErrors.invalid(path, n, 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) {
    const errs = isDNS1123Label(label);
    if (errs.length > 0) return [fieldErrors.invalid(path, label, errs.join(','))];
  }
  return [];
}

function validateEndpoints(endpoints: unknown, addressType: string): FieldError[] {
  const list = asArray(endpoints);
  if (list.length > MAX_ENDPOINTS) return [fieldErrors.tooMany('endpoints', list.length, MAX_ENDPOINTS)];
  const errs: FieldError[] = [];
  list.forEach((raw, i) => {
    const ep = asObj(raw) ?? {};
    const p = `endpoints[${i}]`;
    const addresses = asArray(ep.addresses);
    if (addresses.length === 0) errs.push(fieldErrors.required(`${p}.addresses`, 'must contain at least 1 address'));
    else if (addresses.length > MAX_ADDRESSES) errs.push(fieldErrors.tooMany(`${p}.addresses`, addresses.length, MAX_ADDRESSES));
    addresses.forEach((a, j) => {
      const addr = asString(a);
      const ap = `${p}.addresses[${j}]`;
      switch (addressType) {
        case 'IPv4':
          if (!isIPv4(addr)) errs.push(fieldErrors.invalid(ap, addr, 'must be a valid IPv4 address'));
          else errs.push(...nonSpecialIP(addr, ap));
          break;
        case 'IPv6':
          if (!isIPv6(addr)) errs.push(fieldErrors.invalid(ap, addr, 'must be a valid IPv6 address'));
          else errs.push(...nonSpecialIP(addr, ap));
          break;
        case 'FQDN':
          errs.push(...fqdnErrors(addr, ap));
          break;
      }
    });
    if (typeof ep.nodeName === 'string') {
      for (const m of isDNS1123Subdomain(ep.nodeName)) errs.push(fieldErrors.invalid(`${p}.nodeName`, ep.nodeName, m));
    }
    const topology = asObj(ep.deprecatedTopology);
    if (topology) {
      const n = Object.keys(topology).length;
      if (n > MAX_TOPOLOGY_LABELS) errs.push(fieldErrors.tooMany(`${p}.deprecatedTopology`, n, MAX_TOPOLOGY_LABELS));
      errs.push(...validateLabels(topology, `${p}.deprecatedTopology`));
      if ('topology.kubernetes.io/zone' in topology) {
        errs.push(fieldErrors.internal(`${p}.deprecatedTopology[topology.kubernetes.io/zone]`, 'must not be used, use endpoint.zone instead'));
      }
    }
    if (typeof ep.hostname === 'string') {
      for (const m of isDNS1123Label(ep.hostname)) errs.push(fieldErrors.invalid(`${p}.hostname`, ep.hostname, m));
    }
  });
  return errs;
}

function validatePorts(ports: unknown): FieldError[] {
  const list = asArray(ports);
  if (list.length > MAX_PORTS) return [fieldErrors.tooMany('ports', list.length, MAX_PORTS)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((raw, i) => {
    const port = asObj(raw) ?? {};
    const p = `ports[${i}]`;
    const name = asString(port.name);
    if (name.length > 0) for (const m of isDNS1123Label(name)) errs.push(fieldErrors.invalid(`${p}.name`, name, m));
    if (names.has(name)) errs.push(fieldErrors.duplicate(`${p}.name`, name));
    else names.add(name);
    if (!isSet(port.protocol)) errs.push(fieldErrors.required(`${p}.protocol`));
    else if (!PROTOCOLS.includes(asString(port.protocol))) errs.push(fieldErrors.notSupported(`${p}.protocol`, port.protocol, PROTOCOLS));
    if (typeof port.appProtocol === 'string') {
      for (const m of isQualifiedName(port.appProtocol)) errs.push(fieldErrors.invalid(`${p}.appProtocol`, port.appProtocol, m));
    }
  });
  return errs;
}

function validateAddressType(addressType: string): FieldError[] {
  if (addressType === '') return [fieldErrors.required('addressType')];
  if (!ADDRESS_TYPES.includes(addressType)) return [fieldErrors.notSupported('addressType', addressType, ADDRESS_TYPES)];
  return [];
}

/** ValidateEndpointSlice */
export function validateEndpointSlice(obj: KObject): FieldError[] {
  const addressType = asString(obj.addressType);
  return [...validateEndpoints(obj.endpoints, addressType), ...validatePorts(obj.ports), ...validateAddressType(addressType)];
}

/** formatDiscoveryPorts / formatDiscoveryEndpoints: up to three items, then " + N more...". */
function listWithMore(items: string[]): string {
  const max = 3;
  if (items.length > max) return `${items.slice(0, max).join(',')} + ${items.length - max} more...`;
  return items.length === 0 ? '<unset>' : items.join(',');
}

export function formatSlicePorts(ports: unknown): string {
  return listWithMore(
    asObjArray(ports).map((p) => {
      if (typeof p.port === 'number') return String(p.port);
      if (typeof p.name === 'string') return p.name;
      return '*';
    }),
  );
}

export function formatSliceEndpoints(endpoints: unknown): string {
  return listWithMore(asObjArray(endpoints).flatMap((e) => asArray(e.addresses).map((a) => asString(a))));
}

export const endpointSliceStrategy: Strategy = {
  tracksGeneration: true,
  prepareForCreate: defaultEndpointSlice,
  prepareForUpdate(obj) {
    // TODO(lead): upstream also bumps the generation when only the labels change.
    defaultEndpointSlice(obj);
  },
  validate: validateEndpointSlice,
  validateUpdate(obj, old) {
    const oldType = asString(old.addressType);
    return ADDRESS_TYPES.includes(oldType) ? validateImmutable(asString(obj.addressType), oldType, 'addressType') : [];
  },
  columns: [
    NAME_COLUMN,
    column('AddressType', 'string', 'The kind of address the slice holds (IPv4, IPv6 or FQDN).'),
    column('Ports', 'string', 'Ports the endpoints expose.'),
    column('Endpoints', 'string', 'Addresses of the endpoints.'),
    AGE_COLUMN,
  ],
  row(obj, now) {
    return {
      cells: [obj.metadata.name ?? '', asString(obj.addressType), formatSlicePorts(obj.ports), formatSliceEndpoints(obj.endpoints), age(obj, now)],
    };
  },
};
