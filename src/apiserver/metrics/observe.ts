// Feeding ApiServerMetrics: what each request was (upstream's RequestInfo and CleanVerb), the
// resource an etcd key belongs to, and the watch caches' object counts.
import type { NextFunction, Request, Response } from 'express';
import { qualifiedResource, type ResourceDecl } from '../../api/types.ts';
import type { Registry } from '../../registry/registry.ts';
import type { ResourceRoute } from '../paths.ts';
import type { ApiServerMetrics, RequestInfo } from './api-metrics.ts';

/** What the resource handler leaves on `res.locals` for the metrics. */
export interface RequestLocals {
  route?: ResourceRoute;
}

function isWatch(req: Request, route: ResourceRoute): boolean {
  if (route.watchPath) return true;
  const w = req.query['watch'];
  const v = Array.isArray(w) ? w[0] : w;
  return typeof v === 'string' && v !== '' && !['0', 'f', 'false', 'F', 'FALSE', 'False', 'n', 'no'].includes(v);
}

/** metrics.CleanVerb: LIST and WATCH for collections, APPLY for server-side apply, DELETECOLLECTION. */
function verbOf(req: Request, route: ResourceRoute): string {
  const method = req.method.toUpperCase();
  const collection = route.name === undefined || route.watchPath === true;
  if (method === 'GET' || method === 'HEAD') {
    if (isWatch(req, route)) return 'WATCH';
    return collection ? 'LIST' : 'GET';
  }
  if (method === 'DELETE' && collection) return 'DELETECOLLECTION';
  // Read off the header itself: an unsupported Content-Type was already answered (415), not thrown again here.
  if (method === 'PATCH' && (req.get('content-type') ?? '').toLowerCase().startsWith('application/apply-patch')) return 'APPLY';
  return method;
}

function requestInfo(req: Request, route: ResourceRoute | undefined): RequestInfo {
  if (!route) {
    return { verb: req.method.toUpperCase(), dryRun: false, group: '', version: '', resource: '', subresource: '', scope: '' };
  }
  const d = route.decl;
  const scope = route.name !== undefined && !route.watchPath ? 'resource' : route.namespace !== undefined ? 'namespace' : 'cluster';
  return {
    verb: verbOf(req, route),
    dryRun: req.query['dryRun'] !== undefined,
    group: d.group,
    version: d.version,
    resource: d.resource,
    subresource: route.subresource ?? '',
    scope,
  };
}

/**
 * Counts and times every request once it is answered. Watches are long-running: tracked while open,
 * and like upstream's, their duration is the watch's lifetime.
 */
export function observeRequests(metrics: ApiServerMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const start = performance.now();
    let endLongRunning: (() => void) | undefined;
    const finish = () => {
      res.off('finish', finish);
      res.off('close', finish);
      endLongRunning?.();
      const route = (res.locals as RequestLocals).route;
      metrics.observeRequest(requestInfo(req, route), res.statusCode, (performance.now() - start) / 1000);
    };
    res.on('finish', finish);
    res.on('close', finish);
    // A watch is known once the route is parsed, when its first bytes go out.
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
      const route = (res.locals as RequestLocals).route;
      if (route && !endLongRunning && isWatch(req, route)) endLongRunning = metrics.longRunningStarted(requestInfo(req, route), route.decl);
      return writeHead.apply(this, args);
    } as Response['writeHead'];
    next();
  };
}

/** The resource an etcd key belongs to (`pods`, `deployments.apps`), for etcd_request_duration_seconds. */
export function etcdTypeOf(decls: () => readonly ResourceDecl[], prefix: string): (key: string) => string {
  let seen: readonly ResourceDecl[] | undefined;
  let byPrefix = new Map<string, string>();
  return (key) => {
    const current = decls();
    if (current !== seen) {
      seen = current;
      byPrefix = new Map(current.map((d) => [`${prefix}/${d.etcdResource}/`, qualifiedResource(d)]));
    }
    // Keys are <prefix>/<etcdResource>/[<namespace>/]<name>; etcdResource has one or two segments.
    const rest = key.slice(prefix.length + 1).split('/');
    return byPrefix.get(`${prefix}/${rest[0]}/${rest[1]}/`) ?? byPrefix.get(`${prefix}/${rest[0]}/`) ?? rest[0] ?? '';
  };
}

/** Objects per resource as the watch caches hold them (apiserver_storage_objects). */
export function* storedObjectCounts(registry: Registry | undefined): Iterable<[string, number]> {
  if (!registry) return;
  const seen = new Set<string>();
  for (const store of registry.stores.values()) {
    const name = qualifiedResource(store.decl);
    // Several versions of one resource share their objects: count them once.
    if (seen.has(name)) continue;
    seen.add(name);
    yield [name, store.cacher.size];
  }
}
