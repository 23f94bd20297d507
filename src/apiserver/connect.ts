// The "connect" subresources of core/v1: pods/exec, pods/attach, pods/portforward, pods/proxy,
// services/proxy and nodes/proxy. Upstream's REST for each finds a backend location (the node's
// kubelet, a pod IP, a service endpoint) and streams the request there. Wheelhouse runs the same
// checks in the same order, so a missing pod, container, host or endpoint answers as upstream does;
// nodes/proxy really reaches the hollow node's kubelet server. What needs a real container runtime or
// pod network (exec, attach, port-forward, proxying to pod IPs) ends in the error upstream gives when
// it cannot reach that backend, as a clean Status.
import http from 'node:http';
import type { Request, Response } from 'express';
import { StatusError, badRequest, methodNotAllowed, type GroupResource } from '../api/errors.ts';
import type { KObject } from '../api/types.ts';
import type { Registry } from '../registry/registry.ts';
import { kubeletEndpoint, resolveContainer } from './pod-log.ts';
import { q, type Query } from './query.ts';

export interface ConnectRoute {
  resource: 'pods' | 'services' | 'nodes';
  subresource: 'exec' | 'attach' | 'portforward' | 'proxy';
  namespace?: string;
  /** As given: proxies accept `name`, `name:port` or `scheme:name:port`. */
  id: string;
  /** The rest of the path after …/proxy, with its leading slash ('' when none). */
  path: string;
}

const STREAMING = new Set(['exec', 'attach', 'portforward']);
const STREAM_METHODS = new Set(['GET', 'POST']);
const PROXY_METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);

/** /api/v1/namespaces/<ns>/pods/<name>/<exec|attach|portforward|proxy>[/…], services/<name>/proxy[/…], nodes/<name>/proxy[/…]. */
export function parseConnectPath(segs: readonly string[]): ConnectRoute | undefined {
  if (segs[0] !== 'api' || segs[1] !== 'v1') return undefined;
  if (segs[2] === 'nodes' && segs[4] === 'proxy' && segs[3]) {
    return { resource: 'nodes', subresource: 'proxy', id: segs[3], path: rest(segs, 5) };
  }
  if (segs[2] !== 'namespaces' || !segs[3] || !segs[5]) return undefined;
  const namespace = segs[3];
  const sub = segs[6];
  if (segs[4] === 'services' && sub === 'proxy') return { resource: 'services', subresource: 'proxy', namespace, id: segs[5], path: rest(segs, 7) };
  if (segs[4] !== 'pods') return undefined;
  if (sub === 'proxy') return { resource: 'pods', subresource: 'proxy', namespace, id: segs[5], path: rest(segs, 7) };
  if ((sub === 'exec' || sub === 'attach' || sub === 'portforward') && segs.length === 7) {
    return { resource: 'pods', subresource: sub, namespace, id: segs[5], path: '' };
  }
  return undefined;
}

function rest(segs: readonly string[], from: number): string {
  return segs.length > from ? `/${segs.slice(from).join('/')}` : '';
}

/** utilnet.SplitSchemeNamePort: `name`, `name:port` or `scheme:name:port`. */
function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(':');
  let out: { scheme: string; name: string; port: string };
  if (parts.length === 1) out = { scheme: '', name: parts[0]!, port: '' };
  else if (parts.length === 2) out = { scheme: '', name: parts[0]!, port: parts[1]! };
  else if (parts.length === 3) out = { scheme: parts[0]!, name: parts[1]!, port: parts[2]! };
  else return undefined;
  if (out.name === '' || (out.scheme !== '' && out.scheme !== 'http' && out.scheme !== 'https')) return undefined;
  return out;
}

/** apimachinery's proxy transport: a backend it cannot dial is a 503 with this prefix. */
function unreachable(detail: string): StatusError {
  return new StatusError(503, 'ServiceUnavailable', `error trying to reach service: ${detail}`);
}

export async function handleConnect(registry: Registry, route: ConnectRoute, req: Request, res: Response): Promise<void> {
  const gr: GroupResource = { group: '', resource: `${route.resource}/${route.subresource}` };
  const allowed = STREAMING.has(route.subresource) ? STREAM_METHODS : PROXY_METHODS;
  if (!allowed.has(req.method)) throw methodNotAllowed(gr, req.method.toLowerCase());
  if (route.resource === 'nodes') return nodeProxy(registry, route, req, res);
  if (route.resource === 'services') return serviceProxy(registry, route);
  if (route.subresource === 'proxy') return podProxy(registry, route);
  return podStream(registry, route, req.query as Query);
}

/** streamLocation / PortForwardLocation: the pod, its container (not for port-forward), its node. */
async function podStream(registry: Registry, route: ConnectRoute, query: Query): Promise<void> {
  const pod = await registry.store('', 'pods').get(route.namespace, route.id);
  if (route.subresource !== 'portforward') resolveContainer(pod, q(query, 'container'));
  const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
  if (!nodeName) throw badRequest(`pod ${route.id} does not have a host assigned`);
  // Hollow node agents have no container runtime to stream from: the dial to the kubelet's
  // streaming endpoint is what fails, and upstream reports that as an unknown-reason 500.
  throw new StatusError(500, '', `error dialing backend: node "${nodeName}" is a simulated node agent without a container runtime to ${route.subresource === 'portforward' ? 'forward ports' : route.subresource} on`);
}

/** pod.ResourceLocation: the pod's first IP and a port; hollow pods' IPs are not routable from here. */
async function podProxy(registry: Registry, route: ConnectRoute): Promise<void> {
  const id = splitSchemeNamePort(route.id);
  if (!id) throw badRequest(`invalid pod request "${route.id}"`);
  const pod = await registry.store('', 'pods').get(route.namespace, id.name);
  const spec = (pod.spec ?? {}) as { containers?: { ports?: { containerPort?: number }[] }[] };
  let port = id.port;
  if (port === '') port = String(spec.containers?.find((c) => (c.ports ?? []).length > 0)?.ports?.[0]?.containerPort ?? '');
  const ip = ((pod.status ?? {}) as { podIPs?: { ip?: string }[] }).podIPs?.[0]?.ip ?? '';
  if (!isGlobalUnicast(ip)) throw badRequest('address not allowed');
  throw unreachable(`dial tcp ${port ? `${ip}:${port}` : ip}: the pod network of simulated nodes is not reachable from the API server`);
}

/** service ResourceLocation: the port by number or name, then a ready endpoint address carrying it. */
async function serviceProxy(registry: Registry, route: ConnectRoute): Promise<void> {
  const id = splitSchemeNamePort(route.id);
  if (!id) throw badRequest(`invalid service request "${route.id}"`);
  const svc = await registry.store('', 'services').get(route.namespace, id.name);
  let portName = id.port;
  if (/^\d+$/.test(portName)) {
    const ports = ((svc.spec ?? {}) as { ports?: { name?: string; port?: number }[] }).ports ?? [];
    const match = ports.find((p) => p.port === Number(portName));
    if (!match) throw new StatusError(503, 'ServiceUnavailable', `no service port ${Number(portName)} found for service "${id.name}"`);
    portName = match.name ?? '';
  }
  const eps = await registry.store('', 'endpoints').get(route.namespace, id.name);
  const subsets = (eps as KObject & { subsets?: EndpointSubset[] }).subsets ?? [];
  if (subsets.length === 0) throw new StatusError(503, 'ServiceUnavailable', `no endpoints available for service "${id.name}"`);
  for (const ss of subsets) {
    const port = (ss.ports ?? []).find((p) => (p.name ?? '') === portName);
    const addr = (ss.addresses ?? []).find((a) => a.ip);
    if (port && addr) throw unreachable(`dial tcp ${addr.ip}:${port.port}: the pod network of simulated nodes is not reachable from the API server`);
  }
  throw new StatusError(503, 'ServiceUnavailable', `no endpoints available for service "${route.id}"`);
}

interface EndpointSubset {
  addresses?: { ip?: string }[];
  ports?: { name?: string; port?: number }[];
}

/** node.ResourceLocation: the kubelet's address and port; hollow agents serve their kubelet API on loopback. */
async function nodeProxy(registry: Registry, route: ConnectRoute, req: Request, res: Response): Promise<void> {
  const id = splitSchemeNamePort(route.id);
  if (!id) throw badRequest(`invalid node request "${route.id}"`);
  const node = await registry.store('', 'nodes').get(undefined, id.name);
  const endpoint = kubeletEndpoint(node as Parameters<typeof kubeletEndpoint>[0]);
  if (!endpoint) throw new StatusError(500, 'InternalError', 'Internal error occurred: no preferred addresses found; known addresses: []');
  const port = id.port && /^\d+$/.test(id.port) ? Number(id.port) : endpoint.port;
  // Port 0 (a node that reports no kubelet port) cannot be dialled; Node's http would quietly use 80.
  if (port === 0) throw unreachable(`dial tcp ${endpoint.host}:0: connect: connection refused`);
  const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
  await forward({ host: endpoint.host, port }, `${route.path || '/'}${search}`, req, res);
}

/** How Go's net package words the dial failures clients see most. */
function goDialError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connect: connection refused';
    case 'EHOSTUNREACH':
      return 'connect: no route to host';
    case 'ETIMEDOUT':
      return 'i/o timeout';
    default:
      return err.message;
  }
}

/** A plain HTTP reverse proxy for one request: the backend's answer passes through as it is. */
function forward(endpoint: { host: string; port: number }, path: string, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    for (const h of ['content-type', 'accept']) {
      const v = req.get(h);
      if (v) headers[h] = v;
    }
    const body = Buffer.isBuffer(req.body) ? (req.body as Buffer) : undefined;
    const upstream = http.request({ host: endpoint.host, port: endpoint.port, path, method: req.method, headers, agent: false, timeout: 10_000 }, (up) => {
      res.status(up.statusCode ?? 502);
      const type = up.headers['content-type'];
      if (type) res.setHeader('Content-Type', type);
      up.pipe(res);
      up.on('end', () => resolve());
      up.on('error', () => resolve());
    });
    upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })));
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (res.headersSent) {
        res.end();
        resolve();
      } else reject(unreachable(`dial tcp ${endpoint.host}:${endpoint.port}: ${goDialError(err)}`));
    });
    res.on('close', () => upstream.destroy());
    upstream.end(body && body.length > 0 ? body : undefined);
  });
}

/** net.IP.IsGlobalUnicast for the IPv4 and IPv6 text forms pods carry. */
function isGlobalUnicast(ip: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    if (v4.slice(1).some((x) => Number(x) > 255)) return false;
    return !(a === 0 || a === 127 || a >= 224 || (a === 169 && b === 254) || ip === '255.255.255.255');
  }
  if (!ip.includes(':')) return false;
  const low = ip.toLowerCase();
  return !(low === '::' || low === '::1' || low.startsWith('fe80:') || low.startsWith('ff'));
}
