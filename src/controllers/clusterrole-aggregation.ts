// The ClusterRole aggregation controller (pkg/controller/clusterroleaggregation): a ClusterRole with
// an aggregationRule holds the union of the rules of the ClusterRoles its selectors pick, selector
// by selector, the picked roles by name, each distinct rule once; written only when it changed.
import { RbacAuthorizationV1Api, type V1ClusterRole, type V1PolicyRule } from '@kubernetes/client-node';
import { describeError, isNotFound } from '../client/clients.ts';
import type { Informer } from '../client/informer.ts';
import { WorkQueue } from '../client/workqueue.ts';
import { labelSelectorFromSpec, type LabelSelectorSpec } from '../selectors/labels.ts';
import type { Controller, ControllerContext } from './controller.ts';

/** A rule as JSON with empty lists dropped: equality.Semantic treats nil and empty alike. */
function ruleKey(r: V1PolicyRule): string {
  const keys = ['apiGroups', 'nonResourceURLs', 'resourceNames', 'resources', 'verbs'] as const;
  return JSON.stringify(keys.map((k) => (r[k]?.length ? r[k] : null)));
}

/** The rules an aggregated role should hold, or undefined when a selector does not parse. */
export function aggregatedRules(target: V1ClusterRole, all: readonly V1ClusterRole[]): V1PolicyRule[] | undefined {
  const out: V1PolicyRule[] = [];
  const seen = new Set<string>();
  for (const spec of target.aggregationRule?.clusterRoleSelectors ?? []) {
    let selector;
    try {
      selector = labelSelectorFromSpec(spec as LabelSelectorSpec);
    } catch {
      return undefined;
    }
    const picked = all
      .filter((r) => r.metadata?.name !== target.metadata?.name && selector.matches(r.metadata?.labels ?? {}))
      .sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
    for (const role of picked) {
      for (const rule of role.rules ?? []) {
        const k = ruleKey(rule);
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(rule);
      }
    }
  }
  return out;
}

export class ClusterRoleAggregationController implements Controller {
  private readonly clusterRoles: Informer<V1ClusterRole>;
  private readonly queue = new WorkQueue<string>({ name: 'ClusterRoleAggregator' });
  private readonly api: RbacAuthorizationV1Api;
  private running?: Promise<void>;

  constructor(private readonly ctx: ControllerContext) {
    this.api = ctx.clients.kc.makeApiClient(RbacAuthorizationV1Api);
    this.clusterRoles = ctx.informers.get('clusterroles');
    // Any role may feed any aggregated one, so every change re-checks all of them.
    const enqueueAll = () => {
      for (const r of this.clusterRoles.list()) if (r.aggregationRule) this.queue.add(r.metadata?.name ?? '');
    };
    this.clusterRoles.on('add', enqueueAll);
    this.clusterRoles.on('update', enqueueAll);
    this.clusterRoles.on('delete', enqueueAll);
  }

  async start(): Promise<void> {
    await this.clusterRoles.synced;
    this.running = this.queue.run(
      1,
      (name) => this.sync(name),
      (name, err) => this.ctx.log(`clusterrole-aggregation: ${name} failed with : ${describeError(err)}`),
    );
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
  }

  private async sync(name: string): Promise<void> {
    const role = this.clusterRoles.get(name);
    if (!role?.aggregationRule) return;
    const rules = aggregatedRules(role, this.clusterRoles.list());
    if (!rules) throw new Error(`clusterrole ${name}: invalid aggregation selector`);
    const current = role.rules ?? [];
    if (current.length === rules.length && current.every((r, i) => ruleKey(r) === ruleKey(rules[i]!))) return;
    try {
      // Based on the informer's copy: a conflict means a newer one is on its way, and the retry uses it.
      await this.api.replaceClusterRole({ name, body: { ...role, rules } });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }
}
