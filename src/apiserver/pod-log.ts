// GET pods/{name}/log: upstream's LogREST. The server checks the options and the container, finds the
// node's kubelet endpoint, and streams the kubelet's /containerLogs answer through — errors from the
// kubelet become Status errors as the generic HTTP response checker makes them.
import http from 'node:http';
import type { Request, Response } from 'express';
import { StatusError, badRequest, invalid, methodNotAllowed, type GroupResource } from '../api/errors.ts';
import { fieldErrors, type FieldError } from '../api/field-errors.ts';
import type { KObject } from '../api/types.ts';
import { KUBELET_HOST_ANNOTATION } from '../api/well-known.ts';
import type { Registry } from '../registry/registry.ts';
import { boolParam, intParam, q, type Query } from './query.ts';

const POD_LOG: GroupResource = { group: '', resource: 'pods/log' };
const LOG_STREAMS = ['All', 'Stderr', 'Stdout'];
/** kube-apiserver's --kubelet-preferred-address-types default. */
const ADDRESS_PREFERENCE = ['Hostname', 'InternalDNS', 'InternalIP', 'ExternalDNS', 'ExternalIP'];
/** How much of a kubelet error body becomes the message (upstream reads at most this much). */
const MAX_ERROR_BODY = 50 * 1024;

interface LogOptions {
  container?: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  tailLines?: number;
  limitBytes?: number;
  stream?: string;
}

function parseOptions(query: Query): LogOptions {
  const sinceTime = q(query, 'sinceTime');
  if (sinceTime !== undefined && Number.isNaN(Date.parse(sinceTime))) {
    throw badRequest(`parsing time ${JSON.stringify(sinceTime)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(sinceTime)} as "2006"`);
  }
  return {
    container: q(query, 'container') || undefined,
    follow: boolParam(query, 'follow') ?? false,
    previous: boolParam(query, 'previous') ?? false,
    timestamps: boolParam(query, 'timestamps') ?? false,
    sinceSeconds: intParam(query, 'sinceSeconds'),
    sinceTime: sinceTime || undefined,
    tailLines: intParam(query, 'tailLines'),
    limitBytes: intParam(query, 'limitBytes'),
    stream: q(query, 'stream') || undefined,
  };
}

/** ValidatePodLogOptions */
function validateOptions(o: LogOptions): FieldError[] {
  const errs: FieldError[] = [];
  if (o.tailLines !== undefined && o.tailLines < 0) errs.push(fieldErrors.invalid('tailLines', o.tailLines, 'must be greater than or equal to 0'));
  if (o.limitBytes !== undefined && o.limitBytes < 1) errs.push(fieldErrors.invalid('limitBytes', o.limitBytes, 'must be greater than 0'));
  if (o.sinceSeconds !== undefined && o.sinceTime !== undefined) {
    errs.push(fieldErrors.forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  } else if (o.sinceSeconds !== undefined && o.sinceSeconds < 1) {
    errs.push(fieldErrors.invalid('sinceSeconds', o.sinceSeconds, 'must be greater than 0'));
  }
  if (o.stream !== undefined) {
    if (!LOG_STREAMS.includes(o.stream)) errs.push(fieldErrors.notSupported('stream', o.stream, LOG_STREAMS));
    else if (o.stream !== 'All' && o.tailLines !== undefined) {
      errs.push(fieldErrors.forbidden('', '`tailLines` and specific `stream` are mutually exclusive for now'));
    }
  }
  return errs;
}

type Named = { name?: string };

/** validateContainer: the named container must exist; with no name, a single-container pod's one. */
export function resolveContainer(pod: KObject, requested: string | undefined): string {
  const spec = (pod.spec ?? {}) as { initContainers?: Named[]; containers?: Named[]; ephemeralContainers?: Named[] };
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name ?? '');
  const name = pod.metadata.name ?? '';
  if (requested) {
    if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const containers = spec.containers ?? [];
  if (containers.length === 1) return containers[0]!.name ?? '';
  if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
  throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
}

interface NodeLike {
  metadata: { annotations?: Record<string, string> };
  status?: { addresses?: { type?: string; address?: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
}

/**
 * Where the node's kubelet listens. Hollow node agents run on loopback and say so in an annotation,
 * because their InternalIP is simulated; otherwise the preferred address type, as upstream picks it.
 */
export function kubeletEndpoint(node: NodeLike): { host: string; port: number } | undefined {
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250;
  const pinned = node.metadata.annotations?.[KUBELET_HOST_ANNOTATION];
  if (pinned) return { host: pinned, port };
  const addresses = node.status?.addresses ?? [];
  for (const type of ADDRESS_PREFERENCE) {
    const a = addresses.find((x) => x.type === type && x.address);
    if (a) return { host: a.address!, port };
  }
  return undefined;
}

function kubeletQuery(o: LogOptions): string {
  const p = new URLSearchParams();
  if (o.follow) p.set('follow', 'true');
  if (o.previous) p.set('previous', 'true');
  if (o.timestamps) p.set('timestamps', 'true');
  if (o.sinceSeconds !== undefined) p.set('sinceSeconds', String(o.sinceSeconds));
  if (o.sinceTime !== undefined) p.set('sinceTime', new Date(o.sinceTime).toISOString().replace(/\.\d+Z$/, 'Z'));
  if (o.tailLines !== undefined) p.set('tailLines', String(o.tailLines));
  if (o.limitBytes !== undefined) p.set('limitBytes', String(o.limitBytes));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** GenericHttpResponseChecker: a kubelet's non-2xx answer as the Status error clients see. */
function kubeletError(code: number, body: string, podName: string): StatusError {
  if (code === 400) return badRequest(body);
  if (code === 500) return new StatusError(500, 'InternalError', `Internal error occurred: ${body}`, { causes: [{ message: body }] });
  const details = { name: podName, kind: POD_LOG.resource, causes: [{ reason: 'UnexpectedServerResponse', message: body }] };
  if (code === 404) return new StatusError(404, 'NotFound', 'the server could not find the requested resource', details);
  return new StatusError(code, '', `the server responded with the status code ${code} but did not return more information`, details);
}

export async function podLog(registry: Registry, namespace: string | undefined, name: string, req: Request, res: Response): Promise<void> {
  if (req.method !== 'GET') throw methodNotAllowed(POD_LOG, req.method.toLowerCase());
  const opts = parseOptions(req.query as Query);
  const errs = validateOptions(opts);
  if (errs.length > 0) throw invalid('PodLogOptions', name, errs);
  const pod = await registry.store('', 'pods').get(namespace, name);
  const container = resolveContainer(pod, opts.container);
  const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
  // Not on a node yet, or only stdout exists (hollow containers write nothing to stderr): no log.
  if (!nodeName || opts.stream === 'Stderr') {
    res.status(200).type('text/plain').end();
    return;
  }
  const node = (await registry.store('', 'nodes').get(undefined, nodeName)) as NodeLike & KObject;
  const endpoint = kubeletEndpoint(node);
  if (!endpoint) throw new StatusError(500, 'InternalError', `Internal error occurred: no preferred addresses found; known addresses: []`);
  const path = `/containerLogs/${encodeURIComponent(namespace ?? '')}/${encodeURIComponent(name)}/${encodeURIComponent(container)}${kubeletQuery(opts)}`;
  await proxy(endpoint, path, opts, name, req, res);
}

function proxy(endpoint: { host: string; port: number }, path: string, opts: LogOptions, podName: string, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    const upstream = http.get({ host: endpoint.host, port: endpoint.port, path, agent: false }, (kres) => {
      const code = kres.statusCode ?? 500;
      if (code < 200 || code > 206) {
        const chunks: Buffer[] = [];
        let size = 0;
        kres.on('data', (c: Buffer) => {
          if (size < MAX_ERROR_BODY) chunks.push(c);
          size += c.length;
        });
        kres.on('end', () => reject(kubeletError(code, Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY), podName)));
        kres.on('error', reject);
        return;
      }
      res.status(200).type('text/plain');
      if (opts.follow) res.flushHeaders();
      // The apiserver enforces limitBytes itself too, as upstream's LocationStreamer does.
      let left = opts.limitBytes ?? Number.POSITIVE_INFINITY;
      kres.on('data', (c: Buffer) => {
        if (left <= 0) return;
        const part = c.length > left ? c.subarray(0, left) : c;
        left -= part.length;
        res.write(part);
        if (left <= 0) kres.destroy();
      });
      const finish = () => {
        res.end();
        resolve();
      };
      kres.on('end', finish);
      kres.on('close', finish);
      kres.on('error', finish);
    });
    upstream.on('error', (err) => {
      if (res.headersSent) {
        res.end();
        resolve();
      } else {
        reject(new StatusError(500, 'InternalError', `Internal error occurred: Get "http://${endpoint.host}:${endpoint.port}${path}": ${err.message}`));
      }
    });
    // A follower that goes away must not keep the kubelet stream open.
    res.on('close', () => upstream.destroy());
  });
}
