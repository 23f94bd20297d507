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
export const APIEXTENSIONS = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';
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
  'apiregistration.k8s.io': 'io.k8s.kube-aggregator.pkg.apis.apiregistration',
  'apiextensions.k8s.io': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions',
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
  // authorization.k8s.io's field selector attributes reuse apimachinery's requirement.
  V1FieldSelectorRequirement: `${META}FieldSelectorRequirement`,
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
  // apiextensions' JSON-or-something types: any JSON, so no type (the value may be either form).
  [`${APIEXTENSIONS}JSON`]: {
    description:
      'JSON represents any valid JSON value. These types are supported: bool, int64, float64, string, []interface{}, map[string]interface{} and nil.',
  },
  [`${APIEXTENSIONS}JSONSchemaPropsOrBool`]: {
    description: 'JSONSchemaPropsOrBool represents JSONSchemaProps or a boolean value. Defaults to true for the boolean property.',
  },
  [`${APIEXTENSIONS}JSONSchemaPropsOrArray`]: {
    description:
      'JSONSchemaPropsOrArray represents a value that can either be a JSONSchemaProps or an array of JSONSchemaProps. Mainly here for serialization purposes.',
  },
  [`${APIEXTENSIONS}JSONSchemaPropsOrStringArray`]: {
    description: 'JSONSchemaPropsOrStringArray represents a JSONSchemaProps or a string array.',
  },
  [`${APIEXTENSIONS}CustomResourceSubresourceStatus`]: {
    type: 'object',
    description:
      'CustomResourceSubresourceStatus defines how to serve the status subresource for CustomResources. Status is represented by the `.status` JSON path inside of a CustomResource. When set, * exposes a /status subresource for the custom resource * PUT requests to the /status subresource take a custom resource object, and ignore changes to anything except the status stanza * PUT/POST/PATCH requests to the custom resource ignore changes to the status stanza',
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

/** resource.k8s.io list markers, Quantity and RawExtension fields (one version's package prefix). */
function resourceFacts(pkg: string): Record<string, TypeFacts> {
  const raw: FieldFacts = { ref: RAW_EXTENSION };
  return {
    [`${pkg}AllocatedDeviceStatus`]: { fields: { conditions: mapList('type'), data: raw } },
    [`${pkg}CapacityRequestPolicy`]: { fields: { default: quantity, validValues: { ...atomic, elementRef: QUANTITY } } },
    [`${pkg}CapacityRequestPolicyRange`]: { fields: { max: quantity, min: quantity, step: quantity } },
    [`${pkg}CapacityRequirements`]: { fields: { requests: quantities } },
    [`${pkg}Counter`]: { fields: { value: quantity } },
    [`${pkg}Device`]: { fields: { bindingConditions: atomic, bindingFailureConditions: atomic, consumesCounters: atomic, taints: atomic } },
    [`${pkg}DeviceAllocationConfiguration`]: { fields: { requests: atomic } },
    [`${pkg}DeviceAllocationResult`]: { fields: { config: atomic, results: atomic } },
    [`${pkg}DeviceCapacity`]: { fields: { value: quantity } },
    [`${pkg}DeviceClaim`]: { fields: { config: atomic, constraints: atomic, requests: atomic } },
    [`${pkg}DeviceClaimConfiguration`]: { fields: { requests: atomic } },
    [`${pkg}DeviceClassSpec`]: { fields: { config: atomic, selectors: atomic } },
    [`${pkg}DeviceConstraint`]: { fields: { requests: atomic } },
    [`${pkg}DeviceRequest`]: { fields: { firstAvailable: atomic } },
    [`${pkg}DeviceRequestAllocationResult`]: {
      fields: { bindingConditions: atomic, bindingFailureConditions: atomic, consumedCapacity: quantities, tolerations: atomic },
    },
    [`${pkg}DeviceSubRequest`]: { fields: { selectors: atomic, tolerations: atomic } },
    [`${pkg}ExactDeviceRequest`]: { fields: { selectors: atomic, tolerations: atomic } },
    [`${pkg}NetworkDeviceData`]: { fields: { ips: atomic } },
    [`${pkg}OpaqueDeviceConfiguration`]: { fields: { parameters: raw } },
    [`${pkg}ResourceClaimStatus`]: { fields: { devices: mapList('driver', 'device', 'pool', 'shareID'), reservedFor: mergeMap('uid') } },
    [`${pkg}ResourceSliceSpec`]: { fields: { devices: atomic, sharedCounters: atomic } },
  };
}

export const TYPE_FACTS: Record<string, TypeFacts> = {
  // ---- apiextensions.k8s.io/v1 (1.35 fields the client's models predate)
  [`${APIEXTENSIONS}JSONSchemaProps`]: {
    fields: {
      additionalItems: { ref: `${APIEXTENSIONS}JSONSchemaPropsOrBool` },
      additionalProperties: { ref: `${APIEXTENSIONS}JSONSchemaPropsOrBool` },
      default: { ref: `${APIEXTENSIONS}JSON` },
      example: { ref: `${APIEXTENSIONS}JSON` },
      items: { ref: `${APIEXTENSIONS}JSONSchemaPropsOrArray` },
      dependencies: { elementRef: `${APIEXTENSIONS}JSONSchemaPropsOrStringArray` },
      enum: { elementRef: `${APIEXTENSIONS}JSON`, listType: 'atomic' },
      allOf: atomic,
      anyOf: atomic,
      oneOf: atomic,
      required: atomic,
      'x-kubernetes-list-map-keys': atomic,
      'x-kubernetes-validations': { listType: 'map', listMapKeys: ['rule'], patchStrategy: 'merge', patchMergeKey: 'rule' },
    },
  },
  [`${APIEXTENSIONS}CustomResourceSubresources`]: { fields: { status: { ref: `${APIEXTENSIONS}CustomResourceSubresourceStatus` } } },
  [`${APIEXTENSIONS}CustomResourceDefinitionNames`]: { fields: { categories: atomic, shortNames: atomic } },
  [`${APIEXTENSIONS}CustomResourceDefinitionSpec`]: { fields: { versions: atomic } },
  [`${APIEXTENSIONS}CustomResourceDefinitionVersion`]: { fields: { additionalPrinterColumns: atomic, selectableFields: atomic } },
  [`${APIEXTENSIONS}WebhookConversion`]: { fields: { conversionReviewVersions: atomic } },
  [`${APIEXTENSIONS}CustomResourceDefinitionCondition`]: {
    added: {
      observedGeneration: {
        type: 'integer',
        format: 'int64',
        description:
          'observedGeneration represents the .metadata.generation that the condition was set based upon. For instance, if .metadata.generation is currently 12, but the .status.conditions[x].observedGeneration is 9, the condition is out of date with respect to the current state of the instance.',
      },
    },
  },
  [`${APIEXTENSIONS}CustomResourceDefinitionStatus`]: {
    fields: { conditions: { listType: 'map', listMapKeys: ['type'] }, storedVersions: atomic },
    added: {
      observedGeneration: { type: 'integer', format: 'int64', description: 'The generation observed by the CRD controller.' },
    },
  },
  // ---- rbac.authorization.k8s.io/v1, authorization.k8s.io/v1
  ['io.k8s.api.rbac.v1.AggregationRule']: { fields: { clusterRoleSelectors: atomic } },
  ['io.k8s.api.rbac.v1.ClusterRole']: { fields: { rules: atomic } },
  ['io.k8s.api.rbac.v1.ClusterRoleBinding']: { fields: { subjects: atomic } },
  ['io.k8s.api.rbac.v1.PolicyRule']: { fields: { apiGroups: atomic, nonResourceURLs: atomic, resourceNames: atomic, resources: atomic, verbs: atomic } },
  ['io.k8s.api.rbac.v1.Role']: { fields: { rules: atomic } },
  ['io.k8s.api.rbac.v1.RoleBinding']: { fields: { subjects: atomic } },
  ['io.k8s.api.rbac.v1.RoleRef']: atomicStruct,
  ['io.k8s.api.rbac.v1.Subject']: atomicStruct,
  ['io.k8s.api.authorization.v1.FieldSelectorAttributes']: { fields: { requirements: atomic } },
  ['io.k8s.api.authorization.v1.LabelSelectorAttributes']: { fields: { requirements: atomic } },
  ['io.k8s.api.authorization.v1.SubjectAccessReviewSpec']: { fields: { groups: atomic } },
  [`${META}FieldSelectorRequirement`]: { fields: { values: atomic } },
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
  [`${CORE}TopologySelectorTerm`]: { ...atomicStruct, fields: { matchLabelExpressions: atomic } },
  ['io.k8s.api.storage.v1.StorageClass']: { fields: { allowedTopologies: atomic, mountOptions: atomic } },
  // storage.k8s.io/v1 (CSI), node.k8s.io/v1, flowcontrol.apiserver.k8s.io/v1, apiregistration.k8s.io/v1
  ['io.k8s.api.storage.v1.CSIDriverSpec']: {
    fields: { tokenRequests: atomic, volumeLifecycleModes: set },
    added: {
      serviceAccountTokenInSecrets: {
        type: 'boolean',
        description:
          'serviceAccountTokenInSecrets is an opt-in for CSI drivers to indicate that service account tokens should be passed via the Secrets field in NodePublishVolumeRequest instead of the VolumeContext field. The CSI specification provides a dedicated Secrets field for sensitive information like tokens, which is the appropriate mechanism for handling credentials. This addresses security concerns where sensitive tokens were being logged as part of volume context.\n\nWhen "true", kubelet will pass the tokens only in the Secrets field with the key "csi.storage.k8s.io/serviceAccount.tokens". The CSI driver must be updated to read tokens from the Secrets field instead of VolumeContext.\n\nWhen "false" or not set, kubelet will pass the tokens in VolumeContext with the key "csi.storage.k8s.io/serviceAccount.tokens" (existing behavior). This maintains backward compatibility with existing CSI drivers.\n\nThis field can only be set when TokenRequests is configured. The API server will reject CSIDriver specs that set this field without TokenRequests.\n\nDefault behavior if unset is to pass tokens in the VolumeContext field.',
      },
    },
  },
  ['io.k8s.api.storage.v1.CSINodeDriver']: { fields: { topologyKeys: atomic } },
  ['io.k8s.api.storage.v1.CSINodeSpec']: { fields: { drivers: mergeMap('name') } },
  ['io.k8s.api.storage.v1.CSIStorageCapacity']: { fields: { capacity: quantity, maximumVolumeSize: quantity } },
  ['io.k8s.api.node.v1.Overhead']: { fields: { podFixed: quantities } },
  ['io.k8s.api.node.v1.Scheduling']: { fields: { nodeSelector: atomicMap, tolerations: atomic } },
  ['io.k8s.api.flowcontrol.v1.FlowSchemaSpec']: { fields: { rules: atomic } },
  ['io.k8s.api.flowcontrol.v1.LimitResponse']: { unions: [{ discriminator: 'type', fieldsToDiscriminateBy: { queuing: 'Queuing' } }] },
  ['io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationSpec']: {
    unions: [{ discriminator: 'type', fieldsToDiscriminateBy: { exempt: 'Exempt', limited: 'Limited' } }],
  },
  ['io.k8s.api.flowcontrol.v1.Subject']: {
    unions: [{ discriminator: 'kind', fieldsToDiscriminateBy: { group: 'Group', serviceAccount: 'ServiceAccount', user: 'User' } }],
  },
  ['io.k8s.api.flowcontrol.v1.FlowSchemaStatus']: { fields: { conditions } },
  ['io.k8s.api.flowcontrol.v1.NonResourcePolicyRule']: { fields: { nonResourceURLs: set, verbs: set } },
  ['io.k8s.api.flowcontrol.v1.PolicyRulesWithSubjects']: { fields: { nonResourceRules: atomic, resourceRules: atomic, subjects: atomic } },
  ['io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationStatus']: { fields: { conditions } },
  ['io.k8s.api.flowcontrol.v1.ResourcePolicyRule']: { fields: { apiGroups: set, namespaces: set, resources: set, verbs: set } },
  ['io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceSpec']: { fields: { caBundle: atomic } },
  ['io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceStatus']: { fields: { conditions } },
  ['io.k8s.api.policy.v1.PodDisruptionBudgetSpec']: { fields: { selector: { patchStrategy: 'replace' } } },
  ['io.k8s.api.policy.v1.PodDisruptionBudgetStatus']: { fields: { conditions } },
  // ---- admissionregistration.k8s.io/v1
  ['io.k8s.api.admissionregistration.v1.MatchResources']: { ...atomicStruct, fields: { excludeResourceRules: atomic, resourceRules: atomic } },
  ['io.k8s.api.admissionregistration.v1.MutatingWebhook']: { fields: { admissionReviewVersions: atomic, matchConditions: mergeMap('name'), rules: atomic } },
  ['io.k8s.api.admissionregistration.v1.ValidatingWebhook']: { fields: { admissionReviewVersions: atomic, matchConditions: mergeMap('name'), rules: atomic } },
  ['io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration']: { fields: { webhooks: mergeMap('name') } },
  ['io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration']: { fields: { webhooks: mergeMap('name') } },
  ['io.k8s.api.admissionregistration.v1.NamedRuleWithOperations']: {
    ...atomicStruct,
    fields: { apiGroups: atomic, apiVersions: atomic, operations: atomic, resourceNames: atomic, resources: atomic },
  },
  ['io.k8s.api.admissionregistration.v1.RuleWithOperations']: { fields: { apiGroups: atomic, apiVersions: atomic, operations: atomic, resources: atomic } },
  ['io.k8s.api.admissionregistration.v1.TypeChecking']: { fields: { expressionWarnings: atomic } },
  ['io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec']: { fields: { validationActions: set } },
  ['io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicySpec']: {
    fields: { auditAnnotations: atomic, matchConditions: mergeMap('name'), validations: atomic, variables: mergeMap('name') },
  },
  ['io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyStatus']: { fields: { conditions: mapList('type') } },
  ['io.k8s.api.admissionregistration.v1.ParamKind']: atomicStruct,
  ['io.k8s.api.admissionregistration.v1.ParamRef']: atomicStruct,
  ['io.k8s.api.admissionregistration.v1.Variable']: atomicStruct,
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

  // ---- resource.k8s.io/v1
  ...resourceFacts('io.k8s.api.resource.v1.'),

  // ---- networking.k8s.io/v1
  ['io.k8s.api.networking.v1.HTTPIngressRuleValue']: { fields: { paths: atomic } },
  ['io.k8s.api.networking.v1.IPBlock']: { fields: { except: atomic } },
  ['io.k8s.api.networking.v1.IngressLoadBalancerIngress']: { fields: { ports: atomic } },
  ['io.k8s.api.networking.v1.IngressLoadBalancerStatus']: { fields: { ingress: atomic } },
  ['io.k8s.api.networking.v1.IngressSpec']: { fields: { rules: atomic, tls: atomic } },
  ['io.k8s.api.networking.v1.IngressTLS']: { fields: { hosts: atomic } },
  ['io.k8s.api.networking.v1.NetworkPolicyEgressRule']: { fields: { ports: atomic, to: atomic } },
  ['io.k8s.api.networking.v1.NetworkPolicyIngressRule']: { fields: { from: atomic, ports: atomic } },
  ['io.k8s.api.networking.v1.NetworkPolicySpec']: { fields: { egress: atomic, ingress: atomic, policyTypes: atomic } },
  ['io.k8s.api.networking.v1.ServiceBackendPort']: atomicStruct,
  ['io.k8s.api.networking.v1.ServiceCIDRSpec']: { fields: { cidrs: atomic } },
  ['io.k8s.api.networking.v1.ServiceCIDRStatus']: { fields: { conditions } },

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
// `kubectl explain` would print `<no description>` for them. These are upstream's field comments (the
// doc comments of k8s.io/api's types.go, as kube-apiserver 1.35 serves them), word for word; a field
// whose current upstream text was not at hand stays without a description rather than paraphrased.

const CONVENTIONS = 'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md';
const OBJECT_METADATA = `Standard object's metadata. More info: ${CONVENTIONS}#metadata`;
const LIST_METADATA = `Standard list metadata. More info: ${CONVENTIONS}#types-kinds`;
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

const SPEC_AND_STATUS = `More info: ${CONVENTIONS}#spec-and-status`;
const METADATA_INFO = `More info: ${CONVENTIONS}#metadata`;
const LABEL_SELECTORS = 'More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors';
const JOBS_DOCS = 'More info: https://kubernetes.io/docs/concepts/workloads/controllers/jobs-run-to-completion/';
const SCHEDULING = 'io.k8s.api.scheduling.v1.';
const STORAGE = 'io.k8s.api.storage.v1.';
const NETWORKING = 'io.k8s.api.networking.v1.';

// autoscaling/v2 metric sources and statuses share their field comments.
const METRIC_ID = 'metric identifies the target metric by name and selector';
const METRIC_TARGET = 'target specifies the target value for the given metric';
const METRIC_CURRENT = 'current contains the current value for the given metric';
const PODS_SOURCE_DOC = ' (such as those specified in requests and limits) known to Kubernetes describing';
const BUILT_IN_METRICS =
  'Such metrics are built in to Kubernetes, and have special scaling options on top of those available to normal per-pod metrics using the "pods" source.';
const metricFields = (containerResource: string): Record<string, string> => ({
  object: 'object refers to a metric describing a single kubernetes object (for example, hits-per-second on an Ingress object).',
  pods: 'pods refers to a metric describing each pod in the current scale target (for example, transactions-processed-per-second).  The values will be averaged together before being compared to the target value.',
  resource: `resource refers to a resource metric${PODS_SOURCE_DOC} each pod in the current scale target (e.g. CPU or memory). ${BUILT_IN_METRICS}`,
  containerResource,
  external:
    'external refers to a global metric that is not associated with any Kubernetes object. It allows autoscaling based on information coming from components running outside of cluster (for example length of queue in cloud messaging service, or QPS from loadbalancer running outside of cluster).',
});

const OPAQUE = 'Opaque provides driver-specific configuration parameters.';
const CAPACITY_REQUIREMENTS =
  "Capacity define resource requirements against each capacity.\n\nIf this field is unset and the device supports multiple allocations, the default value will be applied to each capacity according to requestPolicy. For the capacity that has no requestPolicy, default is the full capacity value.\n\nApplies to each device allocation. If Count > 1, the request fails if there aren't enough devices that meet the requirements. If AllocationMode is set to All, the request fails if there are devices that otherwise match the request, and have this capacity, with a value >= the requested amount, but which cannot be allocated to this request.";

/** resource.k8s.io descriptions the client's models leave out (one version's package prefix). */
function resourceDescriptions(pkg: string): Record<string, Record<string, string>> {
  const objectMeta = { metadata: 'Standard object metadata' };
  const listMeta = { metadata: 'Standard list metadata' };
  return {
    [`${pkg}AllocatedDeviceStatus`]: { networkData: 'NetworkData contains network-related information specific to the device.' },
    [`${pkg}AllocationResult`]: {
      devices: 'Devices is the result of allocating devices.',
      nodeSelector: 'NodeSelector defines where the allocated resources are available. If unset, they are available everywhere.',
    },
    [`${pkg}DeviceAllocationConfiguration`]: { opaque: OPAQUE },
    [`${pkg}DeviceClaimConfiguration`]: { opaque: OPAQUE },
    [`${pkg}DeviceClassConfiguration`]: { opaque: OPAQUE },
    [`${pkg}DeviceClass`]: {
      ...objectMeta,
      spec: 'Spec defines what can be allocated and how to configure it.\n\nThis is mutable. Consumers have to be prepared for classes changing at any time, either because they get updated or replaced. Claim allocations are done once based on whatever was set in classes at the time of allocation.\n\nChanging the spec automatically increments the metadata.generation number.',
    },
    [`${pkg}DeviceClassList`]: listMeta,
    [`${pkg}DeviceSelector`]: { cel: 'CEL contains a CEL expression for selecting a device.' },
    [`${pkg}DeviceSubRequest`]: { capacity: CAPACITY_REQUIREMENTS },
    [`${pkg}ExactDeviceRequest`]: { capacity: CAPACITY_REQUIREMENTS },
    [`${pkg}Device`]: {
      nodeSelector:
        'NodeSelector defines the nodes where the device is available.\n\nMust use exactly one term.\n\nMust only be set if Spec.PerDeviceNodeSelection is set to true. At most one of NodeName, NodeSelector and AllNodes can be set.',
    },
    [`${pkg}ResourceClaim`]: {
      ...objectMeta,
      spec: 'Spec describes what is being requested and how to configure it. The spec is immutable.',
      status: 'Status describes whether the claim is ready to use and what has been allocated.',
    },
    [`${pkg}ResourceClaimSpec`]: { devices: 'Devices defines how to request devices.' },
    [`${pkg}DeviceRequest`]: {
      exactly: 'Exactly specifies the details for a single request that must be met exactly for the request to be satisfied.\n\nOne of Exactly or FirstAvailable must be set.',
    },
    [`${pkg}ResourceClaimList`]: listMeta,
    [`${pkg}ResourceClaimStatus`]: { allocation: 'Allocation is set once the claim has been allocated successfully.' },
    [`${pkg}ResourceClaimTemplate`]: {
      ...objectMeta,
      spec: 'Describes the ResourceClaim that is to be generated.\n\nThis field is immutable. A ResourceClaim will get created by the control plane for a Pod when needed and then not get updated anymore.',
    },
    [`${pkg}ResourceClaimTemplateList`]: listMeta,
    [`${pkg}ResourceClaimTemplateSpec`]: {
      metadata:
        'ObjectMeta may contain labels and annotations that will be copied into the ResourceClaim when creating it. No other fields are allowed and will be rejected during validation.',
      spec: 'Spec for the ResourceClaim. The entire content is copied unchanged into the ResourceClaim that gets created from this template. The same fields as in a ResourceClaim are also valid here.',
    },
    [`${pkg}ResourceSlice`]: {
      ...objectMeta,
      spec: 'Contains the information published by the driver.\n\nChanging the spec automatically increments the metadata.generation number.',
    },
    [`${pkg}ResourceSliceList`]: listMeta,
    [`${pkg}ResourceSliceSpec`]: {
      pool: 'Pool describes the pool that this ResourceSlice belongs to.',
      nodeSelector:
        'NodeSelector defines which nodes have access to the resources in the pool, when that pool is not limited to a single node.\n\nMust use exactly one term.\n\nExactly one of NodeName, NodeSelector, AllNodes, and PerDeviceNodeSelection must be set.',
    },
  };
}

export const FIELD_DESCRIPTIONS: Record<string, Record<string, string>> = {
  // ---- core/v1
  [`${CORE}Affinity`]: {
    nodeAffinity: 'Describes node affinity scheduling rules for the pod.',
    podAffinity: 'Describes pod affinity scheduling rules (e.g. co-locate this pod in the same node, zone, etc. as some other pod(s)).',
    podAntiAffinity: 'Describes pod anti-affinity scheduling rules (e.g. avoid putting this pod in the same node, zone, etc. as some other pod(s)).',
  },
  [`${CORE}Binding`]: {
    target: 'The target object that you want to bind to the standard object.',
  },
  [`${CORE}CSIPersistentVolumeSource`]: {
    controllerPublishSecretRef: 'controllerPublishSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI ControllerPublishVolume and ControllerUnpublishVolume calls. This field is optional, and may be empty if no secret is required. If the secret object contains more than one secret, all secrets are passed.',
    nodeStageSecretRef: 'nodeStageSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI NodeStageVolume and NodeStageVolume and NodeUnstageVolume calls. This field is optional, and may be empty if no secret is required. If the secret object contains more than one secret, all secrets are passed.',
    nodePublishSecretRef: 'nodePublishSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI NodePublishVolume and NodeUnpublishVolume calls. This field is optional, and may be empty if no secret is required. If the secret object contains more than one secret, all secrets are passed.',
    controllerExpandSecretRef: 'controllerExpandSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI ControllerExpandVolume call. This field is optional, and may be empty if no secret is required. If the secret object contains more than one secret, all secrets are passed.',
    nodeExpandSecretRef: 'nodeExpandSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI NodeExpandVolume call. This field is optional, may be omitted if no secret is required. If the secret object contains more than one secret, all secrets are passed.',
  },
  [`${CORE}CSIVolumeSource`]: {
    nodePublishSecretRef: 'nodePublishSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI NodePublishVolume and NodeUnpublishVolume calls. This field is optional, and  may be empty if no secret is required. If the secret object contains more than one secret, all secret references are passed.',
  },
  [`${CORE}CephFSPersistentVolumeSource`]: {
    secretRef: 'secretRef is Optional: SecretRef is reference to the authentication secret for User, default is empty. More info: https://examples.k8s.io/volumes/cephfs/README.md#how-to-use-it',
  },
  [`${CORE}CephFSVolumeSource`]: {
    secretRef: 'secretRef is Optional: SecretRef is reference to the authentication secret for User, default is empty. More info: https://examples.k8s.io/volumes/cephfs/README.md#how-to-use-it',
  },
  [`${CORE}CinderPersistentVolumeSource`]: {
    secretRef: 'secretRef is Optional: points to a secret object containing parameters used to connect to OpenStack.',
  },
  [`${CORE}CinderVolumeSource`]: {
    secretRef: 'secretRef is optional: points to a secret object containing parameters used to connect to OpenStack.',
  },
  [`${CORE}ClusterTrustBundleProjection`]: {
    labelSelector: 'Select all ClusterTrustBundles that match this label selector.  Only has effect if signerName is set.  Mutually-exclusive with name.  If unset, interpreted as "match nothing".  If set but empty, interpreted as "match everything".',
  },
  [`${CORE}ConfigMapList`]: {
    metadata: 'More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  },
  [`${CORE}Container`]: containerRefFields,
  [`${CORE}ContainerState`]: {
    waiting: 'Details about a waiting container',
    running: 'Details about a running container',
    terminated: 'Details about a terminated container',
  },
  [`${CORE}ContainerStatus`]: {
    state: "State holds details about the container's current condition.",
    lastState: 'LastTerminationState holds the last termination state of the container to help debug container crashes and restarts. This field is not populated if the container is still running and RestartCount is 0.',
    resources: 'Resources represents the compute resource requests and limits that have been successfully enacted on the running container after it has been started or has been successfully resized.',
  },
  [`${CORE}DownwardAPIVolumeFile`]: {
    resourceFieldRef: 'Selects a resource of the container: only resources limits and requests (limits.cpu, limits.memory, requests.cpu and requests.memory) are currently supported.',
  },
  [`${CORE}EndpointAddress`]: {
    targetRef: 'Reference to object providing the endpoint.',
  },
  [`${CORE}EnvFromSource`]: {
    configMapRef: 'The ConfigMap to select from',
    secretRef: 'The Secret to select from',
  },
  [`${CORE}EnvVar`]: {
    valueFrom: "Source for the environment variable's value. Cannot be used if value is not empty.",
  },
  [`${CORE}EnvVarSource`]: {
    fieldRef: "Selects a field of the pod: supports metadata.name, metadata.namespace, `metadata.labels['<KEY>']`, `metadata.annotations['<KEY>']`, spec.nodeName, spec.serviceAccountName, status.hostIP, status.podIP, status.podIPs.",
    resourceFieldRef: 'Selects a resource of the container: only resources limits and requests (limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, requests.memory and requests.ephemeral-storage) are currently supported.',
    configMapKeyRef: 'Selects a key of a ConfigMap.',
    secretKeyRef: "Selects a key of a secret in the pod's namespace",
  },
  [`${CORE}EphemeralContainer`]: {
    ...containerRefFields,
    lifecycle: 'Lifecycle is not allowed for ephemeral containers.',
    livenessProbe: 'Probes are not allowed for ephemeral containers.',
    readinessProbe: 'Probes are not allowed for ephemeral containers.',
    startupProbe: 'Probes are not allowed for ephemeral containers.',
    resources: 'Resources are not allowed for ephemeral containers. Ephemeral containers use spare resources already allocated to the pod.',
    securityContext: 'Optional: SecurityContext defines the security options the ephemeral container should be run with. If set, the fields of SecurityContext override the equivalent fields of PodSecurityContext.',
  },
  [`${CORE}EphemeralVolumeSource`]: {
    volumeClaimTemplate: 'Will be used to create a stand-alone PVC to provision the volume. The pod in which this EphemeralVolumeSource is embedded will be the owner of the PVC, i.e. the PVC will be deleted together with the pod.  The name of the PVC will be `<pod name>-<volume name>` where `<volume name>` is the name from the `PodSpec.Volumes` array entry. Pod validation will reject the pod if the concatenated name is not valid for a PVC (for example, too long).\n\nAn existing PVC with that name that is not owned by the pod will *not* be used for the pod to avoid using an unrelated volume by mistake. Starting the pod is then blocked until the unrelated PVC is removed. If such a pre-created PVC is meant to be used by the pod, the PVC has to updated with an owner reference to the pod once the pod exists. Normally this should not be necessary, but it may be useful when manually reconstructing a broken cluster.\n\nThis field is read-only and no changes will be made by Kubernetes to the PVC after it has been created.\n\nRequired, must not be nil.',
  },
  [`${CORE}Event`]: {
    involvedObject: 'The object that this event is about.',
    related: 'Optional secondary object for more complex actions.',
    series: "Data about the Event series this event represents or nil if it's a singleton Event.",
    source: 'The component reporting this event. Should be a short machine understandable string.',
  },
  [`${CORE}FlexPersistentVolumeSource`]: {
    secretRef: 'secretRef is Optional: SecretRef is reference to the secret object containing sensitive information to pass to the plugin scripts. This may be empty if no secret object is specified. If the secret object contains more than one secret, all secrets are passed to the plugin scripts.',
  },
  [`${CORE}FlexVolumeSource`]: {
    secretRef: 'secretRef is Optional: secretRef is reference to the secret object containing sensitive information to pass to the plugin scripts. This may be empty if no secret object is specified. If the secret object contains more than one secret, all secrets are passed to the plugin scripts.',
  },
  [`${CORE}ISCSIPersistentVolumeSource`]: {
    secretRef: 'secretRef is the CHAP Secret for iSCSI target and initiator authentication',
  },
  [`${CORE}ISCSIVolumeSource`]: {
    secretRef: 'secretRef is the CHAP Secret for iSCSI target and initiator authentication',
  },
  [`${CORE}Lifecycle`]: {
    postStart: 'PostStart is called immediately after a container is created. If the handler fails, the container is terminated and restarted according to its restart policy. Other management of the container blocks until the hook completes. More info: https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#container-hooks',
    preStop: "PreStop is called immediately before a container is terminated due to an API request or management event such as liveness/startup probe failure, preemption, resource contention, etc. The handler is not called if the container crashes or exits. The Pod's termination grace period countdown begins before the PreStop hook is executed. Regardless of the outcome of the handler, the container will eventually terminate within the Pod's termination grace period (unless delayed by finalizers). Other management of the container blocks until the hook completes or until the termination grace period is reached. More info: https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#container-hooks",
  },
  [`${CORE}LifecycleHandler`]: {
    ...handlerFields,
    sleep: 'Sleep represents a duration that the container should sleep.',
  },
  [`${CORE}LimitRange`]: {
    spec: 'Spec defines the limits enforced. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
  },
  [`${CORE}Namespace`]: {
    spec: 'Spec defines the behavior of the Namespace. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
    status: 'Status describes the current status of a Namespace. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
  },
  [`${CORE}Node`]: {
    spec: 'Spec defines the behavior of a node. https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
    status: 'Most recently observed status of the node. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
  },
  [`${CORE}NodeAffinity`]: {
    requiredDuringSchedulingIgnoredDuringExecution: 'If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node. If the affinity requirements specified by this field cease to be met at some point during pod execution (e.g. due to an update), the system may or may not try to eventually evict the pod from its node.',
  },
  [`${CORE}NodeConfigSource`]: {
    configMap: "ConfigMap is a reference to a Node's ConfigMap",
  },
  [`${CORE}NodeConfigStatus`]: {
    assigned: 'Assigned reports the checkpointed config the node will try to use. When Node.Spec.ConfigSource is updated, the node checkpoints the associated config payload to local disk, along with a record indicating intended config. The node refers to this record to choose its config checkpoint, and reports this record in Assigned. Assigned only updates in the status after the record has been checkpointed to disk. When the Kubelet is restarted, it tries to make the Assigned config the Active config by loading and validating the checkpointed payload identified by Assigned.',
    active: 'Active reports the checkpointed config the node is actively using. Active will represent either the current version of the Assigned config, or the current LastKnownGood config, depending on whether attempting to use the Assigned config results in an error.',
    lastKnownGood: "LastKnownGood reports the checkpointed config the node will fall back to when it encounters an error attempting to use the Assigned config. The Assigned config becomes the LastKnownGood config when the node determines that the Assigned config is stable and correct. This is currently implemented as a 10-minute soak period starting when the local record of Assigned config is updated. If the Assigned config is Active at the end of this period, it becomes the LastKnownGood. Note that if Spec.ConfigSource is reset to nil (use local defaults), the LastKnownGood is also immediately reset to nil, because the local default config is always assumed good. You should not make assumptions about the node's method of determining config stability and correctness, as this may change or become configurable in the future.",
  },
  [`${CORE}NodeDaemonEndpoints`]: {
    kubeletEndpoint: 'Endpoint on which Kubelet is listening.',
  },
  [`${CORE}NodeSpec`]: {
    configSource: "Deprecated: Previously used to specify the source of the node's configuration for the DynamicKubeletConfig feature. This feature is removed.",
  },
  [`${CORE}NodeStatus`]: {
    daemonEndpoints: 'Endpoints of daemons running on the Node.',
    config: 'Status of the config assigned to the node via the dynamic Kubelet config feature.',
  },
  [`${CORE}PersistentVolume`]: {
    spec: 'spec defines a specification of a persistent volume owned by the cluster. Provisioned by an administrator. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistent-volumes',
    status: 'status represents the current information/status for the persistent volume. Populated by the system. Read-only. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistent-volumes',
  },
  [`${CORE}PersistentVolumeClaim`]: {
    spec: 'spec defines the desired characteristics of a volume requested by a pod author. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims',
    status: 'status represents the current information/status of a persistent volume claim. Read-only. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims',
  },
  [`${CORE}PersistentVolumeClaimSpec`]: {
    selector: 'selector is a label query over volumes to consider for binding.',
    dataSource: 'dataSource field can be used to specify either: * An existing VolumeSnapshot object (snapshot.storage.k8s.io/VolumeSnapshot) * An existing PVC (PersistentVolumeClaim) If the provisioner or an external controller can support the specified data source, it will create a new volume based on the contents of the specified data source. When the AnyVolumeDataSource feature gate is enabled, dataSource contents will be copied to dataSourceRef, and dataSourceRef contents will be copied to dataSource when dataSourceRef.namespace is not specified. If the namespace is specified, then dataSourceRef will not be copied to dataSource.',
  },
  [`${CORE}PersistentVolumeClaimTemplate`]: {
    metadata: 'May contain labels and annotations that will be copied into the PVC when creating it. No other fields are allowed and will be rejected during validation.',
    spec: 'The specification for the PersistentVolumeClaim. The entire content is copied unchanged into the PVC that gets created from this template. The same fields as in a PersistentVolumeClaim are also valid here.',
  },
  [`${CORE}PersistentVolumeSpec`]: {
    claimRef: 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding',
    local: 'local represents directly-attached storage with node affinity',
    hostPath: 'hostPath represents a directory on the host. Provisioned by a developer or tester. This is useful for single-node development and testing only! On-host storage is not supported in any way and WILL NOT WORK in a multi-node cluster. More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath',
    nfs: 'nfs represents an NFS mount on the host. Provisioned by an admin. More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs',
    csi: 'csi represents storage that is handled by an external CSI driver.',
    iscsi: "iscsi represents an ISCSI Disk resource that is attached to a kubelet's host machine and then exposed to the pod. Provisioned by an admin.",
    fc: "fc represents a Fibre Channel resource that is attached to a kubelet's host machine and then exposed to the pod.",
    awsElasticBlockStore: "awsElasticBlockStore represents an AWS Disk resource that is attached to a kubelet's host machine and then exposed to the pod. Deprecated: AWSElasticBlockStore is deprecated. All operations for the in-tree awsElasticBlockStore type are redirected to the ebs.csi.aws.com CSI driver. More info: https://kubernetes.io/docs/concepts/storage/volumes#awselasticblockstore",
    azureDisk: 'azureDisk represents an Azure Data Disk mount on the host and bind mount to the pod. Deprecated: AzureDisk is deprecated. All operations for the in-tree azureDisk type are redirected to the disk.csi.azure.com CSI driver.',
    azureFile: 'azureFile represents an Azure File Service mount on the host and bind mount to the pod. Deprecated: AzureFile is deprecated. All operations for the in-tree azureFile type are redirected to the file.csi.azure.com CSI driver.',
    cephfs: "cephFS represents a Ceph FS mount on the host that shares a pod's lifetime. Deprecated: CephFS is deprecated and the in-tree cephfs type is no longer supported.",
    cinder: 'cinder represents a cinder volume attached and mounted on kubelets host machine. Deprecated: Cinder is deprecated. All operations for the in-tree cinder type are redirected to the cinder.csi.openstack.org CSI driver. More info: https://examples.k8s.io/mysql-cinder-pd/README.md',
    flexVolume: 'flexVolume represents a generic volume resource that is provisioned/attached using an exec based plugin. Deprecated: FlexVolume is deprecated. Consider using a CSIDriver instead.',
    flocker: "flocker represents a Flocker volume attached to a kubelet's host machine and exposed to the pod for its usage. This depends on the Flocker control service being running. Deprecated: Flocker is deprecated and the in-tree flocker type is no longer supported.",
    gcePersistentDisk: "gcePersistentDisk represents a GCE Disk resource that is attached to a kubelet's host machine and then exposed to the pod. Provisioned by an admin. Deprecated: GCEPersistentDisk is deprecated. All operations for the in-tree gcePersistentDisk type are redirected to the pd.csi.storage.gke.io CSI driver. More info: https://kubernetes.io/docs/concepts/storage/volumes#gcepersistentdisk",
    glusterfs: 'glusterfs represents a Glusterfs volume that is attached to a host and exposed to the pod. Provisioned by an admin. Deprecated: Glusterfs is deprecated and the in-tree glusterfs type is no longer supported. More info: https://examples.k8s.io/volumes/glusterfs/README.md',
    photonPersistentDisk: 'photonPersistentDisk represents a PhotonController persistent disk attached and mounted on kubelets host machine. Deprecated: PhotonPersistentDisk is deprecated and the in-tree photonPersistentDisk type is no longer supported.',
    quobyte: "quobyte represents a Quobyte mount on the host that shares a pod's lifetime. Deprecated: Quobyte is deprecated and the in-tree quobyte type is no longer supported.",
    rbd: "rbd represents a Rados Block Device mount on the host that shares a pod's lifetime. Deprecated: RBD is deprecated and the in-tree rbd type is no longer supported. More info: https://examples.k8s.io/volumes/rbd/README.md",
    scaleIO: 'scaleIO represents a ScaleIO persistent volume attached and mounted on Kubernetes nodes. Deprecated: ScaleIO is deprecated and the in-tree scaleIO type is no longer supported.',
    storageos: "storageOS represents a StorageOS volume that is attached to the kubelet's host machine and mounted into the pod. Deprecated: StorageOS is deprecated and the in-tree storageos type is no longer supported. More info: https://examples.k8s.io/volumes/storageos/README.md",
    vsphereVolume: 'vsphereVolume represents a vSphere volume attached and mounted on kubelets host machine. Deprecated: VsphereVolume is deprecated. All operations for the in-tree vsphereVolume type are redirected to the csi.vsphere.vmware.com CSI driver.',
  },
  [`${CORE}Pod`]: {
    spec: 'Specification of the desired behavior of the pod. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
    status: 'Most recently observed status of the pod. This data may not be up to date. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
  },
  [`${CORE}PodAffinityTerm`]: {
    labelSelector: "A label query over a set of resources, in this case pods. If it's null, this PodAffinityTerm matches with no Pods.",
    namespaceSelector: "A label query over the set of namespaces that the term applies to. The term is applied to the union of the namespaces selected by this field and the ones listed in the namespaces field. null selector and null or empty namespaces list means \"this pod's namespace\". An empty selector ({}) matches all namespaces.",
  },
  [`${CORE}PodSecurityContext`]: {
    seLinuxOptions: 'The SELinux context to be applied to all containers. If unspecified, the container runtime will allocate a random SELinux context for each container.  May also be set in SecurityContext.  If set in both SecurityContext and PodSecurityContext, the value specified in SecurityContext takes precedence for that container. Note that this field cannot be set when spec.os.name is windows.',
    windowsOptions: "The Windows specific settings applied to all containers. If unspecified, the options within a container's SecurityContext will be used. If set in both SecurityContext and PodSecurityContext, the value specified in SecurityContext takes precedence. Note that this field cannot be set when spec.os.name is linux.",
    seccompProfile: 'The seccomp options to use by the containers in this pod. Note that this field cannot be set when spec.os.name is windows.',
  },
  [`${CORE}PodSpec`]: {
    affinity: "If specified, the pod's scheduling constraints",
    dnsConfig: 'Specifies the DNS parameters of a pod. Parameters specified here will be merged to the generated DNS configuration based on DNSPolicy.',
    os: 'Specifies the OS of the containers in the pod.',
    resources: 'Resources is the total amount of CPU and Memory resources required by all containers in the pod.',
    securityContext: 'SecurityContext holds pod-level security attributes and common container settings. Optional: Defaults to empty.  See type description for default values of each field.',
  },
  [`${CORE}PodTemplate`]: {
    template: 'Template defines the pods that will be created from this pod template. https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
  },
  [`${CORE}PodTemplateSpec`]: {
    spec: 'Specification of the desired behavior of the pod. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
  },
  [`${CORE}PreferredSchedulingTerm`]: {
    preference: 'A node selector term, associated with the corresponding weight.',
  },
  [`${CORE}Probe`]: {
    ...handlerFields,
    grpc: 'GRPC specifies a GRPC HealthCheckRequest.',
  },
  [`${CORE}RBDPersistentVolumeSource`]: {
    secretRef: 'secretRef is name of the authentication secret for RBDUser. If provided overrides keyring. Default is nil. More info: https://examples.k8s.io/volumes/rbd/README.md#how-to-use-it',
  },
  [`${CORE}RBDVolumeSource`]: {
    secretRef: 'secretRef is name of the authentication secret for RBDUser. If provided overrides keyring. Default is nil. More info: https://examples.k8s.io/volumes/rbd/README.md#how-to-use-it',
  },
  [`${CORE}ReplicationController`]: {
    metadata: "If the Labels of a ReplicationController are empty, they are defaulted to be the same as the Pod(s) that the replication controller manages. Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
    spec: 'Spec defines the specification of the desired behavior of the replication controller. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
    status: 'Status is the most recently observed status of the replication controller. This data may be out of date by some window of time. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
  },
  [`${CORE}ReplicationControllerSpec`]: {
    template: 'Template is the object that describes the pod that will be created if insufficient replicas are detected. This takes precedence over a TemplateRef. The only allowed template.spec.restartPolicy value is "Always". More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#pod-template',
  },
  [`${CORE}ResourceQuota`]: {
    spec: 'Spec defines the desired quota. https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
    status: 'Status defines the actual enforced quota and its current usage. https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
  },
  [`${CORE}ResourceQuotaSpec`]: {
    scopeSelector: 'scopeSelector is also a collection of filters like scopes that must match each object tracked by a quota but expressed using ScopeSelectorOperator in combination with possible values. For a resource to match, both scopes AND scopeSelector (if specified in spec), must be matched.',
  },
  [`${CORE}ScaleIOPersistentVolumeSource`]: {
    secretRef: 'secretRef references to the secret for ScaleIO user and other sensitive information. If this is not provided, Login operation will fail.',
  },
  [`${CORE}ScaleIOVolumeSource`]: {
    secretRef: 'secretRef references to the secret for ScaleIO user and other sensitive information. If this is not provided, Login operation will fail.',
  },
  [`${CORE}SecurityContext`]: {
    capabilities: 'The capabilities to add/drop when running containers. Defaults to the default set of capabilities granted by the container runtime. Note that this field cannot be set when spec.os.name is windows.',
    seLinuxOptions: 'The SELinux context to be applied to the container. If unspecified, the container runtime will allocate a random SELinux context for each container.  May also be set in PodSecurityContext.  If set in both SecurityContext and PodSecurityContext, the value specified in SecurityContext takes precedence. Note that this field cannot be set when spec.os.name is windows.',
    windowsOptions: 'The Windows specific settings applied to all containers. If unspecified, the options from the PodSecurityContext will be used. If set in both SecurityContext and PodSecurityContext, the value specified in SecurityContext takes precedence. Note that this field cannot be set when spec.os.name is linux.',
    seccompProfile: 'The seccomp options to use by this container. If seccomp options are provided at both the pod & container level, the container options override the pod options. Note that this field cannot be set when spec.os.name is windows.',
  },
  [`${CORE}Service`]: {
    spec: 'Spec defines the behavior of a service. https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
    status: 'Most recently observed status of the service. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
  },
  [`${CORE}ServiceSpec`]: {
    sessionAffinityConfig: 'sessionAffinityConfig contains the configurations of session affinity.',
  },
  [`${CORE}ServiceStatus`]: {
    loadBalancer: 'LoadBalancer contains the current status of the load-balancer, if one is present.',
  },
  [`${CORE}SessionAffinityConfig`]: {
    clientIP: 'clientIP contains the configurations of Client IP based session affinity.',
  },
  [`${CORE}StorageOSPersistentVolumeSource`]: {
    secretRef: 'secretRef specifies the secret to use for obtaining the StorageOS API credentials.  If not specified, default values will be attempted.',
  },
  [`${CORE}StorageOSVolumeSource`]: {
    secretRef: 'secretRef specifies the secret to use for obtaining the StorageOS API credentials.  If not specified, default values will be attempted.',
  },
  [`${CORE}TopologySpreadConstraint`]: {
    labelSelector: 'LabelSelector is used to find matching pods. Pods that match this label selector are counted to determine the number of pods in their corresponding topology domain.',
  },
  [`${CORE}Volume`]: {
    hostPath: 'hostPath represents a pre-existing file or directory on the host machine that is directly exposed to the container. This is generally used for system agents or other privileged things that are allowed to see the host machine. Most containers will NOT need this. More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath',
    emptyDir: "emptyDir represents a temporary directory that shares a pod's lifetime. More info: https://kubernetes.io/docs/concepts/storage/volumes#emptydir",
    secret: 'secret represents a secret that should populate this volume. More info: https://kubernetes.io/docs/concepts/storage/volumes#secret',
    nfs: "nfs represents an NFS mount on the host that shares a pod's lifetime More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs",
    iscsi: "iscsi represents an ISCSI Disk resource that is attached to a kubelet's host machine and then exposed to the pod. More info: https://kubernetes.io/docs/concepts/storage/volumes/#iscsi",
    persistentVolumeClaim: 'persistentVolumeClaimVolumeSource represents a reference to a PersistentVolumeClaim in the same namespace. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims',
    downwardAPI: 'downwardAPI represents downward API about the pod that should populate this volume',
    fc: "fc represents a Fibre Channel resource that is attached to a kubelet's host machine and then exposed to the pod.",
    configMap: 'configMap represents a configMap that should populate this volume',
    projected: 'projected items for all in one resources secrets, configmaps, and downward API',
    csi: 'csi (Container Storage Interface) represents ephemeral storage that is handled by certain external CSI drivers.',
    ephemeral: "ephemeral represents a volume that is handled by a cluster storage driver. The volume's lifecycle is tied to the pod that defines it - it will be created before the pod starts, and deleted when the pod is removed.\n\nUse this if: a) the volume is only needed while the pod runs, b) features of normal volumes like restoring from snapshot or capacity\n   tracking are needed,\nc) the storage driver is specified through a storage class, and d) the storage driver supports dynamic volume provisioning through\n   a PersistentVolumeClaim (see EphemeralVolumeSource for more\n   information on the connection between this volume type\n   and PersistentVolumeClaim).\n\nUse PersistentVolumeClaim or one of the vendor-specific APIs for volumes that persist for longer than the lifecycle of an individual pod.\n\nUse CSI for light-weight local ephemeral volumes if the CSI driver is meant to be used that way - see the documentation of the driver for more information.\n\nA pod can use both types of ephemeral volumes and persistent volumes at the same time.",
    awsElasticBlockStore: "awsElasticBlockStore represents an AWS Disk resource that is attached to a kubelet's host machine and then exposed to the pod. Deprecated: AWSElasticBlockStore is deprecated. All operations for the in-tree awsElasticBlockStore type are redirected to the ebs.csi.aws.com CSI driver. More info: https://kubernetes.io/docs/concepts/storage/volumes#awselasticblockstore",
    azureDisk: 'azureDisk represents an Azure Data Disk mount on the host and bind mount to the pod. Deprecated: AzureDisk is deprecated. All operations for the in-tree azureDisk type are redirected to the disk.csi.azure.com CSI driver.',
    azureFile: 'azureFile represents an Azure File Service mount on the host and bind mount to the pod. Deprecated: AzureFile is deprecated. All operations for the in-tree azureFile type are redirected to the file.csi.azure.com CSI driver.',
    cephfs: "cephFS represents a Ceph FS mount on the host that shares a pod's lifetime. Deprecated: CephFS is deprecated and the in-tree cephfs type is no longer supported.",
    cinder: 'cinder represents a cinder volume attached and mounted on kubelets host machine. Deprecated: Cinder is deprecated. All operations for the in-tree cinder type are redirected to the cinder.csi.openstack.org CSI driver. More info: https://examples.k8s.io/mysql-cinder-pd/README.md',
    flexVolume: 'flexVolume represents a generic volume resource that is provisioned/attached using an exec based plugin. Deprecated: FlexVolume is deprecated. Consider using a CSIDriver instead.',
    flocker: "flocker represents a Flocker volume attached to a kubelet's host machine. This depends on the Flocker control service being running. Deprecated: Flocker is deprecated and the in-tree flocker type is no longer supported.",
    gcePersistentDisk: "gcePersistentDisk represents a GCE Disk resource that is attached to a kubelet's host machine and then exposed to the pod. Deprecated: GCEPersistentDisk is deprecated. All operations for the in-tree gcePersistentDisk type are redirected to the pd.csi.storage.gke.io CSI driver. More info: https://kubernetes.io/docs/concepts/storage/volumes#gcepersistentdisk",
    gitRepo: "gitRepo represents a git repository at a particular revision. Deprecated: GitRepo is deprecated. To provision a container with a git repo, mount an EmptyDir into an InitContainer that clones the repo using git, then mount the EmptyDir into the Pod's container.",
    glusterfs: "glusterfs represents a Glusterfs mount on the host that shares a pod's lifetime. Deprecated: Glusterfs is deprecated and the in-tree glusterfs type is no longer supported.",
    photonPersistentDisk: 'photonPersistentDisk represents a PhotonController persistent disk attached and mounted on kubelets host machine. Deprecated: PhotonPersistentDisk is deprecated and the in-tree photonPersistentDisk type is no longer supported.',
    quobyte: "quobyte represents a Quobyte mount on the host that shares a pod's lifetime. Deprecated: Quobyte is deprecated and the in-tree quobyte type is no longer supported.",
    rbd: "rbd represents a Rados Block Device mount on the host that shares a pod's lifetime. Deprecated: RBD is deprecated and the in-tree rbd type is no longer supported.",
    scaleIO: 'scaleIO represents a ScaleIO persistent volume attached and mounted on Kubernetes nodes. Deprecated: ScaleIO is deprecated and the in-tree scaleIO type is no longer supported.',
    storageos: 'storageOS represents a StorageOS volume attached and mounted on Kubernetes nodes. Deprecated: StorageOS is deprecated and the in-tree storageos type is no longer supported.',
    vsphereVolume: 'vsphereVolume represents a vSphere volume attached and mounted on kubelets host machine. Deprecated: VsphereVolume is deprecated. All operations for the in-tree vsphereVolume type are redirected to the csi.vsphere.vmware.com CSI driver.',
  },
  [`${CORE}VolumeNodeAffinity`]: {
    required: 'required specifies hard node constraints that must be met.',
  },
  [`${CORE}VolumeProjection`]: {
    secret: 'secret information about the secret data to project',
    downwardAPI: 'downwardAPI information about the downwardAPI data to project',
    configMap: 'configMap information about the configMap data to project',
    serviceAccountToken: 'serviceAccountToken is information about the serviceAccountToken data to project',
  },
  [`${CORE}WeightedPodAffinityTerm`]: {
    podAffinityTerm: 'Required. A pod affinity term, associated with the corresponding weight.',
  },

  // ---- apps/v1
  [`${APPS}ControllerRevisionList`]: { metadata: METADATA_INFO },
  [`${APPS}Deployment`]: { spec: 'Specification of the desired behavior of the Deployment.', status: 'Most recently observed status of the Deployment.' },
  [`${APPS}DeploymentList`]: { metadata: 'Standard list metadata.' },
  [`${APPS}DeploymentSpec`]: {
    selector:
      "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.",
    strategy: 'The deployment strategy to use to replace existing pods with new ones.',
    template: 'Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is "Always".',
  },
  [`${APPS}DeploymentStrategy`]: { rollingUpdate: 'Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate.' },
  [`${APPS}ReplicaSet`]: {
    metadata: `If the Labels of a ReplicaSet are empty, they are defaulted to be the same as the Pod(s) that the ReplicaSet manages. Standard object's metadata. ${METADATA_INFO}`,
    spec: `Spec defines the specification of the desired behavior of the ReplicaSet. ${SPEC_AND_STATUS}`,
    status: `Status is the most recently observed status of the ReplicaSet. This data may be out of date by some window of time. Populated by the system. Read-only. ${SPEC_AND_STATUS}`,
  },
  [`${APPS}ReplicaSetSpec`]: {
    selector: `Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. ${LABEL_SELECTORS}`,
    template:
      'Template is the object that describes the pod that will be created if insufficient replicas are detected. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#pod-template',
  },
  [`${APPS}StatefulSet`]: {
    spec: 'Spec defines the desired identities of pods in this set.',
    status: 'Status is the current status of Pods in this StatefulSet. This data may be out of date by some window of time.',
  },
  [`${APPS}StatefulSetList`]: { metadata: `Standard list's metadata. ${METADATA_INFO}` },
  [`${APPS}StatefulSetSpec`]: {
    selector: `selector is a label query over pods that should match the replica count. It must match the pod template's labels. ${LABEL_SELECTORS}`,
    template:
      'template is the object that describes the pod that will be created if insufficient replicas are detected. Each pod stamped out by the StatefulSet will fulfill this Template, but have a unique identity from the rest of the StatefulSet. Each pod will be named with the format <statefulsetname>-<podindex>. For example, a pod in a StatefulSet named "web" with index number "3" would be named "web-3". The only allowed template.spec.restartPolicy value is "Always".',
    updateStrategy: 'updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template.',
    persistentVolumeClaimRetentionPolicy:
      'persistentVolumeClaimRetentionPolicy describes the lifecycle of persistent volume claims created from volumeClaimTemplates. By default, all persistent volume claims are created as needed and retained until manually deleted. This policy allows the lifecycle to be altered, for example by deleting persistent volume claims when their stateful set is deleted, or when their pod is scaled down.',
    ordinals:
      'ordinals controls the numbering of replica indices in a StatefulSet. The default ordinals behavior assigns a "0" index to the first replica and increments the index by one for each additional replica requested.',
  },
  [`${APPS}StatefulSetUpdateStrategy`]: {
    rollingUpdate: 'RollingUpdate is used to communicate parameters when Type is RollingUpdateStatefulSetStrategyType.',
  },
  [`${APPS}DaemonSet`]: {
    spec: `The desired behavior of this daemon set. ${SPEC_AND_STATUS}`,
    status: `The current status of this daemon set. This data may be out of date by some window of time. Populated by the system. Read-only. ${SPEC_AND_STATUS}`,
  },
  [`${APPS}DaemonSetList`]: { metadata: `Standard list metadata. ${METADATA_INFO}` },
  [`${APPS}DaemonSetSpec`]: {
    selector: `A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. ${LABEL_SELECTORS}`,
    template:
      'An object that describes the pod that will be created. The DaemonSet will create exactly one copy of this pod on every node that matches the template\'s node selector (or on every node if no node selector is specified). The only allowed template.spec.restartPolicy value is "Always". More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#pod-template',
    updateStrategy: 'An update strategy to replace existing DaemonSet pods with new pods.',
  },
  [`${APPS}DaemonSetUpdateStrategy`]: { rollingUpdate: 'Rolling update config params. Present only if type = "RollingUpdate".' },

  // ---- batch/v1
  [`${BATCH}Job`]: {
    spec: `Specification of the desired behavior of a job. ${SPEC_AND_STATUS}`,
    status: `Current status of a job. ${SPEC_AND_STATUS}`,
  },
  [`${BATCH}JobList`]: { metadata: `Standard list metadata. ${METADATA_INFO}` },
  [`${BATCH}JobSpec`]: {
    selector: `A label query over pods that should match the pod count. Normally, the system sets this field for you. ${LABEL_SELECTORS}`,
    template: `Describes the pod that will be created when executing a job. The only allowed template.spec.restartPolicy values are "Never" or "OnFailure". ${JOBS_DOCS}`,
    podFailurePolicy:
      "Specifies the policy of handling failed pods. In particular, it allows to specify the set of actions and conditions which need to be satisfied to take the associated action. If empty, the default behaviour applies - the counter of failed pods, represented by the jobs's .status.failed field, is incremented and it is checked against the backoffLimit. This field cannot be used in combination with restartPolicy=OnFailure.",
    successPolicy:
      'successPolicy specifies the policy when the Job can be declared as succeeded. If empty, the default behavior applies - the Job is declared as succeeded only when the number of succeeded pods equals to the completions. When the field is specified, it must be immutable and works only for the Indexed Jobs. Once the Job meets the SuccessPolicy, the lingering pods are terminated.',
  },
  [`${BATCH}JobStatus`]: {
    uncountedTerminatedPods:
      "uncountedTerminatedPods holds the UIDs of Pods that have terminated but the job controller hasn't yet accounted for in the status counters.\n\nThe job controller creates pods with a finalizer. When a pod terminates (succeeded or failed), the controller does three steps to account for it in the job status:\n\n1. Add the pod UID to the arrays in this field. 2. Remove the pod finalizer. 3. Remove the pod UID from the arrays while increasing the corresponding\n    counter.\n\nOld jobs might not be tracked using this field, in which case the field remains null. The structure is empty for finished jobs.",
  },
  [`${BATCH}PodFailurePolicyRule`]: { onExitCodes: 'Represents the requirement on the container exit codes.' },
  [`${BATCH}CronJob`]: {
    spec: `Specification of the desired behavior of a cron job, including the schedule. ${SPEC_AND_STATUS}`,
    status: `Current status of a cron job. ${SPEC_AND_STATUS}`,
  },
  [`${BATCH}CronJobList`]: { metadata: `Standard list metadata. ${METADATA_INFO}` },
  [`${BATCH}CronJobSpec`]: { jobTemplate: 'Specifies the job that will be created when executing a CronJob.' },
  [`${BATCH}JobTemplateSpec`]: {
    metadata: `Standard object's metadata of the jobs created from this template. ${METADATA_INFO}`,
    spec: `Specification of the desired behavior of the job. ${SPEC_AND_STATUS}`,
  },

  // ---- autoscaling/v1
  [`${AUTOSCALING}HorizontalPodAutoscaler`]: {
    metadata: `Standard object metadata. ${METADATA_INFO}`,
    spec: `spec defines the behaviour of autoscaler. ${SPEC_AND_STATUS}.`,
    status: 'status is the current information about the autoscaler.',
  },
  [`${AUTOSCALING}HorizontalPodAutoscalerList`]: { metadata: 'Standard list metadata.' },
  [`${AUTOSCALING}HorizontalPodAutoscalerSpec`]: {
    scaleTargetRef:
      'reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.',
  },
  [`${AUTOSCALING}Scale`]: {
    metadata: `Standard object metadata; ${METADATA_INFO}.`,
    spec: `spec defines the behavior of the scale. ${SPEC_AND_STATUS}.`,
    status: `status is the current status of the scale. ${SPEC_AND_STATUS}. Read-only.`,
  },

  // ---- autoscaling/v2
  [`${AUTOSCALING_V2}HorizontalPodAutoscaler`]: {
    metadata: `metadata is the standard object metadata. ${METADATA_INFO}`,
    spec: `spec is the specification for the behaviour of the autoscaler. ${SPEC_AND_STATUS}.`,
    status: 'status is the current information about the autoscaler.',
  },
  [`${AUTOSCALING_V2}HorizontalPodAutoscalerList`]: { metadata: 'metadata is the standard list metadata.' },
  [`${AUTOSCALING_V2}HorizontalPodAutoscalerSpec`]: {
    scaleTargetRef:
      'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.',
    behavior:
      'behavior configures the scaling behavior of the target in both Up and Down directions (scaleUp and scaleDown fields respectively). If not set, the default HPAScalingRules for scale up and scale down are used.',
  },
  [`${AUTOSCALING_V2}HorizontalPodAutoscalerBehavior`]: {
    scaleUp:
      'scaleUp is scaling policy for scaling Up. If not set, the default value is the higher of:\n  * increase no more than 4 pods per 60 seconds\n  * double the number of pods per 60 seconds\nNo stabilization is used.',
    scaleDown:
      'scaleDown is scaling policy for scaling Down. If not set, the default value is to allow to scale down to minReplicas pods, with a 300 second stabilization window (i.e., the highest recommendation for the last 300sec is used).',
  },
  [`${AUTOSCALING_V2}MetricIdentifier`]: {
    selector:
      'selector is the string-encoded form of a standard kubernetes label selector for the given metric When set, it is passed as an additional parameter to the metrics server for more specific metrics scoping. When unset, just the metricName will be used to gather metrics.',
  },
  [`${AUTOSCALING_V2}MetricSpec`]: metricFields(
    `containerResource refers to a resource metric${PODS_SOURCE_DOC} a single container in each pod of the current scale target (e.g. CPU or memory). ${BUILT_IN_METRICS}`,
  ),
  [`${AUTOSCALING_V2}MetricStatus`]: metricFields(
    `container resource refers to a resource metric${PODS_SOURCE_DOC} a single container in each pod in the current scale target (e.g. CPU or memory). ${BUILT_IN_METRICS}`,
  ),
  [`${AUTOSCALING_V2}ObjectMetricSource`]: {
    describedObject: 'describedObject specifies the descriptions of a object,such as kind,name apiVersion',
    target: METRIC_TARGET,
    metric: METRIC_ID,
  },
  [`${AUTOSCALING_V2}ObjectMetricStatus`]: {
    metric: METRIC_ID,
    current: METRIC_CURRENT,
    describedObject: 'DescribedObject specifies the descriptions of a object,such as kind,name apiVersion',
  },
  [`${AUTOSCALING_V2}PodsMetricSource`]: { metric: METRIC_ID, target: METRIC_TARGET },
  [`${AUTOSCALING_V2}PodsMetricStatus`]: { metric: METRIC_ID, current: METRIC_CURRENT },
  [`${AUTOSCALING_V2}ResourceMetricSource`]: { target: METRIC_TARGET },
  [`${AUTOSCALING_V2}ResourceMetricStatus`]: { current: METRIC_CURRENT },
  [`${AUTOSCALING_V2}ContainerResourceMetricSource`]: { target: METRIC_TARGET },
  [`${AUTOSCALING_V2}ContainerResourceMetricStatus`]: { current: METRIC_CURRENT },
  [`${AUTOSCALING_V2}ExternalMetricSource`]: { metric: METRIC_ID, target: METRIC_TARGET },
  [`${AUTOSCALING_V2}ExternalMetricStatus`]: { metric: METRIC_ID, current: METRIC_CURRENT },

  // ---- coordination.k8s.io/v1, discovery.k8s.io/v1, events.k8s.io/v1, scheduling.k8s.io/v1, storage.k8s.io/v1
  [`${COORDINATION}Lease`]: { metadata: METADATA_INFO, spec: `spec contains the specification of the Lease. ${SPEC_AND_STATUS}` },
  [`${COORDINATION}LeaseList`]: { metadata: `Standard list metadata. ${METADATA_INFO}` },
  [`${DISCOVERY}Endpoint`]: {
    conditions: 'conditions contains information about the current status of the endpoint.',
    targetRef: 'targetRef is a reference to a Kubernetes object that represents this endpoint.',
    hints: 'hints contains information associated with how an endpoint should be consumed.',
  },
  [`${DISCOVERY}EndpointSlice`]: { metadata: "Standard object's metadata." },
  [`${DISCOVERY}EndpointSliceList`]: { metadata: 'Standard list metadata.' },
  [`${EVENTS}Event`]: {
    regarding:
      "regarding contains the object this Event is about. In most cases it's an Object reporting controller implements, e.g. ReplicaSetController implements ReplicaSets and this event is emitted because it acts on some changes in a ReplicaSet object.",
    related: 'related is the optional secondary object for more complex actions. E.g. when regarding object triggers a creation or deletion of related object.',
    series: "series is data about the Event series this event represents or nil if it's a singleton Event.",
    deprecatedSource: 'deprecatedSource is the deprecated field assuring backward compatibility with core.v1 Event type.',
  },
  [`${EVENTS}EventList`]: { metadata: `Standard list metadata. ${METADATA_INFO}` },
  [`${SCHEDULING}PriorityClassList`]: { metadata: `Standard list metadata ${METADATA_INFO}` },
  [`${STORAGE}StorageClassList`]: { metadata: `Standard list metadata ${METADATA_INFO}` },

  // ---- networking.k8s.io/v1
  [`${NETWORKING}Ingress`]: {
    spec: `spec is the desired state of the Ingress. ${SPEC_AND_STATUS}`,
    status: `status is the current state of the Ingress. ${SPEC_AND_STATUS}`,
  },
  [`${NETWORKING}IngressClass`]: {
    spec: `spec is the desired state of the IngressClass. ${SPEC_AND_STATUS}`,
  },
  [`${NETWORKING}NetworkPolicy`]: {
    spec: `spec represents the specification of the desired behavior for this NetworkPolicy.`,
  },
  [`${NETWORKING}IPAddress`]: {
    spec: `spec is the desired state of the IPAddress. ${SPEC_AND_STATUS}`,
  },
  [`${NETWORKING}ServiceCIDR`]: {
    spec: `spec is the desired state of the ServiceCIDR. ${SPEC_AND_STATUS}`,
    status: `status represents the current state of the ServiceCIDR. ${SPEC_AND_STATUS}`,
  },
  [`${NETWORKING}IngressSpec`]: {
    defaultBackend: `defaultBackend is the backend that should handle requests that don't match any rule. If Rules are not specified, DefaultBackend must be specified. If DefaultBackend is not set, the handling of requests that do not match any of the rules will be up to the Ingress controller.`,
  },
  [`${NETWORKING}IngressBackend`]: {
    resource: `resource is an ObjectRef to another Kubernetes resource in the namespace of the Ingress object. If resource is specified, a service.Name and service.Port must not be specified. This is a mutually exclusive setting with "Service".`,
    service: `service references a service as a backend. This is a mutually exclusive setting with "Resource".`,
  },
  [`${NETWORKING}HTTPIngressPath`]: {
    backend: `backend defines the referenced service endpoint to which the traffic will be forwarded to.`,
  },
  [`${NETWORKING}IngressServiceBackend`]: {
    port: `port of the referenced service. A port name or port number is required for a IngressServiceBackend.`,
  },
  [`${NETWORKING}IngressStatus`]: {
    loadBalancer: `loadBalancer contains the current status of the load-balancer.`,
  },
  [`${NETWORKING}IngressClassSpec`]: {
    parameters: `parameters is a link to a custom resource containing additional configuration for the controller. This is optional if the controller does not require extra parameters.`,
  },
  [`${NETWORKING}NetworkPolicySpec`]: {
    podSelector: `podSelector selects the pods to which this NetworkPolicy object applies. The array of rules is applied to any pods selected by this field. An empty selector matches all pods in the policy's namespace. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is optional. If it is not specified, it defaults to an empty selector.`,
  },
  [`${NETWORKING}NetworkPolicyPeer`]: {
    ipBlock: `ipBlock defines policy on a particular IPBlock. If this field is set then neither of the other fields can be.`,
    namespaceSelector: `namespaceSelector selects namespaces using cluster-scoped labels. This field follows standard label selector semantics; if present but empty, it selects all namespaces.\n\nIf podSelector is also set, then the NetworkPolicyPeer as a whole selects the pods matching podSelector in the namespaces selected by namespaceSelector. Otherwise it selects all pods in the namespaces selected by namespaceSelector.`,
    podSelector: `podSelector is a label selector which selects pods. This field follows standard label selector semantics; if present but empty, it selects all pods.\n\nIf namespaceSelector is also set, then the NetworkPolicyPeer as a whole selects the pods matching podSelector in the Namespaces selected by NamespaceSelector. Otherwise it selects the pods matching podSelector in the policy's own namespace.`,
  },
  [`${NETWORKING}IPAddressSpec`]: {
    parentRef: `ParentRef references the resource that an IPAddress is attached to. An IPAddress must reference a parent object.`,
  },
  [`${NETWORKING}IngressClassList`]: {
    metadata: `Standard list metadata.`,
  },
  [`${NETWORKING}NetworkPolicyList`]: {
    metadata: `Standard list metadata. ${METADATA_INFO}`,
  },

  // ---- rbac.authorization.k8s.io/v1
  ['io.k8s.api.rbac.v1.ClusterRole']: {
    metadata: `Standard object's metadata.`,
    aggregationRule:
      'AggregationRule is an optional field that describes how to build the Rules for this ClusterRole. If AggregationRule is set, then the Rules are controller managed and direct changes to Rules will be stomped by the controller.',
  },
  ['io.k8s.api.rbac.v1.ClusterRoleBinding']: {
    metadata: `Standard object's metadata.`,
    roleRef:
      'RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.',
  },
  ['io.k8s.api.rbac.v1.Role']: { metadata: `Standard object's metadata.` },
  ['io.k8s.api.rbac.v1.RoleBinding']: {
    metadata: `Standard object's metadata.`,
    roleRef:
      'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.',
  },
  // Upstream's list types in this group say "object's" too.
  ['io.k8s.api.rbac.v1.ClusterRoleBindingList']: { metadata: `Standard object's metadata.` },
  ['io.k8s.api.rbac.v1.ClusterRoleList']: { metadata: `Standard object's metadata.` },
  ['io.k8s.api.rbac.v1.RoleBindingList']: { metadata: `Standard object's metadata.` },
  ['io.k8s.api.rbac.v1.RoleList']: { metadata: `Standard object's metadata.` },
  // ---- resource.k8s.io/v1 (fields typed by another model, and texts newer than the client's)
  ...resourceDescriptions('io.k8s.api.resource.v1.'),
  // ---- authorization.k8s.io/v1
  ['io.k8s.api.authorization.v1.LocalSubjectAccessReview']: {
    metadata: `Standard list metadata. ${METADATA_INFO}`,
    spec: 'Spec holds information about the request being evaluated.  spec.namespace must be equal to the namespace you made the request against.  If empty, it is defaulted.',
    status: 'Status is filled in by the server and indicates whether the request is allowed or not',
  },
  ['io.k8s.api.authorization.v1.SubjectAccessReview']: {
    metadata: `Standard list metadata. ${METADATA_INFO}`,
    spec: 'Spec holds information about the request being evaluated',
    status: 'Status is filled in by the server and indicates whether the request is allowed or not',
  },
  ['io.k8s.api.authorization.v1.ResourceAttributes']: {
    fieldSelector: 'fieldSelector describes the limitation on access based on field.  It can only limit access, not broaden it.',
    labelSelector: 'labelSelector describes the limitation on access based on labels.  It can only limit access, not broaden it.',
  },
  ['io.k8s.api.authorization.v1.SubjectAccessReviewSpec']: {
    nonResourceAttributes: 'NonResourceAttributes describes information for a non-resource access request',
    resourceAttributes: 'ResourceAuthorizationAttributes describes information for a resource access request',
  },

  // ---- meta/v1
  [`${META}APIGroup`]: { preferredVersion: 'preferredVersion is the version preferred by the API server, which probably is the storage version.' },
  [`${META}Status`]: {
    details:
      'Extended data associated with the reason.  Each reason may define its own extended details. This field is optional and the data returned is not guaranteed to conform to any schema except that defined by the reason type.',
  },
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
