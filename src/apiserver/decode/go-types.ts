// Go type names, as reflect.Type.String() prints them in the decoder's UnmarshalTypeError.
import type { SchemaNode } from '../../api/schema/types.ts';

/** The Go type of the value `hops` elements below field `key` of struct `owner`, by schema node. */
export function goTypeAt(node: SchemaNode, owner: SchemaNode | undefined, key: string, hops: number): string {
  const fields = owner?.name === undefined ? undefined : GO_FIELD_TYPES[owner.name];
  const named = fields !== undefined && Object.hasOwn(fields, key) ? fields[key] : undefined;
  if (named !== undefined) {
    const t = elementType(named, hops);
    if (t !== undefined) return t;
  }
  return goType(node);
}

function elementType(t: string, hops: number): string | undefined {
  for (let i = 0; i < hops; i++) {
    if (t.startsWith('[]')) t = t.slice(2);
    else if (t.startsWith('map[')) t = t.slice(t.indexOf(']') + 1);
    else return undefined; // a named slice or map type: its element is read from the schema
  }
  return t;
}

/** The Go type a schema node stands for, where the schema can tell (a named field type needs GO_FIELD_TYPES). */
export function goType(node: SchemaNode): string {
  if (node.intOrString) return 'intstr.IntOrString';
  if (node.name !== undefined) {
    // Definitions are named after the Go package and type: io.k8s.api.apps.v1.DeploymentSpec is v1.DeploymentSpec.
    const parts = node.name.split('.');
    return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
  }
  if (node.items !== undefined) return `[]${goType(node.items)}`;
  if (node.additionalProperties !== undefined) return `map[string]${goType(node.additionalProperties)}`;
  switch (node.type) {
    case 'string':
      return node.format === 'byte' ? '[]uint8' : 'string';
    case 'integer':
      return node.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return node.format === 'float' ? 'float32' : 'float64';
    case 'boolean':
      return 'bool';
    case 'object':
      return 'map[string]interface {}';
    default:
      return 'interface {}';
  }
}

/**
 * Fields whose Go type has a name the schema does not carry: string types such as v1.PullPolicy,
 * types.UID and slices and maps of them, by definition and JSON field name, from the Go types of
 * k8s.io/api and k8s.io/apimachinery for the release Wheelhouse serves.
 */
const GO_FIELD_TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = namedTypes({
  'io.k8s.api.core.v1.': {
    AppArmorProfile: { type: 'v1.AppArmorProfileType' },
    AttachedVolume: { name: 'v1.UniqueVolumeName' },
    AzureDiskVolumeSource: { cachingMode: 'v1.AzureDataDiskCachingMode', kind: 'v1.AzureDataDiskKind' },
    Capabilities: { add: '[]v1.Capability', drop: '[]v1.Capability' },
    ConfigMapNodeConfigSource: { uid: 'types.UID' },
    Container: { imagePullPolicy: 'v1.PullPolicy', restartPolicy: 'v1.ContainerRestartPolicy', terminationMessagePolicy: 'v1.TerminationMessagePolicy' },
    ContainerPort: { protocol: 'v1.Protocol' },
    ContainerResizePolicy: { resourceName: 'v1.ResourceName', restartPolicy: 'v1.ResourceResizeRestartPolicy' },
    ContainerRestartRule: { action: 'v1.ContainerRestartRuleAction' },
    ContainerRestartRuleOnExitCodes: { operator: 'v1.ContainerRestartRuleOnExitCodesOperator' },
    ContainerStatus: { allocatedResources: 'v1.ResourceList', stopSignal: 'v1.Signal' },
    EmptyDirVolumeSource: { medium: 'v1.StorageMedium' },
    EndpointPort: { protocol: 'v1.Protocol' },
    EphemeralContainer: { imagePullPolicy: 'v1.PullPolicy', restartPolicy: 'v1.ContainerRestartPolicy', terminationMessagePolicy: 'v1.TerminationMessagePolicy' },
    HTTPGetAction: { scheme: 'v1.URIScheme' },
    HostPathVolumeSource: { type: 'v1.HostPathType' },
    ImageVolumeSource: { pullPolicy: 'v1.PullPolicy' },
    Lifecycle: { stopSignal: 'v1.Signal' },
    LimitRangeItem: {
      type: 'v1.LimitType',
      default: 'v1.ResourceList',
      defaultRequest: 'v1.ResourceList',
      max: 'v1.ResourceList',
      maxLimitRequestRatio: 'v1.ResourceList',
      min: 'v1.ResourceList',
    },
    LoadBalancerIngress: { ipMode: 'v1.LoadBalancerIPMode' },
    ModifyVolumeStatus: { status: 'v1.PersistentVolumeClaimModifyVolumeStatus' },
    NamespaceCondition: { type: 'v1.NamespaceConditionType', status: 'v1.ConditionStatus' },
    NamespaceSpec: { finalizers: '[]v1.FinalizerName' },
    NamespaceStatus: { phase: 'v1.NamespacePhase' },
    NodeAddress: { type: 'v1.NodeAddressType' },
    NodeCondition: { type: 'v1.NodeConditionType', status: 'v1.ConditionStatus' },
    NodeSelectorRequirement: { operator: 'v1.NodeSelectorOperator' },
    NodeStatus: { allocatable: 'v1.ResourceList', capacity: 'v1.ResourceList', phase: 'v1.NodePhase', volumesInUse: '[]v1.UniqueVolumeName' },
    ObjectReference: { uid: 'types.UID' },
    PersistentVolumeClaimCondition: { type: 'v1.PersistentVolumeClaimConditionType', status: 'v1.ConditionStatus' },
    PersistentVolumeClaimSpec: { accessModes: '[]v1.PersistentVolumeAccessMode', volumeMode: 'v1.PersistentVolumeMode' },
    PersistentVolumeClaimStatus: {
      accessModes: '[]v1.PersistentVolumeAccessMode',
      allocatedResourceStatuses: 'map[v1.ResourceName]v1.ClaimResourceStatus',
      allocatedResources: 'v1.ResourceList',
      capacity: 'v1.ResourceList',
      phase: 'v1.PersistentVolumeClaimPhase',
    },
    PersistentVolumeSpec: {
      accessModes: '[]v1.PersistentVolumeAccessMode',
      capacity: 'v1.ResourceList',
      persistentVolumeReclaimPolicy: 'v1.PersistentVolumeReclaimPolicy',
      volumeMode: 'v1.PersistentVolumeMode',
    },
    PersistentVolumeStatus: { phase: 'v1.PersistentVolumePhase' },
    PodCondition: { type: 'v1.PodConditionType', status: 'v1.ConditionStatus' },
    PodOS: { name: 'v1.OSName' },
    PodReadinessGate: { conditionType: 'v1.PodConditionType' },
    PodSecurityContext: {
      fsGroupChangePolicy: 'v1.PodFSGroupChangePolicy',
      seLinuxChangePolicy: 'v1.PodSELinuxChangePolicy',
      supplementalGroupsPolicy: 'v1.SupplementalGroupsPolicy',
    },
    PodSpec: { dnsPolicy: 'v1.DNSPolicy', overhead: 'v1.ResourceList', preemptionPolicy: 'v1.PreemptionPolicy', restartPolicy: 'v1.RestartPolicy' },
    PodStatus: { allocatedResources: 'v1.ResourceList', phase: 'v1.PodPhase', qosClass: 'v1.PodQOSClass', resize: 'v1.PodResizeStatus' },
    PortStatus: { protocol: 'v1.Protocol' },
    ReplicationControllerCondition: { type: 'v1.ReplicationControllerConditionType', status: 'v1.ConditionStatus' },
    ResourceHealth: { health: 'v1.ResourceHealthStatus', resourceID: 'v1.ResourceID' },
    ResourceQuotaSpec: { hard: 'v1.ResourceList', scopes: '[]v1.ResourceQuotaScope' },
    ResourceQuotaStatus: { hard: 'v1.ResourceList', used: 'v1.ResourceList' },
    ResourceRequirements: { limits: 'v1.ResourceList', requests: 'v1.ResourceList' },
    ResourceStatus: { name: 'v1.ResourceName' },
    ScopedResourceSelectorRequirement: { operator: 'v1.ScopeSelectorOperator', scopeName: 'v1.ResourceQuotaScope' },
    SeccompProfile: { type: 'v1.SeccompProfileType' },
    Secret: { type: 'v1.SecretType' },
    SecurityContext: { procMount: 'v1.ProcMountType' },
    ServicePort: { protocol: 'v1.Protocol' },
    ServiceSpec: {
      externalTrafficPolicy: 'v1.ServiceExternalTrafficPolicy',
      internalTrafficPolicy: 'v1.ServiceInternalTrafficPolicy',
      ipFamilies: '[]v1.IPFamily',
      ipFamilyPolicy: 'v1.IPFamilyPolicy',
      sessionAffinity: 'v1.ServiceAffinity',
      type: 'v1.ServiceType',
    },
    Taint: { effect: 'v1.TaintEffect' },
    Toleration: { effect: 'v1.TaintEffect', operator: 'v1.TolerationOperator' },
    TopologySpreadConstraint: {
      nodeAffinityPolicy: 'v1.NodeInclusionPolicy',
      nodeTaintsPolicy: 'v1.NodeInclusionPolicy',
      whenUnsatisfiable: 'v1.UnsatisfiableConstraintAction',
    },
    VolumeMount: { mountPropagation: 'v1.MountPropagationMode', recursiveReadOnly: 'v1.RecursiveReadOnlyMode' },
    VolumeMountStatus: { recursiveReadOnly: 'v1.RecursiveReadOnlyMode' },
    VolumeResourceRequirements: { limits: 'v1.ResourceList', requests: 'v1.ResourceList' },
  },
  'io.k8s.api.apps.v1.': {
    DaemonSetCondition: { type: 'v1.DaemonSetConditionType', status: 'v1.ConditionStatus' },
    DaemonSetUpdateStrategy: { type: 'v1.DaemonSetUpdateStrategyType' },
    DeploymentCondition: { type: 'v1.DeploymentConditionType', status: 'v1.ConditionStatus' },
    DeploymentStrategy: { type: 'v1.DeploymentStrategyType' },
    ReplicaSetCondition: { type: 'v1.ReplicaSetConditionType', status: 'v1.ConditionStatus' },
    StatefulSetCondition: { type: 'v1.StatefulSetConditionType', status: 'v1.ConditionStatus' },
    StatefulSetPersistentVolumeClaimRetentionPolicy: {
      whenDeleted: 'v1.PersistentVolumeClaimRetentionPolicyType',
      whenScaled: 'v1.PersistentVolumeClaimRetentionPolicyType',
    },
    StatefulSetSpec: { podManagementPolicy: 'v1.PodManagementPolicyType' },
    StatefulSetUpdateStrategy: { type: 'v1.StatefulSetUpdateStrategyType' },
  },
  'io.k8s.api.batch.v1.': {
    CronJobSpec: { concurrencyPolicy: 'v1.ConcurrencyPolicy' },
    JobCondition: { type: 'v1.JobConditionType', status: 'v1.ConditionStatus' },
    JobSpec: { completionMode: 'v1.CompletionMode', podReplacementPolicy: 'v1.PodReplacementPolicy' },
    PodFailurePolicyOnExitCodesRequirement: { operator: 'v1.PodFailurePolicyOnExitCodesOperator' },
    PodFailurePolicyOnPodConditionsPattern: { type: 'v1.PodConditionType', status: 'v1.ConditionStatus' },
    PodFailurePolicyRule: { action: 'v1.PodFailurePolicyAction' },
    UncountedTerminatedPods: { failed: '[]types.UID', succeeded: '[]types.UID' },
  },
  'io.k8s.api.coordination.v1.': {
    LeaseSpec: { strategy: 'v1.CoordinatedLeaseStrategy' },
  },
  'io.k8s.api.discovery.v1.': {
    EndpointPort: { protocol: 'v1.Protocol' },
    EndpointSlice: { addressType: 'v1.AddressType' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.': {
    Condition: { status: 'v1.ConditionStatus' },
    DeleteOptions: { propagationPolicy: 'v1.DeletionPropagation' },
    LabelSelectorRequirement: { operator: 'v1.LabelSelectorOperator' },
    ManagedFieldsEntry: { operation: 'v1.ManagedFieldsOperationType' },
    ObjectMeta: { uid: 'types.UID' },
    OwnerReference: { uid: 'types.UID' },
    Preconditions: { uid: 'types.UID' },
    Status: { reason: 'v1.StatusReason' },
    StatusCause: { reason: 'v1.CauseType' },
    StatusDetails: { uid: 'types.UID' },
  },
});

/** Keys the table above by full definition name; it is written per package for reading. */
function namedTypes(byPackage: Record<string, Record<string, Record<string, string>>>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [pkg, types] of Object.entries(byPackage)) for (const [t, fields] of Object.entries(types)) out[pkg + t] = fields;
  return out;
}
