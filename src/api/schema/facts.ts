// What the OpenAPI generator needs to know that @kubernetes/client-node's model metadata cannot tell it.
// The client keeps names, JSON types and descriptions, but drops the Go struct tags and markers that
// kube-apiserver publishes: patch strategies and merge keys (`patchStrategy:"merge" patchMergeKey:"name"`),
// `+listType`/`+listMapKey`/`+mapType` markers, which strings are really Quantity, which `any` is really
// RawExtension or FieldsV1, and which package a shared type lives in. Each entry below restates one such
// marker of the upstream Go type (k8s.io/api, k8s.io/apimachinery) for the Kubernetes release
// Wheelhouse serves. Only scripts/gen-openapi.ts reads this table; the server reads the generated documents.

/** A schema written by hand, in Swagger 2.0 shape; `ref` names another definition. */
export interface FactSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  ref?: string;
  items?: FactSchema;
  additionalProperties?: FactSchema;
}

export interface FieldFacts {
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
  mapType?: 'atomic' | 'granular';
  /** The field is this definition, whatever scalar or `any` the client declares (Quantity, RawExtension, …). */
  ref?: string;
  /** List items or map values are this definition (a map of Quantity, say). */
  elementRef?: string;
  /** For fields whose type is a named definition: the client keeps no description there. */
  description?: string;
}

export interface TypeFacts {
  /** `x-kubernetes-map-type` of the struct itself (`+structType=atomic`). */
  mapType?: 'atomic' | 'granular';
  /** Replaces the required list the client's optional markers give. */
  required?: string[];
  fields?: Record<string, FieldFacts>;
  /** Fields the served release has and the client's models predate. */
  added?: Record<string, FactSchema & FieldFacts>;
  /** `x-kubernetes-unions`: a discriminator field and the members it selects. */
  unions?: { discriminator: string; fieldsToDiscriminateBy: Record<string, string> }[];
}

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
export const CORE = 'io.k8s.api.core.v1.';
export const APPS = 'io.k8s.api.apps.v1.';
export const BATCH = 'io.k8s.api.batch.v1.';
export const COORDINATION = 'io.k8s.api.coordination.v1.';
export const DISCOVERY = 'io.k8s.api.discovery.v1.';
export const EVENTS = 'io.k8s.api.events.v1.';
export const AUTOSCALING = 'io.k8s.api.autoscaling.v1.';
export const AUTOSCALING_V2 = 'io.k8s.api.autoscaling.v2.';

export const TIME = `${META}Time`;
export const MICRO_TIME = `${META}MicroTime`;
export const FIELDS_V1 = `${META}FieldsV1`;
export const PATCH = `${META}Patch`;
export const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/** Go package prefix of each API group's types (definition names drop the `k8s.io/api` import path style). */
export const GROUP_PACKAGES: Record<string, string> = {
  '': 'io.k8s.api.core',
  apps: 'io.k8s.api.apps',
  autoscaling: 'io.k8s.api.autoscaling',
  batch: 'io.k8s.api.batch',
  'coordination.k8s.io': 'io.k8s.api.coordination',
  'discovery.k8s.io': 'io.k8s.api.discovery',
  'events.k8s.io': 'io.k8s.api.events',
  policy: 'io.k8s.api.policy',
  'authentication.k8s.io': 'io.k8s.api.authentication',
};

/**
 * The client prefixes a class with its group when two packages share a type name (CoreV1Event,
 * EventsV1Event); the prefix names the package.
 */
export const CLASS_PREFIX_PACKAGES: Record<string, string> = {
  Core: 'io.k8s.api.core',
  Events: 'io.k8s.api.events',
  Discovery: 'io.k8s.api.discovery',
  Authentication: 'io.k8s.api.authentication',
  Storage: 'io.k8s.api.storage',
  Rbac: 'io.k8s.api.rbac',
  Resource: 'io.k8s.api.resource',
  Flowcontrol: 'io.k8s.api.flowcontrol',
  Admissionregistration: 'io.k8s.api.admissionregistration',
  Apiextensions: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions',
  Apiregistration: 'io.k8s.kube-aggregator.pkg.apis.apiregistration',
};

/** Client classes that live in apimachinery rather than in the group they are reached from. */
export const NAMED_CLASSES: Record<string, string> = {
  V1APIGroup: `${META}APIGroup`,
  V1APIGroupList: `${META}APIGroupList`,
  V1APIResource: `${META}APIResource`,
  V1APIResourceList: `${META}APIResourceList`,
  V1APIVersions: `${META}APIVersions`,
  V1Condition: `${META}Condition`,
  V1DeleteOptions: `${META}DeleteOptions`,
  V1GroupVersionForDiscovery: `${META}GroupVersionForDiscovery`,
  V1LabelSelector: `${META}LabelSelector`,
  V1LabelSelectorRequirement: `${META}LabelSelectorRequirement`,
  V1ListMeta: `${META}ListMeta`,
  V1ManagedFieldsEntry: `${META}ManagedFieldsEntry`,
  V1ObjectMeta: `${META}ObjectMeta`,
  V1OwnerReference: `${META}OwnerReference`,
  V1Preconditions: `${META}Preconditions`,
  V1ServerAddressByClientCIDR: `${META}ServerAddressByClientCIDR`,
  V1Status: `${META}Status`,
  V1StatusCause: `${META}StatusCause`,
  V1StatusDetails: `${META}StatusDetails`,
  // core/v1 types reached first from storage.k8s.io (StorageClass.allowedTopologies).
  V1TopologySelectorLabelRequirement: `${CORE}TopologySelectorLabelRequirement`,
  V1TopologySelectorTerm: `${CORE}TopologySelectorTerm`,
  V1WatchEvent: `${META}WatchEvent`,
  VersionInfo: 'io.k8s.apimachinery.pkg.version.Info',
};

/**
 * Definitions with no client class: the scalar wrappers the client flattens to `string`/`Date`/`any`.
 * Their descriptions are short paraphrases of the apimachinery type comments.
 */
export const PRIMITIVE_DEFINITIONS: Record<string, FactSchema> = {
  [TIME]: {
    type: 'string',
    format: 'date-time',
    description:
      'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  Wrappers are provided for many of the factory methods that the time package offers.',
  },
  [MICRO_TIME]: {
    type: 'string',
    format: 'date-time',
    description: 'MicroTime is version of Time with microsecond level precision.',
  },
  [INT_OR_STRING]: {
    type: 'string',
    format: 'int-or-string',
    description:
      'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
  },
  [QUANTITY]: {
    type: 'string',
    description:
      'Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.\n\nThe serialization format is a signed decimal number followed by an optional suffix: a binary SI suffix (Ki, Mi, Gi, Ti, Pi, Ei), a decimal SI suffix (m, "", k, M, G, T, P, E) or a decimal exponent (e or E followed by a signed number). No quantity may represent a number greater than 2^63-1 in magnitude, nor may it have more than 3 decimal places; larger or more precise numbers are capped or rounded up.\n\nBefore serializing, Quantity is put in canonical form: no precision is lost, no fractional digits are emitted, and the exponent (or suffix) is as large as possible. For example 1.5 is serialized as "1500m" and 1.5Gi as "1536Mi".',
  },
  [FIELDS_V1]: {
    type: 'object',
    description:
      "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.\n\nEach key is either a '.' representing the field itself, and will always map to an empty set, or a string representing a sub-field or item. The string will follow one of these four formats: 'f:<name>', where <name> is the name of a field in a struct, or key in a map 'v:<value>', where <value> is the exact json formatted value of a list item 'i:<index>', where <index> is position of a item in a list 'k:<keys>', where <keys> is a map of  a list item's key fields to their unique values If a key maps to an empty Fields value, the field that key represents is part of the set.\n\nThe exact format is defined in sigs.k8s.io/structured-merge-diff",
  },
  [RAW_EXTENSION]: {
    type: 'object',
    description:
      'RawExtension is used to hold extensions in external versions. It holds the raw JSON of an embedded object (with its own kind and apiVersion) until the receiving side decodes it into the right type.',
  },
  [PATCH]: {
    type: 'object',
    description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
  },
};

// ---- per-type facts -------------------------------------------------------------------------------

const atomic: FieldFacts = { listType: 'atomic' };
const set: FieldFacts = { listType: 'set' };
const atomicMap: FieldFacts = { mapType: 'atomic' };
/** `+listType=map +listMapKey=<keys>` without a patch strategy. */
const mapList = (...keys: string[]): FieldFacts => ({ listType: 'map', listMapKeys: keys });
/** `patchStrategy:"merge" patchMergeKey:"<key>"` plus `+listType=map +listMapKey=<key>`. */
const mergeMap = (key: string, ...extraKeys: string[]): FieldFacts => ({
  patchStrategy: 'merge',
  patchMergeKey: key,
  listType: 'map',
  listMapKeys: [key, ...extraKeys],
});
/** `patchStrategy:"merge"` on a list of scalars. */
const mergeSet: FieldFacts = { patchStrategy: 'merge', listType: 'set' };
const quantity: FieldFacts = { ref: QUANTITY };
const quantities: FieldFacts = { elementRef: QUANTITY };

const conditions = mergeMap('type');
/** `+structType=atomic`: the struct is replaced whole by apply and strategic merge patch. */
const atomicStruct: TypeFacts = { mapType: 'atomic' };
/** The `type` discriminator of seccomp and AppArmor profiles. */
const profileUnion: TypeFacts = {
  unions: [{ discriminator: 'type', fieldsToDiscriminateBy: { localhostProfile: 'LocalhostProfile' } }],
};
/** Container and EphemeralContainer share their list markers. */
const containerFields: Record<string, FieldFacts> = {
  args: atomic,
  command: atomic,
  env: mergeMap('name'),
  envFrom: atomic,
  ports: mergeMap('containerPort', 'protocol'),
  resizePolicy: atomic,
  restartPolicyRules: atomic,
  volumeDevices: mergeMap('devicePath'),
  volumeMounts: mergeMap('mountPath'),
};

export const TYPE_FACTS: Record<string, TypeFacts> = {
  // ---- core/v1
  [`${CORE}AppArmorProfile`]: profileUnion,
  [`${CORE}Capabilities`]: { fields: { add: atomic, drop: atomic } },
  [`${CORE}CephFSPersistentVolumeSource`]: { fields: { monitors: atomic } },
  [`${CORE}CephFSVolumeSource`]: { fields: { monitors: atomic } },
  [`${CORE}ConfigMapKeySelector`]: atomicStruct,
  [`${CORE}ConfigMapProjection`]: { fields: { items: atomic } },
  [`${CORE}ConfigMapVolumeSource`]: { fields: { items: atomic } },
  [`${CORE}Container`]: { fields: containerFields },
  [`${CORE}ContainerImage`]: { fields: { names: atomic } },
  [`${CORE}ContainerRestartRuleOnExitCodes`]: { fields: { values: set } },
  [`${CORE}ContainerStatus`]: {
    fields: {
      allocatedResources: quantities,
      allocatedResourcesStatus: mergeMap('name'),
      volumeMounts: mergeMap('mountPath'),
    },
  },
  [`${CORE}DownwardAPIProjection`]: { fields: { items: atomic } },
  [`${CORE}DownwardAPIVolumeSource`]: { fields: { items: atomic } },
  [`${CORE}EmptyDirVolumeSource`]: { fields: { sizeLimit: quantity } },
  [`${CORE}EndpointAddress`]: atomicStruct,
  [`${CORE}EndpointPort`]: atomicStruct,
  [`${CORE}EndpointSubset`]: { fields: { addresses: atomic, notReadyAddresses: atomic, ports: atomic } },
  [`${CORE}Endpoints`]: { fields: { subsets: atomic } },
  [`${CORE}EphemeralContainer`]: { fields: containerFields },
  [`${CORE}ExecAction`]: { fields: { command: atomic } },
  [`${CORE}FCVolumeSource`]: { fields: { targetWWNs: atomic, wwids: atomic } },
  [`${CORE}FileKeySelector`]: atomicStruct,
  [`${CORE}HTTPGetAction`]: { fields: { httpHeaders: atomic } },
  [`${CORE}HostAlias`]: { fields: { hostnames: atomic } },
  [`${CORE}ISCSIPersistentVolumeSource`]: { fields: { portals: atomic } },
  [`${CORE}ISCSIVolumeSource`]: { fields: { portals: atomic } },
  [`${CORE}LimitRangeItem`]: {
    fields: { default: quantities, defaultRequest: quantities, max: quantities, maxLimitRequestRatio: quantities, min: quantities },
  },
  [`${CORE}LimitRangeSpec`]: { fields: { limits: atomic } },
  [`${CORE}LinuxContainerUser`]: { fields: { supplementalGroups: atomic } },
  [`${CORE}LoadBalancerIngress`]: { fields: { ports: atomic } },
  [`${CORE}LoadBalancerStatus`]: { fields: { ingress: atomic } },
  [`${CORE}LocalObjectReference`]: atomicStruct,
  [`${CORE}NamespaceSpec`]: { fields: { finalizers: atomic } },
  [`${CORE}NamespaceStatus`]: { fields: { conditions } },
  [`${CORE}NodeAffinity`]: { fields: { preferredDuringSchedulingIgnoredDuringExecution: atomic } },
  [`${CORE}TopologySelectorLabelRequirement`]: { fields: { values: atomic } },
  [`${CORE}TopologySelectorTerm`]: { fields: { matchLabelExpressions: atomic } },
  ['io.k8s.api.storage.v1.StorageClass']: { fields: { allowedTopologies: atomic, mountOptions: atomic } },
  [`${CORE}NodeSelector`]: { ...atomicStruct, fields: { nodeSelectorTerms: atomic } },
  [`${CORE}NodeSelectorRequirement`]: { fields: { values: atomic } },
  [`${CORE}NodeSelectorTerm`]: { ...atomicStruct, fields: { matchExpressions: atomic, matchFields: atomic } },
  [`${CORE}NodeSpec`]: { fields: { podCIDRs: mergeSet, taints: atomic } },
  [`${CORE}NodeStatus`]: {
    fields: {
      addresses: mergeMap('type'),
      allocatable: quantities,
      capacity: quantities,
      conditions,
      images: atomic,
      runtimeHandlers: atomic,
      volumesAttached: atomic,
      volumesInUse: atomic,
    },
    added: {
      declaredFeatures: {
        type: 'array',
        items: { type: 'string' },
        listType: 'atomic',
        description: 'DeclaredFeatures represents the features related to feature gates that are declared by the node.',
      },
    },
  },
  [`${CORE}ObjectFieldSelector`]: atomicStruct,
  [`${CORE}ObjectReference`]: atomicStruct,
  [`${CORE}PersistentVolumeClaimSpec`]: { fields: { accessModes: atomic } },
  [`${CORE}PersistentVolumeClaimStatus`]: {
    fields: {
      accessModes: atomic,
      allocatedResourceStatuses: { mapType: 'granular' },
      allocatedResources: quantities,
      capacity: quantities,
      conditions,
    },
  },
  [`${CORE}PersistentVolumeSpec`]: {
    fields: { accessModes: atomic, capacity: quantities, claimRef: { mapType: 'granular' }, mountOptions: atomic },
  },
  [`${CORE}PodAffinity`]: {
    fields: { preferredDuringSchedulingIgnoredDuringExecution: atomic, requiredDuringSchedulingIgnoredDuringExecution: atomic },
  },
  [`${CORE}PodAffinityTerm`]: { fields: { matchLabelKeys: atomic, mismatchLabelKeys: atomic, namespaces: atomic } },
  [`${CORE}PodAntiAffinity`]: {
    fields: { preferredDuringSchedulingIgnoredDuringExecution: atomic, requiredDuringSchedulingIgnoredDuringExecution: atomic },
  },
  [`${CORE}PodCertificateProjection`]: {
    added: {
      userAnnotations: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description:
          'userAnnotations allow pod authors to pass additional information to the signer implementation. Kubernetes does not restrict or validate this metadata in any way; the values are copied into the PodCertificateRequest objects the kubelet creates.',
      },
    },
  },
  [`${CORE}PodDNSConfig`]: { fields: { nameservers: atomic, options: atomic, searches: atomic } },
  [`${CORE}PodExtendedResourceClaimStatus`]: { fields: { requestMappings: atomic } },
  [`${CORE}PodSecurityContext`]: { fields: { supplementalGroups: atomic, sysctls: atomic } },
  [`${CORE}PodSpec`]: {
    fields: {
      containers: mergeMap('name'),
      ephemeralContainers: mergeMap('name'),
      hostAliases: mergeMap('ip'),
      imagePullSecrets: mergeMap('name'),
      initContainers: mergeMap('name'),
      nodeSelector: atomicMap,
      overhead: quantities,
      readinessGates: atomic,
      resourceClaims: { ...mergeMap('name'), patchStrategy: 'merge,retainKeys' },
      schedulingGates: mergeMap('name'),
      tolerations: atomic,
      topologySpreadConstraints: mergeMap('topologyKey', 'whenUnsatisfiable'),
      volumes: { ...mergeMap('name'), patchStrategy: 'merge,retainKeys' },
    },
    added: {
      workloadRef: {
        ref: `${CORE}WorkloadReference`,
        description:
          'WorkloadRef provides a reference to the Workload object that this Pod belongs to. The scheduler uses it to find the PodGroup and apply its group scheduling policies. This field is immutable.',
      },
    },
  },
  [`${CORE}PodStatus`]: {
    fields: {
      conditions,
      containerStatuses: atomic,
      ephemeralContainerStatuses: atomic,
      hostIPs: { patchStrategy: 'merge', patchMergeKey: 'ip', listType: 'atomic' },
      initContainerStatuses: atomic,
      podIPs: mergeMap('ip'),
      resourceClaimStatuses: { ...mergeMap('name'), patchStrategy: 'merge,retainKeys' },
    },
    added: {
      allocatedResources: {
        type: 'object',
        additionalProperties: { ref: QUANTITY },
        description:
          'AllocatedResources is the total requests allocated for this pod by the node: the pod-level requests when set, otherwise the requests of its containers added up.',
      },
      resources: {
        ref: `${CORE}ResourceRequirements`,
        description:
          'Resources represents the compute resource requests and limits that have been applied at the pod level if pod-level requests or limits are set in PodSpec.Resources',
      },
    },
  },
  [`${CORE}ProjectedVolumeSource`]: { fields: { sources: atomic } },
  [`${CORE}RBDPersistentVolumeSource`]: { fields: { monitors: atomic } },
  [`${CORE}RBDVolumeSource`]: { fields: { monitors: atomic } },
  [`${CORE}ReplicationControllerSpec`]: { fields: { selector: atomicMap } },
  [`${CORE}ReplicationControllerStatus`]: { fields: { conditions } },
  [`${CORE}ResourceFieldSelector`]: { ...atomicStruct, fields: { divisor: quantity } },
  [`${CORE}ResourceQuotaSpec`]: { fields: { hard: quantities, scopes: atomic } },
  [`${CORE}ResourceQuotaStatus`]: { fields: { hard: quantities, used: quantities } },
  [`${CORE}ResourceRequirements`]: { fields: { claims: mapList('name'), limits: quantities, requests: quantities } },
  [`${CORE}ResourceStatus`]: { fields: { resources: mapList('resourceID') } },
  [`${CORE}ScopeSelector`]: { ...atomicStruct, fields: { matchExpressions: atomic } },
  [`${CORE}ScopedResourceSelectorRequirement`]: { fields: { values: atomic } },
  [`${CORE}SeccompProfile`]: profileUnion,
  [`${CORE}SecretKeySelector`]: atomicStruct,
  [`${CORE}SecretProjection`]: { fields: { items: atomic } },
  [`${CORE}SecretReference`]: atomicStruct,
  [`${CORE}SecretVolumeSource`]: { fields: { items: atomic } },
  [`${CORE}ServiceAccount`]: { fields: { imagePullSecrets: atomic, secrets: mergeMap('name') } },
  [`${CORE}ServiceSpec`]: {
    fields: {
      clusterIPs: atomic,
      externalIPs: atomic,
      ipFamilies: atomic,
      loadBalancerSourceRanges: atomic,
      ports: mergeMap('port', 'protocol'),
      selector: atomicMap,
    },
  },
  [`${CORE}ServiceStatus`]: { fields: { conditions } },
  [`${CORE}TopologySpreadConstraint`]: { fields: { matchLabelKeys: atomic } },
  [`${CORE}TypedLocalObjectReference`]: atomicStruct,
  [`${CORE}VolumeResourceRequirements`]: { fields: { limits: quantities, requests: quantities } },

  // ---- apps/v1
  [`${APPS}ControllerRevision`]: { fields: { data: { ref: RAW_EXTENSION } } },
  [`${APPS}DaemonSetStatus`]: { fields: { conditions } },
  [`${APPS}DeploymentSpec`]: { fields: { strategy: { patchStrategy: 'retainKeys' } } },
  [`${APPS}DeploymentStatus`]: { fields: { conditions } },
  [`${APPS}ReplicaSetStatus`]: { fields: { conditions } },
  [`${APPS}StatefulSetSpec`]: { fields: { volumeClaimTemplates: atomic } },
  [`${APPS}StatefulSetStatus`]: { fields: { conditions } },

  // ---- batch/v1
  [`${BATCH}CronJobStatus`]: { fields: { active: atomic } },
  [`${BATCH}JobStatus`]: { fields: { conditions: { patchStrategy: 'merge', patchMergeKey: 'type', listType: 'atomic' } } },
  [`${BATCH}PodFailurePolicy`]: { fields: { rules: atomic } },
  [`${BATCH}PodFailurePolicyOnExitCodesRequirement`]: { fields: { values: set } },
  // status became optional (defaulting to True) after the client was generated.
  [`${BATCH}PodFailurePolicyOnPodConditionsPattern`]: { required: ['type'] },
  [`${BATCH}PodFailurePolicyRule`]: { fields: { onPodConditions: atomic } },
  [`${BATCH}SuccessPolicy`]: { fields: { rules: atomic } },
  [`${BATCH}UncountedTerminatedPods`]: { fields: { failed: set, succeeded: set } },

  // ---- autoscaling/v1 and v2
  [`${AUTOSCALING}CrossVersionObjectReference`]: atomicStruct,
  [`${AUTOSCALING_V2}HPAScalingRules`]: { fields: { policies: atomic, tolerance: quantity } },
  [`${AUTOSCALING_V2}HorizontalPodAutoscalerSpec`]: { fields: { metrics: atomic } },
  [`${AUTOSCALING_V2}HorizontalPodAutoscalerStatus`]: { fields: { conditions, currentMetrics: atomic } },
  [`${AUTOSCALING_V2}MetricTarget`]: { fields: { averageValue: quantity, value: quantity } },
  [`${AUTOSCALING_V2}MetricValueStatus`]: { fields: { averageValue: quantity, value: quantity } },

  // ---- discovery.k8s.io/v1
  [`${DISCOVERY}Endpoint`]: { fields: { addresses: set } },
  [`${DISCOVERY}EndpointHints`]: { fields: { forNodes: atomic, forZones: atomic } },
  [`${DISCOVERY}EndpointPort`]: atomicStruct,
  [`${DISCOVERY}EndpointSlice`]: { fields: { endpoints: atomic, ports: atomic } },

  // ---- meta/v1
  [`${META}APIGroup`]: { fields: { serverAddressByClientCIDRs: atomic, versions: atomic } },
  [`${META}APIGroupList`]: { fields: { groups: atomic } },
  [`${META}APIResource`]: { fields: { categories: atomic, shortNames: atomic } },
  [`${META}APIResourceList`]: { fields: { resources: atomic } },
  [`${META}APIVersions`]: { fields: { serverAddressByClientCIDRs: atomic, versions: atomic } },
  [`${META}DeleteOptions`]: { fields: { dryRun: atomic } },
  [`${META}LabelSelector`]: { ...atomicStruct, fields: { matchExpressions: atomic } },
  [`${META}LabelSelectorRequirement`]: { fields: { values: atomic } },
  [`${META}ManagedFieldsEntry`]: { fields: { fieldsV1: { ref: FIELDS_V1 } } },
  [`${META}ObjectMeta`]: { fields: { finalizers: mergeSet, managedFields: atomic, ownerReferences: mergeMap('uid') } },
  [`${META}OwnerReference`]: atomicStruct,
  [`${META}StatusDetails`]: { fields: { causes: atomic } },
  [`${META}WatchEvent`]: { fields: { object: { ref: RAW_EXTENSION } } },
};

/** Object types the served release has and the client's models predate, written out in full. */
export const ADDED_TYPES: Record<string, { description: string; required?: string[]; properties: Record<string, FactSchema> }> = {
  [`${CORE}WorkloadReference`]: {
    description:
      'WorkloadReference identifies the Workload object and PodGroup membership that a Pod belongs to. The scheduler uses this information to apply workload-aware scheduling semantics.',
    required: ['name', 'podGroup'],
    properties: {
      name: {
        type: 'string',
        description:
          'Name defines the name of the Workload object this Pod belongs to. The Workload must be in the same namespace as the Pod. It must be a DNS subdomain.',
      },
      podGroup: {
        type: 'string',
        description: 'PodGroup is the name of the PodGroup within the Workload that this Pod belongs to. It must be a DNS label.',
      },
      podGroupReplicaKey: {
        type: 'string',
        description:
          'PodGroupReplicaKey distinguishes pods belonging to different replicas of the same pod group; the pod group policy is applied to each replica separately. When set, it must be a DNS label.',
      },
    },
  },
};

// ---- descriptions of fields whose type is a named definition ----------------------------------------
// The client drops the description of every field typed by another model (spec, status, template, …), so
// `kubectl explain` would print `<no description>` for them. These restate upstream's field comments for
// the fields users look at most; the rest stay without a description.

const CONVENTIONS = 'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md';
const OBJECT_METADATA = `Standard object's metadata. More info: ${CONVENTIONS}#metadata`;
const LIST_METADATA = `Standard list metadata. More info: ${CONVENTIONS}#types-kinds`;
const specOf = (what: string) => `Spec defines the desired behavior of ${what}. More info: ${CONVENTIONS}#spec-and-status`;
const statusOf = (what: string) =>
  `Status is the most recently observed status of ${what}. Populated by the system. Read-only. More info: ${CONVENTIONS}#spec-and-status`;
const TEMPLATE = 'Template describes the pods that will be created.';
const SELECTOR =
  "Label selector for pods. Existing pods selected by this selector are the ones affected by this resource; it must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors";
const PROBE_DOCS = 'More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes';

const containerRefFields: Record<string, string> = {
  lifecycle: 'Actions that the management system should take in response to container lifecycle events. Cannot be updated.',
  livenessProbe: `Periodic probe of container liveness. Container will be restarted if the probe fails. Cannot be updated. ${PROBE_DOCS}`,
  readinessProbe: `Periodic probe of container service readiness. Container will be removed from service endpoints if the probe fails. Cannot be updated. ${PROBE_DOCS}`,
  startupProbe: `StartupProbe indicates that the Pod has successfully initialized. If specified, no other probes are executed until this completes successfully. If this probe fails, the Pod will be restarted, just as if the livenessProbe failed. This can be used to provide different probe parameters at the beginning of a Pod's lifecycle, when it might take a long time to load data or warm a cache, than during steady-state operation. This cannot be updated. ${PROBE_DOCS}`,
  resources:
    'Compute Resources required by this container. Cannot be updated. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
  securityContext:
    'SecurityContext defines the security options the container should be run with. If set, the fields of SecurityContext override the equivalent fields of PodSecurityContext. More info: https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
};
const handlerFields: Record<string, string> = {
  exec: 'Exec specifies a command to execute in the container.',
  httpGet: 'HTTPGet specifies an HTTP GET request to perform.',
  tcpSocket: 'TCPSocket specifies a connection to a TCP port.',
};

export const FIELD_DESCRIPTIONS: Record<string, Record<string, string>> = {
  [`${CORE}Pod`]: { spec: specOf('the pod'), status: statusOf('the pod') },
  [`${CORE}PodTemplate`]: { template: 'Template defines the pods that will be created from this pod template.' },
  [`${CORE}PodTemplateSpec`]: { spec: specOf('the pod') },
  [`${CORE}Namespace`]: { spec: 'Spec defines the behavior of the Namespace.', status: 'Status describes the current status of a Namespace.' },
  [`${CORE}Node`]: { spec: specOf('the node'), status: statusOf('the node') },
  [`${CORE}Service`]: { spec: specOf('the service'), status: statusOf('the service') },
  [`${CORE}ReplicationController`]: {
    spec: specOf('the replication controller'),
    status: statusOf('the replication controller'),
  },
  [`${CORE}ReplicationControllerSpec`]: { template: TEMPLATE },
  [`${CORE}PersistentVolume`]: { spec: specOf('the persistent volume'), status: statusOf('the persistent volume') },
  [`${CORE}PersistentVolumeClaim`]: { spec: specOf('the volume requested by the claim'), status: statusOf('the claim') },
  [`${CORE}ResourceQuota`]: { spec: specOf('the quota'), status: statusOf('the quota') },
  [`${CORE}LimitRange`]: { spec: 'Spec defines the limits enforced.' },
  [`${CORE}Binding`]: { target: 'The target object that you want to bind to the standard object.' },
  [`${CORE}Event`]: {
    involvedObject: 'The object that this event is about.',
    related: 'Optional secondary object for more complex actions.',
    series: 'Data about the Event series this event represents or nil if it\'s a singleton Event.',
    source: 'The component reporting this event. Should be a short machine understandable string.',
  },
  [`${CORE}Container`]: containerRefFields,
  [`${CORE}EphemeralContainer`]: containerRefFields,
  [`${CORE}PodSpec`]: {
    affinity: "If specified, the pod's scheduling constraints",
    dnsConfig: 'Specifies the DNS parameters of a pod. Parameters specified here will be merged to the generated DNS configuration based on DNSPolicy.',
    os: 'Specifies the OS of the containers in the pod.',
    resources: 'Resources is the total amount of CPU and Memory resources required by all containers in the pod.',
    securityContext: 'SecurityContext holds pod-level security attributes and common container settings. Optional: Defaults to empty.',
  },
  [`${CORE}Probe`]: { ...handlerFields, grpc: 'GRPC specifies a GRPC HealthCheckRequest.' },
  [`${CORE}LifecycleHandler`]: { ...handlerFields, sleep: 'Sleep represents a duration that the container should sleep.' },
  [`${CORE}Lifecycle`]: {
    postStart: 'PostStart is called immediately after a container is created. If the handler fails, the container is terminated and restarted according to its restart policy.',
    preStop: 'PreStop is called immediately before a container is terminated due to an API request or management event such as liveness/startup probe failure, preemption, resource contention, etc.',
  },
  [`${CORE}EnvVar`]: { valueFrom: "Source for the environment variable's value. Cannot be used if value is not empty." },
  [`${CORE}ContainerStatus`]: {
    state: "State holds details about the container's current condition.",
    lastState: "LastTerminationState holds the last termination state of the container to help debug container crashes and restarts.",
  },
  [`${APPS}Deployment`]: { spec: specOf('the Deployment'), status: 'Most recently observed status of the Deployment.' },
  [`${APPS}DeploymentSpec`]: {
    selector: SELECTOR,
    strategy: 'The deployment strategy to use to replace existing pods with new ones.',
    template: 'Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is "Always".',
  },
  [`${APPS}DeploymentStrategy`]: { rollingUpdate: 'Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate.' },
  [`${APPS}ReplicaSet`]: { spec: specOf('the ReplicaSet'), status: statusOf('the ReplicaSet') },
  [`${APPS}ReplicaSetSpec`]: { selector: SELECTOR, template: TEMPLATE },
  [`${APPS}StatefulSet`]: { spec: 'Spec defines the desired identities of pods in this set.', status: statusOf('the StatefulSet') },
  [`${APPS}StatefulSetSpec`]: {
    selector: SELECTOR,
    template: 'template is the object that describes the pod that will be created if insufficient replicas are detected.',
    updateStrategy: 'updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template.',
  },
  [`${APPS}DaemonSet`]: { spec: specOf('the DaemonSet'), status: statusOf('the DaemonSet') },
  [`${APPS}DaemonSetSpec`]: {
    selector: SELECTOR,
    template: 'An object that describes the pod that will be created. The DaemonSet will create exactly one copy of this pod on every node that matches the template\'s node selector (or on every node if no node selector is specified).',
    updateStrategy: 'An update strategy to replace existing DaemonSet pods with new pods.',
  },
  [`${BATCH}Job`]: { spec: specOf('a job'), status: statusOf('a job') },
  [`${BATCH}JobSpec`]: {
    selector: 'A label query over pods that should match the pod count. Normally, the system sets this field for you.',
    template: 'Describes the pod that will be created when executing a job.',
  },
  [`${BATCH}CronJob`]: { spec: specOf('a cron job, including the schedule'), status: statusOf('a cron job') },
  [`${BATCH}CronJobSpec`]: { jobTemplate: 'Specifies the job that will be created when executing a CronJob.' },
  [`${BATCH}JobTemplateSpec`]: { spec: specOf('the job') },
  [`${COORDINATION}Lease`]: { spec: specOf('the Lease') },
  [`${AUTOSCALING}Scale`]: { spec: specOf('the scale'), status: 'Status is the current status of the scale. Read-only.' },
  [`${EVENTS}Event`]: {
    regarding: 'regarding contains the object this Event is about.',
    related: 'related is the optional secondary object for more complex actions.',
    series: "series is data about the Event series this event represents or nil if it's a singleton Event.",
    deprecatedSource: 'deprecatedSource is the deprecated field assuring backward compatibility with core.v1 Event type.',
  },
  [`${META}Status`]: { details: 'Extended data associated with the reason. Each reason may define its own extended details.' },
  [`${META}DeleteOptions`]: { preconditions: 'Must be fulfilled before a deletion is carried out. If not possible, a 409 Conflict status will be returned.' },
};

/** Description for a field typed by a named definition, from the table or the metadata convention. */
export function fieldDescription(typeName: string, field: string, ref: string | undefined): string | undefined {
  const d = FIELD_DESCRIPTIONS[typeName]?.[field];
  if (d) return d;
  if (field === 'metadata' && ref === `${META}ObjectMeta`) return OBJECT_METADATA;
  if (field === 'metadata' && ref === `${META}ListMeta`) return LIST_METADATA;
  return undefined;
}
