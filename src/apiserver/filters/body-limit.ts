// Reading request bodies with kube-apiserver's limit: at most 3 MiB (MaxRequestBodyBytes), whether the
// client announced the length or streams it chunked. Past the limit the answer is 413 with upstream's
// Status; the rest of the body is read and dropped (never kept), up to a bound. Bodies nested deeper
// than Go's decoders allow are refused here too, before any parser sees them.
import type { NextFunction, Request, Response } from 'express';
import { Lexer } from 'yaml';
import { badRequest, requestEntityTooLarge } from '../../api/errors.ts';
import { sendStatus } from '../respond.ts';

/** kube-apiserver's MaxRequestBodyBytes: 3 MiB, twice etcd's default request limit. */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/** Go's JSON scanner and go-yaml both stop at this nesting depth. */
export const MAX_NESTING_DEPTH = 10_000;

/**
 * The first bracket that opens JSON nesting level max + 1 (strings skipped), or undefined. Checked on
 * the raw bytes before any parser runs, as code walking the decoded value recurses.
 */
export function tooDeep(body: Uint8Array, max = MAX_NESTING_DEPTH): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next byte is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return String.fromCharCode(c);
    } else if (c === 0x7d || c === 0x5d) {
      if (depth > 0) depth--;
    }
  }
  return undefined;
}

/**
 * Flow nesting a YAML body may have. go-yaml allows 10000, but the `yaml` parser recurses: it fails
 * near 900 levels and, once warmed up, aborts the whole process (out of memory) past about 2000.
 */
export const MAX_YAML_FLOW_DEPTH = 500;

/**
 * Whether YAML flow collections nest deeper than max. Quotes mean different things in YAML than in
 * JSON (`a: 5" ]]` holds no string), so the `yaml` lexer, which does not recurse, tells brackets from
 * text; it only runs when there are enough brackets for the depth to be possible at all.
 */
export function yamlTooDeep(body: Uint8Array, max = MAX_YAML_FLOW_DEPTH): boolean {
  let opens = 0;
  for (const c of body) if (c === 0x5b || c === 0x7b) opens++;
  if (opens <= max) return false;
  let depth = 0;
  for (const token of new Lexer().lex(Buffer.from(body).toString('utf8'))) {
    if (token === '[' || token === '{') {
      if (++depth > max) return true;
    } else if (token === ']' || token === '}') depth--;
  }
  return false;
}

function isYAML(contentType: string | undefined): boolean {
  // application/yaml and application/apply-patch+yaml
  return /yaml/i.test(contentType ?? '');
}

/** The 400 for a body nested too deeply, or undefined. */
function nestingError(body: Buffer, contentType: string | undefined) {
  if (contentType?.includes('protobuf')) return undefined;
  if (isYAML(contentType)) {
    return yamlTooDeep(body) ? badRequest(`error converting YAML to JSON: yaml: exceeded max depth of ${MAX_YAML_FLOW_DEPTH}`) : undefined;
  }
  const bracket = tooDeep(body);
  return bracket ? badRequest(`couldn't get version/kind; json parse error: invalid character '${bracket}' exceeded max depth`) : undefined;
}

/**
 * Bytes of an oversized body read and thrown away after the 413, so a client still sending gets to read
 * the answer (closing on unread data resets the connection and loses it); past this it is cut off.
 */
const DISCARD_LIMIT = 4 * MAX_REQUEST_BODY_BYTES;

function refuse(req: Request, res: Response, limit: number, alreadyRead: number): void {
  if (res.headersSent) return;
  const declared = Number(req.headers['content-length']);
  let discarded = 0;
  const cutOff = () => req.socket.destroy();
  if (declared - alreadyRead > DISCARD_LIMIT) res.once('finish', cutOff);
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMIT) cutOff();
  });
  req.resume();
  sendStatus(res, requestEntityTooLarge(`limit is ${limit}`).status);
}

/**
 * Leaves the body as a Buffer on `req.body` (undefined when there is none). Bytes are counted as they
 * arrive, so a chunked body is cut off at the limit too; the content encoding is not undone (upstream
 * reads the bytes as sent).
 */
export function readRequestBody(limit = MAX_REQUEST_BODY_BYTES) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const declared = req.headers['content-length'];
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if (!chunked && (declared === undefined || declared === '0')) return next();
    if (declared !== undefined && Number(declared) > limit) return refuse(req, res, limit, 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      fn();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        finish(() => refuse(req, res, limit, size));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () =>
      finish(() => {
        const body = size > 0 ? Buffer.concat(chunks, size) : undefined;
        const tooDeepBody = body && nestingError(body, req.get('content-type'));
        if (tooDeepBody) {
          sendStatus(res, tooDeepBody.status);
          return;
        }
        req.body = body;
        next();
      });
    // The client went away mid-body: nobody is left to answer.
    const onError = () => finish(() => res.destroy());
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', () => {
      if (!req.complete) onError();
    });
  };
}
