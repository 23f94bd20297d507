// /openapi/v2 as gnostic protobuf (src/apiserver/openapi/v2-protobuf.ts), the form kubectl 1.27/1.28 read.
//
// Oracles:
// - Upstream's swagger.json (../shared/k8s-reference, read here only). Its encoding must hash to what
//   kube-openapi's pipeline (gnostic ParseDocument + proto.Marshal) produced from the same file; a
//   decoder written here from OpenAPIv2.proto must turn it back into the same document.
// - Expected YAML strings for extension values, as gnostic v0.6.9 with yaml.v3 v3.0.1 produced them.
// - Real kubectl 1.27 and 1.28 against a real Wheelhouse: its own document, and upstream's document
//   encoded here and served in front of the same server.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { encodeOpenAPIv2Protobuf, gnosticYaml, OpenAPIv2ProtobufError } from '../../../src/apiserver/openapi/v2-protobuf.ts';
import { Reader, WIRE_BYTES, WIRE_FIXED64, WIRE_VARINT, type RawField } from '../../../src/apiserver/protobuf/wire.ts';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';
import { findKubectlBinaries, Kubectl, show, type KubectlBinary, type KubectlResult } from '../../../conformance/support/kubectl.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const UPSTREAM = path.resolve(REPO, '..', 'shared', 'k8s-reference', 'swagger.json');
const OURS = path.join(REPO, 'openapi', 'v2', 'swagger.json');
const haveUpstream = existsSync(UPSTREAM);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const upstream = haveUpstream ? (JSON.parse(readFileSync(UPSTREAM, 'utf8')) as Obj) : {};
let upstreamPb: Buffer | undefined;
function upstreamEncoded(): Buffer {
  upstreamPb ??= encodeOpenAPIv2Protobuf(upstream);
  return upstreamPb;
}

// ---------------------------------------------------------------------------------------------------------
// A decoder for openapi.v2 messages, written from OpenAPIv2.proto, that rebuilds the Swagger JSON.

function fieldsOf(buf: Buffer): RawField[] {
  const r = new Reader(buf);
  const out: RawField[] = [];
  while (!r.done()) out.push(r.next());
  return out;
}

type Kind = 's' | 'b' | 'i' | 'd' | 'ss' | 'any' | 'anys' | 'ext' | 'type' | `m:${string}` | `mm:${string}`;
type Table = Record<number, readonly [string, Kind]>;

/** The validation run shared by non-body parameters, headers and primitive items, from field `n`. */
function primitives(n: number): Table {
  const names: Array<[string, Kind]> = [
    ['type', 's'], ['format', 's'], ['items', 'm:PrimitivesItems'], ['collectionFormat', 's'], ['default', 'any'],
    ['maximum', 'd'], ['exclusiveMaximum', 'b'], ['minimum', 'd'], ['exclusiveMinimum', 'b'], ['maxLength', 'i'],
    ['minLength', 'i'], ['pattern', 's'], ['maxItems', 'i'], ['minItems', 'i'], ['uniqueItems', 'b'], ['enum', 'anys'],
    ['multipleOf', 'd'],
  ];
  return Object.fromEntries(names.map((f, i) => [n + i, f]));
}
const paramHead = (allowEmpty: boolean): Table => {
  const t: Record<number, readonly [string, Kind]> = { 1: ['required', 'b'], 2: ['in', 's'], 3: ['description', 's'], 4: ['name', 's'] };
  if (allowEmpty) t[5] = ['allowEmptyValue', 'b'];
  return t;
};
const oauth2 = (fields: string[]): Table => {
  const t: Record<number, readonly [string, Kind]> = {};
  fields.forEach((f, i) => (t[i + 1] = [f, f === 'scopes' ? 'm:Oauth2Scopes' : 's']));
  t[fields.length + 1] = ['', 'ext'];
  return t;
};

const MESSAGES: Record<string, Table> = {
  Document: {
    1: ['swagger', 's'], 2: ['info', 'm:Info'], 3: ['host', 's'], 4: ['basePath', 's'], 5: ['schemes', 'ss'],
    6: ['consumes', 'ss'], 7: ['produces', 'ss'], 8: ['paths', 'm:Paths'], 9: ['definitions', 'm:Definitions'],
    10: ['parameters', 'm:ParameterDefinitions'], 11: ['responses', 'm:ResponseDefinitions'],
    12: ['security', 'mm:SecurityRequirement'], 13: ['securityDefinitions', 'm:SecurityDefinitions'],
    14: ['tags', 'mm:Tag'], 15: ['externalDocs', 'm:ExternalDocs'], 16: ['', 'ext'],
  },
  Info: {
    1: ['title', 's'], 2: ['version', 's'], 3: ['description', 's'], 4: ['termsOfService', 's'],
    5: ['contact', 'm:Contact'], 6: ['license', 'm:License'], 7: ['', 'ext'],
  },
  Contact: { 1: ['name', 's'], 2: ['url', 's'], 3: ['email', 's'], 4: ['', 'ext'] },
  License: { 1: ['name', 's'], 2: ['url', 's'], 3: ['', 'ext'] },
  ExternalDocs: { 1: ['description', 's'], 2: ['url', 's'], 3: ['', 'ext'] },
  Tag: { 1: ['name', 's'], 2: ['description', 's'], 3: ['externalDocs', 'm:ExternalDocs'], 4: ['', 'ext'] },
  PathItem: {
    1: ['$ref', 's'], 2: ['get', 'm:Operation'], 3: ['put', 'm:Operation'], 4: ['post', 'm:Operation'],
    5: ['delete', 'm:Operation'], 6: ['options', 'm:Operation'], 7: ['head', 'm:Operation'], 8: ['patch', 'm:Operation'],
    9: ['parameters', 'mm:ParametersItem'], 10: ['', 'ext'],
  },
  Operation: {
    1: ['tags', 'ss'], 2: ['summary', 's'], 3: ['description', 's'], 4: ['externalDocs', 'm:ExternalDocs'],
    5: ['operationId', 's'], 6: ['produces', 'ss'], 7: ['consumes', 'ss'], 8: ['parameters', 'mm:ParametersItem'],
    9: ['responses', 'm:Responses'], 10: ['schemes', 'ss'], 11: ['deprecated', 'b'], 12: ['security', 'mm:SecurityRequirement'],
    13: ['', 'ext'],
  },
  JsonReference: { 1: ['$ref', 's'], 2: ['description', 's'] },
  BodyParameter: { 1: ['description', 's'], 2: ['name', 's'], 3: ['in', 's'], 4: ['required', 'b'], 5: ['schema', 'm:Schema'], 6: ['', 'ext'] },
  HeaderParameterSubSchema: { ...paramHead(false), ...primitives(5), 22: ['', 'ext'] },
  PathParameterSubSchema: { ...paramHead(false), ...primitives(5), 22: ['', 'ext'] },
  QueryParameterSubSchema: { ...paramHead(true), ...primitives(6), 23: ['', 'ext'] },
  FormDataParameterSubSchema: { ...paramHead(true), ...primitives(6), 23: ['', 'ext'] },
  PrimitivesItems: { ...primitives(1), 18: ['', 'ext'] },
  Header: { ...primitives(1), 18: ['description', 's'], 19: ['', 'ext'] },
  Response: { 1: ['description', 's'], 2: ['schema', 'm:SchemaItem'], 3: ['headers', 'm:Headers'], 4: ['examples', 'm:Examples'], 5: ['', 'ext'] },
  Schema: {
    1: ['$ref', 's'], 2: ['format', 's'], 3: ['title', 's'], 4: ['description', 's'], 5: ['default', 'any'],
    6: ['multipleOf', 'd'], 7: ['maximum', 'd'], 8: ['exclusiveMaximum', 'b'], 9: ['minimum', 'd'],
    10: ['exclusiveMinimum', 'b'], 11: ['maxLength', 'i'], 12: ['minLength', 'i'], 13: ['pattern', 's'],
    14: ['maxItems', 'i'], 15: ['minItems', 'i'], 16: ['uniqueItems', 'b'], 17: ['maxProperties', 'i'],
    18: ['minProperties', 'i'], 19: ['required', 'ss'], 20: ['enum', 'anys'], 21: ['additionalProperties', 'm:AdditionalPropertiesItem'],
    22: ['type', 'type'], 23: ['items', 'm:ItemsItem'], 24: ['allOf', 'mm:Schema'], 25: ['properties', 'm:Properties'],
    26: ['discriminator', 's'], 27: ['readOnly', 'b'], 28: ['xml', 'm:Xml'], 29: ['externalDocs', 'm:ExternalDocs'],
    30: ['example', 'any'], 31: ['', 'ext'],
  },
  FileSchema: {
    1: ['format', 's'], 2: ['title', 's'], 3: ['description', 's'], 4: ['default', 'any'], 5: ['required', 'ss'],
    6: ['type', 's'], 7: ['readOnly', 'b'], 8: ['externalDocs', 'm:ExternalDocs'], 9: ['example', 'any'], 10: ['', 'ext'],
  },
  Xml: { 1: ['name', 's'], 2: ['namespace', 's'], 3: ['prefix', 's'], 4: ['attribute', 'b'], 5: ['wrapped', 'b'], 6: ['', 'ext'] },
  BasicAuthenticationSecurity: { 1: ['type', 's'], 2: ['description', 's'], 3: ['', 'ext'] },
  ApiKeySecurity: { 1: ['type', 's'], 2: ['name', 's'], 3: ['in', 's'], 4: ['description', 's'], 5: ['', 'ext'] },
  Oauth2ImplicitSecurity: oauth2(['type', 'flow', 'scopes', 'authorizationUrl', 'description']),
  Oauth2PasswordSecurity: oauth2(['type', 'flow', 'scopes', 'tokenUrl', 'description']),
  Oauth2ApplicationSecurity: oauth2(['type', 'flow', 'scopes', 'tokenUrl', 'description']),
  Oauth2AccessCodeSecurity: oauth2(['type', 'flow', 'scopes', 'authorizationUrl', 'tokenUrl', 'description']),
};

/** oneof messages: which message each arm holds. */
const ONEOFS: Record<string, Record<number, string>> = {
  ParametersItem: { 1: 'Parameter', 2: 'JsonReference' },
  Parameter: { 1: 'BodyParameter', 2: 'NonBodyParameter' },
  NonBodyParameter: { 1: 'HeaderParameterSubSchema', 2: 'FormDataParameterSubSchema', 3: 'QueryParameterSubSchema', 4: 'PathParameterSubSchema' },
  ResponseValue: { 1: 'Response', 2: 'JsonReference' },
  SchemaItem: { 1: 'Schema', 2: 'FileSchema' },
  SecurityDefinitionsItem: {
    1: 'BasicAuthenticationSecurity', 2: 'ApiKeySecurity', 3: 'Oauth2ImplicitSecurity', 4: 'Oauth2PasswordSecurity',
    5: 'Oauth2ApplicationSecurity', 6: 'Oauth2AccessCodeSecurity',
  },
};

/** `repeated Named<T> additional_properties = 1` messages: the value type of each. */
const MAPS: Record<string, string> = {
  Definitions: 'Schema', Properties: 'Schema', ParameterDefinitions: 'Parameter', ResponseDefinitions: 'Response',
  SecurityDefinitions: 'SecurityDefinitionsItem', Headers: 'Header', Examples: 'Any', Oauth2Scopes: 'string',
  SecurityRequirement: 'StringArray',
};

const bytesOf = (f: RawField) => {
  assert.equal(f.wire, WIRE_BYTES, `field ${f.field} is not length-delimited`);
  return f.value as Buffer;
};
const str = (f: RawField) => bytesOf(f).toString('utf8');

/** Any: only `yaml` (2) is ever set by gnostic. */
function anyYaml(buf: Buffer): string {
  const fs = fieldsOf(buf);
  assert.deepEqual(fs.map((f) => f.field), [2], 'Any carries only yaml');
  return str(fs[0]!);
}

/** Named<T>: name (1), value (2). */
function named(buf: Buffer): [string, Buffer | undefined] {
  let name = '';
  let value: Buffer | undefined;
  for (const f of fieldsOf(buf)) {
    if (f.field === 1) name = str(f);
    else if (f.field === 2) value = bytesOf(f);
    else assert.fail(`unexpected field ${f.field} in a Named entry`);
  }
  return [name, value];
}

function decodeAs(type: string, buf: Buffer): Json {
  if (type === 'Any') return YAML.parse(anyYaml(buf)) as Json;
  if (type === 'string') return buf.toString('utf8');
  if (type === 'StringArray') return fieldsOf(buf).map(str);
  if (type in ONEOFS) {
    const fs = fieldsOf(buf);
    assert.equal(fs.length, 1, `${type} holds exactly one arm`);
    const arm = ONEOFS[type]![fs[0]!.field];
    assert.ok(arm, `${type} has no arm ${fs[0]!.field}`);
    return decodeAs(arm, bytesOf(fs[0]!));
  }
  if (type in MAPS) {
    const out: Obj = {};
    for (const f of fieldsOf(buf)) {
      assert.equal(f.field, 1);
      const [k, v] = named(bytesOf(f));
      out[k] = decodeAs(MAPS[type]!, v ?? Buffer.alloc(0));
    }
    return out;
  }
  switch (type) {
    case 'AdditionalPropertiesItem': {
      const fs = fieldsOf(buf);
      assert.equal(fs.length, 1);
      return fs[0]!.field === 2 ? fs[0]!.value === 1n : decodeAs('Schema', bytesOf(fs[0]!));
    }
    case 'ItemsItem': {
      const fs = fieldsOf(buf);
      assert.equal(fs.length, 1, 'gnostic reads exactly one items schema');
      return decodeAs('Schema', bytesOf(fs[0]!));
    }
    case 'TypeItem': {
      const values = fieldsOf(buf).map(str);
      return values.length === 1 ? values[0]! : values;
    }
    case 'Paths':
    case 'Responses': {
      const out: Obj = {};
      const entryField = type === 'Paths' ? 2 : 1;
      for (const f of fieldsOf(buf)) {
        const [k, v] = named(bytesOf(f));
        out[k] = f.field === entryField ? decodeAs(type === 'Paths' ? 'PathItem' : 'ResponseValue', v!) : (YAML.parse(anyYaml(v!)) as Json);
      }
      return out;
    }
  }
  const table = MESSAGES[type];
  assert.ok(table, `no table for ${type}`);
  const out: Obj = {};
  let last = 0;
  for (const f of fieldsOf(buf)) {
    assert.ok(f.field >= last, `${type}: field ${f.field} after ${last} (gnostic's output is in field order)`);
    last = f.field;
    const spec = table[f.field];
    assert.ok(spec, `${type} has no field ${f.field}`);
    const [name, kind] = spec;
    const push = (v: Json) => ((out[name] ??= []) as Json[]).push(v);
    if (kind === 's') out[name] = str(f);
    else if (kind === 'b') {
      assert.equal(f.wire, WIRE_VARINT);
      out[name] = f.value === 1n;
    } else if (kind === 'i') {
      assert.equal(f.wire, WIRE_VARINT);
      out[name] = Number(BigInt.asIntN(64, f.value as bigint));
    } else if (kind === 'd') {
      assert.equal(f.wire, WIRE_FIXED64);
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(f.value as bigint);
      out[name] = b.readDoubleLE(0);
    } else if (kind === 'ss') push(str(f));
    else if (kind === 'any') out[name] = YAML.parse(anyYaml(bytesOf(f))) as Json;
    else if (kind === 'anys') push(YAML.parse(anyYaml(bytesOf(f))) as Json);
    else if (kind === 'type') out[name] = decodeAs('TypeItem', bytesOf(f));
    else if (kind === 'ext') {
      const [k, v] = named(bytesOf(f));
      assert.ok(k.startsWith('x-'), `extension ${k}`);
      out[k] = YAML.parse(anyYaml(v!)) as Json;
    } else if (kind.startsWith('mm:')) push(decodeAs(kind.slice(3), bytesOf(f)));
    else out[name] = decodeAs(kind.slice(2), bytesOf(f));
  }
  return out;
}

/** Field number → raw fields, for assertions on the wire form itself. */
function byField(buf: Buffer): Map<number, RawField[]> {
  const m = new Map<number, RawField[]>();
  for (const f of fieldsOf(buf)) m.set(f.field, [...(m.get(f.field) ?? []), f]);
  return m;
}
const one = (buf: Buffer, n: number): Buffer => {
  const fs = byField(buf).get(n) ?? [];
  assert.equal(fs.length, 1, `field ${n} present once`);
  return bytesOf(fs[0]!);
};
/** The value of the Named entry called `name` among the `field` entries of a message. */
function entry(buf: Buffer, field: number, name: string): Buffer {
  for (const f of byField(buf).get(field) ?? []) {
    const [k, v] = named(bytesOf(f));
    if (k === name) return v ?? Buffer.alloc(0);
  }
  assert.fail(`no entry ${name}`);
}
function extensionYaml(buf: Buffer, field: number, name: string): string {
  return anyYaml(entry(buf, field, name));
}

/** Proto3 leaves zero values out: missing on the decoded side is fine where the JSON holds one. */
function assertSameDocument(orig: Json, dec: Json | undefined, at: string): void {
  const zero = (v: Json) => v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0);
  if (dec === undefined) {
    assert.ok(zero(orig), `${at}: missing after the round trip`);
    return;
  }
  if (Array.isArray(orig)) {
    assert.ok(Array.isArray(dec), `${at}: not an array`);
    assert.equal(dec.length, orig.length, `${at}: length`);
    orig.forEach((v, i) => assertSameDocument(v, dec[i], `${at}[${i}]`));
    return;
  }
  if (orig !== null && typeof orig === 'object') {
    assert.ok(dec !== null && typeof dec === 'object' && !Array.isArray(dec), `${at}: not an object`);
    for (const k of Object.keys(dec)) assert.ok(k in orig, `${at}.${k}: not in the original`);
    for (const [k, v] of Object.entries(orig)) assertSameDocument(v, dec[k], `${at}.${k}`);
    return;
  }
  assert.equal(dec, orig, at);
}

// ---------------------------------------------------------------------------------------------------------

describe('encodeOpenAPIv2Protobuf over upstream swagger.json', { skip: !haveUpstream && 'shared/k8s-reference is absent' }, () => {
  it('produces the bytes kube-apiserver serves for the same document', () => {
    // SHA-256 of gnostic-models v0.6.9 `openapi_v2.ParseDocument` + google.golang.org/protobuf v1.36
    // `proto.Marshal` over this swagger.json (sha256 4835…2446), i.e. kube-openapi's ToProtoBinary.
    const digest = createHash('sha256').update(upstreamEncoded()).digest('hex');
    assert.equal(upstreamEncoded().length, 2_443_481);
    assert.equal(digest, 'ceacbb5387dec718ff2d39e5775e0eaf7c490dc0444033daebda69a4469563eb');
  });

  it('decodes back to the same document, field for field', () => {
    const decoded = decodeAs('Document', upstreamEncoded()) as Obj;
    assert.equal(Object.keys(decoded.definitions as Obj).length, 735);
    assert.equal(Object.keys(decoded.paths as Obj).length, 537);
    assertSameDocument(upstream, decoded, '$');
  });

  it('keeps definitions, paths and properties in Go map order', () => {
    const doc = upstreamEncoded();
    const names = (buf: Buffer, field: number) => (byField(buf).get(field) ?? []).map((f) => named(bytesOf(f))[0]);
    const defs = names(one(doc, 9), 1);
    assert.deepEqual(defs, Object.keys(upstream.definitions as Obj).sort());
    assert.deepEqual(names(one(doc, 8), 2), Object.keys(upstream.paths as Obj).sort());
    const container = entry(one(doc, 9), 1, 'io.k8s.api.core.v1.Container');
    const props = names(one(container, 25), 1);
    assert.equal(props.length, 25);
    assert.deepEqual(props, Object.keys((upstream.definitions as Record<string, Obj>)['io.k8s.api.core.v1.Container']!.properties as Obj).sort());
    assert.deepEqual(props.slice(0, 4), ['args', 'command', 'env', 'envFrom']);
  });

  it('carries the extensions kubectl and strategic merge read, as YAML', () => {
    const defs = one(upstreamEncoded(), 9);
    const def = (n: string) => entry(defs, 1, n);
    const prop = (d: string, p: string) => entry(one(def(d), 25), 1, p);
    assert.equal(extensionYaml(def('io.k8s.api.core.v1.Pod'), 31, 'x-kubernetes-group-version-kind'), '- group: ""\n  kind: Pod\n  version: v1\n');
    assert.equal(
      extensionYaml(def('io.k8s.api.apps.v1.Deployment'), 31, 'x-kubernetes-group-version-kind'),
      '- group: apps\n  kind: Deployment\n  version: v1\n',
    );
    const ports = prop('io.k8s.api.core.v1.Container', 'ports');
    assert.deepEqual(
      (byField(ports).get(31) ?? []).map((f) => named(bytesOf(f))).map(([k, v]) => [k, anyYaml(v!)]),
      [
        ['x-kubernetes-list-map-keys', '- containerPort\n- protocol\n'],
        ['x-kubernetes-list-type', 'map\n'],
        ['x-kubernetes-patch-merge-key', 'containerPort\n'],
        ['x-kubernetes-patch-strategy', 'merge\n'],
      ],
    );
    const containers = prop('io.k8s.api.core.v1.PodSpec', 'containers');
    assert.equal(extensionYaml(containers, 31, 'x-kubernetes-patch-strategy'), 'merge\n');
    assert.equal(extensionYaml(containers, 31, 'x-kubernetes-patch-merge-key'), 'name\n');
    assert.deepEqual(decodeAs('Schema', def('io.k8s.apimachinery.pkg.util.intstr.IntOrString')), (upstream.definitions as Obj)['io.k8s.apimachinery.pkg.util.intstr.IntOrString']);
    assert.equal(extensionYaml(prop('io.k8s.api.core.v1.PodSpec', 'nodeSelector'), 31, 'x-kubernetes-map-type'), 'atomic\n');
    assert.equal(
      extensionYaml(def('io.k8s.api.core.v1.SeccompProfile'), 31, 'x-kubernetes-unions'),
      '- discriminator: type\n  fields-to-discriminateBy:\n    localhostProfile: LocalhostProfile\n',
    );
    // A property holding a $ref and a description, and a map whose values are a schema.
    const data = decodeAs('Schema', prop('io.k8s.api.core.v1.ConfigMap', 'data')) as Obj;
    const cm = (upstream.definitions as Record<string, { properties: Record<string, Obj> }>)['io.k8s.api.core.v1.ConfigMap']!;
    assert.deepEqual(data.additionalProperties, cm.properties.data!.additionalProperties);
    assert.deepEqual(data.additionalProperties, { type: 'string' });
    assert.equal(data.type, 'object');
    const typeItem = one(prop('io.k8s.api.core.v1.ConfigMap', 'data'), 22);
    assert.deepEqual(fieldsOf(typeItem).map(str), ['object'], 'type is a TypeItem with one value');
    const required = (byField(def('io.k8s.api.core.v1.Container')).get(19) ?? []).map(str);
    assert.deepEqual(required, ['name']);
  });

  it('gives the ConfigMap PATCH operation the parameters kubectl looks for', () => {
    const paths = one(upstreamEncoded(), 8);
    const item = entry(paths, 2, '/api/v1/namespaces/{namespace}/configmaps/{name}');
    const patch = one(item, 8);
    assert.equal(extensionYaml(patch, 13, 'x-kubernetes-action'), 'patch\n');
    assert.equal(extensionYaml(patch, 13, 'x-kubernetes-group-version-kind'), 'group: ""\nkind: ConfigMap\nversion: v1\n');
    // ParametersItem → JsonReference (2), or → Parameter (1) → NonBodyParameter (2) → QueryParameterSubSchema (3).
    const items = (buf: Buffer, field: number): Obj[] =>
      (byField(buf).get(field) ?? []).map((f): Obj => {
        const item = fieldsOf(bytesOf(f));
        assert.equal(item.length, 1);
        if (item[0]!.field === 2) return { ref: str(fieldsOf(bytesOf(item[0]!))[0]!) };
        const param = fieldsOf(bytesOf(item[0]!));
        assert.deepEqual(param.map((x) => x.field), [2], 'a non-body Parameter');
        const sub = fieldsOf(bytesOf(param[0]!))[0]!;
        return { arm: sub.field, ...(decodeAs(ONEOFS.NonBodyParameter![sub.field]!, bytesOf(sub)) as Obj) };
      });
    assert.deepEqual(
      items(patch, 8).map((p) => ('ref' in p ? p.ref : `${p.arm}:${p.in}:${p.name}`)),
      ['#/parameters/body-78PwaGsr', '3:query:dryRun', '#/parameters/fieldManager-7c6nTn1T', '3:query:fieldValidation', '#/parameters/force-tOGGb0Yi'],
    );
    const fieldValidation = items(patch, 8)[3] as Obj;
    assert.equal(fieldValidation.type, 'string');
    assert.equal(fieldValidation.uniqueItems, true);
    assert.match(fieldValidation.description as string, /^fieldValidation instructs the server/);
    // Path-wide parameters: the name inline (a PathParameterSubSchema), the rest shared.
    assert.deepEqual(
      items(item, 9).map((p) => ('ref' in p ? p.ref : `${p.arm}:${p.in}:${p.name}:${p.required}`)),
      ['4:path:name:true', '#/parameters/namespace-vgWSWtn3', '#/parameters/pretty-tJGM1-ng'],
    );
    const shared = one(upstreamEncoded(), 10);
    const body = fieldsOf(entry(shared, 1, 'body-78PwaGsr'));
    assert.deepEqual(body.map((x) => x.field), [1], 'the shared body parameter is a BodyParameter');
    assert.deepEqual(decodeAs('BodyParameter', bytesOf(body[0]!)), {
      name: 'body',
      in: 'body',
      required: true,
      schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' },
    });
    assert.deepEqual(decodeAs('Parameter', entry(shared, 1, 'namespace-vgWSWtn3')), {
      required: true,
      in: 'path',
      description: 'object name and auth scope, such as for teams and projects',
      name: 'namespace',
      type: 'string',
      uniqueItems: true,
    });
  });

  it('encodes security definitions and the document-wide security requirement', () => {
    const doc = upstreamEncoded();
    const item = fieldsOf(entry(one(doc, 13), 1, 'BearerToken'));
    assert.equal(item.length, 1);
    assert.equal(item[0]!.field, 2, 'BearerToken is an ApiKeySecurity');
    assert.deepEqual(decodeAs('ApiKeySecurity', bytesOf(item[0]!)), {
      type: 'apiKey',
      name: 'authorization',
      in: 'header',
      description: 'Bearer Token authentication',
    });
    const security = one(doc, 12);
    assert.deepEqual(named(bytesOf(fieldsOf(security)[0]!)), ['BearerToken', Buffer.alloc(0)]);
    assert.deepEqual(decodeAs('Info', one(doc, 2)), { title: 'Kubernetes', version: 'unversioned' });
    assert.equal(str(byField(doc).get(1)![0]!), '2.0');
  });
});

describe('encodeOpenAPIv2Protobuf: proto3 presence, oneof arms and ordering', () => {
  const base = (extra: Obj): Obj => ({ swagger: '2.0', info: { title: 't', version: 'v' }, paths: {}, ...extra });
  const definition = (schema: Json): Buffer => entry(one(encodeOpenAPIv2Protobuf(base({ definitions: { T: schema } })), 9), 1, 'T');

  it('writes additionalProperties false (a oneof member at its zero value) and empty messages', () => {
    const f = definition({ type: 'object', additionalProperties: false, properties: {} });
    assert.deepEqual([...one(f, 21)], [0x10, 0x00], 'AdditionalPropertiesItem.boolean = false is on the wire');
    assert.equal(one(f, 25).length, 0, 'properties: {} is an empty Properties message');
    assert.deepEqual([...one(definition({ additionalProperties: true }), 21)], [0x10, 0x01]);
    const schemaArm = fieldsOf(one(definition({ additionalProperties: { type: 'string' } }), 21));
    assert.equal(schemaArm[0]!.field, 1);
    assert.deepEqual(decodeAs('Schema', bytesOf(schemaArm[0]!)), { type: 'string' });
    assert.deepEqual(fieldsOf(one(definition({ items: {} }), 23)).map((x) => [x.field, (x.value as Buffer).length]), [[1, 0]]);
  });

  it('leaves zero scalars out and keeps negative integers and doubles', () => {
    const f = definition({ description: '', readOnly: false, minLength: 0, maximum: 0, minimum: -1.5, maxLength: -1, required: ['', 'a'] });
    assert.deepEqual([...byField(f).keys()], [9, 11, 19]);
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(byField(f).get(9)![0]!.value as bigint);
    assert.equal(b.readDoubleLE(0), -1.5);
    assert.equal(byField(f).get(11)![0]!.value, 2n ** 64n - 1n, 'int64 -1 is ten bytes of two’s complement');
    assert.deepEqual(byField(f).get(19)!.map(str), ['', 'a'], 'repeated strings keep empty elements');
  });

  it('takes the oneof arm gnostic takes', () => {
    const doc = base({
      paths: {
        '/p/{name}': {
          parameters: [{ $ref: '#/parameters/shared' }],
          post: {
            parameters: [
              { in: 'body', name: 'body', required: true, schema: { type: 'object' } },
              { in: 'query', name: 'q', type: 'boolean' },
              { in: 'path', name: 'name', required: true, type: 'string' },
              { in: 'header', name: 'h', type: 'string' },
              { in: 'formData', name: 'f', type: 'file' },
              { name: 'noin', type: 'string' },
            ],
            responses: { '200': { description: 'ok', schema: { type: 'file' } }, '201': { description: 'c', schema: { type: 'file', minLength: 1 } }, default: { $ref: '#/responses/r' } },
          },
        },
      },
      parameters: { shared: { in: 'query', name: 's', type: 'string' } },
      responses: { r: { description: 'r' } },
      securityDefinitions: {
        a: { type: 'basic' },
        b: { type: 'apiKey', name: 'n', in: 'query' },
        c: { type: 'oauth2', flow: 'implicit', authorizationUrl: 'u', scopes: { read: 'r' } },
        d: { type: 'oauth2', flow: 'password', tokenUrl: 't' },
        e: { type: 'oauth2', flow: 'application', tokenUrl: 't' },
        f: { type: 'oauth2', flow: 'accessCode', authorizationUrl: 'u', tokenUrl: 't' },
      },
    });
    const pb = encodeOpenAPIv2Protobuf(doc);
    const item = entry(one(pb, 8), 2, '/p/{name}');
    // The arms taken from ParametersItem down: JsonReference (2) and BodyParameter (1, 1) end the walk.
    const armPath = (param: Buffer): number[] => {
      const out: number[] = [];
      let cur = param;
      for (const stopAt of [2, 1, 0]) {
        const [f, ...rest] = fieldsOf(cur);
        assert.ok(f && rest.length === 0, 'a oneof holds exactly one arm');
        out.push(f.field);
        if (f.field === stopAt) break;
        cur = bytesOf(f);
      }
      return out;
    };
    assert.deepEqual(armPath(bytesOf(byField(item).get(9)![0]!)), [2], '$ref → JsonReference');
    const post = one(item, 4);
    assert.deepEqual(
      byField(post).get(8)!.map((f) => armPath(bytesOf(f))),
      // body; query; path; header; formData; no `in` at all: every arm but path (which needs `required`)
      // parses, and gnostic keeps the last one that did, the query arm.
      [[1, 1], [1, 2, 3], [1, 2, 4], [1, 2, 1], [1, 2, 2], [1, 2, 3]],
    );
    const responses = one(post, 9);
    const arm = (code: string) => {
      const rv = fieldsOf(entry(responses, 1, code))[0]!;
      if (rv.field === 2) return 'JsonReference';
      return fieldsOf(one(bytesOf(rv), 2))[0]!.field === 2 ? 'FileSchema' : 'Schema';
    };
    // {type: file} parses as both a Schema and a FileSchema; the later arm wins. minLength is not a
    // FileSchema key, so that one stays a Schema.
    assert.deepEqual(['200', '201', 'default'].map(arm), ['FileSchema', 'Schema', 'JsonReference']);
    const sec = one(pb, 13);
    assert.deepEqual(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((k) => fieldsOf(entry(sec, 1, k))[0]!.field),
      [1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual(decodeAs('SecurityDefinitionsItem', entry(sec, 1, 'c')), {
      type: 'oauth2',
      flow: 'implicit',
      scopes: { read: 'r' },
      authorizationUrl: 'u',
    });
  });

  it('orders map entries as Go does, whatever the insertion order', () => {
    const sorted = base({ definitions: { A: { properties: { a: {}, b: {} }, 'x-a': 1, 'x-b': 2 }, B: {} } });
    const shuffled = base({ definitions: { B: {}, A: { 'x-b': 2, properties: { b: {}, a: {} }, 'x-a': 1 } } });
    assert.deepEqual(encodeOpenAPIv2Protobuf(shuffled), encodeOpenAPIv2Protobuf(sorted));
    const keys = (o: object) => Object.keys(o);
    assert.deepEqual(keys(decodeAs('Definitions', one(encodeOpenAPIv2Protobuf(shuffled), 9)) as Obj), ['A', 'B']);
  });

  it('drops undefined members as JSON does', () => {
    assert.deepEqual(
      encodeOpenAPIv2Protobuf({ ...base({}), definitions: { T: { description: undefined, type: 'string' } } }),
      encodeOpenAPIv2Protobuf(base({ definitions: { T: { type: 'string' } } })),
    );
  });
});

describe('gnosticYaml (Any.yaml as yaml.v3 writes it for gnostic)', () => {
  // Inputs and outputs as gnostic-models v0.6.9 / yaml.v3 v3.0.1 produced them.
  const cases: Array<[Json, string]> = [
    ['merge', 'merge\n'],
    ['', '""\n'],
    ['true', '"true"\n'],
    ['yes', 'yes\n'],
    ['123', '"123"\n'],
    ['1.5', '"1.5"\n'],
    ['0x1F', '"0x1F"\n'],
    ['10Gi', '10Gi\n'],
    ['2021-02-03', '"2021-02-03"\n'],
    ['2021-02-30', '2021-02-30\n'],
    ['a: b', "'a: b'\n"],
    ['- a', "'- a'\n"],
    ['#x', "'#x'\n"],
    [' lead', "' lead'\n"],
    ['tab\there', '"tab\\there"\n'],
    ["it's", "it's\n"],
    ['line1\nline2', '|-\n    line1\n    line2\n'],
    ['line1\nline2\n', '|\n    line1\n    line2\n'],
    ['\nlead', '|4-\n    lead\n'],
    ['trail \nx', '"trail \\nx"\n'],
    ['emoji 😀', '"emoji \\U0001F600"\n'],
    ['\ufeffbom', '"\\uFEFF\\x62\\x6F\\x6D"\n'],
    ['a\u0085b', 'a b\n'],
    ['a \u0085\u0085 b', '|-\n    a\n    b\n'],
    [[{ group: '', kind: 'Pod', version: 'v1' }], '- group: ""\n  kind: Pod\n  version: v1\n'],
    [{ version: 'v1', group: 'apps', kind: 'Deployment' }, 'group: apps\nkind: Deployment\nversion: v1\n'],
    [['containerPort', 'protocol'], '- containerPort\n- protocol\n'],
    [
      [{ discriminator: 'type', 'fields-to-discriminateBy': { localhostProfile: 'LocalhostProfile' } }],
      '- discriminator: type\n  fields-to-discriminateBy:\n    localhostProfile: LocalhostProfile\n',
    ],
    [
      { a: [], b: {}, c: [[1, 2], []], d: null, e: false, f: -1.5e-7, true: 1, '': 2 },
      '"": 2\na: []\nb: {}\nc:\n    - - 1\n      - 2\n    - []\nd: null\ne: false\nf: -1.5e-7\n"true": 1\n',
    ],
    [{ rule: 'self.minReplicas <= self.replicas', message: 'a\nb' }, 'message: |-\n    a\n    b\nrule: self.minReplicas <= self.replicas\n'],
    [true, 'true\n'],
    [null, 'null\n'],
    [0, '0\n'],
    [1e21, '1e+21\n'],
    [{ ['k'.repeat(129)]: 1 }, `? ${'k'.repeat(129)}\n: 1\n`],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input).slice(0, 60)}`, () => assert.equal(gnosticYaml(input), expected));
  }
});

describe('encodeOpenAPIv2Protobuf rejects what gnostic rejects (kube-apiserver answers 503)', () => {
  const base = (extra: Obj): Obj => ({ swagger: '2.0', info: { title: 't', version: 'v' }, paths: {}, ...extra });
  const rejects = (doc: Obj, pattern: RegExp) =>
    assert.throws(() => encodeOpenAPIv2Protobuf(doc), (err: unknown) => err instanceof OpenAPIv2ProtobufError && pattern.test(err.message));

  it('reports schema, parameter and document errors with their location', () => {
    rejects({ swagger: '2.0', paths: {} }, /\$root is missing required property: info/);
    rejects(base({ swagger: '3.0' }), /unexpected value for swagger: 3\.0/);
    rejects(base({ definitions: { T: { nullable: true } } }), /\$root\.definitions\.T has invalid property: nullable/);
    rejects(base({ definitions: { T: { maxLength: 1.5 } } }), /unexpected value for maxLength/);
    rejects(base({ paths: { '/a': { get: { responses: {}, parameters: [{ in: 'cookie', name: 'c', type: 'string' }] } } } }), /contains an invalid ParametersItem/);
    rejects(base({ paths: { '/a': { get: {} } } }), /missing required property: responses/);
    rejects(base({ paths: { nope: {} } }), /\$root\.paths has invalid property: nope/);
  });

  it('refuses text YAML cannot carry', () => {
    rejects(base({ definitions: { T: { description: 'bad \uffff' } } }), /character YAML cannot carry/);
    rejects(base({ definitions: { 'a\u0085b': {} } }), /holds a line break/);
    rejects(base({ definitions: { ['k'.repeat(1023)]: {} } }), /longer than YAML allows/);
    rejects(base({ definitions: { T: { description: 'a\u0085--- b' } } }), /document marker/);
    assert.doesNotThrow(() => encodeOpenAPIv2Protobuf(base({ definitions: { ['k'.repeat(1022)]: {} } })));
  });
});

// ---------------------------------------------------------------------------------------------------------
// Real kubectl 1.27 and 1.28, which read /openapi/v2 only as protobuf.

const kubectls: KubectlBinary[] = (() => {
  try {
    return findKubectlBinaries().filter((b) => !b.onPath && (b.minor === 27 || b.minor === 28));
  } catch {
    return [];
  }
})();

function kubeconfigFor(dir: string, name: string, server: string): string {
  const file = path.join(dir, `${name}.kubeconfig`);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: c\n  cluster:\n    server: ${server}`,
      'contexts:',
      '- name: c\n  context:\n    cluster: c\n    user: u\n    namespace: default',
      'users:',
      '- name: u\n  user: {}',
      'current-context: c',
      '',
    ].join('\n'),
  );
  return file;
}

/**
 * Serves /openapi/v2 as protobuf from documents encoded here and 404s /openapi/v3, so kubectl has only the
 * v2 protobuf to go by; every other request goes to the real server. The first path segment picks the
 * document (kubectl keeps a server URL's path as a prefix).
 */
function startV2Proxy(target: string, docs: Record<string, Buffer>): Promise<http.Server> {
  const up = new URL(target);
  const server = http.createServer((req, res) => {
    const [, variant, ...rest] = (req.url ?? '/').split('/');
    const body = docs[variant ?? ''];
    const url = '/' + rest.join('/');
    const p = url.split('?')[0]!;
    if (!body) return void res.writeHead(404).end();
    if (p === '/openapi/v2') {
      if (!/protobuf/.test(req.headers.accept ?? '')) return void res.writeHead(406).end();
      return void res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' }).end(body);
    }
    if (p === '/openapi/v3' || p.startsWith('/openapi/v3/')) return void res.writeHead(404).end();
    const forward = http.request({ host: up.hostname, port: up.port, path: url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const words = (s: string) => s.replace(/\s+/g, ' ').trim();
/** The block under DESCRIPTION:, as one line. */
const explainDescription = (out: string) => words(/\nDESCRIPTION:\n([\s\S]*?)\n(?:FIELDS:|$)/.exec(out)?.[1] ?? '');
/** `name\t<type>[ -required-]` lines of a non-recursive explain (indented 2 or, from v2, 3 spaces). */
const explainFields = (out: string) => out.split('\n').filter((l) => /^ {2,3}\S+\t</.test(l)).map((l) => l.trim());

describe('kubectl 1.27 and 1.28 reading the protobuf', { skip: kubectls.length === 0 && 'no kubectl.1.27/1.28 found' }, () => {
  let cluster: TestCluster;
  let proxy: http.Server | undefined;
  let dir: string;
  let direct: string;
  let viaUpstream = '';
  let viaNoFieldValidation = '';
  const T = { timeout: 90_000 };

  before(async () => {
    cluster = await startTestCluster();
    dir = mkdtempSync(path.join(os.tmpdir(), 'v2-protobuf-kubectl-'));
    direct = kubeconfigFor(dir, 'direct', cluster.url);
    if (haveUpstream) {
      // The same upstream document without fieldValidation on the ConfigMap PATCH: kubectl must then fall
      // back to client-side validation, which proves it read that operation's parameters from our bytes.
      const stripped = JSON.parse(JSON.stringify(upstream)) as Obj;
      const op = (stripped.paths as Record<string, Record<string, Obj>>)['/api/v1/namespaces/{namespace}/configmaps/{name}']!.patch!;
      op.parameters = (op.parameters as Obj[]).filter((p) => p.name !== 'fieldValidation');
      proxy = await startV2Proxy(cluster.url, { upstream: upstreamEncoded(), nofv: encodeOpenAPIv2Protobuf(stripped) });
      const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      viaUpstream = kubeconfigFor(dir, 'upstream', `${base}/upstream`);
      viaNoFieldValidation = kubeconfigFor(dir, 'nofv', `${base}/nofv`);
    }
  });

  after(async () => {
    await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const configMap = (name: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: b\n${extra}`;

  for (const bin of kubectls) {
    describe(`${bin.label} ${bin.gitVersion}`, () => {
      const tag = `v1-${bin.minor}`;
      const kubectl = (kubeconfig: string) => new Kubectl(bin, kubeconfig, 60_000);
      async function ok(k: Kubectl, args: string[]): Promise<KubectlResult> {
        const r = await k.run(args);
        assert.equal(r.code, 0, show(r));
        return r;
      }

      it('explains pods.spec.containers from the server’s own document', T, async (t) => {
        if (!existsSync(OURS)) return t.skip('openapi/v2/swagger.json is not generated');
        const k = kubectl(direct);
        try {
          // By default these versions fetch /openapi/v2 first, then render from v3.
          const r = await ok(k, ['explain', 'pods.spec.containers', '-v=6']);
          assert.match(r.stderr, /GET \S+\/openapi\/v2\?timeout=32s 200 OK/, show(r));
          assert.match(r.stdout, /^KIND: {7}Pod\nVERSION: {4}v1\n\nFIELD: containers <\[\]Container>\n/, show(r));
          // plaintext-openapiv2 renders from the protobuf alone.
          const v2 = await ok(k, ['explain', 'pods.spec.containers', '--output=plaintext-openapiv2']);
          assert.match(v2.stdout, /^KIND: {5}Pod\nVERSION: {2}v1\n\nRESOURCE: containers <\[\]Object>\n/, show(v2));
          const fields = explainFields(v2.stdout);
          for (const line of ['args\t<[]string>', 'image\t<string>', 'name\t<string> -required-', 'ports\t<[]Object>']) {
            assert.ok(fields.includes(line), `missing ${JSON.stringify(line)}\n${show(v2)}`);
          }
          const ours = JSON.parse(readFileSync(OURS, 'utf8')) as {
            definitions: Record<string, { description?: string; properties?: Record<string, { description?: string }> }>;
          };
          const container = ours.definitions['io.k8s.api.core.v1.Container']!;
          assert.deepEqual(
            fields.map((l) => l.split('\t')[0]),
            Object.keys(container.properties!).sort(),
          );
          const d = ours.definitions['io.k8s.api.core.v1.PodSpec']!.properties!.containers!.description!;
          assert.equal(explainDescription(v2.stdout), words(`${d} ${container.description}`), show(v2));
        } finally {
          k.cleanup();
        }
      });

      it('creates a ConfigMap on the real server with validation on (fieldValidation=Strict)', T, async () => {
        const k = kubectl(direct);
        try {
          const name = `pb-direct-${tag}`;
          const r = await ok(k, ['create', '-f', k.writeFile('cm.yaml', configMap(name)), '-v=6']);
          assert.equal(r.stdout, `configmap/${name} created\n`);
          assert.match(r.stderr, /GET \S+\/openapi\/v2\?timeout=32s 200 OK/, show(r));
          assert.match(r.stderr, /POST \S+\/api\/v1\/namespaces\/default\/configmaps\?fieldManager=kubectl-create&fieldValidation=Strict 201/, show(r));
          const bad = await k.run(['create', '-f', k.writeFile('bad.yaml', configMap(`${name}-bad`, 'bogus: 1\n'))]);
          assert.equal(bad.code, 1, show(bad));
          assert.match(bad.stderr, /strict decoding error: unknown field "bogus"/, show(bad));
          await ok(k, ['delete', 'configmap', name]);
        } finally {
          k.cleanup();
        }
      });

      it('explains from upstream’s document encoded here, with upstream’s text', T, async (t) => {
        if (!haveUpstream) return t.skip('shared/k8s-reference is absent');
        const k = kubectl(viaUpstream);
        try {
          // With /openapi/v3 missing, explain renders from the v2 protobuf.
          const r = await ok(k, ['explain', 'pods.spec.containers']);
          assert.match(r.stdout, /^KIND: {5}Pod\nVERSION: {2}v1\n\nRESOURCE: containers <\[\]Object>\n/, show(r));
          const defs = upstream.definitions as Record<string, { description?: string; properties?: Record<string, { description?: string }>; required?: string[] }>;
          const container = defs['io.k8s.api.core.v1.Container']!;
          // kubectl prints the field's description, then its type's.
          assert.equal(
            explainDescription(r.stdout),
            words(`${defs['io.k8s.api.core.v1.PodSpec']!.properties!.containers!.description} ${container.description}`),
            show(r),
          );
          const fields = explainFields(r.stdout);
          assert.deepEqual(fields.map((l) => l.split('\t')[0]), Object.keys(container.properties!).sort(), show(r));
          assert.deepEqual(fields.filter((l) => l.endsWith(' -required-')).map((l) => l.split('\t')[0]), container.required);
          assert.ok(fields.includes('env\t<[]Object>'), show(r));
          const image = /\n {3}image\t<string>\n([\s\S]*?)\n\n/.exec(r.stdout)?.[1] ?? '';
          assert.equal(words(image), words(container.properties!.image!.description!));
          const strategy = await ok(k, ['explain', 'deployment.spec.strategy.type']);
          assert.match(strategy.stdout, /^KIND: {5}Deployment\nVERSION: {2}apps\/v1\n\nFIELD: {4}type <string>\n/, show(strategy));
          assert.equal(
            explainDescription(strategy.stdout),
            words(defs['io.k8s.api.apps.v1.DeploymentStrategy']!.properties!.type!.description!),
          );
        } finally {
          k.cleanup();
        }
      });

      it('decides client-side validation from the PATCH operation in the protobuf', T, async (t) => {
        if (!haveUpstream) return t.skip('shared/k8s-reference is absent');
        const withParam = kubectl(viaUpstream);
        const without = kubectl(viaNoFieldValidation);
        try {
          // fieldValidation listed: kubectl leaves validation to the server.
          const a = `pb-strict-${tag}`;
          const r = await ok(withParam, ['create', '-f', withParam.writeFile('cm.yaml', configMap(a)), '-v=6']);
          assert.match(r.stderr, /GET \S+\/openapi\/v3\?timeout=32s 404/, show(r));
          assert.match(r.stderr, /POST \S+\/configmaps\?fieldManager=kubectl-create&fieldValidation=Strict 201/, show(r));
          const serverSide = await withParam.run(['create', '-f', withParam.writeFile('bad.yaml', configMap(`${a}-bad`, 'bogus: 1\n')), '-v=6']);
          assert.equal(serverSide.code, 1, show(serverSide));
          assert.match(serverSide.stderr, /POST \S+\/configmaps\?\S+ 400/, show(serverSide));
          assert.match(serverSide.stderr, /strict decoding error: unknown field "bogus"/, show(serverSide));

          // Not listed: kubectl validates against our encoded definitions before sending anything.
          const b = `pb-client-${tag}`;
          await ok(without, ['create', '-f', without.writeFile('cm.yaml', configMap(b))]);
          const unknown = await without.run(['create', '-f', without.writeFile('bad.yaml', configMap(`${b}-bad`, 'bogus: 1\n')), '-v=6']);
          assert.equal(unknown.code, 1, show(unknown));
          assert.match(unknown.stderr, /ValidationError\(ConfigMap\): unknown field "bogus" in io\.k8s\.api\.core\.v1\.ConfigMap/, show(unknown));
          assert.doesNotMatch(unknown.stderr, /POST /, 'rejected before any request');
          const wrongType = await without.run(['create', '-f', without.writeFile('bad2.yaml', configMap(`${b}-bad2`).replace('a: b', 'a: [1]'))]);
          assert.equal(wrongType.code, 1, show(wrongType));
          assert.match(wrongType.stderr, /ValidationError\(ConfigMap\.data\.a\): invalid type for io\.k8s\.api\.core\.v1\.ConfigMap\.data: got "array", expected "string"/, show(wrongType));
          await ok(withParam, ['delete', 'configmap', a, b]);
        } finally {
          withParam.cleanup();
          without.cleanup();
        }
      });
    });
  }
});
