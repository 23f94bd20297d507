// A container's environment as the kubelet builds it before creating the container
// (makeEnvironmentVariables in pkg/kubelet/kubelet_pods.go): envFrom first (ConfigMap data or Secret
// data, with the prefix), then env in order — values with $(VAR) references expanded against what is
// declared so far and the service variables, or taken from a ConfigMap/Secret key, a field of the pod
// (the downward API) or a resource of a container — then the service variables nothing declared.
// Command and args are expanded against the result. A missing, non-optional ConfigMap, Secret or key
// fails with the kubelet's message, which the pod worker reports as CreateContainerConfigError.
import type { V1Container, V1EnvVar, V1Pod } from '@kubernetes/client-node';
import { milliValue, parseQuantity, value } from '../api/quantity.ts';
import { configMapNotFound, secretNotFound, type References } from './references.ts';

export interface EnvContext {
  pod: V1Pod;
  container: V1Container;
  podIPs: string[];
  hostIP: string;
  /** Node allocatable: the limits of a container that sets none, for resourceFieldRef. */
  allocatable: Record<string, string>;
  refs: References;
}

export interface ContainerEnvironment {
  /** envFrom and env, in the order they were first declared. */
  declared: Map<string, string>;
  /** The service variables no declared one shadows, `NAME=value` (shared between pods when nothing is shadowed). */
  service: readonly string[];
  command: string[];
  args: string[];
}

/** Why the container cannot be created (the kubelet's error text). */
export class ContainerConfigError extends Error {}

const fail = (message: string): never => {
  throw new ContainerConfigError(message);
};

/**
 * $(VAR) expansion (third_party/forked/golang/expansion): `$(NAME)` is replaced by the mapping's value or
 * left as written when NAME is unknown; `$$` is an escaped `$`; any other `$` stays as it is.
 */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '$' || i + 1 >= input.length) continue;
    out += input.slice(checkpoint, i);
    const next = input[i + 1];
    let advance = 1;
    if (next === '$') {
      out += '$';
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += '$(';
      } else {
        const name = input.slice(i + 2, close);
        out += lookup(name) ?? `$(${name})`;
        advance = close - i;
      }
    } else {
      out += `$${next}`;
    }
    i += advance;
    checkpoint = i + 1;
  }
  return out + input.slice(checkpoint);
}

function decodeSecret(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}

/** FormatMap of pkg/fieldpath: `key="value"` lines, sorted. */
function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m![k])}`)
    .join('\n');
}

/** podFieldSelectorRuntimeValue + fieldpath.ExtractFieldPathAsString. */
export function fieldRefValue(pod: V1Pod, apiVersion: string | undefined, path: string, podIPs: string[], hostIP: string): string {
  if (apiVersion && apiVersion !== 'v1') fail(`unsupported pod version: ${apiVersion}`);
  const meta = pod.metadata ?? {};
  const sub = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (sub) {
    const m = sub[1] === 'labels' ? meta.labels : meta.annotations;
    return m?.[sub[2]!] ?? '';
  }
  switch (path) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.annotations':
      return formatMap(meta.annotations);
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return hostIP;
    case 'status.hostIPs':
      return hostIP;
    case 'status.podIP':
      return podIPs[0] ?? '';
    case 'status.podIPs':
      return podIPs.join(',');
  }
  return fail(`unsupported fieldPath: ${path}`);
}

const DEFAULTED_LIMITS = ['cpu', 'memory', 'ephemeral-storage'];

/** ExtractContainerResourceValue with the limits defaulted to node allocatable (defaultPodLimitsForDownwardAPI). */
export function resourceFieldValue(container: V1Container, resource: string, divisor: string | undefined, allocatable: Record<string, string>): string {
  const dot = resource.indexOf('.');
  const section = resource.slice(0, dot);
  const name = resource.slice(dot + 1);
  if (section !== 'limits' && section !== 'requests') return fail(`unsupported container resource : ${resource}`);
  const known = DEFAULTED_LIMITS.includes(name) || name.startsWith('hugepages-');
  if (!known) return fail(`unsupported container resource : ${resource}`);
  const res = container.resources ?? {};
  let q: string | undefined = (section === 'limits' ? res.limits : res.requests)?.[name];
  if (q === undefined && section === 'limits' && DEFAULTED_LIMITS.includes(name)) q = allocatable[name];
  const div = divisor === undefined || parseQuantity(divisor) === 0 ? '1' : divisor;
  if (name === 'cpu') return String(Math.ceil(milliValue(q ?? '0') / milliValue(div)));
  return String(Math.ceil(value(q ?? '0') / value(div)));
}

function findContainer(pod: V1Pod, name: string): V1Container | undefined {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === name);
}

async function envVarValue(ctx: EnvContext, v: V1EnvVar, lookup: (name: string) => string | undefined): Promise<string | undefined> {
  const ns = ctx.pod.metadata?.namespace ?? 'default';
  if (v.value) return expand(v.value, lookup);
  const from = v.valueFrom;
  if (!from) return '';
  if (from.fieldRef) return fieldRefValue(ctx.pod, from.fieldRef.apiVersion, from.fieldRef.fieldPath, ctx.podIPs, ctx.hostIP);
  if (from.resourceFieldRef) {
    const r = from.resourceFieldRef;
    const target = r.containerName ? findContainer(ctx.pod, r.containerName) : ctx.container;
    if (!target) return fail(`container ${r.containerName} not found`);
    return resourceFieldValue(target, r.resource, r.divisor, ctx.allocatable);
  }
  if (from.configMapKeyRef) {
    const { name = '', key, optional } = from.configMapKeyRef;
    const cm = await read(() => ctx.refs.configMap(ns, name));
    if (!cm) return optional ? undefined : fail(configMapNotFound(name));
    const val = cm.data?.[key];
    if (val === undefined) return optional ? undefined : fail(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
    return val;
  }
  if (from.secretKeyRef) {
    const { name = '', key, optional } = from.secretKeyRef;
    const s = await read(() => ctx.refs.secret(ns, name));
    if (!s) return optional ? undefined : fail(secretNotFound(name));
    const val = s.data?.[key];
    if (val === undefined) return optional ? undefined : fail(`couldn't find key ${key} in Secret ${ns}/${name}`);
    return decodeSecret(val);
  }
  return '';
}

/** A read whose transport failure becomes the container's config error, as the kubelet reports it. */
async function read<T>(get: () => Promise<T>): Promise<T> {
  try {
    return await get();
  } catch (err) {
    return fail((err as Error).message);
  }
}

/** Go ranges over the data map in no particular order; sorted keys keep the logs stable. */
function sortedKeys(m: Record<string, string> | undefined): string[] {
  return Object.keys(m ?? {}).sort();
}

/** The container's environment, command and args; throws ContainerConfigError. */
export async function resolveEnvironment(ctx: EnvContext): Promise<ContainerEnvironment> {
  const ns = ctx.pod.metadata?.namespace ?? 'default';
  const service = await read(() => ctx.refs.serviceEnv(ns, ctx.pod.spec?.enableServiceLinks !== false));
  const declared = new Map<string, string>();
  for (const from of ctx.container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const name = from.configMapRef.name ?? '';
      const cm = await read(() => ctx.refs.configMap(ns, name));
      if (!cm) {
        if (from.configMapRef.optional) continue;
        fail(configMapNotFound(name));
      }
      for (const k of sortedKeys(cm?.data)) declared.set(prefix + k, cm!.data![k]!);
    } else if (from.secretRef) {
      const name = from.secretRef.name ?? '';
      const s = await read(() => ctx.refs.secret(ns, name));
      if (!s) {
        if (from.secretRef.optional) continue;
        fail(secretNotFound(name));
      }
      for (const k of sortedKeys(s?.data)) declared.set(prefix + k, decodeSecret(s!.data![k]!));
    }
  }
  const lookup = (name: string) => declared.get(name) ?? service.vars.get(name);
  for (const v of ctx.container.env ?? []) {
    const val = await envVarValue(ctx, v, lookup);
    if (val !== undefined) declared.set(v.name, val);
  }
  let serviceLines = service.lines;
  if ([...declared.keys()].some((k) => service.vars.has(k))) {
    serviceLines = service.lines.filter((l) => !declared.has(l.slice(0, l.indexOf('='))));
  }
  const all = (name: string) => declared.get(name) ?? service.vars.get(name);
  return {
    declared,
    service: serviceLines,
    command: (ctx.container.command ?? []).map((c) => expand(c, all)),
    args: (ctx.container.args ?? []).map((a) => expand(a, all)),
  };
}
