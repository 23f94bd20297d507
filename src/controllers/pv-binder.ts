// The PersistentVolume binder (kube-controller-manager's persistentvolume-binder-controller,
// pkg/controller/volume/persistentvolume/pv_controller.go): binds pending claims to the best
// Available volume, asks the class's provisioner for a volume when none fits, keeps claim and volume
// phases in step (Pending/Bound/Lost, Available/Bound/Released/Failed) and reclaims released
// volumes (Retain keeps them Released; Delete is left to the provisioner that made the volume).
//
// One queue holds both kinds of key (`claim:<ns>/<name>`, `volume:<name>`) with a single worker, so
// a claim and a volume are never synced at the same time; upstream's two queues get the same effect
// from its in-memory cache of its own writes, which this controller keeps too (`written`).
import type { V1PersistentVolume, V1PersistentVolumeClaim, V1StorageClass } from '@kubernetes/client-node';
import { describeError, isNotFound } from '../client/clients.ts';
import { EventRecorder, objectRef, type EventType } from '../client/events.ts';
import type { Informer } from '../client/informer.ts';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_DYNAMICALLY_PROVISIONED,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  checkAccessModes,
  claimClass,
  claimHasNoClass,
  defaultStorageClass,
  findMatchingVolume,
  isDelayBinding,
  isVolumeBoundToClaim,
  requestedStorage,
  volumeClass,
  volumeModeMismatch,
  volumeStorage,
} from '../client/pv-match.ts';
import { WorkQueue } from '../client/workqueue.ts';
import type { Controller, ControllerContext } from './controller.ts';
import { objKey } from './pod-control.ts';

const CLAIM = 'claim:';
const VOLUME = 'volume:';
const CLAIM_REF = { apiVersion: 'v1', kind: 'PersistentVolumeClaim' };
const PV_REF = { apiVersion: 'v1', kind: 'PersistentVolume' };

type ClaimPhase = 'Pending' | 'Bound' | 'Lost';
type VolumePhase = 'Available' | 'Bound' | 'Released' | 'Failed';

/** resourceVersion as a number, to tell which of two copies is newer (etcd revisions). */
function rv(o: { metadata?: { resourceVersion?: string } } | undefined): number {
  return Number(o?.metadata?.resourceVersion ?? 0) || 0;
}

export class PersistentVolumeBinder implements Controller {
  private readonly claims: Informer<V1PersistentVolumeClaim>;
  private readonly volumes: Informer<V1PersistentVolume>;
  private readonly classes: Informer<V1StorageClass>;
  private readonly queue = new WorkQueue<string>({ baseDelayMs: 100, maxDelayMs: 30_000, name: 'volumes' });
  private readonly recorder: EventRecorder;
  /** The objects this controller wrote last, newer than the informer's copy until the watch catches up. */
  private readonly written = new Map<string, V1PersistentVolume | V1PersistentVolumeClaim>();
  private resync?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly ctx: ControllerContext) {
    this.claims = ctx.informers.get('persistentvolumeclaims');
    this.volumes = ctx.informers.get('persistentvolumes');
    this.classes = ctx.informers.get('storageclasses');
    this.recorder = new EventRecorder(ctx.clients.core, { component: 'persistentvolume-controller', style: 'legacy' });
    const onClaim = (c: V1PersistentVolumeClaim) => this.queue.add(CLAIM + objKey(c));
    const onVolume = (v: V1PersistentVolume) => this.queue.add(VOLUME + (v.metadata?.name ?? ''));
    this.claims.on('add', onClaim);
    this.claims.on('update', onClaim);
    this.claims.on('delete', (c) => this.onClaimDeleted(c));
    this.volumes.on('add', onVolume);
    this.volumes.on('update', onVolume);
    this.volumes.on('delete', (v) => this.onVolumeDeleted(v));
    // A new default class, or a class that appears late, can move pending claims on.
    const onClass = () => {
      for (const c of this.claims.list()) if (c.status?.phase === 'Pending') onClaim(c);
    };
    this.classes.on('add', onClass);
    this.classes.on('update', onClass);
  }

  async start(): Promise<void> {
    await Promise.all([this.claims.synced, this.volumes.synced, this.classes.synced]);
    this.enqueueAll();
    // Level-triggered safety net (--pvclaimbinder-sync-period): everything is looked at again.
    this.resync = setInterval(() => this.enqueueAll(), this.ctx.timings.pvClaimBinderSyncPeriodMs);
    this.resync.unref();
    this.running = this.queue.run(1, (key) => this.sync(key), (key, err) => this.ctx.log(`persistentvolume-binder-controller: ${key}: ${describeError(err)}`));
  }

  async stop(): Promise<void> {
    if (this.resync) clearInterval(this.resync);
    this.queue.shutDown();
    await this.running;
    await this.recorder.close();
  }

  private enqueueAll(): void {
    for (const c of this.claims.list()) this.queue.add(CLAIM + objKey(c));
    for (const v of this.volumes.list()) this.queue.add(VOLUME + (v.metadata?.name ?? ''));
  }

  private onClaimDeleted(c: V1PersistentVolumeClaim): void {
    this.written.delete(CLAIM + objKey(c));
    // The volume it was bound to is released now.
    if (c.spec?.volumeName) this.queue.add(VOLUME + c.spec.volumeName);
  }

  private onVolumeDeleted(v: V1PersistentVolume): void {
    const name = v.metadata?.name ?? '';
    this.written.delete(VOLUME + name);
    const ref = v.spec?.claimRef;
    if (ref?.name) this.queue.add(`${CLAIM}${ref.namespace ?? ''}/${ref.name}`);
  }

  // ---- cache reads: the informer's copy or this controller's newer write ----

  private claim(namespace: string, name: string): V1PersistentVolumeClaim | undefined {
    const key = `${CLAIM}${namespace}/${name}`;
    return this.newest(key, this.claims.get(name, namespace)) as V1PersistentVolumeClaim | undefined;
  }

  private volume(name: string): V1PersistentVolume | undefined {
    return this.newest(VOLUME + name, this.volumes.get(name)) as V1PersistentVolume | undefined;
  }

  private newest<T extends V1PersistentVolume | V1PersistentVolumeClaim>(key: string, informed: T | undefined): T | undefined {
    const mine = this.written.get(key) as T | undefined;
    if (!informed) return undefined;
    if (!mine || mine.metadata?.uid !== informed.metadata?.uid || rv(mine) <= rv(informed)) {
      if (mine) this.written.delete(key);
      return informed;
    }
    return mine;
  }

  private allVolumes(): V1PersistentVolume[] {
    return this.volumes.list().map((v) => this.volume(v.metadata?.name ?? '') ?? v);
  }

  private claimEvent(c: V1PersistentVolumeClaim, type: EventType, reason: string, message: string): void {
    this.recorder.event(objectRef(c, CLAIM_REF), type, reason, message);
  }

  private volumeEvent(v: V1PersistentVolume, type: EventType, reason: string, message: string): void {
    this.recorder.event(objectRef(v, PV_REF), type, reason, message);
  }

  private async sync(key: string): Promise<void> {
    if (key.startsWith(CLAIM)) {
      const [namespace, name] = key.slice(CLAIM.length).split('/') as [string, string];
      const c = this.claim(namespace, name);
      if (!c || c.metadata?.deletionTimestamp) return;
      if (c.metadata?.annotations?.[ANN_BIND_COMPLETED] === undefined) await this.syncUnboundClaim(c);
      else await this.syncBoundClaim(c);
      return;
    }
    const v = this.volume(key.slice(VOLUME.length));
    if (v) await this.syncVolume(v);
  }

  // ---- claims ----

  private async syncUnboundClaim(c: V1PersistentVolumeClaim): Promise<void> {
    const wanted = c.spec?.volumeName;
    // Retroactive default class: a claim made while no class was default gets the one there is now.
    const def = !wanted && claimHasNoClass(c) ? defaultStorageClass(this.classes.list()) : undefined;
    if (def) {
      const next = structuredClone(c);
      next.spec = { ...next.spec, storageClassName: def.metadata?.name };
      await this.writeClaim(next);
      return;
    }
    if (!wanted) {
      const delay = isDelayBinding(c, (n) => this.classes.get(n));
      const match = this.findBestMatch(c, delay);
      if (match) {
        await this.bind(match, c);
        return;
      }
      if (delay && c.metadata?.annotations?.[ANN_SELECTED_NODE] === undefined) {
        this.claimEvent(c, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      } else if (claimClass(c) !== '') {
        await this.provisionClaim(c);
      } else {
        this.claimEvent(c, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      }
      await this.setClaimPhase(c, 'Pending');
      return;
    }
    // Pre-bound by the user to a named volume.
    const v = this.volume(wanted);
    if (!v) {
      await this.setClaimPhase(c, 'Pending');
      return;
    }
    if (!v.spec?.claimRef) {
      const mismatch = this.volumeMismatch(v, c);
      if (mismatch) {
        this.claimEvent(c, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${wanted}": ${mismatch}`);
        await this.setClaimPhase(c, 'Pending');
        return;
      }
      await this.bind(v, c);
      return;
    }
    if (isVolumeBoundToClaim(v, c)) {
      await this.bind(v, c);
      return;
    }
    if (c.metadata?.annotations?.[ANN_BOUND_BY_CONTROLLER] === undefined) {
      this.claimEvent(c, 'Warning', 'FailedBinding', 'volume "' + wanted + '" already bound to a different claim.');
      await this.setClaimPhase(c, 'Pending');
    }
  }

  private async syncBoundClaim(c: V1PersistentVolumeClaim): Promise<void> {
    const name = c.spec?.volumeName;
    if (!name) {
      await this.lose(c, 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
      return;
    }
    const v = this.volume(name);
    if (!v) {
      await this.lose(c, 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      return;
    }
    if (!v.spec?.claimRef || v.spec.claimRef.uid === c.metadata?.uid) {
      await this.bind(v, c);
      return;
    }
    await this.lose(c, 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
  }

  private async lose(c: V1PersistentVolumeClaim, reason: string, message: string): Promise<void> {
    if (c.status?.phase !== 'Lost') this.claimEvent(c, 'Warning', reason, message);
    await this.setClaimPhase(c, 'Lost');
  }

  /**
   * pvIndex.findBestMatchForClaim: volumes are grouped by their access mode sets, tried from the set
   * with the fewest modes up, and the first group with a match gives the smallest fitting volume.
   */
  private findBestMatch(c: V1PersistentVolumeClaim, delayBinding: boolean): V1PersistentVolume | undefined {
    const groups = new Map<string, V1PersistentVolume[]>();
    for (const v of this.allVolumes()) {
      if (!checkAccessModes(c, v)) continue;
      const sig = [...new Set(v.spec?.accessModes ?? [])].sort().join(',');
      const list = groups.get(sig) ?? [];
      list.push(v);
      groups.set(sig, list);
    }
    const ordered = [...groups.entries()].sort((a, b) => a[0].split(',').length - b[0].split(',').length);
    for (const [, vols] of ordered) {
      const m = findMatchingVolume(c, vols, { delayBinding });
      if (m) return m;
    }
    return undefined;
  }

  /** checkVolumeSatisfyClaim, for claims that name their volume. */
  private volumeMismatch(v: V1PersistentVolume, c: V1PersistentVolumeClaim): string | undefined {
    if (volumeStorage(v) < requestedStorage(c)) return 'requested PV is too small';
    if (volumeClass(v) !== claimClass(c)) return 'storageClassName does not match';
    if (volumeModeMismatch(c, v)) return 'incompatible volumeMode';
    if (!checkAccessModes(c, v)) return 'incompatible accessMode';
    return undefined;
  }

  /**
   * provisionClaim for a provisioner outside the controller: name it on the claim so the external
   * provisioner picks the claim up, and say so in an event.
   */
  private async provisionClaim(c: V1PersistentVolumeClaim): Promise<void> {
    const className = claimClass(c);
    const sc = this.classes.get(className);
    if (!sc) {
      this.claimEvent(c, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    const provisioner = sc.provisioner;
    const ann = c.metadata?.annotations ?? {};
    let current = c;
    if (ann[ANN_STORAGE_PROVISIONER] !== provisioner || ann[ANN_BETA_STORAGE_PROVISIONER] !== provisioner) {
      const next = structuredClone(c);
      next.metadata = { ...next.metadata, annotations: { ...ann, [ANN_STORAGE_PROVISIONER]: provisioner, [ANN_BETA_STORAGE_PROVISIONER]: provisioner } };
      current = await this.writeClaim(next);
    }
    this.claimEvent(
      current,
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
  }

  // ---- binding ----

  /** bind: volume → claim first (so a crash leaves a volume that finds its claim again), then claim → volume, then phases. */
  private async bind(v: V1PersistentVolume, c: V1PersistentVolumeClaim): Promise<void> {
    let volume = v;
    const ref = volume.spec?.claimRef;
    const refOk = ref?.uid === c.metadata?.uid && ref?.name === c.metadata?.name && ref?.namespace === c.metadata?.namespace;
    if (!refOk) {
      const next = structuredClone(volume);
      const preBound = !!ref;
      next.spec = {
        ...next.spec,
        claimRef: {
          kind: 'PersistentVolumeClaim',
          namespace: c.metadata?.namespace,
          name: c.metadata?.name,
          uid: c.metadata?.uid,
          apiVersion: 'v1',
          resourceVersion: c.metadata?.resourceVersion,
        },
      };
      if (!preBound) next.metadata = { ...next.metadata, annotations: { ...next.metadata?.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' } };
      volume = await this.writeVolume(next);
    }
    volume = await this.setVolumePhase(volume, 'Bound');
    let claim = c;
    const ann = claim.metadata?.annotations ?? {};
    if (claim.spec?.volumeName !== volume.metadata?.name || ann[ANN_BIND_COMPLETED] === undefined) {
      const next = structuredClone(claim);
      const annotations: Record<string, string> = { ...ann, [ANN_BIND_COMPLETED]: 'yes' };
      if (!claim.spec?.volumeName) annotations[ANN_BOUND_BY_CONTROLLER] = 'yes';
      next.metadata = { ...next.metadata, annotations };
      next.spec = { ...next.spec, volumeName: volume.metadata?.name };
      claim = await this.writeClaim(next);
    }
    await this.setClaimPhase(claim, 'Bound', volume);
  }

  private async setClaimPhase(c: V1PersistentVolumeClaim, phase: ClaimPhase, v?: V1PersistentVolume): Promise<V1PersistentVolumeClaim> {
    const status = c.status ?? {};
    const accessModes = phase === 'Bound' ? v?.spec?.accessModes : status.accessModes;
    const capacity = phase === 'Bound' ? v?.spec?.capacity : status.capacity;
    if (status.phase === phase && JSON.stringify(status.accessModes) === JSON.stringify(accessModes) && JSON.stringify(status.capacity) === JSON.stringify(capacity)) return c;
    const next = structuredClone(c);
    next.status = { ...status, phase, accessModes, capacity };
    const written = await this.ctx.clients.core.replaceNamespacedPersistentVolumeClaimStatus({ name: c.metadata!.name!, namespace: c.metadata!.namespace!, body: next });
    this.written.set(CLAIM + objKey(written), written);
    return written;
  }

  private async setVolumePhase(v: V1PersistentVolume, phase: VolumePhase, message?: string): Promise<V1PersistentVolume> {
    if (v.status?.phase === phase && (message === undefined || v.status.message === message)) return v;
    const next = structuredClone(v);
    next.status = { ...next.status, phase, message, lastPhaseTransitionTime: v.status?.phase === phase ? v.status?.lastPhaseTransitionTime : new Date() };
    if (message === undefined) delete next.status.message;
    const written = await this.ctx.clients.core.replacePersistentVolumeStatus({ name: v.metadata!.name!, body: next });
    this.written.set(VOLUME + written.metadata!.name!, written);
    return written;
  }

  private async writeClaim(c: V1PersistentVolumeClaim): Promise<V1PersistentVolumeClaim> {
    const written = await this.ctx.clients.core.replaceNamespacedPersistentVolumeClaim({ name: c.metadata!.name!, namespace: c.metadata!.namespace!, body: c });
    this.written.set(CLAIM + objKey(written), written);
    return written;
  }

  private async writeVolume(v: V1PersistentVolume): Promise<V1PersistentVolume> {
    const written = await this.ctx.clients.core.replacePersistentVolume({ name: v.metadata!.name!, body: v });
    this.written.set(VOLUME + written.metadata!.name!, written);
    return written;
  }

  // ---- volumes ----

  private async syncVolume(v: V1PersistentVolume): Promise<void> {
    if (v.metadata?.deletionTimestamp) return;
    const ref = v.spec?.claimRef;
    // Unused, or pre-bound by the user to a claim that does not exist yet: Available.
    if (!ref || !ref.uid) {
      await this.setVolumePhase(v, 'Available');
      if (ref?.name) this.queue.add(`${CLAIM}${ref.namespace ?? ''}/${ref.name}`);
      return;
    }
    let c = this.claim(ref.namespace ?? '', ref.name ?? '');
    if (c && c.metadata?.uid !== ref.uid) c = undefined;
    if (!c) {
      // The informer may lag behind a claim created a moment ago: ask the server before releasing.
      if (await this.claimExists(ref.namespace ?? '', ref.name ?? '', ref.uid)) return;
      const released = v.status?.phase === 'Released' || v.status?.phase === 'Failed' ? v : await this.setVolumePhase(v, 'Released');
      await this.reclaim(released);
      return;
    }
    if (!c.spec?.volumeName) {
      // Binding in progress, or the user pre-bound this volume: the claim's sync finishes it.
      this.queue.add(CLAIM + objKey(c));
      return;
    }
    if (c.spec.volumeName === v.metadata?.name) {
      await this.setVolumePhase(v, 'Bound');
      return;
    }
    // The claim went to another volume.
    if (v.metadata?.annotations?.[ANN_DYNAMICALLY_PROVISIONED] && v.spec?.persistentVolumeReclaimPolicy === 'Delete') {
      const released = v.status?.phase === 'Released' ? v : await this.setVolumePhase(v, 'Released');
      await this.reclaim(released);
      return;
    }
    const next = structuredClone(v);
    if (v.metadata?.annotations?.[ANN_BOUND_BY_CONTROLLER] !== undefined) {
      delete next.spec!.claimRef;
      const annotations = { ...next.metadata?.annotations };
      delete annotations[ANN_BOUND_BY_CONTROLLER];
      next.metadata = { ...next.metadata, annotations };
    } else {
      next.spec!.claimRef = { ...ref, uid: undefined };
    }
    await this.setVolumePhase(await this.writeVolume(next), 'Available');
  }

  private async claimExists(namespace: string, name: string, uid: string): Promise<boolean> {
    try {
      const c = await this.ctx.clients.core.readNamespacedPersistentVolumeClaim({ name, namespace });
      return c.metadata?.uid === uid;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /**
   * reclaimVolume: Retain leaves the volume Released for an administrator; Delete of a volume an
   * external provisioner made is that provisioner's job; anything else has no plugin here to do it.
   */
  private async reclaim(v: V1PersistentVolume): Promise<void> {
    const policy = v.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
    if (policy === 'Retain') return;
    if (policy === 'Delete' && v.metadata?.annotations?.[ANN_DYNAMICALLY_PROVISIONED]) return;
    if (v.status?.phase === 'Failed') return;
    if (policy === 'Recycle') {
      const msg = `No recycler plugin found for the volume!`;
      this.volumeEvent(v, 'Warning', 'VolumeFailedRecycle', msg);
      await this.setVolumePhase(v, 'Failed', msg);
      return;
    }
    const msg = `error getting deleter volume plugin for volume "${v.metadata?.name ?? ''}": no deletable volume plugin matched`;
    this.volumeEvent(v, 'Warning', 'VolumeFailedDelete', msg);
    await this.setVolumePhase(v, 'Failed', msg);
  }
}
