// The API server's own CRD controllers (apiextensions-apiserver pkg/controller: status/naming,
// establish, finalizer), run in-process against the CRD store as upstream runs them against its
// loopback client:
// - naming: accepts the spec's names unless another CRD of the group holds one of them
//   (NamesAccepted), copies them to status.acceptedNames;
// - establishing: Established once the names are accepted, and from then on the resource is served
//   (routing, discovery, APIServices) — within the same event, so a client that sees Established can
//   use the resource at once;
// - finalizer: a CRD marked for deletion has every custom resource deleted, then its cleanup
//   finalizer removed, after which the store removes it and the resource stops being served.
import { StatusError } from '../../api/errors.ts';
import type { KObject } from '../../api/types.ts';
import type { GenericStore } from '../store.ts';
import type { WatchSink } from '../watch-sink.ts';
import { servedVersions, type ServedVersion } from './custom-resources.ts';
import { setCondition } from './customresourcedefinitions.ts';
import { CLEANUP_FINALIZER, condition, isConditionTrue, type CRDNames, type CRDCondition, type CustomResourceDefinition } from './crd-types.ts';

/** What the controller needs from the registry: serving and unserving a CRD's versions. */
export interface CustomResourceHost {
  serveCustom(crdName: string, served: ServedVersion[], terminating: boolean): Promise<void>;
  stopCustom(crdName: string): Promise<void>;
  /** The store of a served version (any: all versions share the objects). */
  customStores(crdName: string): GenericStore[];
}

/** How long to wait before looking again at a CRD whose instances are still being deleted. */
const CLEANUP_RECHECK_MS = 250;

function namesKey(n: CRDNames | undefined): string {
  return JSON.stringify(n ?? {});
}

/**
 * The names a CRD may take, and the NamesAccepted condition: every name is checked against the
 * accepted names of the group's other CRDs (naming_controller.go calculateNamesAndConditions).
 */
export function acceptNames(crd: CustomResourceDefinition, others: CustomResourceDefinition[]): { names: CRDNames; condition: CRDCondition } {
  const wanted = crd.spec.names;
  const taken = others
    .filter((o) => o.spec.group === crd.spec.group && o.metadata.name !== crd.metadata.name)
    .map((o) => o.status?.acceptedNames)
    .filter((n): n is CRDNames => n !== undefined);
  const resources = new Set(taken.flatMap((n) => [n.plural, n.singular ?? '', ...(n.shortNames ?? [])]).filter((s) => s !== ''));
  const kinds = new Set(taken.flatMap((n) => [n.kind, n.listKind ?? '']).filter((s) => s !== ''));
  const accepted = crd.status?.acceptedNames;
  const conflict = (reason: string, name: string): { names: CRDNames; condition: CRDCondition } => ({
    names: accepted ?? { plural: '', kind: '' },
    condition: { type: 'NamesAccepted', status: 'False', reason, message: `"${name}" is already in use` },
  });
  if (resources.has(wanted.plural)) return conflict('PluralConflict', wanted.plural);
  if (wanted.singular && resources.has(wanted.singular)) return conflict('SingularConflict', wanted.singular);
  for (const s of wanted.shortNames ?? []) if (resources.has(s)) return conflict('ShortNamesConflict', s);
  if (kinds.has(wanted.kind)) return conflict('KindConflict', wanted.kind);
  if (wanted.listKind && kinds.has(wanted.listKind)) return conflict('ListKindConflict', wanted.listKind);
  return { names: structuredClone(wanted), condition: { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' } };
}

export class CRDController {
  private readonly queue = new Set<string>();
  private running = false;
  private stopped = false;
  private watch?: { stop(): void };
  /** What each served CRD was served from, to rebuild only when it changes. */
  private readonly servedFrom = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The group of every CRD seen, to requeue its neighbours once it is gone. */
  private readonly groups = new Map<string, string>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly crds: GenericStore,
    private readonly host: CustomResourceHost,
  ) {}

  /** Serves every established CRD before resolving (a restarted server answers for them at once), then follows changes. */
  async start(): Promise<void> {
    const { items } = await this.crds.cacher.list({ matches: () => true });
    for (const crd of items) this.queue.add(crd.metadata.name!);
    await this.drain();
    this.subscribe();
  }

  private subscribe(): void {
    const sink: WatchSink = {
      event: (_type, obj) => {
        this.enqueue(obj.metadata.name!);
        return true;
      },
      bookmark: () => undefined,
      error: () => this.resubscribe(),
      end: () => this.resubscribe(),
    };
    void this.crds
      .watch(undefined, { resourceVersion: String(this.crds.cacher.revision) }, sink)
      .then((w) => {
        if (this.stopped) w.stop();
        else this.watch = w;
      })
      .catch(() => this.resubscribe());
  }

  private resubscribe(): void {
    if (this.stopped) return;
    // Whatever changed meanwhile is picked up by reconciling everything once more.
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.crds.cacher
        .list({ matches: () => true })
        .then(({ items }) => {
          for (const crd of items) this.enqueue(crd.metadata.name!);
          for (const name of this.servedFrom.keys()) this.enqueue(name);
        })
        // The cache is still re-listing (etcd outage): the next resubscription tries again.
        .catch(() => undefined);
      this.subscribe();
    }, 100);
    this.timers.add(t);
  }

  private enqueue(name: string): void {
    if (this.stopped) return;
    this.queue.add(name);
    void this.drain();
  }

  /** Resolves once every queued CRD has been reconciled (tests and start-up wait on it). */
  idle(): Promise<void> {
    if (!this.running && this.queue.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    if (this.running) return this.idle();
    this.running = true;
    try {
      while (this.queue.size > 0 && !this.stopped) {
        const name = this.queue.values().next().value as string;
        this.queue.delete(name);
        try {
          await this.reconcile(name);
        } catch {
          // A conflict or an etcd hiccup: look again shortly.
          this.later(name, CLEANUP_RECHECK_MS);
        }
      }
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private later(name: string, ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.enqueue(name);
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private async current(name: string): Promise<CustomResourceDefinition | undefined> {
    const key = this.crds.key(undefined, name);
    return ((await this.crds.storage.get(key)) ?? undefined) as CustomResourceDefinition | undefined;
  }

  private async reconcile(name: string): Promise<void> {
    const crd = await this.current(name);
    const group = crd?.spec.group ?? this.groups.get(name);
    if (crd) this.groups.set(name, crd.spec.group);
    else this.groups.delete(name);
    // Names this CRD held or gave up may free another CRD of the group (the naming controller requeues them).
    if (group !== undefined) await this.requeueRefused(group, name);
    if (!crd) {
      this.servedFrom.delete(name);
      await this.host.stopCustom(name);
      return;
    }
    if (crd.metadata.deletionTimestamp) {
      await this.finalize(crd);
      return;
    }
    const naming = await this.naming(crd);
    const next = structuredClone(crd);
    naming(next);
    // Served before Established is written: a client that sees the condition can use the resource.
    await this.serve(next);
    // Applied to the stored object as it is then, so status others wrote meanwhile (their own
    // conditions) is kept, not replaced by the copy read above.
    if (JSON.stringify(next.status) !== JSON.stringify(crd.status)) await this.writeStatus(name, naming);
  }

  private async requeueRefused(group: string, except: string): Promise<void> {
    const { items } = await this.crds.cacher.list({ matches: () => true });
    for (const o of items as CustomResourceDefinition[]) {
      if (o.metadata.name !== except && o.spec.group === group && !isConditionTrue(o, 'NamesAccepted')) this.queue.add(o.metadata.name!);
    }
  }

  /**
   * Naming and establishing: what they set in a CRD's status (acceptedNames, NamesAccepted, and
   * Established until it is once true), as a change to apply to whichever copy is written.
   */
  private async naming(crd: CustomResourceDefinition): Promise<(target: CustomResourceDefinition) => void> {
    const { items } = await this.crds.cacher.list({ matches: () => true });
    const { names, condition: namesAccepted } = acceptNames(crd, items as CustomResourceDefinition[]);
    return (target) => {
      setCondition(target, namesAccepted);
      if (names.plural !== '') (target.status ??= {}).acceptedNames = names;
      if (!isConditionTrue(target, 'Established')) {
        setCondition(
          target,
          namesAccepted.status === 'True'
            ? { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }
            : { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' },
        );
      }
    };
  }

  private async writeStatus(name: string, change: (cur: CustomResourceDefinition) => void): Promise<KObject> {
    return this.crds.patch(
      undefined,
      name,
      (cur) => {
        change(cur as CustomResourceDefinition);
        return cur;
      },
      { subresource: 'status' },
    );
  }

  private async serve(crd: CustomResourceDefinition, terminating = false): Promise<void> {
    const name = crd.metadata.name!;
    if (!isConditionTrue(crd, 'Established') || !crd.status?.acceptedNames) return;
    const from = `${terminating}|${JSON.stringify(crd.spec)}|${namesKey(crd.status.acceptedNames)}`;
    if (this.servedFrom.get(name) === from) return;
    await this.host.serveCustom(name, servedVersions(crd.spec, crd.status.acceptedNames), terminating);
    this.servedFrom.set(name, from);
  }

  /** finalizer/crd_finalizer.go: delete every instance, then let the CRD go. */
  private async finalize(crd: CustomResourceDefinition): Promise<void> {
    const name = crd.metadata.name!;
    if (!(crd.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER)) return;
    // Still served while instances are deleted, but creating new ones is refused.
    await this.serve(crd, true);
    if (condition(crd, 'Terminating')?.reason !== 'InstanceDeletionInProgress') {
      crd = (await this.writeStatus(name, (cur) =>
        setCondition(cur, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' }),
      )) as CustomResourceDefinition;
    }
    const store = this.host.customStores(name)[0];
    if (store) {
      const { items } = await store.list(undefined, {});
      const namespaces = new Set(items.map((i) => i.metadata.namespace));
      for (const ns of namespaces) {
        try {
          await store.deleteCollection(ns, {}, {});
        } catch (err) {
          if (!(err instanceof StatusError && err.code === 404)) throw err;
        }
      }
      const left = await store.list(undefined, { limit: 1 });
      if (left.items.length > 0) {
        // Instances held by finalizers: look again until they are gone.
        this.later(name, CLEANUP_RECHECK_MS);
        return;
      }
    }
    await this.writeStatus(name, (cur) =>
      setCondition(cur, { type: 'Terminating', status: 'False', reason: 'InstanceDeletionCompleted', message: 'removed all instances' }),
    );
    // Dropping the last finalizer of an object being deleted removes it (the store's ShouldDeleteDuringUpdate).
    await this.crds.patch(undefined, name, (cur) => {
      cur.metadata.finalizers = (cur.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
      if (cur.metadata.finalizers.length === 0) delete cur.metadata.finalizers;
      return cur;
    });
    // Unserved now rather than when the deletion event comes round.
    if (!(await this.current(name))) {
      this.servedFrom.delete(name);
      await this.host.stopCustom(name);
    }
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
