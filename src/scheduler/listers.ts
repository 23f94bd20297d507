// The objects besides pods and nodes that plugins read: namespaces (namespaceSelector of affinity
// terms), claims and volumes (VolumeBinding), and the services and controllers whose selectors make a
// pod's default spreading selector (PodTopologySpread's system defaults), and the PodDisruptionBudgets
// preemption weighs. Each is an informer, so a lookup never leaves the process.
import {
  AppsV1Api,
  PolicyV1Api,
  StorageV1Api,
  type KubeConfig,
  type KubernetesObject,
  type V1LabelSelector,
  type V1Namespace,
  type V1PersistentVolume,
  type V1PersistentVolumeClaim,
  type V1PodDisruptionBudget,
  type V1ReplicaSet,
  type V1ReplicationController,
  type V1Service,
  type V1StatefulSet,
  type V1StorageClass,
} from '@kubernetes/client-node';
import type { Clients } from '../client/clients.ts';
import { Informer } from '../client/informer.ts';

/** What plugins may look up; the scheduler's informers implement it, unit tests use plain maps. */
export interface Listers {
  namespaceLabels(name: string): Record<string, string> | undefined;
  pvc(namespace: string, name: string): V1PersistentVolumeClaim | undefined;
  pv(name: string): V1PersistentVolume | undefined;
  /** Every PersistentVolume (VolumeBinding matches delayed-binding claims against them per node). */
  volumes(): readonly V1PersistentVolume[];
  storageClass(name: string): V1StorageClass | undefined;
  services(namespace: string): readonly V1Service[];
  /** The selector of a pod's controller: a ReplicationController's label map, a ReplicaSet's or StatefulSet's selector. */
  controllerSelector(namespace: string, apiVersion: string, kind: string, name: string): { labels?: Record<string, string>; selector?: V1LabelSelector } | undefined;
  /** Every PodDisruptionBudget (preemption prefers victims whose budgets allow the disruption). */
  disruptionBudgets?(): readonly V1PodDisruptionBudget[];
}

export type ListerEvent = 'namespace' | 'volume';

export class InformerListers implements Listers {
  private readonly namespaces: Informer<V1Namespace>;
  private readonly pvcs: Informer<V1PersistentVolumeClaim>;
  private readonly pvs: Informer<V1PersistentVolume>;
  private readonly classes: Informer<V1StorageClass>;
  private readonly svcs: Informer<V1Service>;
  private readonly rcs: Informer<V1ReplicationController>;
  private readonly rss: Informer<V1ReplicaSet>;
  private readonly stss: Informer<V1StatefulSet>;
  private readonly pdbs: Informer<V1PodDisruptionBudget>;

  /** `onChange` hears of changes that can make parked pods schedulable. */
  constructor(kc: KubeConfig, clients: Clients, onChange: (what: ListerEvent) => void) {
    const core = clients.core;
    // Lists run only at start and on relist, so the library's own client is good enough for apps.
    const apps = kc.makeApiClient(AppsV1Api);
    this.namespaces = new Informer<V1Namespace>(kc, { path: '/api/v1/namespaces', type: 'V1Namespace', list: () => core.listNamespace() });
    this.pvcs = new Informer<V1PersistentVolumeClaim>(kc, {
      path: '/api/v1/persistentvolumeclaims',
      type: 'V1PersistentVolumeClaim',
      list: () => core.listPersistentVolumeClaimForAllNamespaces(),
    });
    this.pvs = new Informer<V1PersistentVolume>(kc, { path: '/api/v1/persistentvolumes', type: 'V1PersistentVolume', list: () => core.listPersistentVolume() });
    const storage = kc.makeApiClient(StorageV1Api);
    this.classes = new Informer<V1StorageClass>(kc, { path: '/apis/storage.k8s.io/v1/storageclasses', type: 'V1StorageClass', list: () => storage.listStorageClass() });
    this.svcs = new Informer<V1Service>(kc, { path: '/api/v1/services', type: 'V1Service', list: () => core.listServiceForAllNamespaces() });
    this.rcs = new Informer<V1ReplicationController>(kc, {
      path: '/api/v1/replicationcontrollers',
      type: 'V1ReplicationController',
      list: () => core.listReplicationControllerForAllNamespaces(),
    });
    this.rss = new Informer<V1ReplicaSet>(kc, { path: '/apis/apps/v1/replicasets', type: 'V1ReplicaSet', list: () => apps.listReplicaSetForAllNamespaces() });
    this.stss = new Informer<V1StatefulSet>(kc, { path: '/apis/apps/v1/statefulsets', type: 'V1StatefulSet', list: () => apps.listStatefulSetForAllNamespaces() });
    const policy = kc.makeApiClient(PolicyV1Api);
    this.pdbs = new Informer<V1PodDisruptionBudget>(kc, {
      path: '/apis/policy/v1/poddisruptionbudgets',
      type: 'V1PodDisruptionBudget',
      list: () => policy.listPodDisruptionBudgetForAllNamespaces(),
    });
    const nsLabels = new Map<string, string>();
    const onNamespace = (ns: V1Namespace) => {
      // Only label changes matter (namespaceSelector); status churn during deletion does not.
      const sig = JSON.stringify(ns.metadata?.labels ?? {});
      const name = ns.metadata?.name ?? '';
      if (nsLabels.get(name) === sig) return;
      nsLabels.set(name, sig);
      onChange('namespace');
    };
    this.namespaces.on('add', onNamespace);
    this.namespaces.on('update', onNamespace);
    this.namespaces.on('delete', (ns) => nsLabels.delete(ns.metadata?.name ?? ''));
    for (const inf of [this.pvcs, this.pvs, this.classes] as Informer<KubernetesObject>[]) {
      inf.on('add', () => onChange('volume'));
      inf.on('update', () => onChange('volume'));
      inf.on('delete', () => onChange('volume'));
    }
  }

  private all(): Informer<KubernetesObject>[] {
    return [this.namespaces, this.pvcs, this.pvs, this.classes, this.svcs, this.rcs, this.rss, this.stss, this.pdbs] as Informer<KubernetesObject>[];
  }

  async start(): Promise<void> {
    await Promise.all(this.all().map((i) => i.start()));
    await Promise.all(this.all().map((i) => i.synced));
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().map((i) => i.stop()));
  }

  namespaceLabels(name: string): Record<string, string> | undefined {
    const ns = this.namespaces.get(name);
    return ns ? (ns.metadata?.labels ?? {}) : undefined;
  }

  pvc(namespace: string, name: string): V1PersistentVolumeClaim | undefined {
    return this.pvcs.get(name, namespace);
  }

  pv(name: string): V1PersistentVolume | undefined {
    return this.pvs.get(name);
  }

  volumes(): readonly V1PersistentVolume[] {
    return this.pvs.list();
  }

  storageClass(name: string): V1StorageClass | undefined {
    return this.classes.get(name);
  }

  services(namespace: string): readonly V1Service[] {
    return this.svcs.list(namespace);
  }

  disruptionBudgets(): readonly V1PodDisruptionBudget[] {
    return this.pdbs.list();
  }

  controllerSelector(namespace: string, apiVersion: string, kind: string, name: string): { labels?: Record<string, string>; selector?: V1LabelSelector } | undefined {
    if (apiVersion === 'v1' && kind === 'ReplicationController') {
      const rc = this.rcs.get(name, namespace);
      return rc ? { labels: rc.spec?.selector ?? {} } : undefined;
    }
    if (apiVersion === 'apps/v1' && kind === 'ReplicaSet') {
      const rs = this.rss.get(name, namespace);
      return rs ? { selector: rs.spec?.selector } : undefined;
    }
    if (apiVersion === 'apps/v1' && kind === 'StatefulSet') {
      const ss = this.stss.get(name, namespace);
      return ss ? { selector: ss.spec?.selector } : undefined;
    }
    return undefined;
  }
}
