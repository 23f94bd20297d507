// Query and path parameters as kube-apiserver documents them. Their descriptions come from the client's
// request types (dist/gen/types/ObjectParamAPI.d.ts keeps upstream's parameter docs as JSDoc); the
// parameter kinds and which operation takes which are written here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonObject } from './json.ts';

export type ParamType = 'string' | 'boolean' | 'integer';

const QUERY_TYPES: Record<string, ParamType> = {
  allowWatchBookmarks: 'boolean',
  container: 'string',
  continue: 'string',
  dryRun: 'string',
  fieldManager: 'string',
  fieldSelector: 'string',
  fieldValidation: 'string',
  follow: 'boolean',
  force: 'boolean',
  gracePeriodSeconds: 'integer',
  ignoreStoreReadErrorWithClusterBreakingPotential: 'boolean',
  insecureSkipTLSVerifyBackend: 'boolean',
  labelSelector: 'string',
  limit: 'integer',
  limitBytes: 'integer',
  orphanDependents: 'boolean',
  pretty: 'string',
  previous: 'boolean',
  propagationPolicy: 'string',
  resourceVersion: 'string',
  resourceVersionMatch: 'string',
  sendInitialEvents: 'boolean',
  sinceSeconds: 'integer',
  stream: 'string',
  tailLines: 'integer',
  timeoutSeconds: 'integer',
  timestamps: 'boolean',
  watch: 'boolean',
};

/** Which query parameters each action takes, besides `pretty` (every operation has that one). */
export const ACTION_QUERY_PARAMS: Record<string, string[]> = {
  list: [
    'allowWatchBookmarks',
    'continue',
    'fieldSelector',
    'labelSelector',
    'limit',
    'resourceVersion',
    'resourceVersionMatch',
    'sendInitialEvents',
    'timeoutSeconds',
    'watch',
  ],
  post: ['dryRun', 'fieldManager', 'fieldValidation'],
  put: ['dryRun', 'fieldManager', 'fieldValidation'],
  patch: ['dryRun', 'fieldManager', 'fieldValidation', 'force'],
  delete: ['dryRun', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'orphanDependents', 'propagationPolicy'],
  deletecollection: [
    'continue',
    'dryRun',
    'fieldSelector',
    'gracePeriodSeconds',
    'ignoreStoreReadErrorWithClusterBreakingPotential',
    'labelSelector',
    'limit',
    'orphanDependents',
    'propagationPolicy',
    'resourceVersion',
    'resourceVersionMatch',
    'sendInitialEvents',
    'timeoutSeconds',
  ],
  get: [],
};

/** Used only when the client carries no text for a parameter. */
const FALLBACK_DESCRIPTIONS: Record<string, string> = {
  namespace: 'object name and auth scope, such as for teams and projects',
  pretty: "If 'true', then the output is pretty printed.",
};

function decodeEntities(s: string): string {
  return s
    .replace(/\\(&[#a-z0-9]+;)/g, '$1')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

type Variant = 'patch' | 'other';
let harvested: Map<string, string> | undefined;

/**
 * Parameter descriptions by `<variant>:<name>`; patch operations document fieldManager differently.
 * Each operation's own texts are kept too, as `<Request interface>:<name>` (a log's `container` is
 * not an exec's).
 */
function clientDescriptions(): Map<string, string> {
  if (harvested) return harvested;
  const entry = fileURLToPath(import.meta.resolve('@kubernetes/client-node'));
  const source = readFileSync(path.join(path.dirname(entry), 'gen', 'types', 'ObjectParamAPI.d.ts'), 'utf8');
  const out = new Map<string, string>();
  const iface = /export interface (\w+)Request \{([\s\S]*?)\n\}/g;
  const prop = /\/\*\*\n\s*\* (.+)\n(?:\s*\* Defaults to: .*\n)?(?:\s*\* @type .*\n)?(?:\s*\* @memberof .*\n)?\s*\*\/\n\s*(\w+)\??:/g;
  for (const m of source.matchAll(iface)) {
    const variant: Variant = /Api(Patch)/.test(m[1]!) ? 'patch' : 'other';
    for (const p of m[2]!.matchAll(prop)) {
      const name = p[2] === '_continue' ? 'continue' : p[2]!;
      const key = `${variant}:${name}`;
      const text = decodeEntities(p[1]!.trim());
      if (!out.has(key)) out.set(key, text);
      out.set(`${m[1]}:${name}`, text);
    }
  }
  harvested = out;
  return out;
}

function describe(name: string, variant: Variant, request?: string): string | undefined {
  const d = clientDescriptions();
  return (request && d.get(`${request}:${name}`)) || (d.get(`${variant}:${name}`) ?? d.get(`other:${name}`) ?? FALLBACK_DESCRIPTIONS[name]);
}

/**
 * A Swagger 2.0 non-body parameter. `request` names the client's request interface of the operation
 * (`CoreV1ApiReadNamespacedPodLog`) when the parameter's text is particular to it.
 */
export function queryParam(name: string, variant: Variant = 'other', request?: string): JsonObject {
  const type = QUERY_TYPES[name];
  if (!type) throw new Error(`unknown query parameter ${name}`);
  const p: JsonObject = {};
  const description = describe(name, variant, request);
  if (description) p['description'] = description;
  p['in'] = 'query';
  p['name'] = name;
  p['type'] = type;
  p['uniqueItems'] = true;
  return p;
}

export function pathParam(name: 'name' | 'namespace', kind?: string): JsonObject {
  const description = name === 'name' ? `name of the ${kind}` : describe('namespace', 'other');
  const p: JsonObject = {};
  if (description) p['description'] = description;
  p['in'] = 'path';
  p['name'] = name;
  p['required'] = true;
  p['type'] = 'string';
  p['uniqueItems'] = true;
  return p;
}
