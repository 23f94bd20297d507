// Field tables for the Kubernetes protobuf messages we decode, written from the upstream field numbers
// (k8s.io/api core/v1, apps/v1, batch/v1, autoscaling/v1 and v2; k8s.io/apimachinery meta/v1, intstr, resource).
//
// Each message is a compact string: `<number> <jsonName> <type><mods>` entries separated by `;`.
//   types:  s string · i32 int32 · i64 int64 · b bool · by bytes (base64 in JSON) · f64 double
//           T metav1.Time · MT metav1.MicroTime · Q resource.Quantity · IOS intstr.IntOrString
//           F1 metav1.FieldsV1 (raw JSON) · RAW runtime.RawExtension (raw JSON)
//           map<s,X> (X any scalar/special/message) · []X repeated · any other word: a message below
//   mods:   ?  Go pointer: emitted whenever present on the wire, even when zero
//           !  no `omitempty` in the JSON tag: always emitted (zero value when absent)
//           (none) Go value with `omitempty`: emitted only when non-zero
//   `<number> ^ <Message>` is an embedded Go struct (`json:",inline"`): its fields merge into the parent.
// Message-typed fields are emitted when present on the wire (gogo-protobuf always writes non-pointer
// structs, so this matches Go's JSON, which never omits struct values). Repeated and map fields are
// omitted when empty (Go would print `null` for a nil slice without omitempty; the meaning is the same).

export type ScalarType = 's' | 'i32' | 'i64' | 'b' | 'by' | 'f64';
export type SpecialType = 'T' | 'MT' | 'Q' | 'IOS' | 'F1' | 'RAW';

export interface FieldDef {
  /** JSON name; '' for an inline (embedded) message. */
  name: string;
  /** Scalar, special or message type. For maps: the value type. */
  type: string;
  repeated: boolean;
  map: boolean;
  pointer: boolean;
  always: boolean;
  inline: boolean;
}

export type MessageDef = Map<number, FieldDef>;

const SCALARS = new Set(['s', 'i32', 'i64', 'b', 'by', 'f64']);
const SPECIALS = new Set(['T', 'MT', 'Q', 'IOS', 'F1', 'RAW']);

export function isScalar(t: string): t is ScalarType {
  return SCALARS.has(t);
}

export function isSpecial(t: string): t is SpecialType {
  return SPECIALS.has(t);
}

// Shared field lists.
const CONTAINER =
  '1 name s!; 2 image s; 3 command []s; 4 args []s; 5 workingDir s; 6 ports []ContainerPort; 19 envFrom []EnvFromSource;' +
  '7 env []EnvVar; 8 resources ResourceRequirements; 23 resizePolicy []ContainerResizePolicy; 24 restartPolicy s?;' +
  '25 restartPolicyRules []ContainerRestartRule; 9 volumeMounts []VolumeMount; 21 volumeDevices []VolumeDevice;' +
  '10 livenessProbe Probe; 11 readinessProbe Probe; 22 startupProbe Probe; 12 lifecycle Lifecycle;' +
  '13 terminationMessagePath s; 20 terminationMessagePolicy s; 14 imagePullPolicy s; 15 securityContext SecurityContext;' +
  '16 stdin b; 17 stdinOnce b; 18 tty b';
const OBJECT = (spec: string, status?: string) => `1 metadata ObjectMeta; 2 spec ${spec}` + (status ? `; 3 status ${status}` : '');
const WORKLOAD_CONDITION = '1 type s!; 2 status s!; 3 lastTransitionTime T; 4 reason s; 5 message s';

const SOURCES: Record<string, string> = {
  // ---- k8s.io/apimachinery/pkg/apis/meta/v1
  ObjectMeta:
    '1 name s; 2 generateName s; 3 namespace s; 4 selfLink s; 5 uid s; 6 resourceVersion s; 7 generation i64;' +
    '8 creationTimestamp T; 9 deletionTimestamp T; 10 deletionGracePeriodSeconds i64?; 11 labels map<s,s>;' +
    '12 annotations map<s,s>; 13 ownerReferences []OwnerReference; 14 finalizers []s; 17 managedFields []ManagedFieldsEntry',
  OwnerReference: '5 apiVersion s!; 1 kind s!; 3 name s!; 4 uid s!; 6 controller b?; 7 blockOwnerDeletion b?',
  ManagedFieldsEntry:
    '1 manager s; 2 operation s; 3 apiVersion s; 4 time T; 6 fieldsType s; 7 fieldsV1 F1; 8 subresource s',
  LabelSelector: '1 matchLabels map<s,s>; 2 matchExpressions []LabelSelectorRequirement',
  LabelSelectorRequirement: '1 key s!; 2 operator s!; 3 values []s',
  Condition: '1 type s!; 2 status s!; 3 observedGeneration i64; 4 lastTransitionTime T!; 5 reason s!; 6 message s!',
  DeleteOptions:
    '1 gracePeriodSeconds i64?; 2 preconditions Preconditions; 3 orphanDependents b?; 4 propagationPolicy s?; 5 dryRun []s;' +
    '6 ignoreStoreReadErrorWithClusterBreakingPotential b?',
  Preconditions: '1 uid s?; 2 resourceVersion s?',

  // ---- k8s.io/api/core/v1
  ConfigMap: '1 metadata ObjectMeta; 4 immutable b?; 2 data map<s,s>; 3 binaryData map<s,by>',
  Secret: '1 metadata ObjectMeta; 5 immutable b?; 2 data map<s,by>; 4 stringData map<s,s>; 3 type s',
  Namespace: OBJECT('NamespaceSpec', 'NamespaceStatus'),
  NamespaceSpec: '1 finalizers []s',
  NamespaceStatus: '1 phase s; 2 conditions []NamespaceCondition',
  NamespaceCondition: '1 type s!; 2 status s!; 4 lastTransitionTime T; 5 reason s; 6 message s',
  ServiceAccount:
    '1 metadata ObjectMeta; 2 secrets []ObjectReference; 3 imagePullSecrets []LocalObjectReference; 4 automountServiceAccountToken b?',
  ObjectReference: '1 kind s; 2 namespace s; 3 name s; 4 uid s; 5 apiVersion s; 6 resourceVersion s; 7 fieldPath s',
  LocalObjectReference: '1 name s',
  TypedLocalObjectReference: '1 apiGroup s?; 2 kind s!; 3 name s!',
  TypedObjectReference: '1 apiGroup s?; 2 kind s!; 3 name s!; 4 namespace s?',
  ResourceQuota: OBJECT('ResourceQuotaSpec', 'ResourceQuotaStatus'),
  ResourceQuotaSpec: '1 hard map<s,Q>; 2 scopes []s; 3 scopeSelector ScopeSelector',
  ResourceQuotaStatus: '1 hard map<s,Q>; 2 used map<s,Q>',
  ScopeSelector: '1 matchExpressions []ScopedResourceSelectorRequirement',
  ScopedResourceSelectorRequirement: '1 scopeName s!; 2 operator s!; 3 values []s',
  LimitRange: OBJECT('LimitRangeSpec'),
  LimitRangeSpec: '1 limits []LimitRangeItem',
  LimitRangeItem:
    '1 type s!; 2 max map<s,Q>; 3 min map<s,Q>; 4 default map<s,Q>; 5 defaultRequest map<s,Q>; 6 maxLimitRequestRatio map<s,Q>',
  Service: OBJECT('ServiceSpec', 'ServiceStatus'),
  ServiceSpec:
    '1 ports []ServicePort; 2 selector map<s,s>; 3 clusterIP s; 18 clusterIPs []s; 4 type s; 5 externalIPs []s;' +
    '7 sessionAffinity s; 8 loadBalancerIP s; 9 loadBalancerSourceRanges []s; 10 externalName s; 11 externalTrafficPolicy s;' +
    '12 healthCheckNodePort i32; 13 publishNotReadyAddresses b; 14 sessionAffinityConfig SessionAffinityConfig;' +
    '19 ipFamilies []s; 17 ipFamilyPolicy s?; 20 allocateLoadBalancerNodePorts b?; 21 loadBalancerClass s?;' +
    '22 internalTrafficPolicy s?; 23 trafficDistribution s?',
  ServicePort: '1 name s; 2 protocol s; 6 appProtocol s?; 3 port i32!; 4 targetPort IOS; 5 nodePort i32',
  SessionAffinityConfig: '1 clientIP ClientIPConfig',
  ClientIPConfig: '1 timeoutSeconds i32?',
  ServiceStatus: '1 loadBalancer LoadBalancerStatus; 2 conditions []Condition',
  LoadBalancerStatus: '1 ingress []LoadBalancerIngress',
  LoadBalancerIngress: '1 ip s; 2 hostname s; 3 ipMode s?; 4 ports []PortStatus',
  PortStatus: '1 port i32!; 2 protocol s!; 3 error s?',
  Endpoints: '1 metadata ObjectMeta; 2 subsets []EndpointSubset',
  EndpointSubset: '1 addresses []EndpointAddress; 2 notReadyAddresses []EndpointAddress; 3 ports []EndpointPort',
  EndpointAddress: '1 ip s!; 3 hostname s; 4 nodeName s?; 2 targetRef ObjectReference',
  EndpointPort: '1 name s; 2 port i32!; 3 protocol s; 4 appProtocol s?',
  Binding: '1 metadata ObjectMeta; 2 target ObjectReference',
  Event:
    '1 metadata ObjectMeta; 2 involvedObject ObjectReference; 3 reason s; 4 message s; 5 source EventSource;' +
    '6 firstTimestamp T; 7 lastTimestamp T; 8 count i32; 9 type s; 10 eventTime MT; 11 series EventSeries; 12 action s;' +
    '13 related ObjectReference; 14 reportingComponent s!; 15 reportingInstance s!',
  EventSource: '1 component s; 2 host s',
  EventSeries: '1 count i32; 2 lastObservedTime MT',

  // Pods and their templates.
  Pod: OBJECT('PodSpec', 'PodStatus'),
  PodTemplate: '1 metadata ObjectMeta; 2 template PodTemplateSpec',
  PodTemplateSpec: '1 metadata ObjectMeta; 2 spec PodSpec',
  PodSpec:
    '1 volumes []Volume; 20 initContainers []Container; 2 containers []Container; 34 ephemeralContainers []EphemeralContainer;' +
    '3 restartPolicy s; 4 terminationGracePeriodSeconds i64?; 5 activeDeadlineSeconds i64?; 6 dnsPolicy s;' +
    '7 nodeSelector map<s,s>; 8 serviceAccountName s; 9 serviceAccount s; 21 automountServiceAccountToken b?;' +
    '10 nodeName s; 11 hostNetwork b; 12 hostPID b; 13 hostIPC b; 27 shareProcessNamespace b?;' +
    '14 securityContext PodSecurityContext; 15 imagePullSecrets []LocalObjectReference; 16 hostname s; 17 subdomain s;' +
    '18 affinity Affinity; 19 schedulerName s; 22 tolerations []Toleration; 23 hostAliases []HostAlias;' +
    '24 priorityClassName s; 25 priority i32?; 26 dnsConfig PodDNSConfig; 28 readinessGates []PodReadinessGate;' +
    '29 runtimeClassName s?; 30 enableServiceLinks b?; 31 preemptionPolicy s?; 32 overhead map<s,Q>;' +
    '33 topologySpreadConstraints []TopologySpreadConstraint; 35 setHostnameAsFQDN b?; 36 os PodOS; 37 hostUsers b?;' +
    '38 schedulingGates []PodSchedulingGate; 39 resourceClaims []PodResourceClaim; 40 resources ResourceRequirements;' +
    '41 hostnameOverride s?; 42 workloadRef WorkloadReference',
  WorkloadReference: '1 name s!; 2 podGroup s!; 3 podGroupReplicaKey s',
  Container: CONTAINER,
  EphemeralContainer: '1 ^ EphemeralContainerCommon; 2 targetContainerName s',
  EphemeralContainerCommon: CONTAINER,
  ContainerPort: '1 name s; 2 hostPort i32; 3 containerPort i32!; 4 protocol s; 5 hostIP s',
  ContainerResizePolicy: '1 resourceName s!; 2 restartPolicy s!',
  ContainerRestartRule: '1 action s!; 2 exitCodes ContainerRestartRuleOnExitCodes',
  ContainerRestartRuleOnExitCodes: '1 operator s!; 2 values []i32',
  EnvFromSource: '1 prefix s; 2 configMapRef ConfigMapEnvSource; 3 secretRef SecretEnvSource',
  ConfigMapEnvSource: '1 ^ LocalObjectReference; 2 optional b?',
  SecretEnvSource: '1 ^ LocalObjectReference; 2 optional b?',
  EnvVar: '1 name s!; 2 value s; 3 valueFrom EnvVarSource',
  EnvVarSource:
    '1 fieldRef ObjectFieldSelector; 2 resourceFieldRef ResourceFieldSelector; 3 configMapKeyRef ConfigMapKeySelector;' +
    '4 secretKeyRef SecretKeySelector; 5 fileKeyRef FileKeySelector',
  ObjectFieldSelector: '1 apiVersion s; 2 fieldPath s!',
  ResourceFieldSelector: '1 containerName s; 2 resource s!; 3 divisor Q',
  ConfigMapKeySelector: '1 ^ LocalObjectReference; 2 key s!; 3 optional b?',
  SecretKeySelector: '1 ^ LocalObjectReference; 2 key s!; 3 optional b?',
  FileKeySelector: '1 volumeName s!; 2 path s!; 3 key s!; 4 optional b?',
  ResourceRequirements: '1 limits map<s,Q>; 2 requests map<s,Q>; 3 claims []ResourceClaim',
  ResourceClaim: '1 name s!; 2 request s',
  VolumeMount:
    '1 name s!; 2 readOnly b; 7 recursiveReadOnly s?; 3 mountPath s!; 4 subPath s; 5 mountPropagation s?; 6 subPathExpr s',
  VolumeDevice: '1 name s!; 2 devicePath s!',
  Probe:
    '1 ^ ProbeHandler; 2 initialDelaySeconds i32; 3 timeoutSeconds i32; 4 periodSeconds i32; 5 successThreshold i32;' +
    '6 failureThreshold i32; 7 terminationGracePeriodSeconds i64?',
  ProbeHandler: '1 exec ExecAction; 2 httpGet HTTPGetAction; 3 tcpSocket TCPSocketAction; 4 grpc GRPCAction',
  ExecAction: '1 command []s',
  HTTPGetAction: '1 path s; 2 port IOS!; 3 host s; 4 scheme s; 5 httpHeaders []HTTPHeader',
  HTTPHeader: '1 name s!; 2 value s!',
  TCPSocketAction: '1 port IOS!; 2 host s',
  GRPCAction: '1 port i32!; 2 service s?',
  SleepAction: '1 seconds i64!',
  Lifecycle: '1 postStart LifecycleHandler; 2 preStop LifecycleHandler; 3 stopSignal s?',
  LifecycleHandler: '1 exec ExecAction; 2 httpGet HTTPGetAction; 3 tcpSocket TCPSocketAction; 4 sleep SleepAction',
  SecurityContext:
    '1 capabilities Capabilities; 2 privileged b?; 3 seLinuxOptions SELinuxOptions; 10 windowsOptions WindowsSecurityContextOptions;' +
    '4 runAsUser i64?; 8 runAsGroup i64?; 5 runAsNonRoot b?; 6 readOnlyRootFilesystem b?; 7 allowPrivilegeEscalation b?;' +
    '9 procMount s?; 11 seccompProfile SeccompProfile; 12 appArmorProfile AppArmorProfile; 13 ulimits []Ulimit',
  Ulimit: '1 name s!; 2 hard i64!; 3 soft i64!',
  PodSecurityContext:
    '1 seLinuxOptions SELinuxOptions; 8 windowsOptions WindowsSecurityContextOptions; 2 runAsUser i64?; 6 runAsGroup i64?;' +
    '3 runAsNonRoot b?; 4 supplementalGroups []i64; 12 supplementalGroupsPolicy s?; 5 fsGroup i64?; 7 sysctls []Sysctl;' +
    '9 fsGroupChangePolicy s?; 10 seccompProfile SeccompProfile; 11 appArmorProfile AppArmorProfile; 13 seLinuxChangePolicy s?',
  Capabilities: '1 add []s; 2 drop []s',
  SELinuxOptions: '1 user s; 2 role s; 3 type s; 4 level s',
  WindowsSecurityContextOptions: '1 gmsaCredentialSpecName s?; 2 gmsaCredentialSpec s?; 3 runAsUserName s?; 4 hostProcess b?',
  SeccompProfile: '1 type s!; 2 localhostProfile s?',
  AppArmorProfile: '1 type s!; 2 localhostProfile s?',
  Sysctl: '1 name s!; 2 value s!',
  Toleration: '1 key s; 2 operator s; 3 value s; 4 effect s; 5 tolerationSeconds i64?',
  HostAlias: '1 ip s!; 2 hostnames []s',
  PodDNSConfig: '1 nameservers []s; 2 searches []s; 3 options []PodDNSConfigOption',
  PodDNSConfigOption: '1 name s; 2 value s?',
  PodReadinessGate: '1 conditionType s!',
  PodOS: '1 name s!',
  PodSchedulingGate: '1 name s!',
  PodResourceClaim: '1 name s!; 3 resourceClaimName s?; 4 resourceClaimTemplateName s?',
  TopologySpreadConstraint:
    '1 maxSkew i32!; 2 topologyKey s!; 3 whenUnsatisfiable s!; 4 labelSelector LabelSelector; 5 minDomains i32?;' +
    '6 nodeAffinityPolicy s?; 7 nodeTaintsPolicy s?; 8 matchLabelKeys []s',
  Affinity: '1 nodeAffinity NodeAffinity; 2 podAffinity PodAffinity; 3 podAntiAffinity PodAntiAffinity',
  NodeAffinity:
    '1 requiredDuringSchedulingIgnoredDuringExecution NodeSelector;' +
    '2 preferredDuringSchedulingIgnoredDuringExecution []PreferredSchedulingTerm',
  NodeSelector: '1 nodeSelectorTerms []NodeSelectorTerm',
  NodeSelectorTerm: '1 matchExpressions []NodeSelectorRequirement; 2 matchFields []NodeSelectorRequirement',
  NodeSelectorRequirement: '1 key s!; 2 operator s!; 3 values []s',
  PreferredSchedulingTerm: '1 weight i32!; 2 preference NodeSelectorTerm',
  PodAffinity:
    '1 requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm;' +
    '2 preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm',
  PodAntiAffinity:
    '1 requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm;' +
    '2 preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm',
  PodAffinityTerm:
    '1 labelSelector LabelSelector; 2 namespaces []s; 3 topologyKey s!; 4 namespaceSelector LabelSelector;' +
    '5 matchLabelKeys []s; 6 mismatchLabelKeys []s',
  WeightedPodAffinityTerm: '1 weight i32!; 2 podAffinityTerm PodAffinityTerm',

  // Volumes.
  Volume: '1 name s!; 2 ^ VolumeSource',
  VolumeSource:
    '1 hostPath HostPathVolumeSource; 2 emptyDir EmptyDirVolumeSource; 5 gitRepo GitRepoVolumeSource; 6 secret SecretVolumeSource;' +
    '7 nfs NFSVolumeSource; 10 persistentVolumeClaim PersistentVolumeClaimVolumeSource; 16 downwardAPI DownwardAPIVolumeSource;' +
    '19 configMap ConfigMapVolumeSource; 26 projected ProjectedVolumeSource; 28 csi CSIVolumeSource;' +
    '29 ephemeral EphemeralVolumeSource; 30 image ImageVolumeSource',
  HostPathVolumeSource: '1 path s!; 2 type s?',
  EmptyDirVolumeSource: '1 medium s; 2 sizeLimit Q?',
  GitRepoVolumeSource: '1 repository s!; 2 revision s; 3 directory s',
  SecretVolumeSource: '1 secretName s; 2 items []KeyToPath; 3 defaultMode i32?; 4 optional b?',
  ConfigMapVolumeSource: '1 ^ LocalObjectReference; 2 items []KeyToPath; 3 defaultMode i32?; 4 optional b?',
  KeyToPath: '1 key s!; 2 path s!; 3 mode i32?',
  NFSVolumeSource: '1 server s!; 2 path s!; 3 readOnly b',
  PersistentVolumeClaimVolumeSource: '1 claimName s!; 2 readOnly b',
  DownwardAPIVolumeSource: '1 items []DownwardAPIVolumeFile; 2 defaultMode i32?',
  DownwardAPIVolumeFile: '1 path s!; 2 fieldRef ObjectFieldSelector; 3 resourceFieldRef ResourceFieldSelector; 4 mode i32?',
  ProjectedVolumeSource: '1 sources []VolumeProjection; 2 defaultMode i32?',
  VolumeProjection:
    '1 secret SecretProjection; 2 downwardAPI DownwardAPIProjection; 3 configMap ConfigMapProjection;' +
    '4 serviceAccountToken ServiceAccountTokenProjection; 5 clusterTrustBundle ClusterTrustBundleProjection',
  SecretProjection: '1 ^ LocalObjectReference; 2 items []KeyToPath; 4 optional b?',
  ConfigMapProjection: '1 ^ LocalObjectReference; 2 items []KeyToPath; 4 optional b?',
  DownwardAPIProjection: '1 items []DownwardAPIVolumeFile',
  ServiceAccountTokenProjection: '1 audience s; 2 expirationSeconds i64?; 3 path s!',
  ClusterTrustBundleProjection: '1 name s?; 2 signerName s?; 3 labelSelector LabelSelector; 5 optional b?; 4 path s!',
  CSIVolumeSource:
    '1 driver s!; 2 readOnly b?; 3 fsType s?; 4 volumeAttributes map<s,s>; 5 nodePublishSecretRef LocalObjectReference',
  EphemeralVolumeSource: '1 volumeClaimTemplate PersistentVolumeClaimTemplate',
  PersistentVolumeClaimTemplate: '1 metadata ObjectMeta; 2 spec PersistentVolumeClaimSpec',
  ImageVolumeSource: '1 reference s; 2 pullPolicy s',
  PersistentVolumeClaim: OBJECT('PersistentVolumeClaimSpec', 'PersistentVolumeClaimStatus'),
  PersistentVolumeClaimSpec:
    '1 accessModes []s; 4 selector LabelSelector; 2 resources VolumeResourceRequirements; 3 volumeName s;' +
    '5 storageClassName s?; 6 volumeMode s?; 7 dataSource TypedLocalObjectReference; 8 dataSourceRef TypedObjectReference;' +
    '9 volumeAttributesClassName s?',
  VolumeResourceRequirements: '1 limits map<s,Q>; 2 requests map<s,Q>',
  PersistentVolumeClaimStatus:
    '1 phase s; 2 accessModes []s; 3 capacity map<s,Q>; 4 conditions []PersistentVolumeClaimCondition;' +
    '5 allocatedResources map<s,Q>; 7 allocatedResourceStatuses map<s,s>; 8 currentVolumeAttributesClassName s?',
  PersistentVolumeClaimCondition:
    '1 type s!; 2 status s!; 3 lastProbeTime T; 4 lastTransitionTime T; 5 reason s; 6 message s',

  // Pod status.
  PodStatus:
    '17 observedGeneration i64; 1 phase s; 2 conditions []PodCondition; 3 message s; 4 reason s; 11 nominatedNodeName s;' +
    '5 hostIP s; 16 hostIPs []HostIP; 6 podIP s; 12 podIPs []PodIP; 7 startTime T; 10 initContainerStatuses []ContainerStatus;' +
    '8 containerStatuses []ContainerStatus; 9 qosClass s; 13 ephemeralContainerStatuses []ContainerStatus; 14 resize s;' +
    '15 resourceClaimStatuses []PodResourceClaimStatus; 19 allocatedResources map<s,Q>; 20 resources ResourceRequirements',
  PodCondition:
    '1 type s!; 7 observedGeneration i64; 2 status s!; 3 lastProbeTime T; 4 lastTransitionTime T; 5 reason s; 6 message s',
  HostIP: '1 ip s!',
  PodIP: '1 ip s!',
  PodResourceClaimStatus: '1 name s!; 2 resourceClaimName s?',
  ContainerStatus:
    '1 name s!; 2 state ContainerState; 3 lastState ContainerState; 4 ready b!; 5 restartCount i32!; 6 image s!;' +
    '7 imageID s!; 8 containerID s; 9 started b?; 10 allocatedResources map<s,Q>; 11 resources ResourceRequirements;' +
    '12 volumeMounts []VolumeMountStatus; 13 user ContainerUser; 15 stopSignal s?',
  ContainerState:
    '1 waiting ContainerStateWaiting; 2 running ContainerStateRunning; 3 terminated ContainerStateTerminated',
  ContainerStateWaiting: '1 reason s; 2 message s',
  ContainerStateRunning: '1 startedAt T',
  ContainerStateTerminated:
    '1 exitCode i32!; 2 signal i32; 3 reason s; 4 message s; 5 startedAt T; 6 finishedAt T; 7 containerID s',
  VolumeMountStatus: '1 name s!; 2 mountPath s!; 3 readOnly b; 4 recursiveReadOnly s?',
  ContainerUser: '1 linux LinuxContainerUser',
  LinuxContainerUser: '1 uid i64!; 2 gid i64!; 3 supplementalGroups []i64',

  ReplicationController: OBJECT('ReplicationControllerSpec', 'ReplicationControllerStatus'),
  ReplicationControllerSpec: '1 replicas i32?; 4 minReadySeconds i32; 2 selector map<s,s>; 3 template PodTemplateSpec',
  ReplicationControllerStatus:
    '1 replicas i32!; 2 fullyLabeledReplicas i32; 4 readyReplicas i32; 5 availableReplicas i32; 3 observedGeneration i64;' +
    '6 conditions []ReplicationControllerCondition',
  ReplicationControllerCondition: WORKLOAD_CONDITION,

  // ---- k8s.io/api/apps/v1
  Deployment: OBJECT('DeploymentSpec', 'DeploymentStatus'),
  DeploymentSpec:
    '1 replicas i32?; 2 selector LabelSelector; 3 template PodTemplateSpec; 4 strategy DeploymentStrategy;' +
    '5 minReadySeconds i32; 6 revisionHistoryLimit i32?; 7 paused b; 9 progressDeadlineSeconds i32?; 10 podReplacementPolicy s?',
  DeploymentStrategy: '1 type s; 2 rollingUpdate RollingUpdateDeployment',
  RollingUpdateDeployment: '1 maxUnavailable IOS?; 2 maxSurge IOS?',
  DeploymentStatus:
    '1 observedGeneration i64; 2 replicas i32; 3 updatedReplicas i32; 7 readyReplicas i32; 4 availableReplicas i32;' +
    '5 unavailableReplicas i32; 9 terminatingReplicas i32?; 6 conditions []DeploymentCondition; 8 collisionCount i32?',
  DeploymentCondition:
    '1 type s!; 2 status s!; 6 lastUpdateTime T; 7 lastTransitionTime T; 4 reason s; 5 message s',
  ReplicaSet: OBJECT('ReplicaSetSpec', 'ReplicaSetStatus'),
  ReplicaSetSpec: '1 replicas i32?; 4 minReadySeconds i32; 2 selector LabelSelector; 3 template PodTemplateSpec',
  ReplicaSetStatus:
    '1 replicas i32!; 2 fullyLabeledReplicas i32; 4 readyReplicas i32; 5 availableReplicas i32; 7 terminatingReplicas i32?;' +
    '3 observedGeneration i64; 6 conditions []ReplicaSetCondition',
  ReplicaSetCondition: WORKLOAD_CONDITION,
  DaemonSet: OBJECT('DaemonSetSpec', 'DaemonSetStatus'),
  DaemonSetSpec:
    '1 selector LabelSelector; 2 template PodTemplateSpec; 3 updateStrategy DaemonSetUpdateStrategy; 4 minReadySeconds i32;' +
    '6 revisionHistoryLimit i32?',
  DaemonSetUpdateStrategy: '1 type s; 2 rollingUpdate RollingUpdateDaemonSet',
  RollingUpdateDaemonSet: '1 maxUnavailable IOS?; 2 maxSurge IOS?',
  DaemonSetStatus:
    '1 currentNumberScheduled i32!; 2 numberMisscheduled i32!; 3 desiredNumberScheduled i32!; 4 numberReady i32!;' +
    '5 observedGeneration i64; 6 updatedNumberScheduled i32; 7 numberAvailable i32; 8 numberUnavailable i32;' +
    '9 collisionCount i32?; 10 conditions []DaemonSetCondition',
  DaemonSetCondition: WORKLOAD_CONDITION,
  StatefulSet: OBJECT('StatefulSetSpec', 'StatefulSetStatus'),
  StatefulSetSpec:
    '1 replicas i32?; 2 selector LabelSelector; 3 template PodTemplateSpec; 4 volumeClaimTemplates []PersistentVolumeClaim;' +
    '5 serviceName s; 6 podManagementPolicy s; 7 updateStrategy StatefulSetUpdateStrategy; 8 revisionHistoryLimit i32?;' +
    '9 minReadySeconds i32; 10 persistentVolumeClaimRetentionPolicy StatefulSetPersistentVolumeClaimRetentionPolicy;' +
    '11 ordinals StatefulSetOrdinals',
  StatefulSetUpdateStrategy: '1 type s; 2 rollingUpdate RollingUpdateStatefulSetStrategy',
  RollingUpdateStatefulSetStrategy: '1 partition i32?; 2 maxUnavailable IOS?',
  StatefulSetPersistentVolumeClaimRetentionPolicy: '1 whenDeleted s; 2 whenScaled s',
  StatefulSetOrdinals: '1 start i32',
  StatefulSetStatus:
    '1 observedGeneration i64; 2 replicas i32!; 3 readyReplicas i32; 4 currentReplicas i32; 5 updatedReplicas i32;' +
    '6 currentRevision s; 7 updateRevision s; 9 collisionCount i32?; 10 conditions []StatefulSetCondition;' +
    '11 availableReplicas i32!',
  StatefulSetCondition: WORKLOAD_CONDITION,
  ControllerRevision: '1 metadata ObjectMeta; 2 data RAW; 3 revision i64!',

  // ---- k8s.io/api/batch/v1
  Job: OBJECT('JobSpec', 'JobStatus'),
  JobSpec:
    '1 parallelism i32?; 2 completions i32?; 3 activeDeadlineSeconds i64?; 11 podFailurePolicy PodFailurePolicy;' +
    '16 successPolicy SuccessPolicy; 7 backoffLimit i32?; 12 backoffLimitPerIndex i32?; 13 maxFailedIndexes i32?;' +
    '4 selector LabelSelector; 5 manualSelector b?; 6 template PodTemplateSpec; 8 ttlSecondsAfterFinished i32?;' +
    '9 completionMode s?; 10 suspend b?; 14 podReplacementPolicy s?; 15 managedBy s?',
  JobStatus:
    '1 conditions []JobCondition; 2 startTime T; 3 completionTime T; 4 active i32; 5 succeeded i32; 6 failed i32;' +
    '11 terminating i32?; 7 completedIndexes s; 10 failedIndexes s?; 8 uncountedTerminatedPods UncountedTerminatedPods;' +
    '9 ready i32?',
  JobCondition: '1 type s!; 2 status s!; 3 lastProbeTime T; 4 lastTransitionTime T; 5 reason s; 6 message s',
  UncountedTerminatedPods: '1 succeeded []s; 2 failed []s',
  PodFailurePolicy: '1 rules []PodFailurePolicyRule',
  PodFailurePolicyRule:
    '1 action s!; 2 onExitCodes PodFailurePolicyOnExitCodesRequirement; 3 onPodConditions []PodFailurePolicyOnPodConditionsPattern',
  PodFailurePolicyOnExitCodesRequirement: '1 containerName s?; 2 operator s!; 3 values []i32',
  PodFailurePolicyOnPodConditionsPattern: '1 type s!; 2 status s',
  SuccessPolicy: '1 rules []SuccessPolicyRule',
  SuccessPolicyRule: '1 succeededIndexes s?; 2 succeededCount i32?',
  JobTemplateSpec: '1 metadata ObjectMeta; 2 spec JobSpec',
  CronJob: OBJECT('CronJobSpec', 'CronJobStatus'),
  CronJobSpec:
    '1 schedule s!; 8 timeZone s?; 2 startingDeadlineSeconds i64?; 3 concurrencyPolicy s; 4 suspend b?;' +
    '5 jobTemplate JobTemplateSpec; 6 successfulJobsHistoryLimit i32?; 7 failedJobsHistoryLimit i32?',
  CronJobStatus: '1 active []ObjectReference; 4 lastScheduleTime T; 5 lastSuccessfulTime T',

  // ---- k8s.io/api/coordination/v1
  Lease: '1 metadata ObjectMeta; 2 spec LeaseSpec',
  LeaseSpec:
    '1 holderIdentity s?; 2 leaseDurationSeconds i32?; 3 acquireTime MT; 4 renewTime MT; 5 leaseTransitions i32?;' +
    '6 strategy s?; 7 preferredHolder s?',

  // ---- k8s.io/api/discovery/v1 (names prefixed where they clash with core/v1)
  EndpointSlice: '1 metadata ObjectMeta; 4 addressType s!; 2 endpoints []DiscoveryEndpoint; 3 ports []DiscoveryEndpointPort',
  DiscoveryEndpoint:
    '1 addresses []s; 2 conditions DiscoveryEndpointConditions; 3 hostname s?; 4 targetRef ObjectReference;' +
    '5 deprecatedTopology map<s,s>; 6 nodeName s?; 7 zone s?; 8 hints DiscoveryEndpointHints',
  DiscoveryEndpointConditions: '1 ready b?; 2 serving b?; 3 terminating b?',
  DiscoveryEndpointHints: '1 forZones []DiscoveryForZone; 2 forNodes []DiscoveryForNode',
  DiscoveryForZone: '1 name s!',
  DiscoveryForNode: '1 name s!',
  DiscoveryEndpointPort: '1 name s?; 2 protocol s?; 3 port i32?; 4 appProtocol s?',

  // ---- k8s.io/api/events/v1
  EventsV1Event:
    '1 metadata ObjectMeta; 2 eventTime MT!; 3 series EventsV1EventSeries; 4 reportingController s; 5 reportingInstance s;' +
    '6 action s; 7 reason s; 8 regarding ObjectReference; 9 related ObjectReference; 10 note s; 11 type s;' +
    '12 deprecatedSource EventSource; 13 deprecatedFirstTimestamp T; 14 deprecatedLastTimestamp T; 15 deprecatedCount i32',
  EventsV1EventSeries: '1 count i32!; 2 lastObservedTime MT!',

  // ---- k8s.io/api/autoscaling/v1
  Scale: OBJECT('ScaleSpec', 'ScaleStatus'),
  ScaleSpec: '1 replicas i32',
  ScaleStatus: '1 replicas i32!; 2 selector s',
  CrossVersionObjectReference: '1 kind s!; 2 name s!; 3 apiVersion s',
  HorizontalPodAutoscalerV1: OBJECT('HorizontalPodAutoscalerSpecV1', 'HorizontalPodAutoscalerStatusV1'),
  HorizontalPodAutoscalerSpecV1: '1 scaleTargetRef CrossVersionObjectReference; 2 minReplicas i32?; 3 maxReplicas i32!; 4 targetCPUUtilizationPercentage i32?',
  HorizontalPodAutoscalerStatusV1:
    '1 observedGeneration i64?; 2 lastScaleTime T; 3 currentReplicas i32!; 4 desiredReplicas i32!; 5 currentCPUUtilizationPercentage i32?',

  // ---- k8s.io/api/autoscaling/v2
  HorizontalPodAutoscaler: OBJECT('HorizontalPodAutoscalerSpec', 'HorizontalPodAutoscalerStatus'),
  HorizontalPodAutoscalerSpec:
    '1 scaleTargetRef CrossVersionObjectReference; 2 minReplicas i32?; 3 maxReplicas i32!; 4 metrics []MetricSpec; 5 behavior HorizontalPodAutoscalerBehavior',
  HorizontalPodAutoscalerBehavior: '1 scaleUp HPAScalingRules; 2 scaleDown HPAScalingRules',
  HPAScalingRules: '3 stabilizationWindowSeconds i32?; 1 selectPolicy s?; 2 policies []HPAScalingPolicy',
  HPAScalingPolicy: '1 type s!; 2 value i32!; 3 periodSeconds i32!',
  MetricSpec:
    '1 type s!; 2 object ObjectMetricSource; 3 pods PodsMetricSource; 4 resource ResourceMetricSource; 7 containerResource ContainerResourceMetricSource; 5 external ExternalMetricSource',
  MetricTarget: '1 type s!; 2 value Q; 3 averageValue Q; 4 averageUtilization i32?',
  MetricIdentifier: '1 name s!; 2 selector LabelSelector',
  ResourceMetricSource: '1 name s!; 2 target MetricTarget',
  ContainerResourceMetricSource: '1 name s!; 2 target MetricTarget; 3 container s!',
  PodsMetricSource: '1 metric MetricIdentifier; 2 target MetricTarget',
  ObjectMetricSource: '1 describedObject CrossVersionObjectReference; 2 target MetricTarget; 3 metric MetricIdentifier',
  ExternalMetricSource: '1 metric MetricIdentifier; 2 target MetricTarget',
  HorizontalPodAutoscalerStatus:
    '1 observedGeneration i64?; 2 lastScaleTime T; 3 currentReplicas i32; 4 desiredReplicas i32!; 5 currentMetrics []MetricStatus; 6 conditions []HorizontalPodAutoscalerCondition',
  HorizontalPodAutoscalerCondition: WORKLOAD_CONDITION,
  MetricStatus:
    '1 type s!; 2 object ObjectMetricStatus; 3 pods PodsMetricStatus; 4 resource ResourceMetricStatus; 7 containerResource ContainerResourceMetricStatus; 5 external ExternalMetricStatus',
  MetricValueStatus: '1 value Q; 2 averageValue Q; 3 averageUtilization i32?',
  ResourceMetricStatus: '1 name s!; 2 current MetricValueStatus',
  ContainerResourceMetricStatus: '1 name s!; 2 current MetricValueStatus; 3 container s!',
  PodsMetricStatus: '1 metric MetricIdentifier; 2 current MetricValueStatus',
  ObjectMetricStatus: '1 metric MetricIdentifier; 2 current MetricValueStatus; 3 describedObject CrossVersionObjectReference',
  ExternalMetricStatus: '1 metric MetricIdentifier; 2 current MetricValueStatus',

  // ---- k8s.io/api/policy/v1 (kubectl create pdb sends protobuf from 1.32 on)
  PodDisruptionBudget: OBJECT('PodDisruptionBudgetSpec', 'PodDisruptionBudgetStatus'),
  PodDisruptionBudgetSpec: '1 minAvailable IOS?; 2 selector LabelSelector; 3 maxUnavailable IOS?; 4 unhealthyPodEvictionPolicy s?',
  PodDisruptionBudgetStatus:
    '1 observedGeneration i64; 2 disruptedPods map<s,T>; 3 disruptionsAllowed i32!; 4 currentHealthy i32!; 5 desiredHealthy i32!; 6 expectedPods i32!; 7 conditions []Condition',
  Eviction: '1 metadata ObjectMeta; 2 deleteOptions DeleteOptions',

  // ---- k8s.io/api/networking/v1 (kubectl create ingress sends protobuf from 1.32 on)
  Ingress: OBJECT('IngressSpec', 'IngressStatus'),
  IngressSpec: '4 ingressClassName s?; 1 defaultBackend IngressBackend; 2 tls []IngressTLS; 3 rules []IngressRule',
  IngressBackend: '4 service IngressServiceBackend; 3 resource TypedLocalObjectReference',
  IngressServiceBackend: '1 name s!; 2 port ServiceBackendPort',
  ServiceBackendPort: '1 name s; 2 number i32',
  IngressTLS: '1 hosts []s; 2 secretName s',
  IngressRule: '1 host s; 2 ^ IngressRuleValue',
  IngressRuleValue: '1 http HTTPIngressRuleValue',
  HTTPIngressRuleValue: '1 paths []HTTPIngressPath',
  HTTPIngressPath: '1 path s; 3 pathType s?; 2 backend IngressBackend',
  IngressStatus: '1 loadBalancer IngressLoadBalancerStatus',
  IngressLoadBalancerStatus: '1 ingress []IngressLoadBalancerIngress',
  IngressLoadBalancerIngress: '1 ip s; 2 hostname s; 4 ports []PortStatus',
  // rbac.authorization.k8s.io/v1 (kubectl create role/rolebinding/… send protobuf)
  PolicyRule: '1 verbs []s; 2 apiGroups []s; 3 resources []s; 4 resourceNames []s; 5 nonResourceURLs []s',
  Role: '1 metadata ObjectMeta; 2 rules []PolicyRule',
  ClusterRole: '1 metadata ObjectMeta; 2 rules []PolicyRule; 3 aggregationRule AggregationRule',
  AggregationRule: '1 clusterRoleSelectors []LabelSelector',
  RbacSubject: '1 kind s!; 2 apiGroup s; 3 name s!; 4 namespace s',
  RoleRef: '1 apiGroup s!; 2 kind s!; 3 name s!',
  RoleBinding: '1 metadata ObjectMeta; 2 subjects []RbacSubject; 3 roleRef RoleRef',
};

/**
 * Top-level kinds per group version; `Kind=Message` where the message name differs from the kind.
 * Option kinds are accepted under any group version.
 */
const KIND_TABLE: Record<string, string[]> = {
  v1: [
    'ConfigMap', 'Secret', 'Namespace', 'ServiceAccount', 'ResourceQuota', 'LimitRange', 'Service', 'Endpoints',
    'Binding', 'Event', 'Pod', 'PodTemplate', 'ReplicationController', 'PersistentVolumeClaim',
  ],
  'apps/v1': ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'ControllerRevision'],
  'batch/v1': ['Job', 'CronJob'],
  'autoscaling/v1': ['Scale', 'HorizontalPodAutoscaler=HorizontalPodAutoscalerV1'],
  'autoscaling/v2': ['HorizontalPodAutoscaler'],
  'coordination.k8s.io/v1': ['Lease'],
  'discovery.k8s.io/v1': ['EndpointSlice'],
  'events.k8s.io/v1': ['Event=EventsV1Event'],
  'networking.k8s.io/v1': ['Ingress'],
  'policy/v1': ['PodDisruptionBudget', 'Eviction'],
  'policy/v1beta1': ['Eviction'],
  'rbac.authorization.k8s.io/v1': ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding=RoleBinding'],
};
const ANY_VERSION_KINDS = new Set(['DeleteOptions']);

function parseField(spec: string, message: string): [number, FieldDef] {
  const parts = spec.trim().split(/\s+/);
  if (parts.length !== 3) throw new Error(`protobuf schema ${message}: bad field spec ${JSON.stringify(spec)}`);
  const [num, name, rawType] = parts as [string, string, string];
  const n = Number(num);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`protobuf schema ${message}: bad field number in ${spec}`);
  let t = rawType;
  let pointer = false;
  let always = false;
  if (t.endsWith('?')) {
    pointer = true;
    t = t.slice(0, -1);
  } else if (t.endsWith('!')) {
    always = true;
    t = t.slice(0, -1);
  }
  let repeated = false;
  let map = false;
  if (t.startsWith('[]')) {
    repeated = true;
    t = t.slice(2);
  } else if (t.startsWith('map<s,') && t.endsWith('>')) {
    map = true;
    t = t.slice(6, -1);
  }
  const inline = name === '^';
  return [n, { name: inline ? '' : name, type: t, repeated, map, pointer, always, inline }];
}

function build(): Record<string, MessageDef> {
  const out: Record<string, MessageDef> = {};
  for (const [name, src] of Object.entries(SOURCES)) {
    const def: MessageDef = new Map();
    for (const spec of src.split(';')) {
      if (!spec.trim()) continue;
      const [n, f] = parseField(spec, name);
      if (def.has(n)) throw new Error(`protobuf schema ${name}: duplicate field ${n}`);
      def.set(n, f);
    }
    out[name] = def;
  }
  // Every referenced message must be defined.
  for (const [name, def] of Object.entries(out)) {
    for (const f of def.values()) {
      if (!isScalar(f.type) && !isSpecial(f.type) && !out[f.type]) {
        throw new Error(`protobuf schema ${name}.${f.name || '^'}: unknown message ${f.type}`);
      }
    }
  }
  return out;
}

export const MESSAGES: Readonly<Record<string, MessageDef>> = build();

/** The message describing `apiVersion`/`kind`, or undefined when we have no schema for it. */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  if (ANY_VERSION_KINDS.has(kind)) return kind;
  for (const entry of KIND_TABLE[apiVersion] ?? []) {
    const [k, m] = entry.split('=') as [string, string | undefined];
    if (k === kind) return m ?? k;
  }
  return undefined;
}

/** All `apiVersion/kind` pairs with a schema (for diagnostics and tests). */
export function supportedKinds(): string[] {
  const out: string[] = [];
  for (const [gv, kinds] of Object.entries(KIND_TABLE)) for (const k of kinds) out.push(`${gv}/${k.split('=')[0]}`);
  for (const k of ANY_VERSION_KINDS) out.push(`*/${k}`);
  return out;
}
