// A dynamic provisioner for classes naming `wheelhouse.io/simulated`, behaving as the
// external-provisioner sidecar (sigs.k8s.io/sig-storage-lib-external-provisioner) does for a CSI
// driver: it takes claims the PV binder handed to it (the storage-provisioner annotation), waits
// for the scheduler's selected node when the class delays binding, creates a volume `pvc-<claim uid>`
// pre-bound to the claim (the binder then binds both), and deletes the volumes it made once they are
// Released with reclaim policy Delete. The volume is a hostPath on the chosen node; nothing is
// written anywhere, the nodes are simulated.
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { V1Node, V1PersistentVolume, V1PersistentVolumeClaim, V1StorageClass } from '@kubernetes/client-node';
import { describeError, isAlreadyExists, isNotFound } from '../client/clients.ts';
import { EventRecorder, objectRef } from '../client/events.ts';
import type { Informer } from '../client/informer.ts';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_DYNAMICALLY_PROVISIONED,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  claimClass,
} from '../client/pv-match.ts';
import { WorkQueue } from '../client/workqueue.ts';
import type { Controller, ControllerContext } from './controller.ts';
import { objKey } from './pod-control.ts';

export const SIMULATED_PROVISIONER = 'wheelhouse.io/simulated';
const HOSTNAME_LABEL = 'kubernetes.io/hostname';
const VOLUMES_DIR = '/var/lib/wheelhouse/volumes';
const CLAIM = 'claim:';
const VOLUME = 'volume:';

export class SimulatedProvisioner implements Controller {
  private readonly claims: Informer<V1PersistentVolumeClaim>;
  private readonly volumes: Informer<V1PersistentVolume>;
  private readonly classes: Informer<V1StorageClass>;
  private readonly nodes: Informer<V1Node>;
  private readonly queue = new WorkQueue<string>({ baseDelayMs: 100, maxDelayMs: 30_000, name: 'wheelhouse_simulated_provisioner' });
  private readonly recorder: EventRecorder;
  private running?: Promise<void>;

  constructor(private readonly ctx: ControllerContext) {
    this.claims = ctx.informers.get('persistentvolumeclaims');
    this.volumes = ctx.informers.get('persistentvolumes');
    this.classes = ctx.informers.get('storageclasses');
    this.nodes = ctx.informers.get('nodes');
    // The sidecar's event source: `<driver>_<host>_<uuid>`.
    this.recorder = new EventRecorder(ctx.clients.core, { component: `${SIMULATED_PROVISIONER}_${os.hostname()}_${randomUUID()}`, style: 'legacy' });
    const onClaim = (c: V1PersistentVolumeClaim) => this.queue.add(CLAIM + objKey(c));
    const onVolume = (v: V1PersistentVolume) => this.queue.add(VOLUME + (v.metadata?.name ?? ''));
    this.claims.on('add', onClaim);
    this.claims.on('update', onClaim);
    this.volumes.on('add', onVolume);
    this.volumes.on('update', onVolume);
  }

  async start(): Promise<void> {
    await Promise.all([this.claims.synced, this.volumes.synced, this.classes.synced, this.nodes.synced]);
    for (const c of this.claims.list()) this.queue.add(CLAIM + objKey(c));
    for (const v of this.volumes.list()) this.queue.add(VOLUME + (v.metadata?.name ?? ''));
    this.running = this.queue.run(2, (key) => this.sync(key), (key, err) => this.ctx.log(`wheelhouse-simulated-provisioner: ${key}: ${describeError(err)}`));
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
    await this.recorder.close();
  }

  private async sync(key: string): Promise<void> {
    if (key.startsWith(CLAIM)) {
      const [namespace, name] = key.slice(CLAIM.length).split('/') as [string, string];
      const c = this.claims.get(name, namespace);
      if (c) await this.provision(c);
      return;
    }
    const v = this.volumes.get(key.slice(VOLUME.length));
    if (v) await this.maybeDelete(v);
  }

  /** shouldProvision: handed to this provisioner, not bound yet, and (for delayed binding) placed. */
  private async provision(c: V1PersistentVolumeClaim): Promise<void> {
    if (c.spec?.volumeName || c.metadata?.deletionTimestamp) return;
    const ann = c.metadata?.annotations ?? {};
    if ((ann[ANN_STORAGE_PROVISIONER] ?? ann[ANN_BETA_STORAGE_PROVISIONER]) !== SIMULATED_PROVISIONER) return;
    const sc = this.classes.get(claimClass(c));
    if (!sc || sc.provisioner !== SIMULATED_PROVISIONER) return;
    const selectedNode = ann[ANN_SELECTED_NODE];
    if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !selectedNode) return;
    const name = `pvc-${c.metadata?.uid ?? ''}`;
    if (this.volumes.get(name)) return;
    const ref = objectRef(c, { apiVersion: 'v1', kind: 'PersistentVolumeClaim' });
    this.recorder.event(ref, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${c.metadata?.namespace}/${c.metadata?.name}"`);
    const pv: V1PersistentVolume = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, annotations: { [ANN_DYNAMICALLY_PROVISIONED]: SIMULATED_PROVISIONER } },
      spec: {
        capacity: { storage: c.spec?.resources?.requests?.storage ?? '0' },
        accessModes: c.spec?.accessModes,
        volumeMode: c.spec?.volumeMode,
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
        storageClassName: sc.metadata?.name,
        mountOptions: sc.mountOptions,
        claimRef: {
          kind: 'PersistentVolumeClaim',
          apiVersion: 'v1',
          namespace: c.metadata?.namespace,
          name: c.metadata?.name,
          uid: c.metadata?.uid,
          resourceVersion: c.metadata?.resourceVersion,
        },
        hostPath: { path: `${VOLUMES_DIR}/${name}`, type: 'DirectoryOrCreate' },
        ...(selectedNode ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [this.hostnameOf(selectedNode)] }] }] } } } : {}),
      },
    };
    try {
      await this.ctx.clients.core.createPersistentVolume({ body: pv });
    } catch (err) {
      if (!isAlreadyExists(err)) {
        this.recorder.event(ref, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata?.name ?? ''}": ${describeError(err)}`);
        throw err;
      }
    }
    this.recorder.event(ref, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`);
  }

  /** The value of the node's hostname label, which the volume's node affinity matches. */
  private hostnameOf(nodeName: string): string {
    return this.nodes.get(nodeName)?.metadata?.labels?.[HOSTNAME_LABEL] ?? nodeName;
  }

  /** shouldDelete: a volume this provisioner made, released, whose policy is Delete. */
  private async maybeDelete(v: V1PersistentVolume): Promise<void> {
    if (v.metadata?.annotations?.[ANN_DYNAMICALLY_PROVISIONED] !== SIMULATED_PROVISIONER) return;
    if (v.status?.phase !== 'Released' || v.spec?.persistentVolumeReclaimPolicy !== 'Delete' || v.metadata?.deletionTimestamp) return;
    try {
      await this.ctx.clients.core.deletePersistentVolume({ name: v.metadata.name! });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
