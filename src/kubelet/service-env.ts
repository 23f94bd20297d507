// The service environment variables the kubelet gives every container (pkg/kubelet/envvars and
// getServiceEnvVarMap in kubelet_pods.go): the `kubernetes` service of the default namespace always,
// and, with enableServiceLinks (the default), every service of the pod's namespace with a cluster IP —
// FOO_SERVICE_HOST, FOO_SERVICE_PORT, FOO_SERVICE_PORT_<NAME> and the Docker-link FOO_PORT_* variables.
//
// Like a kubelet, a process of node agents keeps one service informer, started on the first container
// start; the variables of a namespace are computed once and shared by every pod in it until a service
// changes, so that they cost one array per namespace, not one per container.
import type { CoreV1Api, KubeConfig, V1Service } from '@kubernetes/client-node';
import { Informer } from '../client/informer.ts';

export interface ServiceEnv {
  /** `NAME=value`, sorted by name: the block a container's log shows. */
  readonly lines: readonly string[];
  readonly vars: ReadonlyMap<string, string>;
}

function envName(s: string): string {
  return s.replace(/-/g, '_').toUpperCase();
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** envvars.FromServices for one service. */
export function serviceVariables(svc: V1Service, out: Map<string, string>): void {
  const ip = svc.spec?.clusterIP ?? '';
  const ports = svc.spec?.ports ?? [];
  if (ip === '' || ip === 'None' || ports.length === 0) return;
  const prefix = envName(svc.metadata?.name ?? '');
  out.set(`${prefix}_SERVICE_HOST`, ip);
  out.set(`${prefix}_SERVICE_PORT`, String(ports[0]!.port));
  for (const p of ports) if (p.name) out.set(`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port));
  ports.forEach((p, i) => {
    const protocol = (p.protocol || 'TCP').toLowerCase();
    const url = `${protocol}://${hostPort(ip, p.port)}`;
    if (i === 0) out.set(`${prefix}_PORT`, url);
    const pp = `${prefix}_PORT_${p.port}_${protocol.toUpperCase()}`;
    out.set(pp, url);
    out.set(`${pp}_PROTO`, protocol);
    out.set(`${pp}_PORT`, String(p.port));
    out.set(`${pp}_ADDR`, ip);
  });
}

export const SERVICES_NOT_SYNCED = 'services have not yet been read at least once, cannot construct envvars';

export class ServiceEnvironment {
  private informer?: Informer<V1Service>;
  private readonly memo = new Map<string, ServiceEnv>();

  constructor(
    private readonly kc: KubeConfig,
    private readonly core: CoreV1Api,
    private readonly syncTimeoutMs = 5000,
  ) {}

  async forNamespace(namespace: string, enableServiceLinks: boolean): Promise<ServiceEnv> {
    const informer = this.start();
    if (!informer.isSynced) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.syncTimeoutMs)));
      await Promise.race([informer.synced, timeout]);
      clearTimeout(timer);
      if (!informer.isSynced) throw new Error(SERVICES_NOT_SYNCED);
    }
    const key = `${namespace}\u0000${enableServiceLinks}`;
    let env = this.memo.get(key);
    if (!env) {
      const vars = new Map<string, string>();
      const all = informer.list();
      const master = all.find((s) => s.metadata?.namespace === 'default' && s.metadata.name === 'kubernetes');
      if (master) serviceVariables(master, vars);
      // A service of the pod's own namespace named `kubernetes` takes the master's place, as upstream.
      if (enableServiceLinks) for (const s of all) if (s !== master && s.metadata?.namespace === namespace) serviceVariables(s, vars);
      const sorted = [...vars.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      env = { lines: sorted.map(([k, v]) => `${k}=${v}`), vars: new Map(sorted) };
      this.memo.set(key, env);
    }
    return env;
  }

  async stop(): Promise<void> {
    await this.informer?.stop();
  }

  private start(): Informer<V1Service> {
    if (this.informer) return this.informer;
    const informer = new Informer<V1Service>(this.kc, {
      path: '/api/v1/services',
      type: 'V1Service',
      list: () => this.core.listServiceForAllNamespaces(),
    });
    const changed = () => this.memo.clear();
    informer.on('add', changed);
    informer.on('update', changed);
    informer.on('delete', changed);
    this.informer = informer;
    void informer.start().catch(() => {});
    return informer;
  }
}
