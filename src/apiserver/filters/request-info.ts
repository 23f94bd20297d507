// What a request is, read from its URL and method alone, the way upstream's RequestInfoFactory reads it
// before any handler runs: the filters (max-in-flight, audit) need it before routing, and for paths no
// resource answers too.
import { boolParam, q, type Query } from '../query.ts';

export interface RequestInfo {
  isResourceRequest: boolean;
  /** Lower-case verb: get, list, watch, create, update, patch, delete, deletecollection, proxy; the method for other paths. */
  verb: string;
  path: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

const API_PREFIXES = new Set(['api', 'apis']);
/** Verbs that can lead the path (`/api/v1/watch/pods`). */
const SPECIAL_VERBS = new Set(['proxy', 'watch']);
/** Namespace subresources that are not a resource of their own (`/namespaces/x/status`). */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

const METHOD_VERBS: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** The segments of a path as the Go router sees them: decoded, empty ones dropped. */
function segments(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

function nonResource(method: string, path: string): RequestInfo {
  return {
    isResourceRequest: false,
    verb: method.toLowerCase(),
    path,
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
  };
}

/** `metadata.name=x` in a field selector names one object (kubectl get x --watch lists by it). */
function nameFromFieldSelector(selector: string | undefined): string | undefined {
  if (!selector) return undefined;
  let name: string | undefined;
  for (const term of selector.split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (m) name = m[1];
  }
  return name && name !== '.' && name !== '..' && !/[/%]/.test(name) ? name : undefined;
}

export function requestInfo(method: string, path: string, query: Query): RequestInfo {
  let parts = segments(path);
  if (parts.length < 3 || !API_PREFIXES.has(parts[0]!)) return nonResource(method, path);
  const info = nonResource(method, path);
  info.apiPrefix = parts[0]!;
  parts = parts.slice(1);
  if (info.apiPrefix === 'apis') {
    if (parts.length < 3) return nonResource(method, path);
    info.apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  info.isResourceRequest = true;
  info.apiVersion = parts[0]!;
  parts = parts.slice(1);
  if (SPECIAL_VERBS.has(parts[0]!) && parts.length >= 2) {
    info.verb = parts[0]!;
    parts = parts.slice(1);
  } else {
    info.verb = METHOD_VERBS[method.toUpperCase()] ?? '';
  }
  if (parts[0] === 'namespaces' && parts.length > 1) {
    info.namespace = parts[1]!;
    // /namespaces/<ns>/<resource>/…: what follows the namespace is the resource, unless it is the
    // namespace's own status or finalize.
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
  }
  if (parts.length >= 3 && info.verb !== 'proxy') info.subresource = parts[2]!;
  if (parts.length >= 2) info.name = parts[1]!;
  info.resource = parts[0] ?? '';
  if (info.name === '' && info.verb === 'get') {
    info.verb = boolParam(query, 'watch') ? 'watch' : 'list';
    const named = nameFromFieldSelector(q(query, 'fieldSelector'));
    if (named) info.name = named;
  }
  if (info.name === '' && info.verb === 'delete') info.verb = 'deletecollection';
  return info;
}

/** Reads: the verbs upstream's max-in-flight filter counts against the read-only limit. */
export function isReadOnly(info: RequestInfo): boolean {
  return info.verb === 'get' || info.verb === 'list' || info.verb === 'watch';
}

/** Upstream's default long-running check: watches and proxies, and the streaming subresources. */
export function isLongRunning(info: RequestInfo): boolean {
  if (info.verb === 'watch' || info.verb === 'proxy') return true;
  return ['attach', 'exec', 'proxy', 'log', 'portforward'].includes(info.subresource);
}
