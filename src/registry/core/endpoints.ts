// Endpoints: SetDefaults_Endpoints, ValidateEndpoints and printEndpoints / formatEndpoints.
import { isIP } from 'node:net';
import { fieldErrors, type FieldError } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { isDNS1123Subdomain, isQualifiedName } from '../../api/names.ts';
import { AGE_COLUMN, NAME_COLUMN, age, column } from '../printing.ts';
import type { Strategy, TableRow } from '../strategy.ts';
import { PORT_PROTOCOLS } from './podspec.ts';
import { type Obj, Path, arr, num, objs, str } from './util.ts';
import { isValidIP, isValidPortNum, validateDNS1123Label, validateEnum } from './validation.ts';

const COLUMNS = [NAME_COLUMN, column('Endpoints', 'string', 'Ready endpoint addresses, the first few.'), AGE_COLUMN];

function hostPort(ip: string, port: number): string {
  return isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** formatEndpoints with all ports: up to three "ip:port" entries, then " + N more...". */
export function formatEndpoints(ep: KObject): string {
  const subsets = objs(ep.subsets);
  if (arr(ep.subsets).length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = objs(ss.addresses);
    const ports = objs(ss.ports);
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(str(a.ip));
      }
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(hostPort(str(a.ip), num(p.port) ?? 0));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

function row(ep: KObject, now: number): TableRow {
  return { cells: [ep.metadata.name ?? '', formatEndpoints(ep), age(ep, now)] };
}

function defaultEndpoints(ep: KObject): void {
  for (const ss of objs(ep.subsets)) for (const p of objs(ss.ports)) if (!p.protocol) p.protocol = 'TCP';
}

/** ValidateNonSpecialIP, without the loopback rule (a local control plane advertises 127.0.0.1). */
function validateNonSpecialIP(ip: string, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  if (ip === '0.0.0.0' || ip === '::') errs.push(fieldErrors.invalid(String(path), ip, `may not be unspecified (${ip})`));
  const v4 = /^(\d+)\.(\d+)\./.exec(ip);
  const lower = ip.toLowerCase();
  if ((v4 && v4[1] === '169' && v4[2] === '254') || /^fe[89ab][0-9a-f]:/.test(lower)) {
    errs.push(fieldErrors.invalid(String(path), ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  }
  if (/^224\.0\.0\./.test(ip) || /^ff02:/.test(lower)) {
    errs.push(fieldErrors.invalid(String(path), ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}

function validateAddress(a: Obj, path: Path): FieldError[] {
  const ip = str(a.ip);
  const errs = isValidIP(ip).map((m) => fieldErrors.invalid(String(path.child('ip')), ip, m));
  const hostname = str(a.hostname);
  if (hostname) errs.push(...validateDNS1123Label(hostname, path.child('hostname')));
  if (typeof a.nodeName === 'string') {
    for (const m of isDNS1123Subdomain(a.nodeName)) errs.push(fieldErrors.invalid(String(path.child('nodeName')), a.nodeName, m));
  }
  if (isIP(ip)) errs.push(...validateNonSpecialIP(ip, path.child('ip')));
  return errs;
}

function validate(ep: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const path = Path.of('subsets');
  objs(ep.subsets).forEach((ss, i) => {
    const ip = path.index(i);
    const addresses = objs(ss.addresses);
    const notReady = objs(ss.notReadyAddresses);
    if (addresses.length === 0 && notReady.length === 0) {
      errs.push(fieldErrors.required(String(ip), 'must specify `addresses` or `notReadyAddresses`'));
    }
    addresses.forEach((a, j) => errs.push(...validateAddress(a, ip.child('addresses').index(j))));
    notReady.forEach((a, j) => errs.push(...validateAddress(a, ip.child('notReadyAddresses').index(j))));
    const ports = objs(ss.ports);
    ports.forEach((p, j) => {
      const pp = ip.child('ports').index(j);
      const name = str(p.name);
      if (ports.length > 1 && !name) errs.push(fieldErrors.required(String(pp.child('name'))));
      else if (name) errs.push(...validateDNS1123Label(name, pp.child('name')));
      const port = num(p.port) ?? 0;
      for (const m of isValidPortNum(port)) errs.push(fieldErrors.invalid(String(pp.child('port')), port, m));
      errs.push(...validateEnum(str(p.protocol), PORT_PROTOCOLS, pp.child('protocol')));
      if (typeof p.appProtocol === 'string') {
        for (const m of isQualifiedName(p.appProtocol)) errs.push(fieldErrors.invalid(String(pp.child('appProtocol')), p.appProtocol, m));
      }
    });
  });
  return errs;
}

export const endpointsStrategy: Strategy = {
  nameRule: 'subdomain',
  prepareForCreate: defaultEndpoints,
  prepareForUpdate: defaultEndpoints,
  validate,
  columns: COLUMNS,
  row,
};
