// Request options as the registry sees them, already decoded from query strings or bodies.

export interface ListParams {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface WatchParams extends ListParams {
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** Who writes, for metadata.managedFields; in-process writes without one are the server's own. */
  fieldManager?: string;
  /** The object already carries the managed fields of a server-side apply: record no Update. */
  applied?: boolean;
  /** The subresource managed fields name when the store writes the main object for it (scale). */
  managedSubresource?: string;
}

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  orphanDependents?: boolean;
  preconditions?: Preconditions;
  dryRun?: boolean;
}
