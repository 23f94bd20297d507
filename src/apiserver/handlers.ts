// Verb handlers for resource URLs: decode the request, call the generic store, encode the answer.
import type { Request, Response } from 'express';
import YAML from 'yaml';
import { StatusError, badRequest, conflict, methodNotAllowed, OBJECT_MODIFIED, successStatus, unsupportedMediaType } from '../api/errors.ts';
import { readFieldPath, writeFieldPath } from '../api/field-path.ts';
import { schemaForKind } from '../api/schema/index.ts';
import { groupVersion, type KObject, type ResourceDecl } from '../api/types.ts';
import type { DeleteOptions, ListParams, WatchParams, WriteOptions } from '../registry/options.ts';
import { formatLabelMap, formatLabelSelector, type LabelSelectorSpec } from '../registry/printing.ts';
import type { Registry } from '../registry/registry.ts';
import { nowRFC3339, type GenericStore } from '../registry/store.ts';
import type { Discovery } from './discovery.ts';
import { checkBody, fieldValidationDirective, summarizeBody, typeMetaError, warningHeader } from './field-validation.ts';
import { bodyKind, negotiate, type OutputKind } from './negotiate.ts';
import { managerOrUserAgent, validateManagerOptions } from './field-manager-options.ts';
import { patcher } from './patch.ts';
import { scaleApplyPatcher } from './apply-patch.ts';
import { evictPod } from './eviction.ts';
import { reviewAccess } from './access-review.ts';
import { podLog } from './pod-log.ts';
import { decodeProtobufRequestBody } from './protobuf/decode.ts';
import type { ResourceRoute } from './paths.ts';
import { listJSON, reply, sendBody, sendStatus } from './respond.ts';
import { partialObjectMetadata, toTable, type IncludeObject } from './table.ts';
import { HttpWatchSink } from './watch.ts';
import { boolParam, intParam, q, type Query } from './query.ts';

export interface ServerContext {
  registry: Registry;
  discovery: Discovery;
}

function dryRun(query: Query): boolean {
  const v = query['dryRun'];
  const vals = Array.isArray(v) ? v : v === undefined ? [] : [v];
  for (const x of vals) if (x !== 'All') throw badRequest(`dryRun: Unsupported value: "${x}": supported values: "All"`);
  return vals.length > 0;
}

function listParams(query: Query): ListParams {
  return {
    labelSelector: q(query, 'labelSelector'),
    fieldSelector: q(query, 'fieldSelector'),
    limit: intParam(query, 'limit'),
    continue: q(query, 'continue') || undefined,
    resourceVersion: q(query, 'resourceVersion'),
    resourceVersionMatch: q(query, 'resourceVersionMatch') || undefined,
  };
}

/** Write options of a request; with `req`, fieldManager is validated and the manager defaults from the user agent. */
function writeOptions(query: Query, req?: Request, kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' = 'UpdateOptions'): WriteOptions {
  if (!req) return { dryRun: dryRun(query), fieldManager: q(query, 'fieldManager') };
  validateManagerOptions(query, kind, kind === 'PatchOptions' ? bodyKind(req.get('content-type'), true) : undefined);
  return { dryRun: dryRun(query), fieldManager: managerOrUserAgent(query, req.get('user-agent')) };
}

function includeObject(query: Query): IncludeObject {
  const v = q(query, 'includeObject');
  if (v === 'None' || v === 'Object') return v;
  return 'Metadata';
}

interface DecodedBody {
  value: unknown;
  /** The JSON text, kept for the duplicate-field check and number literals (absent for YAML and protobuf). */
  json?: string;
  protobuf: boolean;
  /** The bytes as sent, which upstream quotes when it cannot tell the kind. */
  raw: Buffer;
}

/** The request body decoded by its Content-Type, or undefined when there is none. */
function readBodyWithText(req: Request): DecodedBody | undefined {
  const buf = req.body as Buffer | undefined;
  if (!Buffer.isBuffer(buf) || buf.length === 0) return undefined;
  const kind = bodyKind(req.get('content-type'), false);
  if (kind === 'protobuf') return { value: decodeProtobufRequestBody(buf), protobuf: true, raw: buf };
  const text = buf.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return kind === 'yaml'
      ? { value: YAML.parse(text), protobuf: false, raw: buf }
      : { value: JSON.parse(text), json: text, protobuf: false, raw: buf };
  } catch (err) {
    throw badRequest(`the object provided is unrecognized: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function readBody(req: Request): unknown {
  return readBodyWithText(req)?.value;
}

function decodeBody(req: Request): unknown {
  const body = readBodyWithText(req);
  if (body === undefined) throw badRequest('the body of the request was empty');
  return body.value;
}

/** The kind a body is decoded into: the resource's, or autoscaling/v1 Scale for the scale subresource. */
type DecodeTarget = Pick<ResourceDecl, 'group' | 'version' | 'kind'>;

/** transformDecodeError upstream: the kind and version the body names (defaulted from the URL), and why it cannot be decoded. */
function cannotBeHandled(value: unknown, decl: DecodeTarget, reason: string): StatusError {
  const sent = (value ?? {}) as { apiVersion?: unknown; kind?: unknown };
  const kind = typeof sent.kind === 'string' && sent.kind ? sent.kind : decl.kind;
  const apiVersion = typeof sent.apiVersion === 'string' && sent.apiVersion ? sent.apiVersion : groupVersion(decl);
  const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
  return badRequest(`${kind} in version "${version}" cannot be handled as a ${decl.kind}: ${reason}`);
}

/**
 * A create or update body, decoded as upstream decodes it into the kind's Go struct: a value of the
 * wrong type fails with 400 whatever `fieldValidation` says; unknown and duplicate fields are refused
 * (Strict), answered with Warning headers (Warn) or dropped silently (Ignore).
 */
function decodeValidated(
  req: Request,
  res: Response,
  decl: DecodeTarget,
  options: 'CreateOptions' | 'UpdateOptions',
  unknownFields?: (obj: KObject) => string[],
): unknown {
  const directive = fieldValidationDirective(q(req.query as Query, 'fieldValidation'), options);
  const body = readBodyWithText(req);
  if (body === undefined) throw badRequest('the body of the request was empty');
  // Protobuf decoding is schema-driven, so it cannot carry unknown or repeated fields or mistyped values.
  if (body.protobuf) return body.value;
  const meta = typeMetaError(body.value);
  if (meta !== undefined) {
    throw badRequest(`the object provided is unrecognized (must be of type ${decl.kind}): ${meta} (${summarizeBody(body.raw)})`);
  }
  // Custom resources are unstructured: no Go types to decode into, only the fields their schema prunes.
  const schema = unknownFields ? undefined : schemaForKind(decl.group, decl.version, decl.kind);
  const check = checkBody(body.json, body.value, schema, directive !== 'Ignore');
  if (unknownFields && directive !== 'Ignore' && body.value !== null && typeof body.value === 'object' && !Array.isArray(body.value)) {
    check.strict.push(...unknownFields(body.value as KObject).map((p) => `unknown field "${p}"`));
  }
  // A body naming another kind is refused by the store; upstream would decode it as that kind.
  const sentKind = (body.value as { kind?: unknown } | null)?.kind;
  if (check.decodeError !== undefined && (typeof sentKind !== 'string' || sentKind === '' || sentKind === decl.kind)) {
    throw cannotBeHandled(body.value, decl, check.decodeError);
  }
  const problems = check.strict;
  if (problems.length === 0 || directive === 'Ignore') return body.value;
  if (directive === 'Strict') throw cannotBeHandled(body.value, decl, `strict decoding error: ${problems.join(', ')}`);
  for (const p of problems) res.append('Warning', warningHeader(p));
  return body.value;
}

function sendObject(res: Response, code: number, store: GenericStore, obj: KObject, out: OutputKind, query: Query): void {
  if (out.type === 'table') {
    sendBody(
      res,
      code,
      toTable(store.strategy, [obj], {
        version: out.version,
        includeObject: includeObject(query),
        resourceVersion: obj.metadata.resourceVersion,
      }),
      out,
    );
    return;
  }
  if (out.type === 'pom') {
    sendBody(res, code, partialObjectMetadata(obj), out);
    return;
  }
  sendBody(res, code, obj, out);
}

/** crdHandler: no new custom objects while their CRD is being deleted (POST or create-on-apply). */
function refuseCreateWhileTerminating(ctx: ServerContext, decl: ResourceDecl): void {
  if (!decl.custom || !ctx.registry.customTerminating(decl)) return;
  const err = methodNotAllowed({ group: decl.group, resource: decl.resource }, 'create');
  err.status.message = 'create not allowed while custom resource definition is terminating';
  throw err;
}

export async function handleResource(ctx: ServerContext, route: ResourceRoute, req: Request, res: Response): Promise<void> {
  const { decl } = route;
  const query = req.query as Query;
  const store = ctx.registry.find(decl.group, decl.resource, decl.version);
  const method = req.method;
  const gr = { group: decl.group, resource: decl.resource };

  if (decl.resource === 'bindings') {
    if (method !== 'POST' || route.name) throw methodNotAllowed(gr, method === 'GET' ? 'get' : 'update');
    await bind(ctx, route.namespace, undefined, decodeBody(req) as KObject, query, res);
    return;
  }
  if (decl.group === 'authorization.k8s.io' && (decl.kind === 'SubjectAccessReview' || decl.kind === 'LocalSubjectAccessReview')) {
    if (method !== 'POST' || route.name) throw methodNotAllowed(gr, method === 'GET' ? 'get' : method.toLowerCase());
    sendBody(res, 201, await reviewAccess(ctx.registry, decl.kind, route.namespace, decodeBody(req)), negotiate(req.get('accept'), { list: false }));
    return;
  }
  if (!store) throw methodNotAllowed(gr, method.toLowerCase());
  if (route.watchPath) return legacyWatch(store, route, query, req, res);

  const collection = route.name === undefined;
  const out = () => negotiate(req.get('accept'), { list: collection });

  if (collection) {
    if (decl.namespaced && route.namespace === undefined && method !== 'GET') throw methodNotAllowed(gr, 'create');
    switch (method) {
      case 'GET': {
        if (boolParam(query, 'watch')) return watch(store, route, query, req, res, out());
        const o = out();
        const list = await store.list(route.namespace, listParams(query));
        const metadata: Record<string, unknown> = { resourceVersion: list.resourceVersion };
        if (list.continue) metadata.continue = list.continue;
        if (list.remainingItemCount !== undefined) metadata.remainingItemCount = list.remainingItemCount;
        if (o.type === 'table') {
          sendBody(
            res,
            200,
            toTable(store.strategy, list.items, {
              version: o.version,
              includeObject: includeObject(query),
              resourceVersion: list.resourceVersion,
              continue: list.continue,
              remainingItemCount: list.remainingItemCount,
            }),
            o,
          );
        } else if (o.type === 'pom') {
          sendBody(
            res,
            200,
            { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata, items: list.items.map((i) => partialObjectMetadata(i)) },
            o,
          );
        } else if (o.type === 'yaml') {
          sendBody(res, 200, JSON.parse(listJSON(decl.listKind, groupVersion(decl), metadata, list.items)), o);
        } else {
          sendBody(res, 200, listJSON(decl.listKind, groupVersion(decl), metadata, list.items), o);
        }
        return;
      }
      case 'POST': {
        if (!decl.verbs.includes('create')) throw methodNotAllowed(gr, 'create');
        refuseCreateWhileTerminating(ctx, decl);
        const o = out();
        const body = decodeValidated(req, res, decl, 'CreateOptions', store.strategy.unknownFields);
        const created = await store.create(route.namespace, body, writeOptions(query, req, 'CreateOptions'));
        sendObject(res, 201, store, created, o, query);
        return;
      }
      case 'DELETE': {
        if (!decl.verbs.includes('deletecollection')) throw methodNotAllowed(gr, 'deletecollection');
        const o = out();
        const opts = deleteOptions(req, query);
        const deleted = await store.deleteCollection(route.namespace, listParams(query), opts);
        sendBody(res, 200, listJSON(decl.listKind, groupVersion(decl), {}, deleted), o);
        return;
      }
      default:
        throw methodNotAllowed(gr, method.toLowerCase());
    }
  }

  const name = route.name!;
  const sub = route.subresource;
  if (sub === 'scale') return scale(store, route, query, req, res);
  if (sub === 'log' && decl.resource === 'pods') return podLog(ctx.registry, route.namespace, name, req, res);
  if (sub === 'eviction' && decl.resource === 'pods') {
    if (method !== 'POST') throw methodNotAllowed(gr, method.toLowerCase());
    sendStatus(res, await evictPod(ctx.registry, route.namespace ?? '', name, decodeBody(req), dryRun(query)));
    return;
  }
  if (sub === 'binding') {
    if (method !== 'POST') throw methodNotAllowed(gr, method.toLowerCase());
    await bind(ctx, route.namespace, name, decodeBody(req) as KObject, query, res);
    return;
  }
  if (sub === 'finalize') {
    if (method !== 'PUT') throw methodNotAllowed(gr, method.toLowerCase());
    const o = out();
    const body = decodeBody(req) as KObject;
    const finalizers = (body.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
    const updated = await store.patch(undefined, name, (cur) => ({ ...cur, spec: { ...(cur.spec as object), finalizers } }), {
      ...writeOptions(query, req),
      subresource: 'finalize',
    });
    sendObject(res, 200, store, updated, o, query);
    return;
  }
  switch (method) {
    case 'GET': {
      const o = out();
      const obj = await store.get(route.namespace, name, q(query, 'resourceVersion'));
      sendObject(res, 200, store, obj, o, query);
      return;
    }
    case 'PUT': {
      const o = out();
      const body = decodeValidated(req, res, decl, 'UpdateOptions', store.strategy.unknownFields);
      const updated = await store.update(route.namespace, name, body, { ...writeOptions(query, req), subresource: sub });
      sendObject(res, 200, store, updated, o, query);
      return;
    }
    case 'PATCH': {
      const o = out();
      if (decl.custom && bodyKind(req.get('content-type'), true) === 'strategic-merge-patch') {
        // Custom resources have no patch strategies to merge by (upstream refuses the same way).
        throw unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
      }
      const write = writeOptions(query, req, 'PatchOptions');
      const apply = { scope: store.fieldsScope(sub), manager: write.fieldManager ?? '', force: boolParam(query, 'force') ?? false };
      const p = patcher(req, store.strategy.schema ?? schemaForKind(decl.group, decl.version, decl.kind), store.strategy.unknownFields, apply);
      const opts = { ...write, subresource: sub, applied: p.applied };
      let updated: KObject;
      let code = 200;
      try {
        updated = await store.patch(route.namespace, name, p.mutate, opts);
      } catch (err) {
        // Server-side apply creates what does not exist yet (not through a subresource).
        if (!p.create || sub || !decl.verbs.includes('create') || !(err instanceof StatusError) || err.code !== 404) throw err;
        refuseCreateWhileTerminating(ctx, decl);
        updated = await store.create(route.namespace, p.create(name), opts);
        code = 201;
      }
      for (const w of p.warnings) res.append('Warning', warningHeader(w));
      sendObject(res, code, store, updated, o, query);
      return;
    }
    case 'DELETE': {
      if (sub) throw methodNotAllowed(gr, 'delete');
      const o = out();
      const result = await store.delete(route.namespace, name, deleteOptions(req, query));
      if (!result.removed && result.object) {
        sendObject(res, 200, store, result.object, o, query);
      } else if (decl.returnDeletedObject && result.object) {
        sendObject(res, 200, store, result.object, o, query);
      } else {
        sendStatus(res, result.status ?? successStatus());
      }
      return;
    }
    default:
      throw methodNotAllowed(gr, method.toLowerCase());
  }
}

/**
 * GET /<gv>/watch/…: the deprecated watch paths. A named one watches that object alone, as upstream
 * adds a metadata.name field selector to whatever selector the request carries.
 */
function legacyWatch(store: GenericStore, route: ResourceRoute, query: Query, req: Request, res: Response): Promise<void> {
  if (req.method !== 'GET') throw methodNotAllowed(store.gr, req.method.toLowerCase());
  let watchQuery = query;
  if (route.name !== undefined) {
    const byName = `metadata.name=${route.name}`;
    const given = q(query, 'fieldSelector');
    watchQuery = { ...query, fieldSelector: given ? `${given},${byName}` : byName };
  }
  return watch(store, { decl: route.decl, namespace: route.namespace }, watchQuery, req, res, negotiate(req.get('accept'), { list: true }));
}

function deleteOptions(req: Request, query: Query): DeleteOptions {
  const body = readBody(req) as Record<string, unknown> | undefined;
  let opts: DeleteOptions = {};
  if (body) {
    opts = {
      gracePeriodSeconds: body.gracePeriodSeconds as number | undefined,
      propagationPolicy: body.propagationPolicy as DeleteOptions['propagationPolicy'],
      orphanDependents: body.orphanDependents as boolean | undefined,
      preconditions: body.preconditions as DeleteOptions['preconditions'],
      dryRun: Array.isArray(body.dryRun) && body.dryRun.includes('All'),
    };
  } else {
    opts = {
      gracePeriodSeconds: intParam(query, 'gracePeriodSeconds'),
      propagationPolicy: q(query, 'propagationPolicy') as DeleteOptions['propagationPolicy'],
      orphanDependents: boolParam(query, 'orphanDependents'),
      preconditions:
        q(query, 'preconditions.uid') || q(query, 'preconditions.resourceVersion')
          ? { uid: q(query, 'preconditions.uid'), resourceVersion: q(query, 'preconditions.resourceVersion') }
          : undefined,
    };
  }
  if (dryRun(query)) opts.dryRun = true;
  const p = opts.propagationPolicy;
  if (p !== undefined && p !== 'Foreground' && p !== 'Background' && p !== 'Orphan') {
    throw new StatusError(
      422,
      'Invalid',
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${p}": supported values: "Foreground", "Background", "Orphan", "nil"`,
    );
  }
  return opts;
}

async function watch(
  store: GenericStore,
  route: ResourceRoute,
  query: Query,
  req: Request,
  res: Response,
  out: OutputKind,
): Promise<void> {
  const { decl } = route;
  const params: WatchParams = {
    ...listParams(query),
    allowWatchBookmarks: boolParam(query, 'allowWatchBookmarks') ?? false,
    sendInitialEvents: boolParam(query, 'sendInitialEvents'),
  };
  const timeoutSeconds = intParam(query, 'timeoutSeconds');
  let handle: { stop(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const sink = new HttpWatchSink(res, {
    kind: decl.kind,
    apiVersion: groupVersion(decl),
    table: out.type === 'table' ? { version: out.version, includeObject: includeObject(query), strategy: store.strategy } : undefined,
    onEnd: () => {
      handle?.stop();
      if (timer) clearTimeout(timer);
    },
  });
  if (route.name !== undefined) throw methodNotAllowed(store.gr, 'watch');
  req.on('close', () => sink.end());
  try {
    handle = await store.watch(route.namespace, params, sink);
  } catch (err) {
    // Errors before the first event (invalid options, selectors, storage) are plain HTTP errors;
    // later ones end the stream with an ERROR event.
    if (!sink.started) throw err;
    if (err instanceof StatusError) sink.error(err.status);
    else sink.end();
    return;
  }
  if (sink.closed) {
    handle.stop();
    return;
  }
  sink.start();
  // Without timeoutSeconds upstream picks a random 30–60 minute lifetime so clients re-watch eventually.
  const seconds = timeoutSeconds ?? 1800 + Math.floor(Math.random() * 1800);
  timer = setTimeout(() => sink.end(), seconds * 1000);
  timer.unref();
}

const SCALE: DecodeTarget = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

interface ScaleObject extends KObject {
  spec?: { replicas?: number };
}

async function scale(store: GenericStore, route: ResourceRoute, query: Query, req: Request, res: Response): Promise<void> {
  const name = route.name!;
  const o = negotiate(req.get('accept'), { list: false });
  const paths = store.strategy.scale;
  const toScale = (obj: KObject): ScaleObject => {
    const spec = (obj.spec ?? {}) as { replicas?: number; selector?: LabelSelectorSpec | Record<string, string> };
    const status = (obj.status ?? {}) as { replicas?: number };
    // ReplicationControllers carry a plain label map; apps workloads a LabelSelector; custom resources
    // a selector string wherever their CRD's labelSelectorPath points.
    const sel = spec.selector as LabelSelectorSpec | undefined;
    const formatted = paths
      ? String(paths.labelSelectorPath ? (readFieldPath(obj, paths.labelSelectorPath) ?? '') : '')
      : store.decl.group === ''
        ? formatLabelMap(spec.selector as Record<string, string> | undefined)
        : sel && (sel.matchLabels || sel.matchExpressions)
          ? formatLabelSelector(sel)
          : '<none>';
    const selector = formatted === '<none>' ? '' : formatted;
    const specReplicas = paths ? readFieldPath(obj, paths.specReplicasPath) : spec.replicas;
    const statusReplicas = paths ? readFieldPath(obj, paths.statusReplicasPath) : status.replicas;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        creationTimestamp: obj.metadata.creationTimestamp,
      },
      spec: { replicas: typeof specReplicas === 'number' ? specReplicas : 0 },
      status: { replicas: typeof statusReplicas === 'number' ? statusReplicas : 0, ...(selector ? { selector } : {}) },
    };
  };
  const send = (obj: KObject) => sendBody(res, 200, toScale(obj), o);
  switch (req.method) {
    case 'GET':
      send(await store.get(route.namespace, name));
      return;
    case 'PUT':
    case 'PATCH': {
      const write = { ...writeOptions(query, req, req.method === 'PUT' ? 'UpdateOptions' : 'PatchOptions'), managedSubresource: 'scale' };
      const applying = req.method === 'PATCH' && !paths && bodyKind(req.get('content-type'), true) === 'apply-patch';
      const scaleApply = applying
        ? scaleApplyPatcher(req, { scope: store.fieldsScope('scale'), manager: write.fieldManager ?? '', force: boolParam(query, 'force') ?? false })
        : undefined;
      const mutate = req.method === 'PUT' ? null : (scaleApply?.desired ?? patcher(req, schemaForKind(SCALE.group, SCALE.version, SCALE.kind)).mutate);
      const body = req.method === 'PUT' ? (decodeValidated(req, res, SCALE, 'UpdateOptions') as ScaleObject) : null;
      const updated = await store.patch(
        route.namespace,
        name,
        (cur) => {
          const current = toScale(cur);
          const desired = (body ?? (mutate!(structuredClone(current)) as ScaleObject)) as ScaleObject;
          const rv = desired.metadata?.resourceVersion;
          if (rv && rv !== cur.metadata.resourceVersion) throw conflict(store.gr, name, OBJECT_MODIFIED);
          const replicas = desired.spec?.replicas;
          if (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas)) {
            throw new StatusError(
              422,
              'Invalid',
              `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`,
            );
          }
          if (scaleApply) return scaleApply.apply(cur, replicas);
          if (paths) writeFieldPath(cur, paths.specReplicasPath, replicas);
          else cur.spec = { ...(cur.spec as object), replicas };
          delete cur.metadata.resourceVersion;
          return cur;
        },
        { ...write, applied: scaleApply !== undefined },
      );
      send(updated);
      return;
    }
    default:
      throw methodNotAllowed(store.gr, req.method.toLowerCase());
  }
}

async function bind(
  ctx: ServerContext,
  namespace: string | undefined,
  podName: string | undefined,
  binding: KObject,
  query: Query,
  res: Response,
): Promise<void> {
  const pods = ctx.registry.store('', 'pods');
  const name = podName ?? binding.metadata?.name;
  if (!name) throw badRequest('name is required for a binding');
  const target = (binding as { target?: { kind?: string; name?: string } }).target;
  if (!target?.name) {
    throw new StatusError(422, 'Invalid', `Binding "${name}" is invalid: target.name: Required value`);
  }
  await pods.patch(
    namespace,
    name,
    (pod) => {
      const spec = (pod.spec ?? {}) as { nodeName?: string };
      if (pod.metadata.deletionTimestamp) {
        throw conflict(pods.gr, name, 'pod is being deleted, cannot be assigned to a host');
      }
      if (spec.nodeName) {
        throw conflict(pods.gr, name, `pod ${name} is already assigned to node ${JSON.stringify(spec.nodeName)}`);
      }
      spec.nodeName = target.name;
      pod.spec = spec;
      const status = (pod.status ?? {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string | null; lastProbeTime?: null }[] };
      const conds = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowRFC3339() });
      status.conditions = conds;
      pod.status = status;
      delete pod.metadata.resourceVersion;
      return pod;
    },
    { ...writeOptions(query), subresource: 'binding' },
  );
  const s = successStatus();
  s.code = 201;
  reply(res, 201, 'application/json', JSON.stringify(s));
}
