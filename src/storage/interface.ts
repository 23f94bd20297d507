// The storage seam of the registry: keys in, objects out, revisions as resourceVersions.
// The etcd implementation (etcd/store.ts) is the only code in Wheelhouse that talks to etcd.
import type { KObject } from '../api/types.ts';

/** Reinitializing: a watch cache lost etcd and is listing again; it answers nothing until it has. */
export type StorageErrorCode = 'KeyNotFound' | 'KeyExists' | 'Conflict' | 'Compacted' | 'Unreachable' | 'Reinitializing' | 'RequestTooLarge';

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    readonly key: string,
    message: string,
    /** For Compacted: the oldest revision still available. */
    readonly compactRevision = 0,
  ) {
    super(message);
  }
}

export interface ListOptions {
  /** Max items per page (0 = everything, still read from etcd in bounded pages). */
  limit?: number;
  /** Continue from this key (inclusive), relative to nothing: a full etcd key. */
  startKey?: string;
  /** Read at this revision (0 = newest). */
  revision?: number;
  /** Keep only objects passing this filter; pages fill up to `limit` matches. */
  filter?: (obj: KObject) => boolean;
}

export interface ListResult {
  items: KObject[];
  /** The revision of the snapshot the items come from. */
  revision: number;
  /** Key to continue from when more items remain. */
  nextKey?: string;
  /** Items remaining after this page, when known (no filter). */
  remaining?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StorageEvent {
  type: WatchEventType;
  key: string;
  /** The object after the event; for DELETED the last state, stamped with the delete revision. */
  obj: KObject;
  /** The object before the event (for MODIFIED and DELETED). */
  prev?: KObject;
  revision: number;
}

export interface StorageWatch {
  close(): void;
}

export interface WatchHandlers {
  /** Events of one etcd response, in revision order. */
  onEvents(events: StorageEvent[], revision: number): void;
  /** The revision the stream has reached even without events (progress notifications). */
  onProgress?(revision: number): void;
  onError(err: StorageError | Error): void;
}

export interface Storage {
  readonly prefix: string;
  get(key: string): Promise<KObject | null>;
  list(prefix: string, opts: ListOptions): Promise<ListResult>;
  count(prefix: string): Promise<number>;
  /** Create; fails with KeyExists when the key is taken. Returns the stored object with its resourceVersion. */
  create(key: string, obj: KObject): Promise<KObject>;
  /**
   * Compare-and-swap update: writes only if the key's mod_revision still equals `expectedRevision`.
   * Fails with Conflict otherwise, KeyNotFound if the key is gone.
   */
  update(key: string, obj: KObject, expectedRevision: number): Promise<KObject>;
  /** Delete, optionally only at an expected revision. Returns the last state stamped with the delete revision. */
  delete(key: string, expectedRevision?: number): Promise<KObject>;
  watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Promise<StorageWatch>;
  currentRevision(): Promise<number>;
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}
