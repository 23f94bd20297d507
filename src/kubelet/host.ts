// Many node agents in one process, sharing what they can: one connection pool to the API server, one
// ticker for leases and status reports, one kubelet version lookup, one kubelet HTTP server (container
// logs) whose port every agent's Node reports, one cache of the ConfigMaps and Secrets pods refer to
// and one service informer for the containers' service variables. Each agent still has its own pod
// watch (spec.nodeName=<node>) — that is what a kubelet is — which the server's watch cache serves
// from its per-node index.
import type { KubeConfig } from '@kubernetes/client-node';
import { Clients } from '../client/clients.ts';
import { NodeAgent, type AgentShared, type NodeAgentOptions } from './agent.ts';
import { ObjectCache, type References } from './references.ts';
import { KubeletServer, type KubeletEndpoint, type KubeletServerOptions, type PodLogSource } from './server.ts';
import { ServiceEnvironment } from './service-env.ts';
import { Ticker } from './ticker.ts';
import { renderResourceMetrics } from './usage.ts';

export interface NodeHostOptions {
  kubeConfig: KubeConfig;
  /** Settings every agent gets unless its own options say otherwise. */
  defaults?: Omit<NodeAgentOptions, 'name'>;
  /** Concurrent connections to the API server from all agents together. */
  maxSockets?: number;
  log?: (line: string) => void;
  /** Where the kubelet server listens (default 127.0.0.1, a free port). */
  server?: KubeletServerOptions;
  /** How long a ConfigMap or Secret read from the API is reused (default 1 s). */
  referenceTTLMs?: number;
}

/** The version the API server reports; kubelets run the same release. */
async function serverVersion(clients: Clients): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const v = await clients.version.getCode();
      if (v.gitVersion) return v.gitVersion;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return 'v1.35.0';
}

export class NodeHost {
  private readonly agents = new Map<string, NodeAgent>();
  private shared?: Promise<AgentShared>;
  private readonly clients: Clients;
  private readonly ticker = new Ticker();
  private readonly server: KubeletServer;
  /** The ConfigMap/Secret cache, public for its stats (reads asked for vs GETs sent). */
  readonly objects: ObjectCache;
  private readonly services: ServiceEnvironment;
  private readonly references: References;

  constructor(private readonly opts: NodeHostOptions) {
    this.clients = new Clients(opts.kubeConfig, { maxSockets: opts.maxSockets ?? 128, component: 'kubelet' });
    this.server = new KubeletServer((ns, name) => this.findPod(ns, name), opts.server, () =>
      renderResourceMetrics([...this.agents.values()].map((a) => a.resourceUsage())),
    );
    this.objects = new ObjectCache(this.clients.core, opts.referenceTTLMs);
    this.services = new ServiceEnvironment(opts.kubeConfig, this.clients.core);
    const objects = this.objects;
    const services = this.services;
    this.references = {
      configMap: (ns, name) => objects.configMap(ns, name),
      secret: (ns, name) => objects.secret(ns, name),
      serviceEnv: (ns, links) => services.forNamespace(ns, links),
    };
  }

  private getShared(): Promise<AgentShared> {
    this.shared ??= Promise.all([serverVersion(this.clients), this.server.start()]).then(([kubeletVersion, kubeletEndpoint]) => ({
      kc: this.opts.kubeConfig,
      clients: this.clients,
      ticker: this.ticker,
      kubeletVersion,
      log: this.opts.log ?? (() => {}),
      references: this.references,
      kubeletEndpoint,
    }));
    return this.shared;
  }

  /** Where this process's kubelet server listens, once the first agent started. */
  get kubeletEndpoint(): KubeletEndpoint | undefined {
    return this.server.endpoint;
  }

  /** Start the kubelet server (also done by the first addNode). */
  async startServer(): Promise<KubeletEndpoint> {
    return (await this.getShared()).kubeletEndpoint!;
  }

  private findPod(namespace: string, name: string): PodLogSource | undefined {
    for (const agent of this.agents.values()) {
      const w = agent.findPod(namespace, name);
      if (w) return w;
    }
    return undefined;
  }

  get names(): string[] {
    return [...this.agents.keys()];
  }

  agent(name: string): NodeAgent | undefined {
    return this.agents.get(name);
  }

  /** Start an agent for a node; resolves once the Node is registered. */
  async addNode(options: NodeAgentOptions | string): Promise<NodeAgent> {
    const own = typeof options === 'string' ? { name: options } : options;
    if (this.agents.has(own.name)) throw new Error(`node ${own.name} already runs here`);
    const agent = new NodeAgent(await this.getShared(), { ...this.opts.defaults, ...own, timings: { ...this.opts.defaults?.timings, ...own.timings } });
    this.agents.set(own.name, agent);
    try {
      await agent.start();
    } catch (err) {
      this.agents.delete(own.name);
      await agent.stop();
      throw err;
    }
    return agent;
  }

  /** Stop one agent: its lease stops moving, its pods stay as last reported. */
  async stopNode(name: string): Promise<void> {
    const agent = this.agents.get(name);
    if (!agent) return;
    this.agents.delete(name);
    await agent.stop();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.agents.keys()].map((n) => this.stopNode(n)));
    await this.server.close();
    await this.services.stop();
    this.ticker.stop();
    this.clients.close();
  }
}
