// What differs per resource. The generic store (store.ts) does everything else, the way the
// generic registry of k8s.io/apiserver pairs one Store with a per-resource RESTStrategy.
import type { FieldError } from '../api/field-errors.ts';
import type { SchemaNode } from '../api/schema/types.ts';
import type { KObject } from '../api/types.ts';
import type { StorageCodec } from '../storage/converting.ts';
import type { DeleteOptions } from './options.ts';

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string; // 'name' for the Name column, '' otherwise
  description: string;
  priority: number; // 0 always shown, 1 only with -o wide
}

export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface TableRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
}

/** Which rule metadata.name must follow. */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path';

/** Where the scale subresource reads and writes a custom resource (CRD subresources.scale). */
export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** A subresource that writes one part of the object (pods/ephemeralcontainers, pods/resize). */
export interface SubresourceWrite {
  /** The object to store: the stored one with only this subresource's part taken from the request. */
  prepare(next: KObject, old: KObject): KObject;
  validate(next: KObject, old: KObject): FieldError[];
}

export interface Strategy {
  /**
   * The kind's schema when it is not a built-in one (custom resources, from their CRD); built-in kinds
   * are looked up with schemaForKind. Field validation, patches and managed fields read it.
   */
  schema?: SchemaNode;
  /** Set when the resource is stored in another shape than it is served (another API's storage version). */
  storageCodec?: StorageCodec;
  /**
   * Metadata is checked with apimachinery's generic rules only, as the apiextensions server does for
   * CRDs and custom resources: core's finalizer-name rule does not apply.
   */
  genericObjectMeta?: boolean;
  /** Name rule for metadata.name; upstream uses DNS-1123 subdomain unless the kind says otherwise. */
  nameRule?: NameRule;
  /** metadata.generation starts at 1 and is bumped on every change outside metadata and status. */
  tracksGeneration?: boolean;
  /** Defaulting on create (SetDefaults_* plus admission-style defaults such as pod tolerations). */
  prepareForCreate?(obj: KObject): void;
  /** Defaulting on update of the main resource; `old` is the stored object. */
  prepareForUpdate?(obj: KObject, old: KObject): void;
  /** Defaulting on a /status write, after the store has put back everything outside status. */
  prepareForStatusUpdate?(obj: KObject, old: KObject): void;
  /** Validation beyond object metadata (the store validates metadata for every kind). */
  validate?(obj: KObject): FieldError[];
  /** Checks on a /status write (custom resources validate their whole object against the schema). */
  validateStatusUpdate?(obj: KObject, old: KObject): FieldError[];
  /**
   * Unstructured kinds (custom resources): the paths of fields the schema does not declare, which
   * writes drop; the handlers report them as fieldValidation asks (`unknown field "spec.x"`).
   */
  unknownFields?(obj: KObject): string[];
  /** Scale subresource paths for kinds whose replicas are not at spec.replicas/status.replicas. */
  scale?: ScalePaths;
  /** Extra checks on update, such as immutable fields. */
  validateUpdate?(obj: KObject, old: KObject): FieldError[];
  /** Server-side printing: every column (default and wide) in upstream's order. */
  columns?: TableColumn[];
  /** One row's cells, matching `columns`; `now` is when the table is built (for AGE). */
  row?(obj: KObject, now: number): TableRow;
  /** Row order of a list's Table when upstream's list printer sorts (FlowSchemas by precedence); key order otherwise. */
  tableOrder?(objs: KObject[]): KObject[];
  /** Field selector keys beyond metadata.name and metadata.namespace, with how to read each. */
  fieldSelectors?: Record<string, (obj: KObject) => string>;
  /**
   * Graceful deletion: the grace period in seconds to honour before removal, or 0 to delete at once.
   * `requested` is DeleteOptions.gracePeriodSeconds when given.
   */
  gracePeriod?(obj: KObject, requested: number | undefined): number;
  /**
   * A resource with its own DELETE (namespaces: the first one only starts termination). It may mutate
   * the object it is given: 'update' writes it and stops there (not removed), 'keep' answers with the
   * stored object, undefined continues with the generic deletion.
   */
  beforeDelete?(obj: KObject, options: DeleteOptions): 'update' | 'keep' | undefined;
  /** Subresources beyond status that write part of the object, keyed by subresource name. */
  subresourceWrites?: Record<string, SubresourceWrite>;
  /** Adds to ShouldDeleteDuringUpdate (namespaces: spec.finalizers must be empty too). */
  canDeleteDuringUpdate?(obj: KObject): boolean;
}
