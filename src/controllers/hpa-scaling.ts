// How far and how fast an HPA may move its target once the metrics have spoken (horizontal.go:
// normalizeDesiredReplicas, normalizeDesiredReplicasWithBehaviors and their helpers): recommendation
// histories for the stabilization windows, scale events for the rate policies, the min/max clamps, and
// the AbleToScale / ScalingLimited reasons each outcome reports. Kept per HPA key in memory, as
// upstream does, so a new controller manager starts with empty histories.

export interface HPAScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface HPAScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: HPAScalingPolicy[];
}

export interface Outcome {
  replicas: number;
  /** AbleToScale (True) reason and message. */
  able: [string, string];
  /** ScalingLimited status, reason and message. */
  limited: ['True' | 'False', string, string];
}

interface Recommendation {
  replicas: number;
  at: number;
}

interface ScaleEvent {
  change: number;
  at: number;
}

/** scaleUpLimitFactor / scaleUpLimitMinimum: without behavior, at most double (or 4) per step. */
const SCALE_UP_LIMIT_FACTOR = 2;
const SCALE_UP_LIMIT_MINIMUM = 4;

const READY = ['ReadyForNewScale', 'recommended size matches current size'] as [string, string];
const WITHIN = ['DesiredWithinRange', 'the desired count is within the acceptable range'] as const;
const SCALE_UP_LIMIT = ['ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate'] as const;
const SCALE_DOWN_LIMIT = ['ScaleDownLimit', 'the desired replica count is decreasing faster than the maximum scale rate'] as const;
const TOO_MANY = ['TooManyReplicas', 'the desired replica count is more than the maximum replica count'] as const;
const TOO_FEW = ['TooFewReplicas', 'the desired replica count is less than the minimum replica count'] as const;

function limitedBy(stabilized: number, result: number, why: readonly [string, string]): Outcome['limited'] {
  return [result === stabilized ? 'False' : 'True', why[0], why[1]];
}

export class ScalingHistory {
  private readonly recommendations = new Map<string, Recommendation[]>();
  private readonly scaleUps = new Map<string, ScaleEvent[]>();
  private readonly scaleDowns = new Map<string, ScaleEvent[]>();

  constructor(private readonly downscaleStabilizationMs: number) {}

  /** recordInitialRecommendation: a new HPA starts its history with the target's current size, so it cannot shrink it at once. */
  recordInitial(key: string, current: number, now = Date.now()): void {
    if (!this.recommendations.has(key)) this.recommendations.set(key, [{ replicas: current, at: now }]);
  }

  forget(key: string): void {
    this.recommendations.delete(key);
    this.scaleUps.delete(key);
    this.scaleDowns.delete(key);
  }

  /** normalizeDesiredReplicas: the HPA has no behavior. */
  normalize(key: string, current: number, desired: number, min: number, max: number, now = Date.now()): Outcome {
    const recs = this.recommendations.get(key) ?? [];
    const cutoff = now - this.downscaleStabilizationMs;
    let stabilized = desired;
    for (const r of recs) if (r.at >= cutoff && r.replicas > stabilized) stabilized = r.replicas;
    this.record(key, desired, now, (r) => r.at < cutoff);
    const able: [string, string] =
      stabilized !== desired ? ['ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation'] : READY;
    const upLimit = Math.max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM);
    const [maxAllowed, atMax] = max > upLimit ? [upLimit, SCALE_UP_LIMIT] : [max, TOO_MANY];
    let replicas = stabilized;
    let why: readonly [string, string] = WITHIN;
    if (stabilized < min) [replicas, why] = [min, TOO_FEW];
    else if (stabilized > maxAllowed) [replicas, why] = [maxAllowed, atMax];
    return { replicas, able, limited: limitedBy(stabilized, replicas, why) };
  }

  /** normalizeDesiredReplicasWithBehaviors: the HPA's scaleUp/scaleDown rules (already defaulted by the API). */
  normalizeWithBehavior(key: string, current: number, desired: number, min: number, max: number, up: HPAScalingRules, down: HPAScalingRules, now = Date.now()): Outcome {
    // A scaleDown rule without a window uses the controller's default.
    const downWindowMs = down.stabilizationWindowSeconds !== undefined ? down.stabilizationWindowSeconds * 1000 : this.downscaleStabilizationMs;
    const upCutoff = now - (up.stabilizationWindowSeconds ?? 0) * 1000;
    const downCutoff = now - downWindowMs;
    let upRec = desired;
    let downRec = desired;
    for (const r of this.recommendations.get(key) ?? []) {
      if (r.at > upCutoff) upRec = Math.min(r.replicas, upRec);
      if (r.at > downCutoff) downRec = Math.max(r.replicas, downRec);
    }
    let stabilized = current;
    if (stabilized < upRec) stabilized = upRec;
    if (stabilized > downRec) stabilized = downRec;
    this.record(key, desired, now, (r) => r.at < upCutoff && r.at < downCutoff);
    let able: [string, string] = READY;
    if (stabilized !== desired) {
      able =
        desired >= current
          ? ['ScaleUpStabilized', 'recent recommendations were lower than current one, applying the lowest recent recommendation']
          : ['ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation'];
    }
    let replicas = stabilized;
    let why: readonly [string, string] = WITHIN;
    if (stabilized > current) {
      const limit = Math.max(current, this.rateLimit(key, current, up, 'up', now));
      const [maxAllowed, atMax] = max > limit ? [limit, SCALE_UP_LIMIT] : [max, TOO_MANY];
      if (stabilized > maxAllowed) [replicas, why] = [maxAllowed, atMax];
    } else if (stabilized < current) {
      const limit = Math.min(current, this.rateLimit(key, current, down, 'down', now));
      const [minAllowed, atMin] = min < limit ? [limit, SCALE_DOWN_LIMIT] : [min, TOO_FEW];
      if (stabilized < minAllowed) [replicas, why] = [minAllowed, atMin];
    }
    return { replicas, able, limited: limitedBy(stabilized, replicas, why) };
  }

  /** storeScaleEvent: only HPAs with behavior keep scale events (nothing else reads them). */
  recordScale(key: string, from: number, to: number, rules: { up: HPAScalingRules; down: HPAScalingRules } | undefined, now = Date.now()): void {
    if (!rules || from === to) return;
    const upward = to > from;
    const map = upward ? this.scaleUps : this.scaleDowns;
    const longest = Math.max(0, ...((upward ? rules.up : rules.down).policies ?? []).map((p) => p.periodSeconds)) * 1000;
    const events = (map.get(key) ?? []).filter((e) => e.at > now - longest);
    events.push({ change: Math.abs(to - from), at: now });
    map.set(key, events);
  }

  private record(key: string, replicas: number, now: number, stale: (r: Recommendation) => boolean): void {
    const recs = this.recommendations.get(key) ?? [];
    // One stale entry is reused, as upstream does, so the history stays bounded by the window.
    const i = recs.findIndex(stale);
    if (i >= 0) recs[i] = { replicas, at: now };
    else recs.push({ replicas, at: now });
    this.recommendations.set(key, recs);
  }

  private changeInPeriod(map: Map<string, ScaleEvent[]>, key: string, periodSeconds: number, now: number): number {
    const cutoff = now - periodSeconds * 1000;
    return (map.get(key) ?? []).filter((e) => e.at > cutoff).reduce((n, e) => n + e.change, 0);
  }

  /** calculateScaleUpLimitWithScalingRules / calculateScaleDownLimitWithBehaviors */
  private rateLimit(key: string, current: number, rules: HPAScalingRules, direction: 'up' | 'down', now: number): number {
    const select = rules.selectPolicy ?? 'Max';
    if (select === 'Disabled') return current;
    // For scale-up the Max policy allows the most pods; for scale-down it allows the fewest.
    const pickMax = (select === 'Max') === (direction === 'up');
    let result = pickMax ? -Infinity : Infinity;
    for (const p of rules.policies ?? []) {
      const added = this.changeInPeriod(this.scaleUps, key, p.periodSeconds, now);
      const removed = this.changeInPeriod(this.scaleDowns, key, p.periodSeconds, now);
      const start = current - added + removed;
      let proposed: number;
      if (direction === 'up') proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
      else proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
      result = pickMax ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return Number.isFinite(result) ? result : current;
  }
}
