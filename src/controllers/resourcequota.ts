// The resource quota controller (kube-controller-manager's resourcequota-controller,
// pkg/controller/resourcequota): keeps every ResourceQuota's status.hard equal to its spec.hard and
// status.used equal to what the objects in its namespace really use, counted by the same evaluators
// the API server's quota admission charges with (src/quota/). A quota is recalculated when it changes,
// when something it may count is added, deleted or changes its usage (replenishment), and on the full
// resync every --resource-quota-sync-period.
import type { KubernetesObject, V1ResourceQuota } from '@kubernetes/client-node';
import { describeError, isConflict, isNotFound } from '../client/clients.ts';
import type { Informer } from '../client/informer.ts';
import type { ResourceName } from '../client/shared-informers.ts';
import { WorkQueue } from '../client/workqueue.ts';
import { type Evaluator, type GroupResourceRef, evaluatorFor, quotaScopeSelectors } from '../quota/evaluators.ts';
import { zero } from '../quota/quantity.ts';
import { type ResourceList, add, equals, fromWire, mask, toWire } from '../quota/resources.ts';
import type { Controller, ControllerContext } from './controller.ts';
import { objKey, splitKey } from './pod-control.ts';

type Obj = Record<string, unknown>;

interface Countable {
  informer: ResourceName;
  gr: GroupResourceRef;
}

const countable = (informer: ResourceName, group = ''): Countable => ({ informer, gr: { group, resource: informer } });

/** What upstream's core evaluators cover: always watched, so their changes replenish quotas at once. */
const CORE: Countable[] = [
  countable('pods'),
  countable('services'),
  countable('persistentvolumeclaims'),
  countable('configmaps'),
  countable('secrets'),
  countable('replicationcontrollers'),
  countable('resourcequotas'),
];

/** Further namespaced kinds `count/<resource>.<group>` can name; watched only once a quota asks. */
const ON_DEMAND: Countable[] = [
  countable('serviceaccounts'),
  countable('endpoints'),
  countable('limitranges'),
  countable('podtemplates'),
  countable('deployments', 'apps'),
  countable('replicasets', 'apps'),
  countable('statefulsets', 'apps'),
  countable('daemonsets', 'apps'),
  countable('controllerrevisions', 'apps'),
  countable('jobs', 'batch'),
  countable('cronjobs', 'batch'),
  countable('leases', 'coordination.k8s.io'),
  countable('endpointslices', 'discovery.k8s.io'),
];

const WORKERS = 2;
/** Kinds whose usage an update can change (everything else is only counted). */
const USAGE_CHANGES_ON_UPDATE = new Set<ResourceName>(['pods', 'services', 'persistentvolumeclaims']);

export class ResourceQuotaController implements Controller {
  private readonly quotas: Informer<V1ResourceQuota>;
  private readonly queue = new WorkQueue<string>({ name: 'resourcequota_primary' });
  private readonly watched = new Map<ResourceName, Informer<KubernetesObject>>();
  private running?: Promise<void>;
  private resync?: NodeJS.Timeout;

  constructor(private readonly ctx: ControllerContext) {
    this.quotas = ctx.informers.get('resourcequotas');
    this.quotas.on('add', (q) => this.queue.add(objKey(q)));
    this.quotas.on('update', (q, old) => {
      // Our own status writes come back as updates; only spec changes (or a lost status) need a sync.
      if (!old || JSON.stringify(q.spec) !== JSON.stringify(old.spec) || !q.status?.hard || !q.status?.used) this.queue.add(objKey(q));
    });
    for (const c of CORE) this.watch(c);
  }

  async start(): Promise<void> {
    await Promise.all([this.quotas.synced, ...[...this.watched.values()].map((i) => i.synced)]);
    this.enqueueAll();
    this.resync = setInterval(() => this.enqueueAll(), this.ctx.timings.resourceQuotaSyncPeriodMs);
    this.running = this.queue.run(
      WORKERS,
      (key) => this.sync(key),
      // A status write that lost to quota admission's charge is simply retried with fresh state.
      (key, err) => {
        if (!isConflict(err)) this.ctx.log(`resourcequota-controller: failed to sync ${key}: ${describeError(err)}`);
      },
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.resync);
    this.queue.shutDown();
    await this.running;
  }

  private enqueueAll(): void {
    for (const q of this.quotas.list()) this.queue.add(objKey(q));
  }

  private enqueueNamespace(namespace: string | undefined): void {
    if (!namespace) return;
    for (const q of this.quotas.list(namespace)) this.queue.add(objKey(q));
  }

  /** The informer for a countable kind, with the replenishment handlers registered once. */
  private watch(c: Countable): Informer<KubernetesObject> {
    let inf = this.watched.get(c.informer);
    if (inf) return inf;
    inf = this.ctx.informers.get(c.informer) as unknown as Informer<KubernetesObject>;
    this.watched.set(c.informer, inf);
    const evaluator = evaluatorFor(c.gr);
    const usageOf = (o: KubernetesObject) => (evaluator ? evaluator.usage(o as unknown as Obj) : new Map());
    inf.on('add', (o) => this.enqueueNamespace(o.metadata?.namespace));
    inf.on('delete', (o) => this.enqueueNamespace(o.metadata?.namespace));
    // Object counts never change on update; pods, services and claims do when their usage does
    // (a pod finishing, a claim growing).
    if (USAGE_CHANGES_ON_UPDATE.has(c.informer)) {
      inf.on('update', (o, old) => {
        if (!old || !equals(usageOf(o), usageOf(old))) this.enqueueNamespace(o.metadata?.namespace);
      });
    }
    return inf;
  }

  /** CalculateUsage: each evaluator that tracks one of the hard names sums its objects in the quota's scopes. */
  private async calculateUsage(namespace: string, quota: Obj, hardNames: string[]): Promise<ResourceList> {
    const scopes = quotaScopeSelectors(quota);
    const now = Date.now();
    let usage: ResourceList = new Map();
    for (const c of [...CORE, ...ON_DEMAND]) {
      const evaluator: Evaluator | undefined = evaluatorFor(c.gr);
      const matched = evaluator?.matchingResources(hardNames) ?? [];
      if (!evaluator || matched.length === 0) continue;
      const inf = this.watch(c);
      await inf.synced;
      let total: ResourceList = new Map(matched.map((n) => [n, zero()]));
      for (const item of inf.list(namespace)) {
        const o = item as unknown as Obj;
        if (scopes.every((s) => evaluator.matchesScope(s, o))) total = add(total, mask(evaluator.usage(o, now), matched));
      }
      usage = add(usage, total);
    }
    return usage;
  }

  private async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const quota = this.quotas.get(name, namespace);
    if (!quota || quota.metadata?.deletionTimestamp) return;
    const hard = fromWire(quota.spec?.hard);
    const hardNames = [...hard.keys()];
    const previous = fromWire(quota.status?.used);
    let used: ResourceList = new Map(previous);
    for (const [k, v] of await this.calculateUsage(namespace, quota as unknown as Obj, hardNames)) used.set(k, v);
    // Only what the quota limits is reported.
    used = mask(used, hardNames);
    const status = { hard: toWire(hard), used: toWire(used) };
    const dirty =
      !quota.status?.hard ||
      !quota.status?.used ||
      JSON.stringify(status.hard) !== JSON.stringify(toWire(fromWire(quota.status.hard))) ||
      !equals(used, previous);
    if (!dirty) return;
    try {
      await this.ctx.clients.core.replaceNamespacedResourceQuotaStatus({ namespace, name, body: { ...quota, status } });
    } catch (err) {
      // Deleted meanwhile: nothing to report. Conflicts are retried from the queue with fresh state.
      if (isNotFound(err)) return;
      throw err;
    }
  }
}
