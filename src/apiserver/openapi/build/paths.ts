// Paths and operations for everything the catalogue serves, laid out as kube-apiserver's installer lays
// them out: one path per collection, item and subresource, one operation per verb, operation ids such as
// `listCoreV1NamespacedPod`, `x-kubernetes-action` and `x-kubernetes-group-version-kind` on each.
import type { ResourceDecl, Verb } from '../../../api/types.ts';
import { META, PATCH } from '../../../api/schema/facts.ts';
import { cmp, refTo, type GVK, type Json, type JsonObject } from './json.ts';
import { ACTION_QUERY_PARAMS, pathParam, queryParam } from './params.ts';


// Wheelhouse serves JSON, YAML and protobuf; no CBOR, so the documents do not offer it.
const PRODUCES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const PRODUCES_WATCH = [...PRODUCES, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

export interface KindRef {
  gvk: GVK;
  /** Definition name of the kind and of its list. */
  definition: string;
  listDefinition?: string;
}

/** How the builder finds definition names; the generator fills it from the definition set. */
export type DefinitionOf = (gvk: GVK) => string;

function camel(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `Core`, `Apps`, `Coordination`, `FlowcontrolApiserver`: the group as operation ids spell it. */
export function groupWord(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map(camel)
    .join('');
}

export function groupTag(group: string): string {
  const w = groupWord(group);
  return w.charAt(0).toLowerCase() + w.slice(1);
}

export function gvPrefix(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

interface OperationSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  action: 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection' | 'get';
  operationId: string;
  description: string;
  tag: string;
  gvk: GVK;
  body?: { definition: string; required: boolean };
  queryParams: string[];
  responses: [code: string, definition: string][];
  watch?: boolean;
  /** The operation answers text (pods/log); its parameter texts come from this client request interface. */
  text?: { request: string };
  /** A custom resource's: JSON and YAML only, and no strategic merge patch. */
  custom?: boolean;
}

const CUSTOM_PRODUCES = ['application/json', 'application/yaml'];
const CUSTOM_PATCH_TYPES = PATCH_TYPES.filter((t) => t !== 'application/strategic-merge-patch+json');

function buildOperation(o: OperationSpec): JsonObject {
  const params: JsonObject[] = [];
  if (o.body) {
    const b: JsonObject = { in: 'body', name: 'body' };
    if (o.body.required) b['required'] = true;
    b['schema'] = { $ref: refTo(o.body.definition) };
    params.push(b);
  }
  for (const q of o.queryParams) params.push(queryParam(q, o.action === 'patch' ? 'patch' : 'other', o.text?.request));
  const responses: JsonObject = {};
  const text: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };
  for (const [code, def] of o.responses) {
    responses[code] = { description: text[code]!, schema: o.text ? { type: 'string' } : { $ref: refTo(def) } };
  }
  responses['401'] = { description: 'Unauthorized' };
  const op: JsonObject = {
    consumes: o.action === 'patch' ? (o.custom ? CUSTOM_PATCH_TYPES : PATCH_TYPES) : ['*/*'],
    description: o.description,
    operationId: o.operationId,
    parameters: params,
    produces: o.custom
      ? o.watch
        ? [...CUSTOM_PRODUCES, 'application/json;stream=watch']
        : CUSTOM_PRODUCES
      : o.watch
        ? PRODUCES_WATCH
        : o.text
          ? ['text/plain', ...PRODUCES]
          : PRODUCES,
    responses,
    schemes: ['https'],
    tags: [o.tag],
    'x-kubernetes-action': o.action,
    'x-kubernetes-group-version-kind': { group: o.gvk.group, kind: o.gvk.kind, version: o.gvk.version },
  };
  return op;
}

const VERB_OPS: Record<Verb, Pick<OperationSpec, 'method' | 'action'> & { idVerb: string; on: 'collection' | 'item' }> = {
  list: { method: 'get', action: 'list', idVerb: 'list', on: 'collection' },
  watch: { method: 'get', action: 'list', idVerb: 'list', on: 'collection' },
  create: { method: 'post', action: 'post', idVerb: 'create', on: 'collection' },
  deletecollection: { method: 'delete', action: 'deletecollection', idVerb: 'delete', on: 'collection' },
  get: { method: 'get', action: 'get', idVerb: 'read', on: 'item' },
  update: { method: 'put', action: 'put', idVerb: 'replace', on: 'item' },
  patch: { method: 'patch', action: 'patch', idVerb: 'patch', on: 'item' },
  delete: { method: 'delete', action: 'delete', idVerb: 'delete', on: 'item' },
};

/** Operations of one resource, grouped by path, before parameters are hoisted. */
export function resourcePaths(decl: ResourceDecl, definitionOf: DefinitionOf): Map<string, { op: JsonObject; pathParams: JsonObject[] }[]> {
  const out = new Map<string, { op: JsonObject; pathParams: JsonObject[] }[]>();
  const operation = (spec: OperationSpec) => buildOperation(decl.custom ? { ...spec, custom: true } : spec);
  const add = (p: string, op: JsonObject, pathParams: JsonObject[]) => {
    const list = out.get(p) ?? [];
    list.push({ op, pathParams });
    out.set(p, list);
  };
  const gvk: GVK = { group: decl.group, version: decl.version, kind: decl.kind };
  const gv = `${groupWord(decl.group)}${camel(decl.version)}`;
  const tag = `${groupTag(decl.group)}_${decl.version}`;
  const prefix = gvPrefix(decl.group, decl.version);
  const def = definitionOf(gvk);
  const listDef = decl.verbs.includes('list') ? definitionOf({ ...gvk, kind: decl.listKind }) : '';
  const ns = decl.namespaced ? 'Namespaced' : '';
  const collection = decl.namespaced ? `${prefix}/namespaces/{namespace}/${decl.resource}` : `${prefix}/${decl.resource}`;
  const item = `${collection}/{name}`;
  const nsParams = decl.namespaced ? [pathParam('namespace')] : [];
  const itemParams = [pathParam('name', decl.kind), ...nsParams];
  const status = `${META}Status`;
  const deleteOptions = `${META}DeleteOptions`;

  const verbs = new Set(decl.verbs);
  for (const verb of ['list', 'create', 'deletecollection', 'get', 'update', 'patch', 'delete'] as const) {
    if (!verbs.has(verb)) continue;
    const v = VERB_OPS[verb];
    const spec: OperationSpec = {
      method: v.method,
      action: v.action,
      operationId: `${v.idVerb}${gv}${verb === 'deletecollection' ? 'Collection' : ''}${ns}${decl.kind}`,
      description: '',
      tag,
      gvk,
      queryParams: ACTION_QUERY_PARAMS[v.action]!,
      responses: [],
    };
    switch (verb) {
      case 'list':
        spec.description = `list or watch objects of kind ${decl.kind}`;
        spec.responses = [['200', listDef]];
        spec.watch = true;
        break;
      case 'create':
        spec.description = `create a ${decl.kind}`;
        spec.body = { definition: def, required: true };
        spec.responses = [['200', def], ['201', def], ['202', def]];
        break;
      case 'deletecollection':
        spec.description = `delete collection of ${decl.kind}`;
        spec.body = { definition: deleteOptions, required: false };
        spec.responses = [['200', status]];
        break;
      case 'get':
        spec.description = `read the specified ${decl.kind}`;
        spec.responses = [['200', def]];
        break;
      case 'update':
        spec.description = `replace the specified ${decl.kind}`;
        spec.body = { definition: def, required: true };
        spec.responses = [['200', def], ['201', def]];
        break;
      case 'patch':
        spec.description = `partially update the specified ${decl.kind}`;
        spec.body = { definition: PATCH, required: true };
        spec.responses = [['200', def], ['201', def]];
        break;
      case 'delete': {
        spec.description = `delete a ${decl.kind}`;
        spec.body = { definition: deleteOptions, required: false };
        const answer = decl.returnDeletedObject ? def : status;
        spec.responses = [['200', answer], ['202', answer]];
        break;
      }
    }
    if (v.on === 'collection') add(collection, operation(spec), nsParams);
    else add(item, operation(spec), itemParams);
    if (verb === 'list' && decl.namespaced) {
      add(`${prefix}/${decl.resource}`, operation({ ...spec, operationId: `list${gv}${decl.kind}ForAllNamespaces` }), []);
    }
  }

  for (const sub of decl.subresources) {
    const subGvk: GVK = { group: sub.group ?? decl.group, version: sub.version ?? decl.version, kind: sub.kind };
    const subDef = definitionOf(subGvk);
    const p = `${item}/${sub.name}`;
    const params = [pathParam('name', sub.kind), ...nsParams];
    const word = camel(sub.name);
    for (const verb of sub.verbs) {
      const v = VERB_OPS[verb];
      const operationId = `${v.idVerb}${gv}${ns}${decl.kind}${word}`;
      const spec: OperationSpec = {
        method: v.method,
        action: v.action,
        operationId,
        description: '',
        tag,
        gvk: subGvk,
        queryParams: sub.textStream?.params ?? ACTION_QUERY_PARAMS[v.action]!,
        responses: [],
      };
      // The client names its request types after the operation: CoreV1ApiReadNamespacedPodLogRequest.
      if (sub.textStream) spec.text = { request: `${gv}Api${camel(v.idVerb)}${ns}${decl.kind}${word}` };
      switch (verb) {
        case 'get':
          spec.description = `read ${sub.name} of the specified ${decl.kind}`;
          spec.responses = [['200', subDef]];
          break;
        case 'update':
          spec.description = `replace ${sub.name} of the specified ${decl.kind}`;
          spec.body = { definition: subDef, required: true };
          spec.responses = [['200', subDef], ['201', subDef]];
          break;
        case 'patch':
          spec.description = `partially update ${sub.name} of the specified ${decl.kind}`;
          spec.body = { definition: PATCH, required: true };
          spec.responses = [['200', subDef], ['201', subDef]];
          break;
        case 'create':
          spec.description = `create ${sub.name} of a ${decl.kind}`;
          spec.body = { definition: subDef, required: true };
          spec.responses = [['200', subDef], ['201', subDef], ['202', subDef]];
          break;
        default:
          throw new Error(`no OpenAPI operation for ${verb} on ${decl.resource}/${sub.name}`);
      }
      add(p, operation(spec), params);
    }
  }
  return out;
}

/** The discovery endpoints kube-apiserver also documents: /api/, /apis/, /apis/<group>/, /<gv>/, /version/. */
export function discoveryPaths(groupVersions: { group: string; version: string }[]): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  const discoveryOp = (operationId: string, description: string, tag: string, def: string): JsonObject => ({
    get: {
      consumes: PRODUCES,
      description,
      operationId,
      produces: PRODUCES,
      responses: { '200': { description: 'OK', schema: { $ref: refTo(def) } }, '401': { description: 'Unauthorized' } },
      schemes: ['https'],
      tags: [tag],
    },
  });
  out.set('/api/', discoveryOp('getCoreAPIVersions', 'get available API versions', 'core', `${META}APIVersions`));
  out.set('/apis/', discoveryOp('getAPIVersions', 'get available API versions', 'apis', `${META}APIGroupList`));
  const groups = [...new Set(groupVersions.map((g) => g.group))].filter((g) => g !== '');
  for (const g of groups) {
    out.set(`/apis/${g}/`, discoveryOp(`get${groupWord(g)}APIGroup`, 'get information of a group', groupTag(g), `${META}APIGroup`));
  }
  for (const gv of groupVersions) {
    out.set(
      `${gvPrefix(gv.group, gv.version)}/`,
      discoveryOp(
        `get${groupWord(gv.group)}${camel(gv.version)}APIResources`,
        'get available resources',
        `${groupTag(gv.group)}_${gv.version}`,
        `${META}APIResourceList`,
      ),
    );
  }
  const version: JsonObject = {
    get: {
      consumes: ['application/json'],
      description: 'get the version information for this server',
      operationId: 'getCodeVersion',
      produces: ['application/json'],
      responses: {
        '200': { description: 'OK', schema: { $ref: refTo('io.k8s.apimachinery.pkg.version.Info') } },
        '401': { description: 'Unauthorized' },
      },
      schemes: ['https'],
      tags: ['version'],
    },
  };
  out.set('/version/', version);
  return out;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * One path item from its operations: a parameter every operation shares moves up to the path, as
 * kube-openapi does; the rest stay per operation. Both lists are sorted by name.
 */
export function pathItem(ops: { op: JsonObject; pathParams: JsonObject[] }[]): JsonObject {
  const key = (p: Json) => JSON.stringify(p);
  const byOp = ops.map(({ op, pathParams }) => [...pathParams, ...((op['parameters'] as JsonObject[]) ?? []), queryParam('pretty')]);
  const shared = byOp[0]!.filter((p) => p['in'] !== 'body' && byOp.every((list) => list.some((q) => key(q) === key(p))));
  const sharedKeys = new Set(shared.map(key));
  const byName = (a: JsonObject, b: JsonObject) => cmp(String(a['name']), String(b['name'])) || cmp(String(a['in']), String(b['in']));
  const item: JsonObject = {};
  ops.forEach(({ op }, i) => {
    const method = METHODS.find((m) => VERB_METHOD[String(op['x-kubernetes-action'])] === m)!;
    const rest = byOp[i]!.filter((p) => !sharedKeys.has(key(p))).sort(byName);
    const copy: JsonObject = { ...op };
    if (rest.length > 0) copy['parameters'] = rest;
    else delete copy['parameters'];
    item[method] = copy;
  });
  item['parameters'] = shared.sort(byName);
  return item;
}

const VERB_METHOD: Record<string, (typeof METHODS)[number]> = {
  list: 'get',
  get: 'get',
  post: 'post',
  put: 'put',
  patch: 'patch',
  delete: 'delete',
  deletecollection: 'delete',
};
