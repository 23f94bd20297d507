// Status errors with kube-apiserver's exact messages (k8s.io/apimachinery/pkg/api/errors).
// Every layer throws StatusError; the HTTP boundary turns it into a Status body.
import { type FieldError, aggregateFieldErrors } from './field-errors.ts';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string; resourceVersion?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

/** Identifies a resource in error messages: group plus plural resource name. */
export interface GroupResource {
  group: string;
  resource: string;
}

export class StatusError extends Error {
  readonly status: Status;
  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason };
    // StatusReasonUnknown is the empty string, which Go omits.
    if (reason === '') delete this.status.reason;
    if (details && Object.keys(details).length > 0) this.status.details = details;
    else if (details) this.status.details = {};
    this.status.code = code;
  }
  get code(): number {
    return this.status.code ?? 500;
  }
  get reason(): string {
    return this.status.reason ?? '';
  }
}

function qualified(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

function gdetails(gr: GroupResource, name: string): StatusDetails {
  const d: StatusDetails = { name };
  if (gr.group !== '') d.group = gr.group;
  d.kind = gr.resource;
  return d;
}

/** Go's %q for the strings that appear in messages (names are ASCII in practice). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

export function notFound(gr: GroupResource, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualified(gr)} ${goQuote(name)} not found`, gdetails(gr, name));
}

export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${qualified(gr)} ${goQuote(name)} already exists`, gdetails(gr, name));
}

export function generateNameConflict(gr: GroupResource, name: string, retryAfterSeconds: number): StatusError {
  const d = gdetails(gr, name);
  d.retryAfterSeconds = retryAfterSeconds;
  return new StatusError(
    409,
    'AlreadyExists',
    `${qualified(gr)} ${goQuote(name)} already exists, the server was not able to generate a unique name for the object`,
    d,
  );
}

export const OBJECT_MODIFIED =
  'the object has been modified; please apply your changes to the latest version and try again';

export function conflict(gr: GroupResource, name: string, inner: string): StatusError {
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(gr)} ${goQuote(name)}: ${inner}`,
    gdetails(gr, name),
  );
}

/** 422 Invalid; `qualifiedKind` is "Kind" or "Kind.group". */
export function invalid(qualifiedKind: string, name: string, errs: FieldError[]): StatusError {
  const dotted = qualifiedKind.indexOf('.');
  const kind = dotted < 0 ? qualifiedKind : qualifiedKind.slice(0, dotted);
  const group = dotted < 0 ? '' : qualifiedKind.slice(dotted + 1);
  const details: StatusDetails = { name };
  if (group) details.group = group;
  details.kind = kind;
  details.causes = errs.map((e) => ({ reason: e.type, message: e.bodyText(), field: e.field }));
  const agg = aggregateFieldErrors(errs);
  const msg = agg
    ? `${qualifiedKind} ${goQuote(name)} is invalid: ${agg}`
    : `${qualifiedKind} ${goQuote(name)} is invalid`;
  return new StatusError(422, 'Invalid', msg, details);
}

/** 403 Forbidden as admission and registries refuse: `pods "x" is forbidden: …` (no name: `pods is forbidden: …`). */
export function forbidden(gr: GroupResource, name: string, reason: string): StatusError {
  const subject = name ? `${qualified(gr)} ${goQuote(name)}` : qualified(gr);
  const details = gdetails(gr, name);
  if (!name) delete details.name;
  return new StatusError(403, 'Forbidden', `${subject} is forbidden: ${reason}`, details);
}

export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

export function methodNotAllowed(gr: GroupResource, action: string): StatusError {
  return new StatusError(405, 'MethodNotAllowed', `${action} is not supported on resources of kind ${goQuote(qualified(gr))}`, {
    ...(gr.group !== '' ? { group: gr.group } : {}),
    kind: gr.resource,
  });
}

export function expired(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

export function gone(message: string): StatusError {
  return new StatusError(410, 'Gone', message);
}

export function internalError(err: unknown): StatusError {
  const msg = err instanceof Error ? err.message : String(err);
  return new StatusError(500, 'InternalError', `Internal error occurred: ${msg}`, { causes: [{ message: msg }] });
}

/** NewTooManyRequests: try again after the given seconds (a watch cache re-initialising). */
export function tooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  return new StatusError(429, 'TooManyRequests', message, { retryAfterSeconds });
}

/** NewServerTimeout: the storage could not be reached in time (500 ServerTimeout, retry after the given seconds). */
export function serverTimeout(gr: GroupResource, operation: string, retryAfterSeconds: number): StatusError {
  return new StatusError(500, 'ServerTimeout', `The ${operation} operation against ${qualified(gr)} could not be completed at this time, please try again.`, {
    name: operation,
    ...(gr.group !== '' ? { group: gr.group } : {}),
    kind: gr.resource,
    retryAfterSeconds,
  });
}

export function timeout(message: string, retryAfterSeconds: number): StatusError {
  return new StatusError(504, 'Timeout', `Timeout: ${message}`, { retryAfterSeconds });
}

export function tooLargeResourceVersion(requested: number, current: number): StatusError {
  return new StatusError(504, 'Timeout', `Timeout: Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

export function unsupportedMediaType(accepted: string[]): StatusError {
  return new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function notAcceptable(accepted: string[]): StatusError {
  return new StatusError(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
}

export function pathNotFound(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function successStatus(details?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
  if (details) s.details = details;
  return s;
}

/** 413 RequestEntityTooLarge (NewRequestEntityTooLargeError): `Request entity too large: limit is 3145728`. */
export function requestEntityTooLarge(message: string): StatusError {
  return new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
}
