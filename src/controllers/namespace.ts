// The namespace controller (pkg/controller/namespace): a namespace being deleted (deletionTimestamp
// set, phase Terminating) has all its content deleted through the API — every namespaced resource of
// discovery that supports delete, by deletecollection (or item by item where that is not served),
// with propagationPolicy Background — and, once nothing remains, the `kubernetes` finalizer removed
// through /finalize, after which the API server removes the namespace. Progress is reported as the
// upstream status conditions (NamespaceDeletionDiscoveryFailure, NamespaceDeletionGroupVersionParsingFailure,
// NamespaceDeletionContentFailure, NamespaceContentRemaining, NamespaceFinalizersRemaining) with
// upstream's reasons and messages (deletion/status_condition_utils.go).
import type { V1Namespace } from '@kubernetes/client-node';
import { describeError, isConflict, isNotFound, statusCode } from '../client/clients.ts';
import { WorkQueue } from '../client/workqueue.ts';
import type { Controller, ControllerContext } from './controller.ts';
import { ResourceClient, apiErrorMessage, type DynObject, type ResourceRef } from './resource-client.ts';

export interface NamespaceControllerOptions {
  /** Overrides timings.namespaceDeletionGracePeriodMs. */
  deletionGracePeriodMs?: number;
  /** --concurrent-namespace-syncs (upstream 10). */
  workers?: number;
}

const FINALIZER_TOKEN = 'kubernetes';
/** finalizerEstimateSeconds: assumed wait for objects held by finalizers. */
const FINALIZER_ESTIMATE_SECONDS = 15;

interface NamespaceObject extends DynObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: NamespaceCondition[] };
}

interface NamespaceCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export class ResourcesRemainingError extends Error {
  constructor(readonly estimate: number) {
    super(`some content remains in the namespace, estimate ${estimate} seconds before it is removed`);
  }
}

// ---- status conditions (status_condition_utils.go) ---------------------------------------------

const CONDITION_TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

const OK_MESSAGES: Record<string, string> = {
  NamespaceDeletionDiscoveryFailure: 'All resources successfully discovered',
  NamespaceDeletionGroupVersionParsingFailure: 'All legacy kube types successfully parsed',
  NamespaceDeletionContentFailure: 'All content successfully deleted, may be waiting on finalization',
  NamespaceContentRemaining: 'All content successfully removed',
  NamespaceFinalizersRemaining: 'All content successfully removed',
};

const OK_REASONS: Record<string, string> = {
  NamespaceDeletionDiscoveryFailure: 'ResourcesDiscovered',
  NamespaceDeletionGroupVersionParsingFailure: 'ParsedGroupVersions',
  NamespaceDeletionContentFailure: 'ContentDeleted',
  NamespaceContentRemaining: 'ContentRemoved',
  NamespaceFinalizersRemaining: 'ContentRemoved',
};

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

class ConditionUpdater {
  private readonly conditions: NamespaceCondition[] = [];
  private readonly contentErrors: string[] = [];

  private set(type: string, reason: string, message: string): void {
    this.conditions.push({ type, status: 'True', lastTransitionTime: now(), reason, message });
  }

  discoveryFailed(message: string): void {
    this.set('NamespaceDeletionDiscoveryFailure', 'DiscoveryFailed', message);
  }

  groupVersionFailed(message: string): void {
    this.set('NamespaceDeletionGroupVersionParsingFailure', 'GroupVersionParsingFailed', message);
  }

  deleteContentFailed(message: string): void {
    this.contentErrors.push(message);
  }

  contentTotals(byResource: Map<string, number>, byFinalizer: Map<string, number>): void {
    if (byResource.size > 0) {
      const parts = [...byResource].filter(([, n]) => n > 0).map(([r, n]) => `${r} has ${n} resource instances`);
      parts.sort();
      this.set('NamespaceContentRemaining', 'SomeResourcesRemain', `Some resources are remaining: ${parts.join(', ')}`);
    }
    if (byFinalizer.size > 0) {
      const parts = [...byFinalizer].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`);
      parts.sort();
      this.set('NamespaceFinalizersRemaining', 'SomeFinalizerRemain', `Some finalizers are remaining: ${parts.join(', ')}`);
    }
  }

  /** Compiles everything into ns.status.conditions; whether anything changed. */
  update(ns: NamespaceObject): boolean {
    if (this.contentErrors.length > 0 && !this.conditions.some((c) => c.type === 'NamespaceDeletionContentFailure')) {
      const msgs = [...this.contentErrors].sort();
      this.set(
        'NamespaceDeletionContentFailure',
        'ContentDeletionFailed',
        `Failed to delete all resource types, ${msgs.length} remaining: ${msgs.join(', ')}`,
      );
    }
    const status = (ns.status ??= {});
    const existing = (status.conditions ??= []);
    let changed = false;
    for (const type of CONDITION_TYPES) {
      const wanted = this.conditions.find((c) => c.type === type) ?? {
        type,
        status: 'False',
        lastTransitionTime: now(),
        reason: OK_REASONS[type],
        message: OK_MESSAGES[type],
      };
      const old = existing.find((c) => c.type === type);
      if (!old) {
        existing.push(wanted);
        changed = true;
      } else if (old.status !== wanted.status || old.message !== wanted.message || old.reason !== wanted.reason) {
        if (old.status !== wanted.status) old.lastTransitionTime = now();
        old.status = wanted.status;
        old.reason = wanted.reason;
        old.message = wanted.message;
        changed = true;
      }
    }
    return changed;
  }
}

// ---- the controller ------------------------------------------------------------------------------

interface GVRDeletion {
  estimate: number;
  remaining: number;
  finalizers: Map<string, number>;
}

export class NamespaceController implements Controller {
  private readonly queue = new WorkQueue<string>({ baseDelayMs: 5, maxDelayMs: 60_000, name: 'namespace' });
  private readonly client: ResourceClient;
  private readonly log: (line: string) => void;
  private readonly grace: number;
  private readonly workers: number;
  /** Operations a resource turned out not to serve (405/404), as upstream's opCache. */
  private readonly unsupported = new Set<string>();
  private running?: Promise<void>;

  constructor(ctx: ControllerContext, opts: NamespaceControllerOptions = {}) {
    this.client = new ResourceClient(ctx.kubeConfig, 16);
    this.log = ctx.log;
    this.grace = opts.deletionGracePeriodMs ?? ctx.timings.namespaceDeletionGracePeriodMs;
    this.workers = opts.workers ?? 10;
    const namespaces = ctx.informers.get('namespaces');
    const enqueue = (ns: V1Namespace) => {
      if (!ns.metadata?.deletionTimestamp || !ns.metadata.name) return;
      // Give other API servers time to see the deletion, and etcd's last creations time to show.
      this.queue.addAfter(ns.metadata.name, this.grace);
    };
    namespaces.on('add', enqueue);
    namespaces.on('update', enqueue);
  }

  async start(): Promise<void> {
    this.running = this.queue.run(
      this.workers,
      async (name) => {
        try {
          await this.syncNamespace(name);
        } catch (err) {
          if (err instanceof ResourcesRemainingError) {
            this.queue.addAfter(name, (Math.floor(err.estimate / 2) + 1) * 1000);
            return;
          }
          throw err;
        }
      },
      (name, err) => this.log(`deletion of namespace ${name} failed: ${describeError(err)}`),
    );
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
    this.client.close();
  }

  private nsPath(name: string, sub = ''): string {
    return `/api/v1/namespaces/${encodeURIComponent(name)}${sub}`;
  }

  /** namespacedResourcesDeleter.Delete */
  private async syncNamespace(name: string): Promise<void> {
    let ns: NamespaceObject;
    try {
      ns = await this.client.request<NamespaceObject>('GET', this.nsPath(name));
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (!ns.metadata.deletionTimestamp) return;
    try {
      ns = await this.retryOnConflict(ns, async (cur) => {
        if (cur.status?.phase === 'Terminating') return cur;
        const next = structuredClone(cur);
        next.status = { ...(next.status ?? {}), phase: 'Terminating' };
        return this.client.request<NamespaceObject>('PUT', this.nsPath(name, '/status'), { body: next });
      });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (!ns.metadata.deletionTimestamp) return;
    if ((ns.spec?.finalizers ?? []).length === 0) return;

    const estimate = await this.deleteAllContent(ns);
    if (estimate > 0) throw new ResourcesRemainingError(estimate);

    try {
      await this.retryOnConflict(ns, async (cur) => {
        const finalizers = [...new Set((cur.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_TOKEN))].sort();
        const next: NamespaceObject = { ...structuredClone(cur), spec: { ...(cur.spec ?? {}), finalizers } };
        return this.client.request<NamespaceObject>('PUT', this.nsPath(name, '/finalize'), { body: next });
      });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }

  private async retryOnConflict(ns: NamespaceObject, fn: (cur: NamespaceObject) => Promise<NamespaceObject>): Promise<NamespaceObject> {
    let latest = ns;
    for (;;) {
      try {
        return await fn(latest);
      } catch (err) {
        if (!isConflict(err)) throw err;
        const prev = latest;
        latest = await this.client.request<NamespaceObject>('GET', this.nsPath(prev.metadata.name!));
        if (prev.metadata.uid !== latest.metadata.uid) throw new Error('namespace uid has changed across retries');
      }
    }
  }

  /** deleteAllContent: every namespaced resource, then the conditions; the longest estimate left. */
  private async deleteAllContent(ns: NamespaceObject): Promise<number> {
    const name = ns.metadata.name!;
    const deletedAt = Date.parse(ns.metadata.deletionTimestamp!);
    const errs: string[] = [];
    const conditions = new ConditionUpdater();
    let resources: ResourceRef[] = [];
    try {
      const d = await this.client.discover();
      resources = d.resources;
      if (d.failed.size > 0) {
        const groups = [...d.failed].map(([gv, e]) => `${gv}: ${e}`).sort();
        const msg = `unable to retrieve the complete list of server APIs: ${groups.join(', ')}`;
        errs.push(msg);
        conditions.discoveryFailed(`Discovery failed for some groups, ${d.failed.size} failing: ${msg}`);
      }
      if (d.unparsable.length > 0) {
        const msg = `unexpected GroupVersion string: ${d.unparsable[0]}`;
        errs.push(msg);
        conditions.groupVersionFailed(msg);
      }
    } catch (err) {
      errs.push(describeError(err));
      conditions.discoveryFailed(describeError(err));
    }
    const deletable = resources.filter((r) => r.namespaced && r.verbs.includes('delete'));
    let estimate = 0;
    const byResource = new Map<string, number>();
    const byFinalizer = new Map<string, number>();
    const results = await Promise.all(
      deletable.map(async (r) => {
        try {
          return { r, res: await this.deleteAllContentFor(r, name, deletedAt) };
        } catch (err) {
          return { r, err, res: (err as { partial?: GVRDeletion }).partial };
        }
      }),
    );
    for (const { r, res, err } of results) {
      if (err !== undefined) {
        const msg = apiErrorMessage(err);
        errs.push(msg);
        conditions.deleteContentFailed(msg);
      }
      if (!res) continue;
      if (res.estimate > estimate) estimate = res.estimate;
      if (res.remaining > 0) {
        byResource.set(`${r.resource}.${r.group}`, res.remaining);
        for (const [f, n] of res.finalizers) if (n > 0) byFinalizer.set(f, (byFinalizer.get(f) ?? 0) + n);
      }
    }
    conditions.contentTotals(byResource, byFinalizer);
    // Always written when it changed: a condition that was failing may be fine now.
    if (conditions.update(ns)) {
      try {
        const updated = await this.client.request<NamespaceObject>('PUT', this.nsPath(name, '/status'), { body: ns });
        ns.metadata.resourceVersion = updated.metadata.resourceVersion;
      } catch (err) {
        this.log(`couldn't update status condition for namespace "${name}": ${describeError(err)}`);
      }
    }
    if (errs.length > 0) throw new Error(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
    return estimate;
  }

  private async deleteAllContentFor(r: ResourceRef, namespace: string, deletedAt: number): Promise<GVRDeletion> {
    let estimate = 0;
    if (r.group === '' && r.resource === 'pods') estimate = await this.estimatePods(namespace);
    // An estimate already past since the namespace was deleted counts for nothing.
    if ((Date.now() - deletedAt) / 1000 >= estimate) estimate = 0;
    const fail = (err: unknown, partial: GVRDeletion) => Object.assign(err instanceof Error ? err : new Error(String(err)), { partial });
    const key = `${r.group}/${r.version}/${r.resource}`;

    let collectionDone = false;
    if (r.verbs.includes('deletecollection') && !this.unsupported.has(`deletecollection ${key}`)) {
      try {
        await this.client.deleteCollection(r, namespace, { propagationPolicy: 'Background' });
        collectionDone = true;
      } catch (err) {
        if (statusCode(err) !== 405 && statusCode(err) !== 404) throw fail(err, { estimate, remaining: 0, finalizers: new Map() });
        this.unsupported.add(`deletecollection ${key}`);
      }
    }
    if (!collectionDone) {
      const items = await this.listItems(r, namespace).catch((err) => {
        throw fail(err, { estimate, remaining: 0, finalizers: new Map() });
      });
      for (const item of items ?? []) {
        try {
          await this.client.delete(r, namespace, item.metadata.name!, { propagationPolicy: 'Background' });
        } catch (err) {
          if (statusCode(err) !== 404 && statusCode(err) !== 405) throw fail(err, { estimate, remaining: 0, finalizers: new Map() });
        }
      }
    }
    let items: DynObject[] | undefined;
    try {
      items = await this.listItems(r, namespace);
    } catch (err) {
      throw fail(err, { estimate, remaining: 0, finalizers: new Map() });
    }
    if (items === undefined) return { estimate, remaining: 0, finalizers: new Map() };
    if (items.length === 0) return { estimate: 0, remaining: 0, finalizers: new Map() };
    const finalizers = new Map<string, number>();
    for (const item of items) for (const f of item.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    if (estimate !== 0) return { estimate, remaining: items.length, finalizers };
    // Objects held by finalizers are normal: give the garbage collector (or whoever) time.
    if (finalizers.size > 0) return { estimate: FINALIZER_ESTIMATE_SECONDS, remaining: items.length, finalizers };
    const gvr = `{${r.group} ${r.version} ${r.resource}}`;
    throw fail(new Error(`unexpected items still remain in namespace: ${namespace} for gvr: ${gvr}`), { estimate, remaining: items.length, finalizers });
  }

  /** The items of a resource in the namespace; undefined when listing is not served. */
  private async listItems(r: ResourceRef, namespace: string): Promise<DynObject[] | undefined> {
    const key = `list ${r.group}/${r.version}/${r.resource}`;
    if (!r.verbs.includes('list') || this.unsupported.has(key)) return undefined;
    try {
      return (await this.client.list(r, namespace)).items ?? [];
    } catch (err) {
      if (statusCode(err) === 405 || statusCode(err) === 404) {
        this.unsupported.add(key);
        return undefined;
      }
      throw err;
    }
  }

  /** estimateGracefulTerminationForPods: the longest grace period of the namespace's non-terminal pods. */
  private async estimatePods(namespace: string): Promise<number> {
    const pods = await this.client.request<{ items?: { spec?: { terminationGracePeriodSeconds?: number }; status?: { phase?: string } }[] }>(
      'GET',
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
    );
    let estimate = 0;
    for (const p of pods.items ?? []) {
      const phase = p.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      const grace = p.spec?.terminationGracePeriodSeconds;
      if (grace !== undefined && grace > estimate) estimate = grace;
    }
    return estimate;
  }
}
