// Generates Wheelhouse's OpenAPI documents into openapi/: v2/swagger.json (Swagger 2.0) and one OpenAPI 3.0
// file per discovery path under v3/ (`apis/apps/v1` → v3/apis__apps__v1.json).
//
// Sources: the model metadata and descriptions of @kubernetes/client-node (the type graph), the facts table
// in src/api/schema/facts.ts (what the client drops: patch and list markers, Quantity, packages), and the
// catalogue in src/api/catalog.ts (paths and operations). Output is byte-for-byte deterministic: every
// object's keys are sorted, so a rerun on the same inputs rewrites the same files.
//
//   npm run gen:openapi            write the files
//   npm run gen:openapi -- --check exit 1 when a file on disk differs from what would be written
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOG } from '../src/api/catalog.ts';
import type { ResourceDecl } from '../src/api/types.ts';
import { META, PATCH } from '../src/api/schema/facts.ts';
import { classForKind, cmp, DefinitionBuilder, type GVK, type Json, type JsonObject } from './openapi/definitions.ts';
import { discoveryPaths, gvPrefix, pathItem, resourcePaths } from '../src/apiserver/openapi/build/paths.ts';
import { v3Document } from '../src/apiserver/openapi/build/v3.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OPENAPI_DIR = path.join(REPO_ROOT, 'openapi');

const gvkKey = (g: GVK) => `${g.group}/${g.version}/${g.kind}`;

/** Every object's keys in code-point order; arrays keep their order. */
export function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort(cmp)) out[k] = sortKeys(v[k]!);
  return out;
}

export function serialize(doc: Json): string {
  return `${JSON.stringify(sortKeys(doc), null, 2)}\n`;
}

/** `apis/apps/v1` → `apis__apps__v1.json`. */
export function v3FileName(discoveryPath: string): string {
  return `${discoveryPath.replace(/\//g, '__')}.json`;
}

function servedGroupVersions(decls: readonly ResourceDecl[]): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const d of decls) seen.set(`${d.group}/${d.version}`, { group: d.group, version: d.version });
  return [...seen.values()];
}

function buildDefinitions(decls: readonly ResourceDecl[]): { builder: DefinitionBuilder; definitionOf: (g: GVK) => string } {
  const builder = new DefinitionBuilder();
  const byGvk = new Map<string, string>();
  const addKind = (gvk: GVK) => {
    if (byGvk.has(gvkKey(gvk))) return;
    const cls = classForKind(gvk);
    if (!cls) throw new Error(`no client model for ${gvkKey(gvk)}`);
    const name = builder.addClass(cls, gvk.group);
    builder.addKinds(name, [gvk]);
    byGvk.set(gvkKey(gvk), name);
  };
  // Core first: an unprefixed shared class (PodTemplateSpec, ObjectReference) takes the package of the
  // first group that reaches it, and every such class lives in core.
  const ordered = [...decls].sort((a, b) => (a.group === '' ? 0 : 1) - (b.group === '' ? 0 : 1));
  for (const d of ordered) {
    addKind({ group: d.group, version: d.version, kind: d.kind });
    if (d.verbs.includes('list')) addKind({ group: d.group, version: d.version, kind: d.listKind });
    for (const s of d.subresources) addKind({ group: s.group ?? d.group, version: s.version ?? d.version, kind: s.kind });
  }
  const everyGv = servedGroupVersions(decls);
  for (const kind of ['DeleteOptions', 'WatchEvent']) {
    const name = builder.addClass(`V1${kind}`, '');
    builder.addKinds(
      name,
      everyGv.map((gv) => ({ ...gv, kind })),
    );
  }
  for (const kind of ['Status', 'APIResourceList', 'APIGroup', 'APIGroupList', 'APIVersions']) {
    const name = builder.addClass(`V1${kind}`, '');
    builder.addKinds(name, [{ group: '', version: 'v1', kind }]);
  }
  builder.addClass('VersionInfo', '');
  builder.addPrimitive(PATCH);
  return {
    builder,
    definitionOf: (g) => {
      const name = byGvk.get(gvkKey(g));
      if (!name) throw new Error(`no definition for ${gvkKey(g)}`);
      return name;
    },
  };
}

/** Parameters that occur more than once move to the document's `parameters` and are referenced. */
function shareParameters(doc: JsonObject): void {
  const paths = doc['paths'] as JsonObject;
  const shareable = (p: JsonObject) => {
    if (p['in'] === 'path' && p['name'] === 'name') return false; // names the kind in its description
    // kubectl's fieldValidation probe of a v2 document reads inline parameters only.
    if (p['in'] === 'query' && (p['name'] === 'dryRun' || p['name'] === 'fieldValidation')) return false;
    if (p['in'] === 'body') {
      const ref = (p['schema'] as JsonObject | undefined)?.['$ref'];
      return ref === `#/definitions/${META}DeleteOptions` || ref === `#/definitions/${PATCH}`;
    }
    return true;
  };
  const lists: JsonObject[][] = [];
  for (const item of Object.values(paths) as JsonObject[]) {
    for (const [k, v] of Object.entries(item)) {
      if (k === 'parameters') lists.push(v as JsonObject[]);
      else if ((v as JsonObject)['parameters']) lists.push((v as JsonObject)['parameters'] as JsonObject[]);
    }
  }
  const counts = new Map<string, number>();
  for (const list of lists) {
    for (const p of list) {
      if (!shareable(p)) continue;
      const key = serialize(p);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const names = new Map<string, string>();
  const shared: JsonObject = {};
  for (const key of [...counts.keys()].sort(cmp)) {
    if (counts.get(key)! < 2) continue;
    const p = JSON.parse(key) as JsonObject;
    const hash = createHash('sha256').update(key).digest('base64url').slice(0, 8);
    const name = `${String(p['name'])}-${hash}`;
    names.set(key, name);
    shared[name] = p;
  }
  for (const list of lists) {
    for (let i = 0; i < list.length; i++) {
      const name = names.get(serialize(list[i]!));
      if (name) list[i] = { $ref: `#/parameters/${name}` };
    }
  }
  doc['parameters'] = shared;
}

export interface GeneratedFiles {
  /** Path relative to openapi/ → file content. */
  files: Map<string, string>;
  /** Discovery path (`api/v1`) → v3 file name, in index order. */
  v3: Map<string, string>;
}

export function generateOpenAPI(decls: readonly ResourceDecl[] = CATALOG): GeneratedFiles {
  const { builder, definitionOf } = buildDefinitions(decls);
  const grouped = new Map<string, { op: JsonObject; pathParams: JsonObject[] }[]>();
  for (const d of decls) {
    for (const [p, ops] of resourcePaths(d, definitionOf)) grouped.set(p, [...(grouped.get(p) ?? []), ...ops]);
  }
  const paths: JsonObject = {};
  for (const [p, ops] of grouped) paths[p] = pathItem(ops);
  for (const [p, item] of discoveryPaths(servedGroupVersions(decls))) paths[p] = item;

  const definitions: JsonObject = {};
  for (const [name, def] of builder.definitions) definitions[name] = def;
  const v2: JsonObject = {
    definitions,
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths,
    security: [{ BearerToken: [] }],
    securityDefinitions: {
      BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' },
    },
    swagger: '2.0',
  };

  // v3 documents are cut from the v2 paths before parameters are shared (3.0 documents keep them inline).
  const discovery = new Map<string, string[]>();
  const bucket = (p: string): string => {
    const segs = p.split('/').filter(Boolean);
    if (segs[0] === 'api') return segs.length >= 2 ? `api/${segs[1]}` : 'api';
    if (segs[0] === 'apis') return segs.slice(0, Math.min(segs.length, 3)).join('/');
    return segs[0]!;
  };
  for (const p of Object.keys(paths).sort(cmp)) {
    const b = bucket(p);
    discovery.set(b, [...(discovery.get(b) ?? []), p]);
  }
  const files = new Map<string, string>();
  const v3 = new Map<string, string>();
  for (const d of [...discovery.keys()].sort(cmp)) {
    const file = v3FileName(d);
    files.set(`v3/${file}`, serialize(v3Document(v2, discovery.get(d)!)));
    v3.set(d, file);
  }
  shareParameters(v2);
  files.set('v2/swagger.json', serialize(v2));
  return { files, v3 };
}

/** Group-version prefixes the catalogue serves, as v3 discovery paths (`api/v1`, `apis/apps/v1`). */
export function servedV3Paths(decls: readonly ResourceDecl[] = CATALOG): string[] {
  return servedGroupVersions(decls).map((gv) => gvPrefix(gv.group, gv.version).slice(1));
}

function main(argv: string[]): number {
  const { files } = generateOpenAPI();
  if (argv.includes('--check')) {
    let stale = 0;
    for (const [rel, content] of files) {
      let current = '';
      try {
        current = readFileSync(path.join(OPENAPI_DIR, rel), 'utf8');
      } catch {
        // missing counts as stale
      }
      if (current !== content) {
        console.error(`stale: openapi/${rel}`);
        stale++;
      }
    }
    return stale === 0 ? 0 : 1;
  }
  rmSync(path.join(OPENAPI_DIR, 'v3'), { recursive: true, force: true });
  for (const [rel, content] of files) {
    const out = path.join(OPENAPI_DIR, rel);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, content);
  }
  const v3Count = readdirSync(path.join(OPENAPI_DIR, 'v3')).length;
  console.log(`wrote openapi/v2/swagger.json and ${v3Count} files under openapi/v3/`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
