// The pieces of kube-controller-manager's pkg/controller/deployment/util/deployment_util.go the
// Deployment controller is built from: annotation and condition names, the pod-template hash,
// maxSurge/maxUnavailable resolution, revision bookkeeping and the replica set orderings.
import type { V1Deployment, V1DeploymentCondition, V1DeploymentStatus, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const DEPRECATED_ROLLBACK_TO = 'deprecated.deployment.rollback.to';
export const LAST_APPLIED_CONFIG = 'kubectl.kubernetes.io/last-applied-configuration';
/** apps.DefaultDeploymentUniqueLabelKey */
export const POD_TEMPLATE_HASH = 'pod-template-hash';
/** Longest revision-history annotation kept (upstream maxRevHistoryLengthInChars). */
export const MAX_REV_HISTORY_LENGTH = 2000;
/** math.MaxInt32: "no deadline"/"no limit" sentinels. */
export const MAX_INT32 = 2147483647;

// Condition reasons (deployment_util.go).
export const REASON = {
  replicaSetUpdated: 'ReplicaSetUpdated',
  failedRSCreate: 'ReplicaSetCreateError',
  newReplicaSet: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minimumReplicasAvailable: 'MinimumReplicasAvailable',
  minimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

const ANNOTATIONS_TO_SKIP = new Set([
  LAST_APPLIED_CONFIG,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  DEPRECATED_ROLLBACK_TO,
]);

export const replicasOf = (x: { spec?: { replicas?: number } } | undefined): number => x?.spec?.replicas ?? 0;
export const deploymentReplicas = (d: V1Deployment): number => d.spec?.replicas ?? 1;

// ---- hashing ----

/** FNV-1a, 32 bits. */
export function fnv32a(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** k8s.io/apimachinery/pkg/util/rand.SafeEncodeString */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHANUMS[s.charCodeAt(i) % SAFE_ALPHANUMS.length];
  return out;
}

/** JSON with sorted keys, dropping undefined/null and empty maps/lists (what omitempty leaves out). */
export function canonical(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (Array.isArray(v)) {
    const a = v.map(canonical).filter((x) => x !== undefined);
    return a.length ? a : undefined;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const c = canonical((v as Record<string, unknown>)[k]);
      if (c !== undefined) out[k] = c;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === null ? undefined : v;
}

/**
 * controller.ComputeHash: FNV-32a of the template, then the collision count as 4 little-endian bytes,
 * the decimal value rendered with SafeEncodeString. Upstream hashes the Go struct as printed by spew
 * (DeepHashObject), which cannot be reproduced outside Go; this hashes the template's canonical JSON
 * instead, so names have upstream's shape but not upstream's exact value for the same template.
 */
export function computeHash(template: V1PodTemplateSpec | undefined, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(JSON.stringify(canonical(template) ?? {})));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}

/** EqualIgnoreHash: the templates are equal apart from the pod-template-hash label. */
export function equalIgnoreHash(a: V1PodTemplateSpec | undefined, b: V1PodTemplateSpec | undefined): boolean {
  const strip = (t: V1PodTemplateSpec | undefined) => {
    const c = canonical(t) as { metadata?: { labels?: Record<string, string> } } | undefined;
    if (c?.metadata?.labels) {
      delete c.metadata.labels[POD_TEMPLATE_HASH];
      if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
      if (Object.keys(c.metadata).length === 0) delete c.metadata;
    }
    return JSON.stringify(c ?? {});
  };
  return strip(a) === strip(b);
}

// ---- maxSurge / maxUnavailable ----

/** intstr.GetScaledValueFromIntOrPercent */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) {
    if (/^-?\d+$/.test(v)) return Number(v);
    throw new Error(`invalid value for IntOrString: invalid value: "${v}"`);
  }
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export const isRollingUpdate = (d: V1Deployment): boolean => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/** ResolveFenceposts */
export function resolveFenceposts(d: V1Deployment): { surge: number; unavailable: number } {
  const ru = d.spec?.strategy?.rollingUpdate;
  const desired = deploymentReplicas(d);
  const surge = scaledValue(ru?.maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(ru?.maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxUnavailable(d: V1Deployment): number {
  const desired = deploymentReplicas(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, desired);
}

export function maxSurge(d: V1Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  return resolveFenceposts(d).surge;
}

// ---- replica set sums and orderings ----

export const totalReplicas = (sets: (V1ReplicaSet | undefined)[]): number => sets.reduce((n, s) => n + (s ? replicasOf(s) : 0), 0);
export const actualReplicas = (sets: (V1ReplicaSet | undefined)[]): number => sets.reduce((n, s) => n + (s?.status?.replicas ?? 0), 0);
export const readyReplicas = (sets: (V1ReplicaSet | undefined)[]): number => sets.reduce((n, s) => n + (s?.status?.readyReplicas ?? 0), 0);
export const availableReplicas = (sets: (V1ReplicaSet | undefined)[]): number => sets.reduce((n, s) => n + (s?.status?.availableReplicas ?? 0), 0);

export function filterActive(sets: (V1ReplicaSet | undefined)[]): V1ReplicaSet[] {
  return sets.filter((s): s is V1ReplicaSet => !!s && replicasOf(s) > 0);
}

const created = (s: V1ReplicaSet): number => {
  const t = s.metadata?.creationTimestamp as Date | string | undefined;
  return t === undefined ? 0 : t instanceof Date ? t.getTime() : Date.parse(t);
};

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation(a: V1ReplicaSet, b: V1ReplicaSet): number {
  const d = created(a) - created(b);
  if (d !== 0) return d;
  return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : (a.metadata?.name ?? '') > (b.metadata?.name ?? '') ? 1 : 0;
}

/** ReplicaSetsBySizeOlder: larger first, then older first. */
export function bySizeOlder(a: V1ReplicaSet, b: V1ReplicaSet): number {
  return replicasOf(a) !== replicasOf(b) ? replicasOf(b) - replicasOf(a) : byCreation(a, b);
}

/** ReplicaSetsBySizeNewer: larger first, then newer first. */
export function bySizeNewer(a: V1ReplicaSet, b: V1ReplicaSet): number {
  return replicasOf(a) !== replicasOf(b) ? replicasOf(b) - replicasOf(a) : byCreation(b, a);
}

export function revisionOf(s: { metadata?: { annotations?: Record<string, string> } } | undefined): number {
  const v = s?.metadata?.annotations?.[REVISION_ANNOTATION];
  if (v === undefined) return 0;
  const n = Number(v);
  return Number.isInteger(n) ? n : 0;
}

/** ReplicaSetsByRevision: lowest revision first, then by creation. */
export function byRevision(a: V1ReplicaSet, b: V1ReplicaSet): number {
  const d = revisionOf(a) - revisionOf(b);
  return d !== 0 ? d : byCreation(a, b);
}

export const maxRevision = (sets: V1ReplicaSet[]): number => sets.reduce((m, s) => Math.max(m, revisionOf(s)), 0);

/** FindNewReplicaSet: the oldest set whose template equals the deployment's (ignoring the hash label). */
export function findNewReplicaSet(d: V1Deployment, sets: V1ReplicaSet[]): V1ReplicaSet | undefined {
  return [...sets].sort(byCreation).find((s) => equalIgnoreHash(s.spec?.template, d.spec?.template));
}

/** FindOldReplicaSets: (old sets with replicas, all old sets). */
export function findOldReplicaSets(d: V1Deployment, sets: V1ReplicaSet[]): { required: V1ReplicaSet[]; all: V1ReplicaSet[] } {
  const newRS = findNewReplicaSet(d, sets);
  const all = sets.filter((s) => !newRS || s.metadata?.uid !== newRS.metadata?.uid);
  return { required: all.filter((s) => replicasOf(s) !== 0), all };
}

/** copyDeploymentAnnotationsToReplicaSet */
function copyAnnotations(d: V1Deployment, rs: V1ReplicaSet): boolean {
  let changed = false;
  const ann = (rs.metadata!.annotations ??= {});
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k) || ann[k] === v) continue;
    ann[k] = v;
    changed = true;
  }
  return changed;
}

/** SetReplicasAnnotations */
export function setReplicasAnnotations(rs: V1ReplicaSet, desired: number, max: number): boolean {
  const ann = (rs.metadata!.annotations ??= {});
  let changed = false;
  if (ann[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    ann[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (ann[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    ann[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

/** ReplicasAnnotationsNeedUpdate */
export function replicasAnnotationsNeedUpdate(rs: V1ReplicaSet, desired: number, max: number): boolean {
  const ann = rs.metadata?.annotations ?? {};
  return ann[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || ann[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** SetNewReplicaSetAnnotations: revision (keeping earlier ones in revision-history), copied annotations, replica annotations for a new set. */
export function setNewReplicaSetAnnotations(d: V1Deployment, rs: V1ReplicaSet, newRevision: string, exists: boolean): boolean {
  rs.metadata ??= {};
  let changed = copyAnnotations(d, rs);
  const ann = (rs.metadata.annotations ??= {});
  const had = Object.hasOwn(ann, REVISION_ANNOTATION);
  const oldRevision = ann[REVISION_ANNOTATION] ?? '';
  let oldInt = 0;
  if (oldRevision !== '') {
    if (!/^-?\d+$/.test(oldRevision)) return false;
    oldInt = Number(oldRevision);
  }
  if (!/^-?\d+$/.test(newRevision)) return false;
  const newInt = Number(newRevision);
  if (oldInt < newInt) {
    ann[REVISION_ANNOTATION] = newRevision;
    changed = true;
  }
  if (had && oldInt < newInt) {
    const history = ann[REVISION_HISTORY_ANNOTATION] ?? '';
    const old = history.split(',');
    if (old[0]!.length === 0) {
      ann[REVISION_HISTORY_ANNOTATION] = oldRevision;
    } else {
      let total = history.length + oldRevision.length + 1;
      let start = 0;
      while (total > MAX_REV_HISTORY_LENGTH && start < old.length) {
        total -= old[start]!.length + 1;
        start++;
      }
      if (total <= MAX_REV_HISTORY_LENGTH) ann[REVISION_HISTORY_ANNOTATION] = [...old.slice(start), oldRevision].join(',');
    }
  }
  if (!exists && setReplicasAnnotations(rs, deploymentReplicas(d), deploymentReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}

/** NewRSNewReplicas: how big the new set may be now. */
export function newRSNewReplicas(d: V1Deployment, all: (V1ReplicaSet | undefined)[], newRS: V1ReplicaSet): number {
  if (!isRollingUpdate(d)) return deploymentReplicas(d);
  const surge = scaledValue(d.spec?.strategy?.rollingUpdate?.maxSurge, deploymentReplicas(d), true);
  const current = totalReplicas(all);
  const maxTotal = deploymentReplicas(d) + surge;
  if (current >= maxTotal) return replicasOf(newRS);
  const up = Math.min(maxTotal - current, deploymentReplicas(d) - replicasOf(newRS));
  return replicasOf(newRS) + up;
}

/** IsSaturated: the new set has all replicas, all available. */
export function isSaturated(d: V1Deployment, rs: V1ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = Number(rs.metadata?.annotations?.[DESIRED_REPLICAS_ANNOTATION]);
  return desired === deploymentReplicas(d) && replicasOf(rs) === deploymentReplicas(d) && (rs.status?.availableReplicas ?? 0) === deploymentReplicas(d);
}

/** GetProportion */
export function proportion(rs: V1ReplicaSet, d: V1Deployment, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** Go's math.Round: half away from zero. */
const goRound = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

function replicaSetFraction(rs: V1ReplicaSet, d: V1Deployment): number {
  if (deploymentReplicas(d) === 0) return -replicasOf(rs);
  const total = deploymentReplicas(d) + maxSurge(d);
  const raw = rs.metadata?.annotations?.[MAX_REPLICAS_ANNOTATION];
  const annotated = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : (d.status?.replicas ?? 0);
  if (annotated === 0) return 0;
  return goRound((replicasOf(rs) * total) / annotated) - replicasOf(rs);
}

// ---- conditions ----

export function getCondition(status: V1DeploymentStatus | undefined, type: string): V1DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

export function newCondition(type: string, status: string, reason: string, message: string): V1DeploymentCondition {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  return { type, status, reason, message, lastUpdateTime: now, lastTransitionTime: now };
}

/** SetDeploymentCondition: no change for the same status and reason; lastTransitionTime kept while status is unchanged. */
export function setCondition(status: V1DeploymentStatus, cond: V1DeploymentCondition): void {
  const cur = getCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  if (cur && cur.status === cond.status) cond.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), cond];
}

export function removeCondition(status: V1DeploymentStatus, type: string): void {
  if (status.conditions) status.conditions = status.conditions.filter((c) => c.type !== type);
}

export const hasProgressDeadline = (d: V1Deployment): boolean =>
  d.spec?.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== null && d.spec.progressDeadlineSeconds !== MAX_INT32;

export const hasRevisionHistoryLimit = (d: V1Deployment): boolean =>
  d.spec?.revisionHistoryLimit !== undefined && d.spec.revisionHistoryLimit !== null && d.spec.revisionHistoryLimit !== MAX_INT32;

/** DeploymentComplete */
export function deploymentComplete(d: V1Deployment, s: V1DeploymentStatus): boolean {
  const r = deploymentReplicas(d);
  return (s.updatedReplicas ?? 0) === r && (s.replicas ?? 0) === r && (s.availableReplicas ?? 0) === r && (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available than before. */
export function deploymentProgressing(d: V1Deployment, s: V1DeploymentStatus): boolean {
  const o = d.status ?? {};
  const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0)
  );
}

const timeMs = (t: Date | string | undefined): number => (t === undefined ? 0 : t instanceof Date ? t.getTime() : Date.parse(t));

/** DeploymentTimedOut */
export function deploymentTimedOut(d: V1Deployment, s: V1DeploymentStatus, now = Date.now()): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, 'Progressing');
  if (!c) return false;
  if (c.reason === REASON.newRSAvailable) return false;
  if (c.reason === REASON.timedOut) return true;
  return timeMs(c.lastUpdateTime) + (d.spec!.progressDeadlineSeconds ?? 0) * 1000 < now;
}

export function conditionUpdateMs(c: V1DeploymentCondition): number {
  return timeMs(c.lastUpdateTime);
}
