// What Indexed Jobs add to the Job controller (pkg/controller/job/indexed_job_utils.go): the completion
// index of a pod, the interval lists of status.completedIndexes / failedIndexes, the per-index pod
// template, and backoffLimitPerIndex — per-index failure counts carried from a failed pod to its
// replacement, the indexes out of retries, and each index's own back-off.
import type { V1Job, V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import { backoffRemainingMs, hasTrackingFinalizer, isIndexed, isPodFailed, matchPodFailurePolicy, podFinishTime } from './job-util.ts';

/** Both the annotation and (PodIndexLabel) the label carrying an Indexed Job pod's index. */
export const COMPLETION_INDEX_KEY = 'batch.kubernetes.io/job-completion-index';
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';
/** names.MaxGeneratedNameLength: a generateName prefix is cut to leave room for 5 random characters. */
const MAX_GENERATED_NAME_LENGTH = 58;

/** The completion index of a pod (its annotation, else its label); undefined when missing or malformed. */
export function completionIndex(pod: V1Pod): number | undefined {
  const v = pod.metadata?.annotations?.[COMPLETION_INDEX_KEY] ?? pod.metadata?.labels?.[COMPLETION_INDEX_KEY];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Parse "1,3-5,7" into a sorted set of indexes below `limit`. */
export function parseIndexes(text: string | undefined, limit: number): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-');
    const lo = Number(a);
    const hi = b === undefined ? lo : Number(b);
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) continue;
    for (let i = lo; i <= hi && i < limit; i++) out.add(i);
  }
  return out;
}

/** The interval form the API uses: "0-2,4,6,7". */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((x, y) => x - y);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    // Two neighbours are listed, three or more make a range, as upstream's orderedIntervals prints them.
    parts.push(j === i ? `${sorted[i]}` : j === i + 1 ? `${sorted[i]},${sorted[j]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

// ---- backoffLimitPerIndex ----

/** How often the index of a pod failed before it (counted, and ignored by the pod failure policy). */
export const INDEX_FAILURE_COUNT = 'batch.kubernetes.io/job-index-failure-count';
export const INDEX_IGNORED_FAILURE_COUNT = 'batch.kubernetes.io/job-index-ignored-failure-count';

export function hasBackoffLimitPerIndex(job: V1Job): boolean {
  return isIndexed(job) && job.spec?.backoffLimitPerIndex !== undefined && job.spec.backoffLimitPerIndex !== null;
}

function countAnnotation(pod: V1Pod, key: string): number {
  const v = pod.metadata?.annotations?.[key];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : 0;
}

/** getIndexAbsoluteFailureCount: every earlier failure of the pod's index, counted or ignored. */
export function indexAbsoluteFailureCount(pod: V1Pod): number {
  return countAnnotation(pod, INDEX_FAILURE_COUNT) + countAnnotation(pod, INDEX_IGNORED_FAILURE_COUNT);
}

/** isIndexFailed: a failed pod whose index is out of retries, or that matched a FailIndex rule. */
export function isIndexFailed(job: V1Job, pod: V1Pod): boolean {
  if (!isPodFailed(pod, job)) return false;
  const m = matchPodFailurePolicy(job.spec?.podFailurePolicy, pod);
  if (m.action === 'FailIndex') return true;
  return m.countFailed && countAnnotation(pod, INDEX_FAILURE_COUNT) >= (job.spec?.backoffLimitPerIndex ?? 0);
}

/** getNewIndexFailureCounts: the counts the replacement of `replaced` starts with. */
export function newIndexFailureCounts(job: V1Job, replaced: V1Pod | undefined): { counted: number; ignored: number } {
  if (!replaced) return { counted: 0, ignored: 0 };
  const counted = countAnnotation(replaced, INDEX_FAILURE_COUNT);
  const ignored = countAnnotation(replaced, INDEX_IGNORED_FAILURE_COUNT);
  return matchPodFailurePolicy(job.spec?.podFailurePolicy, replaced).countFailed ? { counted: counted + 1, ignored } : { counted, ignored: ignored + 1 };
}

export function podGenerateNameWithIndex(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  return prefix.length > MAX_GENERATED_NAME_LENGTH ? jobName.slice(0, MAX_GENERATED_NAME_LENGTH - suffix.length) + suffix : prefix;
}

/** The template of an Indexed Job's pod for one index: annotation, label, hostname and the env var pointing at the annotation. */
export function indexedTemplate(template: V1PodTemplateSpec, jobName: string, index: number): V1PodTemplateSpec {
  const t = structuredClone(template);
  const meta = (t.metadata ??= {});
  meta.annotations = { ...meta.annotations, [COMPLETION_INDEX_KEY]: String(index) };
  meta.labels = { ...meta.labels, [COMPLETION_INDEX_KEY]: String(index) };
  const spec = t.spec!;
  spec.hostname ??= `${jobName}-${index}`;
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    if (c.env?.some((e) => e.name === COMPLETION_INDEX_ENV)) continue;
    c.env = [...(c.env ?? []), { name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_KEY}']` } } }];
  }
  return t;
}

/** getRemainingTimePerIndex: the same back-off for one index, from its last failed pod. */
export function indexBackoffRemainingMs(lastFailed: V1Pod | undefined, baseMs: number, maxMs: number, now = Date.now()): number {
  if (!lastFailed) return 0;
  const rec = { failuresAfterLastSuccess: indexAbsoluteFailureCount(lastFailed) + 1, lastFailureTime: podFinishTime(lastFailed, now) };
  return backoffRemainingMs(rec, baseMs, maxMs, now);
}

/**
 * calculateFailedIndexes and getPodsWithDelayedDeletionPerIndex: the indexes out of retries (those in
 * status plus those of failed pods still holding the finalizer), the failure that ends the Job if any,
 * and per index still to run its last failed pod, which keeps its finalizer until a replacement
 * inheriting its failure count exists.
 */
export function perIndexFailures(
  job: V1Job,
  pods: V1Pod[],
  activePods: V1Pod[],
  succeeded: Set<number>,
  completions: number,
  removingFinalizer: Set<string>,
): { failedIndexes: Set<number>; delayedPerIndex: Map<number, V1Pod>; failure?: { reason: string; message: string } } {
  const failedIndexes = parseIndexes(job.status?.failedIndexes, completions);
  const tracked = (p: V1Pod): number | undefined => {
    const ix = completionIndex(p);
    const held = hasTrackingFinalizer(p) && !removingFinalizer.has(p.metadata?.uid ?? '');
    return held && ix !== undefined && ix < completions ? ix : undefined;
  };
  for (const p of pods) {
    const ix = tracked(p);
    if (ix !== undefined && isIndexFailed(job, p)) failedIndexes.add(ix);
  }
  let failure: { reason: string; message: string } | undefined;
  const maxFailed = job.spec?.maxFailedIndexes;
  if (maxFailed !== undefined && maxFailed !== null && failedIndexes.size > maxFailed) {
    failure = { reason: 'MaxFailedIndexesExceeded', message: 'Job has exceeded the specified maximal number of failed indexes' };
  } else if (failedIndexes.size > 0 && failedIndexes.size + succeeded.size >= completions) {
    failure = { reason: 'FailedIndexes', message: 'Job has failed indexes' };
  }
  const activeIndexes = new Set(activePods.map(completionIndex));
  const delayedPerIndex = new Map<number, V1Pod>();
  for (const p of pods) {
    const ix = tracked(p);
    if (ix === undefined || !isPodFailed(p, job) || succeeded.has(ix) || failedIndexes.has(ix) || activeIndexes.has(ix)) continue;
    const prev = delayedPerIndex.get(ix);
    if (!prev || (indexAbsoluteFailureCount(prev) <= indexAbsoluteFailureCount(p) && podFinishTime(p) >= podFinishTime(prev))) delayedPerIndex.set(ix, p);
  }
  return { failedIndexes, delayedPerIndex, failure };
}

/**
 * matchSuccessPolicy: the first rule met by the succeeded indexes — all of its succeededIndexes (or
 * succeededCount of them), or succeededCount indexes of any — as the SuccessCriteriaMet message.
 */
export function matchSuccessPolicy(job: V1Job, completions: number, succeeded: Set<number>): string | undefined {
  const rules = job.spec?.successPolicy?.rules;
  if (!rules || succeeded.size === 0) return undefined;
  for (const [index, rule] of rules.entries()) {
    const count = rule.succeededCount;
    let met: boolean;
    if (rule.succeededIndexes !== undefined && rule.succeededIndexes !== null) {
      const required = parseIndexes(rule.succeededIndexes, completions);
      // A rule whose indexes do not parse (or lie beyond completions) never matches.
      if (required.size === 0) continue;
      const contains = [...required].filter((ix) => succeeded.has(ix)).length;
      met = count !== undefined && count !== null ? contains >= count : contains === required.size;
    } else {
      met = count !== undefined && count !== null && succeeded.size >= count;
    }
    if (met) return `Matched rules at index ${index}`;
  }
  return undefined;
}
