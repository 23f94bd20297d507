// ConfigMaps and Secrets a pod refers to, read the way the kubelet's cache-based manager reads them
// (ConfigMapAndSecretChangeDetectionStrategy=Cache): a GET when the cached copy is older than a TTL.
// One cache serves every agent of a process, and concurrent reads of one object share one request,
// so the pods of a Deployment spread over thousands of hollow nodes cost one GET per TTL, not one each.
// (The kubelet's default Watch strategy would be one watch per referenced object — 150 000 watches at
// bench scale — and an informer on all ConfigMaps and Secrets would hold every one in memory.)
//
// The not-found errors use the resource names the kubelet's managers report (`configmap "x" not found`,
// `secret "x" not found`), and the volume checks follow the configMap, secret and projected volume
// plugins (pkg/volume/configmap, secret, projected): what makes MountVolume.SetUp fail.
import type { CoreV1Api, V1ConfigMap, V1Pod, V1Secret, V1Volume } from '@kubernetes/client-node';
import { describeError, isNotFound } from '../client/clients.ts';
import type { ServiceEnv } from './service-env.ts';

/** What the env and volume code reads: undefined when the object does not exist; throws on other failures. */
export interface ObjectReader {
  configMap(namespace: string, name: string): Promise<V1ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<V1Secret | undefined>;
}

/** Everything a pod's containers may refer to. */
export interface References extends ObjectReader {
  /** The service environment variables of a namespace (throws when services cannot be read yet). */
  serviceEnv(namespace: string, enableServiceLinks: boolean): Promise<ServiceEnv>;
}

interface CacheEntry {
  at: number;
  value?: V1ConfigMap | V1Secret;
  pending?: Promise<V1ConfigMap | V1Secret | undefined>;
}

export interface ObjectCacheStats {
  /** Reads asked for, and GETs actually sent. */
  reads: number;
  gets: number;
}

export class ObjectCache implements ObjectReader {
  private readonly entries = new Map<string, CacheEntry>();
  readonly stats: ObjectCacheStats = { reads: 0, gets: 0 };

  constructor(
    private readonly core: CoreV1Api,
    private readonly ttlMs = 1000,
  ) {}

  configMap(namespace: string, name: string): Promise<V1ConfigMap | undefined> {
    return this.read(`configmap/${namespace}/${name}`, () => this.core.readNamespacedConfigMap({ name, namespace })) as Promise<V1ConfigMap | undefined>;
  }

  secret(namespace: string, name: string): Promise<V1Secret | undefined> {
    return this.read(`secret/${namespace}/${name}`, () => this.core.readNamespacedSecret({ name, namespace })) as Promise<V1Secret | undefined>;
  }

  private async read(key: string, get: () => Promise<V1ConfigMap | V1Secret>): Promise<V1ConfigMap | V1Secret | undefined> {
    this.stats.reads++;
    const now = Date.now();
    const e = this.entries.get(key);
    if (e?.pending) return e.pending;
    if (e && now - e.at < this.ttlMs) return e.value;
    this.sweep(now);
    const entry: CacheEntry = e ?? { at: 0 };
    this.entries.set(key, entry);
    this.stats.gets++;
    entry.pending = get().then(
      (v) => {
        entry.value = v;
        entry.at = Date.now();
        entry.pending = undefined;
        return v;
      },
      (err) => {
        entry.pending = undefined;
        if (isNotFound(err)) {
          entry.value = undefined;
          entry.at = Date.now();
          return undefined;
        }
        entry.at = 0;
        throw new Error(describeError(err));
      },
    );
    return entry.pending;
  }

  /** Drop stale entries now and then, so objects no pod asks for any more do not stay. */
  private sweep(now: number): void {
    if (this.entries.size < 4096) return;
    for (const [k, e] of this.entries) if (!e.pending && now - e.at >= this.ttlMs) this.entries.delete(k);
  }
}

export function configMapNotFound(name: string): string {
  return `configmap ${JSON.stringify(name)} not found`;
}

export function secretNotFound(name: string): string {
  return `secret ${JSON.stringify(name)} not found`;
}

/** utilerrors.NewAggregate(...).Error(): one message as is, several de-duplicated in brackets. */
function aggregate(messages: string[]): string {
  const seen = [...new Set(messages)];
  return seen.length === 1 ? seen[0]! : `[${seen.join(', ')}]`;
}

export interface MountFailure {
  volume: string;
  message: string;
}

function secretData(s: V1Secret): Record<string, string> {
  return s.data ?? {};
}

async function configMapVolume(
  reader: ObjectReader,
  ns: string,
  src: { name?: string; optional?: boolean; items?: { key: string }[] },
): Promise<string | undefined> {
  const optional = src.optional === true;
  let cm: V1ConfigMap | undefined;
  try {
    cm = await reader.configMap(ns, src.name ?? '');
  } catch (err) {
    return (err as Error).message;
  }
  if (!cm && !optional) return configMapNotFound(src.name ?? '');
  for (const item of src.items ?? []) {
    const present = cm?.data?.[item.key] !== undefined || cm?.binaryData?.[item.key] !== undefined;
    if (!present && !optional) return `configmap references non-existent config key: ${item.key}`;
  }
  return undefined;
}

async function secretVolume(
  reader: ObjectReader,
  ns: string,
  name: string,
  src: { optional?: boolean; items?: { key: string }[] },
): Promise<string | undefined> {
  const optional = src.optional === true;
  let s: V1Secret | undefined;
  try {
    s = await reader.secret(ns, name);
  } catch (err) {
    return (err as Error).message;
  }
  if (!s && !optional) return secretNotFound(name);
  for (const item of src.items ?? []) {
    if (s && secretData(s)[item.key] !== undefined) continue;
    if (!optional) return `references non-existent secret key: ${item.key}`;
  }
  return undefined;
}

async function setUp(reader: ObjectReader, ns: string, v: V1Volume): Promise<string | undefined> {
  if (v.configMap) return configMapVolume(reader, ns, v.configMap);
  if (v.secret) return secretVolume(reader, ns, v.secret.secretName ?? '', v.secret);
  if (v.projected) {
    const errs: string[] = [];
    for (const s of v.projected.sources ?? []) {
      const e = s.configMap ? await configMapVolume(reader, ns, s.configMap) : s.secret ? await secretVolume(reader, ns, s.secret.name ?? '', s.secret) : undefined;
      if (e) errs.push(e);
    }
    return errs.length > 0 ? aggregate(errs) : undefined;
  }
  return undefined;
}

/** The pod's volumes some container mounts (the kubelet skips unused ones). */
function usedVolumes(pod: V1Pod): V1Volume[] {
  const used = new Set<string>();
  const spec = pod.spec;
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])]) {
    for (const m of c.volumeMounts ?? []) used.add(m.name);
    for (const d of c.volumeDevices ?? []) used.add(d.name);
  }
  return (spec?.volumes ?? []).filter((v) => used.has(v.name));
}

/** The volumes whose set-up fails now, each with the error MountVolume.SetUp reports. */
export async function mountFailures(pod: V1Pod, reader: ObjectReader): Promise<MountFailure[]> {
  const ns = pod.metadata?.namespace ?? 'default';
  const out: MountFailure[] = [];
  const volumes = usedVolumes(pod).filter((v) => v.configMap || v.secret || v.projected);
  const results = await Promise.all(volumes.map((v) => setUp(reader, ns, v)));
  volumes.forEach((v, i) => {
    const message = results[i];
    if (message !== undefined) out.push({ volume: v.name, message });
  });
  return out;
}

/** Whether the pod has volumes that need reading before it can start (most pods have none). */
export function needsVolumeSetUp(pod: V1Pod): boolean {
  return usedVolumes(pod).some((v) => v.configMap || v.secret || v.projected);
}
