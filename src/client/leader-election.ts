// Leader election on a coordination.k8s.io Lease, as client-go's leaderelection package does it: try
// to acquire or renew every retry period; another holder's lease counts as expired only when its
// record has not changed for a whole lease duration of *our* clock (so clock skew between processes
// does not matter); a leader that cannot renew within the renew deadline stops leading.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { V1Lease } from '@kubernetes/client-node';
import type { Clients } from './clients.ts';
import { isConflict, isNotFound, describeError, isAlreadyExists } from './clients.ts';
import { EventRecorder, objectRef } from './events.ts';
import { microTime, type MicroTime } from './time.ts';

export interface LeaderElectionOptions {
  clients: Clients;
  namespace: string;
  name: string;
  /** holderIdentity: `<hostname>_<uuid>` unless given. */
  identity?: string;
  /** Component recording the LeaderElection events (e.g. kube-controller-manager). */
  component: string;
  /** client-go defaults: 15 s, 10 s, 2 s. */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onStartedLeading: () => void | Promise<void>;
  onStoppedLeading: () => void | Promise<void>;
  log?: (line: string) => void;
}

export class LeaderElector {
  readonly identity: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly recorder: EventRecorder;
  private readonly log: (line: string) => void;
  /** The record as last seen and when (our clock) it last changed. */
  private observed?: { holder: string; renewTime: string; at: number };
  private leading = false;
  private lastRenew = 0;
  private timer?: NodeJS.Timeout;
  private stopped = true;

  constructor(private readonly opts: LeaderElectionOptions) {
    this.identity = opts.identity ?? `${os.hostname()}_${randomUUID()}`;
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    this.recorder = new EventRecorder(opts.clients.core, { component: opts.component, style: 'legacy', host: os.hostname() });
    this.log = opts.log ?? (() => {});
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.tick();
  }

  /** Stop trying; a leader gives the lease up so that another candidate takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.leading) {
      this.leading = false;
      await this.release().catch((err: unknown) => this.log(`releasing lease ${this.opts.name}: ${describeError(err)}`));
      await this.opts.onStoppedLeading();
    }
    await this.recorder.close();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    let ok = false;
    try {
      ok = await this.tryAcquireOrRenew();
    } catch (err) {
      this.log(`leader election ${this.opts.namespace}/${this.opts.name}: ${describeError(err)}`);
    }
    if (this.stopped) return;
    const now = Date.now();
    if (ok) {
      this.lastRenew = now;
      if (!this.leading) {
        this.leading = true;
        this.log(`successfully acquired lease ${this.opts.namespace}/${this.opts.name}`);
        await this.opts.onStartedLeading();
      }
    } else if (this.leading && now - this.lastRenew > this.renewDeadlineMs) {
      this.leading = false;
      this.log(`failed to renew lease ${this.opts.namespace}/${this.opts.name}: timed out`);
      await this.opts.onStoppedLeading();
    }
    if (this.stopped) return;
    // Not unref'd: for a standby candidate this timer is what keeps its process alive.
    this.timer = setTimeout(() => void this.tick(), this.retryPeriodMs);
  }

  private leaseBody(current: V1Lease | undefined, now: MicroTime): V1Lease {
    const spec = current?.spec ?? {};
    const changedHolder = spec.holderIdentity !== this.identity;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: current ? { ...current.metadata } : { name: this.opts.name, namespace: this.opts.namespace },
      spec: {
        holderIdentity: this.identity,
        leaseDurationSeconds: Math.round(this.leaseDurationMs / 1000),
        acquireTime: changedHolder ? (now) : spec.acquireTime,
        renewTime: now,
        leaseTransitions: current ? (spec.leaseTransitions ?? 0) + (changedHolder ? 1 : 0) : 0,
      },
    };
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const coordination = this.opts.clients.coordination;
    const { name, namespace } = this.opts;
    const now = microTime();
    let current: V1Lease | undefined;
    try {
      current = await coordination.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!current) {
      try {
        await coordination.createNamespacedLease({ namespace, body: this.leaseBody(undefined, now) });
      } catch (err) {
        if (isAlreadyExists(err)) return false;
        throw err;
      }
      this.becameLeader();
      return true;
    }
    const holder = current.spec?.holderIdentity ?? '';
    const renewTime = String(current.spec?.renewTime?.valueOf() ?? '');
    if (!this.observed || this.observed.holder !== holder || this.observed.renewTime !== renewTime) {
      this.observed = { holder, renewTime, at: Date.now() };
    }
    const duration = (current.spec?.leaseDurationSeconds ?? 15) * 1000;
    if (holder && holder !== this.identity && this.observed.at + duration > Date.now()) return false;
    try {
      await coordination.replaceNamespacedLease({ name, namespace, body: this.leaseBody(current, now) });
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
    if (holder !== this.identity) this.becameLeader();
    return true;
  }

  private becameLeader(): void {
    const ref = objectRef({ metadata: { name: this.opts.name, namespace: this.opts.namespace } }, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' });
    this.recorder.event(ref, 'Normal', 'LeaderElection', `${this.identity} became leader`);
  }

  /** ReleaseOnCancel: an empty holder and a 1 s lease, so candidates see it expired. */
  private async release(): Promise<void> {
    const coordination = this.opts.clients.coordination;
    const { name, namespace } = this.opts;
    const current = await coordination.readNamespacedLease({ name, namespace });
    if (current.spec?.holderIdentity !== this.identity) return;
    const now = microTime();
    await coordination.replaceNamespacedLease({
      name,
      namespace,
      body: {
        ...current,
        spec: { ...current.spec, holderIdentity: undefined, leaseDurationSeconds: 1, acquireTime: now, renewTime: now },
      },
    });
  }
}
