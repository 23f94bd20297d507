// Cluster IP and node port allocation for Services, kept consistent in etcd so that two API servers
// (or two racing creates) can never hand out the same address:
// - each cluster IP is reserved by an IPAddress object at /registry/ipaddresses/<ip>, created with
//   "key must not exist", as upstream's IPAddress-based allocator does;
// - node ports live in one RangeAllocation bitmap at /registry/ranges/servicenodeports, updated by
//   compare-and-swap, as upstream keeps them.
// Reservations are taken after validation and before the write, and given back when the write fails
// (upstream's BeginCreate/BeginUpdate "finish" functions) or when the service is deleted.
// Not done: the repair loop that finds reservations leaked by a crash between the two writes.
import { randomUUID } from 'node:crypto';
import { invalid } from '../../api/errors.ts';
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { StorageError, type Storage } from '../../storage/interface.ts';
import type { FinishFunc, StoreHooks } from '../store.ts';
import { nowRFC3339 } from '../store.ts';

export const SERVICE_CIDR = '10.96.0.0/12';
const SERVICE_CIDR_BASE = (10 << 24) | (96 << 16);
const SERVICE_CIDR_SIZE = 1 << 20;
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;
const NODE_PORT_RANGE = `${NODE_PORT_MIN}-${NODE_PORT_MAX}`;

interface ServicePort {
  nodePort?: number;
}
interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
  externalTrafficPolicy?: string;
  healthCheckNodePort?: number;
  allocateLoadBalancerNodePorts?: boolean;
}

function ipToString(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function ipToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

const specOf = (svc: KObject | undefined): ServiceSpec => ((svc?.spec ?? {}) as ServiceSpec);
const hasClusterIP = (s: ServiceSpec) => s.type !== 'ExternalName' && s.clusterIP !== 'None';
const needsNodePorts = (s: ServiceSpec) =>
  s.type === 'NodePort' || (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts !== false);
const needsHealthCheckPort = (s: ServiceSpec) => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';

/** Every node port a service holds (ports' nodePorts and the health check port). */
function nodePortsOf(s: ServiceSpec): number[] {
  const out = (s.ports ?? []).map((p) => p.nodePort).filter((p): p is number => typeof p === 'number' && p > 0);
  if (typeof s.healthCheckNodePort === 'number' && s.healthCheckNodePort > 0) out.push(s.healthCheckNodePort);
  return out;
}

export class ServiceAllocator {
  constructor(private readonly storage: Storage) {}

  private ipKey(ip: string): string {
    return `${this.storage.prefix}/ipaddresses/${ip}`;
  }

  private get portsKey(): string {
    return `${this.storage.prefix}/ranges/servicenodeports`;
  }

  /** The store hooks that reserve on create and update and release on delete. */
  hooks(): StoreHooks {
    return {
      beginCreate: (svc, dryRun) => this.allocate(svc, undefined, dryRun),
      beginUpdate: (svc, old, dryRun) => this.allocate(svc, old, dryRun),
      afterDelete: async (svc) => {
        const s = specOf(svc);
        await this.releaseIPs(s.clusterIPs ?? (s.clusterIP ? [s.clusterIP] : []));
        await this.releasePorts(nodePortsOf(s));
      },
    };
  }

  /** Reserve what `svc` newly holds compared with `old`; the finish function settles both sides. */
  private async allocate(svc: KObject, old: KObject | undefined, dryRun: boolean): Promise<FinishFunc | undefined> {
    const spec = specOf(svc);
    const oldSpec = specOf(old);
    const errs: FieldError[] = [];
    const takenIPs: string[] = [];
    const takenPorts: number[] = [];
    const rollback = async () => {
      await this.releaseIPs(takenIPs);
      await this.releasePorts(takenPorts);
    };
    const oldIPs = oldSpec.clusterIPs ?? (oldSpec.clusterIP ? [oldSpec.clusterIP] : []);
    const oldPorts = new Set(nodePortsOf(oldSpec));
    try {
      // Cluster IP: a new service, or an update from a type that had none.
      if (hasClusterIP(spec) && !oldIPs.includes(spec.clusterIP ?? '')) {
        const requested = spec.clusterIP;
        const ip = requested ? await this.reserveIP(requested, svc, dryRun, errs) : await this.reserveRandomIP(svc, dryRun);
        if (ip) {
          if (!dryRun) takenIPs.push(ip);
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
        }
      }
      // Node ports: the ones a port asks for, then free ones for every port without one.
      const wanted: { index: number; port: number }[] = [];
      (spec.ports ?? []).forEach((p, index) => {
        if (p.nodePort && !oldPorts.has(p.nodePort)) wanted.push({ index, port: p.nodePort });
      });
      const missing = needsNodePorts(spec) ? (spec.ports ?? []).filter((p) => !p.nodePort) : [];
      const wantHC = needsHealthCheckPort(spec) && !spec.healthCheckNodePort;
      const hcRequested =
        needsHealthCheckPort(spec) && spec.healthCheckNodePort && !oldPorts.has(spec.healthCheckNodePort) ? spec.healthCheckNodePort : 0;
      if (wanted.length || missing.length || wantHC || hcRequested) {
        const got = await this.reservePorts(
          wanted,
          hcRequested,
          missing.length + (wantHC ? 1 : 0),
          dryRun,
          errs,
        );
        if (!dryRun) takenPorts.push(...got.reserved);
        for (const p of missing) p.nodePort = got.fresh.shift();
        if (wantHC) spec.healthCheckNodePort = got.fresh.shift();
      }
      if (errs.length) throw invalid('Service', svc.metadata.name ?? '', errs);
    } catch (err) {
      await rollback();
      throw err;
    }
    svc.spec = spec;
    if (dryRun) return undefined;
    return async (success) => {
      if (!success) return rollback();
      // The write went through: what the old object held and the new one does not goes back.
      const keptIPs = new Set(spec.clusterIPs ?? []);
      await this.releaseIPs(oldIPs.filter((ip) => !keptIPs.has(ip)));
      const keptPorts = new Set(nodePortsOf(spec));
      await this.releasePorts([...oldPorts].filter((p) => !keptPorts.has(p)));
    };
  }

  private ipAddressObject(ip: string, svc: KObject): KObject {
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IPAddress',
      metadata: {
        name: ip,
        // Served as is by networking.k8s.io/v1 ipaddresses, so it carries what a created object has.
        uid: randomUUID(),
        creationTimestamp: nowRFC3339(),
        labels: { 'ipaddress.kubernetes.io/ip-family': 'IPv4', 'ipaddress.kubernetes.io/managed-by': 'ipallocator.k8s.io' },
      },
      spec: { parentRef: { group: '', resource: 'services', namespace: svc.metadata.namespace, name: svc.metadata.name } },
    };
  }

  private async reserveIP(ip: string, svc: KObject, dryRun: boolean, errs: FieldError[]): Promise<string | undefined> {
    const path = 'spec.clusterIPs';
    const n = ipToNumber(ip);
    if (n === undefined) return undefined; // validation has already reported it
    if (n < SERVICE_CIDR_BASE || n >= SERVICE_CIDR_BASE + SERVICE_CIDR_SIZE) {
      errs.push(
        fieldErrors.invalid(
          path,
          [ip],
          `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}`,
        ),
      );
      return undefined;
    }
    if (dryRun) {
      if (await this.storage.get(this.ipKey(ip))) errs.push(fieldErrors.invalid(path, [ip], `failed to allocate IP ${ip}: provided IP is already allocated`));
      return ip;
    }
    try {
      await this.storage.create(this.ipKey(ip), this.ipAddressObject(ip, svc));
      return ip;
    } catch (err) {
      if (err instanceof StorageError && err.code === 'KeyExists') {
        errs.push(fieldErrors.invalid(path, [ip], `failed to allocate IP ${ip}: provided IP is already allocated`));
        return undefined;
      }
      throw err;
    }
  }

  private async reserveRandomIP(svc: KObject, dryRun: boolean): Promise<string> {
    // Offsets 0 (network) and 1 (the kubernetes service, reserved at bootstrap) are skipped and the
    // last address is broadcast; collisions in a 2^20 range are rare, so random probing is cheap.
    for (let tries = 0; tries < 1000; tries++) {
      const ip = ipToString(SERVICE_CIDR_BASE + 2 + Math.floor(Math.random() * (SERVICE_CIDR_SIZE - 3)));
      if (dryRun) {
        if (!(await this.storage.get(this.ipKey(ip)))) return ip;
        continue;
      }
      try {
        await this.storage.create(this.ipKey(ip), this.ipAddressObject(ip, svc));
        return ip;
      } catch (err) {
        if (!(err instanceof StorageError && err.code === 'KeyExists')) throw err;
      }
    }
    throw invalid('Service', svc.metadata.name ?? '', [
      fieldErrors.invalid('spec.clusterIPs', null, 'failed to allocate IP: range is full'),
    ]);
  }

  private async releaseIPs(ips: string[]): Promise<void> {
    for (const ip of ips) {
      try {
        await this.storage.delete(this.ipKey(ip));
      } catch (err) {
        if (!(err instanceof StorageError && err.code === 'KeyNotFound')) throw err;
      }
    }
  }

  /**
   * Read the bitmap, change it with `edit`, write it back by compare-and-swap (retried on conflicts).
   * Nothing is written when `edit` says the bitmap is unchanged or the caller only looks (dry run).
   */
  private async editPorts<T>(edit: (bits: Buffer) => { value: T; dirty: boolean }, write: boolean): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const stored = await this.storage.get(this.portsKey);
      const bits = Buffer.alloc(Math.ceil((NODE_PORT_MAX - NODE_PORT_MIN + 1) / 8));
      if (stored && typeof stored.data === 'string') Buffer.from(stored.data, 'base64').copy(bits);
      const { value: result, dirty } = edit(bits);
      if (!write || !dirty) return result;
      const next: KObject = {
        apiVersion: 'v1',
        kind: 'RangeAllocation',
        metadata: { name: '', creationTimestamp: stored?.metadata.creationTimestamp ?? nowRFC3339() },
        range: NODE_PORT_RANGE,
        data: bits.toString('base64'),
      };
      try {
        if (stored) await this.storage.update(this.portsKey, next, Number(stored.metadata.resourceVersion));
        else await this.storage.create(this.portsKey, next);
        return result;
      } catch (err) {
        const retry = err instanceof StorageError && (err.code === 'Conflict' || err.code === 'KeyExists' || err.code === 'KeyNotFound');
        if (!retry || attempt >= 50) throw err;
      }
    }
  }

  private async reservePorts(
    wanted: { index: number; port: number }[],
    healthCheck: number,
    freshCount: number,
    dryRun: boolean,
    errs: FieldError[],
  ): Promise<{ reserved: number[]; fresh: number[] }> {
    const size = NODE_PORT_MAX - NODE_PORT_MIN + 1;
    const isSet = (bits: Buffer, off: number) => (bits[off >> 3]! & (1 << (off & 7))) !== 0;
    const set = (bits: Buffer, off: number) => (bits[off >> 3] = bits[off >> 3]! | (1 << (off & 7)));
    const got = await this.editPorts((bits) => {
      // Runs again on a conflicting write, so it collects into fresh arrays each time.
      const problems: FieldError[] = [];
      const reserved: number[] = [];
      const fresh: number[] = [];
      const take = (port: number, field: string) => {
        if (port < NODE_PORT_MIN || port > NODE_PORT_MAX) {
          problems.push(
            fieldErrors.invalid(field, port, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE}`),
          );
        } else if (isSet(bits, port - NODE_PORT_MIN)) {
          problems.push(fieldErrors.invalid(field, port, 'provided port is already allocated'));
        } else {
          set(bits, port - NODE_PORT_MIN);
          reserved.push(port);
        }
      };
      for (const w of wanted) take(w.port, `spec.ports[${w.index}].nodePort`);
      if (healthCheck) take(healthCheck, 'spec.healthCheckNodePort');
      for (let i = 0; i < freshCount && problems.length === 0; i++) {
        const start = Math.floor(Math.random() * size);
        let found = -1;
        for (let k = 0; k < size && found < 0; k++) if (!isSet(bits, (start + k) % size)) found = (start + k) % size;
        if (found < 0) {
          problems.push(fieldErrors.invalid('spec.ports', null, 'failed to allocate a nodePort: range is full'));
          break;
        }
        set(bits, found);
        reserved.push(found + NODE_PORT_MIN);
        fresh.push(found + NODE_PORT_MIN);
      }
      // A refused port fails the whole request, so nothing of this call is kept.
      if (problems.length) return { value: { reserved: [], fresh: [], problems }, dirty: false };
      return { value: { reserved, fresh, problems }, dirty: reserved.length > 0 };
    }, !dryRun);
    errs.push(...got.problems);
    return got;
  }

  private async releasePorts(ports: number[]): Promise<void> {
    if (ports.length === 0) return;
    await this.editPorts((bits) => {
      for (const p of ports) {
        const off = p - NODE_PORT_MIN;
        if (off >= 0 && off <= NODE_PORT_MAX - NODE_PORT_MIN) bits[off >> 3] = bits[off >> 3]! & ~(1 << (off & 7));
      }
      return { value: undefined, dirty: true };
    }, true);
  }
}
