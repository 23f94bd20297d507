// The HTTP face of Wheelhouse: express app, one request path from URL to registry and back.
import express, { type Request, type Response } from 'express';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import os from 'node:os';
import { pathNotFound } from '../api/errors.ts';
import { Registry, type RegistryOptions } from '../registry/registry.ts';
import type { Storage } from '../storage/interface.ts';
import { Discovery } from './discovery.ts';
import { METRICS_DECLS, METRICS_GROUP, MetricsAPI } from './metrics-api.ts';
import type { MetricsScraperOptions } from './metrics-scraper.ts';
import { handleConnect, parseConnectPath } from './connect.ts';
import { handleResource, type ServerContext } from './handlers.ts';
import { negotiate } from './negotiate.ts';
import { OpenAPIService } from './openapi/serve.ts';
import { parseResourcePath } from './paths.ts';
import { reply, sendError } from './respond.ts';
import { VERSION_INFO } from './version.ts';
import { ApiServerMetrics } from './metrics/api-metrics.ts';
import { etcdTypeOf, observeRequests, storedObjectCounts, type RequestLocals } from './metrics/observe.ts';
import { InstrumentedStorage } from '../storage/instrumented.ts';
import { AuditLog } from './filters/audit.ts';
import { readRequestBody } from './filters/body-limit.ts';
import { answerUnhandled } from './filters/unhandled.ts';
import { maxInFlight, type MaxInFlightOptions } from './filters/max-inflight.ts';

export interface ApiServerOptions extends RegistryOptions, MaxInFlightOptions {
  storage: Storage;
  host?: string;
  port?: number;
  /** etcd compaction period; 0 disables (upstream default 5 minutes). */
  compactionIntervalMs?: number;
  /** Skip creating default namespaces and the kubernetes Service. */
  skipBootstrap?: boolean;
  /** The built-in metrics.k8s.io API (what metrics-server would serve): scrape interval and limits. */
  metrics?: MetricsScraperOptions;
  /** Where the audit log goes (kube-apiserver --audit-log-path; `-` for stdout); unset: no audit log. */
  auditLogPath?: string;
}

/** The filters every request passes before it is routed (upstream's handler chain). */
export interface FilterOptions extends MaxInFlightOptions {
  audit?: AuditLog;
}

export interface ApiServer {
  url: string;
  port: number;
  host: string;
  registry: Registry;
  app: express.Express;
  close(): Promise<void>;
}

export function createApp(
  registry: Registry,
  discovery: Discovery,
  storage: Storage,
  metrics?: MetricsAPI,
  apiMetrics?: ApiServerMetrics,
  filters: FilterOptions = {},
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  if (apiMetrics) app.use(observeRequests(apiMetrics));
  // As upstream's chain: the audit filter sees the 429s of the max-in-flight filter inside it.
  if (filters.audit) app.use(filters.audit.middleware());
  app.use(maxInFlight(filters, apiMetrics));
  if (apiMetrics) {
    app.get('/metrics', async (_req, res) => {
      try {
        reply(res, 200, apiMetrics.contentType, await apiMetrics.text());
      } catch (err) {
        sendError(res, err);
      }
    });
  }
  const ctx: ServerContext = { registry, discovery };
  const rawBody = readRequestBody();

  app.get(['/healthz', '/livez'], (_req, res) => {
    reply(res, 200, 'text/plain; charset=utf-8', 'ok');
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await Promise.race([
        storage.currentRevision(),
        new Promise((_r, rej) => setTimeout(() => rej(new Error('etcd timeout')), 2000).unref()),
      ]);
      reply(res, 200, 'text/plain; charset=utf-8', 'ok');
    } catch {
      reply(res, 500, 'text/plain; charset=utf-8', '[-]etcd failed: reason withheld\nreadyz check failed');
    }
  });
  app.get('/version', (_req, res) => {
    reply(res, 200, 'application/json', JSON.stringify(VERSION_INFO, null, 2));
  });
  const openapi = new OpenAPIService();
  openapi.setCustomResources(registry.customOpenAPISources());
  registry.onDeclsChange(() => openapi.setCustomResources(registry.customOpenAPISources()));
  app.use(openapi.router());
  app.get(['/api', '/apis'], (req, res) => {
    try {
      const legacy = req.path === '/api';
      const out = negotiate(req.get('accept'), { list: false, allowDiscovery: true });
      if (out.type === 'discovery') {
        const doc = discovery.aggregatedDoc(out.version, legacy);
        res.setHeader('Vary', 'Accept');
        res.setHeader('ETag', doc.etag);
        res.setHeader('Cache-Control', 'public');
        if (req.get('if-none-match') === doc.etag) {
          res.status(304).end();
          return;
        }
        reply(res, 200, `application/json;g=apidiscovery.k8s.io;v=${out.version};as=APIGroupDiscoveryList`, doc.body);
        return;
      }
      const host = req.socket.localAddress && req.socket.localPort ? `${req.socket.localAddress}:${req.socket.localPort}` : '';
      reply(res, 200, 'application/json', legacy ? discovery.apiVersionsBody(host) : discovery.apiGroupListBody);
    } catch (err) {
      sendError(res, err);
    }
  });

  app.use(rawBody, async (req: Request, res: Response) => {
    try {
      const path = req.path.length > 1 && req.path.endsWith('/') ? req.path.slice(0, -1) : req.path;
      // Go's net/http hands the API server the decoded path: clients escape `:` in names (system:node → system%3Anode).
      const segs = decodedPath(path).split('/').filter((s) => s.length > 0);
      if (segs[0] === 'apis' && segs.length === 2) {
        const body = discovery.group(segs[1]!);
        if (!body || req.method !== 'GET') throw pathNotFound();
        reply(res, 200, 'application/json', body);
        return;
      }
      if ((segs[0] === 'api' && segs.length === 2) || (segs[0] === 'apis' && segs.length === 3)) {
        const gv = segs[0] === 'api' ? segs[1]! : `${segs[1]}/${segs[2]}`;
        const body = discovery.resourceList(gv);
        if (!body || req.method !== 'GET') throw pathNotFound();
        reply(res, 200, 'application/json', body);
        return;
      }
      if (metrics && segs[0] === 'apis' && segs[1] === METRICS_GROUP && segs[2] === 'v1beta1' && segs.length > 3) {
        await metrics.handle(segs.slice(3), req, res);
        return;
      }
      const connect = parseConnectPath(segs);
      if (connect) {
        await handleConnect(registry, connect, req, res);
        return;
      }
      const route = parseResourcePath(segs, registry.decls);
      if (!route) throw pathNotFound();
      (res.locals as RequestLocals).route = route;
      await handleResource(ctx, route, req, res);
    } catch (err) {
      sendError(res, err);
    }
  });
  app.use(answerUnhandled);
  return app;
}

/**
 * The address the `kubernetes` Service's endpoints carry (kube-apiserver --advertise-address): the
 * listen address, or for a wildcard one the first non-internal IPv4 address (as upstream picks the
 * default route's interface), falling back to loopback.
 */
/** The percent-decoded path; one that does not decode is used as sent. */
function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export function advertiseAddress(host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return host;
  for (const list of Object.values(os.networkInterfaces())) {
    const a = list?.find((x) => x.family === 'IPv4' && !x.internal);
    if (a) return a.address;
  }
  return '127.0.0.1';
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  let registry: Registry | undefined;
  const apiMetrics = new ApiServerMetrics(() => storedObjectCounts(registry));
  const storage = new InstrumentedStorage(opts.storage, apiMetrics, etcdTypeOf(() => registry?.decls ?? [], opts.storage.prefix));
  registry = new Registry(storage, opts);
  await registry.start();
  const metrics = new MetricsAPI(registry, opts.metrics);
  const discovery = new Discovery([...registry.decls, ...METRICS_DECLS]);
  registry.onDeclsChange(() => discovery.rebuild([...registry.decls, ...METRICS_DECLS]));
  const audit = opts.auditLogPath ? new AuditLog({ path: opts.auditLogPath }) : undefined;
  const app = createApp(registry, discovery, opts.storage, metrics, apiMetrics, { ...opts, audit });
  const host = opts.host ?? '127.0.0.1';
  const server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  if (!opts.skipBootstrap) await registry.bootstrap(advertiseAddress(host), port);

  // Periodic compaction, as kube-apiserver does: compact to the revision seen one period earlier,
  // so roughly one to two periods of history stay watchable.
  let compactTimer: NodeJS.Timeout | undefined;
  const period = opts.compactionIntervalMs ?? 5 * 60_000;
  if (period > 0) {
    let previous = 0;
    compactTimer = setInterval(() => {
      void (async () => {
        try {
          const current = await opts.storage.currentRevision();
          if (previous > 0) await opts.storage.compact(previous);
          previous = current;
        } catch {
          // etcd unavailable: try again next period.
        }
      })();
    }, period);
    compactTimer.unref();
  }

  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    host,
    registry,
    app,
    close: async () => {
      if (compactTimer) clearInterval(compactTimer);
      metrics.close();
      registry.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      await audit?.close();
    },
  };
}

