// The audit log (kube-apiserver --audit-log-path): one JSON line per request, upstream's audit.k8s.io/v1
// Event at the Metadata level — who asked what of which object, and the answer's code — written by a
// buffered file stream so the request path never waits for the disk.
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { NextFunction, Request, Response } from 'express';
import type { Status } from '../../api/errors.ts';
import { decodeProtobufRequestBody } from '../protobuf/decode.ts';
import type { Query } from '../query.ts';
import { isLongRunning, requestInfo, type RequestInfo } from './request-info.ts';

export type AuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

export interface AuditObjectRef {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: 'Metadata';
  auditID: string;
  stage: AuditStage;
  requestURI: string;
  verb: string;
  user: { username: string; groups: string[] };
  sourceIPs: string[];
  userAgent?: string;
  objectRef?: AuditObjectRef;
  responseStatus?: Partial<Omit<Status, 'kind' | 'apiVersion'>> & { metadata: Record<string, never> };
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

/** Who is asking: no authentication yet, so everyone is anonymous. */
const ANONYMOUS = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
/** No authorizer is enforced yet: every request is allowed, as with --authorization-mode=AlwaysAllow. */
const ALLOWED = { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' };

/** metav1.MicroTime's wire form: RFC 3339 in UTC with six fractional digits. */
export function microTime(epochMicros: number): string {
  const ms = Math.floor(epochMicros / 1000);
  const iso = new Date(ms).toISOString(); // 2006-01-02T15:04:05.000Z
  const micros = String(Math.floor(epochMicros) % 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 19)}.${micros}Z`;
}

function nowMicros(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}

/** utilnet.SourceIPs: X-Forwarded-For, then X-Real-Ip, then the peer, each once. */
export function sourceIPs(req: Pick<Request, 'headers' | 'socket'>): string[] {
  const out: string[] = [];
  const add = (ip: string | undefined) => {
    const v = ip?.trim().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
    if (v && !out.includes(v)) out.push(v);
  };
  const xff = req.headers['x-forwarded-for'];
  for (const part of (Array.isArray(xff) ? xff.join(',') : (xff ?? '')).split(',')) add(part);
  const real = req.headers['x-real-ip'];
  add(Array.isArray(real) ? real[0] : real);
  add(req.socket.remoteAddress);
  return out;
}

function objectRef(info: RequestInfo): AuditObjectRef | undefined {
  if (!info.isResourceRequest) return undefined;
  return setFields<AuditObjectRef, keyof AuditObjectRef>({}, info, ['resource', 'namespace', 'name', 'apiGroup', 'apiVersion', 'subresource']);
}

/** Copies the named fields that are set (Go's omitempty), in the order given. */
function setFields<T extends object, K extends keyof T>(into: T, from: Partial<Record<K, unknown>>, keys: readonly K[]): T {
  for (const k of keys) if (from[k]) into[k] = from[k] as T[K];
  return into;
}

/** The request body as an object, JSON or protobuf (what kubectl sends for built-in kinds). */
function decodedBody(body: unknown, contentType: string | undefined): unknown {
  if (!Buffer.isBuffer(body) || body.length === 0) return undefined;
  if (contentType?.includes('protobuf')) return decodeProtobufRequestBody(body);
  return body[0] === 0x7b ? JSON.parse(body.toString('utf8')) : undefined;
}

/** A create names its object in the body; upstream's LogRequestObject fills the reference in from it. */
function fillFromBody(ref: AuditObjectRef, body: unknown, contentType: string | undefined): void {
  try {
    const meta = (decodedBody(body, contentType) as { metadata?: Record<string, unknown> } | null | undefined)?.metadata;
    if (!meta || typeof meta !== 'object') return;
    for (const k of ['namespace', 'name', 'uid', 'resourceVersion'] as const) {
      const v = meta[k];
      if (!ref[k] && typeof v === 'string' && v) ref[k] = v;
    }
  } catch {
    // An unreadable body is the handler's to refuse; the event keeps what the URL says.
  }
}

const REF_FIELDS = ['resource', 'namespace', 'name', 'uid', 'apiGroup', 'apiVersion', 'resourceVersion', 'subresource'] as const;

/** The reference with its fields in upstream's order. */
function inOrder(ref: AuditObjectRef): AuditObjectRef {
  return setFields<AuditObjectRef, keyof AuditObjectRef>({}, ref, REF_FIELDS);
}

/** Status answers are copied into responseStatus (LogResponseObject); others carry only the code. */
function statusFromBody(chunk: unknown, res: Response): AuditEvent['responseStatus'] | undefined {
  const type = res.getHeader('content-type');
  if (typeof type !== 'string' || !type.startsWith('application/json')) return undefined;
  const text = Buffer.isBuffer(chunk) ? chunk.subarray(0, 16).toString('latin1') : typeof chunk === 'string' ? chunk.slice(0, 16) : '';
  if (!text.startsWith('{"kind":"Status"')) return undefined;
  try {
    const s = JSON.parse(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : (chunk as string)) as Status;
    return setFields<NonNullable<AuditEvent['responseStatus']>, 'status' | 'message' | 'reason' | 'details' | 'code'>({ metadata: {} }, s, ['status', 'message', 'reason', 'details', 'code']);
  } catch {
    return undefined;
  }
}

export interface AuditLogOptions {
  /** A file to append to, or `-` for standard output (as upstream). */
  path: string;
}

export class AuditLog {
  private readonly out: WriteStream | NodeJS.WriteStream;

  constructor(opts: AuditLogOptions) {
    this.out = opts.path === '-' ? process.stdout : createWriteStream(opts.path, { flags: 'a' });
    // A failing disk must not take the server down; upstream logs and drops the event too.
    this.out.on('error', (err) => console.error(`audit log: ${err.message}`));
  }

  private write(ev: AuditEvent): void {
    this.out.write(`${JSON.stringify(ev)}\n`);
  }

  /** The filter: every request gets an Audit-Id and, once answered, a ResponseComplete event. */
  middleware() {
    const log = (ev: AuditEvent) => this.write(ev);
    return (req: Request, res: Response, next: NextFunction): void => {
      const received = nowMicros();
      const headerID = req.get('audit-id');
      const auditID = headerID && headerID.trim() ? headerID.trim() : randomUUID();
      res.setHeader('Audit-Id', auditID);
      const info = requestInfo(req.method, req.path, req.query as Query);
      const longRunning = isLongRunning(info);
      let ref: AuditObjectRef | undefined;
      // Built field by field in upstream's order, so the lines read like kube-apiserver's.
      const event = (stage: AuditStage, responseStatus: NonNullable<AuditEvent['responseStatus']>): AuditEvent => {
        if (ref === undefined) {
          ref = objectRef(info);
          if (ref && (info.verb === 'create' || info.verb === 'update')) {
            fillFromBody(ref, req.body, req.get('content-type'));
            ref = inOrder(ref);
          }
        }
        const ua = req.get('user-agent');
        return {
          kind: 'Event',
          apiVersion: 'audit.k8s.io/v1',
          level: 'Metadata',
          auditID,
          stage,
          requestURI: req.originalUrl,
          verb: info.verb,
          user: ANONYMOUS,
          sourceIPs: sourceIPs(req),
          ...(ua ? { userAgent: ua } : {}),
          ...(ref ? { objectRef: ref } : {}),
          responseStatus,
          requestReceivedTimestamp: microTime(received),
          stageTimestamp: microTime(nowMicros()),
          annotations: ALLOWED,
        };
      };
      let status: AuditEvent['responseStatus'];
      const end = res.end;
      res.end = function (this: Response, ...args: unknown[]) {
        if (typeof args[0] !== 'function') status ??= statusFromBody(args[0], res);
        return (end as (...a: unknown[]) => Response).apply(this, args);
      } as Response['end'];
      if (longRunning) {
        const writeHead = res.writeHead;
        res.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
          log(event('ResponseStarted', { metadata: {}, code: typeof args[0] === 'number' ? args[0] : res.statusCode }));
          return writeHead.apply(this, args);
        } as Response['writeHead'];
      }
      let logged = false;
      const complete = () => {
        if (logged) return;
        logged = true;
        log(event('ResponseComplete', status ? { ...status, code: status.code ?? res.statusCode } : { metadata: {}, code: res.statusCode }));
      };
      res.once('finish', complete);
      res.once('close', complete);
      next();
    };
  }

  /** Flushes what is buffered and closes the file. */
  close(): Promise<void> {
    if (this.out === process.stdout) return Promise.resolve();
    const out = this.out as WriteStream;
    return new Promise((resolve) => out.end(() => resolve()));
  }
}
