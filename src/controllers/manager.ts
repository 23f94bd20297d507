// The controller manager: every controller of src/controllers, run only while this process holds the
// kube-system/kube-controller-manager Lease, so that two managers can run and only one acts. All
// controllers share one connection pool and one set of informers, and act only through the API.
import type { KubeConfig } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { Clients, describeError } from '../client/clients.ts';
import { LeaderElector } from '../client/leader-election.ts';
import { SharedInformers } from '../client/shared-informers.ts';
import { WorkQueueMetricsProvider, withWorkQueueMetrics } from '../client/workqueue-metrics.ts';
import { DEFAULT_TIMINGS, type Controller, type ControllerContext, type ControllerTimings } from './controller.ts';
import { CONTROLLERS } from './index.ts';

export interface ControllerManagerOptions {
  kubeConfig: KubeConfig;
  /** Names from CONTROLLERS; `*` (default) is all of them, `-name` turns one off (as --controllers). */
  controllers?: string[];
  clusterCIDR?: string;
  timings?: Partial<ControllerTimings>;
  /** --leader-elect (default true). */
  leaderElect?: boolean;
  leaderElection?: { identity?: string; leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
  /** Called when leadership is lost; the CLI exits, as kube-controller-manager does. */
  onLostLeadership?: () => void;
  log?: (line: string) => void;
}

export function enabledControllers(spec: string[] = ['*']): string[] {
  const all = Object.keys(CONTROLLERS);
  const on = new Set(spec.includes('*') ? all : []);
  for (const s of spec) {
    if (s === '*') continue;
    const name = s.startsWith('-') ? s.slice(1) : s;
    if (!CONTROLLERS[name]) throw new Error(`unknown controller ${JSON.stringify(name)}; known: ${all.join(', ')}`);
    if (s.startsWith('-')) on.delete(name);
    else on.add(name);
  }
  return all.filter((n) => on.has(n));
}

export class ControllerManager {
  readonly clients: Clients;
  /** This manager's Prometheus metrics (its controllers' workqueue_*), served by --metrics-bind-address. */
  readonly metrics = new Registry();
  private readonly queueMetrics = new WorkQueueMetricsProvider(this.metrics);
  private readonly elector?: LeaderElector;
  private readonly names: string[];
  private running?: { informers: SharedInformers; controllers: Controller[] };
  private readonly log: (line: string) => void;
  private transition: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(private readonly opts: ControllerManagerOptions) {
    this.clients = new Clients(opts.kubeConfig, { maxSockets: 32, component: 'kube-controller-manager' });
    this.names = enabledControllers(opts.controllers);
    this.log = opts.log ?? (() => {});
    if (opts.leaderElect !== false) {
      this.elector = new LeaderElector({
        clients: this.clients,
        namespace: 'kube-system',
        name: 'kube-controller-manager',
        component: 'kube-controller-manager',
        ...opts.leaderElection,
        log: this.log,
        onStartedLeading: () => this.serialize(() => this.run()),
        onStoppedLeading: () =>
          this.serialize(async () => {
            await this.halt();
            if (!this.stopping) opts.onLostLeadership?.();
          }),
      });
    }
  }

  get identity(): string | undefined {
    return this.elector?.identity;
  }

  /** Whether this manager's controllers are running (it leads, or leader election is off). */
  get isActive(): boolean {
    return this.running !== undefined;
  }

  async start(): Promise<void> {
    if (this.elector) this.elector.start();
    else await this.serialize(() => this.run());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.elector) await this.elector.stop();
    await this.serialize(() => this.halt());
    this.clients.close();
  }

  private serialize(step: () => Promise<void>): Promise<void> {
    this.transition = this.transition.then(step, step);
    return this.transition;
  }

  private async run(): Promise<void> {
    if (this.running) return;
    const informers = new SharedInformers(this.clients);
    const ctx: ControllerContext = {
      kubeConfig: this.opts.kubeConfig,
      clients: this.clients,
      informers,
      timings: { ...DEFAULT_TIMINGS, ...this.opts.timings },
      clusterCIDR: this.opts.clusterCIDR ?? '10.244.0.0/16',
      log: this.log,
    };
    const controllers = withWorkQueueMetrics(this.queueMetrics, () => this.names.map((name) => CONTROLLERS[name]!(ctx)));
    this.running = { informers, controllers };
    await informers.start();
    for (const [i, c] of controllers.entries()) {
      try {
        await c.start();
      } catch (err) {
        this.log(`starting controller ${this.names[i]}: ${describeError(err)}`);
      }
    }
    this.log(`controller manager running: ${this.names.join(', ')}`);
  }

  private async halt(): Promise<void> {
    const r = this.running;
    if (!r) return;
    this.running = undefined;
    await Promise.all(r.controllers.map((c) => c.stop().catch(() => undefined)));
    await r.informers.stop();
  }
}
