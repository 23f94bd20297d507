// Informers: the client library's ListWatch (list, then watch from the list's resourceVersion, relist
// on 410) with two additions every controller needs:
//  - watch events are deserialized into the same model classes the list returns (the library hands
//    list items over as V1Pod instances with Date fields but watch objects as raw JSON), so handlers
//    see one shape;
//  - a failed list or watch (server restarting, connection reset) is retried with capped back-off
//    instead of leaving the informer stopped.
import { KubeConfig, ListWatch, Watch, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';

export type InformerEvent = 'add' | 'update' | 'delete';

export interface InformerOptions<T extends KubernetesObject> {
  /** Collection path, e.g. `/api/v1/pods`. */
  path: string;
  /** Model class name for watch objects, e.g. `V1Pod`. */
  type: string;
  /** The list call (usually a generated client method with the same selectors). */
  list: () => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  fieldSelector?: string;
  /** First retry delay after a failure; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

class DeserializingWatch extends Watch {
  constructor(
    config: KubeConfig,
    private readonly type: string,
    /** Called with each MODIFIED object before the ListWatch replaces its cached copy, and with undefined after. */
    private readonly aroundModify: (obj: KubernetesObject | undefined) => void,
  ) {
    super(config);
  }

  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    return super.watch(
      path,
      queryParams,
      (phase, obj, raw) => {
        const typed = phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED' ? ObjectSerializer.deserialize(obj, this.type, '') : obj;
        if (phase !== 'MODIFIED') return callback(phase, typed, raw);
        this.aroundModify(typed as KubernetesObject);
        try {
          callback(phase, typed, raw);
        } finally {
          this.aroundModify(undefined);
        }
      },
      done,
    );
  }
}

export class Informer<T extends KubernetesObject> {
  private readonly lw: ListWatch<T>;
  private stopped = true;
  private retryTimer?: NodeJS.Timeout;
  private failures = 0;
  private syncedResolve?: () => void;
  private hasSynced = false;
  /** Resolves once the first list has been delivered to the handlers. */
  readonly synced: Promise<void>;
  /** The cached copy a MODIFIED event is about to replace (the ListWatch emits synchronously after). */
  private replaced?: T;

  constructor(
    kc: KubeConfig,
    private readonly opts: InformerOptions<T>,
  ) {
    this.synced = new Promise((resolve) => (this.syncedResolve = resolve));
    const list = async () => {
      const result = await opts.list();
      // The ListWatch hands the items to the handlers once this resolves (synchronously, before it
      // starts the watch); a macrotask later they have all been delivered.
      setImmediate(() => this.markSynced());
      return result;
    };
    const aroundModify = (obj: KubernetesObject | undefined) => {
      this.replaced = obj && this.lw.get(obj.metadata?.name ?? '', obj.metadata?.namespace);
    };
    this.lw = new ListWatch<T>(opts.path, new DeserializingWatch(kc, opts.type, aroundModify), list, false, opts.labelSelector, opts.fieldSelector);
    this.lw.on('error', () => this.scheduleRestart());
  }

  /**
   * `update` handlers also get the object as it was before (client-go's OnUpdate(old, new)); it is
   * undefined when the change was found by a relist rather than a watch event.
   */
  on(event: InformerEvent, handler: (obj: T, old?: T) => void): void {
    if (event !== 'update') {
      this.lw.on(event, (obj) => handler(obj));
      return;
    }
    this.lw.on('update', (obj) => {
      const old = this.replaced;
      handler(obj, old !== obj ? old : undefined);
    });
  }

  get(name: string, namespace?: string): T | undefined {
    return this.lw.get(name, namespace);
  }

  list(namespace?: string): ReadonlyArray<T> {
    return this.lw.list(namespace);
  }

  get isSynced(): boolean {
    return this.hasSynced;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.lw.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.lw.stop();
  }

  private markSynced(): void {
    this.failures = 0;
    if (this.hasSynced) return;
    this.hasSynced = true;
    this.syncedResolve?.();
  }

  private scheduleRestart(): void {
    if (this.stopped || this.retryTimer) return;
    const base = this.opts.retryMs ?? 200;
    const max = this.opts.maxRetryMs ?? 10_000;
    const delay = Math.min(max, base * 2 ** Math.min(this.failures, 16));
    this.failures++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.stopped) return;
      // start() re-lists when the watch resourceVersion was lost, otherwise resumes the watch.
      this.lw.start().catch(() => this.scheduleRestart());
    }, delay);
    this.retryTimer.unref();
  }
}
