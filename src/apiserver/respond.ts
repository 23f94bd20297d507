// Writing responses: objects and lists in the negotiated encoding, and every error as a Status.
import type { Response } from 'express';
import YAML from 'yaml';
import { StatusError, internalError, type Status } from '../api/errors.ts';
import type { KObject } from '../api/types.ts';
import type { OutputKind } from './negotiate.ts';

/** Write a complete body with exactly this Content-Type (express would append a charset). */
export function reply(res: Response, code: number, contentType: string, body: string): void {
  const buf = Buffer.from(body, 'utf8');
  res.statusCode = code;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', buf.length);
  res.end(buf);
}

export function sendError(res: Response, err: unknown): void {
  const se = err instanceof StatusError ? err : internalError(err);
  if (!(err instanceof StatusError)) console.error('internal error:', err);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendStatus(res, se.status);
}

export function sendStatus(res: Response, status: Status): void {
  const code = status.code ?? 200;
  if (status.details?.retryAfterSeconds && (code === 429 || code >= 500)) {
    res.setHeader('Retry-After', String(status.details.retryAfterSeconds));
  }
  reply(res, code, 'application/json', JSON.stringify(status));
}

export function sendBody(res: Response, code: number, body: unknown, out: OutputKind): void {
  if (out.type === 'yaml') {
    reply(res, code, 'application/yaml', YAML.stringify(body));
    return;
  }
  reply(res, code, 'application/json', typeof body === 'string' ? body : JSON.stringify(body));
}

/**
 * Each object's list-item JSON, kept beside the object: lists served from the watch cache hand out the
 * cache's own (never mutated) objects, so a pod is serialised once per version rather than once per list.
 */
const itemJSON = new WeakMap<KObject, string>();

/** A list body; items carry no kind/apiVersion, as in upstream lists. */
export function listJSON(kind: string, apiVersion: string, metadata: Record<string, unknown>, items: KObject[]): string {
  const parts = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    let json = itemJSON.get(item);
    if (json === undefined) {
      // A shallow copy with undefined TypeMeta: JSON.stringify leaves the keys out, nested ones stay.
      json = JSON.stringify({ ...item, kind: undefined, apiVersion: undefined });
      itemJSON.set(item, json);
    }
    parts[i] = json;
  }
  return `{"kind":${JSON.stringify(kind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(
    metadata,
  )},"items":[${parts.join(',')}]}`;
}
