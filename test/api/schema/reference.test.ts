// Wheelhouse's generated OpenAPI against kube-apiserver's own documents (../shared/k8s-reference, read here
// as a test oracle only). For every definition Wheelhouse serves it compares property names, types and
// formats, required lists, and the patch/list metadata strategic merge patch and apply depend on; for every
// served path, the operations kubectl and clients look up. Each rate is printed, and each has a floor.
//
//   node --import tsx --test test/api/schema/reference.test.ts
//   OPENAPI_MISMATCHES=1 node --import tsx --test test/api/schema/reference.test.ts   (lists them all)
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const REFERENCE = path.resolve(REPO, '..', 'shared', 'k8s-reference');
const haveReference = existsSync(path.join(REFERENCE, 'swagger.json'));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
type Doc = { definitions?: Obj; components?: { schemas: Obj }; paths: Obj };

const readJson = (p: string): Doc => JSON.parse(readFileSync(p, 'utf8')) as Doc;
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const PATCH_KEYS = [
  'x-kubernetes-patch-strategy',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
] as const;

/** A property's type as a comparable string: `string/date-time`, `[]ref:…Container`, `map[ref:…Quantity]`. */
function shape(s: Json | undefined): string {
  if (!isObj(s)) return '?';
  const allOf = s['allOf'];
  if (Array.isArray(allOf) && allOf.length === 1) return shape(allOf[0]);
  const ref = s['$ref'];
  if (typeof ref === 'string') return `ref:${ref.replace(/^#\/(definitions|components\/schemas)\//, '')}`;
  if (s['type'] === 'array') return `[]${shape(s['items'])}`;
  if (isObj(s['additionalProperties'])) return `map[${shape(s['additionalProperties'])}]`;
  return `${String(s['type'] ?? 'any')}${s['format'] ? `/${String(s['format'])}` : ''}`;
}

function meta(s: Json | undefined): string {
  if (!isObj(s)) return '';
  return PATCH_KEYS.filter((k) => s[k] !== undefined)
    .map((k) => `${k.replace('x-kubernetes-', '')}=${JSON.stringify(s[k])}`)
    .join(' ');
}

interface Rate {
  label: string;
  ok: number;
  total: number;
  mismatches: string[];
}

function rate(label: string): Rate {
  return { label, ok: 0, total: 0, mismatches: [] };
}

function tally(r: Rate, good: boolean, what: () => string): void {
  r.total++;
  if (good) r.ok++;
  else r.mismatches.push(what());
}

const pct = (r: Rate) => (r.total === 0 ? 100 : (100 * r.ok) / r.total);

/** OPENAPI_MISMATCHES=1 lists every mismatch, not only those of the first rate below its floor. */
function report(rates: Rate[]): void {
  for (const r of rates) {
    console.log(`# ${r.label}: ${r.ok}/${r.total} = ${pct(r).toFixed(2)}%`);
    if (process.env['OPENAPI_MISMATCHES']) for (const m of r.mismatches) console.log(`#   ${m}`);
  }
}

function assertFloor(r: Rate, floor: number): void {
  assert.ok(
    pct(r) >= floor,
    `${r.label}: ${pct(r).toFixed(2)}% is below the floor of ${floor}% (${r.mismatches.length} mismatches):\n  ${r.mismatches.slice(0, 200).join('\n  ')}`,
  );
}

interface DefinitionRates {
  names: Rate;
  properties: Rate;
  types: Rate;
  required: Rate;
  patchMeta: Rate;
  annotated: Rate;
  typeMeta: Rate;
  gvk: Rate;
  descriptions: Rate;
  descriptionText: Rate;
}

function compareDefinitions(ours: Obj, theirs: Obj, where: string): DefinitionRates {
  const r: DefinitionRates = {
    names: rate(`${where} definition names found upstream`),
    properties: rate(`${where} properties (same names)`),
    types: rate(`${where} property types and formats`),
    required: rate(`${where} required lists`),
    patchMeta: rate(`${where} patch/list metadata, all properties`),
    annotated: rate(`${where} patch/list metadata, upstream-annotated properties`),
    typeMeta: rate(`${where} type-level map-type/unions`),
    gvk: rate(`${where} group-version-kinds`),
    descriptions: rate(`${where} property descriptions present where upstream has one`),
    descriptionText: rate(`${where} property descriptions with upstream's words (whitespace aside)`),
  };
  for (const name of Object.keys(ours).sort()) {
    const a = ours[name] as Obj;
    const b = theirs[name];
    tally(r.names, isObj(b), () => name);
    if (!isObj(b)) continue;
    const ap = (a['properties'] ?? {}) as Obj;
    const bp = (b['properties'] ?? {}) as Obj;
    for (const p of new Set([...Object.keys(ap), ...Object.keys(bp)])) {
      tally(r.properties, p in ap && p in bp, () => `${name}.${p}: ${p in ap ? 'not upstream' : 'missing'}`);
    }
    for (const p of Object.keys(ap)) {
      if (!(p in bp)) continue;
      tally(r.types, shape(ap[p]) === shape(bp[p]), () => `${name}.${p}: ${shape(ap[p])} vs upstream ${shape(bp[p])}`);
      tally(r.patchMeta, meta(ap[p]) === meta(bp[p]), () => `${name}.${p}: {${meta(ap[p])}} vs upstream {${meta(bp[p])}}`);
      if (meta(bp[p]) !== '') {
        tally(r.annotated, meta(ap[p]) === meta(bp[p]), () => `${name}.${p}: {${meta(ap[p])}} vs upstream {${meta(bp[p])}}`);
      }
      const theirText = isObj(bp[p]) ? (bp[p] as Obj)['description'] : undefined;
      if (typeof theirText === 'string' && theirText !== '') {
        const ourText = isObj(ap[p]) ? (ap[p] as Obj)['description'] : undefined;
        tally(r.descriptions, typeof ourText === 'string' && ourText !== '', () => `${name}.${p}`);
        const words = (t: unknown) => String(t ?? '').replace(/\s+/g, ' ').trim();
        tally(r.descriptionText, words(ourText) === words(theirText), () => `${name}.${p}`);
      }
    }
    const req = (x: Obj) => JSON.stringify([...((x['required'] as string[] | undefined) ?? [])].sort());
    tally(r.required, req(a) === req(b), () => `${name}: required ${req(a)} vs upstream ${req(b)}`);
    const tm = (x: Obj) => JSON.stringify([x['x-kubernetes-map-type'] ?? null, x['x-kubernetes-unions'] ?? null]);
    tally(r.typeMeta, tm(a) === tm(b), () => `${name}: ${tm(a)} vs upstream ${tm(b)}`);
    // Wheelhouse serves fewer group-versions, so its lists are a subset of upstream's.
    const gvks = (x: Obj) => ((x['x-kubernetes-group-version-kind'] as Obj[] | undefined) ?? []).map((g) => JSON.stringify(g));
    const upstream = new Set(gvks(b));
    const mine = gvks(a);
    tally(r.gvk, mine.every((g) => upstream.has(g)) && (mine.length > 0) === (upstream.size > 0), () => `${name}: ${mine.join(',')} vs upstream ${[...upstream].slice(0, 3).join(',')}`);
  }
  return r;
}

interface PathRates {
  paths: Rate;
  operations: Rate;
  parameters: Rate;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function paramNames(item: Obj, op: Obj, doc: Doc): string {
  const resolve = (p: Json): Obj => {
    const o = p as Obj;
    const ref = o['$ref'];
    if (typeof ref === 'string') return ((doc as unknown as { parameters: Obj }).parameters[ref.replace('#/parameters/', '')] ?? {}) as Obj;
    return o;
  };
  const all = [...((item['parameters'] as Json[] | undefined) ?? []), ...((op['parameters'] as Json[] | undefined) ?? [])].map(resolve);
  const names = all.map((p) => `${String(p['in'])}:${String(p['name'])}`);
  if (op['requestBody']) names.push('body:body');
  return [...new Set(names)].sort().join(',');
}

function comparePaths(ours: Doc, theirs: Doc, where: string): PathRates {
  const r: PathRates = {
    paths: rate(`${where} paths found upstream`),
    operations: rate(`${where} operations (method, operationId, action, GVK)`),
    parameters: rate(`${where} operation parameter names`),
  };
  for (const p of Object.keys(ours.paths).sort()) {
    const a = ours.paths[p] as Obj;
    const b = theirs.paths[p];
    tally(r.paths, isObj(b), () => p);
    if (!isObj(b)) continue;
    for (const m of METHODS) {
      const ao = a[m];
      if (!isObj(ao)) continue;
      const bo = b[m];
      const sig = (o: Obj) =>
        JSON.stringify([o['operationId'], o['x-kubernetes-action'] ?? null, o['x-kubernetes-group-version-kind'] ?? null]);
      tally(r.operations, isObj(bo) && sig(ao) === sig(bo), () => `${m.toUpperCase()} ${p}: ${sig(ao)} vs upstream ${isObj(bo) ? sig(bo) : 'none'}`);
      if (!isObj(bo)) continue;
      const an = paramNames(a, ao, ours);
      const bn = paramNames(b as Obj, bo, theirs);
      tally(r.parameters, an === bn, () => `${m.toUpperCase()} ${p}: ${an} vs upstream ${bn}`);
    }
  }
  return r;
}

describe('generated OpenAPI against kube-apiserver', { skip: !haveReference && 'no ../shared/k8s-reference' }, () => {
  const ours2 = readJson(path.join(REPO, 'openapi', 'v2', 'swagger.json'));
  const theirs2 = readJson(path.join(REFERENCE, 'swagger.json'));

  it('v2 definitions match upstream', () => {
    const r = compareDefinitions(ours2.definitions!, theirs2.definitions!, 'v2');
    report(Object.values(r));
    assertFloor(r.names, 100);
    assertFloor(r.properties, 100);
    assertFloor(r.types, 100);
    assertFloor(r.required, 100);
    assertFloor(r.patchMeta, 100);
    assertFloor(r.annotated, 100);
    assertFloor(r.typeMeta, 100);
    assertFloor(r.gvk, 100);
    // The client keeps no description for fields typed by another model; facts.ts restores the visible
    // ones. Texts differ where the client's models predate the served release or facts.ts paraphrases.
    assertFloor(r.descriptions, 89);
    assertFloor(r.descriptionText, 80);
  });

  it('v2 paths and operations match upstream', () => {
    const r = comparePaths(ours2, theirs2, 'v2');
    report(Object.values(r));
    assertFloor(r.paths, 100);
    assertFloor(r.operations, 100);
    assertFloor(r.parameters, 100);
  });

  it('v3 group-version documents match upstream', () => {
    const index = readdirJson(path.join(REPO, 'openapi', 'v3'));
    let compared = 0;
    for (const file of index) {
      const upstreamFile = path.join(REFERENCE, 'v3', file.replace(/\.json$/, '_openapi.json'));
      if (!existsSync(upstreamFile)) continue;
      compared++;
      const ours = readJson(path.join(REPO, 'openapi', 'v3', file));
      const theirs = readJson(upstreamFile);
      const d = compareDefinitions(ours.components!.schemas, theirs.components!.schemas, `v3 ${file}`);
      const p = comparePaths(ours, theirs, `v3 ${file}`);
      report([d.properties, d.types, d.annotated, p.operations, p.parameters]);
      for (const x of [d.names, d.properties, d.types, d.required, d.patchMeta, d.typeMeta, p.paths, p.operations, p.parameters]) {
        assertFloor(x, 100);
      }
    }
    assert.equal(compared, 20, 'every served group-version has an upstream v3 document to compare with');
  });
});

function readdirJson(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
}
