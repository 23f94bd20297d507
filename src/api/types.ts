// The object model shared by every layer. Objects stay plain JSON: the server never needs typed
// access beyond metadata, and strategies read the few spec/status fields they care about.

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
  selfLink?: string;
  [extra: string]: unknown;
}

/** Any Kubernetes object as JSON. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export type Scope = 'Namespaced' | 'Cluster';

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** How a subresource answers: the same kind as its parent (status) or another kind (scale). */
export interface SubresourceDecl {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: Verb[];
  /** Answers a text stream, not an object (pods/log): these query parameters, a string body. */
  textStream?: { params: string[] };
}

/** One served resource: everything discovery, routing and storage need to know about it. */
export interface ResourceDecl {
  group: string; // '' for core
  version: string;
  resource: string; // plural, e.g. 'pods'
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: Verb[];
  subresources: SubresourceDecl[];
  /** etcd key segment under the prefix; upstream keeps a few historic names (minions, services/specs). */
  etcdResource: string;
  /** DELETE answers with the deleted object instead of a Status (upstream's ReturnDeletedObject). */
  returnDeletedObject: boolean;
  /**
   * Served from a CustomResourceDefinition rather than built in: objects are unstructured (pruned,
   * defaulted and validated by the CRD's schema), and strategic merge patch is refused as upstream does.
   */
  custom?: boolean;
}

export function groupVersion(d: { group: string; version: string }): string {
  return d.group === '' ? d.version : `${d.group}/${d.version}`;
}

/** "pods" for core, "deployments.apps" otherwise: the resource name used in error messages. */
export function qualifiedResource(d: { group: string; resource: string }): string {
  return d.group === '' ? d.resource : `${d.resource}.${d.group}`;
}

/** "Pod" for core, "Deployment.apps" otherwise: the kind name used in Invalid errors. */
export function qualifiedKind(d: { group: string; kind: string }): string {
  return d.group === '' ? d.kind : `${d.kind}.${d.group}`;
}
