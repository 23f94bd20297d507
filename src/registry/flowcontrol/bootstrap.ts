// The mandatory and suggested APF objects a v1.35 kube-apiserver keeps (apiserver's
// pkg/apis/flowcontrol/bootstrap): created at start when missing, and put back to these specs when they
// still carry the auto-update annotation set to "true", as upstream's ensurer does.
import type { KObject } from '../../api/types.ts';

export const AUTO_UPDATE_ANNOTATION = 'apf.kubernetes.io/autoupdate-spec';
const API_VERSION = 'flowcontrol.apiserver.k8s.io/v1';

interface Queue {
  shares: number;
  lendable: number;
  queues: number;
  handSize: number;
}

function meta(name: string) {
  return { name, annotations: { [AUTO_UPDATE_ANNOTATION]: 'true' } };
}

function limited(name: string, q: Queue): KObject {
  return {
    apiVersion: API_VERSION,
    kind: 'PriorityLevelConfiguration',
    metadata: meta(name),
    spec: {
      type: 'Limited',
      limited: {
        nominalConcurrencyShares: q.shares,
        lendablePercent: q.lendable,
        limitResponse: { type: 'Queue', queuing: { queues: q.queues, handSize: q.handSize, queueLengthLimit: 50 } },
      },
    },
  };
}

export const PRIORITY_LEVELS: readonly KObject[] = [
  // mandatory, in upstream's order
  {
    apiVersion: API_VERSION,
    kind: 'PriorityLevelConfiguration',
    metadata: meta('catch-all'),
    spec: { type: 'Limited', limited: { nominalConcurrencyShares: 5, lendablePercent: 0, limitResponse: { type: 'Reject' } } },
  },
  {
    apiVersion: API_VERSION,
    kind: 'PriorityLevelConfiguration',
    metadata: meta('exempt'),
    spec: { type: 'Exempt', exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } },
  },
  // suggested
  limited('system', { shares: 30, lendable: 33, queues: 64, handSize: 6 }),
  limited('node-high', { shares: 40, lendable: 25, queues: 64, handSize: 6 }),
  limited('leader-election', { shares: 10, lendable: 0, queues: 16, handSize: 4 }),
  limited('workload-high', { shares: 40, lendable: 50, queues: 128, handSize: 6 }),
  limited('workload-low', { shares: 100, lendable: 90, queues: 128, handSize: 6 }),
  limited('global-default', { shares: 20, lendable: 50, queues: 128, handSize: 6 }),
];

type Subject = Record<string, unknown>;
const group = (name: string): Subject => ({ kind: 'Group', group: { name } });
const user = (name: string): Subject => ({ kind: 'User', user: { name } });
const kubeSystemSA = (name: string): Subject => ({ kind: 'ServiceAccount', serviceAccount: { namespace: 'kube-system', name } });

const EVERYTHING = {
  resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], clusterScope: true, namespaces: ['*'] }],
  nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
};
const LEASES = { verbs: ['get', 'create', 'update'], apiGroups: ['coordination.k8s.io'], resources: ['leases'], namespaces: ['*'] };
function flowSchema(name: string, level: string, precedence: number, distinguisher: string | undefined, subjects: Subject[], rules: object = EVERYTHING): KObject {
  return {
    apiVersion: API_VERSION,
    kind: 'FlowSchema',
    metadata: meta(name),
    spec: {
      priorityLevelConfiguration: { name: level },
      matchingPrecedence: precedence,
      ...(distinguisher ? { distinguisherMethod: { type: distinguisher } } : {}),
      rules: [{ subjects, ...rules }],
    },
  };
}

const EVERYONE = [group('system:unauthenticated'), group('system:authenticated')];

export const MANDATORY_FLOW_SCHEMAS: readonly KObject[] = [
  flowSchema('exempt', 'exempt', 1, undefined, [group('system:masters')]),
  flowSchema('catch-all', 'catch-all', 10000, 'ByUser', EVERYONE),
];

export const FLOW_SCHEMAS: readonly KObject[] = [
  ...MANDATORY_FLOW_SCHEMAS,
  // suggested, in upstream's order
  flowSchema('system-nodes', 'system', 500, 'ByUser', [group('system:nodes')]),
  flowSchema('system-node-high', 'node-high', 400, 'ByUser', [group('system:nodes')], {
    resourceRules: [
      { verbs: ['*'], apiGroups: [''], resources: ['nodes', 'nodes/status'], clusterScope: true, namespaces: ['*'] },
      { verbs: ['*'], apiGroups: ['coordination.k8s.io'], resources: ['leases'], namespaces: ['*'] },
    ],
  }),
  flowSchema('probes', 'exempt', 2, undefined, EVERYONE, { nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/readyz', '/livez'] }] }),
  flowSchema('system-leader-election', 'leader-election', 100, 'ByUser', [user('system:kube-controller-manager'), user('system:kube-scheduler'), kubeSystemSA('*')], {
    resourceRules: [LEASES],
  }),
  flowSchema('kube-controller-manager', 'workload-high', 800, 'ByNamespace', [user('system:kube-controller-manager')]),
  flowSchema('kube-scheduler', 'workload-high', 800, 'ByNamespace', [user('system:kube-scheduler')]),
  flowSchema('kube-system-service-accounts', 'workload-high', 900, 'ByNamespace', [kubeSystemSA('*')]),
  flowSchema('service-accounts', 'workload-low', 9000, 'ByUser', [group('system:serviceaccounts')]),
  flowSchema('global-default', 'global-default', 9900, 'ByUser', EVERYONE),
];
