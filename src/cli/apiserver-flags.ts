// kube-apiserver's request-limit and audit flags, shared by the commands that run an API server.
import { InvalidArgumentError, type Command } from 'commander';
import type { ApiServerOptions } from '../apiserver/server.ts';
import { DEFAULT_MAX_MUTATING_REQUESTS_INFLIGHT, DEFAULT_MAX_REQUESTS_INFLIGHT } from '../apiserver/filters/max-inflight.ts';

export type ApiServerFilterOptions = Pick<ApiServerOptions, 'maxRequestsInFlight' | 'maxMutatingRequestsInFlight' | 'auditLogPath'>;

export interface ApiServerFilterFlags {
  maxRequestsInflight: number;
  maxMutatingRequestsInflight: number;
  auditLogPath?: string;
  auditLogMaxage?: string;
  auditLogMaxbackup?: string;
  auditLogMaxsize?: string;
}

function limit(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

/** Log rotation is left to the operator (logrotate); upstream's rotation flags are accepted and ignored. */
const IGNORED = ['auditLogMaxage', 'auditLogMaxbackup', 'auditLogMaxsize'] as const;

export function addApiServerFilterFlags(cmd: Command): Command {
  return cmd
    .option('--max-requests-inflight <n>', 'most non-mutating requests served at once; more get 429 (0: no limit)', limit, DEFAULT_MAX_REQUESTS_INFLIGHT)
    .option('--max-mutating-requests-inflight <n>', 'most mutating requests served at once; more get 429 (0: no limit)', limit, DEFAULT_MAX_MUTATING_REQUESTS_INFLIGHT)
    .option('--audit-log-path <path>', 'write an audit.k8s.io/v1 Event per request (Metadata level) to this file, - for stdout')
    .option('--audit-log-maxage <days>', 'accepted for compatibility and ignored: the audit log is not rotated')
    .option('--audit-log-maxbackup <n>', 'accepted for compatibility and ignored: the audit log is not rotated')
    .option('--audit-log-maxsize <MB>', 'accepted for compatibility and ignored: the audit log is not rotated');
}

export function apiServerFilterOptions(o: ApiServerFilterFlags, warn: (line: string) => void): ApiServerFilterOptions {
  for (const k of IGNORED) {
    if (o[k] !== undefined) warn(`warning: --${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is ignored: the audit log is not rotated`);
  }
  return { maxRequestsInFlight: o.maxRequestsInflight, maxMutatingRequestsInFlight: o.maxMutatingRequestsInflight, auditLogPath: o.auditLogPath };
}
