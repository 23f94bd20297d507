// The roles and bindings every kube-apiserver keeps in place at start (the RBAC bootstrap policy of
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy: cluster roles, controller roles, namespaced roles),
// restated as data. Rule lists are sorted the way upstream's rule builder sorts them, and roles keep
// upstream's rule order, since aggregation concatenates rules in that order.
//
// Left out on purpose: controller roles for controllers Wheelhouse does not run (see CONTROLLER_ROLES)
// and feature-gated rules of alpha/beta features that a default 1.35 cluster leaves off.
import type { KObject } from '../../api/types.ts';
import type { PolicyRule, Subject } from './rules.ts';

export const BOOTSTRAP_LABEL = { 'kubernetes.io/bootstrapping': 'rbac-defaults' } as const;
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';
export const AGGREGATE_TO_ADMIN = 'rbac.authorization.k8s.io/aggregate-to-admin';
export const AGGREGATE_TO_EDIT = 'rbac.authorization.k8s.io/aggregate-to-edit';
export const AGGREGATE_TO_VIEW = 'rbac.authorization.k8s.io/aggregate-to-view';
const RBAC = 'rbac.authorization.k8s.io';

const READ = ['get', 'list', 'watch'];
const READ_WRITE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const sorted = (xs: string[]): string[] => [...xs].sort();

/** A resource rule: verbs on resources of some groups, optionally only the named objects. */
function rule(verbs: string[], groups: string[], resources: string[], names?: string[]): PolicyRule {
  const r: PolicyRule = { apiGroups: sorted(groups), resources: sorted(resources), verbs: sorted(verbs) };
  if (names) r.resourceNames = sorted(names);
  return r;
}
const urls = (verbs: string[], paths: string[]): PolicyRule => ({ nonResourceURLs: sorted(paths), verbs: sorted(verbs) });
/** The events rule almost every component carries (core and events.k8s.io). */
const events = (): PolicyRule => rule(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']);

interface RoleSpec {
  name: string;
  rules: PolicyRule[];
  labels?: Record<string, string>;
  aggregateFrom?: string;
}

const CLUSTER_ROLE_SPECS: RoleSpec[] = [
  { name: 'cluster-admin', rules: [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])] },
  {
    name: 'system:discovery',
    rules: [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*'])],
  },
  {
    name: 'system:monitoring',
    rules: [urls(['get'], ['/metrics', '/metrics/slis', '/livez', '/readyz', '/healthz', '/livez/*', '/readyz/*', '/healthz/*'])],
  },
  {
    name: 'system:basic-user',
    rules: [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ],
  },
  { name: 'system:public-info-viewer', rules: [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/'])] },
  { name: 'admin', rules: [], aggregateFrom: AGGREGATE_TO_ADMIN },
  { name: 'edit', rules: [], aggregateFrom: AGGREGATE_TO_EDIT, labels: { [AGGREGATE_TO_ADMIN]: 'true' } },
  { name: 'view', rules: [], aggregateFrom: AGGREGATE_TO_VIEW, labels: { [AGGREGATE_TO_EDIT]: 'true' } },
  {
    name: 'system:aggregate-to-admin',
    labels: { [AGGREGATE_TO_ADMIN]: 'true' },
    rules: [rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']), rule(READ_WRITE, [RBAC], ['roles', 'rolebindings'])],
  },
  {
    name: 'system:aggregate-to-edit',
    labels: { [AGGREGATE_TO_EDIT]: 'true' },
    rules: [
      rule(READ, [''], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
      rule(['impersonate'], [''], ['serviceaccounts']),
      rule(WRITE, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
      rule(['create'], [''], ['pods/eviction']),
      rule(WRITE, [''], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets', 'events']),
      rule(['create'], [''], ['serviceaccounts/token']),
      rule(WRITE, ['apps'], ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale']),
      rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(WRITE, ['batch'], ['jobs', 'cronjobs']),
      rule(WRITE, ['extensions'], ['daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale', 'networkpolicies']),
      rule(WRITE, ['policy'], ['poddisruptionbudgets']),
      rule(WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
      rule(READ_WRITE, ['coordination.k8s.io'], ['leases']),
    ],
  },
  {
    name: 'system:aggregate-to-view',
    labels: { [AGGREGATE_TO_VIEW]: 'true' },
    rules: [
      rule(READ, [''], ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']),
      rule(READ, [''], ['limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log']),
      rule(READ, [''], ['namespaces']),
      rule(READ, ['discovery.k8s.io'], ['endpointslices']),
      rule(READ, ['apps'], ['controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale']),
      rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      rule(READ, ['batch'], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
      rule(READ, ['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale', 'networkpolicies']),
      rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      rule(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
    ],
  },
  {
    name: 'system:heapster',
    rules: [rule(READ, [''], ['events', 'pods', 'nodes', 'namespaces']), rule(READ, ['extensions'], ['deployments'])],
  },
  {
    name: 'system:node',
    rules: [
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews', 'localsubjectaccessreviews']),
      rule(READ, [''], ['services']),
      rule(['create', 'get', 'list', 'watch'], [''], ['nodes']),
      rule(['update', 'patch'], [''], ['nodes/status']),
      rule(['update', 'patch'], [''], ['nodes']),
      rule(['create', 'update', 'patch'], [''], ['events']),
      rule(READ, [''], ['pods']),
      rule(['create', 'delete'], [''], ['pods']),
      rule(['update', 'patch'], [''], ['pods/status']),
      rule(['create'], [''], ['pods/eviction']),
      rule(READ, [''], ['secrets', 'configmaps']),
      rule(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
      rule(['get'], [''], ['endpoints']),
      rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
      rule(['delete', 'create', 'update', 'get', 'patch'], ['coordination.k8s.io'], ['leases']),
      rule(['get'], ['storage.k8s.io'], ['volumeattachments']),
      rule(['create'], [''], ['serviceaccounts/token']),
      rule(['get', 'update', 'patch'], [''], ['persistentvolumeclaims/status']),
      rule(READ, ['storage.k8s.io'], ['csidrivers']),
      rule(['create', 'delete', 'get', 'patch', 'update'], ['storage.k8s.io'], ['csinodes']),
      rule(READ, ['node.k8s.io'], ['runtimeclasses']),
      // Dynamic resource allocation, on by default since it went GA.
      rule(['get'], ['resource.k8s.io'], ['resourceclaims']),
      rule(['deletecollection'], ['resource.k8s.io'], ['resourceslices']),
    ],
  },
  {
    name: 'system:node-proxier',
    rules: [
      rule(['list', 'watch'], [''], ['services', 'endpoints']),
      rule(READ, [''], ['nodes']),
      events(),
      rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
    ],
  },
  {
    name: 'system:kubelet-api-admin',
    rules: [
      rule(READ, [''], ['nodes']),
      rule(['proxy'], [''], ['nodes']),
      rule(['*'], [''], ['nodes/proxy', 'nodes/metrics', 'nodes/stats', 'nodes/log']),
    ],
  },
  { name: 'system:node-bootstrapper', rules: [rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests'])] },
  {
    name: 'system:auth-delegator',
    rules: [rule(['create'], ['authentication.k8s.io'], ['tokenreviews']), rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews'])],
  },
  { name: 'system:kube-aggregator', rules: [rule(READ, [''], ['services', 'endpoints'])] },
  {
    name: 'system:kube-controller-manager',
    rules: [
      events(),
      rule(['create'], ['coordination.k8s.io'], ['leases']),
      rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-controller-manager']),
      rule(['create'], [''], ['secrets', 'serviceaccounts']),
      rule(['delete'], [''], ['secrets']),
      rule(['get'], [''], ['namespaces', 'secrets', 'serviceaccounts', 'configmaps']),
      rule(['update'], [''], ['secrets', 'serviceaccounts']),
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      rule(['list', 'watch'], ['*'], ['*']),
      rule(['create'], [''], ['serviceaccounts/token']),
    ],
  },
  {
    name: 'system:kube-dns',
    rules: [rule(['list', 'watch'], [''], ['endpoints', 'services'])],
  },
  {
    name: 'system:persistent-volume-provisioner',
    rules: [
      rule(['get', 'list', 'watch', 'create', 'delete'], [''], ['persistentvolumes']),
      rule(['get', 'list', 'watch', 'update'], [''], ['persistentvolumeclaims']),
      rule(READ, ['storage.k8s.io'], ['storageclasses']),
      rule(['watch'], [''], ['events']),
      events(),
    ],
  },
  {
    name: 'system:kube-scheduler',
    rules: [
      events(),
      rule(['create'], ['coordination.k8s.io'], ['leases']),
      rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-scheduler']),
      rule(READ, [''], ['nodes']),
      rule(['get', 'list', 'watch', 'delete'], [''], ['pods']),
      rule(['create'], [''], ['pods/binding', 'bindings']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule(READ, [''], ['services', 'replicationcontrollers']),
      rule(READ, ['apps', 'extensions'], ['replicasets']),
      rule(READ, ['apps'], ['statefulsets']),
      rule(READ, ['policy'], ['poddisruptionbudgets']),
      rule(READ, [''], ['persistentvolumeclaims', 'persistentvolumes']),
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      rule(READ, ['storage.k8s.io'], ['csinodes']),
      rule(READ, [''], ['namespaces']),
      rule(READ, ['storage.k8s.io'], ['csidrivers']),
      rule(READ, ['storage.k8s.io'], ['csistoragecapacities']),
      // Dynamic resource allocation, on by default since it went GA.
      rule(READ, ['resource.k8s.io'], ['resourceclaims', 'deviceclasses']),
      rule(['get', 'list', 'watch', 'update', 'patch'], ['resource.k8s.io'], ['resourceclaims/status']),
      rule(READ, ['resource.k8s.io'], ['resourceslices']),
    ],
  },
  {
    name: 'system:volume-scheduler',
    rules: [
      rule(['get', 'list', 'watch', 'update', 'patch'], [''], ['persistentvolumes']),
      rule(READ, ['storage.k8s.io'], ['storageclasses']),
      rule(['get', 'list', 'watch', 'update', 'patch'], [''], ['persistentvolumeclaims']),
    ],
  },
  { name: 'system:node-problem-detector', rules: [rule(['get'], [''], ['nodes']), rule(['patch'], [''], ['nodes/status']), events()] },
  { name: 'system:certificates.k8s.io:certificatesigningrequests:nodeclient', rules: [rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/nodeclient'])] },
  { name: 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', rules: [rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/selfnodeclient'])] },
  ...['kube-apiserver-client', 'kube-apiserver-client-kubelet', 'kubelet-serving', 'legacy-unknown'].map((signer) => ({
    name: `system:certificates.k8s.io:${signer}-approver`,
    rules: [rule(['approve'], ['certificates.k8s.io'], ['signers'], [`kubernetes.io/${signer}`])],
  })),
  { name: 'system:service-account-issuer-discovery', rules: [urls(['get'], ['/.well-known/openid-configuration', '/openid/v1/jwks'])] },
];

/**
 * `system:controller:<name>` roles of the controllers Wheelhouse runs, each bound to the kube-system
 * service account of that name. Upstream also has roles for attachdetach, certificate,
 * device-taint-eviction, endpointslicemirroring, ephemeral-volume, expand, legacy-service-account-token-cleaner,
 * pod-garbage-collector, pv-protection, pvc-protection, resource-claim, root-ca-cert-publisher, route,
 * selinux-warning, service-cidrs, service, ttl, validatingadmissionpolicy-status and
 * volumeattributesclass-protection controllers, which Wheelhouse does not run.
 */
const CONTROLLER_ROLE_SPECS: RoleSpec[] = [
  { name: 'clusterrole-aggregation-controller', rules: [rule(['escalate', 'get', 'list', 'watch', 'update', 'patch'], [RBAC], ['clusterroles'])] },
  {
    name: 'cronjob-controller',
    rules: [
      rule(['get', 'list', 'watch', 'update'], ['batch'], ['cronjobs']),
      rule(['get', 'list', 'watch', 'create', 'update', 'delete', 'patch'], ['batch'], ['jobs']),
      rule(['update'], ['batch'], ['cronjobs/status']),
      rule(['update'], ['batch'], ['cronjobs/finalizers']),
      rule(['list', 'watch', 'delete'], [''], ['pods']),
      events(),
    ],
  },
  {
    name: 'daemon-set-controller',
    rules: [
      rule(READ, ['apps', 'extensions'], ['daemonsets']),
      rule(['update'], ['apps', 'extensions'], ['daemonsets/status']),
      rule(['update'], ['apps', 'extensions'], ['daemonsets/finalizers']),
      rule(['list', 'watch'], [''], ['nodes']),
      rule(['list', 'watch', 'create', 'delete', 'patch'], [''], ['pods']),
      rule(['create'], [''], ['pods/binding']),
      rule(['get', 'list', 'watch', 'create', 'delete', 'update', 'patch'], ['apps'], ['controllerrevisions']),
      events(),
    ],
  },
  {
    name: 'deployment-controller',
    rules: [
      rule(['get', 'list', 'watch', 'update'], ['apps', 'extensions'], ['deployments']),
      rule(['update'], ['apps', 'extensions'], ['deployments/status']),
      rule(['update'], ['apps', 'extensions'], ['deployments/finalizers']),
      rule(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], ['apps', 'extensions'], ['replicasets']),
      rule(['get', 'list', 'watch', 'update'], [''], ['pods']),
      events(),
    ],
  },
  {
    name: 'disruption-controller',
    rules: [
      rule(READ, ['apps', 'extensions'], ['deployments']),
      rule(READ, ['apps', 'extensions'], ['replicasets']),
      rule(READ, [''], ['replicationcontrollers']),
      rule(READ, ['policy'], ['poddisruptionbudgets']),
      rule(READ, ['apps'], ['statefulsets']),
      rule(['update'], ['policy'], ['poddisruptionbudgets/status']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule(['get'], ['*'], ['*/scale']),
      events(),
    ],
  },
  {
    name: 'endpoint-controller',
    rules: [
      rule(READ, [''], ['services', 'pods']),
      rule(['get', 'list', 'watch', 'create', 'update', 'delete'], [''], ['endpoints']),
      rule(['create'], [''], ['endpoints/restricted']),
      events(),
    ],
  },
  {
    name: 'endpointslice-controller',
    rules: [
      rule(READ, [''], ['services', 'pods', 'nodes']),
      rule(['update'], [''], ['services/finalizers']),
      rule(['get', 'list', 'watch', 'create', 'update', 'delete'], ['discovery.k8s.io'], ['endpointslices']),
      events(),
    ],
  },
  { name: 'generic-garbage-collector', rules: [rule(['get', 'list', 'watch', 'patch', 'update', 'delete'], ['*'], ['*']), events()] },
  {
    name: 'horizontal-pod-autoscaler',
    rules: [
      rule(READ, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(['update'], ['autoscaling'], ['horizontalpodautoscalers/status']),
      rule(['get', 'update'], ['*'], ['*/scale']),
      rule(['list', 'watch'], [''], ['pods']),
      rule(['list', 'watch'], ['metrics.k8s.io'], ['pods']),
      rule(READ, ['custom.metrics.k8s.io'], ['*']),
      rule(READ, ['external.metrics.k8s.io'], ['*']),
      events(),
    ],
  },
  {
    name: 'job-controller',
    rules: [
      rule(['get', 'list', 'watch', 'update', 'patch'], ['batch'], ['jobs']),
      rule(['update'], ['batch'], ['jobs/status']),
      rule(['update'], ['batch'], ['jobs/finalizers']),
      rule(['list', 'watch', 'create', 'delete', 'patch'], [''], ['pods']),
      events(),
    ],
  },
  {
    name: 'namespace-controller',
    rules: [
      rule(['get', 'list', 'watch', 'delete'], [''], ['namespaces']),
      rule(['update'], [''], ['namespaces/finalize', 'namespaces/status']),
      rule(['get', 'list', 'delete', 'deletecollection', 'watch'], ['*'], ['*']),
    ],
  },
  {
    name: 'node-controller',
    rules: [
      rule(['get', 'list', 'watch', 'update', 'delete', 'patch'], [''], ['nodes']),
      rule(['patch', 'update'], [''], ['nodes/status']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule(['list', 'watch', 'delete', 'get'], [''], ['pods']),
      events(),
    ],
  },
  {
    name: 'persistent-volume-binder',
    rules: [
      rule(['get', 'list', 'watch', 'update', 'create', 'delete'], [''], ['persistentvolumes']),
      rule(['update'], [''], ['persistentvolumes/status']),
      rule(['get', 'list', 'watch', 'update'], [''], ['persistentvolumeclaims']),
      rule(['update'], [''], ['persistentvolumeclaims/status']),
      rule(['list', 'watch', 'get', 'create', 'delete'], [''], ['pods']),
      rule(READ, ['storage.k8s.io'], ['storageclasses']),
      rule(['list', 'watch'], [''], ['nodes']),
      events(),
      rule(['watch'], [''], ['events']),
    ],
  },
  ...(['replicaset-controller', 'replication-controller'] as const).map((name) => {
    const [groups, kind] = name === 'replicaset-controller' ? [['apps', 'extensions'], 'replicasets'] : [[''], 'replicationcontrollers'];
    return {
      name,
      rules: [
        rule(['get', 'list', 'watch', 'update'], groups, [kind]),
        rule(['update'], groups, [`${kind}/status`]),
        rule(['update'], groups, [`${kind}/finalizers`]),
        rule(['list', 'watch', 'patch', 'create', 'delete'], [''], ['pods']),
        events(),
      ],
    };
  }),
  {
    name: 'resourcequota-controller',
    rules: [rule(['list', 'watch'], ['*'], ['*']), rule(['update'], [''], ['resourcequotas/status']), events()],
  },
  { name: 'service-account-controller', rules: [rule(['create'], [''], ['serviceaccounts']), events()] },
  {
    name: 'statefulset-controller',
    rules: [
      rule(['list', 'watch'], [''], ['pods']),
      rule(READ, ['apps'], ['statefulsets']),
      rule(['update'], ['apps'], ['statefulsets/status']),
      rule(['update'], ['apps'], ['statefulsets/finalizers']),
      rule(['get', 'create', 'delete', 'update', 'patch'], [''], ['pods']),
      rule(['get', 'list', 'watch', 'create', 'delete', 'update', 'patch'], ['apps'], ['controllerrevisions']),
      rule(['get', 'create', 'list', 'watch'], [''], ['persistentvolumeclaims']),
      rule(['update', 'delete'], [''], ['persistentvolumeclaims']),
      rule(['update'], [''], ['pods/finalizers']),
      events(),
    ],
  },
  { name: 'ttl-after-finished-controller', rules: [rule(['get', 'list', 'watch', 'delete'], ['batch'], ['jobs']), events()] },
];

const group = (name: string): Subject => ({ kind: 'Group', apiGroup: RBAC, name });
const user = (name: string): Subject => ({ kind: 'User', apiGroup: RBAC, name });
const serviceAccount = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', name, namespace });

const CLUSTER_BINDING_SPECS: { role: string; subjects: Subject[] }[] = [
  { role: 'cluster-admin', subjects: [group('system:masters')] },
  { role: 'system:monitoring', subjects: [group('system:monitoring')] },
  { role: 'system:discovery', subjects: [group('system:authenticated')] },
  { role: 'system:basic-user', subjects: [group('system:authenticated')] },
  { role: 'system:public-info-viewer', subjects: [group('system:authenticated'), group('system:unauthenticated')] },
  { role: 'system:node-proxier', subjects: [user('system:kube-proxy')] },
  { role: 'system:kube-controller-manager', subjects: [user('system:kube-controller-manager')] },
  { role: 'system:kube-dns', subjects: [serviceAccount('kube-system', 'kube-dns')] },
  { role: 'system:kube-scheduler', subjects: [user('system:kube-scheduler')] },
  { role: 'system:volume-scheduler', subjects: [user('system:kube-scheduler')] },
  // Nodes are authorized by the Node authorizer; the binding stays, without subjects, as upstream keeps it.
  { role: 'system:node', subjects: [] },
  { role: 'system:service-account-issuer-discovery', subjects: [group('system:serviceaccounts')] },
];

const NAMESPACE_ROLE_SPECS: (RoleSpec & { namespace: string })[] = [
  {
    namespace: 'kube-system',
    name: 'extension-apiserver-authentication-reader',
    rules: [rule(READ, [''], ['configmaps'], ['extension-apiserver-authentication'])],
  },
  ...['kube-controller-manager', 'kube-scheduler'].map((component) => ({
    namespace: 'kube-system',
    name: `system::leader-locking-${component}`,
    rules: [
      rule(['watch', 'get', 'list', 'create', 'update'], ['coordination.k8s.io'], ['leases']),
      rule(['watch', 'get', 'list', 'create', 'update'], ['coordination.k8s.io'], ['leasecandidates']),
    ],
  })),
  { namespace: 'kube-system', name: 'system:controller:bootstrap-signer', rules: [rule(READ, [''], ['secrets'])] },
  { namespace: 'kube-system', name: 'system:controller:cloud-provider', rules: [rule(['create', 'get', 'list', 'watch'], [''], ['configmaps'])] },
  { namespace: 'kube-system', name: 'system:controller:token-cleaner', rules: [rule(['delete', 'get', 'list', 'watch'], [''], ['secrets']), events()] },
  {
    namespace: 'kube-public',
    name: 'system:controller:bootstrap-signer',
    rules: [rule(READ, [''], ['configmaps']), rule(['update'], [''], ['configmaps'], ['cluster-info']), events()],
  },
];

const NAMESPACE_BINDING_SPECS: { namespace: string; name: string; role: string; subjects: Subject[] }[] = [
  {
    namespace: 'kube-system',
    name: 'system::extension-apiserver-authentication-reader',
    role: 'extension-apiserver-authentication-reader',
    subjects: [user('system:kube-controller-manager'), user('system:kube-scheduler')],
  },
  ...['kube-controller-manager', 'kube-scheduler'].map((component) => ({
    namespace: 'kube-system',
    name: `system::leader-locking-${component}`,
    role: `system::leader-locking-${component}`,
    subjects: [user(`system:${component}`), serviceAccount('kube-system', component)],
  })),
  ...['bootstrap-signer', 'cloud-provider', 'token-cleaner'].map((sa) => ({
    namespace: 'kube-system',
    name: `system:controller:${sa}`,
    role: `system:controller:${sa}`,
    subjects: [serviceAccount('kube-system', sa)],
  })),
  { namespace: 'kube-public', name: 'system:controller:bootstrap-signer', role: 'system:controller:bootstrap-signer', subjects: [serviceAccount('kube-system', 'bootstrap-signer')] },
];

function meta(name: string, namespace?: string, labels?: Record<string, string>): KObject['metadata'] {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: { ...BOOTSTRAP_LABEL, ...labels },
    annotations: { [AUTOUPDATE_ANNOTATION]: 'true' },
  };
}

function clusterRole(spec: RoleSpec): KObject {
  const role: KObject = { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: meta(spec.name, undefined, spec.labels) };
  // An aggregated role starts without rules: the clusterrole-aggregation controller writes them.
  if (spec.aggregateFrom) role.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [spec.aggregateFrom]: 'true' } }] };
  else role.rules = spec.rules;
  return role;
}

function clusterRoleBinding(role: string, subjects: Subject[]): KObject {
  const b: KObject = { apiVersion: `${RBAC}/v1`, kind: 'ClusterRoleBinding', metadata: meta(role), roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role } };
  if (subjects.length > 0) b.subjects = subjects;
  return b;
}

export const CONTROLLER_ROLE_PREFIX = 'system:controller:';

export const BOOTSTRAP_CLUSTER_ROLES: readonly KObject[] = [
  ...CLUSTER_ROLE_SPECS.map(clusterRole),
  ...CONTROLLER_ROLE_SPECS.map((s) => clusterRole({ ...s, name: `${CONTROLLER_ROLE_PREFIX}${s.name}` })),
];

export const BOOTSTRAP_CLUSTER_ROLE_BINDINGS: readonly KObject[] = [
  ...CLUSTER_BINDING_SPECS.map((s) => clusterRoleBinding(s.role, s.subjects)),
  ...CONTROLLER_ROLE_SPECS.map((s) => clusterRoleBinding(`${CONTROLLER_ROLE_PREFIX}${s.name}`, [serviceAccount('kube-system', s.name)])),
];

export const BOOTSTRAP_ROLES: readonly KObject[] = NAMESPACE_ROLE_SPECS.map((s) => ({
  apiVersion: `${RBAC}/v1`,
  kind: 'Role',
  metadata: meta(s.name, s.namespace),
  rules: s.rules,
}));

export const BOOTSTRAP_ROLE_BINDINGS: readonly KObject[] = NAMESPACE_BINDING_SPECS.map((s) => ({
  apiVersion: `${RBAC}/v1`,
  kind: 'RoleBinding',
  metadata: meta(s.name, s.namespace),
  roleRef: { apiGroup: RBAC, kind: 'Role', name: s.role },
  subjects: s.subjects,
}));
