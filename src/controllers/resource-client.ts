// A small dynamic client for the garbage collector and the namespace controller, which act on every
// resource the server serves and so cannot use the typed clients: discovery, and get / delete /
// deletecollection / patch / list by resource path. Requests go through @kubernetes/client-node's
// configuration and HTTP library (credentials from the KubeConfig, one keep-alive pool), and failures
// are thrown as the library's ApiException so `statusCode()` works on them as on typed calls.
import http from 'node:http';
import {
  ApiException,
  HttpMethod,
  ServerConfiguration,
  createConfiguration,
  type Configuration,
  type KubeConfig,
  type RequestContext,
  type SecurityAuthentication,
} from '@kubernetes/client-node';

export interface ResourceRef {
  group: string;
  version: string;
  /** Plural resource name, e.g. `configmaps`. */
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  deletionTimestamp?: string;
  finalizers?: string[];
  ownerReferences?: OwnerRef[];
}

export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface DynObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [k: string]: unknown;
}

export interface DeleteBody {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
}

/** The result of discovery: what was found, and the group versions that failed (as ErrGroupDiscoveryFailed). */
export interface Discovery {
  resources: ResourceRef[];
  failed: Map<string, string>;
  /** Group versions whose string does not parse (schema.ParseGroupVersion). */
  unparsable: string[];
}

export function groupVersionOf(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export class ResourceClient {
  private readonly config: Configuration;
  private readonly agent?: http.Agent;

  constructor(kc: KubeConfig, maxSockets = 16) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    if (cluster.server.startsWith('http:') && !cluster.proxyUrl) {
      this.agent = new http.Agent({ keepAlive: true, maxSockets });
    }
    const agent = this.agent;
    const auth: SecurityAuthentication = {
      getName: () => 'wheelhouse-dynamic',
      applySecurityAuthentication: async (ctx: RequestContext) => {
        await kc.applySecurityAuthentication(ctx);
        if (agent) ctx.setAgent(agent);
      },
    };
    this.config = createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}), authMethods: { default: auth } });
  }

  close(): void {
    this.agent?.destroy();
  }

  async request<T = unknown>(
    method: 'GET' | 'DELETE' | 'PATCH' | 'PUT' | 'POST',
    path: string,
    opts: { query?: Record<string, string>; body?: unknown; contentType?: string } = {},
  ): Promise<T> {
    const ctx = this.config.baseServer.makeRequestContext(path, method as HttpMethod);
    ctx.setHeaderParam('Accept', 'application/json');
    for (const [k, v] of Object.entries(opts.query ?? {})) ctx.setQueryParam(k, v);
    if (opts.body !== undefined) {
      ctx.setHeaderParam('Content-Type', opts.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(opts.body));
    }
    await this.config.authMethods.default?.applySecurityAuthentication(ctx);
    const res = await this.config.httpApi.send(ctx).toPromise();
    const text = await res.body.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    if (res.httpStatusCode >= 400) {
      const message = (parsed as { message?: string } | undefined)?.message ?? text;
      throw new ApiException(res.httpStatusCode, message, text, res.headers);
    }
    return parsed as T;
  }

  /** The collection path of a resource, in a namespace for namespaced ones. */
  static path(r: ResourceRef, namespace?: string, name?: string): string {
    const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${base}${ns}/${r.resource}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
  }

  get(r: ResourceRef, namespace: string | undefined, name: string): Promise<DynObject> {
    return this.request<DynObject>('GET', ResourceClient.path(r, namespace, name));
  }

  list(r: ResourceRef, namespace?: string): Promise<{ items: DynObject[] }> {
    return this.request('GET', ResourceClient.path(r, namespace));
  }

  delete(r: ResourceRef, namespace: string | undefined, name: string, body: DeleteBody): Promise<unknown> {
    return this.request('DELETE', ResourceClient.path(r, namespace, name), { body: { apiVersion: 'v1', kind: 'DeleteOptions', ...body } });
  }

  deleteCollection(r: ResourceRef, namespace: string, body: DeleteBody): Promise<unknown> {
    return this.request('DELETE', ResourceClient.path(r, namespace), { body: { apiVersion: 'v1', kind: 'DeleteOptions', ...body } });
  }

  patch(r: ResourceRef, namespace: string | undefined, name: string, body: unknown, contentType: string): Promise<DynObject> {
    return this.request<DynObject>('PATCH', ResourceClient.path(r, namespace, name), { body, contentType });
  }

  /**
   * Every resource of the preferred version of every group (ServerPreferredResources), subresources
   * left out. A group version that fails is reported in `failed`, the others are still returned.
   */
  async discover(): Promise<Discovery> {
    const out: Discovery = { resources: [], failed: new Map(), unparsable: [] };
    const gvs: string[] = [];
    try {
      const core = await this.request<{ versions?: string[] }>('GET', '/api');
      gvs.push(...(core.versions ?? ['v1']));
    } catch (err) {
      out.failed.set('v1', errorText(err));
    }
    try {
      const groups = await this.request<{ groups?: { name: string; preferredVersion?: { groupVersion: string }; versions?: { groupVersion: string }[] }[] }>(
        'GET',
        '/apis',
      );
      for (const g of groups.groups ?? []) {
        const gv = g.preferredVersion?.groupVersion ?? g.versions?.[0]?.groupVersion;
        if (gv) gvs.push(gv);
      }
    } catch (err) {
      out.failed.set('apis', errorText(err));
    }
    await Promise.all(
      gvs.map(async (gv) => {
        const parts = gv.split('/');
        if (parts.length > 2) {
          out.unparsable.push(gv);
          return;
        }
        const [group, version] = parts.length === 1 ? ['', parts[0]!] : [parts[0]!, parts[1]!];
        try {
          const list = await this.request<{ resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[] }>(
            'GET',
            group ? `/apis/${gv}` : `/api/${gv}`,
          );
          for (const r of list.resources ?? []) {
            if (r.name.includes('/')) continue;
            out.resources.push({ group, version, resource: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs ?? [] });
          }
        } catch (err) {
          out.failed.set(gv, errorText(err));
        }
      }),
    );
    return out;
  }
}

function errorText(err: unknown): string {
  if (err instanceof ApiException) return `the server could not find the requested resource (${err.code}): ${String(err.message)}`;
  return err instanceof Error ? err.message : String(err);
}

/** The message of a failed API call as client-go's StatusError.Error() prints it. */
export function apiErrorMessage(err: unknown): string {
  if (err instanceof ApiException) {
    try {
      const status = JSON.parse(String(err.body)) as { message?: string };
      if (status.message) return status.message;
    } catch {
      // not a Status
    }
    return String(err.body);
  }
  return err instanceof Error ? err.message : String(err);
}
