// Parsers for flag values (kube-controller-manager's among them), as commander option parsers: Go durations
// (`40s`, `500ms`, `1m30s`; a plain number is seconds) and non-negative numbers (rates, fractions).
import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../kubelet/behaviour.ts';

/** A Go duration in milliseconds. */
export function goDurationMs(v: string): number {
  const ms = parseDuration(v);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) throw new InvalidArgumentError(`invalid duration ${JSON.stringify(v)} (e.g. 40s, 500ms, 1m)`);
  return ms;
}

export function nonNegative(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a non-negative number');
  return n;
}
