// Typed API clients over one KubeConfig, sharing one keep-alive connection pool.
//
// The client library builds a fresh http.Agent for every request, so each call would open (and leave
// in TIME_WAIT) its own TCP connection; a process running thousands of node agents renews thousands
// of leases a minute. The authentication below applies the KubeConfig's credentials as usual and then
// swaps in one shared keep-alive agent for plain-HTTP servers.
import http from 'node:http';
import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  PatchStrategy,
  ServerConfiguration,
  VersionApi,
  createConfiguration,
  setHeaderOptions,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
  type SecurityAuthentication,
} from '@kubernetes/client-node';

export interface ClientsOptions {
  /** Upper bound on concurrent connections to the API server from this process. */
  maxSockets?: number;
  /**
   * The component's name, sent as the User-Agent's product (`kube-controller-manager/…`): the API
   * server records writes under it in managedFields, as it does for upstream's components.
   */
  component?: string;
}

export class Clients {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;
  readonly coordination: CoordinationV1Api;
  readonly discovery: DiscoveryV1Api;
  readonly version: VersionApi;
  private readonly agent?: http.Agent;

  constructor(
    readonly kc: KubeConfig,
    opts: ClientsOptions = {},
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    if (cluster.server.startsWith('http:') && !cluster.proxyUrl) {
      this.agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 64, scheduling: 'lifo' });
    }
    const agent = this.agent;
    const userAgent = opts.component ? `${opts.component}/wheelhouse` : undefined;
    const auth: SecurityAuthentication = {
      getName: () => 'wheelhouse',
      applySecurityAuthentication: async (ctx: RequestContext) => {
        await kc.applySecurityAuthentication(ctx);
        if (agent) ctx.setAgent(agent);
        if (userAgent) ctx.setHeaderParam('User-Agent', userAgent);
      },
    };
    const config = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: auth },
    });
    this.core = new CoreV1Api(config);
    this.apps = new AppsV1Api(config);
    this.batch = new BatchV1Api(config);
    this.coordination = new CoordinationV1Api(config);
    this.discovery = new DiscoveryV1Api(config);
    this.version = new VersionApi(config);
  }

  close(): void {
    this.agent?.destroy();
  }
}

/** Request options that send a patch body as a JSON merge patch (RFC 7386). */
export const MERGE_PATCH: ConfigurationOptions<ObservableMiddleware> = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** The HTTP status of a failed API call, or undefined for transport errors. */
export function statusCode(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

export function isNotFound(err: unknown): boolean {
  return statusCode(err) === 404;
}

export function isConflict(err: unknown): boolean {
  return statusCode(err) === 409;
}

export function isAlreadyExists(err: unknown): boolean {
  return statusCode(err) === 409;
}

/** A one-line description of a failed API call for logs. */
export function describeError(err: unknown): string {
  if (err instanceof ApiException) {
    const body = typeof err.body === 'string' ? err.body : JSON.stringify(err.body);
    try {
      const status = JSON.parse(body) as { message?: string };
      if (status.message) return `${err.code}: ${status.message}`;
    } catch {
      // not a Status body
    }
    return `${err.code}: ${body.slice(0, 200)}`;
  }
  return err instanceof Error ? err.message : String(err);
}
