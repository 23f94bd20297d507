// Cluster IP and node port allocation for Services. Free addresses are found from the watch cache;
// two creates racing for the same random address is possible in principle and left for a later
// allocator with etcd-backed reservations (upstream uses IPAddress objects / a bitmap in etcd).
import type { KObject } from '../../api/types.ts';
import type { GenericStore } from '../store.ts';

export const SERVICE_CIDR_BASE = (10 << 24) | (96 << 16); // 10.96.0.0/12
const SERVICE_CIDR_SIZE = 1 << 20;
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

function ipToString(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

interface ServicePort {
  nodePort?: number;
}
interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
}

export async function allocateServiceAddresses(obj: KObject, services: GenericStore): Promise<void> {
  const spec = (obj.spec ?? {}) as ServiceSpec;
  const type = spec.type ?? 'ClusterIP';
  const needsIP = type !== 'ExternalName' && !spec.clusterIP;
  const needsPorts = (type === 'NodePort' || type === 'LoadBalancer') && (spec.ports ?? []).some((p) => !p.nodePort);
  if (!needsIP && !needsPorts) {
    if (spec.clusterIP && !spec.clusterIPs && type !== 'ExternalName') spec.clusterIPs = [spec.clusterIP];
    return;
  }
  const { items } = await services.cacher.list({ matches: () => true });
  if (needsIP) {
    const used = new Set(items.map((s) => (s.spec as ServiceSpec | undefined)?.clusterIP));
    // Offsets 0 (network) and 1 (the kubernetes service) are reserved; the last is broadcast.
    for (let tries = 0; tries < 100_000; tries++) {
      const ip = ipToString(SERVICE_CIDR_BASE + 2 + Math.floor(Math.random() * (SERVICE_CIDR_SIZE - 3)));
      if (!used.has(ip)) {
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
        break;
      }
    }
  } else if (spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
  if (needsPorts) {
    const used = new Set<number>();
    for (const s of items) for (const p of (s.spec as ServiceSpec | undefined)?.ports ?? []) if (p.nodePort) used.add(p.nodePort);
    for (const p of spec.ports ?? []) if (p.nodePort) used.add(p.nodePort);
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      for (let tries = 0; tries < 10_000; tries++) {
        const port = NODE_PORT_MIN + Math.floor(Math.random() * (NODE_PORT_MAX - NODE_PORT_MIN + 1));
        if (!used.has(port)) {
          used.add(port);
          p.nodePort = port;
          break;
        }
      }
    }
  }
  obj.spec = spec;
}
