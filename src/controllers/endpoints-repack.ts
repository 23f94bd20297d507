// RepackSubsets and SortSubsets of pkg/api/v1/endpoints: Endpoints subsets in their canonical form.
// Every (address, port) pair is expanded, addresses that offer the same set of ports are grouped
// into one subset (addresses of subsets without ports form their own, portless subsets; not ready wins over ready for an address listed both ways), addresses are sorted
// by IP then target UID, and ports and subsets are ordered by the MD5 of their Go debug dump
// (spew `%#v` with the settings of k8s.io/utils/dump.ForHash), reproduced here so that the order
// is upstream's exactly.
import { createHash } from 'node:crypto';
import type { V1EndpointAddress, CoreV1EndpointPort as V1EndpointPort, V1EndpointSubset } from '@kubernetes/client-node';

const str = (v: string | undefined) => `(string)${v ?? ''}`;
const ptr = (type: string, v: string | undefined) => `(*${type})${v === undefined || v === null ? '<nil>' : v}`;

function dumpPortBody(p: V1EndpointPort): string {
  return `{Name:${str(p.name)} Port:(int32)${p.port} Protocol:(v1.Protocol)${p.protocol ?? ''} AppProtocol:${ptr('string', p.appProtocol)}}`;
}

function dumpAddressBody(a: V1EndpointAddress): string {
  const r = a.targetRef;
  const ref = r
    ? `(*v1.ObjectReference){Kind:${str(r.kind)} Namespace:${str(r.namespace)} Name:${str(r.name)} UID:(types.UID)${r.uid ?? ''} APIVersion:${str(r.apiVersion)} ResourceVersion:${str(r.resourceVersion)} FieldPath:${str(r.fieldPath)}}`
    : '(*v1.ObjectReference)<nil>';
  return `{IP:${str(a.ip)} Hostname:${str(a.hostname)} NodeName:${ptr('string', a.nodeName)} TargetRef:${ref}}`;
}

function dumpSlice<T>(type: string, items: T[] | undefined, body: (t: T) => string): string {
  if (items === undefined) return `([]${type})<nil>`;
  return `([]${type})[${items.map(body).join(' ')}]`;
}

function dumpSubset(s: V1EndpointSubset): string {
  return (
    `(v1.EndpointSubset){Addresses:${dumpSlice('v1.EndpointAddress', s.addresses, dumpAddressBody)}` +
    ` NotReadyAddresses:${dumpSlice('v1.EndpointAddress', s.notReadyAddresses, dumpAddressBody)}` +
    ` Ports:${dumpSlice('v1.EndpointPort', s.ports, dumpPortBody)}}`
  );
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export function lessAddress(a: V1EndpointAddress, b: V1EndpointAddress): boolean {
  const c = Buffer.compare(Buffer.from(a.ip), Buffer.from(b.ip));
  if (c !== 0) return c < 0;
  if (!b.targetRef) return false;
  if (!a.targetRef) return true;
  return (a.targetRef.uid ?? '') < (b.targetRef.uid ?? '');
}

const byAddress = (a: V1EndpointAddress, b: V1EndpointAddress) => (lessAddress(a, b) ? -1 : lessAddress(b, a) ? 1 : 0);

function sortByHash<T>(items: T[], dump: (t: T) => string): T[] {
  const keyed = items.map((item) => ({ item, h: md5(dump(item)) }));
  keyed.sort((x, y) => (x.h < y.h ? -1 : x.h > y.h ? 1 : 0));
  return keyed.map((k) => k.item);
}

/** SortSubsets: addresses by IP and UID, ports and subsets by hash. */
export function sortSubsets(subsets: V1EndpointSubset[]): V1EndpointSubset[] {
  for (const ss of subsets) {
    ss.addresses?.sort(byAddress);
    ss.notReadyAddresses?.sort(byAddress);
    if (ss.ports) ss.ports = sortByHash(ss.ports, (p) => `(v1.EndpointPort)${dumpPortBody(p)}`);
  }
  return sortByHash(subsets, dumpSubset);
}

const portKey = (p: V1EndpointPort) => JSON.stringify([p.name ?? '', p.port, p.protocol ?? '', p.appProtocol ?? null]);

/** RepackSubsets: the canonical layout of a list of subsets. */
export function repackSubsets(subsets: V1EndpointSubset[]): V1EndpointSubset[] {
  const allAddrs = new Map<string, V1EndpointAddress>();
  // port → (address → ready)
  const portToAddrs = new Map<string, { port: V1EndpointPort; addrs: Map<V1EndpointAddress, boolean> }>();
  const map = (addr: V1EndpointAddress, port: V1EndpointPort, ready: boolean) => {
    const ak = `${addr.ip}\u0000${addr.targetRef?.uid ?? ''}`;
    let existing = allAddrs.get(ak);
    if (!existing) {
      existing = { ...addr };
      allAddrs.set(ak, existing);
    }
    const pk = portKey(port);
    let entry = portToAddrs.get(pk);
    if (!entry) {
      entry = { port, addrs: new Map() };
      portToAddrs.set(pk, entry);
    }
    const was = entry.addrs.get(existing);
    if (was === undefined || was) entry.addrs.set(existing, ready);
  };
  // A subset without ports (a headless service may have none) counts as port -1, which no subset lists.
  const NO_PORT: V1EndpointPort = { port: -1 };
  for (const ss of subsets) {
    for (const port of ss.ports?.length ? ss.ports : [NO_PORT]) {
      for (const a of ss.addresses ?? []) map(a, port, true);
      for (const a of ss.notReadyAddresses ?? []) map(a, port, false);
    }
  }
  // Group ports by the exact set of (address, ready) they map to.
  const groups = new Map<string, { addrs: Map<V1EndpointAddress, boolean>; ports: V1EndpointPort[] }>();
  const ids = new Map<V1EndpointAddress, number>();
  for (const { port, addrs } of portToAddrs.values()) {
    const gk = [...addrs.entries()]
      .map(([a, r]) => {
        let id = ids.get(a);
        if (id === undefined) ids.set(a, (id = ids.size));
        return `${id}:${r ? 1 : 0}`;
      })
      .sort()
      .join(',');
    let g = groups.get(gk);
    if (!g) groups.set(gk, (g = { addrs, ports: [] }));
    if (port.port > 0) g.ports.push(port);
  }
  const final: V1EndpointSubset[] = [];
  for (const { addrs, ports } of groups.values()) {
    let ready: V1EndpointAddress[] | undefined;
    let notReady: V1EndpointAddress[] | undefined;
    for (const [a, r] of addrs) {
      if (r) (ready ??= []).push(a);
      else (notReady ??= []).push(a);
    }
    const ss: V1EndpointSubset = {};
    if (ports.length > 0) ss.ports = ports;
    if (ready) ss.addresses = ready;
    if (notReady) ss.notReadyAddresses = notReady;
    final.push(ss);
  }
  return sortSubsets(final);
}
