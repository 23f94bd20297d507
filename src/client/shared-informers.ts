// One informer per resource for everything in a process that watches it (client-go's
// SharedInformerFactory): controllers ask for the resources they need before the manager starts
// them, and share the cache and the watch connection.
import { AutoscalingV2Api, type V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type {
  KubernetesListObject,
  KubernetesObject,
  V1ConfigMap,
  V1DaemonSet,
  V1Deployment,
  V1Endpoints,
  V1Job,
  V1Lease,
  V1Namespace,
  V1Node,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1ReplicaSet,
  V1ReplicationController,
  V1Secret,
  V1Service,
  V1ServiceAccount,
  V1StatefulSet,
  V1CronJob,
  V1EndpointSlice,
  V1ControllerRevision,
  V1ResourceQuota,
  V1LimitRange,
  V1PodTemplate,
  V1PriorityClass,
  V1StorageClass,
} from '@kubernetes/client-node';
import { SchedulingV1Api, StorageV1Api } from '@kubernetes/client-node';
import { PolicyV1Api, type V1PodDisruptionBudget } from '@kubernetes/client-node';
import { RbacAuthorizationV1Api, type V1ClusterRole } from '@kubernetes/client-node';
import type { Clients } from './clients.ts';
import { Informer } from './informer.ts';

interface ResourceInfo<T extends KubernetesObject> {
  path: string;
  type: string;
  list: (c: Clients) => Promise<KubernetesListObject<T>>;
}

const info = <T extends KubernetesObject>(path: string, type: string, list: (c: Clients) => Promise<KubernetesListObject<T>>): ResourceInfo<T> => ({
  path,
  type,
  list,
});

/** Every resource a controller may watch, cluster-wide. */
export const RESOURCES = {
  pods: info<V1Pod>('/api/v1/pods', 'V1Pod', (c) => c.core.listPodForAllNamespaces()),
  nodes: info<V1Node>('/api/v1/nodes', 'V1Node', (c) => c.core.listNode()),
  namespaces: info<V1Namespace>('/api/v1/namespaces', 'V1Namespace', (c) => c.core.listNamespace()),
  services: info<V1Service>('/api/v1/services', 'V1Service', (c) => c.core.listServiceForAllNamespaces()),
  endpoints: info<V1Endpoints>('/api/v1/endpoints', 'V1Endpoints', (c) => c.core.listEndpointsForAllNamespaces()),
  configmaps: info<V1ConfigMap>('/api/v1/configmaps', 'V1ConfigMap', (c) => c.core.listConfigMapForAllNamespaces()),
  secrets: info<V1Secret>('/api/v1/secrets', 'V1Secret', (c) => c.core.listSecretForAllNamespaces()),
  serviceaccounts: info<V1ServiceAccount>('/api/v1/serviceaccounts', 'V1ServiceAccount', (c) => c.core.listServiceAccountForAllNamespaces()),
  replicationcontrollers: info<V1ReplicationController>('/api/v1/replicationcontrollers', 'V1ReplicationController', (c) =>
    c.core.listReplicationControllerForAllNamespaces(),
  ),
  persistentvolumes: info<V1PersistentVolume>('/api/v1/persistentvolumes', 'V1PersistentVolume', (c) => c.core.listPersistentVolume()),
  persistentvolumeclaims: info<V1PersistentVolumeClaim>('/api/v1/persistentvolumeclaims', 'V1PersistentVolumeClaim', (c) =>
    c.core.listPersistentVolumeClaimForAllNamespaces(),
  ),
  resourcequotas: info<V1ResourceQuota>('/api/v1/resourcequotas', 'V1ResourceQuota', (c) => c.core.listResourceQuotaForAllNamespaces()),
  limitranges: info<V1LimitRange>('/api/v1/limitranges', 'V1LimitRange', (c) => c.core.listLimitRangeForAllNamespaces()),
  podtemplates: info<V1PodTemplate>('/api/v1/podtemplates', 'V1PodTemplate', (c) => c.core.listPodTemplateForAllNamespaces()),
  priorityclasses: info<V1PriorityClass>('/apis/scheduling.k8s.io/v1/priorityclasses', 'V1PriorityClass', (c) =>
    c.kc.makeApiClient(SchedulingV1Api).listPriorityClass(),
  ),
  storageclasses: info<V1StorageClass>('/apis/storage.k8s.io/v1/storageclasses', 'V1StorageClass', (c) =>
    c.kc.makeApiClient(StorageV1Api).listStorageClass(),
  ),
  poddisruptionbudgets: info<V1PodDisruptionBudget>('/apis/policy/v1/poddisruptionbudgets', 'V1PodDisruptionBudget', (c) =>
    c.kc.makeApiClient(PolicyV1Api).listPodDisruptionBudgetForAllNamespaces(),
  ),
  replicasets: info<V1ReplicaSet>('/apis/apps/v1/replicasets', 'V1ReplicaSet', (c) => c.apps.listReplicaSetForAllNamespaces()),
  deployments: info<V1Deployment>('/apis/apps/v1/deployments', 'V1Deployment', (c) => c.apps.listDeploymentForAllNamespaces()),
  statefulsets: info<V1StatefulSet>('/apis/apps/v1/statefulsets', 'V1StatefulSet', (c) => c.apps.listStatefulSetForAllNamespaces()),
  daemonsets: info<V1DaemonSet>('/apis/apps/v1/daemonsets', 'V1DaemonSet', (c) => c.apps.listDaemonSetForAllNamespaces()),
  controllerrevisions: info<V1ControllerRevision>('/apis/apps/v1/controllerrevisions', 'V1ControllerRevision', (c) =>
    c.apps.listControllerRevisionForAllNamespaces(),
  ),
  jobs: info<V1Job>('/apis/batch/v1/jobs', 'V1Job', (c) => c.batch.listJobForAllNamespaces()),
  cronjobs: info<V1CronJob>('/apis/batch/v1/cronjobs', 'V1CronJob', (c) => c.batch.listCronJobForAllNamespaces()),
  leases: info<V1Lease>('/apis/coordination.k8s.io/v1/leases', 'V1Lease', (c) => c.coordination.listLeaseForAllNamespaces()),
  horizontalpodautoscalers: info<V2HorizontalPodAutoscaler>('/apis/autoscaling/v2/horizontalpodautoscalers', 'V2HorizontalPodAutoscaler', (c) =>
    c.kc.makeApiClient(AutoscalingV2Api).listHorizontalPodAutoscalerForAllNamespaces(),
  ),
  clusterroles: info<V1ClusterRole>('/apis/rbac.authorization.k8s.io/v1/clusterroles', 'V1ClusterRole', (c) =>
    c.kc.makeApiClient(RbacAuthorizationV1Api).listClusterRole(),
  ),
  endpointslices: info<V1EndpointSlice>('/apis/discovery.k8s.io/v1/endpointslices', 'V1EndpointSlice', (c) =>
    c.discovery.listEndpointSliceForAllNamespaces(),
  ),
} as const;

type Resources = typeof RESOURCES;
export type ResourceName = keyof Resources;
type ObjectOf<R extends ResourceName> = Resources[R] extends ResourceInfo<infer T> ? T : never;

export class SharedInformers {
  private readonly informers = new Map<ResourceName, Informer<KubernetesObject>>();
  private started = false;

  constructor(private readonly clients: Clients) {}

  /** The informer of a resource, created on first use; ask before start() so it is started with the rest. */
  get<R extends ResourceName>(resource: R): Informer<ObjectOf<R>> {
    let inf = this.informers.get(resource);
    if (!inf) {
      const r = RESOURCES[resource] as unknown as ResourceInfo<KubernetesObject>;
      inf = new Informer<KubernetesObject>(this.clients.kc, { path: r.path, type: r.type, list: () => r.list(this.clients) });
      this.informers.set(resource, inf);
      if (this.started) void inf.start();
    }
    return inf as unknown as Informer<ObjectOf<R>>;
  }

  /** Start every informer asked for so far; resolves when all have delivered their first list. */
  async start(): Promise<void> {
    this.started = true;
    const all = [...this.informers.values()];
    await Promise.all(all.map((i) => i.start()));
    await Promise.all(all.map((i) => i.synced));
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
