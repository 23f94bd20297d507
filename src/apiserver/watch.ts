// Watch streaming: newline-delimited JSON events over a chunked response, in plain JSON or as Tables.
import type { Response } from 'express';
import type { Status } from '../api/errors.ts';
import type { KObject } from '../api/types.ts';
import type { Strategy } from '../registry/strategy.ts';
import type { WatchSink } from '../registry/watch-sink.ts';
import type { WatchEventType } from '../storage/interface.ts';
import { toTable, type IncludeObject } from './table.ts';

/** A client that stops reading gets cut off once this much is buffered, as upstream drops slow watchers. */
const MAX_BUFFERED = 32 * 1024 * 1024;

export interface StreamOptions {
  kind: string;
  apiVersion: string;
  table?: { version: 'v1' | 'v1beta1'; includeObject: IncludeObject; strategy: Strategy };
  onEnd: () => void;
}

export class HttpWatchSink implements WatchSink {
  private ended = false;
  private sentHeaders = false;
  /** Headers go out with the first event, so errors before it can still be plain HTTP errors. */
  started = false;

  constructor(
    private readonly res: Response,
    private readonly opts: StreamOptions,
  ) {}

  start(): void {
    if (this.started || this.ended) return;
    this.started = true;
    this.res.status(200);
    this.res.setHeader('Content-Type', 'application/json');
    this.res.setHeader('Cache-Control', 'no-cache, private');
    this.res.flushHeaders();
  }

  private write(line: string): boolean {
    if (this.ended) return false;
    this.start();
    this.res.write(line);
    return this.res.writableLength < MAX_BUFFERED;
  }

  event(type: WatchEventType, obj: KObject, json?: string): boolean {
    const t = this.opts.table;
    if (t) {
      const table = toTable(t.strategy, [obj], {
        version: t.version,
        includeObject: t.includeObject,
        noHeaders: this.sentHeaders,
      });
      this.sentHeaders = true;
      return this.write(`{"type":"${type}","object":${JSON.stringify(table)}}\n`);
    }
    return this.write(`{"type":"${type}","object":${json ?? JSON.stringify(obj)}}\n`);
  }

  bookmark(resourceVersion: string, initialEventsEnd: boolean): void {
    const metadata: Record<string, unknown> = { resourceVersion, creationTimestamp: null };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    const t = this.opts.table;
    const object = t
      ? { kind: 'Table', apiVersion: `meta.k8s.io/${t.version}`, metadata: { resourceVersion }, rows: [] }
      : { kind: this.opts.kind, apiVersion: this.opts.apiVersion, metadata };
    this.write(`{"type":"BOOKMARK","object":${JSON.stringify(object)}}\n`);
  }

  error(status: Status): void {
    this.write(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
    this.end();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.res.writableEnded) this.res.end();
    this.opts.onEnd();
  }

  get closed(): boolean {
    return this.ended;
  }
}
