// The APIService objects of the group-versions this server serves itself, as kube-apiserver's
// autoregister controller keeps them: one per group-version, no service ("Local"), labelled
// automanaged=onstart, with groupPriorityMinimum/versionPriority from upstream's priority table.
import type { ResourceDecl } from '../../api/types.ts';
import type { KObject } from '../../api/types.ts';

export const AUTOMANAGED_LABEL = 'kube-aggregator.kubernetes.io/automanaged';

/** Upstream's apiVersionPriorities (pkg/controlplane/apiserver and kube-apiserver's aggregator config). */
const PRIORITIES: Record<string, { group: number; version: number }> = {
  'v1': { group: 18000, version: 1 },
  'apiregistration.k8s.io/v1': { group: 18000, version: 15 },
  'apps/v1': { group: 17800, version: 15 },
  'events.k8s.io/v1': { group: 17750, version: 15 },
  'authentication.k8s.io/v1': { group: 17700, version: 15 },
  'authorization.k8s.io/v1': { group: 17600, version: 15 },
  'autoscaling/v1': { group: 17500, version: 15 },
  'autoscaling/v2': { group: 17500, version: 30 },
  'batch/v1': { group: 17400, version: 15 },
  'certificates.k8s.io/v1': { group: 17300, version: 15 },
  'networking.k8s.io/v1': { group: 17200, version: 15 },
  'policy/v1': { group: 17100, version: 15 },
  'rbac.authorization.k8s.io/v1': { group: 17000, version: 15 },
  'storage.k8s.io/v1': { group: 16800, version: 15 },
  'storage.k8s.io/v1beta1': { group: 16800, version: 9 },
  'admissionregistration.k8s.io/v1': { group: 16700, version: 15 },
  'apiextensions.k8s.io/v1': { group: 16700, version: 15 },
  'scheduling.k8s.io/v1': { group: 16600, version: 15 },
  'coordination.k8s.io/v1': { group: 16500, version: 15 },
  'node.k8s.io/v1': { group: 16300, version: 15 },
  'discovery.k8s.io/v1': { group: 16200, version: 15 },
  'flowcontrol.apiserver.k8s.io/v1': { group: 16100, version: 21 },
  'resource.k8s.io/v1': { group: 15900, version: 15 },
  // metrics-server's own APIService asks for these.
  'metrics.k8s.io/v1beta1': { group: 100, version: 100 },
};
const FALLBACK = { group: 1000, version: 15 };

/**
 * metrics.k8s.io is served inside this process rather than by an aggregated metrics-server, so its
 * APIService is Local too (a real cluster points it at kube-system/metrics-server).
 */
const IN_PROCESS: readonly { group: string; version: string }[] = [{ group: 'metrics.k8s.io', version: 'v1beta1' }];

const CUSTOM_PRIORITY = { group: 1000, version: 100 };

export function apiServiceName(group: string, version: string): string {
  return `${version}.${group}`;
}

/** One Local APIService per served group-version, in catalogue order. */
export function localAPIServices(decls: readonly ResourceDecl[]): KObject[] {
  const seen = new Set<string>();
  const out: KObject[] = [];
  const all = [
    ...decls.map((d) => ({ group: d.group, version: d.version, custom: d.custom === true })),
    { group: 'apiregistration.k8s.io', version: 'v1', custom: false },
    ...IN_PROCESS.map((gv) => ({ ...gv, custom: false })),
  ];
  for (const gv of all) {
    const name = apiServiceName(gv.group, gv.version);
    if (seen.has(name)) continue;
    seen.add(name);
    // CRD group-versions are registered by the crdRegistrationController: below every built-in group.
    const prio = gv.custom ? CUSTOM_PRIORITY : (PRIORITIES[gv.group ? `${gv.group}/${gv.version}` : gv.version] ?? FALLBACK);
    out.push({
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name, labels: { [AUTOMANAGED_LABEL]: gv.custom ? 'true' : 'onstart' } },
      spec: { group: gv.group, version: gv.version, groupPriorityMinimum: prio.group, versionPriority: prio.version },
    });
  }
  return out;
}

export function localAvailableStatus(now: string): Record<string, unknown> {
  return { conditions: [{ type: 'Available', status: 'True', lastTransitionTime: now, reason: 'Local', message: 'Local APIServices are always available' }] };
}
