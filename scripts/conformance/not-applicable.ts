// Why an upstream conformance test has no mirror here: rules over its file, codename and description, so a
// new upstream test is classified without anyone editing a list. The first rule that matches wins; the
// order puts the most specific missing piece first (a webhook test about CRs needs the webhook first).
import type { UpstreamTest } from './upstream.ts';

export interface NotApplicableRule {
  reason: string;
  applies(t: UpstreamTest): boolean;
}

const fileIs = (t: UpstreamTest, ...names: string[]): boolean => names.some((n) => t.file.endsWith(`/${n}`));
const text = (t: UpstreamTest): string => `${t.codename} ${t.description}`;

// What only a real container can show: its output, files, processes, exit codes and what it sees of the
// node. The simulated node agents report plausible statuses but run nothing.
const CONTAINER_RUNTIME = new RegExp(
  [
    'exec',
    'logs?',
    'output',
    'stdout',
    'websockets?',
    'environment variables?',
    'env vars?',
    'consumable',
    'command',
    'arguments',
    'args',
    'entrypoint',
    'probes?',
    'liveness',
    'readiness',
    'lifecycle hook',
    'poststart',
    'prestop',
    'termination message',
    'terminated reason',
    'init containers?',
    'ephemeral containers?',
    'sysctls?',
    'runAsUser',
    'uid',
    'privilege(d| escalation)?',
    'root filesystem',
    'readOnlyRootFilesystem',
    'etc/hosts',
    'hostAliases',
    'subpaths?',
    'serve a basic image',
    'Downward API',
    'Guestbook',
    'Update Demo',
  ]
    .map((w) => `\\b${w}\\b`)
    .join('|'),
  'i',
);

export const NOT_APPLICABLE_RULES: readonly NotApplicableRule[] = [
  {
    reason: 'needs admission webhooks',
    applies: (t) => fileIs(t, 'webhook.go'),
  },
  {
    reason: 'needs a CRD conversion webhook',
    applies: (t) => fileIs(t, 'crd_conversion_webhook.go'),
  },
  {
    reason: 'needs an aggregated API server',
    applies: (t) => fileIs(t, 'aggregator.go'),
  },
  {
    reason: 'ValidatingAdmissionPolicies are stored but not evaluated (no admission CEL)',
    applies: (t) => fileIs(t, 'validatingadmissionpolicy.go'),
  },
  {
    reason: 'certificates.k8s.io not served yet',
    applies: (t) => fileIs(t, 'certificates.go'),
  },
  {
    // The Table test asks for a Table of a SelfSubjectAccessReview, a resource without object metadata.
    reason: 'needs authentication (SelfSubjectAccessReview and the self-subject reviews)',
    applies: (t) => fileIs(t, 'subjectreviews.go', 'table_conversion.go'),
  },
  {
    reason: 'needs the service account token issuer (OIDC discovery, token volumes)',
    applies: (t) => /OIDC|API token|service account token/i.test(t.codename),
  },
  {
    reason: 'needs volume contents inside a real container',
    applies: (t) =>
      /\/(common\/)?storage\/(empty_dir|projected|configmap_volume|secrets_volume|downwardapi_volume|subpath|empty_dir_wrapper|csi_inline)/.test(t.file) ||
      /volume subpath|in volume|from pods in volume/i.test(t.codename),
  },
  {
    reason: 'needs pod networking',
    applies: (t) =>
      fileIs(t, 'dns.go', 'networking.go', 'proxy.go', 'hostport.go', 'service_latency.go') ||
      (t.sig === 'sig-network' && /reachable|connectivity|session affinity|functioning NodePort|change the type|serve (a basic|multiport|endpoints on)/i.test(text(t))) ||
      /Proxy server|hostPort/i.test(t.codename),
  },
  {
    reason: 'needs a container runtime',
    applies: (t) => CONTAINER_RUNTIME.test(t.codename),
  },
];

/** The reason this test cannot be mirrored yet, or undefined when it could be. */
export function notApplicableReason(t: UpstreamTest): string | undefined {
  return NOT_APPLICABLE_RULES.find((r) => r.applies(t))?.reason;
}
