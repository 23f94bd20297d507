// Time on the wire. metav1.Time is RFC 3339 with whole seconds and metav1.MicroTime has six fractional
// digits; the generated client serializes any Date with toISOString (milliseconds), which no Go
// component ever writes. These Date subclasses keep the client's types and fix the wire form.
import { V1MicroTime } from '@kubernetes/client-node';

/** A metav1.Time: serializes as `2006-01-02T15:04:05Z`. */
export class WireTime extends Date {
  override toISOString(): string {
    return rfc3339(this.getTime());
  }
  override toJSON(): string {
    return this.toISOString();
  }
}

/** A metav1.MicroTime: serializes as `2006-01-02T15:04:05.000000Z`. */
export class MicroTime extends V1MicroTime {
  override toJSON(): string {
    return this.toISOString();
  }
}

export function wireTime(ms: number = Date.now()): WireTime {
  return new WireTime(Math.floor(ms / 1000) * 1000);
}

export function microTime(ms: number = Date.now()): MicroTime {
  return new MicroTime(ms);
}

/** Whole-second RFC 3339, the form Go's metav1.Time marshals to. */
export function rfc3339(ms: number = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A time read back through the client (a Date after deserialization, or a string) as epoch ms. */
export function epochMs(t: Date | string | undefined | null): number | undefined {
  if (t === undefined || t === null) return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A time read back through the client, in the wire form (whole seconds). */
export function wireString(t: Date | string | undefined | null): string | undefined {
  const ms = epochMs(t);
  return ms === undefined ? undefined : rfc3339(ms);
}

/**
 * Go's time.Duration String() for durations already truncated to milliseconds, as kubelet messages
 * print them: `431ms`, `1.5s`, `2m3.25s`, `1h0m0s`.
 */
export function goDuration(ms: number): string {
  ms = Math.max(0, Math.floor(ms));
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds - hours * 3600) / 60);
  const secMs = ms - (hours * 3600 + minutes * 60) * 1000;
  const whole = Math.floor(secMs / 1000);
  const frac = String(secMs % 1000).padStart(3, '0').replace(/0+$/, '');
  const seconds = frac ? `${whole}.${frac}s` : `${whole}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}
