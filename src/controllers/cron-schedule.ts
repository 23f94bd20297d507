// CronJob schedules as the CronJob controller reads them (github.com/robfig/cron/v3 ParseStandard):
// five fields or a descriptor, "@every <duration>", an optional TZ=/CRON_TZ= prefix, in the Job's
// spec.timeZone or else the controller's own zone. Run times of field schedules come from
// cron-parser; this file adds what it lacks (@every, descriptors it does not know) and the
// controller's "most recent missed time" arithmetic (cronjob/utils.go mostRecentScheduleTime).
import { CronExpressionParser } from 'cron-parser';

export interface Schedule {
  /** The first run time strictly after `t`. */
  next(t: Date): Date;
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function goDurationMs(text: string): number | undefined {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    end = re.lastIndex;
  }
  return end === text.length && end > 0 ? total : undefined;
}

/** Parse a schedule; throws with a message for the UnparseableSchedule event. */
export function parseSchedule(schedule: string, timeZone?: string): Schedule {
  let spec = schedule.trim();
  let tz = timeZone;
  const prefix = /^(?:CRON_TZ|TZ)=(\S*)\s*/.exec(spec);
  if (prefix) {
    tz = prefix[1];
    spec = spec.slice(prefix[0].length);
  }
  if (spec.startsWith('@every ')) {
    const d = goDurationMs(spec.slice('@every '.length).trim());
    if (d === undefined) throw new Error(`failed to parse duration ${spec}`);
    // ConstantDelaySchedule: whole seconds, at least one; the next run is on a whole second.
    const delay = Math.max(1000, Math.floor(d / 1000) * 1000);
    return { next: (t) => new Date(Math.floor(t.getTime() / 1000) * 1000 + delay) };
  }
  const expr = DESCRIPTORS[spec] ?? spec;
  // Validate once; cron-parser's own errors are what the event reports.
  CronExpressionParser.parse(expr, { currentDate: new Date(), tz: tz || undefined });
  return {
    next: (t) => CronExpressionParser.parse(expr, { currentDate: t, tz: tz || undefined }).next().toDate(),
  };
}

export type Missed = 'none' | 'few' | 'many';

/**
 * mostRecentScheduleTime: the latest run time in (earliest, now], where earliest is the last
 * schedule time or the creation time (moved up to now - startingDeadlineSeconds when asked), and
 * whether more than 100 runs were missed. The count is estimated from the gap between two runs, as
 * upstream does, so that a clock decades off does not make the controller walk every run.
 */
export function mostRecentScheduleTime(
  earliestIn: Date,
  now: Date,
  schedule: Schedule,
  startingDeadlineSeconds?: number,
): { earliest: Date; mostRecent?: Date; missed: Missed } {
  let earliest = earliestIn;
  if (startingDeadlineSeconds !== undefined) {
    const deadline = new Date(now.getTime() - startingDeadlineSeconds * 1000);
    if (deadline > earliest) earliest = deadline;
  }
  const t1 = schedule.next(earliest);
  const t2 = schedule.next(t1);
  if (now < t1) return { earliest, missed: 'none' };
  if (now < t2) return { earliest, mostRecent: t1, missed: 'none' };
  const between = Math.round((t2.getTime() - t1.getTime()) / 1000);
  if (between < 1) throw new Error('time difference between two schedules is less than 1 second');
  const elapsed = Math.floor((now.getTime() - t1.getTime()) / 1000);
  const missedCount = Math.floor(elapsed / between) + 1;
  let mostRecent: Date | undefined;
  // Start one interval before the estimate so irregular schedules (30 6-16/4 * * 1-5) still land right.
  const from = new Date(t1.getTime() + (missedCount - 2) * between * 1000);
  for (let t = schedule.next(from); t <= now; t = schedule.next(t)) mostRecent = t;
  return { earliest, mostRecent, missed: missedCount > 100 ? 'many' : missedCount > 0 ? 'few' : 'none' };
}

/** Go's time.Format(time.RFC3339) of `t` in a zone (UTC when none is given). */
export function rfc3339InZone(t: Date, timeZone?: string): string {
  const secs = new Date(Math.floor(t.getTime() / 1000) * 1000);
  if (!timeZone || timeZone === 'UTC') return secs.toISOString().replace('.000Z', 'Z');
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(secs)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offsetMin = Math.round((local - secs.getTime()) / 60_000);
  const stamp = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
  if (offsetMin === 0) return `${stamp}Z`;
  const sign = offsetMin > 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return `${stamp}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Go's time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000". */
export function rfc1123z(t: Date): string {
  return t.toUTCString().replace('GMT', '+0000');
}
