// /openapi/v2 and /openapi/v3, served the way kube-openapi's handlers serve them (pkg/handler, pkg/handler3):
//
// - /openapi/v2: Swagger 2.0 as JSON, or as gnostic protobuf for
//   `application/com.github.proto-openapi.spec.v2[@.]v1.0+protobuf` (what kubectl 1.27/1.28 ask for).
//   The first Accept clause (by q, then specificity) that we can produce wins; 406 when none.
// - /openapi/v3: `{"paths":{"<gv>":{"serverRelativeURL":"/openapi/v3/<gv>?hash=<H>"}}}`, where H is the
//   upper-case hex SHA-512 of that document's JSON.
// - /openapi/v3/<gv>: the document; with `?hash=` equal to H it is marked immutable (Cache-Control,
//   one-year Expires, Vary: Accept); with another hash, 301 to the current URL.
// All of them carry a quoted ETag and answer a matching If-None-Match with 304.
//
// The built-in documents are the files under openapi/ that scripts/gen-openapi.ts writes during setup,
// read and re-serialised compactly once per process. Each server adds its custom resources' paths and
// schemas (openapi/custom.ts) whenever its CRDs change; requests only write out prepared buffers.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import { swaggerDocument } from '../../api/schema/index.ts';
import type { JsonObject } from './build/json.ts';
import { customResourceDocuments, type CustomOpenAPISource } from './custom.ts';

const OPENAPI_DIR = fileURLToPath(new URL('../../../openapi/', import.meta.url));

const MIME_JSON = 'application/json';
const V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
const V2_PROTOBUF_DEPRECATED = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

interface Prepared {
  body: Buffer;
  /** Upper-case hex SHA-512 of body, unquoted. */
  hash: string;
}

interface Documents {
  v2: Prepared & { doc: object };
  v3: Map<string, Prepared>;
  index: Prepared;
  loadedAt: Date;
  /** The v2 document as protobuf, encoded on first demand. */
  protobuf?: Promise<ProtobufResult>;
}

function prepare(text: string): Prepared {
  const body = Buffer.from(text, 'utf8');
  return { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
}

let builtin: Documents | undefined;

function assemble(v2doc: object, v3: Map<string, Prepared>): Documents {
  const v2 = { ...prepare(JSON.stringify(v2doc)), doc: v2doc };
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of [...v3.keys()].sort()) paths[gv] = { serverRelativeURL: v3URL(gv, v3.get(gv)!.hash) };
  return { v2, v3, index: prepare(JSON.stringify({ paths })), loadedAt: new Date() };
}

function builtinDocuments(): Documents {
  if (builtin) return builtin;
  const v3 = new Map<string, Prepared>();
  const dir = path.join(OPENAPI_DIR, 'v3');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const gv = file.slice(0, -'.json'.length).replace(/__/g, '/');
    v3.set(gv, prepare(JSON.stringify(JSON.parse(readFileSync(path.join(dir, file), 'utf8')))));
  }
  builtin = assemble(swaggerDocument(), v3);
  return builtin;
}

function withCustomResources(base: Documents, sources: readonly CustomOpenAPISource[]): Documents {
  const v2base = base.v2.doc as JsonObject;
  const custom = customResourceDocuments(sources, v2base);
  const v2doc = {
    ...v2base,
    paths: { ...(v2base['paths'] as JsonObject), ...custom.v2Paths },
    definitions: { ...(v2base['definitions'] as JsonObject), ...custom.v2Definitions },
  };
  const v3 = new Map(base.v3);
  for (const [gv, doc] of custom.v3) v3.set(gv, prepare(JSON.stringify(doc)));
  return assemble(v2doc, v3);
}

function v3URL(gv: string, hash: string): string {
  return `/openapi/v3/${gv}?hash=${hash}`;
}

// ---- protobuf, encoded on first request ---------------------------------------------------------------

type ProtobufResult = { ok: true; body: Buffer } | { ok: false; error: unknown };

/**
 * The encoder is loaded and run once per document set, on first demand; a failure is remembered too,
 * so every later protobuf request falls back the same way without retrying.
 */
function v2ProtobufBody(d: Documents): Promise<ProtobufResult> {
  const doc = d.v2.doc;
  d.protobuf ??= import('./v2-protobuf.ts').then(
    (m) => {
      try {
        return { ok: true, body: m.encodeOpenAPIv2Protobuf(doc) } as const;
      } catch (error) {
        console.error('openapi: cannot encode /openapi/v2 as protobuf:', error);
        return { ok: false, error } as const;
      }
    },
    (error: unknown) => {
      console.error('openapi: protobuf encoder unavailable:', error);
      return { ok: false, error } as const;
    },
  );
  return d.protobuf;
}

// ---- Accept ---------------------------------------------------------------------------------------------

interface Clause {
  type: string;
  subType: string;
  q: number;
}

/** Accept clauses in preference order: by q, then exact types before wildcards (as goautoneg sorts). */
function acceptClauses(header: string | undefined): Clause[] {
  const clauses: (Clause & { i: number })[] = [];
  (header && header.trim() ? header : '*/*').split(',').forEach((part, i) => {
    const [range, ...params] = part.split(';');
    const [type, subType] = (range ?? '').trim().toLowerCase().split('/');
    if (!type || subType === undefined) return;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split('=').map((s) => s.trim());
      if (k === 'q' && v !== undefined) q = Number.parseFloat(v);
    }
    if (Number.isNaN(q)) q = 0;
    clauses.push({ type, subType: subType.trim(), q, i });
  });
  const wild = (c: Clause) => (c.type === '*' ? 2 : c.subType === '*' ? 1 : 0);
  return clauses.filter((c) => c.q > 0).sort((a, b) => b.q - a.q || wild(a) - wild(b) || a.i - b.i);
}

function matches(c: Clause, mime: string): boolean {
  const [type, subType] = mime.split('/');
  return (c.type === '*' || c.type === type) && (c.subType === '*' || c.subType === subType);
}

// ---- conditional responses --------------------------------------------------------------------------------

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const weak = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || weak(t) === etag);
}

/** http.ServeContent's part we need: ETag/Last-Modified, 304 for a fresh cache, HEAD without a body. */
function serveContent(req: Request, res: Response, contentType: string, body: Buffer, etag: string, modified: Date): void {
  res.setHeader('Etag', etag);
  res.setHeader('Last-Modified', modified.toUTCString());
  const inm = req.get('if-none-match');
  const ims = req.get('if-modified-since');
  // If-Modified-Since counts only without If-None-Match, at one-second resolution (HTTP dates).
  const notModified =
    inm !== undefined
      ? etagMatches(inm, etag)
      : ims !== undefined && Math.floor(modified.getTime() / 1000) <= Date.parse(ims) / 1000;
  if (notModified) {
    res.removeHeader('Content-Type');
    res.status(304).end();
    return;
  }
  res.status(200);
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', body.length);
  if (req.method === 'HEAD') res.end();
  else res.end(body);
}

function notAcceptable(res: Response): void {
  res.status(406).end();
}

// ---- handlers ---------------------------------------------------------------------------------------------

async function handleV2(d: Documents, req: Request, res: Response): Promise<void> {
  res.append('Vary', 'Accept');
  const etag = `"${d.v2.hash}"`;
  for (const clause of acceptClauses(req.get('accept'))) {
    if (matches(clause, MIME_JSON)) {
      serveContent(req, res, MIME_JSON, d.v2.body, etag, d.loadedAt);
      return;
    }
    if (matches(clause, V2_PROTOBUF_DEPRECATED) || matches(clause, V2_PROTOBUF)) {
      const pb = await v2ProtobufBody(d);
      // Without a protobuf form, a client that also accepts something else gets that instead.
      if (!pb.ok) continue;
      serveContent(req, res, V2_PROTOBUF, pb.body, etag, d.loadedAt);
      return;
    }
  }
  notAcceptable(res);
}

function handleV3Index(d: Documents, req: Request, res: Response): void {
  serveContent(req, res, MIME_JSON, d.index.body, `"${d.index.hash}"`, new Date());
}

function handleV3Document(d: Documents, req: Request, res: Response): void {
  const gv = req.path.replace(/^\/openapi\/v3\//, '');
  res.append('Vary', 'Accept');
  for (const clause of acceptClauses(req.get('accept'))) {
    // There is no v3 protobuf form (`application/com.github.proto-openapi.spec.v3…+protobuf`); such
    // clauses are passed over like any type we cannot produce.
    if (!matches(clause, MIME_JSON)) continue;
    const doc = d.v3.get(gv);
    if (!doc) {
      res.status(404).setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(`Cannot find CRD group ${gv}\n`);
      return;
    }
    const etag = `"${doc.hash}"`;
    res.setHeader('Etag', etag);
    const hash = typeof req.query['hash'] === 'string' ? req.query['hash'] : '';
    if (hash !== '') {
      if (hash !== doc.hash) {
        const location = v3URL(gv, doc.hash);
        res.status(301).setHeader('Location', location);
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(req.method === 'GET' ? `<a href="${location}">Moved Permanently</a>.\n\n` : undefined);
        return;
      }
      res.setHeader('Vary', 'Accept');
      res.setHeader('Cache-Control', 'public, immutable');
      res.setHeader('Expires', new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString());
    }
    serveContent(req, res, MIME_JSON, doc.body, etag, d.loadedAt);
    return;
  }
  notAcceptable(res);
}

/** One server's documents: the built-in ones plus its custom resources. */
export class OpenAPIService {
  private built: Documents | undefined;
  private sources: readonly CustomOpenAPISource[] = [];

  constructor() {
    this.built = builtinDocuments();
  }

  /**
   * Replaces the custom resources' part (called whenever the served CRDs change). The documents are
   * rebuilt on the next request, not here: applying a hundred CRDs would otherwise rebuild them a
   * hundred times.
   */
  setCustomResources(sources: readonly CustomOpenAPISource[]): void {
    this.sources = sources;
    this.built = undefined;
  }

  private get current(): Documents {
    this.built ??= this.sources.length === 0 ? builtinDocuments() : withCustomResources(builtinDocuments(), this.sources);
    return this.built;
  }

  /** Routes for /openapi/v2, /openapi/v3 and /openapi/v3/<group-version>. */
  router(): Router {
    const router = Router();
    router.get('/openapi/v2', (req, res, next) => {
      handleV2(this.current, req, res).catch(next);
    });
    router.get('/openapi/v3', (req, res) => handleV3Index(this.current, req, res));
    router.get(/^\/openapi\/v3\/.+/, (req, res) => handleV3Document(this.current, req, res));
    return router;
  }
}
