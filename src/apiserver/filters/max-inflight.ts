// kube-apiserver's max-in-flight filter: at most N reads and M writes are served at once; one more is
// answered 429 at once with `Retry-After: 1`, so a flood slows its clients (client-go waits and retries)
// instead of queueing without bound in this process. This is the filter kube-apiserver runs with
// --enable-priority-and-fairness=false; APF's queues and flow schemas are not modelled. Long-running requests (watches, logs, exec, proxy)
// hold a connection for minutes and are not counted.
import type { NextFunction, Request, Response } from 'express';
import type { Query } from '../query.ts';
import { isLongRunning, isReadOnly, requestInfo } from './request-info.ts';

export const DEFAULT_MAX_REQUESTS_INFLIGHT = 400;
export const DEFAULT_MAX_MUTATING_REQUESTS_INFLIGHT = 200;

export interface MaxInFlightOptions {
  /** Reads served at once; 0 means no limit (upstream's --max-requests-inflight). */
  maxRequestsInFlight?: number;
  /** Writes served at once; 0 means no limit (upstream's --max-mutating-requests-inflight). */
  maxMutatingRequestsInFlight?: number;
}

export type RequestKind = 'readOnly' | 'mutating';

/** Where the counts go (apiserver_current_inflight_requests, apiserver_dropped_requests_total). */
export interface InFlightObserver {
  inFlight(kind: RequestKind, count: number): void;
  droppedRequest(kind: RequestKind): void;
}

/** Upstream answers with net/http's plain-text error, not a Status. */
export const TOO_MANY_REQUESTS_TEXT = 'Too many requests, please try again later.\n';

export function maxInFlight(opts: MaxInFlightOptions, observer?: InFlightObserver) {
  const limits: Record<RequestKind, number> = {
    readOnly: opts.maxRequestsInFlight ?? DEFAULT_MAX_REQUESTS_INFLIGHT,
    mutating: opts.maxMutatingRequestsInFlight ?? DEFAULT_MAX_MUTATING_REQUESTS_INFLIGHT,
  };
  const current: Record<RequestKind, number> = { readOnly: 0, mutating: 0 };
  return (req: Request, res: Response, next: NextFunction): void => {
    const info = requestInfo(req.method, req.path, req.query as Query);
    if (isLongRunning(info)) return next();
    const kind: RequestKind = isReadOnly(info) ? 'readOnly' : 'mutating';
    const limit = limits[kind];
    if (limit <= 0) return next();
    if (current[kind] >= limit) {
      observer?.droppedRequest(kind);
      res.statusCode = 429;
      res.setHeader('Retry-After', '1');
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.end(TOO_MANY_REQUESTS_TEXT);
      return;
    }
    current[kind]++;
    observer?.inFlight(kind, current[kind]);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      current[kind]--;
      observer?.inFlight(kind, current[kind]);
    };
    // 'close' also fires when the client goes away before an answer.
    res.once('finish', release);
    res.once('close', release);
    next();
  };
}
