// Every built-in resource Wheelhouse serves, as a declaration. Routing, discovery and storage keys
// are all derived from this list; behaviour that differs per resource lives in its registry strategy.
import { ALL_VERBS, type ResourceDecl, type SubresourceDecl, type Verb } from './types.ts';

export interface DeclInput {
  group: string;
  version: string;
  kind: string;
  resource?: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: Verb[];
  status?: boolean;
  /** scale subresource answering autoscaling/v1 Scale */
  scale?: boolean;
  extraSubresources?: SubresourceDecl[];
  etcdResource?: string;
  /** DELETE answers with the deleted object instead of a Status (upstream's ReturnDeletedObject). */
  returnDeletedObject?: boolean;
}

const STATUS_VERBS: Verb[] = ['get', 'patch', 'update'];

export function declareResource(i: DeclInput): ResourceDecl {
  const resource = i.resource ?? `${i.kind.toLowerCase()}s`;
  const subresources: SubresourceDecl[] = [];
  if (i.status) subresources.push({ name: 'status', kind: i.kind, verbs: STATUS_VERBS });
  if (i.scale) subresources.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: STATUS_VERBS });
  subresources.push(...(i.extraSubresources ?? []));
  return {
    group: i.group,
    version: i.version,
    resource,
    singular: i.kind.toLowerCase(),
    kind: i.kind,
    listKind: `${i.kind}List`,
    namespaced: i.namespaced ?? true,
    shortNames: i.shortNames ?? [],
    categories: i.categories ?? [],
    verbs: i.verbs ?? [...ALL_VERBS],
    subresources,
    etcdResource: i.etcdResource ?? resource,
    returnDeletedObject: i.returnDeletedObject ?? false,
  };
}

const core = (i: Omit<DeclInput, 'group' | 'version'>) => declareResource({ group: '', version: 'v1', ...i });
const apps = (i: Omit<DeclInput, 'group' | 'version'>) => declareResource({ group: 'apps', version: 'v1', ...i });

export const CATALOG: readonly ResourceDecl[] = [
  core({
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    status: true,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    extraSubresources: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }],
  }),
  core({
    kind: 'Pod',
    shortNames: ['po'],
    returnDeletedObject: true,
    categories: ['all'],
    status: true,
    extraSubresources: [
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'ephemeralcontainers', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      {
        name: 'log',
        kind: 'Pod',
        verbs: ['get'],
        textStream: {
          params: ['container', 'follow', 'insecureSkipTLSVerifyBackend', 'limitBytes', 'previous', 'sinceSeconds', 'stream', 'tailLines', 'timestamps'],
        },
      },
      { name: 'resize', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    ],
  }),
  core({ kind: 'Binding', verbs: ['create'] }),
  core({ kind: 'Service', shortNames: ['svc'], categories: ['all'], status: true, etcdResource: 'services/specs', returnDeletedObject: true }),
  core({ kind: 'Endpoints', resource: 'endpoints', shortNames: ['ep'], etcdResource: 'services/endpoints' }),
  core({ kind: 'ConfigMap', shortNames: ['cm'] }),
  core({ kind: 'Secret' }),
  core({ kind: 'ServiceAccount', shortNames: ['sa'], returnDeletedObject: true }),
  core({ kind: 'Node', namespaced: false, shortNames: ['no'], status: true, etcdResource: 'minions' }),
  core({ kind: 'Event', shortNames: ['ev'] }),
  core({
    kind: 'ReplicationController',
    shortNames: ['rc'],
    categories: ['all'],
    status: true,
    scale: true,
    etcdResource: 'controllers',
  }),
  core({ kind: 'PersistentVolume', namespaced: false, shortNames: ['pv'], status: true, returnDeletedObject: true }),
  core({ kind: 'PersistentVolumeClaim', shortNames: ['pvc'], status: true, returnDeletedObject: true }),
  core({ kind: 'ResourceQuota', shortNames: ['quota'], status: true, returnDeletedObject: true }),
  core({ kind: 'LimitRange', shortNames: ['limits'] }),
  core({ kind: 'PodTemplate', returnDeletedObject: true }),
  apps({ kind: 'Deployment', shortNames: ['deploy'], categories: ['all'], status: true, scale: true }),
  apps({ kind: 'ReplicaSet', shortNames: ['rs'], categories: ['all'], status: true, scale: true }),
  apps({ kind: 'StatefulSet', shortNames: ['sts'], categories: ['all'], status: true, scale: true }),
  apps({ kind: 'DaemonSet', shortNames: ['ds'], categories: ['all'], status: true }),
  apps({ kind: 'ControllerRevision' }),
  declareResource({ group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', shortNames: ['hpa'], categories: ['all'], status: true }),
  // The same objects through the older API (kubectl autoscale before 1.33 writes v1); v2 comes first, as the preferred version.
  declareResource({ group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler', shortNames: ['hpa'], categories: ['all'], status: true }),
  declareResource({ group: 'batch', version: 'v1', kind: 'Job', categories: ['all'], status: true }),
  declareResource({ group: 'batch', version: 'v1', kind: 'CronJob', shortNames: ['cj'], categories: ['all'], status: true }),
  declareResource({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' }),
  declareResource({ group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', shortNames: ['pdb'], status: true }),
  declareResource({ group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass', resource: 'ingressclasses', namespaced: false }),
  declareResource({ group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', resource: 'ingresses', shortNames: ['ing'], status: true }),
  declareResource({ group: 'networking.k8s.io', version: 'v1', kind: 'IPAddress', resource: 'ipaddresses', namespaced: false, shortNames: ['ip'] }),
  declareResource({ group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', resource: 'networkpolicies', shortNames: ['netpol'] }),
  declareResource({ group: 'networking.k8s.io', version: 'v1', kind: 'ServiceCIDR', resource: 'servicecidrs', namespaced: false, status: true }),
  ...['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].map((kind) =>
    declareResource({ group: 'rbac.authorization.k8s.io', version: 'v1', kind, namespaced: !kind.startsWith('Cluster') }),
  ),
  // Reviews are answered, not stored (upstream's authorization registry has create only).
  declareResource({ group: 'authorization.k8s.io', version: 'v1', kind: 'LocalSubjectAccessReview', verbs: ['create'] }),
  declareResource({ group: 'authorization.k8s.io', version: 'v1', kind: 'SubjectAccessReview', namespaced: false, verbs: ['create'] }),
  declareResource({ group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass', resource: 'storageclasses', namespaced: false, shortNames: ['sc'] }),
  declareResource({ group: 'storage.k8s.io', version: 'v1', kind: 'CSIDriver', namespaced: false }),
  declareResource({ group: 'storage.k8s.io', version: 'v1', kind: 'CSINode', namespaced: false }),
  declareResource({ group: 'storage.k8s.io', version: 'v1', kind: 'VolumeAttachment', namespaced: false, status: true }),
  declareResource({ group: 'storage.k8s.io', version: 'v1', kind: 'CSIStorageCapacity', resource: 'csistoragecapacities' }),
  declareResource({ group: 'storage.k8s.io', version: 'v1', kind: 'VolumeAttributesClass', resource: 'volumeattributesclasses', namespaced: false, shortNames: ['vac'] }),
  ...['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'].map((kind) =>
    declareResource({
      group: 'admissionregistration.k8s.io',
      version: 'v1',
      kind,
      resource: kind === 'ValidatingAdmissionPolicy' ? 'validatingadmissionpolicies' : undefined,
      namespaced: false,
      categories: ['api-extensions'],
      status: kind === 'ValidatingAdmissionPolicy',
    }),
  ),
  declareResource({
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    status: true,
  }),
  declareResource({ group: 'node.k8s.io', version: 'v1', kind: 'RuntimeClass', resource: 'runtimeclasses', namespaced: false }),
  declareResource({ group: 'flowcontrol.apiserver.k8s.io', version: 'v1', kind: 'FlowSchema', namespaced: false, status: true }),
  declareResource({ group: 'flowcontrol.apiserver.k8s.io', version: 'v1', kind: 'PriorityLevelConfiguration', namespaced: false, status: true }),
  declareResource({ group: 'apiregistration.k8s.io', version: 'v1', kind: 'APIService', namespaced: false, categories: ['api-extensions'], status: true }),
  declareResource({ group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass', resource: 'priorityclasses', namespaced: false, shortNames: ['pc'] }),
  declareResource({ group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' }),
  // Dynamic Resource Allocation objects, stored and served (nothing allocates them: docs/apis/resource.md).
  declareResource({ group: 'resource.k8s.io', version: 'v1', kind: 'DeviceClass', resource: 'deviceclasses', namespaced: false }),
  declareResource({ group: 'resource.k8s.io', version: 'v1', kind: 'ResourceClaim', status: true }),
  declareResource({ group: 'resource.k8s.io', version: 'v1', kind: 'ResourceClaimTemplate' }),
  declareResource({ group: 'resource.k8s.io', version: 'v1', kind: 'ResourceSlice', namespaced: false }),
  // Same keys as core/v1 events: both APIs serve one set of objects, stored as core Events (the
  // events.k8s.io strategy converts on the way in and out).
  declareResource({ group: 'events.k8s.io', version: 'v1', kind: 'Event', shortNames: ['ev'] }),
];

/** Where custom resource groups sit in GROUP_ORDER. */
export const CUSTOM_GROUPS = '*custom*';

/** Groups in the order discovery lists them (upstream orders by priority, core first). */
export const GROUP_ORDER: readonly string[] = [
  '',
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'resource.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  // Groups from CustomResourceDefinitions rank here (priority 1000, by name), above metrics.k8s.io.
  CUSTOM_GROUPS,
  // Aggregated by metrics-server in a real cluster (lowest group priority), so it comes last.
  'metrics.k8s.io',
];
