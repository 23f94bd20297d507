import type { Status } from '../api/errors.ts';
import type { KObject } from '../api/types.ts';
import type { WatchEventType } from '../storage/interface.ts';

/** Where a registry watch delivers its events; the HTTP layer encodes them for the client. */
export interface WatchSink {
  /** `json` is the object's JSON when already serialised (shared across watchers). Return false when the client is gone or too slow. */
  event(type: WatchEventType, obj: KObject, json?: string): boolean;
  bookmark(resourceVersion: string, initialEventsEnd: boolean): void;
  /** A terminal error event (e.g. 410 Expired); the stream ends after it. */
  error(status: Status): void;
  /** The server ended the watch (cache re-initialisation or shutdown). */
  end(): void;
}

export interface WatchHandle {
  stop(): void;
}
